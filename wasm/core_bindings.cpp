// The portable core for JavaScript: C exports over shared/, called by web/tiae.js through
// the Emscripten module's heap (inputs copied in, outputs copied out).
#include <emscripten/emscripten.h>

#include <algorithm>
#include <string>

#include "extract.h"
#include "image_header.h"
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

// ---- whole-image foreground extraction, staged (shared/extract.h); no exceptions cross
// into JavaScript: refusals come back as null / 1 with a message (tiae_last_error).
namespace {
std::string last_error;
}

// The last refusal's message ("" if none).
EMSCRIPTEN_KEEPALIVE const char* tiae_last_error() { return last_error.c_str(); }

// Checks an image file's bytes before decoding (shared/image_header.h): returns 0 and
// writes width, height (-1 when unknown) to out_size, or returns 1 (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE int tiae_check_image(const uint8_t* bytes, int size, int* out_size) {
  const auto h = tiae::check_image_bytes(bytes, size_t(size));
  last_error = h.error;
  out_size[0] = int(h.width);
  out_size[1] = int(h.height);
  return h.error.empty() ? 0 : 1;
}

EMSCRIPTEN_KEEPALIVE void tiae_gray_from_rgba8(const uint8_t* rgba, int width, int height, float* out) {
  const auto g = tiae::gray_from_rgba8(rgba, width, height);
  std::copy(g.begin(), g.end(), out);
}

namespace {
tiae::ExtractOptions extract_options(double glyph_size, double model_glyph_size, int stride, int batch) {
  tiae::ExtractOptions o;
  o.glyph_size = glyph_size;
  o.model_glyph_size = model_glyph_size;
  o.stride = stride;
  o.batch = batch;
  return o;
}
}  // namespace

// 0 when a job of this size and these options can be made, else 1 (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE int tiae_extract_check(int width, int height, double glyph_size, double model_glyph_size, int stride,
                                            int batch) {
  last_error = tiae::ForegroundExtraction::check(width, height, extract_options(glyph_size, model_glyph_size, stride, batch));
  return last_error.empty() ? 0 : 1;
}

// A job over gray (width x height), or null when refused (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE tiae::ForegroundExtraction* tiae_extract_begin(const float* gray, int width, int height,
                                                                    double glyph_size, double model_glyph_size,
                                                                    int stride, int batch) {
  try {
    last_error.clear();
    return new tiae::ForegroundExtraction(std::vector<float>(gray, gray + size_t(width) * height), width, height,
                                          extract_options(glyph_size, model_glyph_size, stride, batch));
  } catch (const std::exception& e) {  // the constructor refuses with check()'s message
    last_error = e.what();
    return nullptr;
  }
}
EMSCRIPTEN_KEEPALIVE int tiae_extract_batches(const tiae::ForegroundExtraction* job) { return job->batches(); }
EMSCRIPTEN_KEEPALIVE int tiae_extract_batch_size(const tiae::ForegroundExtraction* job, int b) { return job->batch_size(b); }
EMSCRIPTEN_KEEPALIVE void tiae_extract_inputs(const tiae::ForegroundExtraction* job, int b, float* out) { job->inputs(b, out); }
EMSCRIPTEN_KEEPALIVE void tiae_extract_accept(tiae::ForegroundExtraction* job, int b, const float* outputs) {
  job->accept(b, outputs);
}
// The foreground, width x height values, into out.
EMSCRIPTEN_KEEPALIVE void tiae_extract_result(const tiae::ForegroundExtraction* job, float* out) {
  const auto r = job->result();
  std::copy(r.begin(), r.end(), out);
}
EMSCRIPTEN_KEEPALIVE void tiae_extract_end(tiae::ForegroundExtraction* job) { delete job; }

}  // extern "C"
