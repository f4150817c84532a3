// Transformation-invariant k-means (the k-means of DTI clustering, Monnier et al. 2020), a
// clustering protocol of `tiae eval` (docs/method.md, "Clusters"): k prototype images; each
// image goes to the prototype that fits it best once the prototype is turned, scaled,
// slanted, stretched and its strokes thickened or thinned (one point of a fixed grid), its
// ink scaled to the image's; each prototype is then the mean of its images brought back into
// its frame. Read on the canonical images D(E(I)), where the TIAE has already taken the shift
// out, so the grid holds no shift. Settings: configs/mnist-shift-dti-split.json.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace tiae {

struct TransformKmeansGrid {
  std::vector<double> angles{-30, -15, 0, 15, 30};  // degrees, counter-clockwise
  std::vector<double> scales{0.85, 1, 1.15};
  std::vector<double> slants{-0.4, -0.2, 0, 0.2, 0.4};  // x moves by slant * (y - centre)
  std::vector<double> aspects{0.85, 1, 1.15};           // width grows by it, height shrinks by it
  std::vector<int> strokes{-1, 0, 1};                   // thinned, as is, thickened (a 2 x 2 window)
  bool gain = true;                                     // each fit scales the prototype's ink
};

struct TransformKmeans {
  std::vector<int> clusters;
  std::vector<float> prototypes;  // k x side x side, the restart kept
  double objective = 0;           // the summed distances of the restart kept (the lowest)
};

// images: n x side x side values, row-major. Restarts begin from the card's k-means
// (model/kmeans.h) at seeds derived from `seed`; the one of lowest objective is kept.
TransformKmeans transform_kmeans(const std::vector<float>& images, int side, int k, uint64_t seed,
                                 const TransformKmeansGrid& grid = {}, int restarts = 4, int iterations = 20);

// The building blocks, exposed for tests.
// The grid's linear maps about the image centre, [T, 2, 2] in (x, y), T = angles x scales x slants x aspects.
torch::Tensor grid_matrices(const TransformKmeansGrid& grid);
// images [N, 1, S, S] moved by maps [N, 2, 2]: out(q) = in(c + A^-1 (q - c)), bilinear, zeros outside.
torch::Tensor warp_images(const torch::Tensor& images, const torch::Tensor& maps);
// Grey dilation (step 1) by the 2 x 2 window of each pixel and its upper-left neighbours, or
// erosion (step -1) by its lower-right ones; step 0 returns the images.
torch::Tensor stroke_width(const torch::Tensor& images, int step);
// Every prototype [K, 1, S, S] under every stroke and map: [K * strokes * T, S * S], in that order.
torch::Tensor prototype_templates(const torch::Tensor& prototypes, const TransformKmeansGrid& grid, const torch::Tensor& maps);
// For images [N, P] and templates [M, P]: each image's best template and its distance,
// ||x||^2 - max(x.t, 0)^2 / ||t||^2 with the gain, else ||x - t||^2.
std::pair<torch::Tensor, torch::Tensor> best_templates(const torch::Tensor& images, const torch::Tensor& templates, bool gain);

}  // namespace tiae
