#include "commands/extract_photo.h"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>

#include "glyph_size.h"
#include "model/foreground.h"
#include "io/image_file.h"
#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "io/progress_bar.h"

namespace tiae {
namespace fs = std::filesystem;

// The glyph size of the photo's writing, measured (binarize.h), or the model's own when
// none is found.
double measured_glyph_size(const std::vector<float>& gray, int width, int height, const std::string& in, double fallback) {
  if (const double measured = estimate_glyph_size(gray, width, height); measured > 0) return measured;
  fmt::print(stderr, "tiae: note: {}: no writing found to measure the glyph size; using {} px (give --glyph-size)\n", in, fallback);
  return fallback;
}

std::string extract_photo(const std::string& in, const std::string& out, const ExtractPhotoOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const RgbaImage image = read_image_file(in);  // bad input fails first, before any model loads
  auto gray = gray_from_rgba8(image.rgba.data(), image.width, image.height);
  // The card's glyph size and calibration (a training run has no card: the defaults).
  const ModelCard card = read_model_card_or_defaults(options.model);
  ExtractOptions core = options.core;
  core.model_glyph_size = card.glyph_size;
  if (options.auto_glyph_size) core.glyph_size = measured_glyph_size(gray, image.width, image.height, in, card.glyph_size);
  const std::string refused = ForegroundExtraction::check(image.width, image.height, core);
  if (!refused.empty()) throw std::runtime_error(in + ": " + refused);
  const torch::Device device = choose_device(options.device);
  auto model = load_model(options.model, device);
  if (model.config.kind != Kind::fg)
    fmt::print(stderr, "tiae: note: {} is a {} model, not a foreground extractor\n", options.model, to_string(model.config.kind));
  auto foreground = extract_foreground(model.network, device, std::move(gray), image.width, image.height, core, options.progress);
  calibrate_ink(foreground, float(card.ink_threshold));
  if (options.mask)
    for (auto& v : foreground) v = v >= 0.5f ? 1.f : 0.f;
  write_gray_image(out, foreground, image.width, image.height);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double scale = core.model_glyph_size / core.glyph_size;
  return fmt::format("{}: {}x{} px, glyph size {:.1f} px{} (windows on a {:.0f}x{:.0f} rescaled image), ink over {:.2f}, {:.1f} s -> {}",
                     in, image.width, image.height, core.glyph_size, options.auto_glyph_size ? " (measured)" : "",
                     image.width * scale, image.height * scale, card.ink_threshold, s, out);
}

}  // namespace tiae
