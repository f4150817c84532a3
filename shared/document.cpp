#include "document.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "page_ink.h"
#include "resample.h"
#include "shift_search.h"

namespace tiae {

namespace {

// Separable Gaussian blur (sigma in px, truncated at 3 sigma, zero outside).
std::vector<float> blur(const std::vector<float>& in, int w, int h, float sigma) {
  const int r = int(std::ceil(3 * sigma));
  std::vector<float> k(size_t(2 * r + 1));
  for (int i = -r; i <= r; ++i) k[size_t(i + r)] = std::exp(-0.5f * float(i * i) / (sigma * sigma));
  std::vector<float> tmp(in.size(), 0.f), out(in.size(), 0.f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int i = -r; i <= r; ++i)
        if (x + i >= 0 && x + i < w) tmp[size_t(y) * w + x] += k[size_t(i + r)] * in[size_t(y) * w + x + i];
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int i = -r; i <= r; ++i)
        if (y + i >= 0 && y + i < h) out[size_t(y) * w + x] += k[size_t(i + r)] * tmp[size_t(y + i) * w + x];
  return out;
}

std::vector<int> starts(int length, int stride) {
  std::vector<int> s;
  for (int v = 0; v < length; v += stride) s.push_back(v);
  return s;
}

}  // namespace

std::string DocumentAnalysis::check(int width, int height, const DocumentOptions& options) {
  if (options.max_shift < 1 || 2 * options.max_shift > options.window.patch)
    return "max shift must be from 1 to half the patch (got " + std::to_string(options.max_shift) + ")";
  if (!(options.quantile > 0 && options.quantile <= 1)) return "quantile must be in (0, 1]";
  return ForegroundExtraction::check(width, height, options.window);
}

DocumentAnalysis::DocumentAnalysis(std::vector<float> gray, int width, int height, const DocumentOptions& options)
    : options_(options), width_(width), height_(height) {
  if (const auto e = check(width, height, options); !e.empty()) throw std::invalid_argument(e);
  if (gray.size() != size_t(width) * height) throw std::invalid_argument("gray image size does not match width x height");
  if (std::any_of(gray.begin(), gray.end(), [](float v) { return !std::isfinite(v); }))
    throw std::invalid_argument("the image has a value that is not a finite number");
  const auto& o = options.window;
  const double scale = o.model_glyph_size / o.glyph_size;
  work_w_ = int(std::max(1.0, std::round(width * scale)));  // check() bounded both
  work_h_ = int(std::max(1.0, std::round(height * scale)));
  const auto work = resize_image(gray.data(), width, height, work_w_, work_h_);
  ink_ = page_ink(work, work_w_, work_h_, o.patch / 2).ink;
  // Window centres every `stride` px over the whole page (a window sticks out of the page
  // by half its side at most; outside the page is paper, no ink).
  for (int y : starts(work_h_, o.stride))
    for (int x : starts(work_w_, o.stride)) scan_.emplace_back(x - o.patch / 2, y - o.patch / 2);
  scan_accepted_.assign(size_t(scan_batches()), false);
  votes_.assign(ink_.size(), 0.f);
}

int DocumentAnalysis::batch_size(long n, int b) const {
  if (b < 0 || b >= batches(n)) throw std::out_of_range("no such batch");
  return int(std::min<long>(options_.window.batch, n - long(b) * options_.window.batch));
}

void DocumentAnalysis::cut(const std::vector<std::pair<int, int>>& corners, int b, float* out) const {
  const int p = options_.window.patch, n = batch_size(long(corners.size()), b);
  for (int i = 0; i < n; ++i) {
    const auto [x0, y0] = corners[size_t(b) * options_.window.batch + size_t(i)];
    float* dst = out + size_t(i) * p * p;
    for (int y = 0; y < p; ++y)
      for (int x = 0; x < p; ++x) {
        const int sx = x0 + x, sy = y0 + y;
        dst[y * p + x] = sx >= 0 && sx < work_w_ && sy >= 0 && sy < work_h_ ? ink_[size_t(sy) * work_w_ + sx] : 0.f;
      }
  }
}

void DocumentAnalysis::accept_scan(int b, const float* canonicals) {
  const int p = options_.window.patch, m = options_.max_shift, n = scan_batch_size(b);
  if (scan_accepted_[size_t(b)]) throw std::logic_error("scan batch accepted twice");
  // Refused whole, before any vote: a batch half counted could not be given again.
  if (!std::all_of(canonicals, canonicals + size_t(n) * p * p, [](float v) { return std::isfinite(v); }))
    throw std::invalid_argument("a canonical shape has a value that is not a finite number");
  std::vector<float> windows(size_t(n) * p * p);
  cut(scan_, b, windows.data());
  for (int i = 0; i < n; ++i) {
    const float* window = &windows[size_t(i) * p * p];
    // Only windows with ink within the shift range of their centre vote: elsewhere the
    // canonical shape has nothing to land on.
    float near = 0;
    for (int y = p / 2 - m; y < p / 2 + m; ++y)
      for (int x = p / 2 - m; x < p / 2 + m; ++x) near += window[y * p + x];
    if (near < 2.f) continue;
    const auto e = estimate_shift(canonicals + size_t(i) * p * p, window, p, 1, m);
    const auto [x0, y0] = scan_[size_t(b) * options_.window.batch + size_t(i)];
    const int vx = x0 + p / 2 - e.dx, vy = y0 + p / 2 - e.dy;  // the canonical centre, shifted back
    if (vx >= 0 && vx < work_w_ && vy >= 0 && vy < work_h_) votes_[size_t(vy) * work_w_ + vx] += 1;
  }
  scan_accepted_[size_t(b)] = true;
  if (++scan_done_ == scan_batches()) find_peaks();
}

const std::vector<float>& DocumentAnalysis::heatmap() const {
  if (!scanned()) throw std::logic_error("heatmap: the scan is not complete");
  return heatmap_;
}

const std::vector<Peak>& DocumentAnalysis::peaks() const {
  if (!scanned()) throw std::logic_error("peaks: the scan is not complete");
  return peaks_;
}

DocumentAnalysis::Mark DocumentAnalysis::mark_under(double x, double y, double& cx, double& cy) const {
  // The ink pixel nearest the peak within 0.4 of a glyph, then its 8-connected mark of
  // ink > 0; a mark that fits in 1.2 glyphs square and stands at least 0.4 of a glyph high
  // holds one character (set apart), and its ink's centre of mass is that character's. One
  // more than 1.4 glyphs wide or high holds characters that touch (clean pages have marks
  // between the two as well, which settle as before; chosen on the tuning pages of
  // configs/document-pages-split.json).
  const double g = options_.window.model_glyph_size;
  const int reach = int(std::ceil(0.4 * g)), most = int(std::ceil(1.2 * g)), joined = int(std::ceil(1.4 * g));
  const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
  long start = -1;
  double nearest = INFINITY;
  for (int v = std::max(0, y0 - reach); v <= std::min(work_h_ - 1, y0 + reach); ++v)
    for (int u = std::max(0, x0 - reach); u <= std::min(work_w_ - 1, x0 + reach); ++u)
      if (ink_[size_t(v) * work_w_ + u] > 0)
        if (const double d = std::hypot(u - x, v - y); d < nearest && d <= reach) nearest = d, start = long(v) * work_w_ + u;
  if (start < 0) return Mark::other;
  std::vector<long> stack{start};
  std::vector<bool> in(ink_.size(), false);
  in[size_t(start)] = true;
  int lo_x = int(start % work_w_), hi_x = lo_x, lo_y = int(start / work_w_), hi_y = lo_y;
  double sum = 0, mx = 0, my = 0;
  while (!stack.empty()) {
    const long i = stack.back();
    stack.pop_back();
    const int u = int(i % work_w_), v = int(i / work_w_);
    lo_x = std::min(lo_x, u), hi_x = std::max(hi_x, u), lo_y = std::min(lo_y, v), hi_y = std::max(hi_y, v);
    if (hi_x - lo_x + 1 > joined || hi_y - lo_y + 1 > joined) return Mark::touching;
    const double w = ink_[size_t(i)];
    sum += w, mx += w * (u + 0.5), my += w * (v + 0.5);
    for (int dv = -1; dv <= 1; ++dv)
      for (int du = -1; du <= 1; ++du) {
        const int a = u + du, b = v + dv;
        if (a < 0 || a >= work_w_ || b < 0 || b >= work_h_) continue;
        const long j = long(b) * work_w_ + a;
        if (!in[size_t(j)] && ink_[size_t(j)] > 0) in[size_t(j)] = true, stack.push_back(j);
      }
  }
  if (hi_x - lo_x + 1 > most || hi_y - lo_y + 1 > most) return Mark::other;  // more than one character, or not one
  if (hi_y - lo_y + 1 < 0.4 * g || sum <= 0) return Mark::other;              // a fragment, a dot
  cx = mx / sum, cy = my / sum;
  return Mark::one;
}

std::pair<double, double> DocumentAnalysis::settle_on_ink(double x, double y) const {
  // The votes say which character; where its centre is, its ink says: two steps towards the
  // ink's centre of mass under a Gaussian window of a third of a glyph around it (the
  // canonical shape of a character the model never saw can sit a few pixels off it). Two,
  // not the first release's five: where characters touch, further steps slide the peak onto
  // the neighbour's ink (chosen on the tuning pages of configs/document-pages-split.json).
  const double sigma = options_.window.model_glyph_size / 3;
  const int r = int(std::ceil(2 * sigma));
  for (int step = 0; step < 2; ++step) {
    double sum = 0, mx = 0, my = 0;
    const int cx = int(std::lround(x)), cy = int(std::lround(y));
    for (int v = std::max(0, cy - r); v <= std::min(work_h_ - 1, cy + r); ++v)
      for (int u = std::max(0, cx - r); u <= std::min(work_w_ - 1, cx + r); ++u) {
        const double w = ink_[size_t(v) * work_w_ + u] * std::exp(-((u + 0.5 - x) * (u + 0.5 - x) + (v + 0.5 - y) * (v + 0.5 - y)) / (2 * sigma * sigma));
        sum += w, mx += w * (u + 0.5), my += w * (v + 0.5);
      }
    if (sum <= 0) break;
    x = mx / sum, y = my / sum;
  }
  return {x, y};
}

double DocumentAnalysis::votes_centre_along_line(double x, double y) const {
  // Where characters touch, the ink's mass along the line is the neighbours' too: the
  // votes' own centre there, within a fifth of a glyph left or right and a pixel up or down
  // (the largest blurred count alone moves with single windows' votes; chosen on the tuning pages).
  const int half = std::max(1, int(std::lround(0.2 * options_.window.model_glyph_size)));
  const int cx = int(x), cy = int(y);
  double sum = 0, mx = 0;
  for (int v = std::max(0, cy - 1); v <= std::min(work_h_ - 1, cy + 1); ++v)
    for (int u = std::max(0, cx - half); u <= std::min(work_w_ - 1, cx + half); ++u) {
      const double w = votes_[size_t(v) * work_w_ + u];
      sum += w, mx += w * u;
    }
  return sum > 0 ? mx / sum : x;
}

void DocumentAnalysis::find_peaks() {
  const auto& o = options_.window;
  const double sx = double(width_) / work_w_, sy = double(height_) / work_h_;  // work px -> page px
  heatmap_.assign(size_t(width_) * height_, 0.f);
  for (int y = 0; y < work_h_; ++y)
    for (int x = 0; x < work_w_; ++x)
      if (const float v = votes_[size_t(y) * work_w_ + x]; v > 0) {
        const int px = std::min(width_ - 1, int(x * sx)), py = std::min(height_ - 1, int(y * sy));
        heatmap_[size_t(py) * width_ + px] += v;
      }
  // A peak: the largest smoothed vote count within 0.4 of a glyph (ties: the first in
  // reading order), with at least a fifth of the votes a glyph alone gets (0.4, not the
  // first release's third: with fewer settling steps, a wide capital's two vote piles
  // otherwise stay two peaks; chosen on the tuning pages).
  const auto score = blur(votes_, work_w_, work_h_, 1.f);
  const int r = std::max(2, int(std::lround(o.model_glyph_size / 2.5)));
  const float least = 0.2f * float(2 * options_.max_shift / o.stride) * float(2 * options_.max_shift / o.stride);
  std::vector<Peak> candidates;  // in work px
  for (int y = 0; y < work_h_; ++y)
    for (int x = 0; x < work_w_; ++x) {
      const float v = score[size_t(y) * work_w_ + x];
      if (v < std::max(least, 1e-3f)) continue;
      bool top = true;
      for (int qy = std::max(0, y - r); top && qy <= std::min(work_h_ - 1, y + r); ++qy)
        for (int qx = std::max(0, x - r); top && qx <= std::min(work_w_ - 1, x + r); ++qx) {
          const float u = score[size_t(qy) * work_w_ + qx];
          top = u < v || (u == v && (qy > y || (qy == y && qx >= x)));
        }
      if (top) candidates.push_back({float(x), float(y), v});
    }
  // Strongest first, each settled on its ink (on its mark's centre when the mark holds one
  // character; where characters touch, the two steps of settle_on_ink down and up only, and
  // the votes' centre along the line; else those two steps); one that settles where a
  // stronger one already is joins it.
  std::stable_sort(candidates.begin(), candidates.end(), [](const Peak& a, const Peak& b) { return a.score > b.score; });
  std::vector<std::pair<double, double>> settled;
  for (const auto& c : candidates) {
    double x = 0, y = 0;
    const Mark mark = mark_under(c.x, c.y, x, y);
    if (mark == Mark::touching) x = votes_centre_along_line(c.x, c.y), y = settle_on_ink(c.x, c.y).second;
    else if (mark == Mark::other) std::tie(x, y) = settle_on_ink(c.x, c.y);  // (a lambda cannot capture structured bindings in C++17)
    if (std::any_of(settled.begin(), settled.end(), [&](const auto& q) { return std::hypot(q.first - x, q.second - y) < r; }))
      continue;
    settled.emplace_back(x, y);
    peaks_.push_back({float(x * sx), float(y * sy), c.score});
    peak_windows_.emplace_back(int(std::lround(x)) - o.patch / 2, int(std::lround(y)) - o.patch / 2);
  }
  peak_accepted_.assign(size_t(peak_batches()), false);
}

void DocumentAnalysis::accept_peaks(int b, const float* descriptors, int dims) {
  const int n = peak_batch_size(b);
  if (dims < 1 || (dims_ != 0 && dims != dims_)) throw std::invalid_argument("descriptor size differs between batches");
  if (peak_accepted_[size_t(b)]) throw std::logic_error("peak batch accepted twice");
  if (!std::all_of(descriptors, descriptors + size_t(n) * dims, [](float v) { return std::isfinite(v); }))
    throw std::invalid_argument("a descriptor has a value that is not a finite number");
  dims_ = dims;
  descriptors_.resize(peaks_.size() * size_t(dims));
  std::copy(descriptors, descriptors + size_t(n) * dims, descriptors_.begin() + long(size_t(b) * options_.window.batch * dims));
  peak_accepted_[size_t(b)] = true;
  ++peak_done_;
}

MeanShiftResult DocumentAnalysis::clusters() const {
  if (!scanned() || peak_done_ != peak_batches()) throw std::logic_error("clusters: not every peak batch is accepted");
  if (peaks_.empty()) return MeanShiftResult{};
  return cluster_descriptors(descriptors_, dims_, options_.quantile);
}

}  // namespace tiae
