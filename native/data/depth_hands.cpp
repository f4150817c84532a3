#include "data/depth_hands.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

namespace tiae {

namespace {

constexpr float kMaxRange = 1.5f;  // m: beyond it the sensor measures nothing
constexpr float kCentre = kRenderSide / 2.f;

using Rng = std::mt19937_64;
float uniform(Rng& rng, float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }
float normal(Rng& rng, float sigma) { return std::normal_distribution<float>(0, sigma)(rng); }

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Joint angles from their ranges: the four fingers close together (a grip, half the hands)
// or each on its own, every joint with its own jitter; a closed finger spreads less.
std::array<float, kHandJoints> draw_angles(Rng& rng) {
  const auto& joints = hand_joints();
  std::array<float, kHandJoints> a{};
  const auto at = [&](int j, float t) { return joints[size_t(j)].low + std::clamp(t, 0.f, 1.f) * (joints[size_t(j)].high - joints[size_t(j)].low); };
  for (int j = 0; j < 4; ++j) a[size_t(j)] = at(j, uniform(rng, 0, 1));
  const bool together = uniform(rng, 0, 1) < 0.5f;
  const float grip = uniform(rng, 0, 1);
  for (int f = 0; f < 4; ++f) {
    const float closure = together ? grip + normal(rng, 0.12f) : uniform(rng, 0, 1);
    const int j = 4 + 3 * f;
    a[size_t(j)] = at(j, 0.5f + (uniform(rng, 0, 1) - 0.5f) * (1 - 0.8f * std::clamp(closure, 0.f, 1.f)));
    a[size_t(j + 1)] = at(j + 1, closure + normal(rng, 0.1f));
    a[size_t(j + 2)] = at(j + 2, closure + normal(rng, 0.15f));
  }
  for (int j = 16; j < kHandJoints; ++j) a[size_t(j)] = at(j, uniform(rng, 0, 1));
  return a;
}

// Where a ray from the camera through direction `d` (unit) first meets a capsule of radius
// r around a-b: the distance along the ray, or -1 (Inigo Quilez's capsule intersection).
float ray_capsule(const Vec3& d, const Vec3& a, const Vec3& b, float r) {
  const Vec3 ba{b.x - a.x, b.y - a.y, b.z - a.z}, oa{-a.x, -a.y, -a.z};
  const auto dot = [](const Vec3& u, const Vec3& v) { return u.x * v.x + u.y * v.y + u.z * v.z; };
  const float baba = dot(ba, ba), bard = dot(ba, d), baoa = dot(ba, oa), rdoa = dot(d, oa), oaoa = dot(oa, oa);
  const float qa = baba - bard * bard, qb = baba * rdoa - baoa * bard, qc = baba * oaoa - baoa * baoa - r * r * baba;
  const float h = qb * qb - qa * qc;
  if (h < 0 || qa <= 0) return -1;
  const float t = (-qb - std::sqrt(h)) / qa, y = baoa + t * bard;
  if (y > 0 && y < baba) return t;
  const Vec3 oc = y <= 0 ? oa : Vec3{-b.x, -b.y, -b.z};
  const float cb = dot(d, oc), cc = dot(oc, oc) - r * r, hc = cb * cb - cc;
  return hc > 0 ? -cb - std::sqrt(hc) : -1;
}

// The hand's capsules into the depth buffer (z along the optical axis), each over the box
// of pixels its bounding spheres can cover.
void draw_hand(std::vector<float>& z, const HandGeometry& hand) {
  for (const auto& c : hand.capsules) {
    const float r = (c.ra + c.rb) / 2;
    float u0 = kRenderSide, u1 = -1, v0 = kRenderSide, v1 = -1;
    for (const Vec3& p : {c.a, c.b}) {
      if (p.z <= r + 0.01f) continue;  // behind or at the camera: not drawn
      const float u = kCentre + kRenderFocal * p.x / p.z, v = kCentre + kRenderFocal * p.y / p.z, e = kRenderFocal * r / (p.z - r) + 2;
      u0 = std::min(u0, u - e), u1 = std::max(u1, u + e), v0 = std::min(v0, v - e), v1 = std::max(v1, v + e);
    }
    for (int y = std::max(0, int(v0)); y <= std::min(kRenderSide - 1, int(v1)); ++y)
      for (int x = std::max(0, int(u0)); x <= std::min(kRenderSide - 1, int(u1)); ++x) {
        Vec3 d{(x + 0.5f - kCentre) / kRenderFocal, (y + 0.5f - kCentre) / kRenderFocal, 1};
        const float norm = std::sqrt(d.x * d.x + d.y * d.y + 1);
        d = {d.x / norm, d.y / norm, d.z / norm};
        const float t = ray_capsule(d, c.a, c.b, r);
        if (t > 0) z[size_t(y) * kRenderSide + x] = std::min(z[size_t(y) * kRenderSide + x], t * d.z);
      }
  }
}

// A body (a tilted plane inside an ellipse: the torso), a table (a plane seen from above
// the hand) or nothing within range, behind the hand at `depth` m.
void draw_background(std::vector<float>& z, float depth, Rng& rng) {
  const float kind = uniform(rng, 0, 1);
  if (kind < 0.1f) return;
  const bool body = kind < 0.7f;
  const float nx = body ? uniform(rng, -0.45f, 0.45f) : uniform(rng, -0.3f, 0.3f), ny = body ? uniform(rng, -0.45f, 0.45f) : uniform(rng, -2.5f, -0.8f);
  // Its nearest point in the frame (a corner of the plane z (1 - nx x - ny y) = z0) lies 10
  // to 45 cm behind the hand's centre.
  const float edge = kCentre / kRenderFocal, nearest = 1 + (std::abs(nx) + std::abs(ny)) * edge;
  const float z0 = (depth + uniform(rng, 0.1f, 0.45f)) * nearest;
  const float ex = uniform(rng, -60, 60), ey = uniform(rng, -30, 90), rx = uniform(rng, 50, 150), ry = uniform(rng, 70, 180);
  for (int y = 0; y < kRenderSide; ++y)
    for (int x = 0; x < kRenderSide; ++x) {
      const float u = x + 0.5f - kCentre, v = y + 0.5f - kCentre;
      if (body && (u - ex) * (u - ex) / (rx * rx) + (v - ey) * (v - ey) / (ry * ry) > 1) continue;
      const float denominator = 1 - nx * u / kRenderFocal - ny * v / kRenderFocal;  // the plane z (1 - nx x - ny y) = z0
      if (denominator <= 0) continue;
      float& at = z[size_t(y) * kRenderSide + x];
      at = std::min(at, z0 / denominator);
    }
}

// The sensor: measurements lost at depth edges and in the emitter's shadow (the far side of
// an edge, toward one side), specks of loss, noise ~ d^2, quantisation to a step ~ d^2 and
// to the file's 1/8 mm, nothing beyond kMaxRange.
void add_sensor_faults(std::vector<float>& z, Rng& rng) {
  const int n = kRenderSide;
  const float edge_loss = uniform(rng, 0.1f, 0.7f), noise = uniform(rng, 0.001f, 0.008f), step = uniform(rng, 0.0005f, 0.003f);
  const int shadow = int(uniform(rng, 0, 6)), side = uniform(rng, 0, 1) < 0.5f ? -1 : 1;
  std::vector<float> in = z;
  for (auto& v : in) v = v <= kMaxRange ? v : 0;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const float d = in[size_t(y) * n + x];
      float& out = z[size_t(y) * n + x];
      out = d;
      if (d == 0) continue;
      bool edge = false, shadowed = false;
      for (int k = -1; k <= 1; k += 2) {
        const float h = x + k >= 0 && x + k < n ? in[size_t(y) * n + x + k] : d, v = y + k >= 0 && y + k < n ? in[size_t(y + k) * n + x] : d;
        edge = edge || h == 0 || v == 0 || std::abs(h - d) > 0.02f || std::abs(v - d) > 0.02f;
      }
      for (int s = 1; s <= shadow && !shadowed; ++s) {
        const int sx = x + side * s;
        shadowed = sx >= 0 && sx < n && in[size_t(y) * n + sx] > 0 && in[size_t(y) * n + sx] < d - 0.05f;
      }
      if (shadowed || (edge && uniform(rng, 0, 1) < edge_loss)) {
        out = 0;
        continue;
      }
      const float measured = d + normal(rng, noise * d * d), q = step * (d / 0.5f) * (d / 0.5f);
      out = std::round(std::round(measured / q) * q / 0.000125f) * 0.000125f;
    }
  const int specks = int(uniform(rng, 0, 6));
  for (int i = 0; i < specks; ++i) {
    const int cx = int(uniform(rng, 0, n)), cy = int(uniform(rng, 0, n)), r = int(uniform(rng, 1, 4));
    for (int y = std::max(0, cy - r); y < std::min(n, cy + r); ++y)
      for (int x = std::max(0, cx - r); x < std::min(n, cx + r); ++x) z[size_t(y) * n + x] = 0;
  }
}

}  // namespace

RenderedHand render_depth_hand(uint64_t seed, HandStream stream, uint64_t index) {
  Rng rng(mix(mix(mix(seed) ^ uint64_t(stream)) ^ index));
  RenderedHand r;
  r.angles = draw_angles(rng);
  auto hand = pose_hand(r.angles.data(), uniform(rng, 0.85f, 1.15f), 0.3f);
  // The palm's centre (6 cm above the wrist along the hand) near the optical axis at a
  // random depth: the frame's hand is then moved there.
  const Vec3 palm{(hand.joints[6].x + hand.joints[18].x) / 2 * 0.6f, (hand.joints[6].y + hand.joints[18].y) / 2 * 0.6f,
                  (hand.joints[6].z + hand.joints[18].z) / 2 * 0.6f};
  const float depth = uniform(rng, 0.35f, 0.75f), off = 12 * depth / kRenderFocal;
  const Vec3 to{uniform(rng, -off, off) - palm.x, uniform(rng, -off, off) - palm.y, depth - palm.z};
  for (auto& c : hand.capsules) {
    c.a = {c.a.x + to.x, c.a.y + to.y, c.a.z + to.z};
    c.b = {c.b.x + to.x, c.b.y + to.y, c.b.z + to.z};
  }
  r.metres.assign(size_t(kRenderSide) * kRenderSide, 1e9f);
  draw_hand(r.metres, hand);
  draw_background(r.metres, depth, rng);
  add_sensor_faults(r.metres, rng);
  return r;
}

DepthHandSet make_depth_hands(int count, uint64_t seed, HandStream stream, DepthCutOptions cut, int threads,
                              const std::function<void(int done)>& progress) {
  cut.focal_px = kRenderFocal;
  cut.size = DepthHandSet::kSize;
  DepthHandSet set;
  set.images.assign(size_t(count) * DepthHandSet::kSize * DepthHandSet::kSize, 0.f);
  set.angles.assign(size_t(count) * kHandJoints, 0.f);
  // Hand i is frame i, or when the cut-out refuses it, a frame of its own reserve, 2^40 +
  // 16 i + k: hand i is the same in a set of any size, on any number of threads.
  const auto work = [&](int first) {
    for (int i = first; i < count; i += threads) {
      for (uint64_t k = 0;; ++k) {
        const uint64_t index = k == 0 ? uint64_t(i) : (uint64_t(1) << 40) + uint64_t(i) * 16 + k;
        const auto frame = render_depth_hand(seed, stream, index);
        const auto crop = cut_out_hand(frame.metres.data(), kRenderSide, kRenderSide, cut);
        if (!crop.error.empty() && k < 16) continue;
        std::copy(crop.image.begin(), crop.image.end(), set.images.begin() + long(i) * DepthHandSet::kSize * DepthHandSet::kSize);
        std::copy(frame.angles.begin(), frame.angles.end(), set.angles.begin() + long(i) * kHandJoints);
        break;
      }
      if (first == 0 && progress && (i / threads) % 256 == 0) progress(i + 1);  // the other threads keep pace with this one
    }
  };
  threads = std::max(1, threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  return set;
}

}  // namespace tiae
