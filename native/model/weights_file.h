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

// The most values one tensor of a weights or ONNX file may hold (the network's bounds,
// network_shape.h, keep every layer within it).
constexpr int64_t kMaxTensorElements = int64_t(1) << 28;
// The number of values of a tensor of these dims (at most 8), each in [1, kMaxTensorElements]
// and so is their product, checked before multiplying further. Throws "<what>: ..." otherwise.
int64_t checked_element_count(const std::vector<int64_t>& dims, const std::string& what);

void write_weights_file(const std::string& path, const WeightMap& weights);
// Throws std::runtime_error naming `origin` when the bytes are foreign, truncated or
// corrupt, or hold a value that is not finite: every count and size is checked against the
// bytes left before it is allocated.
WeightMap parse_weights_file(const std::string& bytes, const std::string& origin);
// The same for a file: a regular file (files.h) of at most 4 GB.
WeightMap read_weights_file(const std::string& path);

}  // namespace tiae
