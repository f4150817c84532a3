#include "model/pose_regressor.h"

#include <vector>

#include "hand_model.h"

namespace tiae {

PoseLayersImpl::PoseLayersImpl(const PoseShape& s) {
  fc1 = register_module("fc1", torch::nn::Linear(s.inputs, s.hidden));
  fc2 = register_module("fc2", torch::nn::Linear(s.hidden, s.hidden));
  fc3 = register_module("fc3", torch::nn::Linear(s.hidden, s.outputs));
}

torch::Tensor PoseLayersImpl::forward(const torch::Tensor& x) {
  return fc3->forward(torch::relu(fc2->forward(torch::relu(fc1->forward(x)))));
}

PoseRegressorImpl::PoseRegressorImpl(const PoseShape& s) : shape(s) { pose = register_module("pose", PoseLayers(s)); }

JointScale joint_scale() {
  std::vector<float> mid, half;
  for (const auto& j : hand_joints()) mid.push_back((j.low + j.high) / 2), half.push_back((j.high - j.low) / 2);
  return {torch::tensor(mid), torch::tensor(half)};
}

void fold_normalisation(PoseRegressor& r, const torch::Tensor& mean, const torch::Tensor& scale, const torch::Tensor& mid,
                        const torch::Tensor& half) {
  torch::NoGradGuard no_grad;
  auto& fc1 = r->pose->fc1;
  // W ((x - mean) / scale) + b = (W / scale) x + (b - (W / scale) mean)
  fc1->weight.div_(scale.unsqueeze(0));
  fc1->bias.sub_(fc1->weight.mv(mean));
  auto& fc3 = r->pose->fc3;
  fc3->weight.mul_(half.unsqueeze(1));
  fc3->bias.mul_(half).add_(mid);
}

}  // namespace tiae
