// The portable weights file of a run: named float32 tensors, independent of the LibTorch
// version, so a model trained with CUDA LibTorch 2.x exports on a CPU machine with 1.13.
// Format (little-endian): "TIAEW1\n", uint32 count, then per tensor: uint32 name length,
// name, uint32 ndim, int64 dims[ndim], float32 data.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tiae {

struct NamedTensor {
  std::vector<int64_t> dims;
  std::vector<float> data;
};
using WeightMap = std::map<std::string, NamedTensor>;

void write_weights_file(const std::string& path, const WeightMap& weights);
// Throws std::runtime_error naming the file when it is missing, foreign, truncated or corrupt.
WeightMap read_weights_file(const std::string& path);

}  // namespace tiae
