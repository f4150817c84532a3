// The clustering term's state for one epoch (terms.h, clustering_term): DEC's centres and
// targets, found again at the start of every epoch from the weights as they are then, so a
// resumed run finds what the uninterrupted one did.
#pragma once
#include <torch/torch.h>

#include "model/network.h"

namespace tiae {

struct EpochClusters {
  torch::Tensor centres;  // [k, D]: the means of k-means' clusters of the digits' descriptors
  torch::Tensor targets;  // [n, k]: each training digit's sharpened target (sharpened_targets)
  double confidence = 0;  // the mean over digits of the largest soft assignment, for the log
};

// k-means (seeded by `seed`) on E of every digit [n, C, S, S] as it is (unshifted), then the
// soft assignments to its cluster means and their sharpened targets.
EpochClusters epoch_clusters(AutoEncoder& model, const torch::Tensor& digits, int k, uint64_t seed);

}  // namespace tiae
