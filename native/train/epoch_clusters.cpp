#include "train/epoch_clusters.h"

#include <vector>

#include "model/kmeans.h"
#include "model/terms.h"

namespace tiae {

namespace {
torch::Tensor descriptors_of(AutoEncoder& model, const torch::Tensor& digits) {
  torch::NoGradGuard no_grad;
  const bool training = model->is_training();
  model->eval();
  std::vector<torch::Tensor> parts;
  const int64_t n = digits.size(0), batch = 512;
  for (int64_t lo = 0; lo < n; lo += batch) parts.push_back(model->encoder->forward(digits.narrow(0, lo, std::min(batch, n - lo))));
  model->train(training);
  return torch::cat(parts).to(torch::kCPU, torch::kFloat32).contiguous();
}
}  // namespace

EpochClusters epoch_clusters(AutoEncoder& model, const torch::Tensor& digits, int k, uint64_t seed) {
  const auto z = descriptors_of(model, digits);
  const int64_t n = z.size(0), dim = z.size(1);
  const std::vector<float> points(z.data_ptr<float>(), z.data_ptr<float>() + n * dim);
  const auto assign = kmeans(points, int(dim), k, seed);
  auto centres = torch::zeros({k, dim});
  auto counts = torch::zeros({k, 1});
  const auto index = torch::from_blob(const_cast<int*>(assign.data()), {n}, torch::kInt).to(torch::kLong);
  centres.index_add_(0, index, z);
  counts.index_add_(0, index, torch::ones({n, 1}));
  centres = centres / counts.clamp_min(1);
  const auto q = soft_assignment(z, centres);
  EpochClusters out;
  out.centres = centres.to(digits.device());
  out.targets = sharpened_targets(q).to(digits.device());
  out.confidence = std::get<0>(q.max(1)).mean().item<double>();
  return out;
}

}  // namespace tiae
