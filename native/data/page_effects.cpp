#include "data/page_effects.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace tiae {

cv::Mat page_light(int w, int h, std::mt19937_64& rng) {
  const auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  cv::Mat light(h, w, CV_32F);
  const double gx = uniform(-0.5, 0.5), gy = uniform(-0.5, 0.5);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) light.at<float>(r, c) = float(0.85 + gx * (c - w / 2.0) / w + gy * (r - h / 2.0) / h);
  cv::Mat shadow = cv::Mat::zeros(h, w, CV_32F);
  cv::ellipse(shadow, {int(uniform(0, w)), int(uniform(0, h))}, {int(uniform(80, 250)), int(uniform(60, 200))}, uniform(0, 180), 0,
              360, cv::Scalar(uniform(0.3, 0.55)), -1);
  cv::GaussianBlur(shadow, shadow, {0, 0}, 30);
  return light - shadow;
}

cv::Mat photographed(cv::Mat lit, int noise_seed, std::mt19937_64& rng) {
  const auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  const double blur = uniform(0.4, 1.4);
  cv::GaussianBlur(lit, lit, {0, 0}, blur);
  cv::Mat noise(lit.rows, lit.cols, CV_32FC3);
  cv::setRNGSeed(noise_seed);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(0.02));
  lit += noise;
  cv::Mat bgr8;
  lit.convertTo(bgr8, CV_8UC3, 255.0);
  std::vector<uint8_t> jpeg;
  cv::imencode(".jpg", bgr8, jpeg, {cv::IMWRITE_JPEG_QUALITY, int(uniform(45, 85))});
  return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

}  // namespace tiae
