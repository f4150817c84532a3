// The staged document analysis of shared/document.h: the heat map against a brute-force
// count (every shift of every window compared by a plain loop), peaks on a page of known
// shapes, on clean and on grainy paper, none on grain alone, mean shift on known clusters,
// and refusals. Runs natively and as wasm.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "document.h"

namespace {

constexpr int P = 32, M = 8;

// A ring of radius 5 around (cx, cy) (continuous coordinates) drawn into `ink`.
void draw_ring(std::vector<float>& ink, int w, int h, double cx, double cy) {
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double r = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
      ink[size_t(y) * w + x] = std::max(ink[size_t(y) * w + x], float(std::clamp(1.5 - std::abs(r - 5), 0.0, 1.0)));
    }
}

// Dark rings on white paper at the given centres; the glyph size equals the model's, so
// the page is analysed as it is.
std::vector<float> ring_page(int w, int h, const std::vector<std::pair<double, double>>& centres) {
  std::vector<float> ink(size_t(w) * h, 0.f);
  for (const auto& [x, y] : centres) draw_ring(ink, w, h, x, y);
  for (auto& v : ink) v = 1.f - 0.9f * v;
  return ink;
}

// A stand-in decoder: every window's canonical shape is the ring at the window's centre.
std::vector<float> ring_canonical() {
  std::vector<float> c(P * P, 0.f);
  draw_ring(c, P, P, P / 2.0, P / 2.0);
  return c;
}

// Paper as scanned pages come: a tone that falls across the page, fibres (noise correlated
// over a few pixels) and sensor grain, as dark as light ink in places; `ink` (0..1) darkens it.
std::vector<float> grainy_paper(int w, int h, const std::vector<float>& ink, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.f, 1.f);
  std::vector<float> fibres(size_t(w) * h), page(size_t(w) * h);
  for (auto& v : fibres) v = noise(rng);
  for (int pass = 0; pass < 2; ++pass)  // a 3 x 3 box twice: fibres about 2 px across
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        float sum = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) sum += fibres[size_t(std::clamp(y + dy, 0, h - 1)) * w + std::clamp(x + dx, 0, w - 1)];
        page[size_t(y) * w + x] = sum / 3;  // about unit spread again
      }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * w + x;
      const float paper = (0.9f - 0.25f * float(x) / float(w)) * (1 + 0.05f * page[i] + 0.04f * noise(rng));
      page[i] = std::clamp(paper * (1 - 0.75f * ink[i]), 0.f, 1.f);
    }
  return page;
}

tiae::DocumentOptions options(int stride) {
  tiae::DocumentOptions o;
  o.window.stride = stride;
  o.window.batch = 37;  // batches that do not divide the windows
  return o;
}

void scan(tiae::DocumentAnalysis& job, const std::vector<float>& canonical) {
  for (int b = job.scan_batches() - 1; b >= 0; --b) {  // any order
    std::vector<float> out;
    for (int i = 0; i < job.scan_batch_size(b); ++i) out.insert(out.end(), canonical.begin(), canonical.end());
    job.accept_scan(b, out.data());
  }
}

}  // namespace

TEST_CASE("the heat map counts each window's vote where its best shift puts the canonical centre (brute force)") {
  const int w = 90, h = 70;
  const auto page = ring_page(w, h, {{25.5, 20}, {61, 23.5}, {40, 50}});
  tiae::DocumentAnalysis job(page, w, h, options(3));
  const auto canonical = ring_canonical();
  scan(job, canonical);
  // Brute force: every window centre on the stride grid, cut from the analysis's ink by
  // hand, every shift compared on the extended canvas, the first minimum voting.
  const auto& ink = job.ink();
  std::vector<float> expected(size_t(w) * h, 0.f);
  for (int cy = 0; cy < h; cy += 3)
    for (int cx = 0; cx < w; cx += 3) {
      auto at = [&](int x, int y) { return x >= 0 && x < w && y >= 0 && y < h ? ink[size_t(y) * w + x] : 0.f; };
      double near = 0;
      for (int y = -M; y < M; ++y)
        for (int x = -M; x < M; ++x) near += at(cx + x, cy + y);
      if (near < 2) continue;
      double best = INFINITY;
      int bx = 0, by = 0;
      for (int dy = -M; dy <= M; ++dy)
        for (int dx = -M; dx <= M; ++dx) {
          // ||canonical - T(dx, dy) window||^2 over the canvas extended by M on each side
          double d = 0;
          for (int y = -M; y < P + M; ++y)
            for (int x = -M; x < P + M; ++x) {
              const float c = x >= 0 && x < P && y >= 0 && y < P ? canonical[size_t(y) * P + x] : 0.f;
              const int sx = x - dx, sy = y - dy;  // T moves content by (dx, dy)
              const float v = sx >= 0 && sx < P && sy >= 0 && sy < P ? at(cx - P / 2 + sx, cy - P / 2 + sy) : 0.f;
              d += (c - v) * (c - v);
            }
          if (d < best - 1e-6) best = d, bx = dx, by = dy;
        }
      const int vx = cx - bx, vy = cy - by;
      if (vx >= 0 && vx < w && vy >= 0 && vy < h) expected[size_t(vy) * w + vx] += 1;
    }
  const auto& heat = job.heatmap();
  REQUIRE(heat.size() == expected.size());
  int differ = 0;
  for (size_t i = 0; i < heat.size(); ++i) differ += heat[i] != expected[i];
  CHECK(differ == 0);
  CHECK(std::accumulate(heat.begin(), heat.end(), 0.0) > 20);
}

TEST_CASE("peaks sit on the centres of the page's shapes, one each") {
  const int w = 160, h = 100;
  std::vector<std::pair<double, double>> centres;
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 6; ++col) centres.emplace_back(14 + 26 * col + (row % 2) * 0.5, 18 + 30 * row);
  tiae::DocumentAnalysis job(ring_page(w, h, centres), w, h, options(4));
  scan(job, ring_canonical());
  const auto& peaks = job.peaks();
  REQUIRE(peaks.size() == centres.size());
  for (const auto& [x, y] : centres) {
    double nearest = INFINITY;
    for (const auto& p : peaks) nearest = std::min(nearest, std::hypot(p.x - x, p.y - y));
    CHECK(nearest <= 1.0);
  }
  for (size_t i = 1; i < peaks.size(); ++i) CHECK(peaks[i - 1].score >= peaks[i].score);
}

TEST_CASE("where shapes touch in a line, each peak stays on its own shape, not pulled onto its neighbours' ink") {
  // Rings 11 px apart (13 px across with their stroke): each line is one mark, 4.5 glyphs
  // wide. The votes pile on each ring's centre; the ends of a line have ink on one side only,
  // and a centre of mass taken there would slide their peaks inwards.
  const int w = 160, h = 70;
  std::vector<std::pair<double, double>> centres;
  for (int row = 0; row < 2; ++row)
    for (int col = 0; col < 8; ++col) centres.emplace_back(20.5 + 11 * col, 18 + 32 * row);
  tiae::DocumentAnalysis job(ring_page(w, h, centres), w, h, options(2));
  scan(job, ring_canonical());
  const auto& peaks = job.peaks();
  CHECK(peaks.size() == centres.size());
  for (const auto& [x, y] : centres) {
    double nearest = INFINITY;
    for (const auto& p : peaks) nearest = std::min(nearest, std::hypot(p.x - x, p.y - y));
    INFO("ring at " << x << ", " << y);
    CHECK(nearest <= 1.0);
  }
}

TEST_CASE("a page of grain alone, unevenly lit, yields no vote and no peak") {
  const int w = 200, h = 150;
  const auto page = grainy_paper(w, h, std::vector<float>(size_t(w) * h, 0.f), 5);
  tiae::DocumentAnalysis job(page, w, h, options(4));
  scan(job, ring_canonical());
  CHECK(std::accumulate(job.heatmap().begin(), job.heatmap().end(), 0.0) == 0);
  CHECK(job.peaks().empty());
}

TEST_CASE("on grainy paper the peaks are the shapes' and nothing else") {
  const int w = 200, h = 150;
  std::vector<std::pair<double, double>> centres;
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 5; ++col) centres.emplace_back(30 + 32 * col + row * 4.5, 30 + 45 * row);
  std::vector<float> ink(size_t(w) * h, 0.f);
  for (const auto& [x, y] : centres) draw_ring(ink, w, h, x, y);
  tiae::DocumentAnalysis job(grainy_paper(w, h, ink, 6), w, h, options(4));
  scan(job, ring_canonical());
  const auto& peaks = job.peaks();
  CHECK(peaks.size() == centres.size());
  for (const auto& p : peaks) {
    double nearest = INFINITY;
    for (const auto& [x, y] : centres) nearest = std::min(nearest, std::hypot(p.x - x, p.y - y));
    CHECK(nearest <= 1.0);
  }
}

namespace {

// An L (a 3 px stem 17 high, a 3 px foot 12 long) with its top left corner at (x0, y0), ink 1.
void draw_l(std::vector<float>& ink, int w, int x0, int y0) {
  for (int y = y0; y < y0 + 17; ++y)
    for (int x = x0; x < x0 + 12; ++x)
      if (x < x0 + 3 || y >= y0 + 14) ink[size_t(y) * w + x] = 1.f;
}

}  // namespace

TEST_CASE("a peak whose canonical shape sits off a character set apart lands on the centre of the character's ink") {
  // The stand-in decoder draws the L 4 px right of where the windows' L is (as the page model
  // does for characters it never saw): the votes pile up 4 px off, and the peak must come
  // back to the centre of mass of the L's own ink, which the test computes from its pixels.
  const int w = 170, h = 110;
  std::vector<float> ink(size_t(w) * h, 0.f);
  std::vector<std::pair<double, double>> centres;
  for (int row = 0; row < 2; ++row)
    for (int col = 0; col < 5; ++col) {
      const int x0 = 14 + 30 * col + row, y0 = 16 + 45 * row;
      std::vector<float> one(size_t(w) * h, 0.f);
      draw_l(one, w, x0, y0);
      double sum = 0, mx = 0, my = 0;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          if (one[size_t(y) * w + x] > 0) sum += 1, mx += x + 0.5, my += y + 0.5;
      centres.emplace_back(mx / sum, my / sum);
      draw_l(ink, w, x0, y0);
    }
  std::vector<float> page(ink.size());
  for (size_t i = 0; i < ink.size(); ++i) page[i] = 1.f - 0.9f * ink[i];
  // The canonical L: its ink's centre of mass 4 px right of the window's centre.
  std::vector<float> canonical(P * P, 0.f);
  const double cx = centres[0].first - 14, cy = centres[0].second - 16;  // the L's centre from its corner
  draw_l(canonical, P, int(std::lround(P / 2.0 + 4 - cx)), int(std::lround(P / 2.0 - cy)));
  tiae::DocumentAnalysis job(page, w, h, options(2));
  scan(job, canonical);
  const auto& peaks = job.peaks();
  REQUIRE(peaks.size() == centres.size());
  for (const auto& [x, y] : centres) {
    double nearest = INFINITY;
    for (const auto& p : peaks) nearest = std::min(nearest, std::hypot(p.x - x, p.y - y));
    INFO("L centred at " << x << ", " << y);
    CHECK(nearest <= 0.5);
  }
}

TEST_CASE("mean shift separates well-apart groups and labels each point by its group") {
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.f, 0.3f);
  const int dims = 5, per = 40;
  std::vector<float> points;
  std::vector<int> truth;
  for (int g = 0; g < 4; ++g)
    for (int i = 0; i < per; ++i) {
      for (int k = 0; k < dims; ++k) points.push_back(10.f * float(g == k) + noise(rng));
      truth.push_back(g);
    }
  const auto r = tiae::mean_shift(points, dims, 3.0);
  REQUIRE(r.clusters() == 4);
  for (size_t i = 0; i < truth.size(); ++i)
    for (size_t j = 0; j < truth.size(); ++j) REQUIRE((truth[i] == truth[j]) == (r.labels[i] == r.labels[j]));
  // the representative of each cluster is one of its members
  const auto reps = tiae::cluster_representatives(points, r);
  for (int c = 0; c < 4; ++c) CHECK(r.labels[size_t(reps[size_t(c)])] == c);
}

TEST_CASE("document analysis refuses bad input with a reason and stays in order") {
  std::vector<float> page(64 * 48, 1.f);
  auto o = options(4);
  CHECK_THROWS_WITH(tiae::DocumentAnalysis(std::vector<float>(10, 1.f), 64, 48, o), Catch::Contains("size"));
  page[100] = NAN;
  CHECK_THROWS_WITH(tiae::DocumentAnalysis(page, 64, 48, o), Catch::Contains("finite"));
  o.max_shift = 20;
  CHECK_FALSE(tiae::DocumentAnalysis::check(64, 48, o).empty());
  o = options(0);
  CHECK_THAT(tiae::DocumentAnalysis::check(64, 48, o), Catch::Contains("stride"));
  page[100] = 1.f;
  tiae::DocumentAnalysis job(page, 64, 48, options(4));
  CHECK_THROWS_AS(job.peaks(), std::logic_error);  // before the scan
  CHECK_THROWS_AS(tiae::mean_shift({1.f, 2.f}, 2, 0.0), std::invalid_argument);
}
