#include "terms.h"

namespace tiae {

torch::Tensor shift_images(const torch::Tensor& images, const torch::Tensor& shifts) {
  const int64_t n = images.size(0), c = images.size(1), s = images.size(2);
  const int64_t side = 3 * s;  // pad by S on every side: any |shift| <= S stays inside
  auto padded = torch::constant_pad_nd(images, {s, s, s, s}).reshape({n, c, side * side});
  const auto opts = torch::TensorOptions().dtype(torch::kLong).device(images.device());
  auto ys = torch::arange(s, opts).view({1, s, 1});
  auto xs = torch::arange(s, opts).view({1, 1, s});
  auto sh = shifts.to(images.device(), torch::kLong);
  auto dx = sh.select(1, 0).view({n, 1, 1}), dy = sh.select(1, 1).view({n, 1, 1});
  // Source pixel of out(y, x) is (y - dy, x - dx), at (y - dy + S, x - dx + S) when padded.
  auto index = ((ys - dy + s) * side + (xs - dx + s)).reshape({n, 1, s * s}).expand({n, c, s * s});
  return padded.gather(2, index).view({n, c, s, s});
}

torch::Tensor invariance_term(const torch::Tensor& reference, const torch::Tensor& views) {
  return (views - reference.unsqueeze(0)).pow(2).flatten(2).sum(std::vector<int64_t>{0, 2});
}

Restoration restoration_term(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift) {
  const int64_t n = reconstruction.size(0), c = reconstruction.size(1), s = reconstruction.size(2);
  const int64_t m = max_shift, side = 2 * m + 1;
  // groups = N: image n's padded input meets only its own reconstruction as the kernel.
  auto input = torch::constant_pad_nd(target, {m, m, m, m}).reshape({1, n * c, s + 2 * m, s + 2 * m});
  auto corr = torch::nn::functional::conv2d(input, reconstruction, torch::nn::functional::Conv2dFuncOptions().groups(n)).view({n, side * side});
  // out(i, j) = sum D(u, v) I(u + i - m, v + j - m) = <D, T I> with dy = m - i, dx = m - j.
  auto energy = reconstruction.pow(2).flatten(1).sum(1) + target.pow(2).flatten(1).sum(1);
  auto [best_corr, best_index] = corr.max(1);
  Restoration r;
  r.distance = energy - 2 * best_corr;
  const auto row = best_index.floor_divide(side), col = best_index - row * side;
  r.shift = torch::stack({m - col, m - row}, 1);
  return r;
}

Restoration restoration_term_by_loop(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift) {
  const int64_t n = reconstruction.size(0), s = reconstruction.size(2), m = max_shift;
  // Both images on the extended canvas: the reconstruction is zero outside the window.
  auto canvas_d = torch::constant_pad_nd(reconstruction, {m, m, m, m});
  auto canvas_i = torch::constant_pad_nd(target, {2 * m, 2 * m, 2 * m, 2 * m});
  torch::Tensor best, best_dx, best_dy;
  for (int64_t dy = -m; dy <= m; ++dy)
    for (int64_t dx = -m; dx <= m; ++dx) {
      // T(dx, dy) I on the extended canvas: I(y - dy, x - dx).
      auto shifted = canvas_i.narrow(2, m - dy, s + 2 * m).narrow(3, m - dx, s + 2 * m);
      auto d = (canvas_d - shifted).pow(2).flatten(1).sum(1);
      if (!best.defined()) {
        best = d;
        best_dx = torch::full({n}, dx, torch::kLong);
        best_dy = torch::full({n}, dy, torch::kLong);
      } else {
        auto better = d < best;
        best = torch::where(better, d, best);
        best_dx = torch::where(better.cpu(), torch::full({n}, dx, torch::kLong), best_dx);
        best_dy = torch::where(better.cpu(), torch::full({n}, dy, torch::kLong), best_dy);
      }
    }
  return {best, torch::stack({best_dx, best_dy}, 1)};
}

torch::Tensor sparseness_term(const torch::Tensor& descriptors) {
  return descriptors.abs().sum(1).pow(2) / (descriptors.pow(2).sum(1) + 1e-8);
}

Objective objective(AutoEncoder& model, const torch::Tensor& digits, const torch::Tensor& shifts, const TrainConfig& config) {
  const int64_t bs = digits.size(0), s = digits.size(2);
  const int64_t views = shifts.size(0) / bs;
  const auto inputs = shift_images(digits.repeat({views, 1, 1, 1}), shifts);
  const auto descriptors = model->encoder->forward(inputs);
  const auto recon = model->decoder->forward(descriptors);
  Objective o;
  if (config.kind == "tiae") {
    const auto reference = recon.narrow(0, 0, bs);
    o.c_inv = invariance_term(reference, recon.narrow(0, bs, (views - 1) * bs).view({views - 1, bs, -1, s, s})).mean();
    o.c_res = restoration_term(recon, inputs, config.max_shift).distance.mean();
    o.c_spa = sparseness_term(descriptors).mean();
    o.loss = config.lambda_inv * o.c_inv + config.lambda_res * o.c_res + config.lambda_spa * o.c_spa;
  } else {
    o.c_rec = (recon - inputs).pow(2).flatten(1).sum(1).mean();
    o.loss = o.c_rec;
  }
  return o;
}

}  // namespace tiae
