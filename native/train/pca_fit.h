// Kind pca, the slides' baseline for depth images: principal component analysis of the
// training images at random shifts (the same shifted images the auto-encoders are trained
// on), as a linear auto-encoder (network.arch "linear"): E(I) = W (I - mean), the
// coefficients on the `descriptor` leading principal axes (the rows of W, unit length),
// and D(c) = W^T c + mean, the restoration from them. Fitted in closed form: the covariance
// summed in double precision over `views` random shifts of each image, then its
// eigenvectors (LibTorch's eigh); each axis's sign makes its largest component positive.
#pragma once
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "model/network.h"
#include "model/train_config.h"

namespace tiae {

// Sets `model`'s weights (arch linear) from `images` [N, C, S, S]; returns what the fit's
// log line says: the share of the variance the axes explain and the mean squared error of
// the restorations of the fitted images.
nlohmann::json fit_pca(AutoEncoder& model, const torch::Tensor& images, const TrainConfig& config);

}  // namespace tiae
