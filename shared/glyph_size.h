// The height of a photo's or a page's writing, measured, so that extraction and document
// analysis can rescale it to the model's glyph size without being told (natively and in
// the page). Sauvola's local threshold (as OpenCV's ximgproc::niBlackThreshold with
// BINARIZATION_SAUVOLA, r = 128, on 8-bit gray) marks ink of either polarity at a few
// window sizes; the marks are the 8-connected components; writing is many marks of about
// the same height. Hand-written for the wasm core; tests/test_glyph_size.cpp checks it
// against OpenCV's threshold and connected components.
#pragma once
#include <cstdint>
#include <vector>

namespace tiae {

// Measured heights are marks' heights times this (capitals and digits stand a little
// taller than the median mark, which small letters pull down): the median ratio on
// flyers 100-111, none of them an evaluation page.
constexpr double kGlyphPerMark = 1.05;

// Sauvola's ink mask of 8-bit gray (row-major): 1 where the pixel is at or below the
// local threshold mean * (1 + k (stddev / 128 - 1)) over a window x window box (edges
// replicated); for light ink (dark_ink false) the same on the inverted image.
std::vector<uint8_t> sauvola_mask(const std::vector<uint8_t>& gray8, int width, int height, int window, double k,
                                  bool dark_ink);

// The 8-connected components of a mask (1 = ink): area, box (inclusive) and centre of
// mass (continuous coordinates: pixel i spans [i, i + 1)).
struct InkMark {
  int area = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double cx = 0, cy = 0;
};
std::vector<InkMark> ink_marks(const std::vector<uint8_t>& mask, int width, int height);

// The median height of the marks of the most consistent of six binarizations (dark and
// light ink, windows 25, 61, 131; k 0.2): the one with the most marks within -25 %/+33 %
// of its median. Marks count when of area >= 12, height 8-200 px, neither 3 times wider
// than high nor 5 times higher than wide. 0 when no binarization has 5 such marks.
double median_mark_height(const std::vector<float>& gray, int width, int height);

// kGlyphPerMark times median_mark_height, or 0 when the image shows no writing.
double estimate_glyph_size(const std::vector<float>& gray, int width, int height);

}  // namespace tiae
