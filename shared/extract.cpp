#include "extract.h"

#include "image_header.h"
#include "paper_plane.h"
#include "resample.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace tiae {

namespace {
constexpr double kPi = 3.14159265358979323846;

// Window corners along an axis: every `stride`, plus one flush with the far border.
std::vector<int> window_starts(int size, int patch, int stride) {
  std::vector<int> starts;
  if (size <= patch) return {0};
  for (int s = 0; s < size - patch; s += stride) starts.push_back(s);
  starts.push_back(size - patch);
  return starts;
}

// A window's weight along one axis: window_weight, or 1 beyond the halo.
std::vector<float> axis_weights(int patch, int halo) {
  std::vector<float> w(size_t(patch), 1.0f);
  for (int i = 0; i < patch; ++i)
    w[size_t(i)] = halo == 0 ? window_weight(i, patch) : (i < halo || i >= patch - halo) ? kHaloWeight : 1.0f;
  return w;
}

// Summed window weights over each column (or row) of the image.
std::vector<float> coverage(int size, const std::vector<float>& weight, const std::vector<int>& starts) {
  std::vector<float> c(size, 0.0f);
  const int patch = int(weight.size());
  for (int s : starts)
    for (int i = s; i < std::min(size, s + patch); ++i) c[i] += weight[size_t(i - s)];
  return c;
}

}  // namespace

ExtractOptions convolutional_windows(ExtractOptions o, int reach) {
  o.patch = kConvPatch;
  o.halo = std::clamp(reach, 0, kConvPatch / 2 - 1);
  o.stride = kConvPatch - 2 * o.halo;
  o.batch = 4;
  return o;
}

int windows_along(int size, int patch, int stride) { return int(window_starts(size, patch, stride).size()); }

float window_weight(int i, int patch) {
  const double v = std::sin(kPi * (i + 0.5) / patch);
  return float(v * v);
}

std::vector<float> gray_from_rgba8(const uint8_t* rgba, int width, int height) {
  std::vector<float> gray(size_t(width) * height);
  for (size_t i = 0; i < gray.size(); ++i) {
    const uint8_t* p = rgba + 4 * i;
    const float luma = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f;
    const float alpha = p[3] / 255.0f;
    gray[i] = alpha * luma + (1 - alpha);
  }
  return gray;
}

std::vector<float> planes_from_rgba8(const uint8_t* rgba, int width, int height, int channels) {
  if (channels == 1) return gray_from_rgba8(rgba, width, height);
  if (channels != 3 && channels != 4)
    throw std::invalid_argument("an image has 1 plane (gray), 3 (R, G, B) or 4 (R, G, B, paper), not " + std::to_string(channels));
  const size_t n = size_t(width) * height;
  std::vector<float> planes(size_t(channels) * n);
  if (channels == 4) {  // the paper plane's place: ForegroundExtraction fills it at the model's glyph size
    const auto gray = gray_from_rgba8(rgba, width, height);
    std::copy(gray.begin(), gray.end(), planes.begin() + long(3 * n));
  }
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = rgba + 4 * i;
    const float alpha = p[3] / 255.0f;
    for (int c = 0; c < 3; ++c) planes[c * n + i] = alpha * (p[c] / 255.0f) + (1 - alpha);
  }
  return planes;
}

void calibrate_ink(std::vector<float>& values, float threshold) {
  if (!(threshold > 0 && threshold < 1)) throw std::invalid_argument("calibrate_ink: the threshold must be in (0, 1)");
  for (auto& v : values) v = v < threshold ? 0.5f * v / threshold : 0.5f + 0.5f * (v - threshold) / (1 - threshold);
}

namespace {
// The rescaled side, in double: check() bounds it before anything converts it to int.
double scaled(int size, const ExtractOptions& o) {
  return std::max(1.0, std::round(size * (o.model_glyph_size / o.glyph_size)));
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// "" or why `value` is not a number in [lo, hi]; written for NaN too (all comparisons false).
std::string out_of_range(const char* option, double value, double lo, double hi, const char* unit) {
  if (value >= lo && value <= hi) return "";
  return std::string(option) + " must be from " + number(lo) + " to " + number(hi) + unit + " (got " + number(value) + ")";
}
}  // namespace

std::string ForegroundExtraction::check(int width, int height, const ExtractOptions& options) {
  if (const auto e = check_image_size(width, height); !e.empty()) return e;
  const auto& o = options;
  for (const auto& e : {out_of_range("glyph size", o.glyph_size, kMinGlyphSize, kMaxGlyphSize, " px"),
                        out_of_range("model glyph size", o.model_glyph_size, kMinGlyphSize, kMaxGlyphSize, " px"),
                        out_of_range("patch", o.patch, 1, kMaxPatch, " px"),
                        out_of_range("halo", o.halo, 0, (o.patch - 1) / 2, " px, under half the window side"),
                        out_of_range("stride", o.stride, 1, o.patch - 2 * o.halo, o.halo ? " px, the window side less its halos" : " px, the window side"),
                        out_of_range("batch", o.batch, 1, kMaxBatch, " windows"),
                        o.channels == 1 || o.channels == 3 || o.channels == 4 ? "" : "channels must be 1 (gray), 3 (R, G, B) or 4 (R, G, B, paper) (got " + number(o.channels) + ")"})
    if (!e.empty()) return e;
  const double w = scaled(width, o), h = scaled(height, o);
  if (w * h > double(kMaxExtractPixels))
    return "the glyph size asks for a rescaled image of " + std::to_string(static_cast<long long>(w)) + "x" +
           std::to_string(static_cast<long long>(h)) +
           " pixels, over the limit of " + std::to_string(kMaxExtractPixels / 1'000'000) + " megapixels";
  return "";
}

ForegroundExtraction::ForegroundExtraction(std::vector<float> image, int width, int height, const ExtractOptions& options)
    : options_(options), width_(width), height_(height) {
  if (const auto e = check(width, height, options); !e.empty()) throw std::invalid_argument(e);
  const size_t plane = size_t(width) * height;
  if (image.size() != options.channels * plane)
    throw std::invalid_argument("image size does not match " + std::to_string(options.channels) + " plane(s) of width x height");
  // A NaN would spread through every window over it and come out as a silent black hole.
  const auto bad = std::find_if(image.begin(), image.end(), [](float v) { return !std::isfinite(v); });
  if (bad != image.end()) {
    const size_t i = size_t(bad - image.begin()) % plane;
    throw std::invalid_argument((options.channels == 1 ? std::string("gray value") : "value of plane " + std::to_string((bad - image.begin()) / plane)) +
                                " at x " + std::to_string(i % width) + ", y " + std::to_string(i / width) +
                                " is not a finite number (" + number(*bad) + ")");
  }
  work_w_ = int(scaled(width, options));  // check() bounded both by kMaxExtractPixels
  work_h_ = int(scaled(height, options));
  if (work_w_ == width && work_h_ == height) work_ = std::move(image);
  else
    for (int c = 0; c < options.channels; ++c) {
      const auto rescaled = resize_image(image.data() + c * plane, width, height, work_w_, work_h_);
      work_.insert(work_.end(), rescaled.begin(), rescaled.end());
    }
  if (options.channels == 4) fill_paper_plane();
  const auto xs = window_starts(work_w_, options.patch, options.stride), ys = window_starts(work_h_, options.patch, options.stride);
  weight_ = axis_weights(options.patch, options.halo);
  cover_x_ = coverage(work_w_, weight_, xs);
  cover_y_ = coverage(work_h_, weight_, ys);
  windows_.reserve(xs.size() * ys.size());
  for (int y : ys)
    for (int x : xs) windows_.push_back({x, y});
  sum_.assign(size_t(work_w_) * work_h_, 0.0f);
  accepted_.assign(size_t(batches()), false);
}

void ForegroundExtraction::fill_paper_plane() {
  const size_t n = size_t(work_w_) * work_h_;
  std::vector<float> luma(n);
  for (size_t i = 0; i < n; ++i) luma[i] = 0.299f * work_[i] + 0.587f * work_[n + i] + 0.114f * work_[2 * n + i];
  const auto plane = paper_normalised(luma.data(), work_w_, work_h_);
  std::copy(plane.begin(), plane.end(), work_.begin() + long(3 * n));
}

int ForegroundExtraction::batch_size(int b) const {
  if (b < 0 || b >= batches()) throw std::out_of_range("no batch " + std::to_string(b));
  return int(std::min<size_t>(options_.batch, windows_.size() - size_t(b) * options_.batch));
}

void ForegroundExtraction::inputs(int b, float* out) const {
  const int n = batch_size(b), p = options_.patch;
  const size_t plane = size_t(work_w_) * work_h_;
  for (int k = 0; k < n; ++k) {
    const auto [x0, y0] = windows_[size_t(b) * options_.batch + k];
    for (int c = 0; c < options_.channels; ++c) {
      float* dst = out + (size_t(k) * options_.channels + c) * p * p;
      const float* src = work_.data() + c * plane;
      for (int y = 0; y < p; ++y) {
        const int sy = std::min(y0 + y, work_h_ - 1);
        for (int x = 0; x < p; ++x) dst[y * p + x] = src[size_t(sy) * work_w_ + std::min(x0 + x, work_w_ - 1)];
      }
    }
  }
}

void ForegroundExtraction::accept(int b, const float* outputs) {
  const int n = batch_size(b), p = options_.patch;
  if (accepted_[b]) throw std::logic_error("batch " + std::to_string(b) + " was already accepted");
  for (int k = 0; k < n; ++k) {
    const auto [x0, y0] = windows_[size_t(b) * options_.batch + k];
    const float* src = outputs + size_t(k) * p * p;
    for (int y = 0; y < std::min(p, work_h_ - y0); ++y)
      for (int x = 0; x < std::min(p, work_w_ - x0); ++x)
        sum_[size_t(y0 + y) * work_w_ + x0 + x] += weight_[y] * weight_[x] * src[y * p + x];
  }
  accepted_[b] = true;
  ++accepted_count_;
}

std::vector<float> ForegroundExtraction::result() const {
  if (accepted_count_ != batches())
    throw std::logic_error("result: " + std::to_string(batches() - accepted_count_) + " batches not accepted yet");
  std::vector<float> mean(sum_.size());
  for (int y = 0; y < work_h_; ++y)
    for (int x = 0; x < work_w_; ++x)
      mean[size_t(y) * work_w_ + x] = sum_[size_t(y) * work_w_ + x] / (cover_x_[x] * cover_y_[y]);
  if (work_w_ == width_ && work_h_ == height_) return mean;
  return resize_image(mean.data(), work_w_, work_h_, width_, height_);
}

}  // namespace tiae
