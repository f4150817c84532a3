#include "page_ink.h"

#include <algorithm>
#include <cmath>

namespace tiae {

namespace {

// Separable filter over rows then columns with edges replicated: `reduce` folds the
// values of the clamped taps, weighted by `kernel` (length 2r + 1).
template <typename Fold>
std::vector<float> separable(const std::vector<float>& in, int w, int h, int r, Fold fold) {
  std::vector<float> tmp(in.size()), out(in.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float acc = fold.start();
      for (int i = -r; i <= r; ++i) acc = fold(acc, i, in[size_t(y) * w + std::clamp(x + i, 0, w - 1)]);
      tmp[size_t(y) * w + x] = acc;
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float acc = fold.start();
      for (int i = -r; i <= r; ++i) acc = fold(acc, i, tmp[size_t(std::clamp(y + i, 0, h - 1)) * w + x]);
      out[size_t(y) * w + x] = acc;
    }
  return out;
}

struct Weighted {  // a normalised kernel
  std::vector<float> k;
  int r;
  float start() const { return 0.f; }
  float operator()(float acc, int i, float v) const { return acc + k[size_t(i + r)] * v; }
};

struct Largest {
  float start() const { return -INFINITY; }
  float operator()(float acc, int, float v) const { return std::max(acc, v); }
};

// Gaussian of `sigma` truncated at 3 sigma (OpenCV's kernel for that size), normalised.
std::vector<float> gaussian(const std::vector<float>& in, int w, int h, double sigma) {
  const int r = int(std::ceil(3 * sigma));
  Weighted f{std::vector<float>(size_t(2 * r + 1)), r};
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += f.k[size_t(i + r)] = float(std::exp(-0.5 * i * i / (sigma * sigma)));
  for (auto& v : f.k) v = float(v / sum);
  return separable(in, w, h, r, f);
}

std::vector<float> box_mean(const std::vector<float>& in, int w, int h, int r) {
  return separable(in, w, h, r, Weighted{std::vector<float>(size_t(2 * r + 1), 1.f / float(2 * r + 1)), r});
}

float median(std::vector<float> v) {
  const auto mid = v.begin() + long(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

}  // namespace

PageInk page_ink(const std::vector<float>& gray, int width, int height, int radius) {
  const int w = width, h = height;
  const auto paper = box_mean(separable(gaussian(gray, w, h, 1.5), w, h, radius, Largest{}), w, h, radius);
  std::vector<float> d(gray.size());
  for (size_t i = 0; i < d.size(); ++i) d[i] = (paper[i] - gray[i]) / std::max(paper[i], 0.2f);
  const auto smooth = gaussian(d, w, h, 2.0);
  std::vector<float> fine(d.size());
  for (size_t i = 0; i < d.size(); ++i) fine[i] = d[i] - smooth[i];
  const float centre = median(fine);
  for (auto& v : fine) v = std::abs(v - centre);
  PageInk out;
  out.dead_zone = std::max(0.1f, median(d) + 4 * 1.4826f * median(fine));
  const float full = std::max(0.1f, 0.7f - out.dead_zone);
  out.ink.resize(d.size());
  for (size_t i = 0; i < d.size(); ++i) out.ink[i] = std::clamp((d[i] - out.dead_zone) / full, 0.f, 1.f);
  return out;
}

}  // namespace tiae
