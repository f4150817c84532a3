// `tiae pose RUN --ceiling FOLDER`: what the run's encoder *could* read of the pose, given the
// angles. A fresh encoder of the run's shape (random weights) and the robot hand's
// regressor are trained together on the angles themselves (supervised, which the models
// never are), on the same rendered hands at fresh random shifts every step; the mean angle
// error on the validation hands of `tiae pose` is the ceiling that no descriptor of that
// network learnt without labels is expected to pass (docs/depth.md). Writes
// FOLDER/pose-ceiling.json (the settings, the best epoch's validation error, the log, the error
// by joint); the run or model folder is only read (its network's shape and cut-out). A
// diagnostic of minutes, not a model: nothing is kept but that file, and a killed run starts
// again.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "train/pose_training.h"

namespace tiae {

// Returns pose-ceiling.json's content.
nlohmann::json train_pose_ceiling(const PoseOptions& options, const std::string& out_dir);

}  // namespace tiae
