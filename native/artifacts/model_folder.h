// A trained network from either place it lives: a training run folder (config.json and
// checkpoint/weights.bin) or a released model folder (model.json, encoder.onnx,
// decoder.onnx, read back through libonnx), so every command runs on shipped models too.
#pragma once
#include <string>
#include <vector>

#include "model/network.h"
#include "model/pose_regressor.h"
#include "model/regressor.h"
#include "model/train_config.h"

namespace tiae {

// The training settings of a run, or those recorded in a model card.
// Throws std::runtime_error naming the folder when it is neither.
TrainConfig read_model_config(const std::string& folder);

struct LoadedModel {
  AutoEncoder network{nullptr};
  TrainConfig config;   // kind, shift range, network shape...
  std::string origin;   // the folder
  Regressor regressor{nullptr};  // the shift regressor, when the model folder has one (onnx_export.h)
};

// Throws std::runtime_error naming the folder when it is neither, or its files are wrong.
LoadedModel load_model(const std::string& folder, torch::Device device);

// Whether the folder holds a robot hand regressor (a run's pose/, a model's files.pose).
bool has_pose_regressor(const std::string& folder);
// A depth model's robot hand regressor: a run's pose/ (`tiae pose`) or a model folder's
// pose.onnx. Throws naming the folder when it has none.
PoseRegressor load_pose_regressor(const std::string& folder, torch::Device device);

// How a depth model cuts a hand out of a frame: its card's settings (a model folder), else
// its run's (the defaults but for depth_window_m); size is the network's.
DepthCutOptions model_depth_cut(const std::string& folder);
// The same for several models, which must agree on the window (they are shown the same crops).
DepthCutOptions common_depth_cut(const std::vector<std::string>& folders);

}  // namespace tiae
