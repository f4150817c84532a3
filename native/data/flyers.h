// Synthetic flyers with a known ink mask, for measuring whole-image extraction: lines of
// handwriting-style text (Debian's fonts-bwht and fonts-klee) and MNIST test digits in
// dark ink on a held-out photograph (backgrounds.h), at a known glyph size. The fixed
// evaluation set is make_flyer(0..kFlyers-1); nothing of it is seen in training.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/mnist_data.h"

namespace tiae {

constexpr int kFlyers = 6;
// Pages from this index on form the tuning set of the classical baselines (binarize.h): the
// evaluation's pages are 0..kFlyers-1, never used to choose anything.
constexpr int kTuningPages = 100;

struct Flyer {
  int width = 0, height = 0;
  std::vector<float> image;  // gray in [0, 1]
  std::vector<float> ink;    // the truth: ink amount per pixel in [0, 1]
  double glyph_size = 20;    // height of digits and capitals, px
  bool dark_ink = true;      // the ink's polarity (the classical baselines are told it)
  std::vector<uint8_t> bgr;  // hard pages: the colour page as written (gray is its luma)
};

// The flyers' font files (fonts-bwht, fonts-klee), none of them used in training.
std::vector<std::string> flyer_fonts();

// Flyer `index` (deterministic): photo index % (held-out photos), 640x480.
Flyer make_flyer(int index, const DigitSet& test_digits);

// Hard page `index` (deterministic), 800x600, harder than a flyer in every way a photo of a
// page can be: a held-out colour photo at full contrast, a ramp of light and a shadow,
// coloured ink, dark on even indices and light (chalk-like) on odd ones, glyphs 15 to 60
// px high with thin or thick strokes, camera blur, noise and JPEG compression. The same
// fonts and photos as the flyers, none of them seen in training.
Flyer make_hard_page(int index, const DigitSet& test_digits);

// Pages first..first+count-1 of either kind (the evaluation's: 0..kFlyers-1; the tuning set:
// from kTuningPages on).
std::vector<Flyer> make_pages(bool hard, int first, int count, const DigitSet& test_digits);

// Writes flyer-<i>.png and flyer-<i>-ink.png (or hard-<i>.png and hard-<i>-ink.png) for i
// in [first, first + count) into `dir`; returns the glyph size of each.
std::vector<double> write_flyers(const std::string& dir, int first, int count, bool hard = false);

}  // namespace tiae
