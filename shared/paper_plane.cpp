#include "paper_plane.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tiae {

namespace {

struct Cells {
  int w, h;
  std::vector<float> v;
  float at(int x, int y) const { return v[size_t(std::clamp(y, 0, h - 1)) * w + std::clamp(x, 0, w - 1)]; }
};

Cells cell_means(const float* luma, int width, int height) {
  Cells c{(width + kPaperCell - 1) / kPaperCell, (height + kPaperCell - 1) / kPaperCell, {}};
  c.v.assign(size_t(c.w) * c.h, 0.f);
  std::vector<int> count(c.v.size(), 0);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const size_t k = size_t(y / kPaperCell) * c.w + x / kPaperCell;
      c.v[k] += luma[size_t(y) * width + x], ++count[k];
    }
  for (size_t k = 0; k < c.v.size(); ++k) c.v[k] /= float(count[k]);
  return c;
}

Cells median_filter(const Cells& c) {
  Cells m{c.w, c.h, std::vector<float>(c.v.size())};
  std::vector<float> window;
  const int r = kPaperWindow / 2;
  for (int y = 0; y < c.h; ++y)
    for (int x = 0; x < c.w; ++x) {
      window.clear();
      for (int dy = -r; dy <= r; ++dy)
        for (int dx = -r; dx <= r; ++dx) window.push_back(c.at(x + dx, y + dy));
      std::nth_element(window.begin(), window.begin() + long(window.size() / 2), window.end());
      m.v[size_t(y) * c.w + x] = window[window.size() / 2];
    }
  return m;
}

// The paper at pixel (x, y): bilinear between the centres of the cells around it.
float paper_at(const Cells& p, int x, int y) {
  const float fx = (x + 0.5f) / kPaperCell - 0.5f, fy = (y + 0.5f) / kPaperCell - 0.5f;
  const int x0 = int(std::floor(fx)), y0 = int(std::floor(fy));
  const float ax = fx - float(x0), ay = fy - float(y0);
  return (1 - ay) * ((1 - ax) * p.at(x0, y0) + ax * p.at(x0 + 1, y0)) + ay * ((1 - ax) * p.at(x0, y0 + 1) + ax * p.at(x0 + 1, y0 + 1));
}

}  // namespace

std::vector<float> paper_normalised(const float* luma, int width, int height) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("paper_normalised: an empty image");
  const Cells paper = median_filter(cell_means(luma, width, height));
  std::vector<float> d(size_t(width) * height);
  std::vector<float> largest(paper.v.size(), 0.f);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const size_t i = size_t(y) * width + x;
      d[i] = luma[i] - paper_at(paper, x, y);
      float& l = largest[size_t(y / kPaperCell) * paper.w + x / kPaperCell];
      l = std::max(l, std::abs(d[i]));
    }
  const size_t q = size_t(std::lround(kPaperQuantile * double(largest.size() - 1)));
  std::nth_element(largest.begin(), largest.begin() + long(q), largest.end());
  const float scale = std::max(kPaperMinContrast, largest[q]);
  for (auto& v : d) v = std::clamp(0.5f + 0.5f * v / scale, 0.f, 1.f);
  return d;
}

}  // namespace tiae
