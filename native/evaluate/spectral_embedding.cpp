#include "evaluate/spectral_embedding.h"

#include <torch/torch.h>

#include <limits>
#include <stdexcept>

namespace tiae {

std::vector<float> spectral_embedding(const std::vector<float>& points, int dim, int k, int neighbours) {
  const int64_t n = int64_t(points.size()) / dim;
  if (n <= neighbours || n < k) throw std::runtime_error("spectral_embedding: too few points");
  const auto x = torch::from_blob(const_cast<float*>(points.data()), {n, dim}).to(torch::kFloat64);
  auto distance = torch::cdist(x, x);
  distance.fill_diagonal_(std::numeric_limits<double>::infinity());  // no point is its own neighbour
  const auto nearest = std::get<1>(distance.topk(neighbours, 1, /*largest=*/false));
  auto w = torch::zeros({n, n}, torch::kFloat64);
  w.scatter_(1, nearest, 1.0);
  w = torch::maximum(w, w.t());
  const auto inv_sqrt = w.sum(1).rsqrt();
  const auto affinity = inv_sqrt.view({n, 1}) * w * inv_sqrt.view({1, n});
  const auto vectors = std::get<1>(torch::linalg::eigh(affinity, "L")).narrow(1, n - k, k);  // ascending: the last k
  const auto rows = (vectors / vectors.norm(2, 1, true).clamp_min(1e-12)).to(torch::kFloat32).contiguous();
  return {rows.data_ptr<float>(), rows.data_ptr<float>() + rows.numel()};
}

}  // namespace tiae
