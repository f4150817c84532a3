// The transforms and the three terms of the TIAE objective (METHOD.md):
//   C = l_inv * C_inv + l_res * C_res + l_spa * C_spa
// Every term returns one value per image (summed over pixels or dimensions); the trainer
// averages over the batch.
#pragma once
#include <torch/torch.h>

#include "network.h"
#include "train_config.h"

namespace tiae {

// T(dx, dy) per image with zero fill: out[n](y, x) = images[n](y - dy, x - dx).
// images [N, C, S, S]; shifts [N, 2] integer (dx, dy) with |dx|, |dy| <= S.
torch::Tensor shift_images(const torch::Tensor& images, const torch::Tensor& shifts);

// Invariance term: ||D(E(I)) - D(E(T I))||^2 for each transformed view.
// reference [N, C, S, S]; views [K, N, C, S, S] -> [N], summed over the K views.
torch::Tensor invariance_term(const torch::Tensor& reference, const torch::Tensor& views);

struct Restoration {
  torch::Tensor distance;  // [N]: min over shifts of ||D(E(I)) - T I||^2 (extended canvas)
  torch::Tensor shift;     // [N, 2] int64: the argmin (dx, dy) = theta_hat
};

// Restoration term, exact over all (2 m + 1)^2 shifts. On the extended canvas
// ||D - T I||^2 = ||D||^2 + ||I||^2 - 2 <D, T I>, and <D, T I> for every shift is one
// grouped convolution of the zero-padded input with D as the kernel.
Restoration restoration_term(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift);

// The same minimum by the definition: a loop over every shift, comparing on the extended
// canvas. For tests and the benchmark only (289 passes instead of one convolution).
Restoration restoration_term_by_loop(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift);

// Sparseness term: ||E(I)||_1^2 / ||E(I)||_2^2 per descriptor [N, D] -> [N].
torch::Tensor sparseness_term(const torch::Tensor& descriptors);

struct Objective {
  torch::Tensor loss;               // the scalar to minimise
  torch::Tensor c_inv, c_res, c_spa; // batch means (kind "tiae")
  torch::Tensor c_rec;               // batch mean of ||D(E(I)) - I||^2 (kind "ae")
};

// One training step's objective. `digits` [B, 1, S, S]; `shifts` [(K + 1) B, 2] for "tiae"
// (view 0 is the input I, views 1..K are T_theta I of the same digits), [B, 2] for "ae".
//   tiae: l_inv * C_inv + l_res * C_res (on every view) + l_spa * C_spa
//   ae:   ||D(E(I)) - I||^2, the ordinary auto-encoder on the same shifted digits
Objective objective(AutoEncoder& model, const torch::Tensor& digits, const torch::Tensor& shifts, const TrainConfig& config);

}  // namespace tiae
