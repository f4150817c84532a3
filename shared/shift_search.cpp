#include "shift_search.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace tiae {

void shift_image(const float* src, float* dst, int size, int channels, int dx, int dy) {
  for (int c = 0; c < channels; ++c) {
    const float* s = src + c * size * size;
    float* d = dst + c * size * size;
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        const int sy = y - dy, sx = x - dx;
        d[y * size + x] = (sy >= 0 && sy < size && sx >= 0 && sx < size) ? s[sy * size + sx] : 0.f;
      }
  }
}

namespace {
// Bad requests end in an exception: a NaN would make every distance NaN, and the search
// would silently answer the first shift.
void check_search(const float* canonical, const float* input, int size, int channels, int max_shift) {
  // Bounds that keep every index below 2^31: size^2 channels <= 2^30, (2 max_shift + 1)^2 < 2^27.
  if (size < 1 || size > 4096 || channels < 1 || channels > 64 || max_shift < 0 || max_shift > size)
    throw std::invalid_argument("shift search: needs size in [1, 4096], channels in [1, 64] and max_shift in [0, size]");
  const int n = size * size * channels;
  for (const auto& [image, name] : {std::pair{canonical, "canonical"}, std::pair{input, "input"}})
    for (int i = 0; i < n; ++i)
      if (!std::isfinite(image[i]))
        throw std::invalid_argument(std::string("shift search: the ") + name + " image has a value that is not a finite number (" +
                                    std::to_string(image[i]) + " at index " + std::to_string(i) + ")");
}
}  // namespace

std::vector<float> restoration_distances(const float* canonical, const float* input, int size,
                                         int channels, int max_shift) {
  check_search(canonical, input, size, channels, max_shift);
  const int n = size * size * channels;
  double canon_sq = 0, input_sq = 0;
  for (int i = 0; i < n; ++i) {
    canon_sq += double(canonical[i]) * canonical[i];
    input_sq += double(input[i]) * input[i];
  }
  const int side = 2 * max_shift + 1;
  std::vector<float> out(side * side);
  for (int dy = -max_shift; dy <= max_shift; ++dy)
    for (int dx = -max_shift; dx <= max_shift; ++dx) {
      // <canonical, T input> over the window; the shifted input's energy is unchanged on
      // the extended canvas, so the distance needs only this correlation.
      double corr = 0;
      for (int c = 0; c < channels; ++c)
        for (int y = 0; y < size; ++y) {
          const int sy = y - dy;
          if (sy < 0 || sy >= size) continue;
          for (int x = 0; x < size; ++x) {
            const int sx = x - dx;
            if (sx < 0 || sx >= size) continue;
            const int off = c * size * size;
            corr += double(canonical[off + y * size + x]) * input[off + sy * size + sx];
          }
        }
      out[(dy + max_shift) * side + (dx + max_shift)] = float(canon_sq + input_sq - 2 * corr);
    }
  return out;
}

ShiftEstimate estimate_shift(const float* canonical, const float* input, int size, int channels,
                             int max_shift) {
  const auto d = restoration_distances(canonical, input, size, channels, max_shift);
  const int side = 2 * max_shift + 1;
  ShiftEstimate best;
  best.distance = d[0];
  best.dx = -max_shift;
  best.dy = -max_shift;
  for (int i = 1; i < int(d.size()); ++i)
    if (d[i] < best.distance) {
      best.distance = d[i];
      best.dx = i % side - max_shift;
      best.dy = i / side - max_shift;
    }
  return best;
}

}  // namespace tiae
