#include "data/page_clutter.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace tiae {

namespace {

struct Pen {
  cv::Mat& mask;  // float coverage in [0, 1], drawn at 1
  int width;
  void line(cv::Point2d a, cv::Point2d b) const { cv::line(mask, a, b, cv::Scalar(1), width, cv::LINE_AA); }
};

double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

// Parallel lines at `angle` (radians), `spacing` px apart, across a w x h page and beyond.
void parallel_lines(const Pen& pen, int w, int h, double angle, double spacing, double phase) {
  const double reach = std::hypot(w, h);
  const cv::Point2d centre(w / 2.0, h / 2.0), along(std::cos(angle), std::sin(angle)), across(-along.y, along.x);
  for (double t = -reach / 2 + phase; t < reach / 2; t += spacing)
    pen.line(centre + across * t - along * reach, centre + across * t + along * reach);
}

// Courses of bricks (or tiles when the joints line up): horizontal joints `course` apart,
// vertical ones every `length`, shifted by half a brick on every other course.
void bricks(const Pen& pen, int w, int h, double course, double length, bool staggered) {
  for (int row = 0; row * course < h + course; ++row) {
    const double y = row * course;
    pen.line({-1.0, y}, {w + 1.0, y});
    const double offset = staggered && row % 2 ? length / 2 : 0;
    for (double x = offset - length; x < w + length; x += length) pen.line({x, y}, {x, y + course});
  }
}

// A lattice tower: two uprights `width` apart with crossed braces, from top to bottom.
void lattice_tower(const Pen& pen, int h, double left, double width) {
  pen.line({left, -1.0}, {left, h + 1.0});
  pen.line({left + width, -1.0}, {left + width, h + 1.0});
  for (double y = 0; y < h; y += width) {
    pen.line({left, y}, {left + width, y + width});
    pen.line({left + width, y}, {left, y + width});
    pen.line({left, y}, {left + width, y});
  }
}

// Long wires and edges: straight lines and circular arcs through the page.
void wires(const Pen& pen, int w, int h, std::mt19937_64& rng) {
  for (int k = 2 + int(rng() % 7); k > 0; --k) {
    const cv::Point2d a(uniform(rng, 0, w), uniform(rng, 0, h));
    const double angle = uniform(rng, 0, CV_PI);
    if (rng() % 3) {
      const cv::Point2d d(std::cos(angle) * (w + h), std::sin(angle) * (w + h));
      pen.line(a - d, a + d);
    } else {
      const int r = int(uniform(rng, 0.5, 2) * std::max(w, h));
      cv::ellipse(pen.mask, a, {r, r}, angle * 180 / CV_PI, 0, uniform(rng, 30, 120), cv::Scalar(1), pen.width, cv::LINE_AA);
    }
  }
}

// Rings (concentric or scattered) and star bursts of light (rays from a point).
void rings_and_bursts(const Pen& pen, int w, int h, double glyph, std::mt19937_64& rng) {
  const bool bursts = rng() & 1;
  for (int k = 1 + int(rng() % 5); k > 0; --k) {
    const cv::Point2d c(uniform(rng, 0, w), uniform(rng, 0, h));
    if (bursts) {
      const int rays = 4 + int(rng() % 6);
      const double length = glyph * uniform(rng, 0.5, 2.5), turn = uniform(rng, 0, CV_PI);
      for (int r = 0; r < rays; ++r) {
        const double a = turn + 2 * CV_PI * r / rays;
        pen.line(c, c + cv::Point2d(std::cos(a), std::sin(a)) * length);
      }
    } else {
      const double step = glyph * uniform(rng, 0.4, 2);
      for (int ring = 1 + int(rng() % 4); ring > 0; --ring)
        cv::circle(pen.mask, c, int(step * ring), cv::Scalar(1), pen.width, cv::LINE_AA);
    }
  }
}

void draw_structure(const Pen& pen, int w, int h, double glyph, std::mt19937_64& rng) {
  const double spacing = glyph * uniform(rng, 1, 5);
  switch (rng() % 6) {
    case 0: bricks(pen, w, h, spacing, spacing * uniform(rng, 1.5, 4), rng() % 4 != 0); break;
    case 1: {  // a grid, square or slanted like a lattice
      const double angle = uniform(rng, 0, CV_PI), between = rng() & 1 ? CV_PI / 2 : uniform(rng, 0.5, 1.3);
      parallel_lines(pen, w, h, angle, spacing, uniform(rng, 0, spacing));
      parallel_lines(pen, w, h, angle + between, spacing * uniform(rng, 0.7, 1.4), uniform(rng, 0, spacing));
      break;
    }
    case 2:
      for (int k = 1 + int(rng() % 2); k > 0; --k) lattice_tower(pen, h, uniform(rng, -spacing / 2, w), spacing);
      break;
    case 3: parallel_lines(pen, w, h, uniform(rng, 0, CV_PI), spacing, uniform(rng, 0, spacing)); break;
    case 4: wires(pen, w, h, rng); break;
    default: rings_and_bursts(pen, w, h, glyph, rng);
  }
}

// A random perspective of the w x h page: each corner moved by up to a sixth of the side.
cv::Mat random_perspective(int w, int h, std::mt19937_64& rng) {
  const cv::Point2f from[] = {{0, 0}, {float(w), 0}, {float(w), float(h)}, {0, float(h)}};
  cv::Point2f to[4];
  for (int k = 0; k < 4; ++k)
    to[k] = from[k] + cv::Point2f(float(uniform(rng, -w / 6.0, w / 6.0)), float(uniform(rng, -h / 6.0, h / 6.0)));
  return cv::getPerspectiveTransform(from, to);
}

}  // namespace

void add_clutter(cv::Mat& paper, double glyph, std::mt19937_64& rng) {
  const int w = paper.cols, h = paper.rows;
  cv::Mat mask = cv::Mat::zeros(h, w, CV_32F);
  const Pen pen{mask, std::max(1, int(std::lround(uniform(rng, 0.04, 0.25) * glyph)))};
  draw_structure(pen, w, h, glyph, rng);
  cv::warpPerspective(mask, mask, random_perspective(w, h, rng), mask.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
  if (rng() % 3 == 0) {  // over a part of the page only
    cv::Mat part = cv::Mat::zeros(h, w, CV_32F);
    const int pw = int(uniform(rng, 0.3, 0.8) * w), ph = int(uniform(rng, 0.3, 0.8) * h);
    part(cv::Rect(int(rng() % uint64_t(w - pw + 1)), int(rng() % uint64_t(h - ph + 1)), pw, ph)).setTo(1);
    mask = mask.mul(part);
  }
  // A dark or a light colour of any hue, solid or half-seen.
  const bool dark = rng() & 1;
  const auto luma = [](const cv::Vec3f& bgr) { return 0.114f * bgr[0] + 0.587f * bgr[1] + 0.299f * bgr[2]; };
  cv::Vec3f colour;
  do colour = cv::Vec3f(float(uniform(rng, 0, 1)), float(uniform(rng, 0, 1)), float(uniform(rng, 0, 1)));
  while (dark ? luma(colour) > 0.35f : luma(colour) < 0.65f);
  const float opacity = float(uniform(rng, 0.5, 1));
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      const float a = mask.at<float>(r, c) * opacity;
      auto& p = paper.at<cv::Vec3f>(r, c);
      p = (1 - a) * p + a * colour;
    }
}

}  // namespace tiae
