#include "data/touching_lines.h"

#include <fmt/core.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "data/flyers.h"

namespace tiae {

namespace {

constexpr float kInk = 0.3f;  // coverage that counts as ink when glyphs are set against each other

double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

// A glyph's ink and where it sits: its box's top row relative to the baseline.
struct Glyph {
  cv::Mat ink;  // CV_32F coverage
  int top = 0;
  std::string identity;
};

const char* const kPrintFonts[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
                                   "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
                                   "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                   "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"};

// Each character of `characters` in the font, capitals `cap` px high, placed on one baseline.
std::vector<Glyph> font_glyphs(const std::string& path, const std::string& characters, double cap) {
  auto font = cv::freetype::createFreeType2();
  font->loadFontData(path, 0);
  const auto draw = [&](const std::string& text, int height, cv::Rect& box) {
    const int side = 4 * height;
    cv::Mat canvas(side, side, CV_8UC3, cv::Scalar(0, 0, 0));  // putText draws on 3 channels only
    font->putText(canvas, text, {side / 4, side / 2}, height, cv::Scalar(255, 255, 255), -1, cv::LINE_AA, false);
    cv::Mat ink;
    cv::extractChannel(canvas, ink, 0);
    box = cv::boundingRect(ink);
    box.y -= side / 2;  // relative to the origin's row
    return ink;
  };
  cv::Rect h_box;
  draw("H", 100, h_box);
  const int height = int(std::lround(cap * 100 / std::max(1, h_box.height)));
  draw("H", height, h_box);
  const int baseline = h_box.y + h_box.height;  // the capital's foot, relative to the origin's row
  std::vector<Glyph> out;
  for (const char ch : characters) {
    cv::Rect box;
    const cv::Mat canvas = draw(std::string(1, ch), height, box);
    if (box.area() == 0) throw std::runtime_error(fmt::format("the font {} has no '{}'", path, ch));
    Glyph g;
    canvas(cv::Rect(box.x, box.y + 2 * height, box.width, box.height)).convertTo(g.ink, CV_32F, 1.0 / 255);
    g.top = box.y - baseline;
    g.identity = std::string(1, ch);
    out.push_back(std::move(g));
  }
  return out;
}

// An MNIST test digit scaled so that its 20 px of ink are `cap` high, its foot on the baseline.
Glyph digit_glyph(const DigitSet& digits, int i, double cap) {
  cv::Mat digit(28, 28, CV_32F), big;
  for (int r = 0; r < 28; ++r)
    for (int c = 0; c < 28; ++c) digit.at<float>(r, c) = digits.image(i)[(r + 2) * DigitSet::kSize + c + 2];
  const int side = int(std::lround(28 * cap / kMnistDigitHeight));
  cv::resize(digit, big, {side, side}, 0, 0, cv::INTER_LINEAR);
  return {big, -int(std::lround(side * 24.0 / 28)), fmt::format("digit {}", digits.labels[size_t(i)])};
}

// The column of a glyph's box set against the line so far: as close as its ink allows row
// by row (the first ink of each of its rows just right of the line's last ink on that row),
// then `overlap` px closer; never left of `least`. INT_MIN when no row has ink on both.
int set_against(const cv::Mat& line, const Glyph& g, int y0, double overlap, int least) {
  int x = INT_MIN;
  for (int r = 0; r < g.ink.rows; ++r) {
    const int y = y0 + r;
    if (y < 0 || y >= line.rows) continue;
    int first = -1, last = -1;
    for (int c = 0; c < g.ink.cols && first < 0; ++c)
      if (g.ink.at<float>(r, c) > kInk) first = c;
    for (int c = line.cols - 1; c >= 0 && last < 0; --c)
      if (line.at<float>(y, c) > kInk) last = c;
    if (first >= 0 && last >= 0) x = std::max(x, last + 1 - first);
  }
  return x == INT_MIN ? x : std::max(least, int(std::lround(x - overlap)));
}

// The width of a font's strokes: the mean length of the runs of its ink across rows or
// down columns, whichever is shorter (a run along a stroke is longer than the stroke is wide).
double stroke_width(const std::vector<Glyph>& glyphs) {
  double length = 0, runs[2] = {0, 0};
  for (const auto& g : glyphs)
    for (int r = 0; r < g.ink.rows; ++r)
      for (int c = 0; c < g.ink.cols; ++c) {
        const bool ink = g.ink.at<float>(r, c) > 0.5f;
        length += ink;
        runs[0] += ink && (c == 0 || g.ink.at<float>(r, c - 1) <= 0.5f);
        runs[1] += ink && (r == 0 || g.ink.at<float>(r - 1, c) <= 0.5f);
      }
  return std::max(runs[0], runs[1]) > 0 ? length / std::max(runs[0], runs[1]) : 1;
}

// The pen stroke of joined-up writing, `pen` px wide, from the previous letter's foot (the
// last ink of its own in the lowest quarter of a glyph) to the next letter's first ink above
// the baseline; each letter's ink is its own, placed at its box.
void join(cv::Mat& line, const Glyph& from, cv::Point at_from, const Glyph& to, cv::Point at_to, int baseline, double glyph,
          double pen) {
  const auto extreme_ink = [&](const Glyph& g, cv::Point at, int y_lo, int y_hi, bool rightmost) {
    cv::Point best(-1, -1);
    for (int r = std::max(0, y_lo - at.y); r <= std::min(g.ink.rows - 1, y_hi - at.y); ++r)
      for (int c = 0; c < g.ink.cols; ++c)
        if (g.ink.at<float>(r, c) > kInk && (best.x < 0 || (rightmost ? at.x + c > best.x : at.x + c < best.x)))
          best = {at.x + c, at.y + r};
    return best;
  };
  const cv::Point p = extreme_ink(from, at_from, baseline - int(0.25 * glyph), baseline, true);
  const cv::Point q = extreme_ink(to, at_to, baseline - int(0.55 * glyph), baseline - int(0.1 * glyph), false);
  if (p.x < 0 || q.x < 0 || q.x <= p.x) return;
  // A quadratic Bezier sagging a little, drawn as the pixels within pen / 2 of it (antialiased).
  const cv::Point2d a(p), b((p.x + q.x) / 2.0, std::max(p.y, q.y) + 0.05 * glyph), c(q);
  std::vector<cv::Point2d> curve;
  for (int k = 0; k <= 24; ++k) {
    const double t = k / 24.0;
    curve.push_back((1 - t) * (1 - t) * a + 2 * t * (1 - t) * b + t * t * c + cv::Point2d(0.5, 0.5));
  }
  const int reach = int(std::ceil(pen)) + 1;
  for (int y = std::max(0, std::min(p.y, q.y) - reach); y <= std::min(line.rows - 1, int(b.y) + reach); ++y)
    for (int x = std::max(0, p.x - reach); x <= std::min(line.cols - 1, q.x + reach); ++x) {
      double d = INFINITY;
      for (size_t k = 0; k + 1 < curve.size(); ++k) {
        const cv::Point2d u = curve[k + 1] - curve[k], v = cv::Point2d(x + 0.5, y + 0.5) - curve[k];
        const double t = std::clamp(u.dot(v) / std::max(1e-9, u.dot(u)), 0.0, 1.0);
        d = std::min(d, cv::norm(v - t * u));
      }
      float& dst = line.at<float>(y, x);
      dst = std::max(dst, float(std::clamp(pen / 2 + 0.5 - d, 0.0, 1.0)));
    }
}

// What a page of `style` is written with: its glyphs, and how close neighbours are set
// (px of overlap; negative: a gap, which cursive's joins bridge).
struct Writing {
  std::vector<Glyph> glyphs;
  double overlap_lo, overlap_hi;
};

std::string some_letters(std::mt19937_64& rng, int count) {
  std::string all = "abcdefghijklmnopqrstuvwxyz";
  std::shuffle(all.begin(), all.end(), rng);
  return all.substr(0, size_t(count));
}

Writing writing(TouchingStyle style, int variant, double g, const DigitSet& digits, std::mt19937_64& rng) {
  const double px = g / kMnistDigitHeight;  // one pixel of the model's glyphs
  const std::string print = kPrintFonts[size_t(variant) % std::size(kPrintFonts)];
  switch (style) {
    case TouchingStyle::cursive: {
      // Klee's lower case every other variant, else one of fonts-bwht's hand-lettered small capitals.
      const auto fonts = flyer_fonts();
      const std::string font = variant % 2 == 0 ? fonts.back() : fonts[size_t(variant / 2) % (fonts.size() - 1)];
      return {font_glyphs(font, some_letters(rng, 9), g), -0.3 * g, -0.1 * g};
    }
    case TouchingStyle::print: return {font_glyphs(print, some_letters(rng, 9), g), 0, px};
    case TouchingStyle::kerning: return {font_glyphs(print, "AVTWYLoae", g), 0, px};
    case TouchingStyle::digits: {
      Writing w{{}, 0, 2 * px};
      for (int k = 0; k < 40; ++k) w.glyphs.push_back(digit_glyph(digits, int(rng() % uint64_t(digits.count())), g));
      return w;
    }
  }
  throw std::logic_error("touching_lines: unknown style");
}

}  // namespace

TouchingLines touching_lines(TouchingStyle style, int variant, int w, int h, double g, const DigitSet& test_digits,
                             std::mt19937_64& rng) {
  const Writing source = writing(style, variant, g, test_digits, rng);
  const double pen = stroke_width(source.glyphs);
  TouchingLines out{cv::Mat::zeros(h, w, CV_32F), {}};
  for (double baseline = 1.6 * g; baseline + 0.6 * g < h - 0.5 * g; baseline += 2.1 * g) {
    cv::Mat line = cv::Mat::zeros(h, w, CV_32F);
    const int b = int(std::lround(baseline));
    double x = g * uniform(rng, 1, 2);
    int in_word = 0, word = 3 + int(rng() % 5);
    cv::Rect previous;
    const Glyph* previous_glyph = nullptr;
    while (true) {
      const Glyph& glyph = source.glyphs[rng() % source.glyphs.size()];
      const int y0 = b + glyph.top;
      int x0 = int(std::lround(x));
      if (in_word > 0) {
        const int set = set_against(line, glyph, y0, uniform(rng, source.overlap_lo, source.overlap_hi), previous.x + previous.width / 2);
        x0 = set == INT_MIN ? previous.x + previous.width : set;
      }
      if (x0 + glyph.ink.cols > w - g || y0 < 0 || y0 + glyph.ink.rows > h) break;
      const cv::Rect box(x0, y0, glyph.ink.cols, glyph.ink.rows);
      double sum = 0, sx = 0, sy = 0;
      for (int r = 0; r < box.height; ++r)
        for (int c = 0; c < box.width; ++c) {
          const float v = glyph.ink.at<float>(r, c);
          float& dst = line.at<float>(y0 + r, x0 + c);
          dst = std::max(dst, v);
          sum += v, sx += v * (x0 + c + 0.5), sy += v * (y0 + r + 0.5);
        }
      out.glyphs.push_back({float(sx / sum), float(sy / sum), glyph.identity});
      if (style == TouchingStyle::cursive && in_word > 0) join(line, *previous_glyph, previous.tl(), glyph, box.tl(), b, g, pen);
      previous = box, previous_glyph = &glyph;
      x = x0 + box.width;
      if (++in_word == word) x += g * uniform(rng, 0.45, 0.8), in_word = 0, word = 3 + int(rng() % 5);
    }
    cv::max(out.ink, line, out.ink);
  }
  return out;
}

}  // namespace tiae
