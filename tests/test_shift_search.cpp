#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "shift_search.h"

namespace {
constexpr int S = 32, M = 8;

std::vector<float> random_image(std::mt19937& rng, int channels = 1) {
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> v(size_t(S) * S * channels);
  for (auto& x : v) x = u(rng) < 0.3f ? u(rng) : 0.f;
  return v;
}

// Direct definition on an explicit extended canvas of side S + 4M: place the canonical
// image at offset 2M and the input at 2M + (dy, dx), then sum squared differences.
double extended_canvas_distance(const std::vector<float>& canon, const std::vector<float>& input, int channels,
                                int dx, int dy) {
  const int E = S + 4 * M;
  double total = 0;
  for (int c = 0; c < channels; ++c) {
    std::vector<double> a(size_t(E) * E, 0.0), b(size_t(E) * E, 0.0);
    for (int y = 0; y < S; ++y)
      for (int x = 0; x < S; ++x) {
        a[size_t(y + 2 * M) * E + x + 2 * M] = canon[c * S * S + y * S + x];
        b[size_t(y + 2 * M + dy) * E + x + 2 * M + dx] = input[c * S * S + y * S + x];
      }
    for (size_t i = 0; i < a.size(); ++i) total += (a[i] - b[i]) * (a[i] - b[i]);
  }
  return total;
}
}  // namespace

TEST_CASE("shift_image moves pixels by (dx, dy) and fills with zeros") {
  std::mt19937 rng(1);
  const auto img = random_image(rng);
  std::vector<float> out(img.size());
  for (int dy = -M; dy <= M; dy += 3)
    for (int dx = -M; dx <= M; dx += 2) {
      tiae::shift_image(img.data(), out.data(), S, 1, dx, dy);
      for (int y = 0; y < S; ++y)
        for (int x = 0; x < S; ++x) {
          const bool inside = y - dy >= 0 && y - dy < S && x - dx >= 0 && x - dx < S;
          REQUIRE(out[y * S + x] == (inside ? img[(y - dy) * S + (x - dx)] : 0.f));
        }
    }
}

TEST_CASE("restoration distances equal the squared distance on an explicit extended canvas, for all 289 shifts") {
  std::mt19937 rng(2);
  for (int channels : {1, 2, 3}) {
    const auto canon = random_image(rng, channels), input = random_image(rng, channels);
    const auto d = tiae::restoration_distances(canon.data(), input.data(), S, channels, M);
    REQUIRE(d.size() == 289);
    for (int dy = -M; dy <= M; ++dy)
      for (int dx = -M; dx <= M; ++dx) {
        const double expected = extended_canvas_distance(canon, input, channels, dx, dy);
        REQUIRE(d[(dy + M) * 17 + dx + M] == Approx(expected).epsilon(1e-5));
      }
  }
}

TEST_CASE("estimate_shift recovers the shift that maps a shifted copy back onto the original") {
  std::mt19937 rng(3);
  // A blob well inside the window, so every test shift keeps all of its ink.
  std::vector<float> canon(S * S, 0.f);
  std::uniform_real_distribution<float> u(0.2f, 1.f);
  for (int y = 10; y < 22; ++y)
    for (int x = 11; x < 20; ++x) canon[y * S + x] = u(rng);
  std::vector<float> input(S * S);
  for (int dy = -M; dy <= M; dy += 4)
    for (int dx = -M; dx <= M; dx += 4) {
      tiae::shift_image(canon.data(), input.data(), S, 1, dx, dy);
      const auto est = tiae::estimate_shift(canon.data(), input.data(), S, 1, M);
      CHECK(est.dx == -dx);
      CHECK(est.dy == -dy);
      CHECK(est.distance == Approx(0.0).margin(1e-4));
    }
}

TEST_CASE("ink pushed out of the window counts: a blank canonical image never beats the true shape") {
  std::mt19937 rng(4);
  std::vector<float> digit(S * S, 0.f);
  for (int y = 2; y < 30; ++y)
    for (int x = 6; x < 26; ++x) digit[y * S + x] = (x + y) % 3 ? 0.9f : 0.f;
  std::vector<float> shifted(S * S), blank(S * S, 0.f);
  tiae::shift_image(digit.data(), shifted.data(), S, 1, 8, 8);  // loses ink off the window
  const auto with_shape = tiae::estimate_shift(digit.data(), shifted.data(), S, 1, M);
  const auto with_blank = tiae::estimate_shift(blank.data(), shifted.data(), S, 1, M);
  CHECK(with_shape.distance < with_blank.distance);
}

TEST_CASE("NaN or infinity in either image is refused, not answered with the first shift") {
  std::mt19937 rng(5);
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    auto canon = random_image(rng), input = random_image(rng);
    INFO("value " << bad);
    input[17 * S + 5] = bad;
    CHECK_THROWS_AS(tiae::estimate_shift(canon.data(), input.data(), S, 1, M), std::invalid_argument);
    CHECK_THROWS_WITH(tiae::estimate_shift(canon.data(), input.data(), S, 1, M), Catch::Contains("the input image"));
    CHECK_THROWS_WITH(tiae::restoration_distances(canon.data(), input.data(), S, 1, M), Catch::Contains("index 549"));
    std::swap(canon, input);
    CHECK_THROWS_WITH(tiae::estimate_shift(canon.data(), input.data(), S, 1, M), Catch::Contains("the canonical image"));
  }
  // The last value of the second channel is read too.
  auto canon = random_image(rng, 2), input = random_image(rng, 2);
  input.back() = NAN;
  CHECK_THROWS_AS(tiae::estimate_shift(canon.data(), input.data(), S, 2, M), std::invalid_argument);
}

TEST_CASE("the shift search refuses sizes it cannot index") {
  std::vector<float> img(size_t(S) * S, 0.f);
  for (const auto& [size, channels, shift] : {std::tuple{0, 1, 0}, {S, 0, M}, {S, 1, -1}, {S, 1, S + 1}, {4097, 1, 8}, {S, 65, M}})
    CHECK_THROWS_AS(tiae::estimate_shift(img.data(), img.data(), size, channels, shift), std::invalid_argument);
  CHECK(tiae::estimate_shift(img.data(), img.data(), S, 1, 0).dx == 0);  // no shifts: the one candidate
}
