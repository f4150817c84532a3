// The portable core for JavaScript: C exports over shared/, called by web/tiae.js through
// the Emscripten module's heap (inputs copied in, outputs copied out).
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "depth_hand.h"
#include "document.h"
#include "extract.h"
#include "glyph_search.h"
#include "glyph_size.h"
#include "image_header.h"
#include "png16.h"
#include "resample.h"
#include "transform_search.h"
#include "shift_search.h"

// No exception crosses into JavaScript: refusals come back as an error code (1 or null)
// with a message, read by tiae_last_error.
namespace {
std::string last_error;

tiae::ExtractOptions extract_options(double glyph_size, double model_glyph_size, int stride, int batch) {
  tiae::ExtractOptions o;
  o.glyph_size = glyph_size;
  o.model_glyph_size = model_glyph_size;
  o.stride = stride;
  o.batch = batch;
  return o;
}

// The windows of an extraction model: a dense one's as given, a fully convolutional one's
// (reach > 0) from convolutional_windows; its input planes.
tiae::ExtractOptions model_windows(double glyph_size, double model_glyph_size, int stride, int batch, int reach, int channels) {
  auto o = extract_options(glyph_size, model_glyph_size, stride, batch);
  o.channels = channels;
  return reach > 0 ? tiae::convolutional_windows(o, reach) : o;
}

tiae::DocumentOptions document_options(double glyph_size, double model_glyph_size, int stride, int batch, int max_shift,
                                       double quantile) {
  tiae::DocumentOptions o;
  o.window = extract_options(glyph_size, model_glyph_size, stride, batch);
  o.max_shift = max_shift;
  o.quantile = quantile;
  return o;
}
}  // namespace

extern "C" {

// The last refusal's message ("" if none).
EMSCRIPTEN_KEEPALIVE const char* tiae_last_error() { return last_error.c_str(); }

// A drawing of width x height values in [0, 1] -> size x size input, by area averaging.
EMSCRIPTEN_KEEPALIVE void tiae_resample(const float* pixels, int width, int height, int size, float* out) {
  const auto r = tiae::resample_area(pixels, width, height, size);
  std::copy(r.begin(), r.end(), out);
}

// theta_hat = argmin over shifts of ||canonical - T input||^2 (extended canvas): returns 0
// and writes dx, dy to out_shift[0..1], or returns 1 (see tiae_last_error) when a pixel is
// not a finite number or the sizes are out of range.
EMSCRIPTEN_KEEPALIVE int tiae_estimate_shift(const float* canonical, const float* input, int size, int channels,
                                             int max_shift, int* out_shift) {
  try {
    const auto e = tiae::estimate_shift(canonical, input, size, channels, max_shift);
    last_error.clear();
    out_shift[0] = e.dx;
    out_shift[1] = e.dy;
    return 0;
  } catch (const std::invalid_argument& e) {
    last_error = e.what();
    return 1;
  }
}

// theta_hat over shift x rotation x scale (shared/transform_search.h): the grid of `angles`
// (degrees) and `scales`, both evenly spaced as the card lists them; returns 0 and writes
// dx, dy, angle, scale to out[0..3], or 1 (see tiae_last_error) as tiae_estimate_shift.
EMSCRIPTEN_KEEPALIVE int tiae_estimate_transform(const float* canonical, const float* input, int size, int channels, int max_shift,
                                                 const float* angles, int angle_count, const float* scales, int scale_count, float* out) {
  try {
    tiae::TransformGrid grid{{angles, angles + angle_count}, {scales, scales + scale_count}};
    if (grid.size() < 1) throw std::invalid_argument("transform search: an empty grid");
    const auto e = tiae::estimate_transform(canonical, input, size, channels, max_shift, grid);
    last_error.clear();
    out[0] = float(e.dx), out[1] = float(e.dy), out[2] = e.angle, out[3] = e.scale;
    return 0;
  } catch (const std::invalid_argument& e) {
    last_error = e.what();
    return 1;
  }
}

// The same search's minimum, the restoration error of a shift-invariant model (C_res):
// returns 0 and writes it to out[0], or 1 as tiae_estimate_shift.
EMSCRIPTEN_KEEPALIVE int tiae_restoration_error(const float* canonical, const float* input, int size, int channels, int max_shift,
                                                float* out) {
  try {
    out[0] = tiae::estimate_shift(canonical, input, size, channels, max_shift).distance;
    last_error.clear();
    return 0;
  } catch (const std::invalid_argument& e) {
    last_error = e.what();
    return 1;
  }
}

// Where the input sits relative to the canonical image for theta_hat = (dx, dy, angle, scale)
// (input_pose): writes (dx, dy, angle, scale) of the inverse to out[0..3].
EMSCRIPTEN_KEEPALIVE void tiae_input_pose(const float* theta, float* out) {
  tiae::TransformEstimate t;
  t.dx = int(std::lround(theta[0])), t.dy = int(std::lround(theta[1])), t.angle = theta[2], t.scale = theta[3];
  const auto p = tiae::input_pose(t);
  out[0] = p.dx, out[1] = p.dy, out[2] = p.angle, out[3] = p.scale;
}

// turn(angle, scale) of a size x size image onto a canvas of out_side px (same centre).
EMSCRIPTEN_KEEPALIVE void tiae_turn_image(const float* src, int size, int channels, float angle, float scale, float* dst, int out_side) {
  tiae::turn_image(src, size, channels, angle, scale, dst, out_side);
}

// T(dx, dy) with zero fill.
EMSCRIPTEN_KEEPALIVE void tiae_shift_image(const float* src, float* dst, int size, int channels, int dx, int dy) {
  tiae::shift_image(src, dst, size, channels, dx, dy);
}

// ---- whole-image foreground extraction, staged (shared/extract.h)

// Checks an image file's bytes before decoding (shared/image_header.h): returns 0 and
// writes width, height (-1 when unknown) to out_size, or returns 1 (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE int tiae_check_image(const uint8_t* bytes, int size, int* out_size) {
  if (size < 0) {  // a length past 2^31 that wrapped on its way in
    last_error = "the file is too large";
    return 1;
  }
  const auto h = tiae::check_image_bytes(bytes, size_t(size));
  last_error = h.error;
  out_size[0] = int(h.width);
  out_size[1] = int(h.height);
  return h.error.empty() ? 0 : 1;
}

// The height of the writing of gray (width x height values in [0, 1]) in px, measured as
// `tiae extract --glyph-size auto` does (shared/glyph_size.h); 0 when it shows no writing.
EMSCRIPTEN_KEEPALIVE double tiae_estimate_glyph_size(const float* gray, int width, int height) {
  if (width <= 0 || height <= 0) return 0;
  return tiae::estimate_glyph_size(std::vector<float>(gray, gray + size_t(width) * height), width, height);
}

// The glyph sizes the model is tried at (shared/glyph_search.h): up to `max` into out;
// returns how many there are.
EMSCRIPTEN_KEEPALIVE int tiae_glyph_size_candidates(int width, int height, double* out, int max) {
  const auto sizes = tiae::glyph_size_candidates(width, height);
  std::copy_n(sizes.begin(), std::min<size_t>(sizes.size(), size_t(std::max(max, 0))), out);
  return int(sizes.size());
}

// The centre crop tried at glyph_size: x, y, width, height into out.
EMSCRIPTEN_KEEPALIVE void tiae_search_crop(int width, int height, double glyph_size, double model_glyph_size, int* out) {
  const auto box = tiae::search_crop(width, height, glyph_size, model_glyph_size);
  out[0] = box.x, out[1] = box.y, out[2] = box.width, out[3] = box.height;
}

// How decided `count` calibrated output values are (ink_decidedness).
EMSCRIPTEN_KEEPALIVE double tiae_ink_decidedness(const float* calibrated, int count) {
  return tiae::ink_decidedness(std::vector<float>(calibrated, calibrated + std::max(count, 0)));
}

// channels (1 or 3) planes of width x height into out (planes_from_rgba8); 0, or 1 when
// refused (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE int tiae_planes_from_rgba8(const uint8_t* rgba, int width, int height, int channels, float* out) {
  try {
    const auto p = tiae::planes_from_rgba8(rgba, width, height, channels);
    std::copy(p.begin(), p.end(), out);
    return 0;
  } catch (const std::exception& e) {
    last_error = e.what();
    return 1;
  }
}

// reach: 0 for a dense model (its 32x32 windows every `stride` px, `batch` a call), else a
// fully convolutional model's (1 + its dilations): convolutional_windows, whatever stride
// and batch say, as `tiae extract` runs it (native/model/foreground.cpp, model_windows).
// channels: the model's input planes (1 gray, 3 R, G, B). 0 when a job of this size and these
// options can be made, else 1 (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE int tiae_extract_check(int width, int height, double glyph_size, double model_glyph_size, int stride,
                                            int batch, int reach, int channels) {
  last_error =
      tiae::ForegroundExtraction::check(width, height, model_windows(glyph_size, model_glyph_size, stride, batch, reach, channels));
  return last_error.empty() ? 0 : 1;
}

// A job over `channels` planes of width x height (tiae_planes_from_rgba8), or null when
// refused (see tiae_last_error); reach and channels as for tiae_extract_check.
EMSCRIPTEN_KEEPALIVE tiae::ForegroundExtraction* tiae_extract_begin(const float* planes, int width, int height,
                                                                    double glyph_size, double model_glyph_size,
                                                                    int stride, int batch, int reach, int channels) {
  const auto options = model_windows(glyph_size, model_glyph_size, stride, batch, reach, channels);
  // Checked before the values are copied: negative or huge sizes never index the planes.
  last_error = tiae::ForegroundExtraction::check(width, height, options);
  if (!last_error.empty()) return nullptr;
  try {
    const size_t n = size_t(channels) * width * height;
    return new tiae::ForegroundExtraction(std::vector<float>(planes, planes + n), width, height, options);
  } catch (const std::exception& e) {  // non-finite gray values; out of memory
    last_error = e.what();
    return nullptr;
  }
}
EMSCRIPTEN_KEEPALIVE int tiae_extract_patch(const tiae::ForegroundExtraction* job) { return job->patch(); }  // window side
EMSCRIPTEN_KEEPALIVE int tiae_extract_batches(const tiae::ForegroundExtraction* job) { return job->batches(); }
EMSCRIPTEN_KEEPALIVE int tiae_extract_batch_size(const tiae::ForegroundExtraction* job, int b) { return job->batch_size(b); }
EMSCRIPTEN_KEEPALIVE void tiae_extract_inputs(const tiae::ForegroundExtraction* job, int b, float* out) { job->inputs(b, out); }
EMSCRIPTEN_KEEPALIVE void tiae_extract_accept(tiae::ForegroundExtraction* job, int b, const float* outputs) {
  job->accept(b, outputs);
}
// The foreground, width x height values, into out, calibrated so that the model card's ink
// threshold becomes 0.5 (calibrate_ink); 1 (see tiae_last_error) for a threshold out of (0, 1).
EMSCRIPTEN_KEEPALIVE int tiae_extract_result(const tiae::ForegroundExtraction* job, float ink_threshold, float* out) {
  try {
    auto r = job->result();
    tiae::calibrate_ink(r, ink_threshold);
    std::copy(r.begin(), r.end(), out);
    return 0;
  } catch (const std::exception& e) {
    last_error = e.what();
    return 1;
  }
}
EMSCRIPTEN_KEEPALIVE void tiae_extract_end(tiae::ForegroundExtraction* job) { delete job; }

// ---- documents, staged (shared/document.h): the scan, then the peaks' windows

// A job over gray (width x height), or null when refused (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE tiae::DocumentAnalysis* tiae_document_begin(const float* gray, int width, int height, double glyph_size,
                                                                 double model_glyph_size, int stride, int batch,
                                                                 int max_shift, double quantile) {
  const auto options = document_options(glyph_size, model_glyph_size, stride, batch, max_shift, quantile);
  last_error = tiae::DocumentAnalysis::check(width, height, options);  // before width x height values are read
  if (!last_error.empty()) return nullptr;
  try {
    return new tiae::DocumentAnalysis(std::vector<float>(gray, gray + size_t(width) * height), width, height, options);
  } catch (const std::exception& e) {
    last_error = e.what();
    return nullptr;
  }
}
EMSCRIPTEN_KEEPALIVE int tiae_document_check(int width, int height, double glyph_size, double model_glyph_size, int stride,
                                             int batch, int max_shift, double quantile) {
  last_error = tiae::DocumentAnalysis::check(
      width, height, document_options(glyph_size, model_glyph_size, stride, batch, max_shift, quantile));
  return last_error.empty() ? 0 : 1;
}
EMSCRIPTEN_KEEPALIVE int tiae_document_scan_batches(const tiae::DocumentAnalysis* job) { return job->scan_batches(); }
EMSCRIPTEN_KEEPALIVE int tiae_document_scan_batch_size(const tiae::DocumentAnalysis* job, int b) { return job->scan_batch_size(b); }
EMSCRIPTEN_KEEPALIVE void tiae_document_scan_inputs(const tiae::DocumentAnalysis* job, int b, float* out) { job->scan_inputs(b, out); }
EMSCRIPTEN_KEEPALIVE void tiae_document_accept_scan(tiae::DocumentAnalysis* job, int b, const float* canonicals) {
  job->accept_scan(b, canonicals);
}
// After the scan: the votes per page pixel (width x height floats) into out.
EMSCRIPTEN_KEEPALIVE void tiae_document_heatmap(const tiae::DocumentAnalysis* job, float* out) {
  std::copy(job->heatmap().begin(), job->heatmap().end(), out);
}
EMSCRIPTEN_KEEPALIVE int tiae_document_peak_count(const tiae::DocumentAnalysis* job) { return int(job->peaks().size()); }
// x, y, score per peak (3 floats each), strongest first.
EMSCRIPTEN_KEEPALIVE void tiae_document_peaks(const tiae::DocumentAnalysis* job, float* out) {
  for (const auto& p : job->peaks()) *out++ = p.x, *out++ = p.y, *out++ = p.score;
}
EMSCRIPTEN_KEEPALIVE int tiae_document_peak_batches(const tiae::DocumentAnalysis* job) { return job->peak_batches(); }
EMSCRIPTEN_KEEPALIVE int tiae_document_peak_batch_size(const tiae::DocumentAnalysis* job, int b) { return job->peak_batch_size(b); }
EMSCRIPTEN_KEEPALIVE void tiae_document_peak_inputs(const tiae::DocumentAnalysis* job, int b, float* out) { job->peak_inputs(b, out); }
EMSCRIPTEN_KEEPALIVE void tiae_document_accept_peaks(tiae::DocumentAnalysis* job, int b, const float* descriptors, int dims) {
  job->accept_peaks(b, descriptors, dims);
}
// The clusters: each peak's label into labels (peak count ints) and each cluster's
// representative peak (nearest its centre) into representatives (at most peak count
// ints); returns the number of clusters, or -1 (see tiae_last_error).
EMSCRIPTEN_KEEPALIVE int tiae_document_clusters(const tiae::DocumentAnalysis* job, int* labels, int* representatives) {
  try {
    const auto c = job->clusters();
    std::copy(c.labels.begin(), c.labels.end(), labels);
    const auto reps = tiae::cluster_representatives(job->descriptors(), c);
    std::copy(reps.begin(), reps.end(), representatives);
    return c.clusters();
  } catch (const std::exception& e) {
    last_error = e.what();
    return -1;
  }
}
EMSCRIPTEN_KEEPALIVE void tiae_document_end(tiae::DocumentAnalysis* job) { delete job; }

// ---- depth frames (shared/png16.h, shared/depth_hand.h)

// A 16-bit depth PNG's header and chunks: returns 0 and writes its width, height and the
// length of its image data (the IDAT chunks' data, one after the other) to out[0..2], or
// returns 1 (tiae_last_error: the words `tiae depth` uses).
EMSCRIPTEN_KEEPALIVE int tiae_png16_layout(const uint8_t* bytes, int size, int* out) {
  const auto layout = tiae::read_png16_layout(bytes, size_t(std::max(0, size)));
  last_error = layout.error;
  if (!layout.error.empty()) return 1;
  size_t length = 0;
  for (const auto& chunk : layout.data) length += chunk.second;
  out[0] = int(layout.width), out[1] = int(layout.height), out[2] = int(length);
  return 0;
}

// That image data into out (of the length above), for the browser's inflating.
EMSCRIPTEN_KEEPALIVE void tiae_png16_data(const uint8_t* bytes, int size, uint8_t* out) {
  for (const auto& [offset, length] : tiae::read_png16_layout(bytes, size_t(std::max(0, size))).data) out = std::copy_n(bytes + offset, length, out);
}

// The inflated data's rows unfiltered into metres (the 16-bit values times unit_m): returns
// 0, or 1 when the data is damaged.
EMSCRIPTEN_KEEPALIVE int tiae_png16_metres(const uint8_t* inflated, int size, int width, int height, double unit_m, float* out) {
  std::vector<uint16_t> samples(size_t(std::max(0, width)) * size_t(std::max(0, height)));
  last_error = tiae::unfilter_png16(inflated, size_t(std::max(0, size)), width, height, samples.data());
  if (!last_error.empty()) return 1;
  for (size_t i = 0; i < samples.size(); ++i) out[i] = float(samples[i] * unit_m);
  return 0;
}

// The hand cut out of a frame in metres (depth_hand.h). `options`: the network's input side,
// the camera's focal length in px, then the card's depth.cut values in this order:
// surface_jump_m, min_surface_cm2, gap_m, band_m, min_hand_cm2, max_hand_cm2,
// max_continued, hole_m, centre_radius_m, window_m, level_span_m, floor. Returns 0 and
// writes the input (size x size) to `image`, centre x, y, depth, nearest depth, area, the
// window's side, x0, y0 to info[0..7] and the frame as `tiae depth` pictures it
// (depth_frame_picture, width x height) to `picture`; or returns 1 (tiae_last_error: why no
// hand was found).
EMSCRIPTEN_KEEPALIVE int tiae_cut_out_hand(const float* metres, int width, int height, const float* options, float offset_x,
                                           float offset_y, float* image, float* info, float* picture) {
  tiae::DepthCutOptions o;
  o.size = int(options[0]), o.focal_px = options[1];
  float* fields[] = {&o.surface_jump_m, &o.min_surface_cm2, &o.gap_m,   &o.band_m,          &o.min_hand_cm2, &o.max_hand_cm2,
                     &o.max_continued,  &o.hole_m,          &o.centre_radius_m, &o.window_m, &o.level_span_m, &o.floor};
  for (size_t i = 0; i < std::size(fields); ++i) *fields[i] = options[2 + i];
  const auto crop = tiae::cut_out_hand(metres, width, height, o, offset_x, offset_y);
  last_error = crop.error;
  if (!crop.error.empty()) return 1;
  std::copy(crop.image.begin(), crop.image.end(), image);
  const float values[] = {crop.centre_x, crop.centre_y, crop.depth_m, crop.nearest_m, crop.area_cm2,
                          float(crop.window_px), float(crop.x0), float(crop.y0)};
  std::copy(std::begin(values), std::end(values), info);
  const auto shown = tiae::depth_frame_picture(metres, width, height, crop);
  std::copy(shown.begin(), shown.end(), picture);
  return 0;
}

}  // extern "C"
