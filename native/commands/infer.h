// `tiae infer`: LibTorch inference of a run on given images — descriptor E(I), canonical
// image D(E(I)) and estimated shift theta_hat per image — as JSON. The reference the ONNX
// exports are checked against, and a way to inspect a model on one's own images.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tiae {

struct InferInput {
  std::string raw_path;             // raw float32 file of N x C x S x S values in [0, 1], or
  std::vector<std::string> images;  // image files (grayscale, S x S), read with OpenCV
};

// The largest --raw file: 16,384 gray 32x32 images, whose JSON answer is already ~200 MB.
constexpr uintmax_t kMaxRawInputBytes = uintmax_t(64) << 20;

// `folder`: a training run or a released model folder (model_folder.h); shifts are searched
// over the model's training range.
// {"descriptors": [[...]], "canonical": [[...]], "shifts": [[dx, dy]], "distances": [...]},
// and for a model with rotations and scales "angles" (degrees) and "scales": theta_hat, the
// transform that moves the input onto the canonical image (shared/transform_search.h), and
// "pose": its inverse, [dx, dy, angle, scale] of the input relative to the canonical image.
// With `regressor`, theta_hat comes from the model's shift regressor R in one pass instead
// of the exact search (px, not rounded; no "distances").
// Throws with the file's name for unreadable or wrongly sized input, or when `regressor`
// is asked of a model without one.
nlohmann::json infer(const std::string& folder, const InferInput& input, const std::string& device, bool regressor = false);

}  // namespace tiae
