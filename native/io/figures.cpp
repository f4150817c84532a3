#include "io/figures.h"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "hand_model.h"
#include "io/image_file.h"

namespace tiae {
namespace {
const cv::Scalar kTab10[10] = {{180, 119, 31}, {14, 127, 255}, {44, 160, 44},  {40, 39, 214},   {189, 103, 148},
                               {75, 86, 140},  {194, 119, 227}, {127, 127, 127}, {34, 189, 188}, {207, 190, 23}};
const cv::Scalar kWhite(255, 255, 255), kBlack(0, 0, 0);

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = 0.45, cv::Scalar colour = kBlack) {
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv::LINE_AA);
}

void save(const std::string& path, const cv::Mat& img) { write_encoded_image(path, img); }
}  // namespace

// An image of 1 or 2 planes as 8-bit BGR (see write_image_grid).
cv::Mat to_bgr(const float* planes, int size, int channels) {
  cv::Mat bgr(size, size, CV_8UC3);
  const size_t plane = size_t(size) * size;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const size_t i = size_t(y) * size + x;
      const float a = std::clamp(planes[i], 0.f, 1.f), b = channels > 1 ? std::clamp(planes[plane + i], 0.f, 1.f) : a;
      bgr.at<cv::Vec3b>(y, x) = channels > 1 ? cv::Vec3b(cv::saturate_cast<uint8_t>(30 * a + 255 * b),
                                                         cv::saturate_cast<uint8_t>(140 * a + 120 * b),
                                                         cv::saturate_cast<uint8_t>(255 * a + 40 * b))
                                             : cv::Vec3b(uint8_t(255 * a), uint8_t(255 * a), uint8_t(255 * a));
    }
  return bgr;
}

void write_image_grid(const std::string& path, const std::string& title, const std::vector<ImageRow>& rows, int size,
                      int scale, int channels) {
  const int cell = size * scale, gap = 4, label_w = 150, caption_h = 16, title_h = 28;
  size_t cols = 0;
  bool captions = false;
  for (const auto& r : rows) cols = std::max(cols, r.images.size()), captions |= !r.captions.empty();
  const int row_h = cell + gap + (captions ? caption_h : 0);
  cv::Mat canvas(title_h + int(rows.size()) * row_h + gap, label_w + int(cols) * (cell + gap) + gap, CV_8UC3, kWhite);
  text(canvas, title, {8, 19}, 0.55);
  for (size_t r = 0; r < rows.size(); ++r) {
    const int y0 = title_h + int(r) * row_h;
    text(canvas, rows[r].label, {6, y0 + cell / 2 + 5}, 0.4);
    for (size_t c = 0; c < rows[r].images.size(); ++c) {
      cv::Mat bgr;
      cv::resize(to_bgr(rows[r].images[c], size, channels), bgr, {cell, cell}, 0, 0, cv::INTER_NEAREST);
      const int x0 = label_w + int(c) * (cell + gap);
      bgr.copyTo(canvas(cv::Rect(x0, y0, cell, cell)));
      if (c < rows[r].captions.size()) text(canvas, rows[r].captions[c], {x0 + 2, y0 + cell + 13}, 0.38);
    }
  }
  save(path, canvas);
}

void write_scatter(const std::string& path, const std::string& title, const std::vector<float>& xy,
                   const std::vector<int>& labels, const std::vector<std::string>& names) {
  const int w = 640, h = 560, margin = 40, legend_w = names.empty() ? 70 : 150;
  cv::Mat canvas(h, w + legend_w, CV_8UC3, kWhite);
  float x_lo = 1e30f, x_hi = -1e30f, y_lo = 1e30f, y_hi = -1e30f;
  for (size_t i = 0; i < labels.size(); ++i) {
    x_lo = std::min(x_lo, xy[2 * i]), x_hi = std::max(x_hi, xy[2 * i]);
    y_lo = std::min(y_lo, xy[2 * i + 1]), y_hi = std::max(y_hi, xy[2 * i + 1]);
  }
  const float sx = (w - 2 * margin) / std::max(1e-6f, x_hi - x_lo), sy = (h - 2 * margin) / std::max(1e-6f, y_hi - y_lo);
  cv::rectangle(canvas, {margin / 2, margin / 2}, {w - margin / 2, h - margin / 2}, {200, 200, 200});
  for (size_t i = 0; i < labels.size(); ++i) {
    const cv::Point p(margin + int((xy[2 * i] - x_lo) * sx), h - margin - int((xy[2 * i + 1] - y_lo) * sy));
    cv::circle(canvas, p, 3, kTab10[labels[i] % 10], cv::FILLED, cv::LINE_AA);
  }
  text(canvas, title, {margin / 2, 15}, 0.5);
  text(canvas, "PCA axis 1", {w / 2 - 40, h - 6}, 0.4, {90, 90, 90});
  for (int d = 0; d < (names.empty() ? 10 : std::min(10, int(names.size()))); ++d) {
    cv::circle(canvas, {w + 12, 60 + 24 * d}, 6, kTab10[d], cv::FILLED, cv::LINE_AA);
    text(canvas, names.empty() ? "digit " + std::to_string(d) : names[size_t(d)], {w + 22, 65 + 24 * d}, 0.4);
  }
  save(path, canvas);
}

std::vector<float> draw_robot_hand(const float* angles_deg, int side) {
  cv::Mat img(side, side, CV_32F, cv::Scalar(0));
  const auto at = [side](float x, float y) { return cv::Point(int(std::lround(x * side * 16)), int(std::lround(y * side * 16))); };
  for (const auto& l : robot_hand_drawing(angles_deg)) {
    const double level = 1 - 0.6 * l.depth;  // nearer is brighter
    cv::line(img, at(l.x0, l.y0), at(l.x1, l.y1), cv::Scalar(level), std::max(1, int(std::lround(l.width * side))), cv::LINE_AA, 4);
    if (l.joint_dot)
      cv::circle(img, at(l.x1, l.y1), int(std::lround(l.width * side * 16 * 0.75)), cv::Scalar(std::min(1.0, level + 0.2)), cv::FILLED,
                 cv::LINE_AA, 4);
  }
  return {img.begin<float>(), img.end<float>()};
}

void write_picture_rows(const std::string& path, const std::string& title, const std::vector<std::vector<Picture>>& rows,
                        int height) {
  const int gap = 6, caption_h = 18, title_h = 28, row_h = caption_h + height + gap;
  int width = 0;
  for (const auto& row : rows) {
    int w = gap;
    for (const auto& p : row) w += int(std::lround(double(p.width) * height / p.height)) + gap;
    width = std::max(width, w);
  }
  cv::Mat canvas(title_h + int(rows.size()) * row_h, std::max(width, 400), CV_8UC3, kWhite);
  text(canvas, title, {8, 19}, 0.55);
  for (size_t r = 0; r < rows.size(); ++r) {
    int x = gap;
    const int y = title_h + int(r) * row_h;
    for (const auto& p : rows[r]) {
      const int w = int(std::lround(double(p.width) * height / p.height));
      cv::Mat img(p.height, p.width, CV_32F, const_cast<float*>(p.values)), small, grey, bgr;
      cv::resize(img, small, {w, height}, 0, 0, cv::INTER_AREA);
      small.convertTo(grey, CV_8U, 255.0);
      cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
      bgr.copyTo(canvas(cv::Rect(x, y + caption_h, w, height)));
      text(canvas, p.caption, {x, y + caption_h - 5}, 0.4);
      x += w + gap;
    }
  }
  save(path, canvas);
}

}  // namespace tiae
