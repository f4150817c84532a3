#include "evaluate/transform_kmeans.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "model/kmeans.h"

namespace tiae {
namespace F = torch::nn::functional;

torch::Tensor grid_matrices(const TransformKmeansGrid& grid) {
  std::vector<float> values;
  for (double angle : grid.angles)
    for (double scale : grid.scales)
      for (double slant : grid.slants)
        for (double aspect : grid.aspects) {
          const double a = angle * M_PI / 180, c = std::cos(a), s = std::sin(a);
          const double sx = scale * aspect, sy = scale / aspect;
          // rotation . slant . stretch, acting on (x, y) offsets from the centre
          values.insert(values.end(), {float(c * sx), float((c * slant - s) * sy), float(s * sx), float((s * slant + c) * sy)});
        }
  return torch::tensor(values).view({-1, 2, 2});
}

torch::Tensor warp_images(const torch::Tensor& images, const torch::Tensor& maps) {
  const int64_t n = images.size(0);
  // With align_corners, grid coordinates are (pixel - centre) / centre, so a map about the
  // centre is the same matrix there; affine_grid asks where each output pixel reads from.
  const auto theta = torch::cat({torch::linalg::inv(maps.to(torch::kFloat32)), torch::zeros({n, 2, 1})}, 2);
  const auto where = F::affine_grid(theta, {n, 1, images.size(2), images.size(3)}, true);
  return F::grid_sample(images, where, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
}

torch::Tensor stroke_width(const torch::Tensor& images, int step) {
  if (step == 0) return images;
  // Dilation by the window {0, 1}^2 reads each pixel and its upper-left neighbours, erosion
  // its lower-right ones (the textbook pair): thickening and thinning move the strokes half a
  // pixel in opposite directions, so neither favours one side of the centre.
  const auto padded = F::pad(step > 0 ? images : -images,
                             F::PadFuncOptions(step > 0 ? std::vector<int64_t>{1, 0, 1, 0} : std::vector<int64_t>{0, 1, 0, 1}).mode(torch::kReplicate));
  const auto pooled = F::max_pool2d(padded, F::MaxPool2dFuncOptions(2).stride(1));
  return step > 0 ? pooled : -pooled;
}

torch::Tensor prototype_templates(const torch::Tensor& prototypes, const TransformKmeansGrid& grid, const torch::Tensor& maps) {
  const int64_t t = maps.size(0), side = prototypes.size(2);
  std::vector<torch::Tensor> parts;
  for (int64_t k = 0; k < prototypes.size(0); ++k)
    for (int step : grid.strokes) {
      const auto drawn = stroke_width(prototypes.narrow(0, k, 1), step).expand({t, 1, side, side}).contiguous();
      parts.push_back(warp_images(drawn, maps).view({t, side * side}));
    }
  return torch::cat(parts);
}

std::pair<torch::Tensor, torch::Tensor> best_templates(const torch::Tensor& images, const torch::Tensor& templates, bool gain) {
  const auto xx = images.pow(2).sum(1, true), tt = templates.pow(2).sum(1).view({1, -1});
  const auto dot = images.matmul(templates.t());
  const auto distance = gain ? xx - dot.clamp_min(0).pow(2) / tt.clamp_min(1e-12) : xx - 2 * dot + tt;
  auto [best, index] = distance.min(1);
  return {best, index};
}

namespace {

struct Fit {
  torch::Tensor prototype, map, distance;  // [N] each: the prototype, the grid map, the distance
};

Fit assign(const torch::Tensor& flat, const torch::Tensor& prototypes, const TransformKmeansGrid& grid, const torch::Tensor& maps) {
  const int64_t n = flat.size(0);
  Fit fit{torch::zeros({n}, torch::kLong), torch::zeros({n}, torch::kLong),
          torch::full({n}, std::numeric_limits<float>::infinity())};
  for (int64_t k = 0; k < prototypes.size(0); ++k) {  // one prototype at a time: [N, templates] stays small
    const auto [distance, index] = best_templates(flat, prototype_templates(prototypes.narrow(0, k, 1), grid, maps), grid.gain);
    const auto better = distance < fit.distance;
    fit.distance = torch::where(better, distance, fit.distance);
    fit.prototype.masked_fill_(better, k);
    fit.map = torch::where(better, index.remainder(maps.size(0)), fit.map);
  }
  return fit;
}

// The mean of each cluster's rows [N, P] -> [K, 1, S, S]; a cluster with none keeps `old`'s.
torch::Tensor cluster_means(const torch::Tensor& rows, const torch::Tensor& clusters, const torch::Tensor& old) {
  const int64_t k = old.size(0);
  const auto sums = torch::zeros({k, rows.size(1)}).index_add_(0, clusters, rows);
  const auto counts = torch::zeros({k}).index_add_(0, clusters, torch::ones({rows.size(0)}));
  const auto mean = (sums / counts.clamp_min(1).view({k, 1})).view_as(old);
  return torch::where((counts > 0).view({k, 1, 1, 1}), mean, old);
}

// Each prototype: the mean of its images, each moved back by the inverse of its map.
torch::Tensor refit(const torch::Tensor& images, const Fit& fit, const torch::Tensor& maps, const torch::Tensor& old) {
  return cluster_means(warp_images(images, torch::linalg::inv(maps).index_select(0, fit.map)).flatten(1), fit.prototype, old);
}

TransformKmeans one_restart(const std::vector<float>& images, const torch::Tensor& stack, int k, uint64_t seed,
                            const TransformKmeansGrid& grid, const torch::Tensor& maps, int iterations) {
  const int64_t n = stack.size(0), side = stack.size(2);
  const auto flat = stack.flatten(1);
  const auto start = torch::tensor(kmeans(images, int(side * side), k, seed)).to(torch::kLong);
  auto prototypes = cluster_means(flat, start, torch::zeros({k, 1, side, side}));
  Fit fit = assign(flat, prototypes, grid, maps);
  for (int i = 1; i < iterations; ++i) {
    prototypes = refit(stack, fit, maps, prototypes);
    Fit next = assign(flat, prototypes, grid, maps);
    const bool settled = next.prototype.equal(fit.prototype) && next.map.equal(fit.map);
    fit = next;
    if (settled) break;
  }
  const auto clusters = fit.prototype.to(torch::kInt32).contiguous(), drawn = prototypes.contiguous();
  return {{clusters.data_ptr<int>(), clusters.data_ptr<int>() + n},
          {drawn.data_ptr<float>(), drawn.data_ptr<float>() + drawn.numel()},
          fit.distance.to(torch::kFloat64).sum().item<double>()};
}

}  // namespace

TransformKmeans transform_kmeans(const std::vector<float>& images, int side, int k, uint64_t seed,
                                 const TransformKmeansGrid& grid, int restarts, int iterations) {
  const int64_t n = int64_t(images.size()) / (int64_t(side) * side);
  if (n < k || n * side * side != int64_t(images.size()))
    throw std::runtime_error("transform_kmeans: fewer images than clusters, or images not side x side");
  const auto stack = torch::from_blob(const_cast<float*>(images.data()), {n, 1, side, side}).clone();
  const auto maps = grid_matrices(grid);
  if (maps.size(0) == 0 || grid.strokes.empty()) throw std::runtime_error("transform_kmeans: an empty grid");
  TransformKmeans best;
  best.objective = std::numeric_limits<double>::infinity();
  for (int r = 0; r < restarts; ++r) {
    auto result = one_restart(images, stack, k, seed * 1000 + uint64_t(r), grid, maps, iterations);
    if (result.objective < best.objective) best = std::move(result);
  }
  return best;
}

}  // namespace tiae
