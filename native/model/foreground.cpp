#include "model/foreground.h"

#include "glyph_search.h"
#include "io/progress_bar.h"
#include "model/precision.h"

namespace tiae {

ExtractOptions model_windows(const NetworkShape& network, ExtractOptions options) {
  options.channels = network.channels;
  if (network.arch == Architecture::conv) {
    // One window a call natively: its activations (256² px × 16 channels, 4 MB) stay in the
    // CPU's caches; 1 MP took 0.9 s instead of 1.2 s with the core's 4 a call, the same
    // output. The page keeps 4 (1.7 s against 1.8 s there with 1, in one comparison).
    ExtractOptions o = convolutional_windows(options, network.reach());
    o.batch = 1;
    return o;
  }
  options.patch = network.size;
  return options;
}

namespace {

// A convolutional network's weights and inputs as channels-last (NHWC) tensors: oneDNN's
// convolutions on them then take 1 MP in 0.7 s instead of 0.9–1.0 s on 2 cores; the values
// differ only by the order of sums (4 of 10^6 pixels moved by 1/255).
constexpr auto kChannelsLast = torch::MemoryFormat::ChannelsLast;
void use_channels_last(AutoEncoder& network) {
  for (auto& p : network->parameters())
    if (p.dim() == 4 && !p.is_contiguous(kChannelsLast)) p.set_data(p.contiguous(kChannelsLast));
}

}  // namespace

std::vector<float> extract_foreground(AutoEncoder& network, torch::Device device, std::vector<float> image, int width,
                                      int height, const ExtractOptions& given, bool progress, Precision precision) {
  const ExtractOptions options = model_windows(network->shape, given);
  const bool conv = network->shape.arch == Architecture::conv;
  if (conv) use_channels_last(network);
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
    auto x = torch::from_blob(inputs.data(), {n, c, p, p}).to(device);
    if (conv) x = x.contiguous(kChannelsLast);
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
