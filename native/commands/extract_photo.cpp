#include "commands/extract_photo.h"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>

#include "glyph_size.h"
#include "model/adaptation.h"
#include "model/foreground.h"
#include "io/image_file.h"
#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "io/progress_bar.h"

namespace tiae {
namespace fs = std::filesystem;

PageInput read_page(const std::string& in, const std::string& model, std::optional<double> glyph_size, bool measure) {
  PageInput p{read_image_file(in), {}, {}, 0};
  p.gray = gray_from_rgba8(p.image.rgba.data(), p.image.width, p.image.height);
  p.card = read_model_card_or_defaults(model);
  if (!glyph_size && !measure) return p;
  p.glyph_size = glyph_size ? *glyph_size : estimate_glyph_size(p.gray, p.image.width, p.image.height);
  if (p.glyph_size <= 0) {
    p.glyph_size = p.card.glyph_size;
    fmt::print(stderr, "tiae: note: {}: no writing found to measure the glyph size; using {} px (give --glyph-size)\n", in,
               p.glyph_size);
  }
  return p;
}

std::string extract_photo(const std::string& in, const std::string& out, const ExtractPhotoOptions& options) {
  using From = ExtractPhotoOptions::GlyphSize;
  const auto t0 = std::chrono::steady_clock::now();
  const auto from = options.glyph_size_from;
  auto [image, gray, card, glyph_size] = read_page(
      in, options.model, from == From::given ? std::optional<double>(options.core.glyph_size) : std::nullopt, from == From::measured);
  const torch::Device device = choose_device(options.device);
  use_cpu_threads(options.threads);
  auto model = load_model(options.model, device);
  ExtractOptions core = model_windows(model.network->shape, options.core);
  core.model_glyph_size = card.glyph_size;
  core.glyph_size = from == From::model ? card.glyph_size : glyph_size;  // checked before the search's runs
  const std::string refused = ForegroundExtraction::check(image.width, image.height, core);
  if (!refused.empty()) throw std::runtime_error(in + ": " + refused);
  if (model.config.kind != Kind::fg)
    fmt::print(stderr, "tiae: note: {} is a {} model, not a foreground extractor\n", options.model, to_string(model.config.kind));
  auto planes = core.channels == 1 ? std::move(gray) : planes_from_rgba8(image.rgba.data(), image.width, image.height, core.channels);
  if (from == From::model) {
    core.glyph_size = choose_glyph_size(model.network, device, planes, image.width, image.height, core, float(card.ink_threshold),
                                        options.precision, options.progress);
    const std::string too_large = ForegroundExtraction::check(image.width, image.height, core);  // a 50 MP photo at 12 px
    if (!too_large.empty()) throw std::runtime_error(fmt::format("{}: at the glyph size the model chose, {:.1f} px: {} (give --glyph-size)",
                                                                 in, core.glyph_size, too_large));
  }
  const auto extract = [&] {
    auto soft = extract_foreground(model.network, device, planes, image.width, image.height, core, options.progress, options.precision);
    calibrate_ink(soft, float(card.ink_threshold));
    return soft;
  };
  auto foreground = extract();
  std::string adapted;
  if (options.adapt_seconds > 0) {
    AdaptOptions adapt;
    adapt.seconds = options.adapt_seconds;
    const int steps = adapt_to_image(model.network, device, model.config, planes, foreground, image.width, image.height,
                                     core.glyph_size, core.model_glyph_size, adapt, options.progress);
    foreground = extract();
    adapted = fmt::format(", adapted to the photo in {} steps", steps);
  }
  if (options.mask)
    for (auto& v : foreground) v = v >= 0.5f ? 1.f : 0.f;
  write_gray_image(out, foreground, image.width, image.height);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double scale = core.model_glyph_size / core.glyph_size;
  const char* how = from == From::model ? " (chosen by the model)" : from == From::measured ? " (measured)" : "";
  return fmt::format("{}: {}x{} px, glyph size {:.1f} px{} (windows on a {:.0f}x{:.0f} rescaled image), ink over {:.2f}{}, {:.1f} s {} -> {}",
                     in, image.width, image.height, core.glyph_size, how, image.width * scale, image.height * scale,
                     card.ink_threshold, adapted, s, ran_on(device), out);
}

}  // namespace tiae
