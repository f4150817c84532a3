#include "evaluate/evaluate.h"
#ifdef TIAE_HAVE_OPENCV
#include "evaluate/evaluate_depth.h"
#include "evaluate/evaluate_document.h"
#endif

#include <fmt/core.h>

#include <deque>
#include <filesystem>
#include <random>
#include <set>

#include "io/figures.h"
#include "io/files.h"
#include "evaluate/metrics.h"
#include "data/grasp_masks.h"
#include "data/mnist_data.h"
#include "artifacts/model_folder.h"
#include "model/network.h"
#include "io/progress_bar.h"
#include "projection.h"
#include "model/terms.h"
#include "artifacts/model_card.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

constexpr int kSide = DigitSet::kSize;

std::vector<float> to_vector(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

torch::Tensor shifts_tensor(const std::vector<int64_t>& xy) {
  return torch::from_blob(const_cast<int64_t*>(xy.data()), {int64_t(xy.size() / 2), 2}, torch::kLong).clone();
}

// Random (dx, dy) pairs, one per image.
std::vector<int64_t> random_shifts(std::mt19937_64& rng, int count, int m) {
  std::uniform_int_distribution<int64_t> d(-m, m);
  std::vector<int64_t> s(size_t(count) * 2);
  for (auto& v : s) v = d(rng);
  return s;
}

struct Encoded {
  std::vector<float> descriptors, reconstructions;  // [N, D], [N, C*32*32]
  std::vector<float> distances;                     // C_res per image
  std::vector<int64_t> estimated;                   // theta_hat (dx, dy) per image
};

// E and D of `digits` moved by `shifts`, in batches, with the exact restoration term.
Encoded encode(AutoEncoder& model, const torch::Tensor& digits, const std::vector<int64_t>& shifts, int m,
               torch::Device device, ProgressBar& bar, long& done) {
  Encoded out;
  const auto all_shifts = shifts_tensor(shifts);
  const int64_t n = digits.size(0), batch = 500;
  for (int64_t lo = 0; lo < n; lo += batch) {
    const int64_t bs = std::min(batch, n - lo);
    const auto inputs = shift_images(digits.narrow(0, lo, bs), all_shifts.narrow(0, lo, bs)).to(device);
    const auto desc = model->encoder->forward(inputs);
    const auto recon = model->decoder->forward(desc);
    const auto res = restoration_term(recon, inputs, m);
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
  std::vector<int64_t> shift_a, shift_b, shift_train;  // (dx, dy) per image
  std::vector<int> other;                // a different test image for each
  std::vector<int> per_class;            // the first test image of each class (pictures)
  std::vector<int64_t> demo_shifts;      // one image at several shifts (pictures)
  torch::Tensor demo_digit;
  nlohmann::json description;            // what metrics.json says of the data
  std::vector<std::string> class_names;  // for the pictures' legends (none: digits)
  size_t pixels() const { return size_t(channels) * kSide * kSide; }
};

// A labelled set of `channels` x 32 x 32 images as a tensor.
torch::Tensor images_tensor(const std::vector<float>& images, int count, int channels) {
  return torch::from_blob(const_cast<float*>(images.data()), {count, channels, kSide, kSide}).clone();
}

// The data of the runs' config: MNIST's split, or the grasp split (data/grasp_masks.h).
ShiftProtocol load_protocol_data(Dataset data) {
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

ShiftProtocol make_protocol(Dataset data, const EvalOptions& options) {
  ShiftProtocol p = load_protocol_data(data);
  p.max_shift = options.max_shift;
  const int n_test = int(p.test_labels.size()), n_train = int(p.train_labels.size()), m = p.max_shift;
  std::mt19937_64 rng(options.seed);
  p.shift_a = random_shifts(rng, n_test, m), p.shift_b = random_shifts(rng, n_test, m);
  p.shift_train = random_shifts(rng, n_train, m);
  p.other.resize(size_t(n_test));
  for (int i = 0; i < n_test; ++i) p.other[size_t(i)] = (i + 1 + int(rng() % uint64_t(n_test - 1))) % n_test;
  p.per_class.assign(size_t(p.classes), -1);
  for (int i = 0; i < n_test; ++i)
    if (p.per_class[size_t(p.test_labels[size_t(i)])] < 0) p.per_class[size_t(p.test_labels[size_t(i)])] = i;
  p.demo_shifts = {-m, -m, -6, 0, -3, 3, 0, 0, 3, -3, 6, 0, m, m};
  p.demo_digit = p.test.narrow(0, p.per_class[2], 1).repeat({int64_t(p.demo_shifts.size() / 2), 1, 1, 1});
  return p;
}

nlohmann::json shift_metrics(const Encoded& a, const Encoded& b, const Encoded& train, const ShiftProtocol& p, int dim,
                             uint64_t seed) {
  nlohmann::json metrics;
  metrics["one_nn_accuracy"] = nearest_neighbour_accuracy(train.descriptors, p.train_labels, a.descriptors, p.test_labels, dim);
  metrics["invariance_ratio"] = invariance_ratio(a.descriptors, b.descriptors, p.other, dim);
  metrics["kmeans_nmi"] = normalized_mutual_information(kmeans(a.descriptors, dim, p.classes, seed), p.test_labels);
  double c_res = 0;
  for (float d : a.distances) c_res += d;
  metrics["c_res_mean"] = c_res / double(a.distances.size());
  metrics["shift_consistency"] = shift_consistency(a.estimated, b.estimated, p.shift_a, p.shift_b);
  return metrics;
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
    keep_.push_back(to_vector(shift_images(p.test, shifts_tensor(p.shift_a))));
    keep_.push_back(to_vector(shift_images(p.demo_digit, shifts_tensor(p.demo_shifts))));
    add_rows("input", keep_[0], keep_[1], {});
    for (size_t i = 0; i < p.demo_shifts.size() / 2; ++i)
      shifts_[0].captions.push_back(fmt::format("({},{})", p.demo_shifts[2 * i], p.demo_shifts[2 * i + 1]));
  }
  void add_model(const std::string& name, const Encoded& a, const Encoded& demo) {
    keep_.push_back(a.reconstructions);
    keep_.push_back(demo.reconstructions);
    recon_.emplace_back(), shifts_.emplace_back();
    std::vector<std::string> captions;  // -theta_hat: where the input sits relative to the canonical shape
    for (size_t i = 0; i < p_.demo_shifts.size() / 2; ++i)
      captions.push_back(fmt::format("^({},{})", -demo.estimated[2 * i], -demo.estimated[2 * i + 1]));
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
  void add_rows(const std::string& label, const std::vector<float>& digits, const std::vector<float>& demo,
                const std::vector<std::string>& captions) {
    recon_.back().label = shifts_.back().label = label;
    for (int c = 0; c < p_.classes; ++c) recon_.back().images.push_back(&digits[size_t(p_.per_class[size_t(c)]) * p_.pixels()]);
    for (size_t i = 0; i < p_.demo_shifts.size() / 2; ++i) shifts_.back().images.push_back(&demo[i * p_.pixels()]);
    if (!captions.empty()) shifts_.back().captions = captions;
  }
  const ShiftProtocol& p_;
  std::deque<std::vector<float>> keep_;  // what the rows point into (a deque never moves it)
  std::vector<ImageRow> recon_, shifts_;
};

}  // namespace

nlohmann::json evaluate(const std::vector<std::string>& runs, const EvalOptions& options) {
  if (runs.empty()) throw std::runtime_error("eval: give at least one run folder");
  int foreground = 0, documents = 0;
  std::set<std::string> datasets;
  for (const auto& run : runs) {
    const auto config = read_model_config(run);
    foreground += config.kind == Kind::fg;
    documents += config.layout == Layout::document;
    datasets.insert(to_string(config.data));
  }
  if (datasets.size() > 1) throw std::runtime_error("eval: runs of different data (mnist, grasp, depth) are evaluated apart");
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
  const auto p = make_protocol(parse_dataset(*datasets.begin()), options);
  const int n_test = int(p.test_labels.size()), n_train = int(p.train_labels.size());
  nlohmann::json result = {{"protocol",
                            {{"test_digits", n_test}, {"train_digits", n_train}, {"max_shift", p.max_shift}, {"seed", options.seed},
                             {"kmeans_k", p.classes}}},
                           {"models", nlohmann::json::object()}};
  result["protocol"].update(p.description);
  ShiftFigures figures(p);
  for (const auto& run : runs) {
    const std::string name = model_name(run);
    auto loaded = load_model(run, device);
    const int dim = loaded.config.network.descriptor, m = loaded.config.max_shift;  // the model's own search range
    ProgressBar bar("eval " + name, 2L * n_test + n_train + long(p.demo_shifts.size() / 2), options.progress);
    long done = 0;
    const auto a = encode(loaded.network, p.test, p.shift_a, m, device, bar, done);
    const auto b = encode(loaded.network, p.test, p.shift_b, m, device, bar, done);
    const auto tr = encode(loaded.network, p.train, p.shift_train, m, device, bar, done);
    const auto demo = encode(loaded.network, p.demo_digit, p.demo_shifts, m, device, bar, done);
    bar.finish();
    auto metrics = shift_metrics(a, b, tr, p, dim, options.seed);
    metrics["kind"] = loaded.config.kind;
    result["models"][name] = metrics;
    write_descriptor_space(options.out_dir, name, a, p, dim);
    figures.add_model(name, a, demo);
    fmt::print("{:<24} 1-NN {:.3f}  invariance ratio {:.3f}  k-means NMI {:.3f}  C_res {:.2f}  shift consistency {:.3f}\n", name,
               metrics["one_nn_accuracy"].get<double>(), metrics["invariance_ratio"].get<double>(), metrics["kmeans_nmi"].get<double>(),
               metrics["c_res_mean"].get<double>(), metrics["shift_consistency"].get<double>());
  }
  figures.write(options.out_dir);
  write_examples(options.out_dir, p);
  write_json_file((fs::path(options.out_dir) / "metrics.json").string(), result);
  return result;
}

}  // namespace tiae
