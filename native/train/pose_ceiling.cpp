#include "train/pose_ceiling.h"

#include <fmt/core.h>

#include <filesystem>
#include <random>
#include <thread>

#include "artifacts/model_folder.h"
#include "data/depth_hands.h"
#include "io/files.h"
#include "io/progress_bar.h"
#include "model/pose_regressor.h"
#include "model/terms.h"
#include "train/reusing_allocator.h"
#include "hand_model.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

struct Hands {
  torch::Tensor images, angles;  // [N, 1, S, S], [N, 20] degrees
};
Hands render_hands(int count, HandStream stream, const DepthCutOptions& cut, int threads, bool progress) {
  ProgressBar bar(fmt::format("rendering {} hands", count), count, progress);
  auto set = make_depth_hands(count, kDepthRenderSeed, stream, cut, threads, [&](int done) { bar.update(done); });
  bar.finish();
  const int64_t n = set.count(), s = DepthHandSet::kSize;
  return {torch::from_blob(set.images.data(), {n, 1, s, s}).clone(), torch::from_blob(set.angles.data(), {n, kHandJoints}).clone()};
}

// The encoder and regressor as one network: images -> angles scaled to [-1, 1].
struct Reader {
  Encoder encoder;
  PoseRegressor regressor;
  torch::Tensor forward(const torch::Tensor& images) { return regressor->forward(encoder->forward(images)); }
  std::vector<torch::Tensor> parameters() {
    auto p = encoder->parameters();
    for (const auto& q : regressor->parameters()) p.push_back(q);
    return p;
  }
};

// Mean absolute error in degrees per joint (validation images already shifted).
torch::Tensor joint_errors(Reader& r, const torch::Tensor& images, const torch::Tensor& angles, const torch::Tensor& mid,
                           const torch::Tensor& half) {
  torch::NoGradGuard no_grad;
  r.encoder->eval(), r.regressor->eval();
  std::vector<torch::Tensor> out;
  for (int64_t lo = 0; lo < images.size(0); lo += 500) out.push_back(r.forward(images.narrow(0, lo, std::min<int64_t>(500, images.size(0) - lo))));
  r.encoder->train(), r.regressor->train();
  return (torch::cat(out).to(torch::kCPU) * half + mid - angles).abs().mean(0);
}

// The hands of a ceiling run: training images with their angles scaled to [-1, 1], and the
// validation hands at one random shift each, with their angles in degrees.
struct CeilingData {
  Hands train, valid;
  torch::Tensor target, mid, half;
};
CeilingData ceiling_data(const PoseOptions& o, const TrainConfig& config, int threads, std::mt19937_64& rng) {
  const auto cut = model_depth_cut(o.run);
  CeilingData d{render_hands(o.hands > 0 ? o.hands : kDepthTrainHands, HandStream::train, cut, threads, o.progress),
                render_hands(kDepthValidationHands, HandStream::validation, cut, threads, o.progress), {}, {}, {}};
  const auto joints = joint_scale();
  d.mid = joints.mid, d.half = joints.half;
  d.target = (d.train.angles - d.mid) / d.half;
  d.valid.images = shift_images(d.valid.images, random_shifts(d.valid.images.size(0), config.max_shift, rng));
  return d;
}

// One epoch of Adam over the training hands in a random order, each at a fresh random shift,
// the learning rate on its cosine from o.lr to o.lr_final over the run; the epoch's mean loss.
double ceiling_epoch(Reader& r, torch::optim::Adam& adam, const CeilingData& d, const PoseOptions& o, int epoch, int max_shift,
                     std::mt19937_64& rng, torch::Device device) {
  const int64_t n = d.train.images.size(0), steps = (n + o.batch - 1) / o.batch;
  const auto order = torch::randperm(n);
  double loss = 0;
  for (int64_t b = 0; b < steps; ++b) {
    const double t = double(epoch * steps + b) / std::max<int64_t>(1, o.epochs * steps - 1);
    for (auto& g : adam.param_groups()) g.options().set_lr(o.lr_final + 0.5 * (o.lr - o.lr_final) * (1 + std::cos(M_PI * t)));
    const auto index = order.narrow(0, b * o.batch, std::min<int64_t>(o.batch, n - b * o.batch));
    const auto images = shift_images(d.train.images.index_select(0, index), random_shifts(index.size(0), max_shift, rng)).to(device);
    adam.zero_grad();
    const auto l = (r.forward(images) - d.target.index_select(0, index).to(device)).pow(2).mean();
    l.backward();
    adam.step();
    loss += l.item<double>() / double(steps);
  }
  return loss;
}

}  // namespace

nlohmann::json train_pose_ceiling(const PoseOptions& o, const std::string& out_dir) {
  const unsigned threads = o.threads > 0 ? unsigned(o.threads) : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(int(threads));
  use_reusing_allocator();  // as the trainer: the same tensors every step
  const TrainConfig config = read_model_config(o.run);
  if (config.data != Dataset::depth) throw std::runtime_error(o.run + " is not a depth model (data depth)");
  torch::manual_seed(o.seed);
  std::mt19937_64 rng(o.seed);
  const auto d = ceiling_data(o, config, int(threads), rng);
  const torch::Device device = choose_device(o.device);
  const auto valid_images = d.valid.images.to(device);
  Reader r{Encoder(config.network), PoseRegressor(PoseShape{config.network.descriptor, o.hidden, kHandJoints})};
  r.encoder->to(device), r.regressor->to(device);
  torch::optim::Adam adam(r.parameters(), torch::optim::AdamOptions(o.lr));
  nlohmann::json log = nlohmann::json::array(), best_joints = nlohmann::json::object();
  double best = INFINITY;
  int best_epoch = 0;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const double loss = ceiling_epoch(r, adam, d, o, epoch, config.max_shift, rng, device);
    const auto joints = joint_errors(r, valid_images, d.valid.angles, d.mid, d.half);
    const double error = joints.mean().item<double>();
    if (error < best) {
      best = error, best_epoch = epoch + 1;
      for (int j = 0; j < kHandJoints; ++j) best_joints[hand_joints()[size_t(j)].name] = joints[j].item<double>();
    }
    log.push_back({{"epoch", epoch + 1}, {"loss", loss}, {"validation_degrees", error}});
    if (o.progress) fmt::print("ceiling epoch {:>3}/{}  loss {:.4f}  validation {:.2f} degrees\n", epoch + 1, o.epochs, loss, error);
  }
  nlohmann::json record = {{"what", "a fresh encoder of the run's shape and the regressor trained together on the angles (supervised)"},
                           {"network", config.network},
                           {"settings", {{"hidden", o.hidden}, {"epochs", o.epochs}, {"batch", o.batch}, {"lr", o.lr}, {"lr_final", o.lr_final},
                                         {"seed", o.seed}, {"training_hands", d.train.images.size(0)}, {"validation_hands", kDepthValidationHands}}},
                           {"epoch_kept", best_epoch}, {"validation_degrees", best}, {"validation_degrees_by_joint", best_joints}, {"log", log}};
  fs::create_directories(out_dir);
  const auto path = (fs::path(out_dir) / "pose-ceiling.json").string();
  write_json_file(path, record);
  fmt::print("{}: {:.2f} degrees on the validation hands (epoch {}), the encoder trained on the angles\n", path, best, best_epoch);
  return record;
}

}  // namespace tiae
