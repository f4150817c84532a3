// Backgrounds for foreground extraction: value ranges, the contrast promise of random
// appearances, photo crops taken from the photographs, and held-out photos kept apart.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <set>

#include "data/backgrounds.h"

namespace {
// One 32x32 background from `source`, every value checked to be in [0, 1].
void draw_checked(const tiae::BackgroundSource& source, std::mt19937_64& rng, std::vector<float>& bg) {
  source.draw(rng, bg.data(), 32);
  for (float v : bg) REQUIRE((v >= 0 && v <= 1));
}
}  // namespace

TEST_CASE("noise backgrounds are in [0, 1] and vary (four kinds, not one)") {
  const tiae::BackgroundSource noise("noise");
  std::mt19937_64 rng(1);
  std::vector<float> bg(1024);
  std::set<int> distinct_means;
  for (int i = 0; i < 200; ++i) {
    draw_checked(noise, rng, bg);
    double mean = 0;
    for (float v : bg) mean += v;
    distinct_means.insert(int(mean / 1024 * 20));
  }
  CHECK(distinct_means.size() >= 8);
  CHECK_THROWS_WITH(tiae::BackgroundSource("plaid"), Catch::Contains("noise"));
}

TEST_CASE("white noise has no smooth kind: neighbouring pixels are independent") {
  // Correlation of horizontally neighbouring pixels in one 32x32 background.
  auto neighbour_correlation = [](const std::vector<float>& bg) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int n = 0;
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x + 1 < 32; ++x, ++n) {
        const double a = bg[size_t(y * 32 + x)], b = bg[size_t(y * 32 + x + 1)];
        sx += a, sy += b, sxx += a * a, syy += b * b, sxy += a * b;
      }
    const double cov = sxy / n - sx / n * sy / n, va = sxx / n - sx / n * sx / n, vb = syy / n - sy / n * sy / n;
    return va > 1e-9 && vb > 1e-9 ? cov / std::sqrt(va * vb) : 0.0;
  };
  auto smooth_share = [&](const std::string& kind) {
    const tiae::BackgroundSource source(kind);
    std::mt19937_64 rng(4);
    std::vector<float> bg(1024);
    int smooth = 0;
    for (int i = 0; i < 400; ++i) {
      draw_checked(source, rng, bg);
      smooth += neighbour_correlation(bg) > 0.5;
    }
    return smooth / 400.0;
  };
  CHECK(smooth_share("white-noise") == 0);
  CHECK(smooth_share("noise") == Approx(0.25).margin(0.07));  // one kind in four
}

TEST_CASE("random appearances: both polarities, ink at least 0.3 from the paper's middle") {
  std::mt19937_64 rng(2);
  int light_ink = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto a = tiae::random_appearance(rng);
    REQUIRE(a.paper_low <= a.paper_high);
    REQUIRE(a.paper_low >= 0);
    REQUIRE(a.paper_high <= 1);
    REQUIRE((a.ink >= 0 && a.ink <= 1));
    const float middle = (a.paper_low + a.paper_high) / 2;
    REQUIRE(std::abs(a.ink - middle) >= 0.3f - 1e-6f);
    light_ink += a.ink > middle;
  }
  CHECK(light_ink > 900);
  CHECK(light_ink < 1100);
}

TEST_CASE("training and held-out photos exist and do not overlap, and photo crops are in [0, 1]") {
  const auto train = tiae::training_photos(), held = tiae::held_out_photos();
  CHECK(train.size() >= 20);
  CHECK(held.size() >= 6);
  for (const auto& h : held) CHECK(std::find(train.begin(), train.end(), h) == train.end());
#ifdef TIAE_HAVE_OPENCV
  const tiae::BackgroundSource photos("photo", held);
  std::mt19937_64 rng(3);
  std::vector<float> bg(1024);
  double spread = 0;
  for (int i = 0; i < 100; ++i) {
    draw_checked(photos, rng, bg);
    spread += *std::max_element(bg.begin(), bg.end()) - *std::min_element(bg.begin(), bg.end());
  }
  CHECK(spread / 100 > 0.1);  // crops of photographs, not flat fills
#endif
}
