// The portable core for JavaScript: C exports over shared/, called by web/tiae.js through
// the Emscripten module's heap (inputs copied in, outputs copied out).
#include <emscripten/emscripten.h>

#include <algorithm>

#include "resample.h"
#include "shift_search.h"

extern "C" {

// A drawing of width x height values in [0, 1] -> size x size input, by area averaging.
EMSCRIPTEN_KEEPALIVE void tiae_resample(const float* pixels, int width, int height, int size, float* out) {
  const auto r = tiae::resample_area(pixels, width, height, size);
  std::copy(r.begin(), r.end(), out);
}

// theta_hat = argmin over shifts of ||canonical - T input||^2 (extended canvas);
// writes dx, dy to out_shift[0..1] and returns the minimum distance.
EMSCRIPTEN_KEEPALIVE float tiae_estimate_shift(const float* canonical, const float* input, int size, int channels,
                                               int max_shift, int* out_shift) {
  const auto e = tiae::estimate_shift(canonical, input, size, channels, max_shift);
  out_shift[0] = e.dx;
  out_shift[1] = e.dy;
  return e.distance;
}

// T(dx, dy) with zero fill.
EMSCRIPTEN_KEEPALIVE void tiae_shift_image(const float* src, float* dst, int size, int channels, int dx, int dy) {
  tiae::shift_image(src, dst, size, channels, dx, dy);
}

}  // extern "C"
