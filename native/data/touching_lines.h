// Lines whose neighbouring glyphs touch or overlap, for the document evaluation's touching
// pages (document_pages.h): each glyph is set as close to the one before as its ink allows
// (row by row, as a kerning table would), then closer by a pixel or two so that the inks
// meet. Four styles, one a page:
//   cursive   lower-case letters of a handwriting flyer font (Klee; every other variant
//             fonts-bwht's hand-lettered small capitals), a little apart, joined by a pen
//             stroke from each letter's foot to the next letter (the join is nobody's ink);
//   print     lower-case letters of a book face (DejaVu, Liberation; by variant), set tight;
//   kerning   capitals that kern (A, V, T, W, Y, L) and lower-case letters under them;
//   digits    MNIST test digits run together, as hurried handwriting does.
// No font here is one the page model was trained on.
#pragma once
#include <opencv2/core.hpp>
#include <random>
#include <vector>

#include "data/document_pages.h"

namespace tiae {

enum class TouchingStyle { cursive, print, kerning, digits };

struct TouchingLines {
  cv::Mat ink;  // CV_32F coverage in [0, 1]
  std::vector<PlacedGlyph> glyphs;  // each glyph's own ink's centre of mass and identity
};

// A w x h page of such lines, capitals `glyph_size` px high; `variant` picks the font.
TouchingLines touching_lines(TouchingStyle style, int variant, int w, int h, double glyph_size, const DigitSet& test_digits,
                             std::mt19937_64& rng);

}  // namespace tiae
