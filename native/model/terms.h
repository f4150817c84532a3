// The transforms and the three terms of the TIAE objective (docs/method.md, "The objective"):
//   C = l_inv * C_inv + l_res * C_res + l_spa * C_spa
// Every term returns one value per image (summed over pixels or dimensions); the trainer
// averages over the batch.
#pragma once
#include <torch/torch.h>

#include <random>

#include "data/backgrounds.h"
#include "data/training_pages.h"
#include "model/network.h"
#include "model/train_config.h"
#include "transform_search.h"

namespace tiae {

// T(dx, dy) per image with zero fill: out[n](y, x) = images[n](y - dy, x - dx).
// images [N, C, S, S]; shifts [N, 2] integer (dx, dy) with |dx|, |dy| <= S.
torch::Tensor shift_images(const torch::Tensor& images, const torch::Tensor& shifts);
// n shifts (dx, dy) drawn evenly from [-max_shift, max_shift]^2, [n, 2] kLong, as shift_images takes them.
torch::Tensor random_shifts(int64_t n, int max_shift, std::mt19937_64& rng);

// Invariance term: ||D(E(I)) - D(E(T I))||^2 for each transformed view.
// reference [N, C, S, S]; views [K, N, C, S, S] -> [N], summed over the K views.
torch::Tensor invariance_term(const torch::Tensor& reference, const torch::Tensor& views);

// The code's own invariance (not in the slides: their term makes D(E(I)) equal across views,
// and E(I) may still move in directions D ignores): the mean squared distance between each
// view's descriptor and its reference view's, over the mean squared distance between the
// reference descriptors of different digits (each and the next in the batch), so that no
// scaling of the code lowers it; tiae eval's invariance ratio, in squares.
// descriptors [K * N, D] (view k of digit n at row k * N + n), N >= 2 -> a scalar (with
// several ranks, each rank's own part of the batch).
torch::Tensor code_invariance_term(const torch::Tensor& descriptors, int64_t views);

// The clustering term (not in the slides: DEC, Xie et al. 2016, kept beside the restoration
// term as IDEC does, Guo et al. 2017): every view's descriptor z is softly assigned to the
// epoch's k centres by Student's t, q_j = (1 + ||z - mu_j||^2)^-1 / sum_l (1 + ||z - mu_l||^2)^-1,
// and pulled towards its digit's target p (the same for all its views), KL(p || q).
// descriptors [N, D], centres [k, D] -> q [N, k].
torch::Tensor soft_assignment(const torch::Tensor& descriptors, const torch::Tensor& centres);
// DEC's targets from the assignments q [N, k] of a whole training set: p_ij = q_ij^2 / f_j
// normalised over j, f_j = sum_i q_ij: confident assignments count more, and a large
// cluster less, so that one cluster does not swallow the others.
torch::Tensor sharpened_targets(const torch::Tensor& q);
// descriptors [V * N, D] (view v of digit n at row v * N + n), centres [k, D], targets
// [N, k] -> the mean over the V * N rows of KL(p_n || q_row), a scalar.
torch::Tensor clustering_term(const torch::Tensor& descriptors, const torch::Tensor& centres, const torch::Tensor& targets,
                              int64_t views);

// turn(angle, scale) of each image (shared/transform_search.h: degrees counter-clockwise,
// about the window's centre, bilinear, zero outside) on a canvas of out_side px centred on
// the window: images [N, C, S, S], angles and scales [N] -> [N, C, out_side, out_side].
torch::Tensor turn_images(const torch::Tensor& images, const torch::Tensor& angles, const torch::Tensor& scales, int64_t out_side);

struct Restoration {
  torch::Tensor distance;   // [N]: min over transforms of ||D(E(I)) - T I||^2 (extended canvas)
  torch::Tensor shift;      // [N, 2] int64: the argmin's (dx, dy), theta_hat's shift
  torch::Tensor transform;  // [N] int64: the argmin's rotation and scale, an index of the TransformGrid (0 for shifts alone)
};

// Restoration term, exact over all (2 m + 1)^2 shifts. On the extended canvas
// ||D - T I||^2 = ||D||^2 + ||I||^2 - 2 <D, T I>, and <D, T I> for every shift is one
// grouped convolution of the zero-padded input with D as the kernel; it picks the best
// shift without a gradient, and the term is then computed at that shift, which gives the
// minimum's value and gradient at a third of the cost of differentiating the convolution.
Restoration restoration_term(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift);
// The same over shift x rotation x scale: the target turned once per point of `grid` on the
// extended canvas (all of it counts in ||T I||^2), and the one-convolution shift search on
// each; the minimum over all of them (ties: the first in transform_distances' order).
Restoration restoration_term(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift,
                             const TransformGrid& grid);

// The same minimum by the definition: a loop over every shift, comparing on the extended
// canvas. For tests and the benchmark only (289 passes instead of one convolution).
Restoration restoration_term_by_loop(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift);
// By the definition over the whole family: one resampling of the target per transform, the
// shift folded into it (affine_grid), compared with D on a canvas that holds all of T I.
Restoration restoration_term_by_loop(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift,
                                     const TransformGrid& grid);

// Sparseness term: ||E(I)||_1^2 / ||E(I)||_2^2 per descriptor [N, D] -> [N].
torch::Tensor sparseness_term(const torch::Tensor& descriptors);

// A digit drawn over a background (docs/method.md, "Foreground extraction: the background-change transform").
// digits d [N, 1, S, S] in [0, 1] (ink amount, the digit on a zero background);
// backgrounds b [N, 1, S, S] in [0, 1]; appearance [N, 3] = (ink, paper_low, paper_high)
// (see Appearance in backgrounds.h):
//   image = (1 - d) * (paper_low + (paper_high - paper_low) * b) + d * ink
//   truth = d   (what foreground extraction must give back)
struct Composite {
  torch::Tensor image, truth;
};
Composite composite(const torch::Tensor& digits, const torch::Tensor& backgrounds, const torch::Tensor& appearance);

// One step's inputs: V views of the same B digits, view-major ([V B, 1, S, S], view 0 first).
//   tiae: V = K + 1 random shifts, targets = inputs;  ae: V = 1 random shift;
//   fg:   V = K + 1 composites over random backgrounds with random appearance (and random
//         shifts when max_shift > 0), targets = the digits alone, shifted alike; with
//         layout "text" each image is a window over lines of glyphs (text_layout.h).
struct Batch {
  torch::Tensor inputs, targets;
  int64_t views = 1;
  // lambda_cluster > 0: the epoch's centres [k, D] and each digit's target [B, k] (clustering_term)
  torch::Tensor centres, cluster_targets;
};
// `backgrounds` is needed for kind "fg" only; `letters` ([L, 1, S, S], font_glyphs.h) when
// config.letters > 0: that fraction of a text window's glyphs are letters drawn from it.
// All randomness comes from `rng`.
Batch draw_batch(const torch::Tensor& digits, std::mt19937_64& rng, const TrainConfig& config,
                 const BackgroundSource* backgrounds, const torch::Tensor& letters = {});

// A one-view draw of a model's family as the evaluation protocols use it: the digits at
// random placements (shifts, turns, scales) as they are, never restyled (digit_styles is
// the training data's, not the protocol's).
TrainConfig protocol_placements(const TrainConfig& model);

// Layout "page": `count` crops of network.size px cut at the same place from every view of
// random bank pages, each turned by a random multiple of 90 degrees and mirrored at random;
// targets = the crops of the pages' ink, the same for every view.
Batch draw_page_batch(const PageBank& pages, int64_t count, std::mt19937_64& rng, const TrainConfig& config);

struct Objective {
  torch::Tensor loss;               // the scalar to minimise
  torch::Tensor c_inv, c_res, c_spa; // batch means (kind "tiae")
  torch::Tensor c_code;              // code_invariance_term (kind "tiae"; 0 when lambda_code is 0)
  torch::Tensor c_cluster;           // clustering_term (kind "tiae"; 0 when lambda_cluster is 0)
  torch::Tensor c_rec;               // batch mean of ||D(E(I)) - I||^2 (kind "ae")
};

// The weight `tiae extract` gives each pixel of a window (window_weight in shared/extract.h,
// a product of sin^2 profiles), scaled to mean 1: [size, size].
torch::Tensor extraction_weights(int64_t size);

// One training step's objective on a Batch:
//   tiae, fg: l_inv * C_inv + l_res * C_res (on every view) + l_spa * C_spa, where C_res is
//             the exact minimum over shifts when max_shift > 0, else ||D(E(I)) - target||^2;
//             With layout "text" (and "page" on the dense network) both terms weigh each
//             pixel by extraction_weights.
//   ae:       ||D(E(I)) - I||^2, the ordinary auto-encoder on the same shifted digits.
Objective objective(AutoEncoder& model, const Batch& batch, const TrainConfig& config);

}  // namespace tiae
