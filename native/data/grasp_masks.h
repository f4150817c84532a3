// Grasp pairs for the slides' grasp application: a hand region and an object region as
// two 32x32 masks (channel 0: hand, channel 1: the object's visible part). Debian's
// packages hold no data set of hand and object masks (and npm's search is not reachable
// here), so they are drawn: a palm and articulated fingers (capsules) closed around an
// object, in eight (grip, object) classes over five grip types and five objects, with
// random size, finger angles (+-12 degrees a joint), left or right hand, and a few
// degrees of rotation. The class is used only to evaluate. The test split differs in what
// training never shows: rotations of 6 to 10 degrees (training: up to 6), and its own
// random draws. Torch- and OpenCV-free (drawn by supersampled shape tests).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tiae {

struct GraspClass {
  const char* grip;    // power, pinch, lateral, hook, scissors
  const char* object;  // cup, bottle, ball, pen, scissors
};
// The eight (grip, object) classes, label = index.
const std::vector<GraspClass>& grasp_classes();

struct GraspSet {
  static constexpr int kSize = 32, kChannels = 2;
  std::vector<float> images;  // count x 2 x 32 x 32 in [0, 1], channel-major per image
  std::vector<int> labels;    // count: index into grasp_classes()
  int count() const { return int(labels.size()); }
  const float* image(int i) const { return images.data() + size_t(i) * kChannels * kSize * kSize; }
};

struct GraspSplit {
  GraspSet train, test;
};

// `per_class` pairs of each class in each split (deterministic in `seed`); the classes
// interleaved.
GraspSplit make_grasp_split(int train_per_class = 1000, int test_per_class = 250, uint64_t seed = 2017);

}  // namespace tiae
