// `tiae bench`: speed figures for docs/benchmarks.md (a benchmark, not a test).
//   training: digits per second of full TIAE training steps (forward, backward, Adam) for
//             K views and a batch size, after warm-up steps;
//   restoration term: ms for the exact C_res of a batch (one grouped convolution) against
//             the loop over all (2m+1)^2 shifts, forward and forward+backward.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace tiae {

struct BenchOptions {
  std::string device = "auto";
  int views = 8, batch = 128, steps = 10, warmup = 2, threads = 0;
  std::string precision = "float32";  // or bfloat16 (TrainConfig::precision)
};

nlohmann::json run_benchmark(const BenchOptions& options);

}  // namespace tiae
