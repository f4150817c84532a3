// Transformation-invariant k-means (native/evaluate/transform_kmeans.h): its warp against
// OpenCV's warpAffine, its stroke widths against OpenCV's dilate and erode, its fast fit
// against the brute-force loop over every template, the card's k-means when the grid holds
// only the identity, and shapes found again whatever their turn.
#include "evaluate/transform_kmeans.h"
#include "evaluate/metrics.h"
#include "model/kmeans.h"
#ifdef TIAE_HAVE_OPENCV
#include <opencv2/imgproc.hpp>
#endif
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

namespace {
constexpr int S = 32;

torch::Tensor speckles(int n, int64_t seed) {
  torch::manual_seed(seed);
  return torch::rand({n, 1, S, S}) * (torch::rand({n, 1, S, S}) < 0.25);
}

std::vector<float> floats(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// A line of width about 2 px from (x0, y0) to (x1, y1), added into `image` (S x S).
void draw_line(std::vector<float>& image, double x0, double y0, double x1, double y1) {
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S; ++x) {
      const double dx = x1 - x0, dy = y1 - y0, t = std::clamp(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
      const double d = std::hypot(x - x0 - t * dx, y - y0 - t * dy);
      image[size_t(y) * S + x] = std::max(image[size_t(y) * S + x], float(std::clamp(1.5 - d, 0.0, 1.0)));
    }
}
}  // namespace

#ifdef TIAE_HAVE_OPENCV
TEST_CASE("the k-means warp is OpenCV's warpAffine about the centre, within its fixed-point weights") {
  tiae::TransformKmeansGrid grid;
  const auto maps = tiae::grid_matrices(grid);
  REQUIRE(maps.size(0) == 5 * 3 * 5 * 3);
  const auto images = speckles(4, 1);
  const std::vector<int64_t> picks = {0, 37, 112, 224};
  const auto chosen = maps.index_select(0, torch::tensor(picks));
  const auto warped = tiae::warp_images(images, chosen);
  const double c = (S - 1) / 2.0;
  for (int i = 0; i < 4; ++i) {
    const auto inv = torch::linalg::inv(chosen[i]).to(torch::kFloat64);
    const double a = inv[0][0].item<double>(), b = inv[0][1].item<double>(), d = inv[1][0].item<double>(), e = inv[1][1].item<double>();
    // out(q) = in(c + A^-1 (q - c)): warpAffine's inverse map
    const cv::Mat map = (cv::Mat_<double>(2, 3) << a, b, c - a * c - b * c, d, e, c - d * c - e * c);
    const auto src = floats(images[i]);
    cv::Mat out;
    cv::warpAffine(cv::Mat(S, S, CV_32F, const_cast<float*>(src.data())), out, map, cv::Size(S, S),
                   cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, 0);
    const auto ours = floats(warped[i]);
    for (int y = 0; y < S; ++y)
      for (int x = 0; x < S; ++x) REQUIRE(ours[size_t(y) * S + x] == Approx(out.at<float>(y, x)).margin(1.0 / 32 + 1e-3));
  }
}

TEST_CASE("stroke widths are OpenCV's dilate and erode over a 2 x 2 window, anchored as the textbook pair") {
  const auto images = speckles(2, 2);
  const cv::Mat kernel = cv::Mat::ones(2, 2, CV_8U);
  for (int step : {-1, 1}) {
    const auto ours = tiae::stroke_width(images, step);
    for (int i = 0; i < 2; ++i) {
      const auto src = floats(images[i]), got = floats(ours[i]);
      cv::Mat out;
      const cv::Mat in(S, S, CV_32F, const_cast<float*>(src.data()));
      // dilation reads (x - 1, y - 1) to (x, y), erosion (x, y) to (x + 1, y + 1)
      step > 0 ? cv::dilate(in, out, kernel, {1, 1}, 1, cv::BORDER_REPLICATE) : cv::erode(in, out, kernel, {0, 0}, 1, cv::BORDER_REPLICATE);
      for (int y = 0; y < S; ++y)
        for (int x = 0; x < S; ++x) REQUIRE(got[size_t(y) * S + x] == out.at<float>(y, x));
    }
  }
  CHECK(torch::equal(tiae::stroke_width(images, 0), images));
}
#endif

TEST_CASE("the fast fit is the brute-force minimum over every template, with and without the ink's gain") {
  tiae::TransformKmeansGrid grid;
  grid.angles = {-20, 0, 20}, grid.scales = {0.9, 1.1}, grid.slants = {0, 0.3}, grid.aspects = {1};
  const auto maps = tiae::grid_matrices(grid);
  const auto prototypes = speckles(2, 3), images = speckles(5, 4).flatten(1);
  const auto templates = tiae::prototype_templates(prototypes, grid, maps);
  REQUIRE(templates.size(0) == 2 * 3 * maps.size(0));
  // the templates' order: prototype, then stroke, then map
  const int64_t t = maps.size(0);
  for (int64_t k = 0; k < 2; ++k)
    for (size_t s = 0; s < grid.strokes.size(); ++s)
      for (int64_t m = 0; m < t; ++m) {
        const auto one = tiae::warp_images(tiae::stroke_width(prototypes.narrow(0, k, 1), grid.strokes[s]), maps.narrow(0, m, 1));
        REQUIRE(torch::allclose(templates[(k * int64_t(grid.strokes.size()) + int64_t(s)) * t + m], one.flatten(), 1e-6, 1e-6));
      }
  for (bool gain : {false, true}) {
    const auto [distance, index] = tiae::best_templates(images, templates, gain);
    for (int64_t i = 0; i < images.size(0); ++i) {
      const auto x = floats(images[i]);
      double best = 1e300;
      int64_t best_j = -1;
      for (int64_t j = 0; j < templates.size(0); ++j) {
        const auto tj = floats(templates[j]);
        double xt = 0, tt = 0, xx = 0;
        for (size_t p = 0; p < x.size(); ++p) xt += double(x[p]) * tj[p], tt += double(tj[p]) * tj[p], xx += double(x[p]) * x[p];
        const double g = gain ? std::max(xt, 0.0) / tt : 1.0;  // the least-squares gain, never negative
        double d = 0;
        for (size_t p = 0; p < x.size(); ++p) d += (x[p] - g * tj[p]) * (x[p] - g * tj[p]);
        if (d < best) best = d, best_j = j;
      }
      CHECK(distance[i].item<float>() == Approx(best).epsilon(1e-4));
      CHECK(index[i].item<int64_t>() == best_j);
    }
  }
}

TEST_CASE("with the identity alone, transform k-means is the card's k-means") {
  tiae::TransformKmeansGrid identity;
  identity.angles = {0}, identity.scales = {1}, identity.slants = {0}, identity.aspects = {1}, identity.strokes = {0};
  identity.gain = false;
  // three loose groups of speckled images
  const auto base = speckles(3, 5);
  torch::manual_seed(6);
  const auto images = (base.repeat({20, 1, 1, 1}) + 0.3 * torch::rand({60, 1, S, S})).contiguous();
  const auto flat = floats(images);
  const auto ours = tiae::transform_kmeans(flat, S, 3, 7, identity, 1, 20);
  const auto card = tiae::kmeans(flat, S * S, 3, 7 * 1000);
  CHECK(tiae::normalized_mutual_information(ours.clusters, card) == Approx(1.0));
}

TEST_CASE("shapes are found again whatever their turn, slant and size, where the card's k-means splits them by turn") {
  // a bar, and the same bar with a short hook at the top or a short foot: mostly the same
  // ink, told apart by a small part, each at a random turn, size and slant within the grid
  std::vector<float> images;
  std::vector<int> shapes;
  std::mt19937 rng(8);
  std::uniform_real_distribution<double> turn(-28, 28), size(0.88, 1.12), slant(-0.3, 0.3);
  for (int i = 0; i < 90; ++i) {
    const int shape = i % 3;
    const double a = turn(rng) * M_PI / 180, k = size(rng), h = slant(rng), c = (S - 1) / 2.0;
    auto at = [&](double x, double y) {  // a point of the upright shape, moved
      x = (x + h * y) * k, y *= k;
      return std::pair{c + std::cos(a) * x - std::sin(a) * y, c + std::sin(a) * x + std::cos(a) * y};
    };
    std::vector<float> image(S * S, 0.f);
    auto line = [&](double x0, double y0, double x1, double y1) {
      const auto [u0, v0] = at(x0, y0);
      const auto [u1, v1] = at(x1, y1);
      draw_line(image, u0, v0, u1, v1);
    };
    line(0, -10, 0, 10);
    if (shape == 1) line(0, -10, -6, -6);  // a 1's hook
    if (shape == 2) line(0, 10, 7, 10);    // an L's foot
    images.insert(images.end(), image.begin(), image.end());
    shapes.push_back(shape);
  }
  const double ours = tiae::normalized_mutual_information(tiae::transform_kmeans(images, S, 3, 1).clusters, shapes);
  const double card = tiae::normalized_mutual_information(tiae::kmeans(images, S * S, 3, 1), shapes);
  INFO("transform k-means " << ours << ", the card's k-means " << card);
  CHECK(ours > 0.95);
  CHECK(ours > card + 0.2);
}
