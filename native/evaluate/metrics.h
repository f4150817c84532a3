// Descriptor-quality metrics of `tiae eval` (torch-free; descriptors are row-major floats).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/kmeans.h"  // kmeans() and squared_distance(), which the metrics use beside these

namespace tiae {

// Fraction of queries whose nearest reference descriptor (Euclidean, brute force) has the
// query's label.
// With `leave_one_out`, reference i and query i are the same image (at other transforms)
// and are never each other's neighbour.
double nearest_neighbour_accuracy(const std::vector<float>& reference, const std::vector<int>& reference_labels,
                                  const std::vector<float>& queries, const std::vector<int>& query_labels, int dim,
                                  bool leave_one_out = false);

// Each point scaled to length 1 (a zero point stays zero): k-means on these clusters by
// direction, which the descriptor's length does not decide.
std::vector<float> unit_length(const std::vector<float>& points, int dim);

// Normalised mutual information of two labelings, I(A; B) / ((H(A) + H(B)) / 2)
// (the arithmetic normalisation, as scikit-learn's default). 1 when they agree up to names.
double normalized_mutual_information(const std::vector<int>& a, const std::vector<int>& b);

// Descriptor invariance of `tiae eval`: mean ||a_i - b_i|| (the same image at two shifts)
// divided by mean ||a_i - a_other[i]|| (two different images). 0 for a perfectly invariant
// descriptor; about 1 when a shift moves it as far as changing the image does.
double invariance_ratio(const std::vector<float>& a, const std::vector<float>& b, const std::vector<int>& other, int dim);

// Fraction of images whose estimated shifts agree with the shifts applied: the input at
// shift a_i and at b_i has estimates est_a_i, est_b_i (theta_hat, interleaved dx, dy), and
// theta_hat(T_a I) = theta_hat(I) - a, so est_a_i - est_b_i must be b_i - a_i, within
// `tolerance` px on each axis.
double shift_consistency(const std::vector<int64_t>& est_a, const std::vector<int64_t>& est_b,
                         const std::vector<int64_t>& shift_a, const std::vector<int64_t>& shift_b, int tolerance = 1);

// Shift x rotation x scale: image i was placed at transforms A_i and B_i (shift after turn,
// shared/transform_search.h) and the estimates E_i, F_i bring each onto the canonical image,
// so E_i A_i and F_i B_i must be the same transform: composed, angles add, scales multiply
// and the shift is e + s_e M(angle_e) a (whole px, turn about the centre). Consistent when
// the two agree within `angle_tolerance` degrees, a factor `scale_tolerance` and
// `shift_tolerance` px on each axis.
struct Placement {
  double dx = 0, dy = 0, angle = 0, scale = 1;
};
double transform_consistency(const std::vector<Placement>& est_a, const std::vector<Placement>& est_b,
                             const std::vector<Placement>& applied_a, const std::vector<Placement>& applied_b,
                             double angle_tolerance, double scale_tolerance, double shift_tolerance);

// Foreground extraction: peak signal-to-noise ratio (peak 1) of `image` against `truth`,
// 10 log10(1 / MSE) in dB (capped at 100 for identical images), and the intersection over
// union of their ink masks (value > threshold); 1 when both masks are empty.
double psnr(const float* image, const float* truth, size_t n);
double ink_iou(const float* image, const float* truth, size_t n, float threshold = 0.5f);

// A binarization against the true ink as the DIBCO competitions score it, ink (value >
// threshold) the positive class: fm, the F-measure 2PR / (P + R) in % (0 when either is 0);
// iou, the ink IoU; psnr, 10 log10(1 / MSE) of the two masks in dB (100 when equal).
struct BinarizationScores {
  double fm = 0, iou = 0, psnr = 0;
};
BinarizationScores binarization_scores(const float* image, const float* truth, size_t n, float threshold = 0.5f);

}  // namespace tiae
