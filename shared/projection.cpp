#include "projection.h"

#include <cmath>

namespace tiae {

void Projection2D::apply(const float* descriptor, float* xy) const {
  for (int a = 0; a < 2; ++a) {
    double s = 0;
    for (int j = 0; j < dim; ++j) s += double(descriptor[j] - mean[j]) * axes[a * dim + j];
    xy[a] = float(s);
  }
}

Projection2D fit_pca_2d(const float* descriptors, int count, int dim) {
  Projection2D p;
  p.dim = dim;
  p.mean.assign(dim, 0.f);
  p.axes.assign(2 * dim, 0.f);
  if (count <= 0 || dim <= 0) return p;
  std::vector<double> mean(dim, 0.0), cov(size_t(dim) * dim, 0.0);
  for (int i = 0; i < count; ++i)
    for (int j = 0; j < dim; ++j) mean[j] += descriptors[size_t(i) * dim + j];
  for (auto& m : mean) m /= count;
  for (int i = 0; i < count; ++i) {
    const float* d = descriptors + size_t(i) * dim;
    for (int a = 0; a < dim; ++a)
      for (int b = 0; b < dim; ++b) cov[size_t(a) * dim + b] += (d[a] - mean[a]) * (d[b] - mean[b]);
  }
  for (int j = 0; j < dim; ++j) p.mean[j] = float(mean[j]);

  for (int axis = 0; axis < 2; ++axis) {
    std::vector<double> v(dim), w(dim);
    for (int j = 0; j < dim; ++j) v[j] = 1.0 + 0.01 * j;  // fixed start: deterministic
    double eigenvalue = 0;
    for (int it = 0; it < 500; ++it) {
      double norm = 0;
      for (int a = 0; a < dim; ++a) {
        double s = 0;
        for (int b = 0; b < dim; ++b) s += cov[size_t(a) * dim + b] * v[b];
        w[a] = s;
        norm += s * s;
      }
      norm = std::sqrt(norm);
      if (norm == 0) break;
      for (int a = 0; a < dim; ++a) v[a] = w[a] / norm;
      eigenvalue = norm;
    }
    int largest = 0;
    for (int j = 1; j < dim; ++j)
      if (std::fabs(v[j]) > std::fabs(v[largest])) largest = j;
    const double sign = v[largest] < 0 ? -1.0 : 1.0;
    for (int j = 0; j < dim; ++j) p.axes[axis * dim + j] = float(sign * v[j]);
    // Deflate so the next power iteration finds the next axis.
    for (int a = 0; a < dim; ++a)
      for (int b = 0; b < dim; ++b) cov[size_t(a) * dim + b] -= eigenvalue * v[a] * v[b];
  }
  return p;
}

}  // namespace tiae
