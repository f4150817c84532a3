#include "evaluate/search_cost.h"

#include <fmt/core.h>

#include <chrono>
#include <random>

#include "artifacts/model_folder.h"
#include "data/mnist_data.h"
#include "model/network.h"
#include "model/terms.h"

namespace tiae {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The rows' grids: the model's own, and coarser and finer ones over the same ranges.
std::vector<std::pair<int, int>> grid_sizes(const TrainConfig& c) {
  if (c.max_rotation == 0 && c.max_scale == 1) return {{1, 1}};
  return {{1, 1}, {3, 3}, {5, 3}, {7, 5}, {13, 9}, {25, 17}};
}

// The model's shift regressor R as a learned proposal checked exactly (transform_search.h,
// estimate_transform_near): R's angle and scale, then the shift search at the nearest grid
// point and its neighbours. The time includes R's pass (a batch, shared out per image).
nlohmann::json regressor_proposal(Regressor& r, const torch::Tensor& inputs, const torch::Tensor& canonical, int m,
                                  const TransformGrid& grid, const std::vector<TransformEstimate>& exact) {
  r->eval();
  const int64_t n = inputs.size(0), px = 32 * 32;
  auto t = std::chrono::steady_clock::now();
  const auto theta = r->forward(inputs).contiguous();
  const float* th = theta.data_ptr<float>();
  int same = 0, searched_sum = 0;
  double excess = 0;
  for (int64_t i = 0; i < n; ++i) {
    int searched = 0;
    const auto e = estimate_transform_near(canonical.data_ptr<float>() + i * px, inputs.data_ptr<float>() + i * px, 32, 1, m, grid,
                                           th[i * 4 + 2], th[i * 4 + 3], &searched);
    same += e.grid_index == exact[size_t(i)].grid_index && e.dx == exact[size_t(i)].dx && e.dy == exact[size_t(i)].dy;
    excess += e.distance - exact[size_t(i)].distance;
    searched_sum += searched;
  }
  const double s = seconds_since(t);
  fmt::print("R's proposal checked at its grid neighbours: {:.2f} ms per image ({:.1f} grid points, same transform {:.3f})\n",
             1000 * s / double(n), double(searched_sum) / double(n), double(same) / double(n));
  return {{"regressor_proposal_ms_per_image", 1000 * s / double(n)},
          {"regressor_proposal_grid_points", double(searched_sum) / double(n)},
          {"regressor_proposal_same_transform", double(same) / double(n)},
          {"regressor_proposal_excess_distance_mean", excess / double(n)}};
}

}  // namespace

nlohmann::json search_cost(const SearchCostOptions& o) {
  use_cpu_threads(o.threads);
  torch::NoGradGuard no_grad;
  auto model = load_model(o.model, torch::kCPU);
  const auto& c = model.config;
  const auto split = load_mnist_split(find_mnist_package());
  const int64_t n = std::min<int64_t>(o.images, split.test.count());
  const auto digits = torch::from_blob(const_cast<float*>(split.test.images.data()), {n, 1, 32, 32}).clone();
  std::mt19937_64 rng(7);
  const auto inputs = draw_batch(digits, rng, protocol_placements(c), nullptr).inputs;
  const auto canonical = model.network->decoder->forward(model.network->encoder->forward(inputs)).contiguous();
  const int m = c.max_shift, px = 32 * 32;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [angles, scales] : grid_sizes(c)) {
    if ((angles > 1 && c.max_rotation == 0) || (scales > 1 && c.max_scale == 1)) continue;
    const auto grid = make_transform_grid(angles > 1 ? c.max_rotation : 0, angles, scales > 1 ? c.max_scale : 1, scales);
    auto t = std::chrono::steady_clock::now();
    restoration_term(canonical, inputs, m, grid);
    const double torch_s = seconds_since(t);
    const float* d = canonical.data_ptr<float>();
    const float* in = inputs.data_ptr<float>();
    std::vector<TransformEstimate> exact;
    t = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i) exact.push_back(estimate_transform(d + i * px, in + i * px, 32, 1, m, grid));
    const double core_s = seconds_since(t);
    int same = 0, searched_sum = 0;
    double excess = 0;
    t = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i) {
      int searched = 0;
      const auto fast = estimate_transform_coarse_to_fine(d + i * px, in + i * px, 32, 1, m, grid, &searched);
      same += fast.grid_index == exact[size_t(i)].grid_index && fast.dx == exact[size_t(i)].dx && fast.dy == exact[size_t(i)].dy;
      excess += fast.distance - exact[size_t(i)].distance;
      searched_sum += searched;
    }
    const double fine_s = seconds_since(t);
    rows.push_back({{"angles", angles},
                    {"scales", scales},
                    {"transforms", grid.size() * (2 * m + 1) * (2 * m + 1)},
                    {"libtorch_exact_ms_per_image", 1000 * torch_s / double(n)},
                    {"core_exact_ms_per_image", 1000 * core_s / double(n)},
                    {"core_coarse_to_fine_ms_per_image", 1000 * fine_s / double(n)},
                    {"coarse_to_fine_grid_points", double(searched_sum) / double(n)},
                    {"coarse_to_fine_same_transform", double(same) / double(n)},
                    {"coarse_to_fine_excess_distance_mean", excess / double(n)}});
    if (model.regressor && angles == c.rotation_steps && scales == c.scale_steps)  // the grid R was taught on
      rows.back().update(regressor_proposal(model.regressor, inputs, canonical, m, grid, exact));
    fmt::print("{:>2} x {:>2} grid ({:>6} transforms): LibTorch {:.2f} ms, core {:.2f} ms, coarse-to-fine {:.2f} ms per image ({:.1f} "
               "grid points, same transform {:.3f})\n",
               angles, scales, rows.back()["transforms"].get<int>(), 1000 * torch_s / double(n), 1000 * core_s / double(n),
               1000 * fine_s / double(n), double(searched_sum) / double(n), double(same) / double(n));
  }
  return {{"model", o.model}, {"images", n}, {"threads", torch::get_num_threads()}, {"protocol_seed", 7}, {"grids", rows}};
}

}  // namespace tiae
