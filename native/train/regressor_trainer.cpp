#include "train/regressor_trainer.h"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "artifacts/run_folder.h"
#include "data/mnist_data.h"
#include "io/files.h"
#include "io/folder_lock.h"
#include "io/output_path.h"
#include "io/progress_bar.h"
#include "model/network.h"
#include "model/regressor.h"
#include "train/epoch_checkpoint.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

// The teacher's theta_hat for a batch of images.
Restoration teacher_estimate(LoadedModel& teacher, const torch::Tensor& images, const TransformGrid& grid) {
  torch::NoGradGuard no_grad;
  const auto recon = teacher.network->decoder->forward(teacher.network->encoder->forward(images));
  return restoration_term(recon, images, teacher.config.max_shift, grid);
}

// R's training digits: at random placements of the teacher's family (a one-view draw), restyled
// as the teacher's own were (digit_styles); the comparison draws them as they are.
TrainConfig training_placements(const TrainConfig& teacher) {
  TrainConfig one = protocol_placements(teacher);
  one.digit_styles = teacher.digit_styles;
  return one;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// R against the exact search on the test digits at random placements (seed 7), and the
// time each takes per image here (the better of 3 passes over all of them).
nlohmann::json compare_with_search(Regressor& r, LoadedModel& teacher, const TransformGrid& grid) {
  torch::NoGradGuard no_grad;
  r->eval();
  const auto split = load_mnist_split(find_mnist_package());
  const int64_t n = split.test.count();
  const auto digits = torch::from_blob(const_cast<float*>(split.test.images.data()), {n, 1, 32, 32}).clone();
  std::mt19937_64 rng(7);
  const auto images = draw_batch(digits, rng, protocol_placements(teacher.config), nullptr).inputs;
  double search_s = 1e9, regressor_s = 1e9;
  torch::Tensor exact, predicted;
  for (int pass = 0; pass < 3; ++pass) {
    auto t = std::chrono::steady_clock::now();
    exact = regressor_targets(teacher_estimate(teacher, images, grid), grid);
    search_s = std::min(search_s, seconds_since(t));
    t = std::chrono::steady_clock::now();
    predicted = r->forward(images);
    regressor_s = std::min(regressor_s, seconds_since(t));
  }
  const auto agreement = shift_agreement(predicted, exact);
  nlohmann::json m = {{"test_digits", n},
                      {"protocol_seed", 7},
                      {"shift_error_px_mean", agreement.error_px_mean},
                      {"shift_within_1px", agreement.within_1px},
                      {"search_ms_per_image", 1000 * search_s / double(n)},
                      {"regressor_ms_per_image", 1000 * regressor_s / double(n)},
                      {"threads", torch::get_num_threads()}};
  if (predicted.size(1) == 4) {
    m["angle_error_deg_mean"] = (predicted.select(1, 2) - exact.select(1, 2)).abs().mean().item<double>();
    m["scale_error_mean"] = (predicted.select(1, 3) / exact.select(1, 3)).log().abs().exp().mean().item<double>() - 1;
  }
  return m;
}

void save_regressor(Regressor& r, const std::string& path) {
  WeightMap weights;
  for (const auto& item : r->named_parameters()) {
    const auto t = item.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    weights["regressor." + item.key()] = {t.sizes().vec(), std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel())};
  }
  write_weights_file(path, weights);
}

}  // namespace

std::string teacher_checksum(const std::string& folder) {
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) {
    const auto card = read_model_card(folder);
    return file_checksum((dir / card.encoder_file).string()) + " " + file_checksum((dir / card.decoder_file).string());
  }
  return file_checksum(run_weights_path(folder));
}

namespace {

// What a run continues with on --resume (settings.json): everything but the threads.
nlohmann::json run_settings(const RegressorOptions& o) {
  return {{"teacher", o.teacher}, {"teacher_checksum", teacher_checksum(o.teacher)}, {"epochs", o.epochs}, {"batch", o.batch},
          {"lr", o.lr}, {"lr_final", o.lr_final}, {"seed", o.seed}};
}

// The folder of a new run, or the settings of the run --resume continues (refused before
// anything is written when the teacher changed since).
RegressorOptions start_run(const RegressorOptions& o) {
  const fs::path out(o.out_dir);
  if (!o.resume) {
    if (last_checkpoint(o.out_dir))
      throw std::runtime_error(o.out_dir + " already holds a regressor run with a checkpoint: add --resume to continue it, or choose another folder");
    fs::create_directories(out);
    for (const char* stale : {"log.jsonl", "regressor.bin", "regressor.json"}) fs::remove(out / stale);  // an earlier run's, before checkpoints
    write_json_file((out / "settings.json").string(), run_settings(o));
    return o;
  }
  if (!fs::exists(out / "settings.json")) throw std::runtime_error("--resume: " + o.out_dir + " is not a regressor run (no settings.json)");
  const auto s = read_json_file((out / "settings.json").string());
  RegressorOptions r = o;
  r.teacher = s.at("teacher").get<std::string>(), r.epochs = s.at("epochs").get<int>(), r.batch = s.at("batch").get<int>();
  r.lr = s.at("lr").get<double>(), r.lr_final = s.at("lr_final").get<double>(), r.seed = s.at("seed").get<uint64_t>();
  if (teacher_checksum(r.teacher) != s.at("teacher_checksum").get<std::string>())
    throw std::runtime_error("--resume: " + r.teacher + " is not the network that taught " + o.out_dir + " (its weights changed)");
  return r;
}

}  // namespace

nlohmann::json train_regressor(const RegressorOptions& options) {
  check_output_folder(options.out_dir, {options.teacher});
  fs::create_directories(fs::absolute(options.out_dir).parent_path());
  const FolderLock lock(options.out_dir);  // one writer at a time
  const RegressorOptions o = start_run(options);
  use_cpu_threads(o.threads);
  torch::manual_seed(o.seed);
  auto teacher = load_model(o.teacher, torch::kCPU);
  if (teacher.config.kind != Kind::tiae || teacher.config.layout != Layout::centred || teacher.config.data != Dataset::mnist)
    throw std::runtime_error(o.teacher + ": a regressor learns the estimates of a TIAE of centred digits (kind tiae, data mnist)");
  const auto grid = transform_grid(teacher.config);
  const auto placements = training_placements(teacher.config);
  Regressor r(teacher.config.network.channels, regressor_outputs(grid));
  torch::optim::Adam adam(r->parameters(), torch::optim::AdamOptions(o.lr));
  const EpochState state{{{"weights.bin", r.get()}}, &adam};  // R, Adam and the generator at each epoch's end
  const int first_epoch = o.resume ? resume_epoch_checkpoint(o.out_dir, state) : 0;
  const auto split = load_mnist_split(find_mnist_package());
  const int64_t n = split.train.count();
  const auto digits = torch::from_blob(const_cast<float*>(split.train.images.data()), {n, 1, 32, 32}).clone();
  nlohmann::json record = {{"teacher", o.teacher}, {"teacher_checksum", teacher_checksum(o.teacher)}, {"outputs", regressor_outputs(grid)},
                           {"prior", "centroid"}, {"epochs", o.epochs}, {"batch", o.batch}, {"lr", o.lr}, {"lr_final", o.lr_final}, {"seed", o.seed},
                           {"data", "the 8,000 MNIST training digits at random placements of the teacher's family, restyled as "
                                    "the teacher's were (digit_styles); targets: the teacher's exact search (no labels)"},
                           {"log", read_log(o.out_dir)}};
  if (first_epoch > 0) fmt::print("resuming {} after epoch {}\n", o.out_dir, first_epoch);
  const long steps = long((n + o.batch - 1) / o.batch), total = steps * o.epochs;
  for (int epoch = first_epoch; epoch < o.epochs; ++epoch) {
    std::mt19937_64 rng(o.seed * 1000003ull + uint64_t(epoch));
    const auto order = torch::randperm(n, torch::TensorOptions().dtype(torch::kLong));
    r->train();
    double sum = 0;
    ProgressBar bar(fmt::format("regressor epoch {}/{}", epoch + 1, o.epochs), steps, o.progress);
    for (long b = 0; b < steps; ++b) {
      const double t = double(epoch * steps + b) / std::max(1L, total - 1);
      for (auto& g : adam.param_groups()) g.options().set_lr(o.lr_final + 0.5 * (o.lr - o.lr_final) * (1 + std::cos(M_PI * t)));
      const int64_t lo = b * o.batch, bs = std::min<int64_t>(o.batch, n - lo);
      const auto images = draw_batch(digits.index_select(0, order.narrow(0, lo, bs)), rng, placements, nullptr).inputs;
      const auto target = regressor_targets(teacher_estimate(teacher, images, grid), grid);
      adam.zero_grad();
      const auto loss = regressor_error(r->forward(images), target).mean();
      loss.backward();
      adam.step();
      sum += loss.item<double>();
      bar.update(b + 1, fmt::format("error {:.3f}", sum / double(b + 1)));
    }
    bar.finish();
    const nlohmann::json line = {{"epoch", epoch + 1}, {"error", sum / double(steps)}, {"seconds", bar.seconds()}};
    record["log"].push_back(line);
    append_log(o.out_dir, line);
    save_epoch_checkpoint(o.out_dir, epoch + 1, (epoch + 1) * steps, state);
    fmt::print("regressor epoch {:>3}/{}  error {:.4f}  {:.1f} s\n", epoch + 1, o.epochs, sum / double(steps), bar.seconds());
  }
  record["metrics"] = compare_with_search(r, teacher, grid);
  save_regressor(r, (fs::path(o.out_dir) / "regressor.bin").string());
  write_json_file((fs::path(o.out_dir) / "regressor.json").string(), record);
  return record;
}

}  // namespace tiae
