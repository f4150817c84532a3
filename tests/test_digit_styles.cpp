// Digits redrawn in other hands' styles (native/model/digit_styles.h) against OpenCV's
// resize (INTER_AREA down, INTER_LINEAR up) and dilate on MNIST's own digits.
#include "model/digit_styles.h"
#include "model/terms.h"
#include "model/train_config.h"
#include "data/mnist_data.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

namespace {
constexpr int S = tiae::DigitSet::kSize;

cv::Mat as_mat(const torch::Tensor& image) {
  const auto c = image.reshape({S, S}).to(torch::kFloat32).contiguous();
  return cv::Mat(S, S, CV_32F, const_cast<float*>(c.data_ptr<float>())).clone();
}

// OpenCV's version of one restyling: thickened or not, lowered to `cells`, raised, peak 1.
cv::Mat restyled_by_opencv(const cv::Mat& digit, int cells, bool thick) {
  cv::Mat d = digit.clone(), low, back;
  if (thick) cv::dilate(digit, d, cv::Mat::ones(3, 3, CV_8U));
  cv::resize(d, low, {cells, cells}, 0, 0, cv::INTER_AREA);
  cv::resize(low, back, {S, S}, 0, 0, cv::INTER_LINEAR);
  cv::max(back, 0.f, back);
  double peak = 0;
  cv::minMaxLoc(back, nullptr, &peak);
  return back / std::max(peak, 1e-6);
}

double max_difference(const cv::Mat& a, const cv::Mat& b) { return cv::norm(a, b, cv::NORM_INF); }

torch::Tensor test_digits(int n) {
  static const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  return torch::from_blob(const_cast<float*>(split.test.images.data()), {n, 1, S, S}).clone();
}
}  // namespace

TEST_CASE("coarsening and thickening are OpenCV's resize and dilate") {
  const auto digits = test_digits(4);
  for (int i = 0; i < 4; ++i) {
    const auto image = digits[i][0];
    const cv::Mat digit = as_mat(image);
    for (int cells = 10; cells <= 24; ++cells) {
      cv::Mat low, back;
      cv::resize(digit, low, {cells, cells}, 0, 0, cv::INTER_AREA);
      cv::resize(low, back, {S, S}, 0, 0, cv::INTER_LINEAR);
      const auto m = tiae::coarsening_matrix(S, cells);
      CHECK(max_difference(as_mat(m.matmul(image).matmul(m.t())), back) < 1e-5);
    }
    cv::Mat thick;
    cv::dilate(digit, thick, cv::Mat::ones(3, 3, CV_8U));
    CHECK(max_difference(as_mat(tiae::thicken_strokes(digits.narrow(0, i, 1))), thick) == 0);
  }
}

TEST_CASE("every restyled digit is one of OpenCV's restylings of it and fraction 0 changes and draws nothing") {
  const auto digits = test_digits(12);
  std::mt19937_64 rng(5), untouched(5);
  CHECK(torch::equal(tiae::restyle_digits(digits, 0, rng), digits));
  CHECK(rng() == untouched());

  const auto out = tiae::restyle_digits(digits, 1, rng);
  int thick = 0;
  for (int i = 0; i < 12; ++i) {
    const cv::Mat got = as_mat(out[i]), digit = as_mat(digits[i]);
    CHECK(max_difference(got, digit) > 0.05);  // changed
    double best = 1e9;
    bool best_thick = false;
    for (int cells = 10; cells <= 24; ++cells)
      for (bool t : {false, true}) {
        const double d = max_difference(got, restyled_by_opencv(digit, cells, t));
        if (d < best) best = d, best_thick = t;
      }
    CHECK(best < 1e-4);
    thick += best_thick;
  }
  CHECK(thick > 0);
  CHECK(thick < 12);  // both styles drawn among 12 digits (a half each)
}

TEST_CASE("a training batch with digit_styles: every view and the target are the same restyled digit") {
  const auto digits = test_digits(6);
  tiae::TrainConfig config;
  config.views = 2, config.max_shift = 0, config.digit_styles = 1;
  std::mt19937_64 a(4), b(4);
  const auto batch = tiae::draw_batch(digits, a, config, nullptr);
  const auto restyled = tiae::restyle_digits(digits, 1, b);
  CHECK(torch::equal(batch.inputs, restyled.repeat({3, 1, 1, 1})));
  CHECK(torch::equal(batch.targets, batch.inputs));
  CHECK_FALSE(torch::allclose(restyled, digits));
}

TEST_CASE("the evaluation protocols draw the test digits as they are, whatever styles the model was trained with") {
  const auto digits = test_digits(6);
  tiae::TrainConfig styled, plain;
  styled.digit_styles = 1, styled.views = plain.views = 2;
  std::mt19937_64 a(2), b(2);
  const auto x = tiae::draw_batch(digits, a, tiae::protocol_placements(styled), nullptr).inputs;
  const auto y = tiae::draw_batch(digits, b, tiae::protocol_placements(plain), nullptr).inputs;
  CHECK(x.size(0) == 6);  // one view
  CHECK(torch::equal(x, y));
  auto restyling = tiae::protocol_placements(styled);  // the same draw with the training's styles differs
  restyling.digit_styles = 1;
  std::mt19937_64 c(2);
  CHECK_FALSE(torch::equal(tiae::draw_batch(digits, c, restyling, nullptr).inputs, x));
}

TEST_CASE("digit_styles is refused where there are no centred digits to restyle") {
  tiae::TrainConfig c;
  CHECK_THROWS_WITH(tiae::from_json({{"data", "depth"}, {"digit_styles", 0.5}}, c), Catch::Contains("digit_styles is a setting"));
  CHECK_THROWS_WITH(tiae::from_json({{"digit_styles", 1.5}}, c), Catch::Contains("digit_styles must be a number in [0, 1]"));
  tiae::TrainConfig fresh;
  tiae::from_json({{"digit_styles", 0.5}}, fresh);
  CHECK(fresh.digit_styles == 0.5);
}
