// shared/depth_hand.h, the hand cut out of a depth frame, on frames drawn here: a flat hand
// (palm, four fingers, a forearm down to the frame's border) in front of a wall, and frames
// that hold no hand. Its surfaces and closing are checked against their definitions by
// brute force (tests/test_depth_native.cpp: against OpenCV).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "depth_hand.h"

namespace {

constexpr int W = 320, H = 240;
// A focal length at which a 0.26 m window at 0.5 m is 256 px: 8 x 8 px per input pixel.
constexpr float kFocal = 256 * 0.5f / 0.26f;

tiae::DepthCutOptions options() {
  tiae::DepthCutOptions o;
  o.focal_px = kFocal;
  return o;
}

// A hand 0.5 m away (a palm of radius 4 cm centred at (cx, cy), four fingers 7 cm long and
// 1.6 cm wide with 0.8 cm between them, a forearm 6 cm wide down to the bottom border at
// 0.52 m) in front of a wall at 0.8 m. 1 px is about 1 mm at 0.5 m.
std::vector<float> hand_frame(float cx = 160, float cy = 130) {
  std::vector<float> m(size_t(W) * H, 0.8f);
  const float mm = kFocal / 500;  // px per mm at 0.5 m
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const float u = (x + 0.5f - cx) / mm, v = (y + 0.5f - cy) / mm;  // mm from the palm's centre
      const bool palm = u * u + v * v < 40 * 40;
      bool finger = false;
      for (int f = 0; f < 4; ++f) finger = finger || (std::abs(u - (-36 + 24 * f)) < 8 && v < -20 && v > -110);
      const bool forearm = std::abs(u) < 30 && v > 0;
      if (palm || finger) m[size_t(y) * W + x] = 0.5f;
      else if (forearm) m[size_t(y) * W + x] = 0.52f;
    }
  return m;
}

// Brute-force surfaces: union-find over every pair of 8-neighbours with measurements whose
// depths differ by less than `jump`.
std::vector<int> brute_surfaces(const std::vector<float>& m, int w, int h, float jump) {
  std::vector<int> parent(m.size());
  std::iota(parent.begin(), parent.end(), 0);
  const std::function<int(int)> root = [&](int p) { return parent[size_t(p)] == p ? p : parent[size_t(p)] = root(parent[size_t(p)]); };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const int p = y * w + x, q = ny * w + nx;
          if (m[size_t(p)] > 0 && m[size_t(q)] > 0 && std::abs(m[size_t(p)] - m[size_t(q)]) < jump) parent[size_t(root(p))] = root(q);
        }
  std::vector<int> out(m.size());
  for (size_t p = 0; p < m.size(); ++p) out[p] = m[p] > 0 ? root(int(p)) : -1;
  return out;
}

}  // namespace

TEST_CASE("a hand in front of a wall is found: its centre on the palm, its depth, its window") {
  const auto frame = hand_frame();
  const auto crop = tiae::cut_out_hand(frame.data(), W, H, options());
  REQUIRE(crop.error.empty());
  CHECK(std::hypot(crop.centre_x - 160, crop.centre_y - 130) < 40 * kFocal / 500);  // within the palm
  CHECK(crop.depth_m == Approx(0.5f));
  CHECK(crop.nearest_m == Approx(0.5f));
  CHECK(crop.window_px == 256);
  const float expected_cm2 = (3.14159f * 40 * 40 + 4 * 16 * 70) / 100.f;  // palm and fingers; the forearm comes on top
  CHECK(crop.area_cm2 > expected_cm2);
  CHECK(crop.area_cm2 < expected_cm2 + 6 * (H - 130) * 500 / kFocal / 10.f + 5);
  REQUIRE(crop.image.size() == 32u * 32u);
  // on the hand 0.5 (at its own depth), off it 0; never the wall
  CHECK(crop.image[size_t(16) * 32 + 16] == Approx(0.5f));
  CHECK(crop.image[0] == 0.f);
  CHECK(*std::max_element(crop.image.begin(), crop.image.end()) <= 0.5f + 1e-6f);
}

TEST_CASE("moving the crop by k input pixels moves the hand in the input by exactly -k") {
  const auto frame = hand_frame();
  const auto base = tiae::cut_out_hand(frame.data(), W, H, options());
  for (int k : {-5, -1, 2, 7}) {
    const auto moved = tiae::cut_out_hand(frame.data(), W, H, options(), float(k), float(-k));
    REQUIRE(moved.error.empty());
    CHECK(moved.x0 == base.x0 + 8 * k);
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) {
        const int sx = x + k, sy = y - k;
        if (sx >= 0 && sy >= 0 && sx < 32 && sy < 32) REQUIRE(moved.image[size_t(y) * 32 + x] == Approx(base.image[size_t(sy) * 32 + sx]).margin(1e-6));
      }
  }
}

TEST_CASE("a hole without measurement in the palm is filled at the palm's depth") {
  auto frame = hand_frame();
  for (int y = 128; y < 133; ++y)
    for (int x = 158; x < 163; ++x) frame[size_t(y) * W + x] = 0;
  const auto crop = tiae::cut_out_hand(frame.data(), W, H, options());
  REQUIRE(crop.error.empty());
  CHECK(crop.hand[size_t(130) * W + 160] == 1);
  const int ix = int((160 - crop.x0) / 8), iy = int((130 - crop.y0) / 8);  // the input pixel over the hole
  CHECK(crop.image[size_t(iy) * 32 + ix] == Approx(0.5f));
}

TEST_CASE("frames without a hand are refused with the reason, never by a crash") {
  const auto refusal = [](const std::vector<float>& m, int w = W, int h = H) { return tiae::cut_out_hand(m.data(), w, h, options()).error; };
  CHECK(refusal(std::vector<float>(size_t(W) * H, 0.f)).find("no depth measurement") != std::string::npos);
  std::vector<float> specks(size_t(W) * H, 0.f);
  for (int i = 0; i < 20; ++i) specks[size_t(i) * 3001] = 0.6f;
  CHECK(refusal(specks).find("only specks") != std::string::npos);
  CHECK(refusal(std::vector<float>(size_t(W) * H, 0.6f)).find("not a hand: it covers") != std::string::npos);  // a wall
  auto small = std::vector<float>(size_t(W) * H, 0.8f);
  for (int y = 100; y < 125; ++y)
    for (int x = 100; x < 125; ++x) small[size_t(y) * W + x] = 0.4f;  // 2 x 2 cm at 0.4 m
  CHECK(refusal(small).find("the nearest object is not a hand: it covers 4 cm^2") == 0);
  CHECK(refusal(hand_frame(20, 130)).find("cut by the frame's border") != std::string::npos);
  CHECK(refusal(std::vector<float>(4, 0.5f), 0, 4).find("zero size") != std::string::npos);
  std::mt19937 rng(8);
  for (int trial = 0; trial < 20; ++trial) {  // garbage: NaN, infinities, negative values
    std::vector<float> junk(size_t(64) * 48);
    for (auto& v : junk) {
      const int k = int(rng() % 6);
      v = k == 0 ? std::numeric_limits<float>::quiet_NaN() : k == 1 ? std::numeric_limits<float>::infinity() : k == 2 ? -1.f : float(rng() % 1000) / 500;
    }
    const auto crop = tiae::cut_out_hand(junk.data(), 64, 48, options());
    CHECK((crop.error.empty() ? crop.image.size() == 32u * 32u : true));
  }
}

TEST_CASE("surfaces are the 8-connected pixels whose depths step by less than the jump (brute force)") {
  std::mt19937 rng(9);
  const float levels[] = {0, 0.5f, 0.51f, 0.525f, 0.55f, 0.7f};
  for (int trial = 0; trial < 30; ++trial) {
    const int w = 23, h = 17;
    std::vector<float> m(size_t(w) * h);
    for (auto& v : m) v = levels[rng() % 6];
    int count = 0;
    const auto labels = tiae::surface_components(m.data(), w, h, 0.02f, &count);
    const auto truth = brute_surfaces(m, w, h, 0.02f);
    // the same partition: a one-to-one map between labels and brute-force roots
    std::map<int, int> to_root, to_label;
    for (size_t p = 0; p < m.size(); ++p) {
      REQUIRE((labels[p] < 0) == (truth[p] < 0));
      if (labels[p] < 0) continue;
      REQUIRE(labels[p] < count);
      REQUIRE(to_root.emplace(labels[p], truth[p]).first->second == truth[p]);
      REQUIRE(to_label.emplace(truth[p], labels[p]).first->second == labels[p]);
    }
    CHECK(int(to_root.size()) == count);
  }
}

TEST_CASE("closing is dilation then erosion by a square, the outside taking no part (brute force)") {
  std::mt19937 rng(10);
  for (int r : {1, 2, 4}) {
    const int w = 29, h = 21;
    std::vector<uint8_t> mask(size_t(w) * h);
    for (auto& v : mask) v = rng() % 4 == 0;
    const auto closed = tiae::close_mask(mask.data(), w, h, r);
    const auto in = [&](int x, int y) { return x >= 0 && y >= 0 && x < w && y < h; };
    std::vector<uint8_t> dilated(mask.size());
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int v = y - r; v <= y + r; ++v)
          for (int u = x - r; u <= x + r; ++u)
            if (in(u, v) && mask[size_t(v) * w + u]) dilated[size_t(y) * w + x] = 1;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        uint8_t e = 1;
        for (int v = y - r; v <= y + r; ++v)
          for (int u = x - r; u <= x + r; ++u)
            if (in(u, v) && !dilated[size_t(v) * w + u]) e = 0;
        REQUIRE(closed[size_t(y) * w + x] == e);
      }
  }
}
