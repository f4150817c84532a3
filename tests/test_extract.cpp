// The staged whole-image extraction of shared/extract.h against brute force: every pixel
// is the mean, over all windows that cover it, of the network's output there, weighted by
// sin^2 of its place in the window.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include "extract.h"
#include "image_header.h"

namespace {

std::vector<float> random_image(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> img(size_t(w) * h);
  for (auto& v : img) v = u(rng);
  return img;
}

// A stand-in network whose output depends on the whole window, so that overlaps differ.
void fake_network(const float* in, float* out, int n, int p) {
  for (int k = 0; k < n; ++k) {
    const float* w = in + size_t(k) * p * p;
    const float mean = std::accumulate(w, w + p * p, 0.0f) / float(p * p);
    for (int i = 0; i < p * p; ++i) out[size_t(k) * p * p + i] = 0.5f * w[i] * w[i] + 0.5f * mean;
  }
}

std::vector<float> run(tiae::ForegroundExtraction& job, bool reverse = false) {
  const int p = 32;
  for (int i = 0; i < job.batches(); ++i) {
    const int b = reverse ? job.batches() - 1 - i : i;
    std::vector<float> in(size_t(job.batch_size(b)) * p * p), out(in.size());
    job.inputs(b, in.data());
    fake_network(in.data(), out.data(), job.batch_size(b), p);
    job.accept(b, out.data());
  }
  return job.result();
}

// The definition, window by window: corners every `stride` plus one flush with the border.
std::vector<float> brute_force(const std::vector<float>& img, int w, int h, int stride) {
  const int p = 32;
  const auto starts = [&](int size) {
    std::vector<int> s;
    if (size <= p) return std::vector<int>{0};
    for (int v = 0; v < size - p; v += stride) s.push_back(v);
    s.push_back(size - p);
    return s;
  };
  std::vector<double> sum(img.size(), 0.0), count(img.size(), 0.0);
  std::vector<float> window(p * p), out(p * p);
  for (int y0 : starts(h))
    for (int x0 : starts(w)) {
      for (int y = 0; y < p; ++y)
        for (int x = 0; x < p; ++x) window[y * p + x] = img[size_t(std::min(y0 + y, h - 1)) * w + std::min(x0 + x, w - 1)];
      fake_network(window.data(), out.data(), 1, p);
      for (int y = y0; y < std::min(h, y0 + p); ++y)
        for (int x = x0; x < std::min(w, x0 + p); ++x) {
          const double wy = std::pow(std::sin(M_PI * (y - y0 + 0.5) / p), 2), wx = std::pow(std::sin(M_PI * (x - x0 + 0.5) / p), 2);
          sum[size_t(y) * w + x] += wx * wy * out[(y - y0) * p + (x - x0)];
          count[size_t(y) * w + x] += wx * wy;
        }
    }
  std::vector<float> r(img.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = float(sum[i] / count[i]);
  return r;
}

}  // namespace

TEST_CASE("whole-image extraction averages the overlapping window outputs exactly as brute force") {
  struct Case { int w, h, stride, batch; };
  for (const auto c : {Case{100, 70, 8, 256}, Case{77, 45, 5, 7}, Case{32, 32, 8, 1}, Case{20, 90, 16, 3}, Case{200, 33, 31, 64}}) {
    const auto img = random_image(c.w, c.h, unsigned(c.w * 1000 + c.h));
    tiae::ExtractOptions o;
    o.stride = c.stride;
    o.batch = c.batch;
    tiae::ForegroundExtraction job(img, c.w, c.h, o);
    CHECK(job.work_width() == c.w);
    const auto fast = run(job);
    const auto slow = brute_force(img, c.w, c.h, c.stride);
    REQUIRE(fast.size() == slow.size());
    float worst = 0;
    for (size_t i = 0; i < fast.size(); ++i) worst = std::max(worst, std::abs(fast[i] - slow[i]));
    INFO(c.w << "x" << c.h << " stride " << c.stride);
    CHECK(worst < 1e-5f);
  }
}

TEST_CASE("batches may come back in any order, each is taken exactly once, and the result waits for all") {
  const auto img = random_image(90, 60, 3);
  tiae::ExtractOptions o;
  o.batch = 10;
  tiae::ForegroundExtraction a(img, 90, 60, o), b(img, 90, 60, o);
  const auto forward = run(a), backward = run(b, true);  // sums in another order: rounding only
  for (size_t i = 0; i < forward.size(); ++i) REQUIRE(forward[i] == Approx(backward[i]).margin(1e-6));

  tiae::ForegroundExtraction c(img, 90, 60, o);
  std::vector<float> in(size_t(c.batch_size(0)) * 1024);
  c.inputs(0, in.data());
  c.accept(0, in.data());
  CHECK_THROWS_AS(c.accept(0, in.data()), std::logic_error);
  CHECK_THROWS_AS(c.result(), std::logic_error);
  CHECK_THROWS_AS(c.batch_size(c.batches()), std::out_of_range);
}

TEST_CASE("an identity network gives the image back, and the glyph size rescales there and back") {
  const auto img = random_image(120, 80, 4);
  const auto identity = [](tiae::ForegroundExtraction& job) {
    for (int b = 0; b < job.batches(); ++b) {
      std::vector<float> in(size_t(job.batch_size(b)) * 1024);
      job.inputs(b, in.data());
      job.accept(b, in.data());
    }
    return job.result();
  };
  tiae::ExtractOptions o;
  tiae::ForegroundExtraction same(img, 120, 80, o);
  const auto back = identity(same);
  for (size_t i = 0; i < img.size(); ++i) REQUIRE(back[i] == Approx(img[i]).margin(1e-6));

  o.glyph_size = 40;  // characters twice the model's size: the windows tile a half-size image
  tiae::ForegroundExtraction half(img, 120, 80, o);
  CHECK(half.work_width() == 60);
  CHECK(half.work_height() == 40);
  const auto small = tiae::resize_image(img.data(), 120, 80, 60, 40);
  const auto expected = tiae::resize_image(small.data(), 60, 40, 120, 80);
  const auto got = identity(half);
  for (size_t i = 0; i < img.size(); ++i) REQUIRE(got[i] == Approx(expected[i]).margin(1e-6));
}

TEST_CASE("resizing: 2x2 block means when halving, constants stay constant, mass kept when shrinking") {
  const auto img = random_image(64, 48, 5);
  const auto half = tiae::resize_image(img.data(), 64, 48, 32, 24);
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 32; ++x) {
      const float m = (img[size_t(2 * y) * 64 + 2 * x] + img[size_t(2 * y) * 64 + 2 * x + 1] +
                       img[size_t(2 * y + 1) * 64 + 2 * x] + img[size_t(2 * y + 1) * 64 + 2 * x + 1]) / 4;
      REQUIRE(half[size_t(y) * 32 + x] == Approx(m).margin(1e-6));
    }
  const std::vector<float> flat(size_t(13) * 7, 0.25f);
  for (const auto& out : {tiae::resize_image(flat.data(), 13, 7, 40, 29), tiae::resize_image(flat.data(), 13, 7, 5, 3)})
    for (float v : out) REQUIRE(v == Approx(0.25f).margin(1e-6));
  const auto odd = tiae::resize_image(img.data(), 64, 48, 23, 17);
  const double mean_in = std::accumulate(img.begin(), img.end(), 0.0) / img.size();
  const double mean_out = std::accumulate(odd.begin(), odd.end(), 0.0) / odd.size();
  CHECK(mean_out == Approx(mean_in).epsilon(1e-5));
}

TEST_CASE("gray from RGBA: Rec. 601 luma, transparent pixels are white paper") {
  const uint8_t px[] = {255, 255, 255, 255,  0, 0, 0, 255,  255, 0, 0, 255,  0, 0, 0, 0,  0, 0, 0, 128};
  const auto g = tiae::gray_from_rgba8(px, 5, 1);
  CHECK(g[0] == Approx(1.0f));
  CHECK(g[1] == Approx(0.0f));
  CHECK(g[2] == Approx(0.299f));
  CHECK(g[3] == Approx(1.0f));
  CHECK(g[4] == Approx(1 - 128 / 255.0f));
}

TEST_CASE("empty, oversized images and bad options are refused with a message") {
  tiae::ExtractOptions o;
  CHECK_THROWS_AS(tiae::ForegroundExtraction({}, 0, 10, o), std::invalid_argument);
  CHECK_THROWS_WITH(tiae::ForegroundExtraction(std::vector<float>(1), 60000, 1000, o), Catch::Contains("too large"));
  o.stride = 0;
  CHECK_THROWS_AS(tiae::ForegroundExtraction(std::vector<float>(100, 0.f), 10, 10, o), std::invalid_argument);
  o.stride = 8;
  o.glyph_size = 0.01;  // would blow a small image up past the limit
  CHECK_THROWS_WITH(tiae::ForegroundExtraction(std::vector<float>(1000000, 0.f), 1000, 1000, o), Catch::Contains("over the limit"));
}

TEST_CASE("image headers: sizes read before decoding, truncated and over-large files refused") {
  // A minimal PNG: signature, IHDR (width, height), a stand-in data chunk, IEND.
  const auto png = [](uint32_t w, uint32_t h, bool with_end) {
    std::vector<uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    for (uint32_t v : {w, h})
      for (int i = 3; i >= 0; --i) b.push_back(uint8_t(v >> (8 * i)));
    b.insert(b.end(), {8, 0, 0, 0, 0, 0, 0, 0, 0});  // depth, colour, ..., CRC
    b.insert(b.end(), {0, 0, 0, 2, 'I', 'D', 'A', 'T', 1, 2, 0, 0, 0, 0});
    if (with_end) b.insert(b.end(), {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82});
    return b;
  };
  auto h = tiae::check_image_bytes(png(640, 480, true).data(), png(640, 480, true).size());
  CHECK(h.format == "png");
  CHECK(h.width == 640);
  CHECK(h.height == 480);
  CHECK(h.error.empty());
  CHECK_THAT(tiae::check_image_bytes(png(640, 480, false).data(), png(640, 480, false).size()).error, Catch::Contains("truncated"));
  CHECK_THAT(tiae::check_image_bytes(png(0, 480, true).data(), png(0, 480, true).size()).error, Catch::Contains("zero size"));
  CHECK_THAT(tiae::check_image_bytes(png(100000, 100000, true).data(), png(100000, 100000, true).size()).error, Catch::Contains("too large"));

  // A JPEG: SOI, an APP0 segment to skip, SOF0 with height 300 and width 400, EOI.
  std::vector<uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 1, 44, 1, 144, 1, 1, 17, 0};
  auto whole = jpeg;
  whole.insert(whole.end(), {0xFF, 0xD9});
  h = tiae::check_image_bytes(whole.data(), whole.size());
  CHECK(h.format == "jpeg");
  CHECK(h.width == 400);
  CHECK(h.height == 300);
  CHECK(h.error.empty());
  CHECK_THAT(tiae::check_image_bytes(jpeg.data(), jpeg.size()).error, Catch::Contains("truncated"));

  const uint8_t text[] = "not a picture";
  CHECK(tiae::check_image_bytes(text, sizeof text).format == "other");
  CHECK_THAT(tiae::check_image_bytes(text, 0).error, Catch::Contains("empty"));
}
