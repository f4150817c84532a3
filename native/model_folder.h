// A trained network from either place it lives: a training run folder (config.json and
// checkpoint/weights.bin) or a released model folder (model.json, encoder.onnx,
// decoder.onnx, read back through libonnx), so every command runs on shipped models too.
#pragma once
#include <string>

#include "network.h"

namespace tiae {

struct LoadedModel {
  AutoEncoder network{nullptr};
  std::string kind;      // "tiae", "ae", "fg"
  int max_shift = 0;     // shift range of training (0: none)
  std::string origin;    // the folder
};

// Throws std::runtime_error naming the folder when it is neither, or its files are wrong.
LoadedModel load_model(const std::string& folder, torch::Device device);

}  // namespace tiae
