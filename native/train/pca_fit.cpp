#include "train/pca_fit.h"

#include <random>

#include "model/terms.h"

namespace tiae {

namespace {

// The images at `views` random shifts each, in chunks of whole images, for `visit`.
template <class Visit>
void shifted_chunks(const torch::Tensor& images, const TrainConfig& config, Visit visit) {
  std::mt19937_64 rng(config.seed);
  std::uniform_int_distribution<int64_t> shift(-config.max_shift, config.max_shift);
  const int64_t n = images.size(0), chunk = 1000;
  for (int v = 0; v < config.views; ++v)
    for (int64_t lo = 0; lo < n; lo += chunk) {
      const int64_t count = std::min(chunk, n - lo);
      std::vector<int64_t> xy(size_t(count) * 2);
      for (auto& s : xy) s = shift(rng);
      const auto shifts = torch::from_blob(xy.data(), {count, 2}, torch::kLong).clone();
      visit(shift_images(images.narrow(0, lo, count), shifts).flatten(1).to(torch::kFloat64));
    }
}

}  // namespace

nlohmann::json fit_pca(AutoEncoder& model, const torch::Tensor& images, const TrainConfig& config) {
  torch::NoGradGuard no_grad;
  const int64_t pixels = images[0].numel(), d = config.network.descriptor;
  auto sum = torch::zeros({pixels}, torch::kFloat64), outer = torch::zeros({pixels, pixels}, torch::kFloat64);
  int64_t count = 0;
  shifted_chunks(images.cpu(), config, [&](const torch::Tensor& x) {
    sum += x.sum(0);
    outer += x.t().mm(x);
    count += x.size(0);
  });
  const auto mean = sum / double(count);
  const auto covariance = outer / double(count) - mean.unsqueeze(1).mm(mean.unsqueeze(0));
  const auto [values, vectors] = torch::linalg::eigh(covariance, "L");  // ascending
  auto axes = vectors.narrow(1, pixels - d, d).flip({1}).t().contiguous();  // [d, pixels], largest first
  const auto largest = axes.abs().argmax(1);
  axes *= axes.gather(1, largest.unsqueeze(1)).sign();
  const auto w = axes.to(torch::kFloat32), m = mean.to(torch::kFloat32);
  model->encoder->fc1->weight.copy_(w);
  model->encoder->fc1->bias.copy_(-w.mv(m));
  model->decoder->fc1->weight.copy_(w.t());
  model->decoder->fc1->bias.copy_(m);
  const double kept = values.narrow(0, pixels - d, d).sum().item<double>(), total = values.sum().item<double>();
  double error = 0;
  shifted_chunks(images.cpu(), config, [&](const torch::Tensor& x) {
    const auto restored = model->decoder->forward(model->encoder->forward(x.to(torch::kFloat32))).flatten(1);
    error += (restored - x.to(torch::kFloat32)).pow(2).sum().item<double>();
  });
  return {{"explained_variance", kept / total}, {"c_rec", error / double(count)}, {"fitted_images", count}};
}

}  // namespace tiae
