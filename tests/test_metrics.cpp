#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <set>

#include "evaluate/evaluate.h"
#include "evaluate/metrics.h"

TEST_CASE("NMI is 1 for the same partition under other names and matches a hand computation") {
  const std::vector<int> a = {0, 0, 1, 1, 2, 2}, renamed = {5, 5, 3, 3, 9, 9};
  CHECK(tiae::normalized_mutual_information(a, renamed) == Approx(1.0));
  // a = {0,0,1,1}, b = {0,1,1,1}: I = H(b) - H(b|a) = H(1/4) - 1/2 * 0 - 1/2 * H(1/2)... computed directly:
  const std::vector<int> x = {0, 0, 1, 1}, y = {0, 1, 1, 1};
  const double hx = std::log(2.0);
  const double hy = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  const double mi = 0.25 * std::log(0.25 / (0.5 * 0.25)) + 0.25 * std::log(0.25 / (0.5 * 0.75)) +
                    0.5 * std::log(0.5 / (0.5 * 0.75));
  CHECK(tiae::normalized_mutual_information(x, y) == Approx(mi / ((hx + hy) / 2)));
}

TEST_CASE("k-means separates well-separated blobs exactly (NMI 1 against the blob labels)") {
  std::mt19937 rng(3);
  std::normal_distribution<float> g(0, 0.3f);
  const int dim = 5, k = 10, per = 50;
  std::vector<float> pts;
  std::vector<int> labels;
  for (int c = 0; c < k; ++c)
    for (int i = 0; i < per; ++i) {
      for (int j = 0; j < dim; ++j) pts.push_back(float(10 * ((c >> (j % 4)) & 1) + 7 * (c == j) + 3 * c * (j == 4)) + g(rng));
      labels.push_back(c);
    }
  const auto assign = tiae::kmeans(pts, dim, k, 1);
  CHECK(tiae::normalized_mutual_information(assign, labels) == Approx(1.0));
}

// k-means++ seeds its third centre on a point already chosen (no distance left to draw by):
// that cluster was left empty, and the clustering term took its centre as the origin.
TEST_CASE("k-means gives each of its k clusters a member, and no cluster two places, with fewer distinct points than clusters") {
  const int dim = 2, k = 3;
  std::vector<float> pts;
  for (int i = 0; i < 20; ++i) pts.insert(pts.end(), {i % 2 ? 5.f : 0.f, 1.f});  // two places, ten points each
  for (const uint64_t seed : {1, 2, 3}) {
    const auto assign = tiae::kmeans(pts, dim, k, seed);
    std::vector<int> members(k, 0);
    std::vector<std::set<float>> places(k);
    for (size_t i = 0; i < assign.size(); ++i) {
      REQUIRE(assign[i] >= 0);
      REQUIRE(assign[i] < k);
      ++members[assign[i]];
      places[assign[i]].insert(pts[2 * i]);
    }
    for (int c = 0; c < k; ++c) {
      INFO("seed " << seed << ", cluster " << c);
      CHECK(members[c] >= 1);
      CHECK(places[c].size() == 1);
    }
  }
}

TEST_CASE("1-NN accuracy against a brute-force count") {
  const std::vector<float> ref = {0, 0, 10, 10, 0, 10};  // three 2-D points
  const std::vector<int> ref_labels = {1, 2, 3};
  const std::vector<float> q = {1, 1, 9, 9, 1, 9, 9, 1};
  CHECK(tiae::nearest_neighbour_accuracy(ref, ref_labels, q, {1, 2, 3, 3}, 2) == Approx(0.75));
}

TEST_CASE("PSNR and ink IoU match hand computations") {
  const std::vector<float> truth = {0, 1, 1, 0}, image = {0, 1, 0.5f, 0.6f};
  // MSE = (0 + 0 + 0.25 + 0.36) / 4
  CHECK(tiae::psnr(image.data(), truth.data(), 4) == Approx(10 * std::log10(4 / 0.61)));
  CHECK(tiae::psnr(truth.data(), truth.data(), 4) == Approx(100));
  // masks (> 0.5): image {0,1,0,1}, truth {0,1,1,0}: 1 in both, 3 in either
  CHECK(tiae::ink_iou(image.data(), truth.data(), 4) == Approx(1.0 / 3));
  const std::vector<float> blank = {0, 0, 0, 0};
  CHECK(tiae::ink_iou(blank.data(), blank.data(), 4) == 1.0);
}

TEST_CASE("invariance ratio matches a hand computation") {
  // Two 2-D descriptors of three images at shift a, and at shift b.
  const std::vector<float> a = {0, 0, 3, 4, 6, 8}, b = {0, 1, 3, 4, 6, 10};
  const std::vector<int> other = {1, 2, 0};
  // same image: |(0,-1)| = 1, 0, |(0,-2)| = 2 -> 3; other image: |(0,0)-(3,4)| = 5, |(3,4)-(6,8)| = 5, 10 -> 20
  CHECK(tiae::invariance_ratio(a, b, other, 2) == Approx(3.0 / 20.0));
  CHECK(tiae::invariance_ratio(a, a, other, 2) == 0);
  CHECK_THROWS(tiae::invariance_ratio(a, {0, 0}, other, 2));
}

TEST_CASE("shift consistency counts the estimates that moved by the applied shift, within 1 px") {
  // theta_hat(T_a I) = theta_hat(I) - a: image 0 moved exactly, image 1 by 1 px off on x
  // (within tolerance), image 2 by 2 px off on y, image 3 the wrong sign.
  const std::vector<int64_t> shift_a = {0, 0, 2, 2, -3, 1, 4, 0}, shift_b = {3, -1, 2, 2, -3, 1, 0, 0};
  const std::vector<int64_t> est_b = {1, 1, 0, 0, 5, 5, 0, 0};
  const std::vector<int64_t> est_a = {1 + 3, 1 - 1, 0 + 1, 0, 5, 5 + 2, 0 + 4, 0};
  CHECK(tiae::shift_consistency(est_a, est_b, shift_a, shift_b) == Approx(2.0 / 4.0));
  CHECK(tiae::shift_consistency(est_a, est_b, shift_a, shift_b, 0) == Approx(1.0 / 4.0));
  CHECK(tiae::shift_consistency(est_a, est_b, shift_a, shift_b, 2) == Approx(3.0 / 4.0));
}

TEST_CASE("ink IoU thresholds strictly above 0.5 and counts over the whole image") {
  // A 4x4 "flyer": truth ink in the top-left 2x2; the output covers it and one pixel more,
  // and has one pixel at exactly 0.5 (not ink).
  std::vector<float> truth(16, 0), out(16, 0.1f);
  for (int i : {0, 1, 4, 5}) truth[size_t(i)] = 1, out[size_t(i)] = 0.9f;
  out[2] = 0.7f;
  out[10] = 0.5f;
  CHECK(tiae::ink_iou(out.data(), truth.data(), 16) == Approx(4.0 / 5.0));
  // PSNR: squared errors 4 x 0.01 + 0.49 + 0.25 + 10 x 0.01 over 16 pixels
  CHECK(tiae::psnr(out.data(), truth.data(), 16) == Approx(10 * std::log10(16 / (0.04 + 0.49 + 0.25 + 0.10))));
}

TEST_CASE("binarization scores are DIBCO's F-measure, the ink IoU and the masks' PSNR, as computed by hand") {
  // truth 4 ink pixels of 10; the binarization finds 3 of them and 2 more: TP 3, FP 2, FN 1.
  const std::vector<float> truth = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, found = {1, 1, 1, 0, 1, 1, 0, 0, 0, 0};
  const auto s = tiae::binarization_scores(found.data(), truth.data(), truth.size());
  const double precision = 3.0 / 5, recall = 3.0 / 4;
  CHECK(s.fm == Approx(100 * 2 * precision * recall / (precision + recall)));
  CHECK(s.iou == Approx(3.0 / 6));
  CHECK(s.psnr == Approx(10 * std::log10(1 / 0.3)));
  const auto same = tiae::binarization_scores(truth.data(), truth.data(), truth.size());
  CHECK(same.fm == Approx(100));
  CHECK(same.psnr == Approx(100));
  const std::vector<float> none(10, 0.f);  // finds nothing: precision and recall 0
  CHECK(tiae::binarization_scores(none.data(), truth.data(), truth.size()).fm == 0);
}

TEST_CASE("1-NN leaving each one out never answers with the query's own copy") {
  // two copies of three points: with leave_one_out each finds the other copy's label only
  // through the others; the copies' labels differ, so accuracy counts the true neighbours
  const std::vector<float> points = {0, 0, 10, 10, 0.1f, 0.1f};
  const std::vector<int> labels = {0, 1, 0};
  CHECK(tiae::nearest_neighbour_accuracy(points, labels, points, labels, 2) == Approx(1.0));
  CHECK(tiae::nearest_neighbour_accuracy(points, labels, points, labels, 2, true) == Approx(2.0 / 3));
}

TEST_CASE("transform consistency: estimates that compose with the placements to one transform agree, others do not") {
  // placement a: turn 20 degrees, scale 1.1, shift (3, -2); estimate e: turn -20, scale 1/1.1 and
  // the shift that undoes a: e a = identity. Placement b the identity, estimate the identity.
  const double t = -20 * M_PI / 180, s = 1 / 1.1;
  const double ex = -s * (std::cos(t) * 3 + std::sin(t) * -2), ey = -s * (-std::sin(t) * 3 + std::cos(t) * -2);
  const std::vector<tiae::Placement> a = {{3, -2, 20, 1.1}}, e = {{ex, ey, -20, s}}, id = {{0, 0, 0, 1}};
  CHECK(tiae::transform_consistency(e, id, a, id, 5, 1.05, 1) == Approx(1));
  const std::vector<tiae::Placement> off_angle = {{ex, ey, -10, s}}, off_shift = {{ex + 3, ey, -20, s}}, off_scale = {{ex, ey, -20, 1}};
  CHECK(tiae::transform_consistency(off_angle, id, a, id, 5, 1.05, 1) == Approx(0));
  CHECK(tiae::transform_consistency(off_shift, id, a, id, 5, 1.05, 1) == Approx(0));
  CHECK(tiae::transform_consistency(off_scale, id, a, id, 5, 1.05, 1) == Approx(0));
}

TEST_CASE("eval's protocol turns and scales the digits as the first model was trained, unless told otherwise") {
  tiae::TrainConfig affine, shifts;
  affine.max_rotation = 30, affine.max_scale = 1.25;
  const tiae::EvalOptions untold;
  CHECK(tiae::protocol_turns(untold, affine).max_rotation == 30);
  CHECK(tiae::protocol_turns(untold, affine).max_scale == 1.25);
  CHECK(tiae::protocol_turns(untold, shifts).max_rotation == 0);  // a shift model: shifts alone, as before
  CHECK(tiae::protocol_turns(untold, shifts).max_scale == 1);
  tiae::EvalOptions told;
  told.max_rotation = 0, told.max_scale = 1.1;  // an affine model scored on shifts alone, or on smaller scales
  CHECK(tiae::protocol_turns(told, affine).max_rotation == 0);
  CHECK(tiae::protocol_turns(told, affine).max_scale == 1.1);
}
