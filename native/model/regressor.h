// The slides' shift regressor R (docs/method.md, "The shift regressor"): a small network
// trained to give, in one pass, the transform the TIAE's exact search finds, theta_hat(I) =
// argmin ||D(E(I)) - T I||^2, with the TIAE's own estimates as its teacher (no labels). Then
// an input splits into E(I) (shape) and R(I) (placement) without the search.
//   image [N, C, 32, 32] -> conv 5x5, 16, ReLU, max pool 2 -> conv 5x5, 32, ReLU, max pool 2
//   -> fc 800 -> 128, ReLU -> fc 128 -> outputs, plus the ink's centroid prior:
//   R(I) = net(I) + (c - x_I, c - y_I, 0, 0), (x_I, y_I) the input's ink centroid (pixel values as
//   weights, summed over channels), c = (S - 1) / 2 the window's centre.
// The exact search's theta_hat moves the input onto the canonical image, which sits about the
// window's centre, so theta_hat is nearly the centroid's offset from the centre, and the network
// only learns what is left: where the TIAE puts its canonical image for this shape, which does
// not change as the input moves (max pooling and the fully connected layers cannot count pixels
// exactly, a fixed linear read of the ink can). The prior is fixed, not trained.
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
  // The centroid prior alone: [N, outputs], (c - x_I, c - y_I[, 0, 0]).
  torch::Tensor prior(const torch::Tensor& images) const;
  int outputs;
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Regressor);

// 2 for a shift model, 4 with rotations and scales.
int regressor_outputs(const TransformGrid& grid);

// The prior as two fixed linear maps of the flattened image [N, C*S*S]: prior = (x W^T) / (x m^T + eps)
// with W [outputs, C*S*S] (rows c - x, c - y, then zeros) and m [1, C*S*S] of ones; what the ONNX
// graph stores. eps keeps an empty image's prior at 0.
struct CentroidPrior {
  torch::Tensor weights, mass;
};
CentroidPrior centroid_prior(int channels, int size, int outputs);
constexpr float kCentroidEps = 1e-3f;
// The prior of images [N, C, S, S]: [N, outputs], (c - x_I, c - y_I[, 0, 0]), the shift that
// brings each image's ink centroid to the window's centre (also `tiae eval`'s baseline).
torch::Tensor centroid_prior_of(const torch::Tensor& images, int outputs = 2);

// What R learns to give for images whose exact search found `r` over `grid`:
// (dx, dy[, angle, scale]) per image, float [N, outputs].
torch::Tensor regressor_targets(const Restoration& r, const TransformGrid& grid);

// R's error as trained: squared error per image with angle in tens of degrees and the scale's
// log in tenths, so that a px, 10 degrees and a tenth of log scale weigh alike. [N]
torch::Tensor regressor_error(const torch::Tensor& predicted, const torch::Tensor& target);

// How near shifts are to the exact search's: `shifts` [N, >= 2] with (dx, dy) first, `exact`
// [N, >= 2] likewise; the share within 1 px on both axes and the mean distance in px.
struct ShiftAgreement {
  double within_1px = 0, error_px_mean = 0;
};
ShiftAgreement shift_agreement(const torch::Tensor& shifts, const torch::Tensor& exact);

}  // namespace tiae
