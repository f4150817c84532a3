#include "evaluate/evaluate.h"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "io/figures.h"
#include "evaluate/metrics.h"
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
constexpr int kPixels = kSide * kSide;

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
  std::vector<float> descriptors, reconstructions;  // [N, D], [N, 32*32]
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

}  // namespace

nlohmann::json evaluate(const std::vector<std::string>& runs, const EvalOptions& options) {
  if (runs.empty()) throw std::runtime_error("eval: give at least one run folder");
  int foreground = 0;
  for (const auto& run : runs) foreground += read_model_config(run).kind == Kind::fg;
  if (foreground == int(runs.size())) return evaluate_foreground(runs, options);
  if (foreground > 0) throw std::runtime_error("eval: foreground-extraction runs (kind fg) are evaluated apart from shift runs");
  fs::create_directories(options.out_dir);
  const torch::Device device = choose_device(options.device);
  torch::NoGradGuard no_grad;
  const int m = options.max_shift;

  const auto split = load_mnist_split(find_mnist_package());
  const int n_test = split.test.count(), n_train = split.train.count();
  const auto test = torch::from_blob(const_cast<float*>(split.test.images.data()), {n_test, 1, kSide, kSide}).clone();
  const auto train = torch::from_blob(const_cast<float*>(split.train.images.data()), {n_train, 1, kSide, kSide}).clone();

  // The protocol's randomness, the same for every model.
  std::mt19937_64 rng(options.seed);
  const auto shift_a = random_shifts(rng, n_test, m), shift_b = random_shifts(rng, n_test, m);
  const auto shift_train = random_shifts(rng, n_train, m);
  std::vector<int> other(n_test);
  for (int i = 0; i < n_test; ++i) {
    other[i] = (i + 1 + int(rng() % uint64_t(n_test - 1))) % n_test;  // a different digit
  }
  // Figures: the first test digit of each class, and one digit at several shifts.
  std::vector<int> per_class(10, -1);
  for (int i = 0; i < n_test; ++i)
    if (per_class[split.test.labels[i]] < 0) per_class[split.test.labels[i]] = i;
  const std::vector<int64_t> demo_shifts = {-8, -8, -6, 0, -3, 3, 0, 0, 3, -3, 6, 0, 8, 8};
  const int n_demo = int(demo_shifts.size() / 2);
  const auto demo_digit = test.narrow(0, per_class[2], 1).repeat({n_demo, 1, 1, 1});
  const auto demo_inputs = to_vector(shift_images(demo_digit, shifts_tensor(demo_shifts)));

  const auto inputs_a = to_vector(shift_images(test, shifts_tensor(shift_a)));
  std::vector<ImageRow> recon_rows(1), shift_rows(1);
  std::vector<std::vector<float>> keep;  // storage the figure rows point into
  keep.reserve(2 * runs.size());
  recon_rows[0].label = "input";
  for (int c = 0; c < 10; ++c) recon_rows[0].images.push_back(&inputs_a[size_t(per_class[c]) * kPixels]);
  shift_rows[0].label = "input";
  for (int i = 0; i < n_demo; ++i) {
    shift_rows[0].images.push_back(&demo_inputs[size_t(i) * kPixels]);
    shift_rows[0].captions.push_back(fmt::format("({},{})", demo_shifts[2 * i], demo_shifts[2 * i + 1]));
  }

  nlohmann::json result = {{"protocol",
                            {{"test_digits", n_test}, {"train_digits", n_train}, {"max_shift", m}, {"seed", options.seed},
                             {"kmeans_k", 10}}},
                           {"models", nlohmann::json::object()}};
  for (const auto& run : runs) {
    const std::string name = model_name(run);
    auto loaded = load_model(run, device);
    const auto& config = loaded.config;
    auto& model = loaded.network;
    const int dim = config.network.descriptor;

    ProgressBar bar("eval " + name, 2L * n_test + n_train + n_demo, options.progress);
    long done = 0;
    const auto a = encode(model, test, shift_a, m, device, bar, done);
    const auto b = encode(model, test, shift_b, m, device, bar, done);
    const auto tr = encode(model, train, shift_train, m, device, bar, done);
    const auto demo = encode(model, demo_digit, demo_shifts, m, device, bar, done);
    bar.finish();

    nlohmann::json metrics;
    metrics["one_nn_accuracy"] = nearest_neighbour_accuracy(tr.descriptors, split.train.labels, a.descriptors, split.test.labels, dim);
    metrics["invariance_ratio"] = invariance_ratio(a.descriptors, b.descriptors, other, dim);
    metrics["kmeans_nmi"] = normalized_mutual_information(kmeans(a.descriptors, dim, 10, options.seed), split.test.labels);
    double c_res = 0;
    for (float d : a.distances) c_res += d;
    metrics["c_res_mean"] = c_res / n_test;
    metrics["shift_consistency"] = shift_consistency(a.estimated, b.estimated, shift_a, shift_b);
    metrics["kind"] = config.kind;
    result["models"][name] = metrics;

    const auto projection = fit_pca_2d(a.descriptors.data(), n_test, dim);
    std::vector<float> xy(size_t(n_test) * 2);
    for (int i = 0; i < n_test; ++i) projection.apply(&a.descriptors[size_t(i) * dim], &xy[size_t(i) * 2]);
    // The same projection for the page's descriptor-space panel (web/, wasm/app.cpp).
    std::ofstream(fs::path(options.out_dir) / ("descriptor-space-" + name + ".json"))
        << nlohmann::json{{"dim", dim}, {"mean", projection.mean}, {"axes", projection.axes}, {"xy", xy},
                          {"labels", split.test.labels}}.dump() << "\n";
#ifdef TIAE_HAVE_OPENCV
    write_scatter((fs::path(options.out_dir) / ("scatter-" + name + ".png")).string(),
                  fmt::format("{}: descriptors of shifted test digits (2-D PCA)", name), xy, split.test.labels);
#endif

    keep.push_back(a.reconstructions);
    ImageRow rr{name, {}, {}};
    for (int c = 0; c < 10; ++c) rr.images.push_back(&keep.back()[size_t(per_class[c]) * kPixels]);
    recon_rows.push_back(rr);
    keep.push_back(demo.reconstructions);
    ImageRow sr{name, {}, {}};
    for (int i = 0; i < n_demo; ++i) {
      sr.images.push_back(&keep.back()[size_t(i) * kPixels]);
      // -theta_hat: where the input sits relative to the canonical shape, comparable to (dx, dy).
      sr.captions.push_back(fmt::format("^({},{})", -demo.estimated[2 * i], -demo.estimated[2 * i + 1]));
    }
    shift_rows.push_back(sr);
    fmt::print("{:<24} 1-NN {:.3f}  invariance ratio {:.3f}  k-means NMI {:.3f}  C_res {:.2f}  shift consistency {:.3f}\n",
               name, metrics["one_nn_accuracy"].get<double>(), metrics["invariance_ratio"].get<double>(),
               metrics["kmeans_nmi"].get<double>(), metrics["c_res_mean"].get<double>(),
               metrics["shift_consistency"].get<double>());
  }
#ifdef TIAE_HAVE_OPENCV
  write_image_grid((fs::path(options.out_dir) / "reconstructions.png").string(),
                   "shifted test digits and D(E(I)) of each model", recon_rows, kSide);
  write_image_grid((fs::path(options.out_dir) / "shifts.png").string(),
                   "one digit at several shifts (dx,dy); ^ = its estimated shift from the canonical shape", shift_rows, kSide);
#else
  fmt::print("built without OpenCV: no pictures written\n");
#endif
  std::ofstream(fs::path(options.out_dir) / "metrics.json") << result.dump(2) << "\n";
  return result;
}

}  // namespace tiae
