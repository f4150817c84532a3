#include "data/grainy_paper.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/document_effects.h"
#include "data/page_effects.h"

namespace tiae {

namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

// Zero-mean noise of standard deviation `amplitude`, correlated over `sigma` px (fibres).
cv::Mat grain(cv::Size size, double sigma, double amplitude, uint64_t seed) {
  cv::Mat noise(size, CV_32F);
  cv::RNG(seed).fill(noise, cv::RNG::NORMAL, 0, 1);
  if (sigma > 0) cv::GaussianBlur(noise, noise, {0, 0}, sigma);
  cv::Scalar mean, sd;
  cv::meanStdDev(noise, mean, sd);
  return (noise - mean[0]) * (amplitude / std::max(1e-6, sd[0]));
}

}  // namespace

std::vector<float> on_grainy_paper(const cv::Mat& ink, std::mt19937_64& rng) {
  const cv::Size size = ink.size();
  // Fibres and grain, multiplied into a paper tone; stains on top (document_effects.h).
  cv::Mat texture = 1 + grain(size, uniform(rng, 0.7, 1.5), uniform(rng, 0.03, 0.07), rng()) +
                    grain(size, 0, uniform(rng, 0.02, 0.05), rng());
  cv::Mat paper;
  cv::merge(std::vector<cv::Mat>(3, texture * uniform(rng, 0.8, 0.95)), paper);
  add_stains(paper, rng);
  // The ink lets a fraction of the paper's light through; the light falls unevenly.
  const float through = float(uniform(rng, 0.15, 0.4));
  const cv::Mat light = page_light(size.width, size.height, rng);
  cv::Mat page(size, CV_32FC3);
  for (int r = 0; r < size.height; ++r)
    for (int c = 0; c < size.width; ++c) {
      const float keep = (1 - ink.at<float>(r, c) * (1 - through)) * light.at<float>(r, c);
      page.at<cv::Vec3f>(r, c) = paper.at<cv::Vec3f>(r, c) * keep;
    }
  cv::Mat bgr8, gray;
  page.convertTo(bgr8, CV_8UC3, 255.0);
  std::vector<uint8_t> jpeg;
  cv::imencode(".jpg", bgr8, jpeg, {cv::IMWRITE_JPEG_QUALITY, int(uniform(rng, 30, 75))});
  cv::cvtColor(cv::imdecode(jpeg, cv::IMREAD_COLOR), gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray, CV_32F, 1.0 / 255);
  return {gray.begin<float>(), gray.end<float>()};
}

}  // namespace tiae
