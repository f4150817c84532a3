// libFuzzer: the weights of an ONNX file (native/artifacts/onnx_weights.h) from arbitrary
// bytes: a model folder downloaded from anywhere. Refusals are std::runtime_error naming the
// file; accepted weights hold exactly as many finite values as their dims say. The sanitizers
// catch the rest: a division by a zero dimension, an allocation of what the bytes do not hold.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "artifacts/onnx_weights.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string origin = "fuzz/encoder.onnx";
  tiae::WeightMap weights;
  try {
    weights = tiae::parse_onnx_weights(std::string(reinterpret_cast<const char*>(data), size), origin);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(origin, 0) != 0) std::abort();  // the message must name the file
    return 0;
  }
  for (const auto& [name, t] : weights) {
    int64_t count = 1;
    for (const int64_t d : t.dims) count *= d;
    if (count != int64_t(t.data.size())) std::abort();
    for (const float v : t.data)
      if (!std::isfinite(v)) std::abort();
  }
  return 0;
}
