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

// The centre of mass of a glyph's ink in its cell, in continuous coordinates (pixel i
// spans [i, i + 1)); the cell's centre when it has none.
std::pair<double, double> centre_of_mass(const Glyph& g) {
  double sum = 0, sx = 0, sy = 0;
  for (int y = 0; y < g.side; ++y)
    for (int x = 0; x < g.side; ++x) {
      const double w = g.ink[y * g.side + x];
      sum += w, sx += w * (x + 0.5), sy += w * (y + 0.5);
    }
  return sum > 0 ? std::make_pair(sx / sum, sy / sum) : std::make_pair(g.side / 2.0, g.side / 2.0);
}

// The glyphs at a few sizes (fractions of the training size), each with its ink box.
struct SizedGlyphs {
  std::vector<torch::Tensor> pixels;  // what the boxes point into
  std::vector<std::vector<Glyph>> boxed;
};

SizedGlyphs size_glyphs(const torch::Tensor& cpu, const std::vector<float>& scales) {
  namespace F = torch::nn::functional;
  const int64_t n = cpu.size(0), s = cpu.size(2);
  SizedGlyphs out;
  for (float scale : scales) {
    const int side = int(std::lround(s * scale));
    auto opts = F::InterpolateFuncOptions().size(std::vector<int64_t>{side, side});
    auto t = scale < 1 ? F::interpolate(cpu, opts.mode(torch::kArea))
                       : F::interpolate(cpu, opts.mode(torch::kBilinear).align_corners(false));
    t = t.clamp(0, 1).contiguous();
    std::vector<Glyph> boxes;
    for (int64_t i = 0; i < n; ++i) boxes.push_back(find_box(t[i].data_ptr<float>(), side));
    out.pixels.push_back(t);
    out.boxed.push_back(std::move(boxes));
  }
  return out;
}

// How a line sets its glyphs apart: spaced, in words, or touching (boxes a little overlapping).
enum class Spacing { spaced, words, touching };

// A line of glyphs on the canvas from `left` rightwards (or leftwards from `right` when
// `leftwards`) up to the canvas border, bottoms on `bottom`.
void write_line(const std::vector<Glyph>& set, std::vector<float>& canvas, int side, float from, float bottom,
                float height, bool leftwards, Spacing spacing, std::mt19937_64& rng) {
  for (float at = from; leftwards ? at > 0 : at < side;) {
    const Glyph& g = set[rng() % set.size()];
    const int width = g.x1 - g.x0 + 1, wobble = int(std::lround(uniform(rng, -0.1f, 0.1f) * height));
    float gap = spacing == Spacing::spaced  ? uniform(rng, 0.2f, 0.8f) * height
                : spacing == Spacing::words ? uniform(rng, 0.05f, 0.2f) * height
                                            : uniform(rng, -0.17f, 0.0f) * height;
    if (rng() % 5 == 0) gap += uniform(rng, 0.4f, 1.0f) * height;  // a word gap
    if (leftwards) {
      at -= gap + float(width);
      paste(g, canvas, side, int(at), int(bottom) + wobble);
    } else {
      paste(g, canvas, side, int(at + gap), int(bottom) + wobble);
      at += gap + float(width);
    }
  }
}

}  // namespace

torch::Tensor centred_glyph_windows(const torch::Tensor& glyphs, int64_t count, const torch::Tensor& shifts, double touching,
                                    std::mt19937_64& rng) {
  const int s = int(glyphs.size(2)), side = 3 * s;
  const int64_t views = shifts.size(0) / count;
  // Sizes near the model's glyph size: `tiae document` rescales a page so that its
  // glyphs come out at that size, small letters a little smaller.
  const std::vector<float> scales{0.8f, 0.9f, 1.0f, 1.1f};
  const auto sized = size_glyphs(glyphs.to(torch::kCPU, torch::kFloat32).contiguous(), scales);
  const auto shift = shifts.to(torch::kCPU, torch::kLong).contiguous();
  auto out = torch::zeros({views * count, 1, s, s});
  std::vector<float> canvas(size_t(side) * side);
  for (int64_t w = 0; w < count; ++w) {
    std::fill(canvas.begin(), canvas.end(), 0.0f);
    const size_t k = rng() % scales.size();
    const auto& set = sized.boxed[k];
    const float height = 0.65f * s * scales[k];
    // The centre glyph: its centre of mass at the canvas's centre (as MNIST centres its
    // digits), which is where the model's canonical shape will have its centre.
    const Glyph& g = set[rng() % set.size()];
    const auto [mx, my] = centre_of_mass(g);
    const int left = int(std::lround(side / 2.0 - mx)) + g.x0, bottom = int(std::lround(side / 2.0 - my)) + g.y1;
    paste(g, canvas, side, left, bottom);
    // A line touches or not (drawn only when asked for, so that touching 0 trains with the
    // first release's draws); each side of the centre glyph draws its spacing otherwise.
    const auto touches = [&] { return touching > 0 && uniform(rng, 0, 1) < touching; };
    const auto spacing = [&](bool touch) {
      const auto apart = rng() % 3 == 0 ? Spacing::spaced : Spacing::words;
      return touch ? Spacing::touching : apart;
    };
    if (rng() % 4 != 0) {  // most glyphs have neighbours on their line
      const bool touch = touches();
      write_line(set, canvas, side, float(left + g.x1 - g.x0 + 1), float(bottom), height, false, spacing(touch), rng);
      write_line(set, canvas, side, float(left), float(bottom), height, true, spacing(touch), rng);
    }
    const float pitch = height * uniform(rng, 1.4f, 2.2f);
    for (int sign : {-1, 1})
      if (rng() % 3 != 0)
        for (float b = bottom + sign * pitch; b > 0 && b < side + height; b += sign * pitch)
          write_line(set, canvas, side, uniform(rng, 0, float(s)), b, height, false, spacing(touches()), rng);
    for (int64_t v = 0; v < views; ++v) {
      const int64_t i = v * count + w;
      const int dx = int(shift[i][0].item<int64_t>()), dy = int(shift[i][1].item<int64_t>());
      float* window = out.data_ptr<float>() + i * s * s;
      for (int y = 0; y < s; ++y)
        for (int x = 0; x < s; ++x) window[y * s + x] = canvas[size_t(y + s - dy) * side + (x + s - dx)];
    }
  }
  return out.to(glyphs.device());
}

torch::Tensor text_windows(const torch::Tensor& glyphs, int64_t count, std::mt19937_64& rng) {
  const int64_t n = glyphs.size(0);
  const int s = int(glyphs.size(2));
  // The glyphs at a few sizes (0.6 to 1.2 of MNIST's): after `tiae extract` rescales
  // a page, capitals and digits are about MNIST's size and small letters are smaller.
  const std::vector<float> scales{0.6f, 0.75f, 0.9f, 1.05f, 1.2f};
  const auto sized = size_glyphs(glyphs.to(torch::kCPU, torch::kFloat32).contiguous(), scales);
  const auto& boxed = sized.boxed;

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
