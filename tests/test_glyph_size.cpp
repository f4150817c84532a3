// The core's glyph-size measurement (shared/glyph_size.h, hand-written for the wasm build)
// against the same steps done by OpenCV: Sauvola's threshold by ximgproc::niBlackThreshold
// and the marks by connectedComponentsWithStats, on the evaluation's flyers and hard pages.
#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc.hpp>

#include "data/flyers.h"
#include "glyph_size.h"

namespace {

cv::Mat to_8bit(const std::vector<float>& gray, int width, int height) {
  cv::Mat g(height, width, CV_32F, const_cast<float*>(gray.data())), out;
  g.convertTo(out, CV_8U, 255.0);
  return out;
}

// The median mark height as OpenCV's own functions give it.
double opencv_median_mark_height(const std::vector<float>& gray, int width, int height) {
  double best_score = 0, result = 0;
  for (bool dark : {true, false})
    for (int window : {25, 61, 131}) {
      cv::Mat g = to_8bit(gray, width, height), binary, labels, stats, centroids;
      if (!dark) g = 255 - g;
      cv::ximgproc::niBlackThreshold(g, binary, 255, cv::THRESH_BINARY_INV, window | 1, 0.2, cv::ximgproc::BINARIZATION_SAUVOLA);
      const int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8);
      std::vector<int> heights;
      for (int i = 1; i < n; ++i) {
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        if (stats.at<int>(i, cv::CC_STAT_AREA) >= 12 && h >= 8 && h <= 200 && w <= 3 * h && h <= 5 * w) heights.push_back(h);
      }
      if (heights.size() < 5) continue;
      std::nth_element(heights.begin(), heights.begin() + long(heights.size() / 2), heights.end());
      const int median = heights[heights.size() / 2];
      const double score = double(std::count_if(heights.begin(), heights.end(), [&](int h) {
        return h >= 0.75 * median && h <= 1.33 * median;
      }));
      if (score > best_score) best_score = score, result = median;
    }
  return result;
}

std::vector<tiae::Flyer> pages() {
  const auto digits = tiae::load_mnist_split(tiae::find_mnist_package()).test;
  auto all = tiae::make_pages(false, 0, 3, digits);
  for (auto& p : tiae::make_pages(true, 0, 3, digits)) all.push_back(std::move(p));
  return all;
}

}  // namespace

TEST_CASE("Sauvola's mask of the core is OpenCV's niBlackThreshold's, pixel for pixel but for rounding ties") {
  for (const auto& f : pages()) {
    const cv::Mat g8 = to_8bit(f.image, f.width, f.height);
    const std::vector<uint8_t> gray8(g8.datastart, g8.dataend);
    for (bool dark : {true, false})
      for (int window : {25, 131}) {
        const auto ours = tiae::sauvola_mask(gray8, f.width, f.height, window, 0.2, dark);
        cv::Mat g = dark ? g8 : cv::Mat(255 - g8), binary;
        cv::ximgproc::niBlackThreshold(g, binary, 255, cv::THRESH_BINARY_INV, window | 1, 0.2, cv::ximgproc::BINARIZATION_SAUVOLA);
        size_t differ = 0, ink = 0;
        for (size_t i = 0; i < ours.size(); ++i) differ += ours[i] != (binary.data[i] > 0), ink += ours[i];
        INFO("window " << window << (dark ? " dark" : " light") << ": " << differ << " of " << ours.size() << " differ");
        CHECK(ink > 0);
        CHECK(double(differ) <= 1e-4 * double(ours.size()));
      }
  }
}

TEST_CASE("the core's median mark height is OpenCV's on flyers and hard pages") {
  for (const auto& f : pages()) {
    const double ours = tiae::median_mark_height(f.image, f.width, f.height);
    const double theirs = opencv_median_mark_height(f.image, f.width, f.height);
    INFO("true glyph size " << f.glyph_size << ": core " << ours << ", OpenCV " << theirs);
    CHECK(ours == theirs);
  }
  CHECK(tiae::estimate_glyph_size(std::vector<float>(64 * 48, 0.9f), 64, 48) == 0);  // no writing: none
}
