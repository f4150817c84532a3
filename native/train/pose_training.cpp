#include "train/pose_training.h"

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <thread>

#include "artifacts/model_folder.h"
#include "data/depth_hands.h"
#include "io/files.h"
#include "io/progress_bar.h"
#include "model/pose_regressor.h"
#include "model/terms.h"
#include "train/fused_adam.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

// The descriptors of `hands` at `copies` random shifts each (copy-major) and their angles.
struct Examples {
  torch::Tensor descriptors, angles;
};
Examples encode_hands(AutoEncoder& model, const DepthHandSet& hands, int copies, int max_shift, std::mt19937_64& rng,
                      torch::Device device) {
  torch::NoGradGuard no_grad;
  const int64_t n = hands.count(), s = DepthHandSet::kSize;
  const auto images = torch::from_blob(const_cast<float*>(hands.images.data()), {n, 1, s, s});
  const auto angles = torch::from_blob(const_cast<float*>(hands.angles.data()), {n, kHandJoints});
  std::uniform_int_distribution<int64_t> shift(-max_shift, max_shift);
  std::vector<torch::Tensor> parts;
  for (int c = 0; c < copies; ++c)
    for (int64_t lo = 0; lo < n; lo += 500) {
      const int64_t count = std::min<int64_t>(500, n - lo);
      std::vector<int64_t> xy(size_t(count) * 2);
      for (auto& v : xy) v = shift(rng);
      const auto shifted = shift_images(images.narrow(0, lo, count), torch::from_blob(xy.data(), {count, 2}, torch::kLong));
      parts.push_back(model->encoder->forward(shifted.to(device)).to(torch::kCPU));
    }
  return {torch::cat(parts), angles.repeat({copies, 1}).clone()};
}

// Mean absolute angle error (degrees) of `r` on `e`.
double angle_error(PoseRegressor& r, const Examples& e) {
  torch::NoGradGuard no_grad;
  return (r->forward(e.descriptors) - e.angles).abs().mean().item<double>();
}

}  // namespace

nlohmann::json train_pose(const PoseOptions& o) {
  if (!fs::exists(fs::path(o.run) / "config.json")) throw std::runtime_error(o.run + " is not a training run (no config.json): tiae pose trains into a run");
  const unsigned threads = o.threads > 0 ? unsigned(o.threads) : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(int(threads));
  const torch::Device device = choose_device(o.device);
  auto model = load_model(o.run, device);
  if (model.config.data != Dataset::depth) throw std::runtime_error(o.run + " is not a depth model (data depth): its descriptor says nothing of a hand");
  // more than the models' 8,000 hands: the same stream rendered further (hand i depends on i alone)
  const int train_count = o.hands > 0 ? o.hands : kDepthTrainHands;
  const int valid_count = train_count < kDepthTrainHands ? std::max(16, train_count / 6) : kDepthValidationHands;
  fmt::print("rendering {} training and {} validation hands\n", train_count, valid_count);
  const auto train_hands = make_depth_hands(train_count, kDepthRenderSeed, HandStream::train, depth_cut_options(model.config), int(threads));
  const auto valid_hands = make_depth_hands(valid_count, kDepthRenderSeed, HandStream::validation, depth_cut_options(model.config), int(threads));
  std::mt19937_64 rng(o.seed);
  torch::manual_seed(o.seed);
  const int m = model.config.max_shift;
  const auto train = encode_hands(model.network, train_hands, o.copies, m, rng, device), valid = encode_hands(model.network, valid_hands, 1, m, rng, device);

  // Standardised descriptors, angles scaled to [-1, 1] by their ranges.
  const auto mean = train.descriptors.mean(0), scale = train.descriptors.std(0).clamp_min(1e-6);
  std::vector<float> mid, half;
  for (const auto& j : hand_joints()) mid.push_back((j.low + j.high) / 2), half.push_back((j.high - j.low) / 2);
  const auto mid_t = torch::tensor(mid), half_t = torch::tensor(half);
  const auto x = (train.descriptors - mean) / scale, y = (train.angles - mid_t) / half_t;

  PoseShape shape{int(train.descriptors.size(1)), o.hidden, kHandJoints};
  PoseRegressor net(shape), best(shape);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(o.lr));
  const int64_t n = x.size(0), steps = (n + o.batch - 1) / o.batch;
  double best_error = INFINITY;
  int best_epoch = 0;
  nlohmann::json log = nlohmann::json::array();
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const auto order = torch::randperm(n);
    double loss = 0;
    for (int64_t b = 0; b < steps; ++b) {
      const double t = double(epoch * steps + b) / std::max<int64_t>(1, o.epochs * steps - 1);
      for (auto& g : optimizer.param_groups()) g.options().set_lr(o.lr_final + 0.5 * (o.lr - o.lr_final) * (1 + std::cos(M_PI * t)));
      const auto index = order.narrow(0, b * o.batch, std::min<int64_t>(o.batch, n - b * o.batch));
      optimizer.zero_grad();
      const auto l = (net->forward(x.index_select(0, index)) - y.index_select(0, index)).pow(2).mean();
      l.backward();
      adam_step(optimizer);
      loss += l.item<double>() / double(steps);
    }
    // The validation error in degrees: the network as it would be folded.
    PoseRegressor folded(shape);
    for (size_t i = 0; i < net->parameters().size(); ++i) folded->parameters()[i].data().copy_(net->parameters()[i].data());
    fold_normalisation(folded, mean, scale, mid_t, half_t);
    const double error = angle_error(folded, valid);
    log.push_back({{"epoch", epoch + 1}, {"loss", loss}, {"validation_degrees", error}});
    if (error < best_error) {
      best_error = error, best_epoch = epoch + 1;
      for (size_t i = 0; i < best->parameters().size(); ++i) best->parameters()[i].data().copy_(folded->parameters()[i].data());
    }
    if (o.progress) fmt::print("pose epoch {:>3}/{}  loss {:.4f}  validation {:.2f} degrees\n", epoch + 1, o.epochs, loss, error);
  }
  const fs::path dir = fs::path(o.run) / "pose";
  fs::create_directories(dir);
  save_weights(*best, (dir / "weights.bin").string());
  nlohmann::json record = {{"shape", shape},
                           {"settings", {{"hidden", o.hidden}, {"epochs", o.epochs}, {"copies", o.copies}, {"batch", o.batch}, {"lr", o.lr},
                                         {"lr_final", o.lr_final}, {"seed", o.seed}}},
                           {"epoch_kept", best_epoch},
                           {"validation_degrees", best_error},
                           {"training_hands", train_count},
                           {"validation_hands", valid_count},
                           {"log", log}};
  write_json_file((dir / "pose.json").string(), record);
  fmt::print("{}: the regressor of epoch {} (validation: {:.2f} degrees mean absolute error)\n", dir.string(), best_epoch, best_error);
  return record;
}

}  // namespace tiae
