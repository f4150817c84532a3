#include "evaluate/evaluate_depth.h"

#include <fmt/core.h>

#include <deque>
#include <filesystem>
#include <random>
#include <thread>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "data/depth_hands.h"
#include "data/real_depth.h"
#include "io/depth_file.h"
#include "io/figures.h"
#include "io/files.h"
#include "model/terms.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

constexpr int kSide = DepthHandSet::kSize;

struct DepthModel {
  std::string name;
  LoadedModel loaded;
  PoseRegressor pose{nullptr};
};

// A model's outputs on inputs [N, 1, S, S]: descriptors, canonical images D(E(I)), what is
// compared with the input (the TIAE's canonical image moved by its estimated shift, zero
// filled, the others' D(E(I))), the restoration error per image (the squared difference of
// that picture and the input over the input's window, the same measure for every model),
// the TIAE's C_res (its minimum on the extended canvas, where what the shift pushes out of
// the window counts too; the others: the same as their error) and the estimated angles.
struct Outputs {
  torch::Tensor descriptors, canonical, restored, errors, canvas_errors, angles;
};

Outputs run_model(DepthModel& m, const torch::Tensor& inputs, torch::Device device) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> d, c, r, e, ce, a;
  const bool tiae = m.loaded.config.kind == Kind::tiae;
  for (int64_t lo = 0; lo < inputs.size(0); lo += 500) {
    const auto x = inputs.narrow(0, lo, std::min<int64_t>(500, inputs.size(0) - lo)).to(device);
    const auto descriptor = m.loaded.network->encoder->forward(x), canonical = m.loaded.network->decoder->forward(descriptor);
    d.push_back(descriptor.cpu()), c.push_back(canonical.cpu()), a.push_back(m.pose->forward(descriptor).cpu());
    if (tiae) {  // after its own shift: the exact minimum over shifts on the extended canvas
      const auto res = restoration_term(canonical, x, m.loaded.config.max_shift);
      const auto restored = shift_images(canonical, -res.shift);
      e.push_back((restored - x).pow(2).flatten(1).sum(1).cpu()), ce.push_back(res.distance.cpu()), r.push_back(restored.cpu());
    } else {
      e.push_back((canonical - x).pow(2).flatten(1).sum(1).cpu()), ce.push_back(e.back()), r.push_back(canonical.cpu());
    }
  }
  return {torch::cat(d), torch::cat(c), torch::cat(r), torch::cat(e), torch::cat(ce), torch::cat(a)};
}

// Mean distance of consecutive frames of a sequence / mean distance of frames of different
// sequences; the share of frames whose nearest other frame is of their own sequence.
std::pair<double, double> sequence_measures(const torch::Tensor& descriptors, const std::vector<std::string>& sequence) {
  const auto dist = torch::cdist(descriptors, descriptors);
  const int64_t n = descriptors.size(0);
  double within = 0, between = 0, right = 0;
  long nw = 0, nb = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t nearest = -1;
    for (int64_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double dij = dist[i][j].item<double>();
      if (nearest < 0 || dij < dist[i][nearest].item<double>()) nearest = j;
      if (sequence[size_t(i)] != sequence[size_t(j)] && j > i) between += dij, ++nb;
    }
    right += sequence[size_t(nearest)] == sequence[size_t(i)];
    if (i + 1 < n && sequence[size_t(i + 1)] == sequence[size_t(i)]) within += dist[i][i + 1].item<double>(), ++nw;
  }
  return {within / std::max(1L, nw) / (between / std::max(1L, nb)), right / double(n)};
}

// The rendered test hands at their random shifts.
struct TestSet {
  DepthHandSet hands;
  torch::Tensor inputs, angles;
};
TestSet make_test_set(const EvalOptions& o, const DepthCutOptions& cut) {
  TestSet t{make_depth_hands(kDepthTestHands, o.seed, HandStream::test, cut, int(std::max(1u, std::thread::hardware_concurrency()))), {}, {}};
  const int64_t n = t.hands.count();
  std::mt19937_64 rng(o.seed);
  std::uniform_int_distribution<int64_t> shift(-o.max_shift, o.max_shift);
  std::vector<int64_t> xy(size_t(n) * 2);
  for (auto& v : xy) v = shift(rng);
  const auto images = torch::from_blob(t.hands.images.data(), {n, 1, kSide, kSide});
  t.inputs = shift_images(images, torch::from_blob(xy.data(), {n, 2}, torch::kLong)).clone();
  t.angles = torch::from_blob(t.hands.angles.data(), {n, kHandJoints}).clone();
  return t;
}

// data/real-depth's frames with a hand, cut out; the others named with the reason.
struct RealSet {
  std::vector<std::string> names, sequence;
  torch::Tensor inputs;
  nlohmann::json refused = nlohmann::json::object();
};
RealSet make_real_set(const DepthCutOptions& cut, double unit_m) {
  RealSet r;
  const auto dir = find_real_depth();
  if (dir.empty()) throw std::runtime_error("data/real-depth was not found above the program or the current folder");
  std::vector<torch::Tensor> crops;
  for (const auto& f : list_real_depth(dir)) {
    const auto frame = read_depth_file(f.file, unit_m);
    auto crop = cut_out_hand(frame.metres.data(), frame.width, frame.height, cut);
    const std::string name = fs::path(f.file).stem().string();
    if (!crop.error.empty()) {
      r.refused[name] = crop.error;
      continue;
    }
    r.names.push_back(name), r.sequence.push_back(f.sequence);
    crops.push_back(torch::from_blob(crop.image.data(), {1, 1, kSide, kSide}).clone());
  }
  if (crops.size() < 3) throw std::runtime_error(dir + ": fewer than 3 frames with a hand");
  r.inputs = torch::cat(crops);
  return r;
}

// Rows of pictures: images and robot hands of the first `count` inputs, each captioned.
class DepthFigure {
 public:
  explicit DepthFigure(int count) : count_(count) {}
  void images(const torch::Tensor& batch, const std::vector<std::string>& captions) {
    const auto b = batch.contiguous();
    rows_.emplace_back();
    for (int i = 0; i < count_; ++i) {
      keep_.emplace_back(b[i].data_ptr<float>(), b[i].data_ptr<float>() + kSide * kSide);
      rows_.back().push_back({keep_.back().data(), kSide, kSide, captions[size_t(i)]});
    }
  }
  void hands(const torch::Tensor& angles, const std::vector<std::string>& captions) {
    const auto a = angles.contiguous();
    rows_.emplace_back();
    for (int i = 0; i < count_; ++i) {
      keep_.push_back(draw_robot_hand(a[i].data_ptr<float>(), 96));
      rows_.back().push_back({keep_.back().data(), 96, 96, captions[size_t(i)]});
    }
  }
  void write(const std::string& path, const std::string& title) const { write_picture_rows(path, title, rows_, 80); }

 private:
  int count_;
  std::deque<std::vector<float>> keep_;  // what the pictures point into
  std::vector<std::vector<Picture>> rows_;
};

// "<label> <value>" for each of the first `count` values.
std::vector<std::string> captions(const std::string& label, const torch::Tensor& values, int count, const char* format = "{} {:.1f}") {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(fmt::format(fmt::runtime(format), label, values[i].item<double>()));
  return out;
}

// The figures' caption for a model: its kind, short enough for an 80 px picture.
std::string short_label(Kind kind) { return kind == Kind::tiae ? "TIAE" : kind == Kind::pca ? "PCA" : "AE"; }

nlohmann::json model_metrics(const DepthModel& m, const Outputs& test, const TestSet& t, const Outputs& real, const RealSet& r) {
  const auto by_joint = (test.angles - t.angles).abs().mean(0);
  nlohmann::json joints = nlohmann::json::object(), frames = nlohmann::json::object();
  for (int j = 0; j < kHandJoints; ++j) joints[hand_joints()[size_t(j)].name] = by_joint[j].item<double>();
  for (size_t i = 0; i < r.names.size(); ++i) frames[r.names[i]] = real.errors[int64_t(i)].item<double>();
  const auto [move, loo] = sequence_measures(real.descriptors, r.sequence);
  return {{"kind", m.loaded.config.kind},
          {"restoration_error", test.errors.mean().item<double>()},
          {"restoration_error_extended_canvas", test.canvas_errors.mean().item<double>()},
          {"angle_error_degrees", by_joint.mean().item<double>()},
          {"angle_error_by_joint", joints},
          {"real", {{"restoration_error", real.errors.mean().item<double>()}, {"restoration_by_frame", frames}, {"move_ratio", move}, {"loo_1nn", loo}}}};
}

// Each model's count of real frames restored with less error than by PCA (when one is evaluated).
void compare_with_pca(nlohmann::json& models) {
  std::string pca;
  for (auto& [name, m] : models.items())
    if (m["kind"] == "pca") pca = name;
  if (pca.empty()) return;
  for (auto& [name, m] : models.items()) {
    int below = 0, frames = 0;
    for (auto& [frame, error] : m["real"]["restoration_by_frame"].items())
      below += error.get<double>() < models[pca]["real"]["restoration_by_frame"][frame].get<double>(), ++frames;
    m["real"]["frames_below_pca"] = below;
    m["real"]["frames"] = frames;
  }
}

}  // namespace

nlohmann::json evaluate_depth(const std::vector<std::string>& runs, const EvalOptions& o) {
  fs::create_directories(o.out_dir);
  const torch::Device device = choose_device(o.device);
  const auto card = read_model_card_or_defaults(runs[0]);
  auto cut = common_depth_cut(runs);
  cut.size = kSide;
  const auto test = make_test_set(o, cut);
  const auto real = make_real_set(cut, card.has_depth ? card.depth_unit_m : kRealDepthUnitM);
  const int shown = 8, frames = int(real.names.size());
  DepthFigure test_figure(shown), real_figure(frames);
  test_figure.images(test.inputs, captions("shifted", torch::arange(shown), shown, "{} {:.0f}"));
  test_figure.hands(test.angles, std::vector<std::string>(size_t(shown), "true pose"));
  std::vector<std::string> frame_captions;  // "230536_110": the name without its date, to fit under an 80 px picture
  for (const auto& name : real.names) frame_captions.push_back(name.substr(name.find('-') + 1));
  real_figure.images(real.inputs, frame_captions);
  nlohmann::json models = nlohmann::json::object();
  for (const auto& run : runs) {
    DepthModel m{model_name(run), load_model(run, device), load_pose_regressor(run, device)};
    const auto t = run_model(m, test.inputs, device), r = run_model(m, real.inputs, device);
    models[m.name] = model_metrics(m, t, test, r, real);
    const auto& mm = models[m.name];
    fmt::print("{:<22} restoration {:6.2f}  angles {:5.2f} degrees | real frames: restoration {:6.2f}  move ratio {:.3f}  1-NN {:.3f}\n", m.name,
               mm["restoration_error"].get<double>(), mm["angle_error_degrees"].get<double>(), mm["real"]["restoration_error"].get<double>(),
               mm["real"]["move_ratio"].get<double>(), mm["real"]["loo_1nn"].get<double>());
    const auto hand_errors = (t.angles - test.angles).abs().mean(1);
    const std::string label = short_label(m.loaded.config.kind);
    test_figure.images(t.restored, captions(label, t.errors, shown));
    test_figure.hands(t.angles, captions(label, hand_errors, shown, "{} {:.0f} deg"));
    real_figure.images(r.restored, captions(label, r.errors, frames));
    real_figure.hands(r.angles, std::vector<std::string>(size_t(frames), label + " robot"));
  }
  compare_with_pca(models);
  // The floor a regressor must beat: every hand given the test hands' mean pose.
  const auto constant = (test.angles - test.angles.mean(0)).abs().mean(0);
  nlohmann::json constant_by_joint = nlohmann::json::object();
  for (int j = 0; j < kHandJoints; ++j) constant_by_joint[hand_joints()[size_t(j)].name] = constant[j].item<double>();
  nlohmann::json result = {{"protocol",
                            {{"data", "depth"}, {"test_hands", test.hands.count()}, {"seed", o.seed}, {"max_shift", o.max_shift},
                             {"real_frames", real.names}, {"real_frames_refused", real.refused}, {"cut", depth_card_section(cut, kRealDepthUnitM)}}},
                           {"baselines", {{"mean_pose", {{"angle_error_degrees", constant.mean().item<double>()}, {"angle_error_by_joint", constant_by_joint}}}}},
                           {"models", models}};
  test_figure.write((fs::path(o.out_dir) / "depth-test.png").string(),
                    "rendered test hands, shifted: restorations (error), robot hands (mean error)");
  real_figure.write((fs::path(o.out_dir) / "depth-real.png").string(),
                    "data/real-depth (LadaOndris/hand-recognition, MIT): restorations (squared error) and robot hands");
  write_json_file((fs::path(o.out_dir) / "metrics.json").string(), result);
  return result;
}

}  // namespace tiae
