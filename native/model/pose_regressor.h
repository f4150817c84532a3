// The robot hand's regressor (docs/depth.md, "A robot hand that imitates"): a small
// perceptron from a model's descriptor E(I) (PCA's coefficients for kind pca) to the hand's
// 20 joint angles in degrees (shared/hand_model.h), trained on rendered hands with the
// model frozen (train/pose_training.h). Its input standardisation and its output scaling
// (each angle's range) are folded into the first and last layers once trained, so the
// module is a plain perceptron, in LibTorch and in ONNX (pose.onnx) alike:
//   descriptor [N, D] -> fc1, ReLU -> fc2, ReLU -> fc3 -> angles [N, 20]
// Parameters are named "pose.fc1.weight" ... so that they never meet an auto-encoder's.
#pragma once
#include <torch/torch.h>

#include "model/pose_shape.h"

namespace tiae {

struct PoseLayersImpl : torch::nn::Module {
  explicit PoseLayersImpl(const PoseShape& shape);
  torch::Tensor forward(const torch::Tensor& descriptors);
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
};
TORCH_MODULE(PoseLayers);

// The module under the name "pose", as it is saved and exported.
struct PoseRegressorImpl : torch::nn::Module {
  explicit PoseRegressorImpl(const PoseShape& shape);
  torch::Tensor forward(const torch::Tensor& descriptors) { return pose->forward(descriptors); }
  PoseShape shape;
  PoseLayers pose{nullptr};
};
TORCH_MODULE(PoseRegressor);

// Each joint's range as the regressor learns its angles, y' in [-1, 1]: the middle and half
// the width of the hand model's plausible range (hand_joints()), [20] each.
struct JointScale {
  torch::Tensor mid, half;
};
JointScale joint_scale();

// Folds x' = (x - mean) / scale into fc1 and y' = mid + half * y into fc3.
void fold_normalisation(PoseRegressor& r, const torch::Tensor& input_mean, const torch::Tensor& input_scale,
                        const torch::Tensor& output_mid, const torch::Tensor& output_half);

}  // namespace tiae
