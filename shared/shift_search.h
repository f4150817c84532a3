// Shifts and the exact shift search of the Transform Invariant Auto-encoder.
// Plain loops over row-major float images; used natively, in the browser, and as the
// brute-force reference that the LibTorch fast path is tested against.
#pragma once
#include <vector>

namespace tiae {

// T(dx, dy): dst(y, x) = src(y - dy, x - dx), zero where that falls outside the window.
// `src` and `dst` are size*size*channels floats (channel-major) and must not alias.
void shift_image(const float* src, float* dst, int size, int channels, int dx, int dy);

// Squared distances ||canonical - T(dx, dy) input||^2 for every dx, dy in
// [-max_shift, max_shift], on the extended canvas: ink the shift pushes out of the
// window still counts as error (docs/method.md, "Exact restoration on the extended canvas"), so ||T input||^2 is the
// same for every shift. Result index: (dy + max_shift) * (2 * max_shift + 1) + (dx + max_shift).
// Throws std::invalid_argument when a value of either image is not finite (NaN, infinity),
// or unless size is in [1, 4096], channels in [1, 64] and max_shift in [0, size].
std::vector<float> restoration_distances(const float* canonical, const float* input, int size,
                                         int channels, int max_shift);

struct ShiftEstimate {
  int dx = 0, dy = 0;
  float distance = 0.f;  // the minimum squared distance, i.e. this image's C_res
};

// theta_hat = argmin over shifts of ||canonical - T(dx, dy) input||^2 (ties: the first in
// index order). Shifting the input by theta_hat best matches the canonical image, so the
// canonical image shifted by (-dx, -dy) restores the input. Throws as restoration_distances.
ShiftEstimate estimate_shift(const float* canonical, const float* input, int size, int channels,
                             int max_shift);

}  // namespace tiae
