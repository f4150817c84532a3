#include "data/document_effects.h"

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace tiae {

namespace {
double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

// Points on the Catmull-Rom curve through `keys`, `per` a segment.
std::vector<cv::Point> catmull_rom(const std::vector<cv::Point2d>& keys, int per) {
  std::vector<cv::Point> out;
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    const auto& p0 = keys[i ? i - 1 : 0];
    const auto& p1 = keys[i];
    const auto& p2 = keys[i + 1];
    const auto& p3 = keys[std::min(i + 2, keys.size() - 1)];
    for (int k = 0; k < per; ++k) {
      const double t = double(k) / per, t2 = t * t, t3 = t2 * t;
      const cv::Point2d q = 0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t3);
      out.push_back(cv::Point(int(std::lround(q.x * 4)), int(std::lround(q.y * 4))));  // 2 bits of subpixel
    }
  }
  return out;
}

// One word's pen path from x along `baseline`: per letter a rounded stroke up to the
// x-height and down (an arch or a bowl), now and then an ascender, a descender or a loop.
std::vector<cv::Point2d> word_path(double x, double baseline, double glyph, int letters, std::mt19937_64& rng) {
  const double xheight = glyph * uniform(rng, 0.45, 0.6), slant = uniform(rng, -0.1, 0.4), width = glyph * uniform(rng, 0.35, 0.6);
  std::vector<cv::Point2d> keys = {{x, baseline}};
  const auto at = [&](double dx, double h) { keys.push_back({x + dx + slant * h, baseline - h}); };
  for (int i = 0; i < letters; ++i) {
    const double top = rng() % 5 == 0 ? glyph * uniform(rng, 0.9, 1.15) : xheight * uniform(rng, 0.8, 1.1);
    switch (rng() % 4) {
      case 0: at(0.1 * width, 0.6 * top), at(0.35 * width, top), at(0.6 * width, 0.6 * top), at(0.75 * width, 0); break;  // arch
      case 1: at(0.25 * width, 0.9 * top), at(0.05 * width, 0.5 * top), at(0.3 * width, 0), at(0.7 * width, 0.3 * top); break;  // bowl
      case 2: at(0.3 * width, top), at(0.1 * width, 0.7 * top), at(0.45 * width, 0), at(0.8 * width, 0.2 * top); break;  // loop
      default: at(0.2 * width, 0.2 * top), at(0.4 * width, -glyph * uniform(rng, 0.2, 0.45)), at(0.5 * width, 0.1 * top); break;  // descender
    }
    x += width;
  }
  return keys;
}
}  // namespace

cv::Mat cursive_ink(int w, int h, double glyph, double pen, std::mt19937_64& rng) {
  cv::Mat canvas(h, w, CV_8U, cv::Scalar(0));
  const int thickness = std::max(1, int(std::lround(pen)));
  for (double y = glyph * uniform(rng, 1, 2.5); y < h + glyph; y += glyph * uniform(rng, 1.5, 2.8)) {
    if (rng() % 7 == 0) continue;  // a blank line
    for (double x = -glyph * uniform(rng, 0, 2); x < w;) {
      const int letters = 1 + int(rng() % 8);
      const auto keys = word_path(x, y + glyph * uniform(rng, -0.1, 0.1), glyph, letters, rng);
      cv::polylines(canvas, catmull_rom(keys, 6), false, cv::Scalar(255), thickness, cv::LINE_AA, 2);
      x = keys.back().x + glyph * uniform(rng, 0.4, 1.2);
    }
  }
  cv::Mat ink;
  canvas.convertTo(ink, CV_32F, 1.0 / 255);
  return ink;
}

cv::Vec3f document_ink(std::mt19937_64& rng) {
  cv::Vec3f c;
  switch (rng() % 4) {
    case 0: c = {float(uniform(rng, 0.1, 0.35)), float(uniform(rng, 0.15, 0.4)), float(uniform(rng, 0.25, 0.55))}; break;  // brown
    case 1: c = {float(uniform(rng, 0.45, 0.8)), float(uniform(rng, 0.15, 0.45)), float(uniform(rng, 0.05, 0.3))}; break;  // blue
    case 2: c = cv::Vec3f::all(float(uniform(rng, 0.03, 0.25))); break;                                                       // black
    default: c = cv::Vec3f::all(float(uniform(rng, 0.35, 0.6))); break;                                                       // pencil
  }
  if (rng() % 3 == 0) c = cv::Vec3f::all(1) - float(uniform(rng, 0.3, 0.7)) * (cv::Vec3f::all(1) - c);  // faded
  return c;
}

void add_ruling(cv::Mat& paper, double glyph, std::mt19937_64& rng) {
  const cv::Vec3f colours[] = {{0.75f, 0.55f, 0.45f}, {0.55f, 0.55f, 0.85f}, {0.6f, 0.6f, 0.6f}};
  const cv::Vec3f line = cv::Vec3f::all(1) - float(uniform(rng, 0.15, 0.6)) * (cv::Vec3f::all(1) - colours[rng() % 3]);
  const double gap = glyph * uniform(rng, 1.5, 3), tilt = uniform(rng, -0.02, 0.02);
  const int width = 1 + int(rng() % 2);
  cv::Mat mask(paper.size(), CV_32F, cv::Scalar(0));
  for (double y = uniform(rng, 0, gap); y < paper.rows + gap; y += gap)
    cv::line(mask, {0, int(y)}, {paper.cols, int(y + tilt * paper.cols)}, cv::Scalar(1), width, cv::LINE_AA);
  if (rng() % 4 == 0)  // squared
    for (double x = uniform(rng, 0, gap); x < paper.cols; x += gap) cv::line(mask, {int(x), 0}, {int(x), paper.rows}, cv::Scalar(1), width, cv::LINE_AA);
  for (int r = 0; r < paper.rows; ++r)
    for (int c = 0; c < paper.cols; ++c) {
      const float m = std::min(1.f, mask.at<float>(r, c));
      auto& p = paper.at<cv::Vec3f>(r, c);
      for (int k = 0; k < 3; ++k) p[k] *= 1 - m * (1 - line[k]);
    }
}

void add_stains(cv::Mat& paper, std::mt19937_64& rng) {
  const int w = paper.cols, h = paper.rows;
  cv::Mat dark(h, w, CV_32F, cv::Scalar(0));
  for (int k = int(rng() % 3); k > 0; --k) {  // water stains, some with a tide line
    const cv::Point centre(int(uniform(rng, 0, w)), int(uniform(rng, 0, h)));
    const cv::Size axes(int(uniform(rng, 0.1, 0.6) * w), int(uniform(rng, 0.1, 0.6) * h));
    cv::ellipse(dark, centre, axes, uniform(rng, 0, 180), 0, 360, cv::Scalar(uniform(rng, 0.05, 0.3)), -1);
    if (rng() & 1) cv::ellipse(dark, centre, axes, uniform(rng, 0, 180), 0, 360, cv::Scalar(uniform(rng, 0.1, 0.3)), 2);
  }
  cv::GaussianBlur(dark, dark, {0, 0}, uniform(rng, 2, 12));
  for (int k = int(rng() % 40); k > 0; --k)  // foxing
    cv::circle(dark, {int(uniform(rng, 0, w)), int(uniform(rng, 0, h))}, 1 + int(rng() % 3), cv::Scalar(uniform(rng, 0.1, 0.5)), -1, cv::LINE_AA);
  const cv::Vec3f brown(0.35f, 0.55f, 0.8f);  // what a stain lets through, BGR
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      const float d = std::min(1.f, dark.at<float>(r, c));
      auto& p = paper.at<cv::Vec3f>(r, c);
      for (int k = 0; k < 3; ++k) p[k] *= 1 - d * (1 - brown[k]);
    }
}

void add_show_through(cv::Mat& paper, const cv::Mat& ink, std::mt19937_64& rng) {
  cv::Mat back;
  cv::flip(ink, back, 1);
  cv::GaussianBlur(back, back, {0, 0}, uniform(rng, 0.7, 2.5));
  const float strength = float(uniform(rng, 0.1, 0.45));
  const cv::Vec3f tone = rng() & 1 ? cv::Vec3f(0.5f, 0.5f, 0.5f) : cv::Vec3f(0.35f, 0.5f, 0.65f);
  for (int r = 0; r < paper.rows; ++r)
    for (int c = 0; c < paper.cols; ++c) {
      const float a = strength * back.at<float>(r % back.rows, c % back.cols);
      auto& p = paper.at<cv::Vec3f>(r, c);
      for (int k = 0; k < 3; ++k) p[k] *= 1 - a * (1 - tone[k]);
    }
}

cv::Mat scanned(cv::Mat page, std::mt19937_64& rng) {
  cv::GaussianBlur(page, page, {0, 0}, uniform(rng, 0.3, 0.8));
  cv::Mat noise(page.size(), CV_32FC3);
  cv::RNG(rng()).fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(uniform(rng, 0.002, 0.015)));
  page += noise;
  cv::Mat bgr8;
  page.convertTo(bgr8, CV_8UC3, 255.0);
  if (rng() & 1) return bgr8;
  std::vector<uint8_t> jpeg;
  cv::imencode(".jpg", bgr8, jpeg, {cv::IMWRITE_JPEG_QUALITY, int(uniform(rng, 70, 95))});
  return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

}  // namespace tiae
