// Synthetic flyers with a known ink mask, for measuring whole-image extraction: lines of
// handwriting-style text (Debian's fonts-bwht and fonts-klee) and MNIST test digits in
// dark ink on a held-out photograph (backgrounds.h), at a known glyph size. The fixed
// evaluation set is make_flyer(0..kFlyers-1); nothing of it is seen in training.
#pragma once
#include <string>
#include <vector>

#include "mnist_data.h"

namespace tiae {

constexpr int kFlyers = 6;

struct Flyer {
  int width = 0, height = 0;
  std::vector<float> image;  // gray in [0, 1]
  std::vector<float> ink;    // the truth: ink amount per pixel in [0, 1]
  double glyph_size = 20;    // height of digits and capitals, px
};

// The flyers' font files (fonts-bwht, fonts-klee), none of them used in training.
std::vector<std::string> flyer_fonts();

// Flyer `index` (deterministic): photo index % (held-out photos), 640x480.
Flyer make_flyer(int index, const DigitSet& test_digits);

// Writes flyer-<i>.png and flyer-<i>-ink.png for i in [0, count) into `dir`; returns the
// glyph size of each.
std::vector<double> write_flyers(const std::string& dir, int count);

}  // namespace tiae
