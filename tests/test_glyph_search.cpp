// The pieces of the glyph-size search (shared/glyph_search.h) against their definitions
// written out: a geometric series, the crop's rescaled area, row-by-row copying, counting,
// and the coarse-to-fine search against the exhaustive one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "glyph_search.h"

TEST_CASE("glyph size candidates: 12 px times powers of 1.25, up to an eighth of the shorter side") {
  const auto sizes = tiae::glyph_size_candidates(800, 600);
  REQUIRE(sizes.size() == 9);  // 12 x 1.25^8 = 71.5 <= 600 / 8 < 12 x 1.25^9
  for (size_t k = 0; k < sizes.size(); ++k) CHECK(sizes[k] == Approx(12 * std::pow(1.25, double(k))));
  CHECK(sizes.back() <= 600 / 8.0);
  CHECK(sizes.back() * 1.25 > 600 / 8.0);
  CHECK(tiae::glyph_size_candidates(30, 20) == std::vector<double>{12});  // a tiny image: the smallest only
}

TEST_CASE("the search crop: centred, the image's aspect, at most kSearchPixels once rescaled, the whole image when small") {
  for (const double g : {12.0, 23.4, 57.2, 150.0}) {
    const auto box = tiae::search_crop(4000, 3000, g, 20);
    const double scale = 20 / g;
    CHECK(box.width * scale * box.height * scale <= tiae::kSearchPixels * 1.01);
    CHECK(box.width * scale * box.height * scale >= tiae::kSearchPixels * 0.98);
    CHECK(std::abs(double(box.width) / box.height - 4.0 / 3.0) < 0.01);
    CHECK(std::abs(box.x - (4000 - box.width) / 2) <= 1);
    CHECK(std::abs(box.y - (3000 - box.height) / 2) <= 1);
  }
  const auto whole = tiae::search_crop(300, 200, 40, 20);  // 150x100 once rescaled
  CHECK(whole.x == 0);
  CHECK(whole.y == 0);
  CHECK(whole.width == 300);
  CHECK(whole.height == 200);
}

TEST_CASE("crop_planes copies the box of each plane, pixel by pixel") {
  const int w = 9, h = 7, channels = 3;
  std::vector<float> planes(size_t(w) * h * channels);
  for (size_t i = 0; i < planes.size(); ++i) planes[i] = float(i);
  const tiae::CropBox box{2, 3, 4, 2};
  const auto out = tiae::crop_planes(planes, w, h, channels, box);
  REQUIRE(out.size() == size_t(box.width) * box.height * channels);
  for (int c = 0; c < channels; ++c)
    for (int y = 0; y < box.height; ++y)
      for (int x = 0; x < box.width; ++x)
        CHECK(out[(size_t(c) * box.height + y) * box.width + x] == planes[(size_t(c) * h + box.y + y) * w + box.x + x]);
}

TEST_CASE("ink decidedness: pixels surely ink over pixels in between, counted one by one") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> values(5000);
  long sure = 0, unsure = 0;
  for (auto& v : values) {
    v = u(rng);
    sure += v >= tiae::kSureInk;
    unsure += v >= tiae::kUnsureInk && v < tiae::kSureInk;
  }
  CHECK(tiae::ink_decidedness(values) == Approx(double(sure) / double(unsure)));
  CHECK(tiae::ink_decidedness(std::vector<float>(10, 0.f)) == 0);
  CHECK(tiae::ink_decidedness(std::vector<float>(10, 1.f)) == 10);  // nothing in between: counted as 1
}

TEST_CASE("search_candidates: on single-peaked scores, the exhaustive search's choice with about half the runs") {
  std::mt19937 rng(5);
  for (int n = 1; n <= 17; ++n)
    for (int trial = 0; trial < 40; ++trial) {
      // rising to a peak at a random candidate, then falling, by random positive steps
      const int peak = std::uniform_int_distribution<int>(0, n - 1)(rng);
      std::uniform_real_distribution<double> step(0.01, 1.0);
      std::vector<double> scores(n);
      scores[peak] = 10;
      for (int k = peak - 1; k >= 0; --k) scores[k] = scores[k + 1] - step(rng);
      for (int k = peak + 1; k < n; ++k) scores[k] = scores[k - 1] - step(rng);
      std::vector<int> tried;
      const int chosen = tiae::search_candidates(n, [&](int k) { tried.push_back(k); return scores[k]; });
      INFO("n " << n << " peak " << peak);
      CHECK(chosen == int(std::max_element(scores.begin(), scores.end()) - scores.begin()));
      CHECK(int(tried.size()) <= (n + 1) / 2 + 2);
      CHECK(std::set<int>(tried.begin(), tried.end()).size() == tried.size());  // none tried twice
    }
}

TEST_CASE("search_candidates: with two peaks, the best of the sizes it tried") {
  const std::vector<double> scores = {1, 5, 2, 1, 0, 3, 9, 2};  // the best, 9, at 6 is tried; the 5 at 1 is not
  std::vector<int> tried;
  CHECK(tiae::search_candidates(8, [&](int k) { tried.push_back(k); return scores[k]; }) == 6);
  CHECK(tried == std::vector<int>{0, 2, 4, 6, 5, 7});
}
