#include "model/foreground.h"

#include "glyph_search.h"
#include "io/progress_bar.h"
#include "model/precision.h"

namespace tiae {

ExtractOptions model_windows(const NetworkShape& network, ExtractOptions options) {
  options.channels = network.channels;
  if (network.arch == Architecture::conv) return convolutional_windows(options, network.reach());
  options.patch = network.size;
  return options;
}

std::vector<float> extract_foreground(AutoEncoder& network, torch::Device device, std::vector<float> image, int width,
                                      int height, const ExtractOptions& given, bool progress, Precision precision) {
  const ExtractOptions options = model_windows(network->shape, given);
  ForegroundExtraction job(std::move(image), width, height, options);
  torch::NoGradGuard no_grad;
  const int p = options.patch, c = options.channels;
  std::vector<float> inputs;
  ProgressBar bar("extract", job.windows(), progress);
  long done = 0;
  for (int b = 0; b < job.batches(); ++b) {
    const int n = job.batch_size(b);
    inputs.resize(size_t(n) * c * p * p);
    job.inputs(b, inputs.data());
    const auto x = torch::from_blob(inputs.data(), {n, c, p, p}).to(device);
    torch::Tensor y;
    {
      const NetworkPrecision arithmetic(precision, device);
      y = network->decoder->forward(network->encoder->forward(x));
    }
    y = y.to(torch::kCPU, torch::kFloat32).contiguous();
    job.accept(b, y.data_ptr<float>());
    bar.update(done += n);
  }
  bar.finish();
  return job.result();
}

double choose_glyph_size(AutoEncoder& network, torch::Device device, const std::vector<float>& image, int width, int height,
                         const ExtractOptions& options, float ink_threshold, Precision precision, bool progress) {
  const auto candidates = glyph_size_candidates(width, height);
  const int n = int(candidates.size());
  ProgressBar bar("glyph size", long(coarse_candidate_indices(n).size() + 2), progress);
  long done = 0;
  const int best = search_candidates(n, [&](int k) {
    const CropBox box = search_crop(width, height, candidates[k], options.model_glyph_size);
    ExtractOptions o = options;
    o.glyph_size = candidates[k];
    auto out = extract_foreground(network, device, crop_planes(image, width, height, network->shape.channels, box), box.width,
                                  box.height, o, false, precision);
    calibrate_ink(out, ink_threshold);
    bar.update(++done);
    return ink_decidedness(out);
  });
  bar.finish();
  return candidates[best];
}

}  // namespace tiae
