#include "evaluate/metrics.h"

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>

namespace tiae {

double nearest_neighbour_accuracy(const std::vector<float>& reference, const std::vector<int>& reference_labels,
                                  const std::vector<float>& queries, const std::vector<int>& query_labels, int dim,
                                  bool leave_one_out) {
  const size_t nr = reference_labels.size(), nq = query_labels.size();
  if (nr == 0 || nq == 0) throw std::runtime_error("nearest_neighbour_accuracy: empty set");
  size_t correct = 0;
  for (size_t q = 0; q < nq; ++q) {
    double best = std::numeric_limits<double>::max();
    int label = -1;
    for (size_t r = 0; r < nr; ++r) {
      if (leave_one_out && r == q) continue;
      const double d = squared_distance(&queries[q * dim], &reference[r * dim], dim);
      if (d < best) best = d, label = reference_labels[r];
    }
    correct += label == query_labels[q];
  }
  return double(correct) / double(nq);
}

std::vector<float> unit_length(const std::vector<float>& points, int dim) {
  std::vector<float> out(points);
  for (size_t i = 0; i + size_t(dim) <= out.size(); i += size_t(dim)) {
    const double length = std::sqrt(squared_distance(&out[i], std::vector<float>(size_t(dim), 0.f).data(), dim));
    if (length > 0)
      for (int j = 0; j < dim; ++j) out[i + size_t(j)] = float(out[i + size_t(j)] / length);
  }
  return out;
}

namespace {
// E A: shift(e) turn(e) shift(a) turn(a) = shift(e + s_e M(angle_e) a) turn(angle_e + angle_a, s_e s_a).
Placement compose(const Placement& e, const Placement& a) {
  const double t = e.angle * M_PI / 180, c = std::cos(t), s = std::sin(t);
  return {e.dx + e.scale * (c * a.dx + s * a.dy), e.dy + e.scale * (-s * a.dx + c * a.dy), e.angle + a.angle, e.scale * a.scale};
}
}  // namespace

double transform_consistency(const std::vector<Placement>& est_a, const std::vector<Placement>& est_b,
                             const std::vector<Placement>& applied_a, const std::vector<Placement>& applied_b,
                             double angle_tolerance, double scale_tolerance, double shift_tolerance) {
  const size_t n = est_a.size();
  if (n == 0 || est_b.size() != n || applied_a.size() != n || applied_b.size() != n)
    throw std::runtime_error("transform_consistency: mismatched sets");
  size_t consistent = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto a = compose(est_a[i], applied_a[i]), b = compose(est_b[i], applied_b[i]);
    consistent += std::abs(a.angle - b.angle) <= angle_tolerance + 1e-9 &&
                  std::abs(std::log(a.scale / b.scale)) <= std::log(scale_tolerance) + 1e-9 &&
                  std::abs(a.dx - b.dx) <= shift_tolerance && std::abs(a.dy - b.dy) <= shift_tolerance;
  }
  return double(consistent) / double(n);
}

double invariance_ratio(const std::vector<float>& a, const std::vector<float>& b, const std::vector<int>& other, int dim) {
  const size_t n = a.size() / size_t(dim);
  if (n == 0 || b.size() != a.size() || other.size() != n) throw std::runtime_error("invariance_ratio: mismatched sets");
  double same = 0, different = 0;
  for (size_t i = 0; i < n; ++i) {
    same += std::sqrt(squared_distance(&a[i * dim], &b[i * dim], dim));
    different += std::sqrt(squared_distance(&a[i * dim], &a[size_t(other[i]) * dim], dim));
  }
  return same / different;
}

double shift_consistency(const std::vector<int64_t>& est_a, const std::vector<int64_t>& est_b,
                         const std::vector<int64_t>& shift_a, const std::vector<int64_t>& shift_b, int tolerance) {
  const size_t n = est_a.size() / 2;
  if (n == 0 || est_b.size() != est_a.size() || shift_a.size() != est_a.size() || shift_b.size() != est_a.size())
    throw std::runtime_error("shift_consistency: mismatched sets");
  size_t consistent = 0;
  for (size_t i = 0; i < n; ++i) {
    bool ok = true;
    for (size_t axis = 0; axis < 2; ++axis) {
      const int64_t moved = est_a[2 * i + axis] - est_b[2 * i + axis], applied = shift_b[2 * i + axis] - shift_a[2 * i + axis];
      ok = ok && std::abs(moved - applied) <= tolerance;
    }
    consistent += ok;
  }
  return double(consistent) / double(n);
}

double normalized_mutual_information(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size() || a.empty()) throw std::runtime_error("nmi: labelings of different sizes");
  const double n = double(a.size());
  std::map<int, double> pa, pb;
  std::map<std::pair<int, int>, double> pab;
  for (size_t i = 0; i < a.size(); ++i) {
    pa[a[i]] += 1 / n;
    pb[b[i]] += 1 / n;
    pab[{a[i], b[i]}] += 1 / n;
  }
  double mi = 0, ha = 0, hb = 0;
  for (const auto& [key, p] : pab) mi += p * std::log(p / (pa[key.first] * pb[key.second]));
  for (const auto& [key, p] : pa) ha -= p * std::log(p);
  for (const auto& [key, p] : pb) hb -= p * std::log(p);
  if (ha + hb == 0) return 1.0;  // both constant: identical partitions
  return mi / ((ha + hb) / 2);
}

double psnr(const float* image, const float* truth, size_t n) {
  double se = 0;
  for (size_t i = 0; i < n; ++i) se += (double(image[i]) - truth[i]) * (double(image[i]) - truth[i]);
  const double mse = se / double(n);
  return mse <= 1e-10 ? 100.0 : 10.0 * std::log10(1.0 / mse);
}

double ink_iou(const float* image, const float* truth, size_t n, float threshold) {
  size_t both = 0, either = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool a = image[i] > threshold, b = truth[i] > threshold;
    both += a && b;
    either += a || b;
  }
  return either == 0 ? 1.0 : double(both) / double(either);
}

BinarizationScores binarization_scores(const float* image, const float* truth, size_t n, float threshold) {
  size_t tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool a = image[i] > threshold, b = truth[i] > threshold;
    tp += a && b;
    fp += a && !b;
    fn += !a && b;
  }
  BinarizationScores s;
  const double precision = tp + fp ? double(tp) / double(tp + fp) : 0, recall = tp + fn ? double(tp) / double(tp + fn) : 0;
  s.fm = precision + recall > 0 ? 100 * 2 * precision * recall / (precision + recall) : 0;
  s.iou = tp + fp + fn ? double(tp) / double(tp + fp + fn) : 1;
  const double mse = double(fp + fn) / double(n);
  s.psnr = mse <= 1e-10 ? 100.0 : 10.0 * std::log10(1.0 / mse);
  return s;
}

}  // namespace tiae
