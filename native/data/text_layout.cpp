#include "data/text_layout.h"

#include <algorithm>
#include <vector>

namespace tiae {
namespace {

float uniform(std::mt19937_64& rng, float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }

// One glyph at one size: its ink and the bounding box of the ink.
struct Glyph {
  const float* ink = nullptr;
  int side = 0, x0 = 0, y0 = 0, x1 = -1, y1 = -1;  // box inclusive; empty when x1 < x0
};

Glyph find_box(const float* ink, int side) {
  Glyph g{ink, side, side, side, -1, -1};
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      if (ink[y * side + x] > 0.05f) {
        g.x0 = std::min(g.x0, x), g.x1 = std::max(g.x1, x);
        g.y0 = std::min(g.y0, y), g.y1 = std::max(g.y1, y);
      }
  return g;
}

// Pastes the glyph's box with its bottom-left corner at (left, bottom) on the canvas
// (ink is the maximum of what overlaps); returns the box width.
int paste(const Glyph& g, std::vector<float>& canvas, int side, int left, int bottom) {
  if (g.x1 < g.x0) return 0;
  const int top = bottom - (g.y1 - g.y0);
  for (int y = g.y0; y <= g.y1; ++y)
    for (int x = g.x0; x <= g.x1; ++x) {
      const int cy = top + y - g.y0, cx = left + x - g.x0;
      if (cy < 0 || cy >= side || cx < 0 || cx >= side) continue;
      float& c = canvas[size_t(cy) * side + cx];
      c = std::max(c, g.ink[y * g.side + x]);
    }
  return g.x1 - g.x0 + 1;
}

}  // namespace

torch::Tensor text_windows(const torch::Tensor& glyphs, int64_t count, std::mt19937_64& rng) {
  const int64_t n = glyphs.size(0);
  const int s = int(glyphs.size(2));
  namespace F = torch::nn::functional;
  const auto cpu = glyphs.to(torch::kCPU, torch::kFloat32).contiguous();
  // The glyphs at a few sizes (0.6 to 1.2 of MNIST's): after `tiae extract` rescales
  // a page, capitals and digits are about MNIST's size and small letters are smaller.
  const std::vector<float> scales{0.6f, 0.75f, 0.9f, 1.05f, 1.2f};
  std::vector<torch::Tensor> sized;  // holds the pixels the glyphs point into
  std::vector<std::vector<Glyph>> boxed;
  for (float scale : scales) {
    const int side = int(std::lround(s * scale));
    auto opts = F::InterpolateFuncOptions().size(std::vector<int64_t>{side, side});
    auto t = scale < 1 ? F::interpolate(cpu, opts.mode(torch::kArea))
                       : F::interpolate(cpu, opts.mode(torch::kBilinear).align_corners(false));
    t = t.clamp(0, 1).contiguous();
    std::vector<Glyph> boxes;
    for (int64_t i = 0; i < n; ++i) boxes.push_back(find_box(t[i].data_ptr<float>(), side));
    sized.push_back(t);
    boxed.push_back(std::move(boxes));
  }

  // Each window is the middle of a 3S x 3S canvas, so that lines and glyphs run past its
  // borders on every side.
  const int side = 3 * s;
  auto out = torch::zeros({count, 1, s, s});
  std::vector<float> canvas(size_t(side) * side);
  for (int64_t w = 0; w < count; ++w) {
    std::fill(canvas.begin(), canvas.end(), 0.0f);
    const size_t size_index = rng() % scales.size();
    const auto& set = boxed[size_index];
    const float height = 0.65f * s * scales[size_index];  // about an MNIST digit's height
    auto pick = [&]() -> const Glyph& { return set[rng() % uint64_t(n)]; };
    const float mode = uniform(rng, 0, 1);
    if (mode < 0.1f) {
      // no ink: the extractor must give nothing back on bare background
    } else if (mode < 0.3f) {  // one isolated glyph anywhere that touches the window
      paste(pick(), canvas, side, int(uniform(rng, s - height, 2 * s)), int(uniform(rng, s, 2 * s + height)));
    } else {  // lines of text
      const float pitch = height * uniform(rng, 1.25f, 2.2f);
      for (float bottom = s - uniform(rng, 0, pitch); bottom < 2 * s + height; bottom += pitch) {
        const bool spaced = rng() % 3 == 0;  // digits written apart, or letters in words
        for (float left = uniform(rng, 0, s); left < 2 * s;) {
          const int wobble = int(std::lround(uniform(rng, -0.1f, 0.1f) * height));
          left += 1 + paste(pick(), canvas, side, int(left), int(bottom) + wobble);
          left += spaced ? uniform(rng, 0.2f, 0.8f) * height : uniform(rng, 0.0f, 0.15f) * height;
          if (rng() % 5 == 0) left += uniform(rng, 0.4f, 1.0f) * height;  // a word gap
        }
      }
    }
    float* window = out.data_ptr<float>() + w * s * s;
    for (int y = 0; y < s; ++y)
      for (int x = 0; x < s; ++x) window[y * s + x] = canvas[size_t(y + s) * side + x + s];
  }
  return out.to(glyphs.device());
}

}  // namespace tiae
