// Training pages for a convolutional extractor (layout "page", docs/method.md, "A convolutional
// extractor"): square pieces of synthetic pages already rescaled to the model's glyph size,
// each drawn V times with the same ink over different backgrounds. What changes between
// views is the background-change transform of the slides, made as rich as a photo of a page
// can be: a training photo in colour at full contrast or lightened like paper, or plain
// paper; a ramp of light and a shadow; dark or light ink of any colour; pen width; camera
// blur, noise and JPEG. Glyphs are lines of the training fonts' letters (font_glyphs.h) and
// MNIST training digits, drawn at 15 to 60 px and rescaled as `tiae extract` rescales a page,
// with an error of the glyph size of up to a third (as a measured size has). Fonts and photos
// are those of training only: the flyers and hard pages (flyers.h) stay unseen.
// Made once on the CPU (OpenCV) and kept as 8-bit planes, so a trainer on any device only
// cuts crops from it.
#pragma once
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "data/mnist_data.h"

namespace tiae {

// The side of a training page, px at the model's glyph size: room for crops of up to this.
constexpr int kTrainingPageSide = 192;

struct PageBank {
  int count = 0, views = 0, side = 0, channels = 1;
  std::vector<uint8_t> images;  // count x views x channels x side x side: gray, or R, G, B planes
  std::vector<uint8_t> ink;     // count x side x side: the truth, ink amount
  size_t plane() const { return size_t(side) * side; }
  const uint8_t* image(int page, int view) const { return images.data() + (size_t(page) * views + view) * channels * plane(); }
  const uint8_t* truth(int page) const { return ink.data() + size_t(page) * plane(); }
};

struct PageBankOptions {
  int count = 3000, views = 2, side = kTrainingPageSide;
  double model_glyph = 20;  // px: glyphs are rescaled to this height
  double clutter = 0;       // the fraction of views with man-made structure behind the ink (page_clutter.h)
  double ink_hues = 0;      // colour only: the fraction of views whose ink is a saturated hue of any luma
  double documents = 0;     // the fraction of pages that look like real documents (the real pages' tuning part)
  int channels = 1;         // 1: gray (as gray_from_rgba8); 3: colour, R, G, B planes (as planes_from_rgba8); 4: and the paper plane
  uint64_t seed = 1;
};

// `options.count` pages of `side` px, `views` drawings each. Page i depends on the options
// (not count) and i only; made on `threads` threads. Needs OpenCV; throws naming the
// package when a font or photo is missing.
PageBank make_page_bank(const PageBankOptions& options, const DigitSet& digits, int threads, bool progress);

// One image's own paper, for `tiae extract --adapt` (model/adaptation.h): the image with its
// ink painted over, already rescaled to the model's glyph size, and what its ink lets through.
struct ImagePaper {
  int width = 0, height = 0;
  std::vector<float> bgr;                   // height x width x 3 in [0, 1]
  std::vector<std::array<float, 3>> inks;  // BGR; none: documents' inks
};
// `options.count` pages of the fonts' letters, digits and joined-up handwriting (options.side
// px, at glyph sizes within a third of the model's) in the image's inks, each view on another
// crop of its paper, mirrored at random. Needs OpenCV.
PageBank make_paper_bank(const ImagePaper& paper, const PageBankOptions& options, const DigitSet& digits);

}  // namespace tiae
