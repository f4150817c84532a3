#include "transform_search.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tiae {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Every value finite and the sizes within the shift search's bounds (shift_search.h).
void check_search(const float* canonical, const float* input, int size, int channels, int max_shift) {
  if (size < 1 || size > 4096 || channels < 1 || channels > 64 || max_shift < 0 || max_shift > size)
    throw std::invalid_argument("transform search: needs size in [1, 4096], channels in [1, 64] and max_shift in [0, size]");
  const int n = size * size * channels;
  for (int i = 0; i < n; ++i)
    if (!std::isfinite(canonical[i]) || !std::isfinite(input[i]))
      throw std::invalid_argument("transform search: an image has a value that is not a finite number (index " + std::to_string(i) + ")");
}

std::vector<float> evenly(double lo, double hi, int steps) {
  std::vector<float> v(static_cast<size_t>(steps));
  for (int i = 0; i < steps; ++i) v[size_t(i)] = float(steps == 1 ? lo : lo + (hi - lo) * i / (steps - 1));
  return v;
}

// The shift search on the input turned by grid point g: the distance of every shift,
// written to out[(dy + m) * (2 m + 1) + dx + m].
class TurnedSearch {
 public:
  TurnedSearch(const float* canonical, const float* input, int size, int channels, int max_shift, const TransformGrid& grid)
      : canonical_(canonical), input_(input), size_(size), channels_(channels), m_(max_shift),
        side_(std::max(turned_canvas_side(size, grid.scales.empty() ? 1.f : *std::max_element(grid.scales.begin(), grid.scales.end())),
                       size + 2 * max_shift)),
        turned_(size_t(side_) * side_ * channels) {
    for (int i = 0; i < size * size * channels; ++i) canonical_sq_ += double(canonical[i]) * canonical[i];
  }
  int shifts() const { return (2 * m_ + 1) * (2 * m_ + 1); }

  void distances(float angle, float scale, float* out) {
    turn_image(input_, size_, channels_, angle, scale, turned_.data(), side_);
    double turned_sq = 0;  // all of the turned image: the extended canvas
    for (float v : turned_) turned_sq += double(v) * v;
    const int o = (side_ - size_) / 2, w = 2 * m_ + 1;
    for (int dy = -m_; dy <= m_; ++dy)
      for (int dx = -m_; dx <= m_; ++dx) {
        double corr = 0;  // <canonical, shift(dx, dy) turned> over the window
        for (int c = 0; c < channels_; ++c) {
          const float* t = turned_.data() + size_t(c) * side_ * side_;
          const float* k = canonical_ + size_t(c) * size_ * size_;
          for (int y = 0; y < size_; ++y) {
            const float* row = t + size_t(y - dy + o) * side_ + (o - dx);
            for (int x = 0; x < size_; ++x) corr += double(k[y * size_ + x]) * row[x];
          }
        }
        out[(dy + m_) * w + dx + m_] = float(canonical_sq_ + turned_sq - 2 * corr);
      }
  }

  // The best shift at grid point g, as an estimate.
  TransformEstimate best(const TransformGrid& grid, int g) {
    std::vector<float> d(static_cast<size_t>(shifts()));
    distances(grid.angle(g), grid.scale(g), d.data());
    const int i = int(std::min_element(d.begin(), d.end()) - d.begin()), w = 2 * m_ + 1;
    return {i % w - m_, i / w - m_, grid.angle(g), grid.scale(g), g, d[size_t(i)]};
  }

 private:
  const float *canonical_, *input_;
  int size_, channels_, m_, side_;
  std::vector<float> turned_;
  double canonical_sq_ = 0;
};

// Indices 0, 2, 4, ... of a grid axis of n points, and the last.
std::vector<int> every_other(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; i += 2) v.push_back(i);
  if (v.back() != n - 1) v.push_back(n - 1);
  return v;
}

}  // namespace

TransformGrid make_transform_grid(double max_rotation, int rotation_steps, double max_scale, int scale_steps) {
  const bool ok = max_rotation >= 0 && max_rotation <= 180 && max_scale >= 1 && max_scale <= 4 && rotation_steps >= 1 &&
                  rotation_steps <= 361 && scale_steps >= 1 && scale_steps <= 361 && (max_rotation == 0) == (rotation_steps == 1) &&
                  (max_scale == 1) == (scale_steps == 1);
  if (!ok)
    throw std::invalid_argument("transform grid: needs max_rotation in [0, 180] degrees and max_scale in [1, 4], each with 1 step "
                                "when it is 0 (1) and 2 to 361 otherwise");
  TransformGrid g;
  g.angles = evenly(-max_rotation, max_rotation, rotation_steps);
  for (float e : evenly(-1, 1, scale_steps)) g.scales.push_back(float(std::pow(max_scale, double(e))));
  return g;
}

int turned_canvas_side(int size, float max_scale) {
  // A bilinear tap reaches source points within (-1, size) on each axis, so turn I is zero
  // beyond max_scale * sqrt(2) * (size + 1) / 2 from the centre.
  const double reach = std::max(1.0, double(max_scale)) * std::sqrt(2.0) * (size + 1) / 2;
  return size + 2 * int(std::ceil(reach - (size - 1) / 2.0));
}

void turn_image(const float* src, int size, int channels, float angle, float scale, float* dst, int out_side) {
  const double a = angle * kPi / 180, ca = std::cos(a), sa = std::sin(a), c = (size - 1) / 2.0;
  const double o = (out_side - size) / 2.0;  // the canvas's offset from the window
  for (int v = 0; v < out_side; ++v)
    for (int u = 0; u < out_side; ++u) {
      // q - c in window coordinates, taken back by M(-angle) / scale.
      const double qx = u - o - c, qy = v - o - c;
      const double px = c + (ca * qx - sa * qy) / scale, py = c + (sa * qx + ca * qy) / scale;
      const double fx0 = std::floor(px), fy0 = std::floor(py);
      const int x0 = int(fx0), y0 = int(fy0);
      const float fx = float(px - fx0), fy = float(py - fy0);
      for (int ch = 0; ch < channels; ++ch) {
        const float* s = src + size_t(ch) * size * size;
        const auto at = [&](int y, int x) { return (y >= 0 && y < size && x >= 0 && x < size) ? s[y * size + x] : 0.f; };
        dst[(size_t(ch) * out_side + v) * out_side + u] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
                                                          fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
      }
    }
}

std::vector<float> transform_distances(const float* canonical, const float* input, int size, int channels, int max_shift,
                                       const TransformGrid& grid) {
  check_search(canonical, input, size, channels, max_shift);
  TurnedSearch search(canonical, input, size, channels, max_shift, grid);
  std::vector<float> out(size_t(grid.size()) * search.shifts());
  for (int g = 0; g < grid.size(); ++g) search.distances(grid.angle(g), grid.scale(g), out.data() + size_t(g) * search.shifts());
  return out;
}

TransformEstimate estimate_transform(const float* canonical, const float* input, int size, int channels, int max_shift,
                                     const TransformGrid& grid) {
  check_search(canonical, input, size, channels, max_shift);
  TurnedSearch search(canonical, input, size, channels, max_shift, grid);
  TransformEstimate best;
  for (int g = 0; g < grid.size(); ++g) {
    const auto e = search.best(grid, g);
    if (g == 0 || e.distance < best.distance) best = e;
  }
  return best;
}

TransformEstimate estimate_transform_coarse_to_fine(const float* canonical, const float* input, int size, int channels,
                                                    int max_shift, const TransformGrid& grid, int* searched) {
  check_search(canonical, input, size, channels, max_shift);
  TurnedSearch search(canonical, input, size, channels, max_shift, grid);
  const int na = int(grid.angles.size()), ns = int(grid.scales.size());
  std::vector<char> tried(size_t(grid.size()), 0);
  TransformEstimate best;
  bool any = false;
  const auto visit = [&](int ia, int is) {
    const int g = ia * ns + is;
    if (ia < 0 || ia >= na || is < 0 || is >= ns || tried[size_t(g)]) return;
    tried[size_t(g)] = 1;
    const auto e = search.best(grid, g);
    // Ties go to the lower index, as in the exhaustive search.
    if (!any || e.distance < best.distance || (e.distance == best.distance && g < best.grid_index)) best = e;
    any = true;
  };
  for (int ia : every_other(na))
    for (int is : every_other(ns)) visit(ia, is);
  const int ba = best.grid_index / ns, bs = best.grid_index % ns;
  for (int da = -1; da <= 1; ++da)
    for (int ds = -1; ds <= 1; ++ds) visit(ba + da, bs + ds);
  if (searched) *searched = int(std::count(tried.begin(), tried.end(), 1));
  return best;
}

namespace {
// The index of the value of `values` (ascending) nearest v.
int nearest_index(const std::vector<float>& values, float v) {
  int best = 0;
  for (int i = 1; i < int(values.size()); ++i)
    if (std::abs(values[size_t(i)] - v) < std::abs(values[size_t(best)] - v)) best = i;
  return best;
}
}  // namespace

TransformEstimate estimate_transform_near(const float* canonical, const float* input, int size, int channels, int max_shift,
                                          const TransformGrid& grid, float angle, float scale, int* searched) {
  check_search(canonical, input, size, channels, max_shift);
  TurnedSearch search(canonical, input, size, channels, max_shift, grid);
  const int na = int(grid.angles.size()), ns = int(grid.scales.size());
  // scales are evenly spaced in log scale: nearest there
  std::vector<float> log_scales(grid.scales.size());
  std::transform(grid.scales.begin(), grid.scales.end(), log_scales.begin(), [](float s) { return std::log(s); });
  const int ca = nearest_index(grid.angles, angle), cs = nearest_index(log_scales, std::log(std::max(scale, 1e-6f)));
  TransformEstimate best;
  int tried = 0;
  for (int ia = std::max(0, ca - 1); ia <= std::min(na - 1, ca + 1); ++ia)
    for (int is = std::max(0, cs - 1); is <= std::min(ns - 1, cs + 1); ++is) {
      const int g = ia * ns + is;
      const auto e = search.best(grid, g);
      // ties go to the lower index, as in the exhaustive search (g grows in this loop)
      if (tried++ == 0 || e.distance < best.distance) best = e;
    }
  if (searched) *searched = tried;
  return best;
}

Pose input_pose(const TransformEstimate& t) {
  const double a = t.angle * kPi / 180, ca = std::cos(a), sa = std::sin(a);
  // w = -M(-a) d / s, M(-a) = [[cos a, -sin a], [sin a, cos a]]
  Pose p;
  p.dx = float(-(ca * t.dx - sa * t.dy) / t.scale);
  p.dy = float(-(sa * t.dx + ca * t.dy) / t.scale);
  p.angle = -t.angle;
  p.scale = 1 / t.scale;
  return p;
}

}  // namespace tiae
