// Pages of glyphs with known truth, for measuring `tiae document` (evaluate/evaluate_document.h):
// lines of glyphs, each a character of one of the flyers' fonts (data/flyers.h; none of
// them seen in training) or an MNIST test digit, dark on light paper, with every glyph's
// centre and identity written out. Pages 0..kDocumentPages-1 are the evaluation's; those
// from kTuningPages on are the tuning set (nothing is chosen on the evaluation's pages).
#pragma once
#include <string>
#include <vector>

#include "data/mnist_data.h"

namespace tiae {

constexpr int kDocumentPages = 6;

struct PlacedGlyph {
  float x = 0, y = 0;  // the centre of mass of its ink, page px (pixel i spans [i, i + 1))
  std::string identity;  // the character ("A"), or the digit ("digit 7")
};

struct DocumentPage {
  int width = 0, height = 0;
  std::vector<float> gray;  // dark writing on light paper, in [0, 1]
  double glyph_size = 20;   // height of capitals and digits, px
  std::vector<PlacedGlyph> glyphs;
};

// Page `index` (deterministic), 480x360 at a glyph size from 16 to 28 px: a few lines
// of one flyer font's characters (a small alphabet, so that characters repeat), every
// fourth glyph an MNIST test digit, apart by a fifth to two thirds of a glyph.
DocumentPage make_document_page(int index, const DigitSet& test_digits);

// Writes document-<i>.png and document-<i>.json (glyph_size, glyphs: [{x, y, identity}])
// for i in [first, first + count) into `dir`.
void write_document_pages(const std::string& dir, int first, int count);

}  // namespace tiae
