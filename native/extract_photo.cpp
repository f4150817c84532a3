#include "extract_photo.h"

#include <fmt/core.h>

#include <chrono>

#include "foreground.h"
#include "image_file.h"
#include "model_folder.h"
#include "progress_bar.h"

namespace tiae {

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
  const std::string refused = ForegroundExtraction::check(image.width, image.height, options.core);
  if (!refused.empty()) throw std::runtime_error(in + ": " + refused);
  const torch::Device device = choose_device(options.device);
  auto model = load_model(options.model, device);
  if (model.config.kind != "fg")
    fmt::print(stderr, "tiae: note: {} is a {} model, not a foreground extractor\n", options.model, model.config.kind);
  const auto foreground = extract_foreground(model.network, device, gray_from_rgba8(image.rgba.data(), image.width, image.height),
                                             image.width, image.height, options.core, options.progress);
  write_gray_image(out, foreground, image.width, image.height);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double scale = options.core.model_glyph_size / options.core.glyph_size;
  return fmt::format("{}: {}x{} px (windows on a {:.0f}x{:.0f} rescaled image), {:.1f} s -> {}", in, image.width,
                     image.height, image.width * scale, image.height * scale, s, out);
}

}  // namespace tiae
