#include "mean_shift.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace tiae {

namespace {

double squared_distance(const float* a, const double* b, int dims) {
  double d = 0;
  for (int k = 0; k < dims; ++k) d += (a[k] - b[k]) * (a[k] - b[k]);
  return d;
}

// One seed's climb: returns its converged mean and how many points lie within bandwidth
// of it (0 when none did, and the seed is dropped).
std::pair<std::vector<double>, int> climb(const std::vector<float>& points, int dims, const float* seed, double bandwidth) {
  const size_t n = points.size() / size_t(dims);
  const double radius2 = bandwidth * bandwidth, stop = 1e-3 * bandwidth;
  std::vector<double> mean(seed, seed + dims);
  std::vector<double> next(static_cast<size_t>(dims));
  int within = 0;
  for (int step = 0;; ++step) {
    std::fill(next.begin(), next.end(), 0.0);
    within = 0;
    for (size_t i = 0; i < n; ++i) {
      const float* p = &points[i * size_t(dims)];
      if (squared_distance(p, mean.data(), dims) > radius2) continue;
      ++within;
      for (int k = 0; k < dims; ++k) next[size_t(k)] += p[k];
    }
    if (within == 0) break;
    double moved = 0;
    for (int k = 0; k < dims; ++k) {
      next[size_t(k)] /= within;
      moved += (next[size_t(k)] - mean[size_t(k)]) * (next[size_t(k)] - mean[size_t(k)]);
    }
    mean.swap(next);
    if (std::sqrt(moved) < stop || step == 300) break;
  }
  return {mean, within};
}

}  // namespace

MeanShiftResult mean_shift(const std::vector<float>& points, int dims, double bandwidth) {
  if (dims < 1 || points.size() % size_t(dims) != 0) throw std::invalid_argument("mean_shift: points are not n x dims");
  if (!(bandwidth > 0) || !std::isfinite(bandwidth)) throw std::invalid_argument("mean_shift: bandwidth must be a positive number");
  const size_t n = points.size() / size_t(dims);
  // Converged centres with their strength; identical centres are one (as a dict of tuples).
  std::map<std::vector<double>, int> strength;
  for (size_t i = 0; i < n; ++i) {
    auto [centre, within] = climb(points, dims, &points[i * size_t(dims)], bandwidth);
    if (within > 0) strength[centre] = within;
  }
  std::vector<std::pair<std::vector<double>, int>> order(strength.begin(), strength.end());
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first > b.first;
  });
  MeanShiftResult r;
  r.dims = dims;
  std::vector<bool> kept(order.size(), true);
  std::vector<float> centre(static_cast<size_t>(dims));
  for (size_t i = 0; i < order.size(); ++i) {
    if (!kept[i]) continue;
    std::copy(order[i].first.begin(), order[i].first.end(), centre.begin());
    for (size_t j = i + 1; j < order.size(); ++j)
      if (squared_distance(centre.data(), order[j].first.data(), dims) <= bandwidth * bandwidth) kept[j] = false;
    r.centres.insert(r.centres.end(), order[i].first.begin(), order[i].first.end());
  }
  r.labels.assign(n, 0);
  const std::vector<double> centres(r.centres.begin(), r.centres.end());
  for (size_t i = 0; i < n; ++i) {
    double best = INFINITY;
    for (int c = 0; c < r.clusters(); ++c) {
      const double d = squared_distance(&points[i * size_t(dims)], &centres[size_t(c) * dims], dims);
      if (d < best) best = d, r.labels[i] = c;
    }
  }
  return r;
}

std::vector<int> cluster_representatives(const std::vector<float>& points, const MeanShiftResult& clusters) {
  const int dims = clusters.dims;
  std::vector<int> nearest(size_t(clusters.clusters()), -1);
  std::vector<double> best(nearest.size(), INFINITY);
  const std::vector<double> centres(clusters.centres.begin(), clusters.centres.end());
  for (size_t i = 0; i < clusters.labels.size(); ++i) {
    const size_t c = size_t(clusters.labels[i]);
    const double d = squared_distance(&points[i * size_t(dims)], &centres[c * size_t(dims)], dims);
    if (d < best[c]) best[c] = d, nearest[c] = int(i);
  }
  return nearest;
}

double estimate_bandwidth(const std::vector<float>& points, int dims, double quantile) {
  if (dims < 1 || points.empty() || points.size() % size_t(dims) != 0)
    throw std::invalid_argument("estimate_bandwidth: points are not n x dims, n >= 1");
  const size_t n = points.size() / size_t(dims);
  const size_t k = std::max<size_t>(1, size_t(double(n) * quantile));
  if (k > n) throw std::invalid_argument("estimate_bandwidth: quantile must be at most 1");
  double sum = 0;
  std::vector<double> d(n), p(static_cast<size_t>(dims));
  for (size_t i = 0; i < n; ++i) {
    std::copy(&points[i * size_t(dims)], &points[i * size_t(dims)] + dims, p.begin());
    for (size_t j = 0; j < n; ++j) d[j] = squared_distance(&points[j * size_t(dims)], p.data(), dims);
    std::nth_element(d.begin(), d.begin() + long(k - 1), d.end());
    sum += std::sqrt(d[k - 1]);
  }
  return sum / double(n);
}

MeanShiftResult cluster_descriptors(const std::vector<float>& points, int dims, double quantile) {
  return mean_shift(points, dims, std::max(1e-6, estimate_bandwidth(points, dims, quantile)));
}

}  // namespace tiae
