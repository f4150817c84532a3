// Classical binarization: what a user would run instead of the foreground extractor, and so
// the baselines of every page table (`tiae eval`). OpenCV's Otsu threshold and Sauvola's
// local threshold (ximgproc::niBlackThreshold with BINARIZATION_SAUVOLA), each told the
// ink's polarity, which the extractor is not told.
#pragma once
#include <optional>
#include <vector>

#include "data/flyers.h"

namespace tiae {

struct SauvolaParameters {
  int window = 15;   // the textbook defaults
  double k = 0.2;
};

// gray: width x height in [0, 1], quantized to 8 bits as a file would hold it. Returns 1
// where ink, 0 elsewhere.
std::vector<float> otsu_ink(const std::vector<float>& gray, int width, int height, bool dark_ink);
std::vector<float> sauvola_ink(const std::vector<float>& gray, int width, int height, bool dark_ink,
                               const SauvolaParameters& p);

// The Sauvola parameters of the best mean ink IoU over `pages` (a tuning set, never the
// pages the result is reported on), searched over a grid of windows and k.
SauvolaParameters tune_sauvola(const std::vector<Flyer>& pages);

// Glyph size / median mark height on the easy flyers 100-111 (not the evaluation's 0-5):
// ratios from 0.84 to 1.77, median 1.06.
constexpr double kGlyphPerMark = 1.05;

// The glyph size (height of capitals and digits) of a page's writing, as `tiae extract
// --glyph-size auto` and the evaluation measure it: kGlyphPerMark times the median height
// of the marks of Sauvola's binarization (either polarity, three windows), taken from the
// binarization whose marks agree most in height (writing is many marks of one height;
// texture has every height). Not told the polarity, as the extractor is not. None when
// the page shows no writing.
std::optional<double> estimate_glyph_size(const std::vector<float>& gray, int width, int height);

}  // namespace tiae
