// Descriptor-quality metrics of `tiae eval` (torch-free; descriptors are row-major floats).
#pragma once
#include <cstddef>
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
