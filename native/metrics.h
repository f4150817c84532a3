// Descriptor-quality metrics of `tiae eval` (torch-free; descriptors are row-major floats).
#pragma once
#include <cstdint>
#include <vector>

namespace tiae {

// Fraction of queries whose nearest reference descriptor (Euclidean, brute force) has the
// query's label.
double nearest_neighbour_accuracy(const std::vector<float>& reference, const std::vector<int>& reference_labels,
                                  const std::vector<float>& queries, const std::vector<int>& query_labels, int dim);

// k-means (k-means++ seeding, Lloyd iterations), best of `restarts` by inertia; returns
// the cluster of each point.
std::vector<int> kmeans(const std::vector<float>& points, int dim, int k, uint64_t seed, int restarts = 5,
                        int iterations = 100);

// Normalised mutual information of two labelings, I(A; B) / ((H(A) + H(B)) / 2)
// (the arithmetic normalisation, as scikit-learn's default). 1 when they agree up to names.
double normalized_mutual_information(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace tiae
