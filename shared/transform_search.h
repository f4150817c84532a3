// The transform family shift x rotation x scale (docs/method.md, "Rotation and scale") and
// its exact search: rotations and scales on a grid, shifts of whole pixels as in
// shift_search.h. Plain loops: used by the browser through wasm and as the reference that
// the LibTorch path (native/model/terms.h) is tested against.
//
// T(dx, dy, angle, scale) I = shift(dx, dy) of turn(angle, scale) I, where turn rotates I
// by `angle` degrees counter-clockwise as seen on the screen and scales it by `scale`,
// both about the window's centre c = ((S - 1) / 2, (S - 1) / 2), bilinear, zero outside:
//   (turn I)(q) = I(c + M(-angle) (q - c) / scale),  M(a) = [[cos a, sin a], [-sin a, cos a]]
// (x right, y down). The restoration distance is measured on the extended canvas (all of
// turn I counts, wherever it falls), as for shifts.
#pragma once
#include <cstddef>
#include <vector>

namespace tiae {

// Rotations in [-max_rotation, max_rotation] degrees at `rotation_steps` evenly spaced
// values (1: 0 only) times scales in [1 / max_scale, max_scale] at `scale_steps` values
// evenly spaced in log scale (1: 1 only). Index g = angle_index * scales.size() + scale_index.
struct TransformGrid {
  std::vector<float> angles, scales;
  int size() const { return int(angles.size() * scales.size()); }
  float angle(int g) const { return angles[std::size_t(g) / scales.size()]; }
  float scale(int g) const { return scales[std::size_t(g) % scales.size()]; }
  bool identity() const { return size() == 1 && angles[0] == 0.f && scales[0] == 1.f; }
};
// Throws std::invalid_argument unless max_rotation in [0, 180], max_scale in [1, 4], the
// steps in [1, 361], and a range of 0 (1) has 1 step and a wider one at least 2.
TransformGrid make_transform_grid(double max_rotation, int rotation_steps, double max_scale, int scale_steps);

// The side of the extended canvas that holds all of turn(angle, scale) I for every scale up
// to `max_scale`, centred on the window (side - size is even).
int turned_canvas_side(int size, float max_scale);

// dst (out_side^2 per channel, centred on the window) = turn(angle, scale) src (size^2 per
// channel), bilinear with zero outside, as cv::warpAffine with INTER_LINEAR and a zero
// border and LibTorch's grid_sample(align_corners = true, padding zeros).
void turn_image(const float* src, int size, int channels, float angle, float scale, float* dst, int out_side);

struct TransformEstimate {
  int dx = 0, dy = 0;
  float angle = 0.f, scale = 1.f;
  int grid_index = 0;
  float distance = 0.f;  // the minimum squared distance, this image's C_res
};

// Squared distances ||canonical - T input||^2 on the extended canvas for every transform:
// index g * (2 m + 1)^2 + (dy + m) * (2 m + 1) + (dx + m). The input is turned once per
// grid point and the shift search runs on the turned image. Throws as restoration_distances.
std::vector<float> transform_distances(const float* canonical, const float* input, int size, int channels, int max_shift,
                                       const TransformGrid& grid);

// The exact argmin over the whole grid and every shift (ties: the first index).
TransformEstimate estimate_transform(const float* canonical, const float* input, int size, int channels, int max_shift,
                                     const TransformGrid& grid);

// Faster: the shift search at every other angle and scale of the grid (ends included), then
// at the grid neighbours of the best of those; exact where the distance over the grid has
// one basin. `searched` (optional) gets how many grid points it tried.
TransformEstimate estimate_transform_coarse_to_fine(const float* canonical, const float* input, int size, int channels,
                                                    int max_shift, const TransformGrid& grid, int* searched = nullptr);

// A proposal checked exactly (the shift regressor R's angle and scale, say): the shift search
// at the grid point nearest (angle, scale) and at its grid neighbours, at most 9 points;
// the best of them as estimate_transform gives it. `searched` (optional) as above.
TransformEstimate estimate_transform_near(const float* canonical, const float* input, int size, int channels, int max_shift,
                                          const TransformGrid& grid, float angle, float scale, int* searched = nullptr);

// The transform the other way round, for display: where the input sits relative to the
// canonical image, I ~ T^-1 D. T^-1 = turn(-angle, 1 / scale) of shift(-dx, -dy), which is
// shift(w) of turn(-angle, 1 / scale) with w = -M(-angle) (dx, dy) / scale.
struct Pose {
  float dx = 0.f, dy = 0.f, angle = 0.f, scale = 1.f;
};
Pose input_pose(const TransformEstimate& t);

}  // namespace tiae
