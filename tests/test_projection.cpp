#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "projection.h"

TEST_CASE("PCA finds the two directions of largest variance of synthetic descriptors") {
  // Points spread with std 5 along u, 2 along v, 0.1 elsewhere, in 6-D.
  const int dim = 6, n = 4000;
  const std::vector<double> u = {0.6, 0.8, 0, 0, 0, 0}, v = {0, 0, 0, 0, 0.8, -0.6};
  std::mt19937 rng(5);
  std::normal_distribution<double> g(0, 1);
  std::vector<float> pts(size_t(n) * dim);
  for (int i = 0; i < n; ++i) {
    const double a = 5 * g(rng), b = 2 * g(rng);
    for (int j = 0; j < dim; ++j) pts[size_t(i) * dim + j] = float(3.0 + a * u[j] + b * v[j] + 0.1 * g(rng));
  }
  const auto p = tiae::fit_pca_2d(pts.data(), n, dim);
  double dot_u = 0, dot_v = 0;
  for (int j = 0; j < dim; ++j) dot_u += p.axes[j] * u[j], dot_v += p.axes[dim + j] * v[j];
  CHECK(std::fabs(dot_u) == Approx(1.0).margin(0.01));
  CHECK(std::fabs(dot_v) == Approx(1.0).margin(0.01));
  for (int j = 0; j < dim; ++j) CHECK(p.mean[j] == Approx(3.0).margin(0.3));
  // Projected coordinates have the variances of the construction.
  double var0 = 0, var1 = 0;
  for (int i = 0; i < n; ++i) {
    float xy[2];
    p.apply(&pts[size_t(i) * dim], xy);
    var0 += xy[0] * xy[0] / n, var1 += xy[1] * xy[1] / n;
  }
  CHECK(std::sqrt(var0) == Approx(5.0).epsilon(0.05));
  CHECK(std::sqrt(var1) == Approx(2.0).epsilon(0.05));
}
