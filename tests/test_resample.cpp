#include <catch2/catch.hpp>
#include <algorithm>
#include <numeric>
#include <random>

#include "resample.h"

TEST_CASE("area resampling by an integer factor equals the mean of each block") {
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  const int n = 32 * 7;
  std::vector<float> img(size_t(n) * n);
  for (auto& v : img) v = u(rng);
  const auto out = tiae::resample_area(img.data(), n, n, 32);
  for (int oy = 0; oy < 32; ++oy)
    for (int ox = 0; ox < 32; ++ox) {
      double sum = 0;
      for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 7; ++x) sum += img[size_t(oy * 7 + y) * n + ox * 7 + x];
      REQUIRE(out[oy * 32 + ox] == Approx(sum / 49).epsilon(1e-5));
    }
}

TEST_CASE("area resampling keeps the mean ink and the position of a drawing, for any canvas size") {
  for (int side : {100, 280, 333}) {
    std::vector<float> img(size_t(side) * side, 0.f);
    // A filled disc in the upper left quarter.
    const double cx = side * 0.3, cy = side * 0.25, r = side * 0.1;
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) img[size_t(y) * side + x] = (x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy) < r * r;
    const auto out = tiae::resample_area(img.data(), side, side, 32);
    const double mean_in = std::accumulate(img.begin(), img.end(), 0.0) / img.size();
    const double mean_out = std::accumulate(out.begin(), out.end(), 0.0) / out.size();
    CHECK(mean_out == Approx(mean_in).epsilon(1e-4));
    double mx = 0, my = 0, mass = 0;
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) mass += out[y * 32 + x], mx += (x + 0.5) * out[y * 32 + x], my += (y + 0.5) * out[y * 32 + x];
    CHECK(mx / mass == Approx(cx * 32 / side).margin(0.05));
    CHECK(my / mass == Approx(cy * 32 / side).margin(0.05));
  }
}

TEST_CASE("a wide image is centred vertically with empty margins") {
  std::vector<float> img(64 * 32, 1.f);  // 64 wide, 32 high, all ink
  const auto out = tiae::resample_area(img.data(), 64, 32, 32);
  CHECK(out[0] == 0.f);                  // top margin
  CHECK(out[16 * 32 + 5] == Approx(1));  // middle band
  CHECK(out[31 * 32] == 0.f);            // bottom margin
}

TEST_CASE("resize_image equals its definition: the exact area mean when shrinking, bilinear between centres when enlarging") {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  const int w = 23, h = 17;
  std::vector<float> img(size_t(w) * h);
  for (auto& v : img) v = u(rng);
  // Shrinking by a non-integer factor: each output pixel is the mean over its box
  // [o * s, (o + 1) * s) in both axes, pixels weighted by the part of them inside.
  const int ow = 7, oh = 5;
  const auto small = tiae::resize_image(img.data(), w, h, ow, oh);
  const double sx = double(w) / ow, sy = double(h) / oh;
  const auto overlap = [](double lo, double hi, int i) { return std::max(0.0, std::min(hi, i + 1.0) - std::max(lo, double(i))); };
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox) {
      double sum = 0;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) sum += overlap(ox * sx, (ox + 1) * sx, x) * overlap(oy * sy, (oy + 1) * sy, y) * img[size_t(y) * w + x];
      REQUIRE(small[size_t(oy) * ow + ox] == Approx(sum / (sx * sy)).margin(1e-5));
    }
  // Enlarging: the input sampled at the output pixel's centre, (o + 0.5) * s - 0.5, bilinearly,
  // clamped at the edges.
  const int bw = 50, bh = 41;
  const auto big = tiae::resize_image(img.data(), w, h, bw, bh);
  const auto at = [&](int x, int y) { return img[size_t(std::clamp(y, 0, h - 1)) * w + std::clamp(x, 0, w - 1)]; };
  for (int oy = 0; oy < bh; ++oy)
    for (int ox = 0; ox < bw; ++ox) {
      const double x = std::clamp((ox + 0.5) * w / bw - 0.5, 0.0, w - 1.0), y = std::clamp((oy + 0.5) * h / bh - 0.5, 0.0, h - 1.0);
      const int x0 = int(x), y0 = int(y);
      const double fx = x - x0, fy = y - y0;
      const double v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      REQUIRE(big[size_t(oy) * bw + ox] == Approx(v).margin(1e-5));
    }
}
