// `tiae extract --adapt` (docs/method.md, "Adapting to the photo"): the slides' own recipe
// for the flyer, whose model was trained with backgrounds cut from the very photo it was then
// applied to. The model's first extraction says where the photo's ink is; painted over, the
// rest is the photo's paper, and the ink's colour is what it lets through of that paper.
// Pen ink in those colours laid on crops of that paper gives training pages of this photo
// alone (data/training_pages.h, make_paper_bank), and the model is fine-tuned on them with its
// own objective (invariance to the paper, restoration of the ink) for a bounded time.
#pragma once
#include <vector>

#include "model/network.h"
#include "model/train_config.h"

namespace tiae {

struct AdaptOptions {
  double seconds = 15;  // fine-tuning time on this machine
  double lr = 1e-4;
  int pages = 96;       // training pages cut from the photo's paper
  int batch = 16;
  uint64_t seed = 1;
};

// Fine-tunes `network` (trained with `config`) in place for `image` (planes of width x
// height as the network reads them) whose calibrated extraction at glyph size `glyph_size`
// is `soft` (0.5: ink). Returns the number of steps taken. Throws for a gray model on a
// colour image and the like (the planes must be the network's).
int adapt_to_image(AutoEncoder& network, torch::Device device, const TrainConfig& config, const std::vector<float>& image,
                   const std::vector<float>& soft, int width, int height, double glyph_size, double model_glyph_size,
                   const AdaptOptions& options, bool progress);

}  // namespace tiae
