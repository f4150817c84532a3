// libFuzzer: a run's weights.bin (native/model/weights_file.h) from arbitrary bytes. Every
// count and size it states is checked against the bytes left before anything is allocated
// (ASan's allocation limit turns a claimed gigabyte into a finding); accepted tensors hold
// exactly as many finite values as their dims say.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "model/weights_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string origin = "fuzz/weights.bin";
  tiae::WeightMap weights;
  try {
    weights = tiae::parse_weights_file(std::string(reinterpret_cast<const char*>(data), size), origin);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).find(origin) == std::string::npos) std::abort();  // the message must name the file
    return 0;
  }
  size_t values = 0;
  for (const auto& [name, t] : weights) {
    int64_t count = 1;
    for (const int64_t d : t.dims) count *= d;
    if (count != int64_t(t.data.size())) std::abort();
    for (const float v : t.data)
      if (!std::isfinite(v)) std::abort();
    values += t.data.size();
  }
  if (values * sizeof(float) > size) std::abort();  // no value the bytes do not hold
  return 0;
}
