// 2-D projection of descriptors for display: principal component analysis.
#pragma once
#include <vector>

namespace tiae {

struct Projection2D {
  int dim = 0;
  std::vector<float> mean;   // dim
  std::vector<float> axes;   // 2 x dim, unit rows, first = largest variance
  // Coordinates of one dim-sized descriptor on the two axes.
  void apply(const float* descriptor, float* xy) const;
};

// Fits the two leading principal axes of `count` row-major descriptors of size `dim`
// (power iteration with deflation on the covariance; deterministic, sign fixed so that the
// largest-magnitude component of each axis is positive).
Projection2D fit_pca_2d(const float* descriptors, int count, int dim);

}  // namespace tiae
