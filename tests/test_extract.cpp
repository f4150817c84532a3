// The staged whole-image extraction of shared/extract.h against brute force: every pixel
// is the mean, over all windows that cover it, of the network's output there, weighted by
// sin^2 of its place in the window.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include "extract.h"
#include "paper_plane.h"
#include "resample.h"

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

TEST_CASE("colour planes from RGBA: R, G, B each over white paper, and their luma is gray_from_rgba8") {
  const uint8_t px[] = {255, 255, 255, 255,  0, 0, 0, 255,  255, 0, 0, 255,  10, 200, 30, 0,  40, 90, 250, 128};
  const auto p = tiae::planes_from_rgba8(px, 5, 1, 3), g = tiae::gray_from_rgba8(px, 5, 1);
  REQUIRE(p.size() == 15);
  CHECK(p[2] == Approx(1.0f));  // red: R plane 1, G and B 0
  CHECK(p[5 + 2] == Approx(0.0f));
  CHECK(p[10 + 2] == Approx(0.0f));
  for (int c = 0; c < 3; ++c) CHECK(p[c * 5 + 3] == Approx(1.0f));  // transparent: white
  for (int i = 0; i < 5; ++i) CHECK(0.299f * p[i] + 0.587f * p[5 + i] + 0.114f * p[10 + i] == Approx(g[i]).margin(1e-6));
  CHECK(tiae::planes_from_rgba8(px, 5, 1, 1) == g);
  CHECK_THROWS_WITH(tiae::planes_from_rgba8(px, 5, 1, 2), Catch::Contains("1 plane (gray), 3 (R, G, B) or 4"));
}

TEST_CASE("a colour job's windows hold each plane as a gray job over that plane alone holds it") {
  const int w = 70, h = 50;
  std::vector<float> planes;
  for (unsigned c = 0; c < 3; ++c) {
    const auto one = random_image(w, h, 20 + c);
    planes.insert(planes.end(), one.begin(), one.end());
  }
  tiae::ExtractOptions o = tiae::convolutional_windows({}, 9);
  o.glyph_size = 31;  // rescaled, so each plane is resampled on its own
  o.channels = 3;
  tiae::ForegroundExtraction colour(planes, w, h, o);
  const int p = colour.patch(), n = colour.batch_size(0);
  std::vector<float> in(size_t(n) * 3 * p * p);
  colour.inputs(0, in.data());
  for (int c = 0; c < 3; ++c) {
    tiae::ExtractOptions g = o;
    g.channels = 1;
    tiae::ForegroundExtraction gray(std::vector<float>(planes.begin() + c * w * h, planes.begin() + (c + 1) * w * h), w, h, g);
    std::vector<float> one(size_t(n) * p * p);
    gray.inputs(0, one.data());
    for (int k = 0; k < n; ++k)
      for (int i = 0; i < p * p; ++i) REQUIRE(in[(size_t(k) * 3 + c) * p * p + i] == one[size_t(k) * p * p + i]);
  }
  CHECK_THROWS_WITH(tiae::ForegroundExtraction(std::vector<float>(size_t(w) * h), w, h, o), Catch::Contains("3 plane(s)"));
  o.channels = 2;
  CHECK(tiae::ForegroundExtraction::check(w, h, o).find("channels must be 1 (gray), 3 (R, G, B) or 4") != std::string::npos);
}

TEST_CASE("a job of 4 planes holds R, G, B as a colour job and the paper plane of their rescaled luma, whatever the 4th plane was") {
  const int w = 90, h = 64;
  std::vector<float> planes;
  for (unsigned c = 0; c < 4; ++c) {
    const auto one = random_image(w, h, 40 + c);
    planes.insert(planes.end(), one.begin(), one.end());
  }
  tiae::ExtractOptions o = tiae::convolutional_windows({}, 9);
  o.glyph_size = 27;  // rescaled: 90 x 64 -> 67 x 47, within one 256 px window
  o.channels = 4;
  tiae::ForegroundExtraction job(planes, w, h, o);
  const int p = job.patch(), ww = job.work_width(), wh = job.work_height();
  REQUIRE(job.windows() == 1);
  std::vector<float> in(size_t(4) * p * p);
  job.inputs(0, in.data());
  std::vector<std::vector<float>> rescaled;
  for (int c = 0; c < 3; ++c) rescaled.push_back(tiae::resize_image(planes.data() + size_t(c) * w * h, w, h, ww, wh));
  std::vector<float> luma(size_t(ww) * wh);
  for (size_t i = 0; i < luma.size(); ++i) luma[i] = 0.299f * rescaled[0][i] + 0.587f * rescaled[1][i] + 0.114f * rescaled[2][i];
  const auto paper = tiae::paper_normalised(luma.data(), ww, wh);
  for (int y = 0; y < wh; ++y)
    for (int x = 0; x < ww; ++x) {
      for (int c = 0; c < 3; ++c) REQUIRE(in[size_t(c) * p * p + size_t(y) * p + x] == rescaled[size_t(c)][size_t(y) * ww + x]);
      REQUIRE(in[size_t(3) * p * p + size_t(y) * p + x] == Approx(paper[size_t(y) * ww + x]).margin(1e-6));
    }
}

TEST_CASE("empty, oversized images and bad options are refused with a message") {
  tiae::ExtractOptions o;
  CHECK_THROWS_AS(tiae::ForegroundExtraction({}, 0, 10, o), std::invalid_argument);
  CHECK_THROWS_WITH(tiae::ForegroundExtraction(std::vector<float>(1), 60000, 1000, o), Catch::Contains("too large"));
  o.stride = 0;
  CHECK_THROWS_AS(tiae::ForegroundExtraction(std::vector<float>(100, 0.f), 10, 10, o), std::invalid_argument);
  o.stride = 8;
  o.glyph_size = 2;  // 20 / 2: a 1000x1000 image becomes 10000x10000, twice the limit
  CHECK_THROWS_WITH(tiae::ForegroundExtraction(std::vector<float>(1000000, 0.f), 1000, 1000, o), Catch::Contains("over the limit"));
}

TEST_CASE("glyph size, stride and batch out of range are refused by name, before any arithmetic") {
  const auto refusal = [](auto set) {
    tiae::ExtractOptions o;
    set(o);
    return tiae::ForegroundExtraction::check(64, 48, o);
  };
  // Glyph sizes: finite and from 2 to 2000 px. 1e-300 once passed by overflowing int.
  for (double g : {1e-300, 0.0, -20.0, 1.999, 2000.5, 1e300, double(NAN), double(INFINITY), -double(INFINITY)}) {
    INFO("glyph size " << g);
    CHECK_THAT(refusal([g](auto& o) { o.glyph_size = g; }), Catch::StartsWith("glyph size must be from 2 to 2000 px"));
    CHECK_THAT(refusal([g](auto& o) { o.model_glyph_size = g; }), Catch::StartsWith("model glyph size must be from 2 to 2000 px"));
  }
  CHECK(refusal([](auto& o) { o.glyph_size = 2; }).empty());
  CHECK(refusal([](auto& o) { o.glyph_size = 2000; }).empty());
  // Stride: 1 to the window's 32 px; 33 would leave a column and a row of pixels no window sees.
  for (int s : {0, -8, 33, 1000}) CHECK_THAT(refusal([s](auto& o) { o.stride = s; }), Catch::StartsWith("stride must be from 1 to 32 px"));
  CHECK(refusal([](auto& o) { o.stride = 1; }).empty());
  CHECK(refusal([](auto& o) { o.stride = 32; }).empty());
  for (int b : {0, -1, 4097}) CHECK_THAT(refusal([b](auto& o) { o.batch = b; }), Catch::StartsWith("batch must be from 1 to 4096"));
  CHECK(refusal([](auto& o) { o.batch = 4096; }).empty());
  // The constructor refuses with the same words.
  tiae::ExtractOptions o;
  o.glyph_size = 1e-300;
  CHECK_THROWS_WITH(tiae::ForegroundExtraction(std::vector<float>(1, 0.f), 1, 1, o), Catch::StartsWith("glyph size"));
}

TEST_CASE("the rescaled image may hold exactly 50 megapixels and not one row more") {
  tiae::ExtractOptions o;
  o.glyph_size = 2;  // characters of 2 px come out at 20: each side x 10
  CHECK(tiae::ForegroundExtraction::check(1000, 500, o).empty());  // 10000 x 5000 = 50,000,000
  CHECK_THAT(tiae::ForegroundExtraction::check(1000, 501, o), Catch::Contains("10000x5010 pixels, over the limit"));
  o.glyph_size = 2000;  // x 0.01: a 50 MP photo shrinks to 71x71, well within
  CHECK(tiae::ForegroundExtraction::check(7070, 7070, o).empty());
}

TEST_CASE("the widest stride, 32 px, still covers every pixel: an identity network gives the image back") {
  const auto img = random_image(101, 67, 6);
  tiae::ExtractOptions o;
  o.stride = 32;
  tiae::ForegroundExtraction job(img, 101, 67, o);
  for (int b = 0; b < job.batches(); ++b) {
    std::vector<float> in(size_t(job.batch_size(b)) * 1024);
    job.inputs(b, in.data());
    job.accept(b, in.data());
  }
  const auto back = job.result();
  for (size_t i = 0; i < img.size(); ++i) REQUIRE(back[i] == Approx(img[i]).margin(1e-5));
}

TEST_CASE("a gray value that is NaN or infinite is refused with its place") {
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    auto img = random_image(40, 30, 7);
    img[size_t(2) * 40 + 3] = bad;  // x 3, y 2
    INFO("value " << bad);
    CHECK_THROWS_AS(tiae::ForegroundExtraction(img, 40, 30, tiae::ExtractOptions{}), std::invalid_argument);
    CHECK_THROWS_WITH(tiae::ForegroundExtraction(img, 40, 30, tiae::ExtractOptions{}), Catch::Contains("gray value at x 3, y 2"));
  }
}

TEST_CASE("calibrate_ink moves the model's ink threshold to 0.5, linearly on each side") {
  std::vector<float> v = {0.f, 0.125f, 0.25f, 0.625f, 1.f};
  tiae::calibrate_ink(v, 0.25f);
  const std::vector<float> expected = {0.f, 0.25f, 0.5f, 0.75f, 1.f};
  for (size_t i = 0; i < v.size(); ++i) CHECK(v[i] == Approx(expected[i]).margin(1e-6));
  std::vector<float> same = {0.1f, 0.5f, 0.9f};
  tiae::calibrate_ink(same, 0.5f);
  CHECK(same == std::vector<float>{0.1f, 0.5f, 0.9f});
  CHECK_THROWS_AS(tiae::calibrate_ink(same, 0.f), std::invalid_argument);
  CHECK_THROWS_AS(tiae::calibrate_ink(same, 1.f), std::invalid_argument);
}

TEST_CASE("windows_along counts the windows a job places, for 32 px and for halo windows") {
  for (const auto& [w, h] : {std::pair{100, 40}, std::pair{700, 257}, std::pair{256, 500}}) {
    tiae::ExtractOptions dense;  // glyph size = the model's: the image is the rescaled one
    const auto conv = tiae::convolutional_windows(dense, 33);
    for (const auto& o : {dense, conv}) {
      const tiae::ForegroundExtraction job(std::vector<float>(size_t(w) * h, 0.5f), w, h, o);
      INFO(w << "x" << h << " patch " << o.patch);
      CHECK(job.windows() == long(tiae::windows_along(w, o.patch, o.stride)) * tiae::windows_along(h, o.patch, o.stride));
    }
  }
  CHECK(tiae::windows_along(700, 256, 190) == 4);  // corners 0, 190, 380 and 444 (flush)
}
