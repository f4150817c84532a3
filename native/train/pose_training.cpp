#include "train/pose_training.h"

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <thread>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "artifacts/run_folder.h"
#include "data/depth_hands.h"
#include "io/files.h"
#include "io/folder_lock.h"
#include "io/folder_swap.h"
#include "io/progress_bar.h"
#include "model/pose_regressor.h"
#include "model/terms.h"
#include "train/epoch_checkpoint.h"
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
  std::vector<torch::Tensor> parts;
  for (int c = 0; c < copies; ++c)
    for (int64_t lo = 0; lo < n; lo += 500) {
      const int64_t count = std::min<int64_t>(500, n - lo);
      const auto shifted = shift_images(images.narrow(0, lo, count), random_shifts(count, max_shift, rng));
      parts.push_back(model->encoder->forward(shifted.to(device)).to(torch::kCPU));
    }
  return {torch::cat(parts), angles.repeat({copies, 1}).clone()};
}

// Mean absolute angle error (degrees) of `r` on `e`.
double angle_error(PoseRegressor& r, const Examples& e) {
  torch::NoGradGuard no_grad;
  return (r->forward(e.descriptors) - e.angles).abs().mean().item<double>();
}

// What the regressor learns from: the training hands' standardised descriptors and their
// angles scaled to [-1, 1] by their ranges (with the scales, to fold them in afterwards), and
// the validation hands as they are.
struct PoseData {
  torch::Tensor x, y, mean, scale, mid, half;
  Examples valid;
  int training_hands = 0;
};
PoseData pose_data(const PoseOptions& o, LoadedModel& model, unsigned threads, torch::Device device) {
  // more than the models' 8,000 hands: the same stream rendered further (hand i depends on i alone)
  const int train_count = o.hands > 0 ? o.hands : kDepthTrainHands;
  const int valid_count = train_count < kDepthTrainHands ? std::max(16, train_count / 6) : kDepthValidationHands;
  fmt::print("rendering {} training and {} validation hands\n", train_count, valid_count);
  const auto render = [&](int count, HandStream stream, const char* what) {  // a minute or more for 64,000
    ProgressBar bar(fmt::format("rendering {} hands", what), count, o.progress);
    auto set = make_depth_hands(count, kDepthRenderSeed, stream, depth_cut_options(model.config), int(threads), [&](int done) { bar.update(done); });
    bar.finish();
    return set;
  };
  const auto train_hands = render(train_count, HandStream::train, "training"), valid_hands = render(valid_count, HandStream::validation, "validation");
  std::mt19937_64 rng(o.seed);
  torch::manual_seed(o.seed);
  const int m = model.config.max_shift;
  const auto train = encode_hands(model.network, train_hands, o.copies, m, rng, device);
  PoseData d;
  d.valid = encode_hands(model.network, valid_hands, 1, m, rng, device);
  d.training_hands = train_count;
  d.mean = train.descriptors.mean(0), d.scale = train.descriptors.std(0).clamp_min(1e-6);
  const auto joints = joint_scale();
  d.mid = joints.mid, d.half = joints.half;
  d.x = (train.descriptors - d.mean) / d.scale, d.y = (train.angles - d.mid) / d.half;
  return d;
}

void copy_weights(PoseRegressor& from, PoseRegressor& to) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < from->parameters().size(); ++i) to->parameters()[i].copy_(from->parameters()[i]);
}

// What a run continues with on --resume (pose-training/settings.json): everything but the
// threads and the device, and the checksum of the model whose descriptors it reads.
nlohmann::json pose_settings(const PoseOptions& o) {
  return {{"hidden", o.hidden}, {"epochs", o.epochs}, {"copies", o.copies}, {"batch", o.batch}, {"hands", o.hands}, {"lr", o.lr},
          {"lr_final", o.lr_final}, {"seed", o.seed}, {"model_checksum", file_checksum(run_weights_path(o.run))}};
}

// A new run (refused while an unfinished one waits in `work`), or the settings of the one
// --resume continues (refused when the model's weights changed since).
PoseOptions start_pose_run(const PoseOptions& o, const fs::path& work) {
  if (!o.resume) {
    if (last_checkpoint(work.string()))
      throw std::runtime_error(work.string() + " holds an unfinished regressor: add --resume to continue it, or remove that folder to start again");
    fs::remove_all(work);
    fs::create_directories(work);
    write_json_file((work / "settings.json").string(), pose_settings(o));
    return o;
  }
  if (!fs::exists(work / "settings.json"))
    throw std::runtime_error("--resume: " + o.run + " has no unfinished regressor (no pose-training/settings.json)");
  const auto s = read_json_file((work / "settings.json").string());
  PoseOptions r = o;
  r.hidden = s.at("hidden").get<int>(), r.epochs = s.at("epochs").get<int>(), r.copies = s.at("copies").get<int>();
  r.batch = s.at("batch").get<int>(), r.hands = s.at("hands").get<int>(), r.lr = s.at("lr").get<double>();
  r.lr_final = s.at("lr_final").get<double>(), r.seed = s.at("seed").get<uint64_t>();
  if (file_checksum(run_weights_path(o.run)) != s.at("model_checksum").get<std::string>())
    throw std::runtime_error("--resume: " + o.run + "'s weights changed since its regressor was started: start it again without --resume");
  return r;
}

// The regressor being trained, the best one so far and Adam; the epochs done and their log.
struct PoseState {
  PoseRegressor net, best;
  std::unique_ptr<torch::optim::Adam> adam;
  int epochs_done = 0, best_epoch = 0;
  double best_error = INFINITY;
  nlohmann::json log = nlohmann::json::array();
  EpochState checkpoint() { return {{{"weights.bin", net.get()}, {"best.bin", best.get()}}, adam.get()}; }
};

// One epoch of Adam over the training hands in a random order, the learning rate on its
// cosine from o.lr to o.lr_final over the run; the epoch's mean loss.
double pose_epoch(PoseState& st, const PoseData& d, const PoseOptions& o, int epoch) {
  const int64_t n = d.x.size(0), steps = (n + o.batch - 1) / o.batch;
  const auto order = torch::randperm(n);
  double loss = 0;
  for (int64_t b = 0; b < steps; ++b) {
    const double t = double(epoch * steps + b) / std::max<int64_t>(1, o.epochs * steps - 1);
    for (auto& g : st.adam->param_groups()) g.options().set_lr(o.lr_final + 0.5 * (o.lr - o.lr_final) * (1 + std::cos(M_PI * t)));
    const auto index = order.narrow(0, b * o.batch, std::min<int64_t>(o.batch, n - b * o.batch));
    st.adam->zero_grad();
    const auto l = (st.net->forward(d.x.index_select(0, index)) - d.y.index_select(0, index)).pow(2).mean();
    l.backward();
    adam_step(*st.adam);
    loss += l.item<double>() / double(steps);
  }
  return loss;
}

// A resumed run's state as its last finished epoch left it; the best epoch from the log.
void resume_pose(const fs::path& work, PoseState& st) {
  st.epochs_done = resume_epoch_checkpoint(work.string(), st.checkpoint());
  for (const auto& line : read_log(work.string())) {
    st.log.push_back(line);
    if (line.at("validation_degrees").get<double>() < st.best_error)
      st.best_error = line.at("validation_degrees").get<double>(), st.best_epoch = line.at("epoch").get<int>();
  }
  fmt::print("resuming {} after epoch {}\n", work.string(), st.epochs_done);
}

}  // namespace

nlohmann::json train_pose(const PoseOptions& options) {
  const fs::path run(options.run), dir = run / "pose", work = run / "pose-training";
  if (!fs::exists(run / "config.json")) throw std::runtime_error(options.run + " is not a training run (no config.json): tiae pose trains into a run");
  const FolderLock lock(dir.string());  // one regressor written at a time (pose/ and pose-training/)
  const PoseOptions o = start_pose_run(options, work);
  const unsigned threads = o.threads > 0 ? unsigned(o.threads) : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(int(threads));
  const torch::Device device = choose_device(o.device);
  auto model = load_model(o.run, device);
  if (model.config.data != Dataset::depth) throw std::runtime_error(o.run + " is not a depth model (data depth): its descriptor says nothing of a hand");
  const auto data = pose_data(o, model, threads, device);
  PoseShape shape{int(data.x.size(1)), o.hidden, kHandJoints};
  PoseState st{PoseRegressor(shape), PoseRegressor(shape), nullptr};
  st.adam = std::make_unique<torch::optim::Adam>(st.net->parameters(), torch::optim::AdamOptions(o.lr));
  if (o.resume) resume_pose(work, st);
  const long steps = long((data.x.size(0) + o.batch - 1) / o.batch);
  for (int epoch = st.epochs_done; epoch < o.epochs; ++epoch) {
    const double loss = pose_epoch(st, data, o, epoch);
    // The validation error in degrees: the network as it would be folded.
    PoseRegressor folded(shape);
    copy_weights(st.net, folded);
    fold_normalisation(folded, data.mean, data.scale, data.mid, data.half);
    const double error = angle_error(folded, data.valid);
    if (error < st.best_error) st.best_error = error, st.best_epoch = epoch + 1, copy_weights(folded, st.best);
    st.log.push_back({{"epoch", epoch + 1}, {"loss", loss}, {"validation_degrees", error}});
    append_log(work.string(), st.log.back());
    save_epoch_checkpoint(work.string(), epoch + 1, (epoch + 1) * steps, st.checkpoint());
    if (o.progress) fmt::print("pose epoch {:>3}/{}  loss {:.4f}  validation {:.2f} degrees\n", epoch + 1, o.epochs, loss, error);
  }
  nlohmann::json record = {{"shape", shape},
                           {"settings", {{"hidden", o.hidden}, {"epochs", o.epochs}, {"copies", o.copies}, {"batch", o.batch}, {"lr", o.lr},
                                         {"lr_final", o.lr_final}, {"seed", o.seed}}},
                           {"epoch_kept", st.best_epoch},
                           {"validation_degrees", st.best_error},
                           {"training_hands", data.training_hands},
                           {"validation_hands", data.valid.angles.size(0)},
                           {"log", st.log}};
  replace_folder(dir.string(), FolderStart::empty, [&](const std::string& fresh) {
    save_weights(*st.best, (fs::path(fresh) / "weights.bin").string());
    write_json_file((fs::path(fresh) / "pose.json").string(), record);
  });
  fs::remove_all(work);  // finished: a later `tiae pose` starts afresh
  fmt::print("{}: the regressor of epoch {} (validation: {:.2f} degrees mean absolute error)\n", dir.string(), st.best_epoch, st.best_error);
  return record;
}

}  // namespace tiae
