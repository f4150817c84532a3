// k-means, torch-free: `tiae eval`'s clusters and the clustering term's targets (terms.h).
#pragma once
#include <cstdint>
#include <vector>

namespace tiae {

// ||a - b||^2 of two points of `dim` values, summed in double (also the metrics' measure).
double squared_distance(const float* a, const float* b, int dim);

// k-means (k-means++ seeding, Lloyd iterations), best of `restarts` by inertia; returns
// the cluster of each point. Every one of the k clusters keeps at least one point, even
// where fewer than k points are distinct.
std::vector<int> kmeans(const std::vector<float>& points, int dim, int k, uint64_t seed, int restarts = 5,
                        int iterations = 100);

}  // namespace tiae
