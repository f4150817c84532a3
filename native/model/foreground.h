// The staged whole-image extraction of shared/extract.h driven by a LibTorch network:
// shared by `tiae extract` (extract_photo.h) and the flyer evaluation (evaluate.h).
#pragma once
#include <vector>

#include "extract.h"
#include "model/network.h"
#include "model/train_config.h"

namespace tiae {

// The windows `network` runs on: the options as given for the dense network, those of
// convolutional_windows (shared/extract.h) for a fully convolutional one; its input planes.
ExtractOptions model_windows(const NetworkShape& network, ExtractOptions options);

// The foreground (width x height values in [0, 1]) of an image of the network's planes
// (planes_from_rgba8), over model_windows.
std::vector<float> extract_foreground(AutoEncoder& network, torch::Device device, std::vector<float> image, int width,
                                      int height, const ExtractOptions& options, bool progress,
                                      Precision precision = Precision::float32);

// The glyph size the model reads best: of glyph_size_candidates, the one whose calibrated
// output (ink_threshold moved to 0.5) over search_crop is most decided, found by
// search_candidates (shared/glyph_search.h).
double choose_glyph_size(AutoEncoder& network, torch::Device device, const std::vector<float>& image, int width, int height,
                         const ExtractOptions& options, float ink_threshold, Precision precision = Precision::float32,
                         bool progress = false);

}  // namespace tiae
