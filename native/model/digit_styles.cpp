#include "model/digit_styles.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tiae {

namespace {
constexpr int64_t kFewestCells = 10, kMostCells = 24;

// [cells, side]: each cell the mean of the pixels it covers, partial pixels by their share.
torch::Tensor area_matrix(int64_t side, int64_t cells) {
  auto a = torch::zeros({cells, side}, torch::kFloat64);
  auto w = a.accessor<double, 2>();
  const double span = double(side) / double(cells);
  for (int64_t i = 0; i < cells; ++i)
    for (int64_t j = 0; j < side; ++j) {
      const double overlap = std::min(double(j + 1), (i + 1) * span) - std::max(double(j), i * span);
      if (overlap > 0) w[i][j] = overlap / span;
    }
  return a;
}

// [side, cells]: bilinear interpolation at half-pixel centres, clamped at the edges.
torch::Tensor bilinear_matrix(int64_t cells, int64_t side) {
  auto b = torch::zeros({side, cells}, torch::kFloat64);
  auto w = b.accessor<double, 2>();
  for (int64_t x = 0; x < side; ++x) {
    const double u = (x + 0.5) * double(cells) / double(side) - 0.5;
    int64_t u0 = int64_t(std::floor(u));
    double f = u - double(u0);
    if (u0 < 0) u0 = 0, f = 0;
    if (u0 >= cells - 1) u0 = cells - 1, f = 0;
    w[x][u0] += 1 - f;
    if (f > 0) w[x][u0 + 1] += f;
  }
  return b;
}
}  // namespace

torch::Tensor coarsening_matrix(int64_t side, int64_t cells) {
  if (cells < 1 || cells > side) throw std::invalid_argument("coarsening_matrix: cells must be in [1, side]");
  return bilinear_matrix(cells, side).matmul(area_matrix(side, cells)).to(torch::kFloat32);
}

torch::Tensor thicken_strokes(const torch::Tensor& images) {
  return torch::max_pool2d(images, {3, 3}, {1, 1}, {1, 1});
}

torch::Tensor restyle_digits(const torch::Tensor& digits, double fraction, std::mt19937_64& rng) {
  if (fraction <= 0) return digits;
  const int64_t n = digits.size(0), side = digits.size(2);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int64_t> cells(kFewestCells, std::min(kMostCells, side));
  auto out = digits.clone();
  for (int64_t i = 0; i < n; ++i) {
    if (unit(rng) >= fraction) continue;
    const bool thick = unit(rng) < 0.5;
    const auto m = coarsening_matrix(side, cells(rng)).to(digits.device());
    auto digit = digits.narrow(0, i, 1);
    if (thick) digit = thicken_strokes(digit);
    digit = m.matmul(digit).matmul(m.t()).clamp_min(0);
    const auto peak = digit.max().clamp_min(1e-6);
    out.narrow(0, i, 1).copy_(digit / peak);
  }
  return out;
}

}  // namespace tiae
