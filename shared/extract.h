// Foreground extraction of a whole image with a window network (docs/method.md, "Whole-image extraction"), staged so
// that the network can run anywhere: natively (LibTorch) and in the browser (ONNX Runtime
// Web, asynchronously). The steps:
//   1. gray_from_rgba8 (or planes_from_rgba8 for a colour model): the image as values in
//      [0, 1] (alpha over white paper);
//   2. ForegroundExtraction plans: rescale so characters of `glyph_size` px come out at
//      the model's glyph size, then 32x32 windows every `stride` px, grouped in batches;
//   3. for each batch: inputs(b) -> run the network -> accept(b, outputs), in any order;
//   4. result(): overlapping outputs averaged per pixel, weighted by window_weight (high at
//      a window's centre, near 0 at its border: each pixel is decided by the windows that
//      hold it near their centre, where the model saw its digits), rescaled back.
// A fully convolutional model (network arch conv) runs on larger windows whose outputs count
// only beyond its reach from their border (the halo): there every output pixel sees all of
// its receptive field, so the tiled result is the network run on the whole image at once.
// Memory is a few floats per pixel, whatever the number of windows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tiae {

constexpr long long kMaxExtractPixels = 50'000'000;  // larger photos are refused (memory)

// Weight of a window's pixel i (of `patch`) along one axis in the average: sin^2(pi (i + 0.5) / patch).
float window_weight(int i, int patch);

// 8-bit RGBA (a canvas's ImageData layout) -> gray in [0, 1]: Rec. 601 luma, composited
// over white where alpha < 255.
std::vector<float> gray_from_rgba8(const uint8_t* rgba, int width, int height);

// The network's input planes of 8-bit RGBA: 1 (gray_from_rgba8), 3 (R, G, B in [0, 1], each
// composited over white) or 4 (R, G, B and the paper plane's place, which ForegroundExtraction
// fills with paper_normalised at the model's glyph size: shared/paper_plane.h), plane after plane.
std::vector<float> planes_from_rgba8(const uint8_t* rgba, int width, int height, int channels);

// The extractor's output made calibrated: a model's ink threshold t (its card's
// ink_threshold, tuned on pages apart from the evaluation's) is moved to 0.5, linearly on
// each side, so that 0.5 means ink for every model: v < t -> 0.5 v / t, else
// 0.5 + 0.5 (v - t) / (1 - t). t = 0.5 leaves the values as they are.
void calibrate_ink(std::vector<float>& values, float threshold);

// Valid ranges, checked by ForegroundExtraction::check before any arithmetic.
constexpr double kMinGlyphSize = 2, kMaxGlyphSize = 2000;  // px; both glyph sizes
constexpr int kMaxPatch = 1024;  // network input side
constexpr int kMaxBatch = 4096;  // a batch is batch x patch x patch floats: 16 MB at 32 px

struct ExtractOptions {
  double glyph_size = 20;        // height of the image's characters, px
  double model_glyph_size = 20;  // the model's, from its card (readers set it; 20: MNIST's digits, older cards)
  int stride = 8;                // px between windows, in the rescaled image: 1..patch - 2 halo (no gaps)
  int batch = 256;               // windows per network call: 1..kMaxBatch
  int patch = 32;                // the network's input side: 1..kMaxPatch
  int channels = 1;              // the image's planes (the network's input channels): 1 (gray), 3 (R, G, B) or 4 (and paper)
  // 0: sin^2 window weights (window_weight). Else a window's outputs within `halo` px of its
  // border weigh almost nothing (kHaloWeight: pixels by the image's border, which no window
  // holds further in, still get a value) and the others 1.
  int halo = 0;
};

constexpr float kHaloWeight = 1e-4f;
// The windows of a fully convolutional model: kConvPatch px, its reach as the halo, the
// stride that tiles the windows' insides exactly, and batches of a few windows (memory).
constexpr int kConvPatch = 256;
ExtractOptions convolutional_windows(ExtractOptions options, int reach);

// How many windows ForegroundExtraction places along a side of `size` px of the rescaled
// image: one every `stride` px and one flush with the far border (for estimates before a run).
int windows_along(int size, int patch, int stride);

class ForegroundExtraction {
 public:
  // `image`: options.channels planes of width x height values in [0, 1]. Throws
  // std::invalid_argument with check()'s message for an empty or too large image or bad
  // options, or when a value is not finite (NaN, infinity).
  ForegroundExtraction(std::vector<float> image, int width, int height, const ExtractOptions& options);
  // "" when such a job can be made, else why not, naming the option and its valid range
  // (for callers without exceptions: wasm). The image, then each option in its range, then
  // the rescaled image (width x height x model_glyph_size / glyph_size) within
  // kMaxExtractPixels.
  static std::string check(int width, int height, const ExtractOptions& options);

  int batches() const { return int((windows_.size() + options_.batch - 1) / options_.batch); }
  int batch_size(int b) const;
  long windows() const { return long(windows_.size()); }
  int patch() const { return options_.patch; }
  int work_width() const { return work_w_; }  // the rescaled image the windows tile
  int work_height() const { return work_h_; }

  // Batch b's windows, batch_size(b) x channels x patch x patch values (beyond the image's
  // border the nearest edge pixel is repeated).
  void inputs(int b, float* out) const;
  // The network's outputs for batch b, batch_size(b) x patch x patch (one plane, the ink):
  // added into the result.
  void accept(int b, const float* outputs);
  int accepted() const { return accepted_count_; }
  // The foreground, width x height values in [0, 1]. Throws std::logic_error if a batch
  // has not been accepted.
  std::vector<float> result() const;

 private:
  ExtractOptions options_;
  int width_, height_, work_w_, work_h_;
  void fill_paper_plane();   // channels 4: the paper plane of the rescaled image's R, G, B
  std::vector<float> work_;  // the rescaled image, plane after plane
  std::vector<float> sum_;   // overlap-added outputs
  std::vector<float> weight_;           // a window's weight along one axis (axis_weights)
  std::vector<float> cover_x_, cover_y_;  // summed weights of the windows over each column / row
  std::vector<std::pair<int, int>> windows_;  // top-left corners
  std::vector<bool> accepted_;
  int accepted_count_ = 0;
};

}  // namespace tiae
