// The drawn grasp pairs (native/data/grasp_masks.h): what the models and the evaluation
// take for granted about them, checked on the data itself.
#include <catch2/catch.hpp>
#include <cmath>

#include "data/grasp_masks.h"

namespace {

constexpr int S = tiae::GraspSet::kSize, P = S * S;

// The centre of mass of both planes, and each plane's ink.
struct Moments {
  double x = 0, y = 0, hand = 0, object = 0;
};

Moments moments(const float* pair) {
  Moments m;
  double sum = 0;
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < P; ++i) {
      const double v = pair[c * P + i];
      sum += v, m.x += v * (i % S + 0.5), m.y += v * (i / S + 0.5);
      (c == 0 ? m.hand : m.object) += v;
    }
  m.x /= sum, m.y /= sum;
  return m;
}

}  // namespace

TEST_CASE("grasp pairs: every class in each split, a hand and an object in each pair, never both on one pixel, centred") {
  const auto split = tiae::make_grasp_split(20, 10, 5);
  const int classes = int(tiae::grasp_classes().size());
  REQUIRE(classes == 8);
  for (const auto* set : {&split.train, &split.test}) {
    std::vector<int> per_class(size_t(classes), 0);
    for (int i = 0; i < set->count(); ++i) {
      ++per_class[size_t(set->labels[size_t(i)])];
      const float* pair = set->image(i);
      for (int p = 0; p < P; ++p) {
        REQUIRE(pair[p] >= 0.f);
        REQUIRE(pair[P + p] >= 0.f);
        REQUIRE(pair[p] + pair[P + p] <= 1.f + 1e-6f);  // the object's mask is what the hand leaves visible
      }
      const auto m = moments(pair);
      CHECK(m.hand > 20);    // a hand of at least 20 px
      CHECK(m.object > 5);   // and some of the object showing
      CHECK(std::abs(m.x - S / 2.0) <= 2.5);  // centred on its centre of mass, up to the 1.5 px jitter
      CHECK(std::abs(m.y - S / 2.0) <= 2.5);
    }
    for (int n : per_class) CHECK(n == set->count() / classes);
  }
}

TEST_CASE("grasp pairs: the same seed draws the same pairs, another seed and the test split other ones") {
  const auto a = tiae::make_grasp_split(5, 5, 9), b = tiae::make_grasp_split(5, 5, 9), c = tiae::make_grasp_split(5, 5, 10);
  CHECK(a.train.images == b.train.images);
  CHECK(a.test.images == b.test.images);
  CHECK(a.train.images != c.train.images);
  CHECK(a.train.labels == a.test.labels);  // both interleave the classes alike
  CHECK(a.train.images != a.test.images);
}
