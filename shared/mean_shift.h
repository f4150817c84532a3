// Mean shift clustering of descriptors, what the document analysis groups a page's
// characters with (document.h); tests/test_mean_shift_sklearn.cpp checks it against
// scikit-learn's MeanShift and estimate_bandwidth.
#pragma once
#include <cstddef>
#include <vector>

namespace tiae {

// Mean shift with a flat kernel, as scikit-learn's MeanShift (seeds: every point,
// bin_seeding off, cluster_all on): each seed moves to the mean of the points within
// `bandwidth` until it moves less than 1e-3 bandwidth (at most 300 steps); the converged
// centres, strongest first (points within bandwidth, ties by the larger centre), absorb
// those within bandwidth of them; each point goes to its nearest centre.
// points: n x dims row-major. O(n^2 dims) per step: a page's few hundred peaks take
// milliseconds, ten thousand would take minutes.
struct MeanShiftResult {
  int dims = 0;
  std::vector<float> centres;  // clusters x dims
  std::vector<int> labels;     // n, each a cluster's index
  int clusters() const { return dims == 0 ? 0 : int(centres.size() / size_t(dims)); }
};
MeanShiftResult mean_shift(const std::vector<float>& points, int dims, double bandwidth);

// The point of each cluster nearest its centre (its index in points), per cluster.
std::vector<int> cluster_representatives(const std::vector<float>& points, const MeanShiftResult& clusters);

// scikit-learn's estimate_bandwidth: the mean over points of the distance to their
// k-th nearest neighbour (the point itself counted), k = max(1, int(n * quantile)).
double estimate_bandwidth(const std::vector<float>& points, int dims, double quantile);

// mean_shift at estimate_bandwidth(quantile), what a page's peaks are clustered with (a
// bandwidth of 0, when points repeat, becomes 1e-6: identical points form one cluster).
MeanShiftResult cluster_descriptors(const std::vector<float>& points, int dims, double quantile);

}  // namespace tiae
