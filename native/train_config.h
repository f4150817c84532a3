// Everything a training run depends on, read from a JSON config file and overridden by
// command-line flags; stored beside the checkpoint so that --resume and export know it.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "network_shape.h"

namespace tiae {

struct TrainConfig {
  // "tiae": shift invariance + restoration + sparseness; "ae": plain reconstruction;
  // "fg": foreground extraction, invariance to background changes (and shifts when
  // max_shift > 0) with the digit alone as the restoration target.
  std::string kind = "tiae";
  std::string background = "noise";  // kind "fg": "noise", "white-noise" or "photo" (backgrounds.h)
  NetworkShape network;
  int epochs = 60;
  int batch = 128;
  double lr = 3e-4;
  double lr_final = 3e-5;   // cosine decay from lr to lr_final over the run
  int views = 2;            // K: random shifts per image per step for C_inv
  int max_shift = 8;        // shifts dx, dy in [-max_shift, max_shift]; 0: no shifts
  // kind "fg": "centred" (one digit in the middle, as MNIST) or "text" (windows over lines
  // of glyphs at any offset, as `tiae extract` sees a page; text_layout.h).
  std::string layout = "centred";
  // layout "text": the fraction of glyphs that are letters of handwriting-style fonts
  // (font_glyphs.h) rather than MNIST digits, in [0, 1).
  double letters = 0;
  // Start from the weights of this training run or model folder instead of random ones
  // (fine-tuning): every parameter of the same name and shape is copied.
  std::string init;
  double lambda_inv = 1.0, lambda_res = 1.0, lambda_spa = 0.0;
  uint64_t seed = 1;
  int train_samples = 0;    // 0: all 8,000 training digits; else the first N (tests)
  int threads = 0;          // 0: all hardware threads
};
void to_json(nlohmann::json& j, const TrainConfig& c);
// Unknown keys are an error (a typo must not silently train the wrong model).
void from_json(const nlohmann::json& j, TrainConfig& c);

}  // namespace tiae
