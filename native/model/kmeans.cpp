#include "model/kmeans.h"

#include <algorithm>
#include <limits>
#include <random>
#include <stdexcept>

namespace tiae {

double squared_distance(const float* a, const float* b, int dim) {
  double s = 0;
  for (int j = 0; j < dim; ++j) {
    const double d = double(a[j]) - b[j];
    s += d * d;
  }
  return s;
}

namespace {
// Each empty cluster takes the point farthest from its centre among clusters of two or more
// (as scikit-learn's k-means does), so no centre is left without members: a mean of none
// (the origin, in the clustering term's centres). Returns whether any point moved.
bool fill_empty_clusters(const std::vector<float>& points, int dim, const std::vector<float>& centres, std::vector<int>& assign,
                         int k) {
  const int n = int(assign.size());
  std::vector<int> count(k, 0);
  for (const int a : assign) ++count[a];
  bool moved = false;
  for (int c = 0; c < k; ++c) {
    if (count[c] > 0) continue;
    int far = -1;
    double farthest = -1;
    for (int i = 0; i < n; ++i) {
      if (count[assign[i]] < 2) continue;
      const double d = squared_distance(&points[size_t(i) * dim], &centres[size_t(assign[i]) * dim], dim);
      if (d > farthest) farthest = d, far = i;
    }
    if (far < 0) break;  // n < k: checked before, so never here
    --count[assign[far]];
    assign[far] = c;
    count[c] = 1;
    moved = true;
  }
  return moved;
}
}  // namespace

std::vector<int> kmeans(const std::vector<float>& points, int dim, int k, uint64_t seed, int restarts, int iterations) {
  const int n = int(points.size() / dim);
  if (n < k) throw std::runtime_error("kmeans: fewer points than clusters");
  std::mt19937_64 rng(seed);
  std::vector<int> best_assign;
  double best_inertia = std::numeric_limits<double>::max();
  for (int restart = 0; restart < restarts; ++restart) {
    // k-means++: each next centre drawn with probability proportional to squared distance.
    std::vector<float> centres;
    std::vector<double> nearest(n, std::numeric_limits<double>::max());
    int pick = std::uniform_int_distribution<int>(0, n - 1)(rng);
    for (int c = 0; c < k; ++c) {
      centres.insert(centres.end(), &points[size_t(pick) * dim], &points[size_t(pick) * dim] + dim);
      double total = 0;
      for (int i = 0; i < n; ++i) {
        nearest[i] = std::min(nearest[i], squared_distance(&points[size_t(i) * dim], &centres[size_t(c) * dim], dim));
        total += nearest[i];
      }
      double r = std::uniform_real_distribution<double>(0, total)(rng);
      pick = n - 1;
      for (int i = 0; i < n; ++i)
        if ((r -= nearest[i]) <= 0) { pick = i; break; }
    }
    std::vector<int> assign(n, -1);
    double inertia = 0;
    for (int it = 0; it < iterations; ++it) {
      bool changed = false;
      inertia = 0;
      for (int i = 0; i < n; ++i) {
        // a point stays in its cluster unless another centre is strictly nearer (ties move nothing)
        int arg = std::max(assign[i], 0);
        double best = squared_distance(&points[size_t(i) * dim], &centres[size_t(arg) * dim], dim);
        for (int c = 0; c < k; ++c) {
          const double d = squared_distance(&points[size_t(i) * dim], &centres[size_t(c) * dim], dim);
          if (d < best) best = d, arg = c;
        }
        changed |= assign[i] != arg;
        assign[i] = arg;
        inertia += best;
      }
      changed |= fill_empty_clusters(points, dim, centres, assign, k);
      if (!changed) break;
      std::vector<double> sum(size_t(k) * dim, 0.0);
      std::vector<int> count(k, 0);
      for (int i = 0; i < n; ++i) {
        ++count[assign[i]];
        for (int j = 0; j < dim; ++j) sum[size_t(assign[i]) * dim + j] += points[size_t(i) * dim + j];
      }
      for (int c = 0; c < k; ++c)
        for (int j = 0; j < dim; ++j) centres[size_t(c) * dim + j] = float(sum[size_t(c) * dim + j] / count[c]);
    }
    if (inertia < best_inertia) best_inertia = inertia, best_assign = assign;
  }
  return best_assign;
}

}  // namespace tiae
