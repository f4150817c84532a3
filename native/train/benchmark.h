// `tiae bench`: speed figures for docs/benchmarks.md (a benchmark, not a test).
//   training: digits per second of full TIAE training steps (forward, backward, Adam) for
//             K views and a batch size, after warm-up steps; the step's floating-point
//             operations and the GFLOP/s they make, beside torch::mm's on the step's largest product;
//   restoration term: ms for the exact C_res of a batch (one grouped convolution) against
//             the loop over all (2m+1)^2 shifts, forward and forward+backward.
#pragma once
#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>

#include "model/network_shape.h"

namespace tiae {

struct BenchOptions {
  std::string device = "auto";
  int views = 8, batch = 128, steps = 10, warmup = 2, threads = 0;
  std::string precision = "float32";  // or bfloat16 (TrainConfig::precision)
  bool training_only = false;         // leave out the restoration term's timing
  std::string profile;                // a file for the step's time by LibTorch operation (step_profile.h)
};

nlohmann::json run_benchmark(const BenchOptions& options);

// Floating-point operations (a multiply-add counts 2) of one training step of the dense
// network `shape` on `images` = (K + 1) x batch images: {forward, backward, shift_search,
// total}; element-wise work (ReLU, pooling, sigmoid, the terms' sums, Adam) left out.
nlohmann::json step_flops(const NetworkShape& shape, int64_t images, int64_t max_shift);

}  // namespace tiae
