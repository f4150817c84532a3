// The paper plane (shared/paper_plane.h) against OpenCV doing each step: cell means as
// cv::resize's area averaging, the median over a border-replicated window
// (cv::copyMakeBorder), the paper between cell centres as cv::resize's bilinear
// enlargement, the contrast scale as a sorted quantile.
#include <catch2/catch.hpp>

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "paper_plane.h"

namespace {

cv::Mat reference_plane(const cv::Mat& luma) {
  cv::Mat cells, padded, paper_cells(luma.rows / tiae::kPaperCell, luma.cols / tiae::kPaperCell, CV_32F), paper;
  cv::resize(luma, cells, paper_cells.size(), 0, 0, cv::INTER_AREA);
  const int r = tiae::kPaperWindow / 2;
  cv::copyMakeBorder(cells, padded, r, r, r, r, cv::BORDER_REPLICATE);
  for (int y = 0; y < cells.rows; ++y)
    for (int x = 0; x < cells.cols; ++x) {
      cv::Mat window = padded(cv::Rect(x, y, 2 * r + 1, 2 * r + 1)).clone().reshape(1, 1), sorted;
      cv::sort(window, sorted, cv::SORT_EVERY_ROW | cv::SORT_ASCENDING);
      paper_cells.at<float>(y, x) = sorted.at<float>(0, sorted.cols / 2);
    }
  cv::resize(paper_cells, paper, luma.size(), 0, 0, cv::INTER_LINEAR);
  const cv::Mat d = luma - paper;
  cv::Mat largest(cells.size(), CV_32F);
  for (int y = 0; y < cells.rows; ++y)
    for (int x = 0; x < cells.cols; ++x) {
      double lo, hi;
      cv::minMaxLoc(cv::abs(d(cv::Rect(x * tiae::kPaperCell, y * tiae::kPaperCell, tiae::kPaperCell, tiae::kPaperCell))), &lo, &hi);
      largest.at<float>(y, x) = float(hi);
    }
  cv::Mat sorted;
  cv::sort(largest.reshape(1, 1), sorted, cv::SORT_EVERY_ROW | cv::SORT_ASCENDING);
  const float scale = std::max(tiae::kPaperMinContrast, sorted.at<float>(0, int(std::lround(tiae::kPaperQuantile * (sorted.cols - 1)))));
  cv::Mat plane = 0.5 + 0.5 * d / scale;
  cv::min(cv::max(plane, 0.0), 1.0, plane);
  return plane;
}

}  // namespace

TEST_CASE("the paper plane equals OpenCV's area cells, replicated-border median, bilinear paper and quantile scale") {
  std::mt19937 rng(5);
  cv::Mat luma(72, 96, CV_32F);
  cv::randu(luma, 0.6, 0.9);  // paper
  cv::Mat light(72, 96, CV_32F);
  for (int y = 0; y < 72; ++y)
    for (int x = 0; x < 96; ++x) light.at<float>(y, x) = 0.7f + 0.3f * float(x) / 96;
  luma = luma.mul(light);
  for (int k = 0; k < 12; ++k)  // strokes of ink
    cv::line(luma, {int(rng() % 96), int(rng() % 72)}, {int(rng() % 96), int(rng() % 72)}, cv::Scalar(0.1), 2);
  const auto plane = tiae::paper_normalised(luma.ptr<float>(), luma.cols, luma.rows);
  const cv::Mat expected = reference_plane(luma);
  double worst = 0;
  for (int y = 0; y < luma.rows; ++y)
    for (int x = 0; x < luma.cols; ++x) worst = std::max(worst, double(std::abs(plane[size_t(y) * 96 + x] - expected.at<float>(y, x))));
  CHECK(worst < 1e-5);
  // Ink goes toward 0, the paper sits near 0.5, whatever the light.
  double ink = 0, paper = 0;
  int n_ink = 0, n_paper = 0;
  for (int y = 0; y < 72; ++y)
    for (int x = 0; x < 96; ++x)
      (luma.at<float>(y, x) < 0.2f ? (ink += plane[size_t(y) * 96 + x], ++n_ink) : (paper += plane[size_t(y) * 96 + x], ++n_paper));
  CHECK(ink / n_ink < 0.15);
  CHECK(paper / n_paper == Approx(0.5).margin(0.1));
}
