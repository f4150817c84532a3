// Sizes of the encoder/decoder (by default those of docs/method.md, "The network"). Torch-free, so the CLI,
// configs and model cards can use it without pulling in LibTorch headers.
// Two architectures (docs/method.md, "A convolutional extractor"):
//   dense  the slides' network: conv, pool, fully connected layers, a descriptor per image;
//   conv   fully convolutional: a 3x3 convolution to conv_channels and a ReLU, then per entry
//          of `dilations` a residual 3x3 convolution with that dilation (h + ReLU(conv(h))): the encoder,
//          a descriptor of conv_channels values per pixel; the decoder is a 1x1 convolution
//          and a sigmoid. It runs on any image size; `size` is the training crop.
//          `output_channels` may differ from the input's `channels`: a colour extractor takes
//          3 planes (R, G, B) and answers with 1 (the ink).
//   linear PCA as an auto-encoder (kind pca): the encoder one linear map of the flattened
//          image to `descriptor` values (the coefficients on the principal axes, the mean
//          subtracted), the decoder its transpose plus the mean, no sigmoid.
#pragma once
#include <nlohmann/json.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tiae {

enum class Architecture { dense, conv, linear };

// Arch conv: the largest reach (1 + the sum of the dilations) a network may have.
constexpr int kMaxReach = 65;

struct NetworkShape {
  Architecture arch = Architecture::dense;
  std::vector<int> dilations;  // arch conv only
  int channels = 1;
  int output_channels = 0;  // arch conv: the decoder's planes; 0: as many as `channels`
  int size = 32;           // input side; 9x9 valid conv + 2x2 pool -> 12x12 for 32
  int conv_channels = 16;
  int kernel = 9;
  int hidden1 = 1500;
  int hidden2 = 150;
  int descriptor = 30;
  int outputs() const { return output_channels > 0 ? output_channels : channels; }
  int pooled_side() const { return (size - kernel + 1) / 2; }
  int pooled_features() const { return conv_channels * pooled_side() * pooled_side(); }
  // Arch conv: how far an output pixel sees, px on each side (its receptive field's radius).
  int reach() const {
    int r = 1;
    for (int d : dilations) r += d;
    return r;
  }
  // The number of weights and biases (network.cpp's layers), for checking a model's files
  // against its card before the network is built.
  int64_t parameter_count() const {
    const auto layer = [](int64_t in, int64_t out, int64_t kernel_area) { return in * out * kernel_area + out; };
    if (arch == Architecture::conv)
      return layer(channels, conv_channels, 9) + int64_t(dilations.size()) * layer(conv_channels, conv_channels, 9) +
             layer(conv_channels, outputs(), 1);
    const int64_t pixels = int64_t(channels) * size * size;
    if (arch == Architecture::linear) return layer(pixels, descriptor, 1) + layer(descriptor, pixels, 1);  // PCA: E and D
    return layer(channels, conv_channels, int64_t(kernel) * kernel) + layer(pooled_features(), hidden1, 1) + layer(hidden1, hidden2, 1) +
           layer(hidden2, descriptor, 1) + layer(descriptor, hidden2, 1) + layer(hidden2, hidden1, 1) + layer(hidden1, pixels, 1);
  }
};

inline void to_json(nlohmann::json& j, const NetworkShape& s) {
  if (s.arch == Architecture::linear) {
    j = {{"arch", "linear"}, {"channels", s.channels}, {"size", s.size}, {"descriptor", s.descriptor}};
    return;
  }
  if (s.arch == Architecture::conv) {
    j = {{"arch", "conv"}, {"channels", s.channels}, {"size", s.size}, {"conv_channels", s.conv_channels}, {"dilations", s.dilations}};
    if (s.output_channels > 0) j["output_channels"] = s.output_channels;
    return;
  }
  j = {{"channels", s.channels}, {"size", s.size},       {"conv_channels", s.conv_channels},
       {"kernel", s.kernel},     {"hidden1", s.hidden1}, {"hidden2", s.hidden2},
       {"descriptor", s.descriptor}};
}

// An integer setting of a config or card: a JSON integer (1.7 is refused, not truncated)
// within [lo, hi]. Throws std::runtime_error naming the key and the range.
inline int64_t checked_integer(const nlohmann::json& v, const std::string& key, int64_t lo, int64_t hi) {
  const bool integer = v.is_number_integer() && (v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t(INT64_MAX) : true);
  if (!integer || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    throw std::runtime_error(key + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], not " + v.dump());
  return v.get<int64_t>();
}

// Bounds on every size, so that no product of them overflows and no reader allocates
// absurd memory for a crafted card.
inline void from_json(const nlohmann::json& j, NetworkShape& s) {
  if (!j.is_object()) throw std::runtime_error("network must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& k = it.key();
    const auto& v = it.value();
    if (k == "channels") s.channels = int(checked_integer(v, "network.channels", 1, 16));
    else if (k == "output_channels") s.output_channels = int(checked_integer(v, "network.output_channels", 1, 16));
    else if (k == "size") s.size = int(checked_integer(v, "network.size", 8, 256));
    else if (k == "conv_channels") s.conv_channels = int(checked_integer(v, "network.conv_channels", 1, 256));
    else if (k == "kernel") s.kernel = int(checked_integer(v, "network.kernel", 1, 255));
    else if (k == "hidden1") s.hidden1 = int(checked_integer(v, "network.hidden1", 1, 65536));
    else if (k == "hidden2") s.hidden2 = int(checked_integer(v, "network.hidden2", 1, 65536));
    else if (k == "descriptor") s.descriptor = int(checked_integer(v, "network.descriptor", 1, 4096));
    else if (k == "arch") {
      if (v != "dense" && v != "conv" && v != "linear")
        throw std::runtime_error("network.arch must be \"dense\", \"conv\" or \"linear\", not " + v.dump());
      s.arch = v == "conv" ? Architecture::conv : v == "linear" ? Architecture::linear : Architecture::dense;
    } else if (k == "dilations") {
      if (!v.is_array() || v.empty() || v.size() > 16) throw std::runtime_error("network.dilations must be a list of 1 to 16 integers");
      s.dilations.clear();
      for (const auto& d : v) s.dilations.push_back(int(checked_integer(d, "network.dilations[]", 1, 32)));
      // The reach sets the halo every window is computed with: bounded, so a card cannot make
      // an extraction hundreds of times slower than the released models' (reach 33).
      if (s.reach() > kMaxReach) throw std::runtime_error("network.dilations must sum to at most " + std::to_string(kMaxReach - 1));
    } else throw std::runtime_error("unknown network setting '" + k + "'");
  }
  if (s.arch == Architecture::conv) {
    if (s.dilations.empty()) s.dilations = {1, 2, 4, 8, 16, 1};
    s.kernel = 3;
    s.descriptor = s.conv_channels;  // per pixel
    return;
  }
  if (!s.dilations.empty()) throw std::runtime_error("network.dilations is a setting of arch \"conv\" only");
  if (s.output_channels > 0) throw std::runtime_error("network.output_channels is a setting of arch \"conv\" only");
  if (s.arch == Architecture::linear) {
    if (int64_t(s.channels) * s.size * s.size * s.descriptor > (int64_t(1) << 28)) throw std::runtime_error("network too large (over 2^28 weights in one layer)");
    if (s.descriptor > s.channels * s.size * s.size) throw std::runtime_error("network.descriptor: at most as many components as pixels");
    return;
  }
  if (s.size - s.kernel + 1 < 2) throw std::runtime_error("network.kernel must be smaller than the image");
  // Every weight matrix (encoder fc1, fc2; decoder fc2, fc3): at most 2^28 values each.
  const int64_t pixels = int64_t(s.channels) * s.size * s.size, limit = int64_t(1) << 28;
  if (int64_t(s.pooled_features()) * s.hidden1 > limit || pixels * s.hidden1 > limit || int64_t(s.hidden1) * s.hidden2 > limit)
    throw std::runtime_error("network too large (over 2^28 weights in one layer)");
}

}  // namespace tiae
