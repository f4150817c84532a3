// The hand cut out of a depth frame as the network's input (docs/depth.md, "From a depth
// frame to the network's input"), the same for the training renderings, `tiae depth` and
// the page:
//   1. surfaces: 8-connected pixels with a measurement whose depths differ by less than
//      surface_jump_m from a neighbour's; those under min_surface_cm2 are specks, ignored;
//   2. the hand: from the nearest pixel of a surface, the pixels within band_m of it,
//      reached by steps of up to gap_m (lost measurements at a hand's edges may cut a
//      finger off) across which the depth changes by less than surface_jump_m. Surfaces
//      are tried nearest first; the first whose region covers min_hand_cm2 to
//      max_hand_cm2, stands out (at most max_continued of its outline goes on into the
//      surface beyond the band) and whose centre (step 4) lies a quarter window inside
//      the frame is the hand (a body within the band of its nearest point is too large or
//      does not stand out, an arm cut by the frame's border is not in view);
//   3. holes: pixels without a measurement inside the hand's closing by a square of about
//      2 hole_m are filled with the mean depth of the hand's pixels around them;
//   4. its centre: mean shift (a flat disc of centre_radius_m) from its free end (the pixel
//      farthest from where the frame's border or the band cuts it: the arm may be nearer
//      than the hand); its
//      depth: the median over that disc;
//   5. a square window of window_m at that depth, moved by the caller's offset, becomes
//      size x size values by area averaging: 0 where there is no hand, and on the hand
//      clamp(0.5 + (depth - d) / level_span_m, floor, 1) (nearer is brighter).
// Sizes in metres become pixels through the camera's focal length.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tiae {

// The camera of data/real-depth (an Intel RealSense SR305): the default of readers.
constexpr float kRealDepthFocalPx = 476.007f;  // focal length, px
constexpr float kRealDepthUnitM = 0.000125f;   // metres per unit of its 16-bit values (1/8 mm)

struct DepthCutOptions {
  int size = 32;                  // the network's input side
  float focal_px = kRealDepthFocalPx;  // the camera's focal length in px
  float surface_jump_m = 0.02f;
  float min_surface_cm2 = 1.5f;
  float gap_m = 0.006f;
  float band_m = 0.15f;
  float min_hand_cm2 = 20, max_hand_cm2 = 900;
  float max_continued = 0.2f;  // the largest share of the hand's outline on a surface that goes on
  float hole_m = 0.006f;
  float centre_radius_m = 0.06f;
  float window_m = 0.26f;
  float level_span_m = 0.2f;
  float floor = 0.1f;
};

// Frames over this many pixels are refused (a depth sensor's are under 2 MP).
constexpr long long kMaxDepthPixels = 16'000'000;

struct HandCrop {
  std::string error;            // why no hand was found; "" when one was
  float centre_x = 0, centre_y = 0;  // the hand's centre in the frame, px
  float depth_m = 0, nearest_m = 0, area_cm2 = 0;
  int window_px = 0, x0 = 0, y0 = 0;  // the window in the frame (after the offset)
  std::vector<float> image;     // size x size in [0, 1]
  std::vector<uint8_t> hand;    // width x height: 1 on the hand's pixels (its filled holes included)
};

// `metres`: width x height, 0 = no measurement. `offset_x`, `offset_y` move the window by
// that many output pixels (the page's "move the crop"). Never throws for any frame: a
// frame without a hand comes back with `error` set.
HandCrop cut_out_hand(const float* metres, int width, int height, const DepthCutOptions& options, float offset_x = 0,
                      float offset_y = 0);

// The frame as a picture in [0, 1] (width x height), as `tiae depth` and the page show it:
// nearer brighter from the crop's nearest depth, the hand at full level, the rest at 0.6.
std::vector<float> depth_frame_picture(const float* metres, int width, int height, const HandCrop& crop);

// Step 1's surfaces: a label per pixel (-1: no measurement), 0..count-1 in the order of
// their first pixel in row-major order.
std::vector<int> surface_components(const float* metres, int width, int height, float jump, int* count);

// Morphological closing of a 0/1 mask by a (2 radius + 1)^2 square; outside the image
// neither dilates nor erodes (OpenCV's default border for morphology).
std::vector<uint8_t> close_mask(const uint8_t* mask, int width, int height, int radius);

// The sizes of a frame of 16-bit depth: "" or why it is refused (zero or over kMaxDepthPixels).
std::string check_depth_frame_size(long long width, long long height);

}  // namespace tiae
