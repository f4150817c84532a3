// Spectral clustering's embedding (Ng, Jordan and Weiss, 2001), for the "clusters" protocol
// of `tiae eval` (docs/method.md, "Clusters"): k-means is run on these rows instead of the
// descriptors themselves. The graph joins each point to its `neighbours` nearest (Euclidean)
// and back (symmetric, weight 1); the rows are the `k` leading eigenvectors of
// D^-1/2 W D^-1/2, each row scaled to length 1.
#pragma once
#include <vector>

namespace tiae {

// points: n x dim row-major. Returns n x k row-major.
std::vector<float> spectral_embedding(const std::vector<float>& points, int dim, int k, int neighbours = 10);

}  // namespace tiae
