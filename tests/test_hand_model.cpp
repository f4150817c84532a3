// shared/hand_model.h: the posed hand is a rigid chain (no bone changes its length), its
// rest pose is the documented one, roll is a rotation in the image plane, and the robot
// hand's drawing stays in its box, far bones first.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "hand_model.h"

namespace {

float distance(const tiae::Vec3& a, const tiae::Vec3& b) { return std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z)); }

std::array<float, tiae::kHandJoints> random_angles(std::mt19937& rng) {
  std::array<float, tiae::kHandJoints> a{};
  for (int j = 0; j < tiae::kHandJoints; ++j) {
    const auto& joint = tiae::hand_joints()[size_t(j)];
    a[size_t(j)] = std::uniform_real_distribution<float>(joint.low, joint.high)(rng);
  }
  return a;
}

}  // namespace

TEST_CASE("posing the hand keeps every bone's length and every capsule's") {
  const std::array<float, tiae::kHandJoints> rest{};
  const auto r = tiae::pose_hand(rest.data(), 1.1f);
  std::mt19937 rng(4);
  for (int trial = 0; trial < 50; ++trial) {
    const auto a = random_angles(rng);
    const auto g = tiae::pose_hand(a.data(), 1.1f);
    REQUIRE(g.joints.size() == r.joints.size());
    for (const auto& b : g.bones)
      CHECK(distance(g.joints[size_t(b[0])], g.joints[size_t(b[1])]) == Approx(distance(r.joints[size_t(b[0])], r.joints[size_t(b[1])])).margin(1e-5));
    for (size_t c = 0; c < g.capsules.size(); ++c) CHECK(distance(g.capsules[c].a, g.capsules[c].b) == Approx(distance(r.capsules[c].a, r.capsules[c].b)).margin(1e-5));
  }
}

TEST_CASE("at rest the hand is held up, palm to the camera, the thumb on the image's right") {
  const std::array<float, tiae::kHandJoints> rest{};
  const auto g = tiae::pose_hand(rest.data());
  REQUIRE(g.joints.size() == 22);  // wrist, forearm's end, 5 digits x 4
  CHECK(g.joints[1].y > 0.2f);      // the forearm hangs down
  for (int digit = 1; digit < 5; ++digit) {
    const auto& tip = g.joints[size_t(2 + 4 * digit + 3)];
    CHECK(tip.y < -0.14f);                  // fingertips above the wrist
    CHECK(std::abs(tip.z) < 1e-5f);         // in the palm's plane
  }
  CHECK(g.joints[5].x > g.joints[9].x);     // the thumb's tip right of the index's
}

TEST_CASE("roll turns the whole hand about the camera's axis, clockwise in the image") {
  std::mt19937 rng(5);
  for (float roll : {-90.f, -30.f, 45.f, 100.f}) {
    auto a = random_angles(rng);
    a[0] = 0;
    const auto base = tiae::pose_hand(a.data());
    a[0] = roll;
    const auto turned = tiae::pose_hand(a.data());
    const float c = std::cos(roll * 3.14159265f / 180), s = std::sin(roll * 3.14159265f / 180);
    for (size_t i = 0; i < base.joints.size(); ++i) {
      const auto& p = base.joints[i];
      CHECK(turned.joints[i].x == Approx(c * p.x - s * p.y).margin(1e-5));
      CHECK(turned.joints[i].y == Approx(s * p.x + c * p.y).margin(1e-5));
      CHECK(turned.joints[i].z == Approx(p.z).margin(1e-5));
    }
  }
  std::array<float, tiae::kHandJoints> right{};
  right[0] = 90;
  CHECK(tiae::pose_hand(right.data()).joints[13].x > 0.15f);  // the middle finger points right
}

TEST_CASE("the robot hand's drawing stays in its box at the joints' extremes, far bones first") {
  std::mt19937 rng(6);
  for (int trial = 0; trial < 200; ++trial) {
    auto a = random_angles(rng);
    for (int j = 0; j < tiae::kHandJoints; ++j)
      if (rng() % 3 == 0) a[size_t(j)] = rng() % 2 ? tiae::hand_joints()[size_t(j)].low : tiae::hand_joints()[size_t(j)].high;
    const auto lines = tiae::robot_hand_drawing(a.data());
    CHECK(lines.size() == tiae::pose_hand(a.data()).bones.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      for (float v : {lines[i].x0, lines[i].y0, lines[i].x1, lines[i].y1}) CHECK((v > 0 && v < 1));
      if (i > 0) CHECK(lines[i].depth <= lines[i - 1].depth);
    }
  }
}
