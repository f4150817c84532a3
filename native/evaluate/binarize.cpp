#include "evaluate/binarize.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc.hpp>

#include <algorithm>

#include "evaluate/metrics.h"

namespace tiae {
namespace {

cv::Mat to_8bit(const std::vector<float>& gray, int width, int height) {
  cv::Mat g(height, width, CV_32F, const_cast<float*>(gray.data())), out;
  g.convertTo(out, CV_8U, 255.0);
  return out;
}

std::vector<float> to_mask(const cv::Mat& binary) {
  std::vector<float> mask(binary.total());
  for (size_t i = 0; i < mask.size(); ++i) mask[i] = binary.data[i] > 0 ? 1.f : 0.f;
  return mask;
}

}  // namespace

std::vector<float> otsu_ink(const std::vector<float>& gray, int width, int height, bool dark_ink) {
  cv::Mat binary;
  cv::threshold(to_8bit(gray, width, height), binary, 0, 255, cv::THRESH_OTSU | (dark_ink ? cv::THRESH_BINARY_INV : cv::THRESH_BINARY));
  return to_mask(binary);
}

std::vector<float> sauvola_ink(const std::vector<float>& gray, int width, int height, bool dark_ink,
                               const SauvolaParameters& p) {
  cv::Mat binary;
  // Light ink: Sauvola on the inverted image, where it is dark.
  cv::Mat g = to_8bit(gray, width, height);
  if (!dark_ink) g = 255 - g;
  cv::ximgproc::niBlackThreshold(g, binary, 255, cv::THRESH_BINARY_INV, p.window | 1, p.k, cv::ximgproc::BINARIZATION_SAUVOLA);
  return to_mask(binary);
}

namespace {
// The median height of the marks of the most consistent binarization; 0 when none.
double component_height(const std::vector<float>& gray, int width, int height) {
  double best_score = 0, result = 0;
  for (bool dark : {true, false})
    for (int window : {25, 61, 131}) {
      const auto mask = sauvola_ink(gray, width, height, dark, {window, 0.2});
      cv::Mat m(height, width, CV_8U);
      for (size_t i = 0; i < mask.size(); ++i) m.data[i] = mask[i] > 0 ? 255 : 0;
      cv::Mat labels, stats, centroids;
      const int n = cv::connectedComponentsWithStats(m, labels, stats, centroids, 8);
      std::vector<int> heights;
      for (int i = 1; i < n; ++i) {
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        if (stats.at<int>(i, cv::CC_STAT_AREA) >= 12 && h >= 8 && h <= 200 && w <= 3 * h && h <= 5 * w) heights.push_back(h);
      }
      if (heights.size() < 5) continue;
      std::nth_element(heights.begin(), heights.begin() + long(heights.size() / 2), heights.end());
      const int median = heights[heights.size() / 2];
      // Writing: many marks of about the same height (texture gives every height).
      const double score = double(std::count_if(heights.begin(), heights.end(), [&](int h) {
        return h >= 0.75 * median && h <= 1.33 * median;
      }));
      if (score > best_score) best_score = score, result = median;
    }
  return result;
}

}  // namespace

std::optional<double> estimate_glyph_size(const std::vector<float>& gray, int width, int height) {
  const double h = component_height(gray, width, height);
  if (h <= 0) return std::nullopt;
  return kGlyphPerMark * h;
}

SauvolaParameters tune_sauvola(const std::vector<Flyer>& pages) {
  SauvolaParameters best;
  double best_iou = -1;
  for (int window : {15, 25, 41, 61, 91, 131, 181})
    for (double k : {0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5}) {
      double iou = 0;
      for (const auto& f : pages) {
        const auto mask = sauvola_ink(f.image, f.width, f.height, f.dark_ink, {window, k});
        iou += ink_iou(mask.data(), f.ink.data(), mask.size()) / double(pages.size());
      }
      if (iou > best_iou) best_iou = iou, best = {window, k};
    }
  return best;
}

}  // namespace tiae
