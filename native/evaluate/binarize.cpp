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
