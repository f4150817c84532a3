// Sizes of the encoder/decoder (METHOD.md's network by default). Torch-free, so the CLI,
// configs and model cards can use it without pulling in LibTorch headers.
#pragma once
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace tiae {

struct NetworkShape {
  int channels = 1;
  int size = 32;           // input side; 9x9 valid conv + 2x2 pool -> 12x12 for 32
  int conv_channels = 16;
  int kernel = 9;
  int hidden1 = 1500;
  int hidden2 = 150;
  int descriptor = 30;
  int pooled_side() const { return (size - kernel + 1) / 2; }
  int pooled_features() const { return conv_channels * pooled_side() * pooled_side(); }
};

inline void to_json(nlohmann::json& j, const NetworkShape& s) {
  j = {{"channels", s.channels}, {"size", s.size},       {"conv_channels", s.conv_channels},
       {"kernel", s.kernel},     {"hidden1", s.hidden1}, {"hidden2", s.hidden2},
       {"descriptor", s.descriptor}};
}

inline void from_json(const nlohmann::json& j, NetworkShape& s) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    int* field = it.key() == "channels" ? &s.channels
                 : it.key() == "size" ? &s.size
                 : it.key() == "conv_channels" ? &s.conv_channels
                 : it.key() == "kernel" ? &s.kernel
                 : it.key() == "hidden1" ? &s.hidden1
                 : it.key() == "hidden2" ? &s.hidden2
                 : it.key() == "descriptor" ? &s.descriptor
                                            : nullptr;
    if (!field) throw std::runtime_error("unknown network setting '" + it.key() + "'");
    *field = it.value().get<int>();
  }
  if (s.channels < 1 || s.conv_channels < 1 || s.hidden1 < 1 || s.hidden2 < 1 || s.descriptor < 1 ||
      s.size - s.kernel + 1 < 2 || s.kernel < 1)
    throw std::runtime_error("network sizes must be positive and the kernel smaller than the image");
}

}  // namespace tiae
