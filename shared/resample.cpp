#include "resample.h"

#include <algorithm>
#include <cmath>

namespace tiae {

std::vector<float> resample_area(const float* pixels, int width, int height, int size) {
  std::vector<float> out(size_t(size) * size, 0.f);
  if (width <= 0 || height <= 0 || size <= 0) return out;
  // One output pixel covers `scale` input pixels per side; the image sits centred.
  const double scale = double(std::max(width, height)) / size;
  const double x0 = (std::max(width, height) - width) / 2.0, y0 = (std::max(width, height) - height) / 2.0;
  for (int oy = 0; oy < size; ++oy) {
    // Input rows [top, bottom) of this output row, in input coordinates.
    const double top = oy * scale - y0, bottom = (oy + 1) * scale - y0;
    for (int ox = 0; ox < size; ++ox) {
      const double left = ox * scale - x0, right = (ox + 1) * scale - x0;
      double sum = 0;
      for (int y = std::max(0, int(std::floor(top))); y < std::min(height, int(std::ceil(bottom))); ++y) {
        const double wy = std::min(bottom, y + 1.0) - std::max(top, double(y));
        if (wy <= 0) continue;
        for (int x = std::max(0, int(std::floor(left))); x < std::min(width, int(std::ceil(right))); ++x) {
          const double wx = std::min(right, x + 1.0) - std::max(left, double(x));
          if (wx > 0) sum += wx * wy * pixels[size_t(y) * width + x];
        }
      }
      out[size_t(oy) * size + ox] = float(sum / (scale * scale));
    }
  }
  return out;
}

}  // namespace tiae
