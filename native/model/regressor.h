// The slides' shift regressor R (docs/method.md, "The shift regressor"): a small network
// trained to give, in one pass, the transform the TIAE's exact search finds, theta_hat(I) =
// argmin ||D(E(I)) - T I||^2, with the TIAE's own estimates as its teacher (no labels). Then
// an input splits into E(I) (shape) and R(I) (placement) without the search.
//   image [N, C, 32, 32] -> conv 5x5, 16, ReLU, max pool 2 -> conv 5x5, 32, ReLU, max pool 2
//   -> fc 800 -> 128, ReLU -> fc 128 -> outputs
// outputs: (dx, dy) of theta_hat in px, and for a model with rotations and scales also
// (angle in degrees, scale).
#pragma once
#include <torch/torch.h>

#include "model/terms.h"

namespace tiae {

struct RegressorImpl : torch::nn::Module {
  RegressorImpl(int channels, int outputs);
  // [N, C, 32, 32] -> [N, outputs], in the units of regressor_targets
  torch::Tensor forward(const torch::Tensor& images);
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Regressor);

// 2 for a shift model, 4 with rotations and scales.
int regressor_outputs(const TransformGrid& grid);

// What R learns to give for images whose exact search found `r` over `grid`:
// (dx, dy[, angle, scale]) per image, float [N, outputs].
torch::Tensor regressor_targets(const Restoration& r, const TransformGrid& grid);

// R's error as trained: squared error per image with angle in tens of degrees and the scale's
// log in tenths, so that a px, 10 degrees and a tenth of log scale weigh alike. [N]
torch::Tensor regressor_error(const torch::Tensor& predicted, const torch::Tensor& target);

}  // namespace tiae
