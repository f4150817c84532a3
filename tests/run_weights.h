// Comparing the final weights of training runs (their checkpoint/weights.bin), for the
// tests that run the real `tiae train`.
#pragma once
#include <cmath>
#include <filesystem>

#include "model/weights_file.h"

// The largest difference between two runs' final weights (infinite when their tensors differ).
inline float weights_difference(const std::filesystem::path& a_run, const std::filesystem::path& b_run) {
  const auto a = tiae::read_weights_file((a_run / "checkpoint" / "weights.bin").string());
  const auto b = tiae::read_weights_file((b_run / "checkpoint" / "weights.bin").string());
  if (a.size() != b.size()) return INFINITY;
  float max_diff = 0;
  for (const auto& [name, t] : a) {
    const auto other = b.find(name);
    if (other == b.end() || other->second.dims != t.dims) return INFINITY;
    for (size_t i = 0; i < t.data.size(); ++i) max_diff = std::max(max_diff, std::fabs(t.data[i] - other->second.data[i]));
  }
  return max_diff;
}
