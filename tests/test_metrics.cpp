#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "metrics.h"

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
