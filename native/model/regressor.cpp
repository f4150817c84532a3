#include "model/regressor.h"

namespace tiae {

CentroidPrior centroid_prior(int channels, int size, int outputs) {
  const float c = float(size - 1) / 2;
  auto w = torch::zeros({outputs, int64_t(channels) * size * size});
  auto a = w.accessor<float, 2>();
  for (int ch = 0; ch < channels; ++ch)
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        const int64_t i = (int64_t(ch) * size + y) * size + x;
        a[0][i] = c - float(x), a[1][i] = c - float(y);
      }
  return {w, torch::ones({1, int64_t(channels) * size * size})};
}

RegressorImpl::RegressorImpl(int channels, int outputs) : outputs(outputs) {
  conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 16, 5)));
  conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(16, 32, 5)));
  fc1 = register_module("fc1", torch::nn::Linear(32 * 5 * 5, 128));
  fc2 = register_module("fc2", torch::nn::Linear(128, outputs));
}

torch::Tensor RegressorImpl::forward(const torch::Tensor& images) {
  auto h = torch::max_pool2d(torch::relu(conv1->forward(images)), 2);  // 32 -> 28 -> 14
  h = torch::max_pool2d(torch::relu(conv2->forward(h)), 2);            // 14 -> 10 -> 5
  return fc2->forward(torch::relu(fc1->forward(h.flatten(1)))) + prior(images);
}

torch::Tensor centroid_prior_of(const torch::Tensor& images, int outputs) {
  const auto p = centroid_prior(int(images.size(1)), int(images.size(2)), outputs);
  const auto flat = images.flatten(1);
  const auto w = p.weights.to(flat.device(), flat.scalar_type()), m = p.mass.to(flat.device(), flat.scalar_type());
  return torch::matmul(flat, w.t()) / (torch::matmul(flat, m.t()) + kCentroidEps);
}

torch::Tensor RegressorImpl::prior(const torch::Tensor& images) const { return centroid_prior_of(images, outputs); }

int regressor_outputs(const TransformGrid& grid) { return grid.identity() ? 2 : 4; }

torch::Tensor regressor_targets(const Restoration& r, const TransformGrid& grid) {
  auto shift = r.shift.to(torch::kFloat32);
  if (grid.identity()) return shift;
  const auto index = r.transform.to(torch::kCPU).contiguous();
  std::vector<float> angle, scale;
  for (int64_t i = 0; i < index.size(0); ++i) {
    angle.push_back(grid.angle(int(index[i].item<int64_t>())));
    scale.push_back(grid.scale(int(index[i].item<int64_t>())));
  }
  const int64_t n = index.size(0);
  const auto as = torch::stack({torch::from_blob(angle.data(), {n}).clone(), torch::from_blob(scale.data(), {n}).clone()}, 1);
  return torch::cat({shift, as.to(shift.device())}, 1);
}

torch::Tensor regressor_error(const torch::Tensor& predicted, const torch::Tensor& target) {
  auto d = predicted - target;
  if (d.size(1) == 4) {
    const auto log_ratio = (predicted.select(1, 3).clamp_min(1e-3) / target.select(1, 3)).log();
    d = torch::stack({d.select(1, 0), d.select(1, 1), d.select(1, 2) / 10, log_ratio * 10}, 1);
  }
  return d.pow(2).sum(1);
}

ShiftAgreement shift_agreement(const torch::Tensor& shifts, const torch::Tensor& exact) {
  const auto d = shifts.narrow(1, 0, 2).to(torch::kCPU, torch::kFloat64) - exact.narrow(1, 0, 2).to(torch::kCPU, torch::kFloat64);
  return {(d.abs().amax(1) <= 1).to(torch::kFloat64).mean().item<double>(), d.pow(2).sum(1).sqrt().mean().item<double>()};
}

}  // namespace tiae
