// The articulated hand of the depth application (docs/depth.md, "The hand"): a forearm, a
// palm and five fingers of three joints each, posed by 20 joint angles. One definition
// serves the renderer of the training depth maps (native/data/depth_hands.h, which draws
// the capsules) and the robot hand posed by estimated angles (the stick figure of `tiae
// depth` and of the page's Depth tab).
//
// Frames: the camera's, x right, y down, z away from the camera (depth). At all angles 0
// the hand is a right hand held up with its palm to the camera: fingers up (-y), the thumb
// on the image's right (+x), the forearm hanging down (+y) from the wrist at the origin.
#pragma once
#include <array>
#include <vector>

namespace tiae {

constexpr int kHandJoints = 20;

struct HandJoint {
  const char* name;
  float low, high;  // plausible range, degrees
};
// The 20 angles in order: roll (in the image plane), tilt (the fingers toward the camera,
// the forearm away from it, toward the body), turn (about
// the forearm: palm to the camera at 0), wrist flexion; per finger (index, middle, ring,
// little) spread, MCP, PIP flexion (the DIP follows the PIP at 2/3, as tendons couple them);
// thumb spread (out of the palm), across the palm, MCP and IP flexion.
const std::array<HandJoint, kHandJoints>& hand_joints();

struct Vec3 {
  float x = 0, y = 0, z = 0;
};

// A capsule: every point within a radius of the segment a-b, the radius going linearly from
// ra at a to rb at b.
struct Capsule {
  Vec3 a, b;
  float ra = 0, rb = 0;
};

struct HandGeometry {
  std::vector<Capsule> capsules;  // forearm, palm, fingers: what the renderer draws
  std::vector<Vec3> joints;       // wrist, elbow end, then per digit (thumb first) 4 points base to tip
  std::vector<std::array<int, 2>> bones;  // pairs of `joints`: the robot hand's sticks
};

// The hand posed by `angles_deg` (kHandJoints values), metres, its wrist at the origin.
// `scale` sizes the whole hand (1: an adult's, palm 9.5 cm long); `forearm` is the length
// of forearm drawn (metres). Angles outside their range are used as given.
HandGeometry pose_hand(const float* angles_deg, float scale = 1, float forearm = 0.25f);

// The robot hand as a drawing: the bones seen from the camera (x, y: the image plane, in
// units of the box's side, which spans 45 cm; the wrist at (0.5, 0.6)), far ones first so that nearer ones
// are drawn over them; depth in [0, 1] (0 nearest), for shading.
struct StickLine {
  float x0, y0, x1, y1;
  float width;  // in units of the box's side
  float depth;
  bool joint_dot;  // a dot at (x1, y1): a joint
};
std::vector<StickLine> robot_hand_drawing(const float* angles_deg);

}  // namespace tiae
