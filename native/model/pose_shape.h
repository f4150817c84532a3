// The sizes of the robot hand's regressor (model/pose_regressor.h). Torch-free, so that model
// cards can carry them.
#pragma once
#include <nlohmann/json.hpp>

#include "model/network_shape.h"

namespace tiae {

struct PoseShape {
  int inputs = 30, hidden = 256, outputs = 20;
};
inline void to_json(nlohmann::json& j, const PoseShape& s) { j = {{"inputs", s.inputs}, {"hidden", s.hidden}, {"outputs", s.outputs}}; }
// Bounded sizes (a card is untrusted input); throws naming the field.
inline void from_json(const nlohmann::json& j, PoseShape& s) {
  if (!j.is_object()) throw std::runtime_error("pose.shape must be a JSON object");
  s.inputs = int(checked_integer(j.at("inputs"), "pose.shape.inputs", 1, 4096));
  s.hidden = int(checked_integer(j.at("hidden"), "pose.shape.hidden", 1, 4096));
  s.outputs = int(checked_integer(j.at("outputs"), "pose.shape.outputs", 1, 256));
}

}  // namespace tiae
