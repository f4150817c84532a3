// The core's search over shift x rotation x scale (shared/transform_search.h) against its
// definitions: a known transform found, the coarse-to-fine order against the exhaustive
// search, the pose of the input as the transform's inverse.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "shift_search.h"
#include "transform_search.h"

namespace {
constexpr int S = 32, M = 8;

// A smooth stroke figure well inside the window, so that no transform of the grid takes
// its ink out of the canvas.
std::vector<float> figure() {
  std::vector<float> v(size_t(S) * S, 0.f);
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S; ++x) {
      const double a = std::exp(-(std::pow(x - 13.0, 2) + std::pow(y - 11.0, 2)) / 8.0);
      const double b = std::exp(-(std::pow(x - 18.0 - 0.3 * (y - 16), 2)) / 3.0) * (y > 9 && y < 23);
      v[size_t(y) * S + x] = float(std::min(1.0, a + b));
    }
  return v;
}

// The window of T(dx, dy, angle, scale) I: turn, then shift, then the middle S x S.
std::vector<float> transformed(const std::vector<float>& image, int dx, int dy, float angle, float scale) {
  const int side = S + 2 * M;
  std::vector<float> turned(size_t(side) * side), shifted(turned.size()), out(size_t(S) * S);
  tiae::turn_image(image.data(), S, 1, angle, scale, turned.data(), side);
  tiae::shift_image(turned.data(), shifted.data(), side, 1, dx, dy);
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S; ++x) out[size_t(y) * S + x] = shifted[size_t(y + M) * side + x + M];
  return out;
}
}  // namespace

TEST_CASE("the transform grid: evenly spaced angles, scales evenly in log scale, identity for shifts alone") {
  const auto g = tiae::make_transform_grid(30, 7, 1.25, 5);
  REQUIRE(g.size() == 35);
  CHECK(g.angles.front() == Approx(-30));
  CHECK(g.angles[3] == Approx(0).margin(1e-6));
  CHECK(g.scales.front() == Approx(0.8));
  CHECK(g.scales[2] == Approx(1));
  CHECK(g.scales[3] / g.scales[2] == Approx(g.scales[2] / g.scales[1]));
  CHECK(g.angle(8) == g.angles[1]);
  CHECK(g.scale(8) == g.scales[3]);
  CHECK(tiae::make_transform_grid(0, 1, 1, 1).identity());
  CHECK_THROWS_AS(tiae::make_transform_grid(30, 1, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(tiae::make_transform_grid(0, 1, 0.5, 1), std::invalid_argument);
}

TEST_CASE("turn_image: angle 0 and scale 1 copy the window, and 90 degrees counter-clockwise moves the right edge to the top") {
  const auto image = figure();
  std::vector<float> same(size_t(S) * S), turned(size_t(S) * S);
  tiae::turn_image(image.data(), S, 1, 0.f, 1.f, same.data(), S);
  for (size_t i = 0; i < same.size(); ++i) REQUIRE(same[i] == Approx(image[i]).margin(1e-6));
  tiae::turn_image(image.data(), S, 1, 90.f, 1.f, turned.data(), S);
  // counter-clockwise on the screen: out(y, x) = in(x, S - 1 - y)
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S; ++x) REQUIRE(turned[size_t(y) * S + x] == Approx(image[size_t(x) * S + S - 1 - y]).margin(1e-4));
}

TEST_CASE("with the identity grid the transform search is the shift search") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> a(size_t(S) * S), b(a.size());
  for (auto& v : a) v = u(rng) < 0.3f ? u(rng) : 0.f;
  for (auto& v : b) v = u(rng) < 0.3f ? u(rng) : 0.f;
  const auto grid = tiae::make_transform_grid(0, 1, 1, 1);
  const auto t = tiae::transform_distances(a.data(), b.data(), S, 1, M, grid);
  const auto s = tiae::restoration_distances(a.data(), b.data(), S, 1, M);
  REQUIRE(t.size() == s.size());
  for (size_t i = 0; i < t.size(); ++i) REQUIRE(t[i] == Approx(s[i]).epsilon(1e-5));
}

TEST_CASE("the exact search finds a known transform of the grid, at distance near 0") {
  const auto grid = tiae::make_transform_grid(30, 7, 1.25, 5);
  const auto input = figure();
  for (int g : {0, 9, 17, 23, 34}) {
    const int dx = g % 7 - 3, dy = 2 - g % 5;
    const auto canonical = transformed(input, dx, dy, grid.angle(g), grid.scale(g));
    const auto e = tiae::estimate_transform(canonical.data(), input.data(), S, 1, M, grid);
    CHECK(e.grid_index == g);
    CHECK(e.dx == dx);
    CHECK(e.dy == dy);
    CHECK(e.distance == Approx(0).margin(1e-3));
  }
}

TEST_CASE("coarse to fine: the exhaustive search's answer on one-basin distances, trying fewer grid points") {
  const auto grid = tiae::make_transform_grid(30, 13, 1.25, 9);
  const auto input = figure();
  std::mt19937 rng(5);
  for (int trial = 0; trial < 6; ++trial) {
    const int g = int(rng() % unsigned(grid.size()));
    const auto canonical = transformed(input, int(rng() % 7) - 3, int(rng() % 7) - 3, grid.angle(g), grid.scale(g));
    int searched = 0;
    const auto fast = tiae::estimate_transform_coarse_to_fine(canonical.data(), input.data(), S, 1, M, grid, &searched);
    const auto exact = tiae::estimate_transform(canonical.data(), input.data(), S, 1, M, grid);
    CHECK(fast.grid_index == exact.grid_index);
    CHECK(fast.dx == exact.dx);
    CHECK(fast.dy == exact.dy);
    CHECK(searched <= 7 * 5 + 8);
  }
}

TEST_CASE("the input's pose undoes the estimated transform, point by point") {
  tiae::TransformEstimate t;
  t.dx = 3, t.dy = -5, t.angle = 20.f, t.scale = 1.2f;
  const auto pose = tiae::input_pose(t);
  const double c = (S - 1) / 2.0;
  // forward: q = c + s M(a) (p - c) + d;  pose: p' = c + s' M(a') (q - c) + w
  const auto apply = [&](double s, double deg, double tx, double ty, double x, double y, double& ox, double& oy) {
    const double a = deg * M_PI / 180;
    ox = c + s * (std::cos(a) * (x - c) + std::sin(a) * (y - c)) + tx;
    oy = c + s * (-std::sin(a) * (x - c) + std::cos(a) * (y - c)) + ty;
  };
  for (double x : {0.0, 7.0, 31.0})
    for (double y : {2.0, 16.0, 29.0}) {
      double qx, qy, px, py;
      apply(t.scale, t.angle, t.dx, t.dy, x, y, qx, qy);
      apply(pose.scale, pose.angle, pose.dx, pose.dy, qx, qy, px, py);
      CHECK(px == Approx(x).margin(1e-4));
      CHECK(py == Approx(y).margin(1e-4));
    }
}

TEST_CASE("a proposal checked exactly: the least distance over the proposal's nearest grid point and its neighbours") {
  const auto grid = tiae::make_transform_grid(30, 7, 1.25, 5);
  const int shifts = (2 * M + 1) * (2 * M + 1), ns = int(grid.scales.size());
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> u(0, 1);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<float> a(size_t(S) * S), b(a.size());
    for (auto& v : a) v = u(rng) < 0.3f ? u(rng) : 0.f;
    for (auto& v : b) v = u(rng) < 0.3f ? u(rng) : 0.f;
    const auto all = tiae::transform_distances(a.data(), b.data(), S, 1, M, grid);
    // proposals between grid points, at the grid's edges and beyond them
    const float angle = -40.f + 27.f * trial, scale = 0.75f + 0.17f * trial;
    int ca = 0, cs = 0;  // the nearest grid point, written out
    for (int i = 0; i < int(grid.angles.size()); ++i)
      if (std::abs(grid.angles[size_t(i)] - angle) < std::abs(grid.angles[size_t(ca)] - angle)) ca = i;
    for (int i = 0; i < ns; ++i)
      if (std::abs(std::log(grid.scales[size_t(i)] / scale)) < std::abs(std::log(grid.scales[size_t(cs)] / scale))) cs = i;
    float best = 1e30f;
    int points = 0;
    for (int g = 0; g < grid.size(); ++g)
      if (std::abs(g / ns - ca) <= 1 && std::abs(g % ns - cs) <= 1) {
        ++points;
        for (int k = 0; k < shifts; ++k) best = std::min(best, all[size_t(g) * shifts + size_t(k)]);
      }
    int searched = 0;
    const auto e = tiae::estimate_transform_near(a.data(), b.data(), S, 1, M, grid, angle, scale, &searched);
    CHECK(searched == points);
    CHECK(e.distance == Approx(best).epsilon(1e-5));
    CHECK(std::abs(e.grid_index / ns - ca) <= 1);
    CHECK(std::abs(e.grid_index % ns - cs) <= 1);
    const int k = (e.dy + M) * (2 * M + 1) + (e.dx + M);
    CHECK(all[size_t(e.grid_index) * shifts + size_t(k)] == Approx(e.distance).epsilon(1e-5));
  }
  // a proposal at the exact answer's grid point gives the exact answer
  const auto input = figure();
  const auto canonical = transformed(input, 2, -1, grid.angle(23), grid.scale(23));
  const auto exact = tiae::estimate_transform(canonical.data(), input.data(), S, 1, M, grid);
  const auto near = tiae::estimate_transform_near(canonical.data(), input.data(), S, 1, M, grid, grid.angle(23) + 3, grid.scale(23));
  CHECK(near.grid_index == exact.grid_index);
  CHECK(near.dx == exact.dx);
  CHECK(near.dy == exact.dy);
}
