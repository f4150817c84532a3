#include "data/grasp_masks.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace tiae {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int S = GraspSet::kSize;

// Shapes in px, origin at the canvas's centre, y down. Each answers: is (x, y) inside?
struct Capsule {
  double x0, y0, x1, y1, r;
  bool inside(double x, double y) const {
    const double vx = x1 - x0, vy = y1 - y0, len2 = vx * vx + vy * vy;
    const double t = len2 > 0 ? std::clamp(((x - x0) * vx + (y - y0) * vy) / len2, 0.0, 1.0) : 0.0;
    return std::hypot(x - x0 - t * vx, y - y0 - t * vy) <= r;
  }
};
struct Ellipse {  // rotated by angle (radians); a ring when hole > 0 (the inner share of the radii)
  double cx, cy, rx, ry, angle = 0, hole = 0;
  bool inside(double x, double y) const {
    const double c = std::cos(angle), s = std::sin(angle), u = (x - cx) * c + (y - cy) * s, v = -(x - cx) * s + (y - cy) * c;
    const double d = (u * u) / (rx * rx) + (v * v) / (ry * ry);
    return d <= 1 && d >= hole * hole;
  }
};
struct Box {  // a rectangle of half sides hw, hh
  double cx, cy, hw, hh, angle = 0;
  bool inside(double x, double y) const {
    const double c = std::cos(angle), s = std::sin(angle), u = (x - cx) * c + (y - cy) * s, v = -(x - cx) * s + (y - cy) * c;
    return std::abs(u) <= hw && std::abs(v) <= hh;
  }
};

struct Region {
  std::vector<Capsule> capsules;
  std::vector<Ellipse> ellipses;
  std::vector<Box> boxes;
  bool inside(double x, double y) const {
    for (const auto& c : capsules) if (c.inside(x, y)) return true;
    for (const auto& e : ellipses) if (e.inside(x, y)) return true;
    for (const auto& b : boxes) if (b.inside(x, y)) return true;
    return false;
  }
};

// What one drawing varies: joint angles, finger lengths, object size.
struct Jitter {
  std::mt19937_64& rng;
  double finger = 1, object = 1;
  double angle(double degrees) { return (degrees + std::uniform_real_distribution<double>(-12, 12)(rng)) * kPi / 180; }
};

// A finger from (x, y): segments of the given lengths, the first at `start` degrees
// (0: +x, 90: down), each next one turned by its bend (degrees, positive: clockwise).
void finger(Region& hand, Jitter& j, double x, double y, double start, std::vector<double> lengths, std::vector<double> bends,
            double r = 1.2) {
  double a = j.angle(start);
  for (size_t k = 0; k < lengths.size(); ++k) {
    if (k > 0) a += j.angle(bends[k - 1]);
    const double l = lengths[k] * j.finger, nx = x + l * std::cos(a), ny = y + l * std::sin(a);
    hand.capsules.push_back({x, y, nx, ny, r});
    x = nx, y = ny;
  }
}

// Four fingers wrapped across an object from a palm on its right, and the thumb over it.
void power_hand(Region& hand, Jitter& j, double palm_x, double top, double bottom, double curl) {
  hand.ellipses.push_back({palm_x + 3, (top + bottom) / 2, 3.5, (bottom - top) / 2 + 1});
  for (int f = 0; f < 4; ++f) {
    const double y = top + (bottom - top) * (f + 0.5) / 4;
    finger(hand, j, palm_x, y, 180, {4.5, 3.5, 2.5}, {curl, curl}, 1.3);
  }
  finger(hand, j, palm_x + 2, top - 1, 225, {4, 3.5}, {-15}, 1.4);
}

void draw_class(int label, Region& hand, Region& object, Jitter& j) {
  const double o = j.object;
  switch (label) {
    case 0:  // power grip on a cup: the body, the handle on the far side
      object.boxes.push_back({-3, 0, 4.5 * o, 6 * o});
      object.ellipses.push_back({-3 - 4.5 * o - 2, 0, 3, 3.5, 0, 0.5});
      power_hand(hand, j, 4, -4.5, 4.5, 10);
      break;
    case 1:  // power grip on a bottle: the body below, the neck and cap above the hand
      object.boxes.push_back({-2, 2, 4 * o, 7 * o});
      object.boxes.push_back({-2, 2 - 7 * o - 2.5, 1.7, 3});
      power_hand(hand, j, 3, -2, 6, 8);
      break;
    case 2:  // power grip on a ball: fingers curve around it
      object.ellipses.push_back({-3, 0, 6 * o, 6 * o});
      power_hand(hand, j, 4, -4, 4, 28);
      break;
    case 3:  // precision pinch on a pen: thumb and index tips meet on it
      object.capsules.push_back({-12 * o, 7 * o, 11 * o, -7 * o, 1.0});
      hand.ellipses.push_back({8, 7, 4, 3.5, 0.5});
      finger(hand, j, 6, 4, 225, {5, 3.5}, {20}, 1.2);                                 // index to the pen from above
      finger(hand, j, 4, 8, 200, {4, 3}, {-25}, 1.3);                                  // thumb from below
      for (int f = 0; f < 3; ++f) finger(hand, j, 9 + f, 4, 270, {3, 2.5}, {60}, 1.2);  // the rest curled in
      break;
    case 4:  // precision pinch on a small ball
      object.ellipses.push_back({-4, -3, 3 * o, 3 * o});
      hand.ellipses.push_back({7, 6, 4, 3.5, 0.4});
      finger(hand, j, 5, 3, 215, {5, 4}, {-10}, 1.2);
      finger(hand, j, 3, 7, 195, {5, 3}, {-35}, 1.3);
      for (int f = 0; f < 3; ++f) finger(hand, j, 8 + f, 3, 270, {3, 2.5}, {60}, 1.2);
      break;
    case 5:  // lateral grip on a pen: clamped between the thumb and the side of the curled index
      object.capsules.push_back({-13 * o, -1, 12 * o, 1, 1.0});
      hand.ellipses.push_back({6, 6, 4.5, 3.5});
      finger(hand, j, 3, 3, 200, {4, 3.5, 2.5}, {70, 60}, 1.3);                         // index curled under the pen
      finger(hand, j, 8, 2, 215, {4.5, 4}, {-20}, 1.4);                                 // thumb on top of it
      for (int f = 0; f < 3; ++f) finger(hand, j, 5 + 2 * f, 8, 180, {3, 2.5}, {70}, 1.2);
      break;
    case 6:  // hook grip: fingers through a mug's handle, the mug hanging below
      object.boxes.push_back({-1, 7, 6 * o, 4.5 * o});
      object.ellipses.push_back({-1, 0, 3.5, 3, 0, 0.45});
      hand.ellipses.push_back({4, -8, 5, 3, -0.3});
      for (int f = 0; f < 4; ++f) finger(hand, j, 0 + 2 * f - 3, -6, 100, {3.5, 3, 2.5}, {50, 60}, 1.2);
      break;
    default:  // scissors: the thumb in one ring, index and middle in the other
      object.ellipses.push_back({5, -3.5, 3 * o, 2.5 * o, 0, 0.45});
      object.ellipses.push_back({5, 3.5, 3 * o, 2.5 * o, 0, 0.45});
      object.capsules.push_back({2, -1.5, -13 * o, 1.0, 1.0});
      object.capsules.push_back({2, 1.5, -13 * o, -1.0, 1.0});
      hand.ellipses.push_back({11, 1, 3.5, 5});
      finger(hand, j, 9, -3, 200, {4, 2}, {-10}, 1.4);                                 // thumb into the upper ring
      finger(hand, j, 9, 4, 175, {4, 2}, {10}, 1.2);                                   // index into the lower ring
      finger(hand, j, 10, 6, 160, {4, 2.5}, {20}, 1.2);
      break;
  }
}

// Both masks, 4 x 4 samples per pixel, after rotating, scaling and moving the drawing;
// the object's mask is its visible part (the hand in front of it).
void rasterize(const Region& hand, const Region& object, double angle, double scale, double tx, double ty, bool mirror,
               float* out) {
  const double c = std::cos(angle), s = std::sin(angle);
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S; ++x) {
      int h = 0, ob = 0;
      for (int sy = 0; sy < 4; ++sy)
        for (int sx = 0; sx < 4; ++sx) {
          // the sample in the drawing's frame: undo the move, the scale and the rotation
          const double px = (x + (sx + 0.5) / 4 - S / 2.0 - tx) / scale, py = (y + (sy + 0.5) / 4 - S / 2.0 - ty) / scale;
          const double u = (mirror ? -1 : 1) * (c * px + s * py), v = -s * px + c * py;
          if (hand.inside(u, v)) ++h;
          else if (object.inside(u, v)) ++ob;
        }
      out[y * S + x] = float(h) / 16;
      out[S * S + y * S + x] = float(ob) / 16;
    }
}

// The centre of mass of both planes together, in continuous pixel coordinates.
std::pair<double, double> centre_of_mass(const float* planes) {
  double sum = 0, sx = 0, sy = 0;
  for (int c = 0; c < GraspSet::kChannels; ++c)
    for (int y = 0; y < S; ++y)
      for (int x = 0; x < S; ++x) {
        const double w = planes[c * S * S + y * S + x];
        sum += w, sx += w * (x + 0.5), sy += w * (y + 0.5);
      }
  return sum > 0 ? std::make_pair(sx / sum, sy / sum) : std::make_pair(S / 2.0, S / 2.0);
}

void draw_set(GraspSet& set, int per_class, std::mt19937_64& rng, bool test) {
  const int classes = int(grasp_classes().size());
  std::uniform_real_distribution<double> unit(0, 1);
  set.images.resize(size_t(per_class) * classes * GraspSet::kChannels * S * S);
  for (int i = 0; i < per_class * classes; ++i) {
    const int label = i % classes;
    Jitter j{rng, 0.85 + 0.3 * unit(rng), 0.75 + 0.5 * unit(rng)};
    Region hand, object;
    draw_class(label, hand, object, j);
    // training: rotations up to 6 degrees; test: 6 to 10, never seen in training
    const double degrees = test ? 6 + 4 * unit(rng) : 6 * unit(rng);
    const double angle = (unit(rng) < 0.5 ? -1 : 1) * degrees * kPi / 180;
    const double scale = 0.75 + 0.3 * unit(rng), jx = 3 * unit(rng) - 1.5, jy = 3 * unit(rng) - 1.5;
    const bool mirror = unit(rng) < 0.5;  // a left hand or a right hand
    float* out = &set.images[size_t(i) * GraspSet::kChannels * S * S];
    // Drawn twice: the second time with both masks' centre of mass moved to the centre
    // (as MNIST centres its digits), then jittered a little.
    rasterize(hand, object, angle, scale, 0, 0, mirror, out);
    const auto [mx, my] = centre_of_mass(out);
    rasterize(hand, object, angle, scale, S / 2.0 - mx + jx, S / 2.0 - my + jy, mirror, out);
    set.labels.push_back(label);
  }
}

}  // namespace

const std::vector<GraspClass>& grasp_classes() {
  static const std::vector<GraspClass> classes = {{"power", "cup"},   {"power", "bottle"}, {"power", "ball"},
                                                  {"pinch", "pen"},   {"pinch", "ball"},   {"lateral", "pen"},
                                                  {"hook", "cup"},    {"scissors", "scissors"}};
  return classes;
}

GraspSplit make_grasp_split(int train_per_class, int test_per_class, uint64_t seed) {
  GraspSplit split;
  std::mt19937_64 train_rng(seed), test_rng(seed ^ 0x9e3779b97f4a7c15ull);
  draw_set(split.train, train_per_class, train_rng, false);
  draw_set(split.test, test_per_class, test_rng, true);
  return split;
}

}  // namespace tiae
