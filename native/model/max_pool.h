// 2 x 2 max pooling with stride 2, as torch::max_pool2d(x, 2) computes it (the last row or
// column of an odd side dropped; NaN wins; the first maximum of a window, row by row, takes
// the gradient), in one pass over the values on the CPU. LibTorch 1.13's kernel took 23 ms
// of a 297 ms float32 training step on the encoder's 1152 x 16 x 24 x 24 values
// (docs/benchmarks.md, "Where a step's time goes"). Other devices: torch::max_pool2d.
#pragma once
#include <torch/torch.h>

namespace tiae {

torch::Tensor max_pool_2x2(const torch::Tensor& x);

}  // namespace tiae
