// Classical binarization: what a user would run instead of the foreground extractor, and so
// the baselines of every page table (`tiae eval`). OpenCV's Otsu threshold and Sauvola's
// local threshold (ximgproc::niBlackThreshold with BINARIZATION_SAUVOLA), each told the
// ink's polarity, which the extractor is not told.
#pragma once
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

// The glyph size measured from a page: estimate_glyph_size in shared/glyph_size.h (the
// same code natively and in the page; tests/test_glyph_size.cpp checks it against
// OpenCV's Sauvola threshold and connected components).

}  // namespace tiae
