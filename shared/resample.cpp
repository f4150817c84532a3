#include "resample.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tiae {

namespace {

struct Tap {
  int index;
  float weight;
};

// For each output position along one axis, the input positions and weights it mixes.
std::vector<std::vector<Tap>> axis_taps(int in, int out) {
  std::vector<std::vector<Tap>> taps(out);
  const double scale = double(in) / out;  // input pixels per output pixel
  for (int o = 0; o < out; ++o) {
    if (scale >= 1) {  // shrinking: the mean over [o * scale, (o + 1) * scale)
      const double lo = o * scale, hi = (o + 1) * scale;
      for (int i = int(lo); i < std::min(in, int(std::ceil(hi))); ++i) {
        const double w = std::min(hi, i + 1.0) - std::max(lo, double(i));
        if (w > 1e-12) taps[o].push_back({i, float(w / scale)});
      }
    } else {  // enlarging: linear between the two nearest input pixel centres
      const double x = std::clamp((o + 0.5) * scale - 0.5, 0.0, double(in - 1));
      const int i = std::min(int(x), in - 1), j = std::min(i + 1, in - 1);
      const float f = float(x - i);
      taps[o].push_back({i, 1 - f});
      if (j != i) taps[o].push_back({j, f});
    }
  }
  return taps;
}

}  // namespace

std::vector<float> resize_image(const float* pixels, int width, int height, int out_width, int out_height) {
  if (width < 1 || height < 1 || out_width < 1 || out_height < 1) throw std::invalid_argument("resize_image: empty image");
  const auto tx = axis_taps(width, out_width), ty = axis_taps(height, out_height);
  std::vector<float> rows(size_t(out_width) * height);  // horizontal pass
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < out_width; ++x) {
      float v = 0;
      for (const auto& t : tx[x]) v += t.weight * pixels[size_t(y) * width + t.index];
      rows[size_t(y) * out_width + x] = v;
    }
  std::vector<float> out(size_t(out_width) * out_height);
  for (int y = 0; y < out_height; ++y)
    for (const auto& t : ty[y])
      for (int x = 0; x < out_width; ++x) out[size_t(y) * out_width + x] += t.weight * rows[size_t(t.index) * out_width + x];
  return out;
}

std::vector<float> resample_area(const float* pixels, int width, int height, int size) {
  if (width <= 0 || height <= 0 || size <= 0) return std::vector<float>(size_t(std::max(size, 0)) * std::max(size, 0), 0.f);
  // The square canvas the drawing sits in, centred, then the one resampler.
  const int side = std::max(width, height), x0 = (side - width) / 2, y0 = (side - height) / 2;
  std::vector<float> square(size_t(side) * side, 0.f);
  for (int y = 0; y < height; ++y) std::copy_n(pixels + size_t(y) * width, width, &square[size_t(y + y0) * side + x0]);
  return resize_image(square.data(), side, side, size, size);
}

}  // namespace tiae
