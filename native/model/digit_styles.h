// Digits drawn in other hands' styles while training (the setting digit_styles): MNIST's
// 8,000 training digits are thin strokes scanned at 20 px, and digits from other sources
// come thicker or coarser (UCI's are 8 x 8 counts blown up, USPS's 16 x 16). A restyled
// digit is lowered to m x m cells (m in [10, 24]) by area averaging and brought back by
// bilinear interpolation, its strokes thickened first half the time (a 3 x 3 dilation),
// and its peak raised back to 1. The same restyled digit is the input of every view and
// the restoration target.
#pragma once
#include <torch/torch.h>

#include <random>

namespace tiae {

// Resampling `side` pixels to `cells` by area averaging and back by bilinear interpolation
// (half-pixel centres, edges clamped), as one [side, side] matrix M: an image X becomes
// M X M^T. The same arithmetic as OpenCV's resize with INTER_AREA, then INTER_LINEAR.
torch::Tensor coarsening_matrix(int64_t side, int64_t cells);

// A 3 x 3 grayscale dilation of [N, C, S, S] images (OpenCV's dilate with a 3 x 3 square).
torch::Tensor thicken_strokes(const torch::Tensor& images);

// Each of the [N, 1, S, S] digits restyled with probability `fraction` (the rest returned
// as they are); draws from `rng` only when fraction > 0.
torch::Tensor restyle_digits(const torch::Tensor& digits, double fraction, std::mt19937_64& rng);

}  // namespace tiae
