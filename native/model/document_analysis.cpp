#include "model/document_analysis.h"

#include "io/progress_bar.h"

namespace tiae {

DocumentReport analyse_document(AutoEncoder& network, torch::Device device, std::vector<float> gray, int width,
                                int height, const DocumentOptions& options, bool progress) {
  DocumentReport r;
  r.job = std::make_unique<DocumentAnalysis>(std::move(gray), width, height, options);
  auto& job = *r.job;
  torch::NoGradGuard no_grad;
  const int p = options.window.patch;
  std::vector<float> inputs;
  auto run = [&](int n, const float* pixels) {
    const auto x = torch::from_blob(const_cast<float*>(pixels), {n, 1, p, p}).to(device);
    const auto d = network->encoder->forward(x);
    return std::make_pair(d.to(torch::kCPU).contiguous(), network->decoder->forward(d).to(torch::kCPU).contiguous());
  };
  ProgressBar bar("document", job.scan_windows(), progress);
  long done = 0;
  for (int b = 0; b < job.scan_batches(); ++b) {
    const int n = job.scan_batch_size(b);
    inputs.resize(size_t(n) * p * p);
    job.scan_inputs(b, inputs.data());
    job.accept_scan(b, run(n, inputs.data()).second.data_ptr<float>());
    bar.update(done += n);
  }
  bar.finish();
  for (int b = 0; b < job.peak_batches(); ++b) {
    const int n = job.peak_batch_size(b);
    inputs.resize(size_t(n) * p * p);
    job.peak_inputs(b, inputs.data());
    const auto [descriptors, canonicals] = run(n, inputs.data());
    job.accept_peaks(b, descriptors.data_ptr<float>(), int(descriptors.size(1)));
    r.canonicals.insert(r.canonicals.end(), canonicals.data_ptr<float>(), canonicals.data_ptr<float>() + canonicals.numel());
  }
  r.clusters = job.clusters();
  return r;
}

}  // namespace tiae
