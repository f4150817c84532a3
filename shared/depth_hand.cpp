#include "depth_hand.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "resample.h"

namespace tiae {

namespace {

constexpr float kCm2 = 1e4f;  // cm^2 per m^2
constexpr long kMaxWindow = 2048;  // px: a larger window means a hand nearer than any sensor measures

std::string format_area(float cm2) { return std::to_string(int(std::lround(cm2))) + " cm^2"; }

// Labels of the pixels that `joins(p, q)` connects (8-neighbours), -1 where `inside(p)` is
// false; breadth first from each unlabelled pixel in row-major order.
template <class Inside, class Joins>
std::vector<int> label_regions(int width, int height, Inside inside, Joins joins, int* count) {
  std::vector<int> label(size_t(width) * height, -1), queue;
  int next = 0;
  for (int start = 0; start < width * height; ++start) {
    if (label[size_t(start)] >= 0 || !inside(start)) continue;
    label[size_t(start)] = next;
    queue.assign(1, start);
    for (size_t head = 0; head < queue.size(); ++head) {
      const int p = queue[head], x = p % width, y = p / width;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy, q = ny * width + nx;
          if ((dx || dy) && nx >= 0 && ny >= 0 && nx < width && ny < height && label[size_t(q)] < 0 && inside(q) && joins(p, q)) {
            label[size_t(q)] = next;
            queue.push_back(q);
          }
        }
    }
    ++next;
  }
  *count = next;
  return label;
}

// The pixels reached from `seed` through steps to pixels within `radius` px (a square)
// for which `inside` holds and `joins` connects: 1 on them, 0 elsewhere.
template <class Inside, class Joins>
std::vector<uint8_t> grow_region(int width, int height, int seed, int radius, Inside inside, Joins joins) {
  std::vector<uint8_t> in(size_t(width) * height, 0);
  std::vector<int> queue{seed};
  in[size_t(seed)] = 1;
  for (size_t head = 0; head < queue.size(); ++head) {
    const int p = queue[head], x = p % width, y = p / width;
    for (int ny = std::max(0, y - radius); ny <= std::min(height - 1, y + radius); ++ny)
      for (int nx = std::max(0, x - radius); nx <= std::min(width - 1, x + radius); ++nx) {
        const int q = ny * width + nx;
        if (!in[size_t(q)] && inside(q) && joins(p, q)) {
          in[size_t(q)] = 1;
          queue.push_back(q);
        }
      }
  }
  return in;
}

// One axis of a square's dilation (take = max) or erosion (take = min) of `in` by a
// window of 2 r + 1 along x (step 1) or y (step width); outside the image is ignored.
std::vector<uint8_t> sweep(const std::vector<uint8_t>& in, int width, int height, int r, bool along_x, bool dilate) {
  std::vector<uint8_t> out(in.size());
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      uint8_t v = dilate ? 0 : 1;
      const int c = along_x ? x : y, n = along_x ? width : height;
      for (int k = std::max(0, c - r); k <= std::min(n - 1, c + r); ++k) {
        const uint8_t s = in[along_x ? size_t(y) * width + k : size_t(k) * width + x];
        v = dilate ? std::max(v, s) : std::min(v, s);
      }
      out[size_t(y) * width + x] = v;
    }
  return out;
}

struct Box {
  int x0, y0, x1, y1;  // inclusive
};

// The frame as the steps see it: depths, surfaces and their areas, the camera.
struct Frame {
  const float* metres;
  int width, height;
  float focal;
  std::vector<int> surface;  // per pixel, -1: no measurement
  std::vector<float> area;   // per surface, cm^2
  float pixel_area(float d) const { return d * d / (focal * focal) * kCm2; }
  bool speck(int p) const { return surface[size_t(p)] < 0 || area[size_t(surface[size_t(p)])] < min_surface; }
  float min_surface = 0;
};

// Step 2 from one seed: the hand's pixels, their area and bounding box.
struct Region {
  std::vector<uint8_t> mask;
  float area = 0;
  Box box{0, 0, -1, -1};
};
Region grow_hand(const Frame& fr, int seed, const DepthCutOptions& o) {
  const float far = fr.metres[seed] + o.band_m;
  const int gap = std::max(1, int(std::lround(o.gap_m * fr.focal / fr.metres[seed])));
  Region r;
  r.mask = grow_region(
      fr.width, fr.height, seed, gap, [&](int p) { return !fr.speck(p) && fr.metres[p] <= far; },
      [&](int p, int q) { return std::abs(fr.metres[p] - fr.metres[q]) < o.surface_jump_m; });
  r.box = {fr.width, fr.height, -1, -1};
  for (int y = 0; y < fr.height; ++y)
    for (int x = 0; x < fr.width; ++x)
      if (r.mask[size_t(y) * fr.width + x]) {
        r.area += fr.pixel_area(fr.metres[size_t(y) * fr.width + x]);
        r.box = {std::min(r.box.x0, x), std::min(r.box.y0, y), std::max(r.box.x1, x), std::max(r.box.y1, y)};
      }
  return r;
}

// Step 3 within the hand's bounding box grown by the radius: pixels without a measurement
// that the closing adds join the hand, at the mean depth of the hand's pixels around them.
void fill_holes(std::vector<float>& depth, std::vector<uint8_t>& hand, const float* metres, int width, int height, Box box, int r) {
  box = {std::max(0, box.x0 - r), std::max(0, box.y0 - r), std::min(width - 1, box.x1 + r), std::min(height - 1, box.y1 + r)};
  const int w = box.x1 - box.x0 + 1, h = box.y1 - box.y0 + 1;
  std::vector<uint8_t> sub(size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) sub[size_t(y) * w + x] = hand[size_t(y + box.y0) * width + x + box.x0];
  const auto closed = close_mask(sub.data(), w, h, r);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t p = size_t(y + box.y0) * width + x + box.x0;
      if (!closed[size_t(y) * w + x] || hand[p] || metres[p] > 0) continue;
      double sum = 0;
      int n = 0;
      for (int v = std::max(0, y - r); v <= std::min(h - 1, y + r); ++v)
        for (int u = std::max(0, x - r); u <= std::min(w - 1, x + r); ++u)
          if (sub[size_t(v) * w + u]) sum += depth[size_t(v + box.y0) * width + u + box.x0], ++n;
      if (n == 0) continue;
      depth[p] = float(sum / n);
      hand[p] = 1;
    }
}

// The pixels of `mask` within a disc, as a callback on each.
template <class Visit>
void in_disc(const std::vector<uint8_t>& mask, int width, int height, float cx, float cy, float radius, Visit visit) {
  for (int v = std::max(0, int(cy - radius)); v <= std::min(height - 1, int(cy + radius) + 1); ++v)
    for (int u = std::max(0, int(cx - radius)); u <= std::min(width - 1, int(cx + radius) + 1); ++u)
      if (mask[size_t(v) * width + u] && (u + 0.5f - cx) * (u + 0.5f - cx) + (v + 0.5f - cy) * (v + 0.5f - cy) <= radius * radius)
        visit(u, v);
}

// Step 4: mean shift of the hand's pixels with a flat disc of `radius` px from `x`, `y`.
void mean_shift_centre(const std::vector<uint8_t>& hand, int width, int height, float radius, float& x, float& y) {
  for (int iteration = 0; iteration < 50; ++iteration) {
    double sx = 0, sy = 0;
    long n = 0;
    in_disc(hand, width, height, x, y, radius, [&](int u, int v) { sx += u + 0.5, sy += v + 0.5, ++n; });
    if (n == 0) return;
    const float nx = float(sx / n), ny = float(sy / n);
    const bool settled = std::abs(nx - x) < 0.05f && std::abs(ny - y) < 0.05f;
    x = nx, y = ny;
    if (settled) return;
  }
}

// A region's outline (its pixels beside one outside it): how much of it continues into a
// surface beyond the region (an outside neighbour with a measurement within
// surface_jump_m), and where the region is cut off (those pixels and the pixels on the
// frame's border).
struct Outline {
  long pixels = 0, continued = 0;
  std::vector<int> cut;
  float continued_share() const { return pixels > 0 ? float(continued) / float(pixels) : 0.f; }
};
Outline outline_of(const Frame& fr, const Region& r, float jump) {
  Outline o;
  for (int y = std::max(0, r.box.y0); y <= r.box.y1; ++y)
    for (int x = std::max(0, r.box.x0); x <= r.box.x1; ++x) {
      const size_t p = size_t(y) * fr.width + x;
      if (!r.mask[p]) continue;
      bool edge = false, goes_on = false, border = x == 0 || y == 0 || x == fr.width - 1 || y == fr.height - 1;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= fr.width || ny >= fr.height) continue;
          const size_t q = size_t(ny) * fr.width + nx;
          if (r.mask[q]) continue;
          edge = true;
          goes_on = goes_on || (fr.metres[q] > 0 && std::abs(fr.metres[q] - fr.metres[p]) < jump);
        }
      o.pixels += edge, o.continued += goes_on;
      if (goes_on || border) o.cut.push_back(int(p));
    }
  return o;
}

// Where the hand's centre is sought from: the region's pixel farthest (in 8-connected
// steps) from where it is cut off, the free end of a hand on its arm (the arm may be
// nearer the camera than the hand); the nearest pixel when nothing cuts it.
int free_end(const Frame& fr, const Region& r, const Outline& outline, int nearest) {
  if (outline.cut.empty()) return nearest;
  std::vector<int> steps(r.mask.size(), -1), queue = outline.cut;
  for (int p : queue) steps[size_t(p)] = 0;
  size_t head = 0;
  for (; head < queue.size(); ++head) {
    const int p = queue[head], x = p % fr.width, y = p / fr.width;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int nx = x + dx, ny = y + dy, q = ny * fr.width + nx;
        if (nx < 0 || ny < 0 || nx >= fr.width || ny >= fr.height || !r.mask[size_t(q)] || steps[size_t(q)] >= 0) continue;
        steps[size_t(q)] = steps[size_t(p)] + 1;
        queue.push_back(q);
      }
  }
  return queue.back();  // the last reached is the farthest
}

// Step 2's test of one surface's region grown from `seed`: "" when it is a hand in view
// (its centre, step 4, then in x, y), else why not.
std::string judge_region(const Frame& fr, const DepthCutOptions& o, int seed, const Region& r, float& x, float& y) {
  const float d = fr.metres[seed], margin = o.window_m * fr.focal / d / 4;
  if (r.area < o.min_hand_cm2 || r.area > o.max_hand_cm2)
    return "the nearest object is not a hand: it covers " + format_area(r.area) + " within " + std::to_string(int(std::lround(o.band_m * 100))) +
           " cm of its nearest point (a hand with its wrist: " + format_area(o.min_hand_cm2) + " to " + format_area(o.max_hand_cm2) + ")";
  const auto outline = outline_of(fr, r, o.surface_jump_m);
  if (outline.continued_share() > o.max_continued)
    return "the nearest object is not a hand: it does not stand out from what is behind it (" +
           std::to_string(int(std::lround(outline.continued_share() * 100))) + " % of its outline goes on into a surface farther away)";
  const int start = free_end(fr, r, outline, seed);
  x = float(start % fr.width) + 0.5f, y = float(start / fr.width) + 0.5f;
  mean_shift_centre(r.mask, fr.width, fr.height, o.centre_radius_m * fr.focal / d, x, y);
  if (x < margin || y < margin || x > fr.width - margin || y > fr.height - margin)
    return "the nearest object is cut by the frame's border (its centre lies " +
           std::to_string(int(std::lround(std::min({x, y, fr.width - x, fr.height - y})))) + " px from it)";
  return "";
}

// Steps 1 and 2: the nearest surface that is a hand in view. Surfaces are tried nearest
// first (by their nearest pixel), up to 8; returns the first one's refusal when none is.
std::string find_hand(const Frame& fr, const DepthCutOptions& o, HandCrop& crop, Region& hand) {
  std::vector<long> nearest(fr.area.size(), -1);
  for (size_t p = 0; p < fr.surface.size(); ++p)
    if (!fr.speck(int(p))) {
      long& q = nearest[size_t(fr.surface[p])];
      if (q < 0 || fr.metres[p] < fr.metres[q]) q = long(p);
    }
  std::vector<long> seeds;
  for (long p : nearest)
    if (p >= 0) seeds.push_back(p);
  if (seeds.empty()) return "the frame holds only specks of measurement (no surface over " + format_area(o.min_surface_cm2) + ")";
  std::sort(seeds.begin(), seeds.end(), [&](long a, long b) { return fr.metres[a] < fr.metres[b]; });
  std::string first_refusal;
  for (size_t k = 0; k < seeds.size() && k < 8; ++k) {
    Region r = grow_hand(fr, int(seeds[k]), o);
    float x = 0, y = 0;
    const auto refusal = judge_region(fr, o, int(seeds[k]), r, x, y);
    if (refusal.empty()) {
      crop.nearest_m = fr.metres[seeds[k]], crop.area_cm2 = r.area, crop.centre_x = x, crop.centre_y = y;
      hand = std::move(r);
      return "";
    }
    if (first_refusal.empty()) first_refusal = refusal;
  }
  return first_refusal;
}

}  // namespace

std::string check_depth_frame_size(long long width, long long height) {
  if (width <= 0 || height <= 0) return "the depth frame has zero size (" + std::to_string(width) + "x" + std::to_string(height) + ")";
  const auto w = static_cast<unsigned long long>(width), h = static_cast<unsigned long long>(height);
  const auto limit = static_cast<unsigned long long>(kMaxDepthPixels);
  if (w > limit || h > limit || w * h > limit)
    return "the depth frame is too large (" + std::to_string(width) + "x" + std::to_string(height) + " pixels; a depth frame has at most " +
           std::to_string(kMaxDepthPixels / 1'000'000) + " megapixels)";
  return "";
}

std::vector<int> surface_components(const float* metres, int width, int height, float jump, int* count) {
  return label_regions(
      width, height, [&](int p) { return metres[p] > 0 && std::isfinite(metres[p]); },
      [&](int p, int q) { return std::abs(metres[p] - metres[q]) < jump; }, count);
}

std::vector<uint8_t> close_mask(const uint8_t* mask, int width, int height, int r) {
  std::vector<uint8_t> m(mask, mask + size_t(width) * height);
  for (auto& v : m) v = v ? 1 : 0;
  m = sweep(sweep(m, width, height, r, true, true), width, height, r, false, true);
  return sweep(sweep(m, width, height, r, true, false), width, height, r, false, false);
}

HandCrop cut_out_hand(const float* metres, int width, int height, const DepthCutOptions& o, float offset_x, float offset_y) {
  HandCrop crop;
  if (const auto e = check_depth_frame_size(width, height); !e.empty()) return crop.error = e, crop;
  if (!(o.focal_px >= 1 && o.focal_px <= 100000) || o.size < 1 || o.size > 1024)
    return crop.error = "the camera's focal length must be 1 to 100000 px", crop;
  // 1. surfaces and their areas
  Frame fr{metres, width, height, o.focal_px, {}, {}, o.min_surface_cm2};
  int surfaces = 0;
  fr.surface = surface_components(metres, width, height, o.surface_jump_m, &surfaces);
  if (surfaces == 0) return crop.error = "the frame holds no depth measurement (every pixel is 0)", crop;
  fr.area.assign(size_t(surfaces), 0.f);
  for (size_t p = 0; p < fr.surface.size(); ++p)
    if (fr.surface[p] >= 0) fr.area[size_t(fr.surface[p])] += fr.pixel_area(metres[p]);
  // 2. the hand, 3. its holes filled
  Region hand;
  if (auto e = find_hand(fr, o, crop, hand); !e.empty()) return crop.error = e, crop;
  std::vector<float> depth(metres, metres + fr.surface.size());
  fill_holes(depth, hand.mask, metres, width, height, hand.box, std::max(1, int(std::lround(o.hole_m * o.focal_px / crop.nearest_m))));
  crop.hand = std::move(hand.mask);
  // 4. its depth: the median over the mean shift's disc
  std::vector<float> near_centre;
  in_disc(crop.hand, width, height, crop.centre_x, crop.centre_y, o.centre_radius_m * o.focal_px / crop.nearest_m,
          [&](int u, int v) { near_centre.push_back(depth[size_t(v) * width + u]); });
  std::nth_element(near_centre.begin(), near_centre.begin() + long(near_centre.size() / 2), near_centre.end());
  crop.depth_m = near_centre.empty() ? crop.nearest_m : near_centre[near_centre.size() / 2];
  // 5. the window and its values
  const long side_wanted = std::lround(o.window_m * o.focal_px / crop.depth_m);
  if (side_wanted > kMaxWindow)
    return crop.error = "the hand is too near the camera (" + std::to_string(int(std::lround(crop.depth_m * 100))) + " cm)", crop;
  const int side = std::max(1, int(side_wanted));
  crop.window_px = side;
  crop.x0 = int(std::lround(crop.centre_x + offset_x * side / o.size - side / 2.f));
  crop.y0 = int(std::lround(crop.centre_y + offset_y * side / o.size - side / 2.f));
  std::vector<float> window(size_t(side) * side, 0.f);
  for (int y = std::max(0, -crop.y0); y < std::min(side, height - crop.y0); ++y)
    for (int x = std::max(0, -crop.x0); x < std::min(side, width - crop.x0); ++x) {
      const size_t p = size_t(crop.y0 + y) * width + crop.x0 + x;
      if (crop.hand[p]) window[size_t(y) * side + x] = std::clamp(0.5f + (crop.depth_m - depth[p]) / o.level_span_m, o.floor, 1.f);
    }
  crop.image = resize_image(window.data(), side, side, o.size, o.size);
  return crop;
}

std::vector<float> depth_frame_picture(const float* metres, int width, int height, const HandCrop& crop) {
  std::vector<float> v(size_t(width) * size_t(height), 0.f);
  for (size_t p = 0; p < v.size(); ++p)
    if (metres[p] > 0) v[p] = std::clamp(1 - (metres[p] - crop.nearest_m) / 1.0f, 0.15f, 1.f) * (crop.hand[p] ? 1.f : 0.6f);
  return v;
}

}  // namespace tiae
