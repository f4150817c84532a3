#include "hand_model.h"

#include <algorithm>
#include <cmath>

namespace tiae {

namespace {

constexpr float kDegree = 3.14159265358979f / 180;

struct Mat3 {
  float m[3][3];
  Vec3 operator*(const Vec3& v) const {
    return {m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z, m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
            m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z};
  }
  Mat3 operator*(const Mat3& o) const {
    Mat3 r{};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k) r.m[i][j] += m[i][k] * o.m[k][j];
    return r;
  }
};

Vec3 operator+(const Vec3& a, const Vec3& b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Vec3 operator*(float s, const Vec3& v) { return {s * v.x, s * v.y, s * v.z}; }

// Rotation by `degrees` about the unit axis (x, y, z) (Rodrigues' formula).
Mat3 rotation(float x, float y, float z, float degrees) {
  const float c = std::cos(degrees * kDegree), s = std::sin(degrees * kDegree), t = 1 - c;
  return {{{t * x * x + c, t * x * y - s * z, t * x * z + s * y},
           {t * x * y + s * z, t * y * y + c, t * y * z - s * x},
           {t * x * z - s * y, t * y * z + s * x, t * z * z + c}}};
}
Mat3 rot_x(float d) { return rotation(1, 0, 0, d); }
Mat3 rot_y(float d) { return rotation(0, 1, 0, d); }
Mat3 rot_z(float d) { return rotation(0, 0, 1, d); }

// The four fingers' knuckles (MCP) and their metacarpals' bases, in the hand's own frame
// (metres, scale 1), their rest spread (degrees, + toward the thumb), the sign of their
// spread joint (away from the middle finger), bone lengths and radii.
struct Finger {
  Vec3 mcp, base;
  float rest_spread, spread_sign;
  float length[3], radius;
};
constexpr Finger kFingers[4] = {
    {{0.026f, -0.090f, 0}, {0.016f, -0.018f, 0}, 7, 1, {0.040f, 0.024f, 0.020f}, 0.0095f},    // index
    {{0.008f, -0.094f, 0}, {0.005f, -0.018f, 0}, 1, 1, {0.045f, 0.028f, 0.021f}, 0.0095f},    // middle
    {{-0.010f, -0.089f, 0}, {-0.006f, -0.018f, 0}, -6, -1, {0.042f, 0.027f, 0.021f}, 0.009f},  // ring
    {{-0.026f, -0.080f, 0}, {-0.016f, -0.018f, 0}, -14, -1, {0.033f, 0.019f, 0.018f}, 0.008f}, // little
};
constexpr Vec3 kThumbBase{0.018f, -0.022f, -0.006f};
constexpr float kThumbLength[3] = {0.046f, 0.033f, 0.026f}, kThumbRadius[4] = {0.0125f, 0.011f, 0.0105f, 0.0095f};
constexpr float kThumbRestAngle = 48;  // from the fingers' direction toward +x, in the palm's plane

// A chain of three bones from `start` along -y of each joint's frame; `frames[i]` turns
// bone i. Appends its four points to `g.joints` (transformed by `hand`) and its capsules.
void add_chain(HandGeometry& g, const Mat3& hand, float scale, const Vec3& start, const Mat3 frames[3], const float length[3],
               const float radius[4]) {
  Vec3 p = start;
  const int first = int(g.joints.size());
  g.joints.push_back(scale * (hand * p));
  for (int i = 0; i < 3; ++i) {
    const Vec3 q = p + frames[i] * Vec3{0, -length[i], 0};
    g.capsules.push_back({scale * (hand * p), scale * (hand * q), scale * radius[i], scale * radius[i + 1]});
    g.joints.push_back(scale * (hand * q));
    g.bones.push_back({first + i, first + i + 1});
    p = q;
  }
}

}  // namespace

const std::array<HandJoint, kHandJoints>& hand_joints() {
  static const std::array<HandJoint, kHandJoints> joints = {{{"roll", -100, 100},
                                                             {"tilt", 0, 45},
                                                             {"turn", -60, 60},
                                                             {"wrist flexion", -25, 40},
                                                             {"index spread", -10, 15},
                                                             {"index MCP", -10, 85},
                                                             {"index PIP", 0, 100},
                                                             {"middle spread", -10, 10},
                                                             {"middle MCP", -10, 85},
                                                             {"middle PIP", 0, 100},
                                                             {"ring spread", -10, 15},
                                                             {"ring MCP", -10, 85},
                                                             {"ring PIP", 0, 100},
                                                             {"little spread", -10, 20},
                                                             {"little MCP", -10, 85},
                                                             {"little PIP", 0, 100},
                                                             {"thumb spread", 0, 60},
                                                             {"thumb across", -10, 50},
                                                             {"thumb MCP", 0, 55},
                                                             {"thumb IP", 0, 80}}};
  return joints;
}

HandGeometry pose_hand(const float* a, float scale, float forearm) {
  HandGeometry g;
  // roll about the camera's axis, tilt toward the camera, turn about the forearm
  const Mat3 arm = rot_z(a[0]) * rot_x(a[1]) * rot_y(a[2]);
  const Mat3 hand = arm * rot_x(a[3]);  // wrist flexion: the fingers toward the palm's side
  g.joints.push_back({0, 0, 0});
  g.joints.push_back(scale * (arm * Vec3{0, forearm, 0}));
  g.capsules.push_back({g.joints[1], {0, 0, 0}, scale * 0.036f, scale * 0.027f});
  g.bones.push_back({0, 1});

  // The thumb: turned out of the palm's plane (spread), across the palm, then flexed about
  // an axis between the palm's normal and its side, so that it curls toward the palm.
  const Mat3 thumb = rot_z(kThumbRestAngle - a[17]) * rot_x(a[16]);
  const float k = std::sqrt(0.5f);
  const Mat3 mcp = thumb * rotation(k, 0, -k, a[18]), ip = mcp * rotation(k, 0, -k, a[19]);
  const Mat3 thumb_frames[3] = {thumb, mcp, ip};
  add_chain(g, hand, scale, kThumbBase, thumb_frames, kThumbLength, kThumbRadius);
  g.bones.push_back({0, 2});
  // The thenar: the palm's mass under the thumb, up to the thumb's base.
  g.capsules.push_back({scale * (hand * Vec3{0.004f, -0.012f, -0.002f}), scale * (hand * kThumbBase), scale * 0.014f, scale * 0.013f});

  for (int f = 0; f < 4; ++f) {
    const Finger& fi = kFingers[f];
    const float spread = a[4 + 3 * f], flex_mcp = a[5 + 3 * f], flex_pip = a[6 + 3 * f];
    const Mat3 proximal = rot_z(fi.rest_spread + fi.spread_sign * spread) * rot_x(flex_mcp);
    const Mat3 middle = proximal * rot_x(flex_pip), distal = middle * rot_x(flex_pip * 2 / 3);
    const Mat3 frames[3] = {proximal, middle, distal};
    const float radius[4] = {fi.radius, fi.radius * 0.95f, fi.radius * 0.88f, fi.radius * 0.8f};
    // The palm: the metacarpal from its base to the knuckle, as thick as the palm.
    g.capsules.push_back({scale * (hand * fi.base), scale * (hand * fi.mcp), scale * 0.013f, scale * 0.0125f});
    add_chain(g, hand, scale, fi.mcp, frames, fi.length, radius);
  }
  // The palm's outline for the robot hand: wrist to the index's and the little finger's
  // knuckles, and the knuckles' line.
  const int index_mcp = 6, little_mcp = 18;
  g.bones.push_back({0, index_mcp});
  g.bones.push_back({0, little_mcp});
  for (int f = 0; f < 3; ++f) g.bones.push_back({index_mcp + 4 * f, index_mcp + 4 * (f + 1)});
  return g;
}

std::vector<StickLine> robot_hand_drawing(const float* angles_deg) {
  const auto g = pose_hand(angles_deg, 1, 0.12f);
  constexpr float box = 0.45f, wrist_x = 0.5f, wrist_y = 0.6f;
  std::vector<StickLine> lines;
  for (const auto& b : g.bones) {
    const Vec3 p = g.joints[size_t(b[0])], q = g.joints[size_t(b[1])];
    const bool forearm = b[1] == 1;
    const float z = (p.z + q.z) / 2;
    lines.push_back({wrist_x + p.x / box, wrist_y + p.y / box, wrist_x + q.x / box, wrist_y + q.y / box,
                     (forearm ? 0.05f : 0.018f) / box, std::clamp(0.5f + z / 0.4f, 0.f, 1.f), !forearm});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const StickLine& l, const StickLine& r) { return l.depth > r.depth; });
  return lines;
}

}  // namespace tiae
