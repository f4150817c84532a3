// Rendered depth frames of a hand with known joint angles, for the depth application
// (docs/depth.md, "Rendered hands"): no depth data set with joint angles is reachable here,
// and data/real-depth's 19 frames carry none. The hand of shared/hand_model.h, posed by
// angles drawn from plausible ranges, is ray cast as capsules into a depth camera's frame
// (metres along the optical axis) with a body or a table behind it at a random depth, and
// the sensor's faults: noise growing with the square of the distance, measurements lost at
// depth edges and in the emitter's shadow beside the hand, specks of loss, quantisation,
// and no measurement beyond 1.5 m. Each frame then goes through the same cut-out as a real
// one (shared/depth_hand.h). Deterministic in (seed, stream, index); torch- and OpenCV-free.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "depth_hand.h"
#include "hand_model.h"

namespace tiae {

// The rendering camera: a 200 x 200 frame at a focal length of 250 px (about half the
// real camera's resolution, which the cut-out's metric window makes immaterial).
constexpr int kRenderSide = 200;
constexpr float kRenderFocal = 250;

struct RenderedHand {
  std::vector<float> metres;  // kRenderSide^2, 0 = no measurement
  std::array<float, kHandJoints> angles;  // degrees
};

// Which set a rendering belongs to; each draws its own hands from the same seed.
enum class HandStream : uint64_t { train = 1, validation = 2, test = 3 };

// The frame of hand `index` of a stream.
RenderedHand render_depth_hand(uint64_t seed, HandStream stream, uint64_t index);

struct DepthHandSet {
  static constexpr int kSize = 32;
  std::vector<float> images;  // count x 32 x 32: the cut-out hands
  std::vector<float> angles;  // count x kHandJoints, degrees
  int count() const { return int(angles.size() / kHandJoints); }
  const float* image(int i) const { return images.data() + size_t(i) * kSize * kSize; }
};

// The first `count` hands of a stream, cut out with `cut` (its focal length replaced by the
// renderer's); a frame whose hand the cut-out refuses (cut by the border, say) is drawn
// again from a reserve of its own. Rendered on `threads` threads; hand i does not depend on
// them nor on `count`. `progress` (if given) is called now and then with about how many
// hands are done, from the calling thread.
DepthHandSet make_depth_hands(int count, uint64_t seed, HandStream stream, DepthCutOptions cut, int threads,
                              const std::function<void(int done)>& progress = {});

// The released models' sets: 8,000 training hands and 2,000 validation hands (seed 2017),
// and the evaluation's 2,000 test hands (the protocol's seed).
constexpr int kDepthTrainHands = 8000, kDepthValidationHands = 2000, kDepthTestHands = 2000;
constexpr uint64_t kDepthRenderSeed = 2017;

}  // namespace tiae
