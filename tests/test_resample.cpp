#include <catch2/catch.hpp>
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
