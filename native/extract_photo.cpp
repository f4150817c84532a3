#include "extract_photo.h"

#include <fmt/core.h>

#include <chrono>

#include "image_file.h"
#include "model_folder.h"
#include "progress_bar.h"

namespace tiae {

std::string extract_photo(const std::string& in, const std::string& out, const ExtractPhotoOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const RgbaImage image = read_image_file(in);  // bad input fails first, before any model loads
  ForegroundExtraction job(gray_from_rgba8(image.rgba.data(), image.width, image.height), image.width, image.height,
                           options.core);
  const torch::Device device = choose_device(options.device);
  auto model = load_model(options.model, device);
  if (model.config.kind != "fg")
    fmt::print(stderr, "tiae: note: {} is a {} model, not a foreground extractor\n", options.model, model.config.kind);
  torch::NoGradGuard no_grad;
  const int p = options.core.patch;
  std::vector<float> inputs;
  ProgressBar bar("extract", job.windows(), options.progress);
  long done = 0;
  for (int b = 0; b < job.batches(); ++b) {
    const int n = job.batch_size(b);
    inputs.resize(size_t(n) * p * p);
    job.inputs(b, inputs.data());
    const auto x = torch::from_blob(inputs.data(), {n, 1, p, p}).to(device);
    const auto y = model.network->decoder->forward(model.network->encoder->forward(x)).to(torch::kCPU).contiguous();
    job.accept(b, y.data_ptr<float>());
    bar.update(done += n);
  }
  bar.finish();
  write_gray_image(out, job.result(), image.width, image.height);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return fmt::format("{}: {}x{} px, {} windows of 32x32 on a {}x{} image, {:.1f} s -> {}", in, image.width, image.height,
                     job.windows(), job.work_width(), job.work_height(), s, out);
}

}  // namespace tiae
