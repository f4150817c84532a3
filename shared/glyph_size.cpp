#include "glyph_size.h"

#include <algorithm>
#include <cmath>

namespace tiae {

namespace {

// Sums over window x window boxes of an image padded by replicating its edges: an integral
// image of the padded values (and of their squares), exact in 64-bit integers.
struct BoxSums {
  int w, h, r;
  std::vector<int64_t> sum, square;  // (w + 2r + 1) x (h + 2r + 1)
  BoxSums(const std::vector<uint8_t>& g, int width, int height, int window) : w(width), h(height), r(window / 2) {
    const int pw = w + 2 * r + 1, ph = h + 2 * r + 1;
    sum.assign(size_t(pw) * ph, 0), square.assign(size_t(pw) * ph, 0);
    for (int y = 1; y < ph; ++y)
      for (int x = 1; x < pw; ++x) {
        const int sx = std::clamp(x - 1 - r, 0, w - 1), sy = std::clamp(y - 1 - r, 0, h - 1);
        const int64_t v = g[size_t(sy) * w + sx];
        const size_t i = size_t(y) * pw + x;
        sum[i] = v + sum[i - 1] + sum[i - pw] - sum[i - pw - 1];
        square[i] = v * v + square[i - 1] + square[i - pw] - square[i - pw - 1];
      }
  }
  // The box centred on (x, y): padded rows and columns y..y + 2r, x..x + 2r.
  int64_t box(const std::vector<int64_t>& t, int x, int y) const {
    const int pw = w + 2 * r + 1, x1 = x + 2 * r + 1, y1 = y + 2 * r + 1;
    return t[size_t(y1) * pw + x1] - t[size_t(y) * pw + x1] - t[size_t(y1) * pw + x] + t[size_t(y) * pw + x];
  }
};

}  // namespace

std::vector<InkMark> ink_marks(const std::vector<uint8_t>& mask, int w, int h) {
  std::vector<int> label(mask.size(), -1), stack;
  std::vector<InkMark> out;
  for (int start = 0; start < w * h; ++start) {
    if (!mask[size_t(start)] || label[size_t(start)] >= 0) continue;
    InkMark m{0, start % w, start / w, start % w, start / w, 0, 0};
    label[size_t(start)] = int(out.size());
    stack.assign(1, start);
    while (!stack.empty()) {
      const int i = stack.back(), x = i % w, y = i / w;
      stack.pop_back();
      ++m.area, m.x0 = std::min(m.x0, x), m.x1 = std::max(m.x1, x), m.y0 = std::min(m.y0, y), m.y1 = std::max(m.y1, y);
      m.cx += x + 0.5, m.cy += y + 0.5;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const size_t j = size_t(ny) * w + nx;
          if (mask[j] && label[j] < 0) label[j] = int(out.size()), stack.push_back(int(j));
        }
    }
    m.cx /= m.area, m.cy /= m.area;
    out.push_back(m);
  }
  return out;
}

std::vector<uint8_t> sauvola_mask(const std::vector<uint8_t>& gray8, int width, int height, int window, double k,
                                  bool dark_ink) {
  std::vector<uint8_t> g = gray8;
  if (!dark_ink)
    for (auto& v : g) v = uint8_t(255 - v);
  window |= 1;
  const BoxSums sums(g, width, height, window);
  const double n = double(window) * window;
  std::vector<uint8_t> mask(g.size());
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      // In float as OpenCV computes it, the threshold rounded to 8 bits before comparing.
      const float mean = float(double(sums.box(sums.sum, x, y)) / n);
      const float square = float(double(sums.box(sums.square, x, y)) / n);
      const float stddev = std::sqrt(std::max(0.f, square - mean * mean));
      const float t = mean * float(1. + double(float(k)) * (double(stddev) / 128. - 1.));
      const int threshold = std::clamp(int(std::lrint(t)), 0, 255);
      mask[size_t(y) * width + x] = g[size_t(y) * width + x] <= threshold ? 1 : 0;
    }
  return mask;
}

double median_mark_height(const std::vector<float>& gray, int width, int height) {
  std::vector<uint8_t> g8(gray.size());
  for (size_t i = 0; i < gray.size(); ++i) g8[i] = uint8_t(std::clamp(std::lrint(gray[i] * 255.0), 0L, 255L));
  double best_score = 0, result = 0;
  for (bool dark : {true, false})
    for (int window : {25, 61, 131}) {
      std::vector<int> heights;
      for (const auto& m : ink_marks(sauvola_mask(g8, width, height, window, 0.2, dark), width, height)) {
        const int w = m.x1 - m.x0 + 1, h = m.y1 - m.y0 + 1;
        if (m.area >= 12 && h >= 8 && h <= 200 && w <= 3 * h && h <= 5 * w) heights.push_back(h);
      }
      if (heights.size() < 5) continue;
      std::nth_element(heights.begin(), heights.begin() + long(heights.size() / 2), heights.end());
      const int median = heights[heights.size() / 2];
      // Writing: many marks of about the same height (texture gives every height).
      const double score = double(std::count_if(heights.begin(), heights.end(), [&](int h) {
        return h >= 0.75 * median && h <= 1.33 * median;
      }));
      if (score > best_score) best_score = score, result = median;
    }
  return result;
}

double estimate_glyph_size(const std::vector<float>& gray, int width, int height) {
  return kGlyphPerMark * median_mark_height(gray, width, height);
}

}  // namespace tiae
