#include "extract_photo.h"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>

#include "binarize.h"
#include "foreground.h"
#include "image_file.h"
#include "model_card.h"
#include "model_folder.h"
#include "progress_bar.h"

namespace tiae {
namespace fs = std::filesystem;

std::vector<float> extract_foreground(AutoEncoder& network, torch::Device device, std::vector<float> gray, int width,
                                      int height, const ExtractOptions& options, bool progress) {
  ForegroundExtraction job(std::move(gray), width, height, options);
  torch::NoGradGuard no_grad;
  const int p = options.patch;
  std::vector<float> inputs;
  ProgressBar bar("extract", job.windows(), progress);
  long done = 0;
  for (int b = 0; b < job.batches(); ++b) {
    const int n = job.batch_size(b);
    inputs.resize(size_t(n) * p * p);
    job.inputs(b, inputs.data());
    const auto x = torch::from_blob(inputs.data(), {n, 1, p, p}).to(device);
    const auto y = network->decoder->forward(network->encoder->forward(x)).to(torch::kCPU).contiguous();
    job.accept(b, y.data_ptr<float>());
    bar.update(done += n);
  }
  bar.finish();
  return job.result();
}

std::string extract_photo(const std::string& in, const std::string& out, const ExtractPhotoOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const RgbaImage image = read_image_file(in);  // bad input fails first, before any model loads
  auto gray = gray_from_rgba8(image.rgba.data(), image.width, image.height);
  ExtractOptions core = options.core;
  if (options.auto_glyph_size) {
    const double marks = component_height(gray, image.width, image.height);
    if (marks > 0) core.glyph_size = kGlyphPerMark * marks;
    else fmt::print(stderr, "tiae: note: {}: no writing found to measure the glyph size; using {} px (give --glyph-size)\n", in,
                    core.glyph_size);
  }
  const std::string refused = ForegroundExtraction::check(image.width, image.height, core);
  if (!refused.empty()) throw std::runtime_error(in + ": " + refused);
  const torch::Device device = choose_device(options.device);
  auto model = load_model(options.model, device);
  if (model.config.kind != "fg")
    fmt::print(stderr, "tiae: note: {} is a {} model, not a foreground extractor\n", options.model, model.config.kind);
  const double threshold = fs::exists(fs::path(options.model) / "model.json") ? read_model_card(options.model).ink_threshold : 0.5;
  auto foreground = extract_foreground(model.network, device, std::move(gray), image.width, image.height, core, options.progress);
  calibrate_ink(foreground, float(threshold));
  if (options.mask)
    for (auto& v : foreground) v = v >= 0.5f ? 1.f : 0.f;
  write_gray_image(out, foreground, image.width, image.height);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double scale = core.model_glyph_size / core.glyph_size;
  return fmt::format("{}: {}x{} px, glyph size {:.1f} px{} (windows on a {:.0f}x{:.0f} rescaled image), ink over {:.2f}, {:.1f} s -> {}",
                     in, image.width, image.height, core.glyph_size, options.auto_glyph_size ? " (measured)" : "",
                     image.width * scale, image.height * scale, threshold, s, out);
}

}  // namespace tiae
