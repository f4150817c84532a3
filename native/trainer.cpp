#include "trainer.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <csignal>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "mnist_data.h"
#include "model_card.h"
#include "model_folder.h"
#include "network.h"
#ifdef TIAE_HAVE_OPENCV
#include "figures.h"
#include "font_glyphs.h"
#endif
#include "progress_bar.h"
#include "terms.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

void write_json(const fs::path& path, const nlohmann::json& j) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The checkpoint of a run: its folder, or the previous one if a kill landed between the
// two renames of save_checkpoint.
fs::path checkpoint_dir(const fs::path& run) {
  if (fs::exists(run / "checkpoint" / "state.json")) return run / "checkpoint";
  if (fs::exists(run / "checkpoint.old" / "state.json")) return run / "checkpoint.old";
  return {};
}

// Test hook for the crash windows of a run: TIAE_FAULT=<point>:<epoch> kills the process with
// SIGKILL when it reaches that point while finishing that epoch (tests/test_resume.cpp).
void fault_point(const char* point, int epoch) {
  static const char* spec = std::getenv("TIAE_FAULT");
  if (spec && spec == fmt::format("{}:{}", point, epoch)) std::raise(SIGKILL);
}

// The checkpoint folder holds only these files. They are removed one by one rather than with
// fs::remove_all: PyTorch's pip wheels export a std::filesystem::remove_all of their own
// from libtorch.so, which crashes when called from code built with a newer libstdc++.
void remove_checkpoint_folder(const fs::path& dir) {
  std::error_code ignored;
  for (const char* name : {"weights.bin", "optimizer.pt", "state.json"}) fs::remove(dir / name, ignored);
  fs::remove(dir, ignored);
}

void save_checkpoint(const fs::path& run, AutoEncoder& model, torch::optim::Adam& optimizer, int epochs_done,
                     long steps_done) {
  const fs::path tmp = run / "checkpoint.tmp", final = run / "checkpoint", old = run / "checkpoint.old";
  remove_checkpoint_folder(tmp);
  fs::create_directories(tmp);
  save_weights(*model, (tmp / "weights.bin").string());
  torch::save(optimizer, (tmp / "optimizer.pt").string());
  // Checksums of both files, verified before a resume or an export uses them.
  write_json(tmp / "state.json", {{"epochs_done", epochs_done},
                                  {"steps_done", steps_done},
                                  {"checksums",
                                   {{"weights.bin", file_checksum((tmp / "weights.bin").string())},
                                    {"optimizer.pt", file_checksum((tmp / "optimizer.pt").string())}}}});
  fault_point("checkpoint-written", epochs_done);
  remove_checkpoint_folder(old);
  if (fs::exists(final)) fs::rename(final, old);
  fault_point("between-renames", epochs_done);
  fs::rename(tmp, final);
  remove_checkpoint_folder(old);
}

// Checks the checkpoint's files against the checksums its state.json records (checkpoints
// written before checksums were recorded have none) and returns that state.
nlohmann::json verified_state(const fs::path& checkpoint) {
  const auto state = read_json(checkpoint / "state.json");
  if (state.contains("checksums"))
    for (const auto& [file, sum] : state.at("checksums").items()) verify_checksum((checkpoint / file).string(), sum.get<std::string>());
  return state;
}

// A folder train may write a new run into: new, empty, or holding only what a run that
// never finished its first epoch left; never someone's other files.
void check_new_run_folder(const fs::path& run) {
  if (!checkpoint_dir(run).empty())
    throw std::runtime_error(run.string() + " already holds a run: add --resume to continue it, or choose another folder");
  std::error_code ec;
  if (fs::exists(run, ec) && !fs::is_directory(run, ec)) throw std::runtime_error(run.string() + " exists and is not a folder");
  if (!fs::exists(run, ec)) return;
  const std::set<std::string> ours = {"config.json", "log.jsonl", "training-batch.png", "checkpoint.tmp"};
  for (const auto& entry : fs::directory_iterator(run))
    if (!ours.count(entry.path().filename().string()))
      throw std::runtime_error(run.string() + " holds other files (" + entry.path().filename().string() +
                               "): train into a new or empty folder");
}

// Keeps the log lines of the epochs the checkpoint holds (a killed run may have logged one more).
void trim_log(const fs::path& log, int epochs_done) {
  std::ifstream in(log);
  std::vector<std::string> kept;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && nlohmann::json::parse(line).value("epoch", 0) <= epochs_done) kept.push_back(line);
  in.close();
  std::ofstream out(log, std::ios::trunc);
  for (const auto& l : kept) out << l << "\n";
}

struct TermSums {
  double loss = 0, inv = 0, res = 0, spa = 0, rec = 0;
  long batches = 0;
};

#ifdef TIAE_HAVE_OPENCV
// A picture of what the model is trained on: each view of a few digits, then the targets.
// Its own generator, so that the run's randomness does not depend on it.
void write_batch_picture(const fs::path& path, const torch::Tensor& digits, const TrainConfig& config,
                         const BackgroundSource* backgrounds, const torch::Tensor& letters) {
  std::mt19937_64 rng(config.seed);
  const auto batch = draw_batch(digits, rng, config, backgrounds, letters);
  const int64_t count = digits.size(0), s = digits.size(2);
  const auto inputs = batch.inputs.to(torch::kCPU).contiguous(), targets = batch.targets.to(torch::kCPU).contiguous();
  std::vector<ImageRow> rows;
  for (int64_t v = 0; v < batch.views; ++v) {
    rows.push_back({v == 0 ? "input" : fmt::format("view {}", v), {}, {}});
    for (int64_t i = 0; i < count; ++i) rows.back().images.push_back(inputs.data_ptr<float>() + (v * count + i) * s * s);
  }
  rows.push_back({"target", {}, {}});
  for (int64_t i = 0; i < count; ++i) rows.back().images.push_back(targets.data_ptr<float>() + i * s * s);
  write_image_grid(path.string(), fmt::format("training batch: kind {}, layout {}{}, background {}", config.kind, config.layout,
                                              config.letters > 0 ? fmt::format(" ({:.0f}% letters)", 100 * config.letters) : "",
                                              config.kind == "fg" ? config.background : "none"),
                   rows, int(s));
}
#endif

}  // namespace

TrainConfig read_run_config(const std::string& run_dir) {
  if (!fs::exists(fs::path(run_dir) / "config.json"))
    throw std::runtime_error(run_dir + " is not a training run (it has no config.json)");
  return read_json(fs::path(run_dir) / "config.json").get<TrainConfig>();
}

std::string run_weights_path(const std::string& run_dir) {
  const auto dir = checkpoint_dir(run_dir);
  if (dir.empty()) throw std::runtime_error(run_dir + " is not a training run with a checkpoint");
  verified_state(dir);
  return (dir / "weights.bin").string();
}

void train(TrainConfig config, const RunOptions& options) {
  const fs::path run(options.out_dir);
  int start_epoch = 0;
  long step = 0;
  fs::path resume_from;
  if (options.resume) {
    resume_from = checkpoint_dir(run);
    if (resume_from.empty()) throw std::runtime_error("--resume: no checkpoint in " + run.string());
    const auto state = verified_state(resume_from);
    start_epoch = state.at("epochs_done").get<int>();
    step = state.at("steps_done").get<long>();
  } else {
    check_new_run_folder(run);
    fs::create_directories(run);
    fs::remove(run / "log.jsonl");
  }
  write_json(run / "config.json", config);  // on resume: with any overridden epochs

  const unsigned threads = config.threads > 0 ? unsigned(config.threads) : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(int(threads));  // Debian's build defaults to 1
  const torch::Device device = choose_device(options.device);
  torch::manual_seed(config.seed);

  AutoEncoder model(config.network);
  model->to(device);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(config.lr));
  if (!options.resume && !config.init.empty()) {
    // Every tensor whose name and shape match is copied; the others (a resized
    // descriptor, say) keep their random start.
    const auto init = load_model(config.init, device);
    auto from = init.network->named_parameters();
    std::vector<std::string> kept_random;
    torch::NoGradGuard no_grad;
    for (auto& item : model->named_parameters()) {
      const auto* source = from.find(item.key());
      if (source && source->sizes() == item.value().sizes()) item.value().copy_(*source);
      else kept_random.push_back(item.key());
    }
    if (kept_random.size() == model->parameters().size())
      throw std::runtime_error("--init " + config.init + " shares no parameter shape with this network");
    fmt::print("starting from the weights of {}{}\n", config.init,
               kept_random.empty() ? std::string() : " except " + fmt::format("{}", fmt::join(kept_random, ", ")) + " (random)");
  }
  if (options.resume) {
    load_weights(*model, (resume_from / "weights.bin").string());
    torch::load(optimizer, (resume_from / "optimizer.pt").string(), device);
    trim_log(run / "log.jsonl", start_epoch);
  }

  const auto split = load_mnist_split(find_mnist_package());
  const int n = config.train_samples > 0 ? std::min(config.train_samples, split.train.count()) : split.train.count();
  const int s = config.network.size;
  if (s != DigitSet::kSize || config.network.channels != 1)
    throw std::runtime_error("MNIST training needs a 1-channel, 32x32 network");
  const auto images = torch::from_blob(const_cast<float*>(split.train.images.data()), {n, 1, s, s}).clone().to(device);

  const int B = config.batch;
  std::unique_ptr<BackgroundSource> backgrounds;
  if (config.kind == "fg")
    backgrounds = std::make_unique<BackgroundSource>(config.background, config.background == "photo" ? training_photos()
                                                                                                      : std::vector<std::string>{});
  torch::Tensor letters;  // layout text: letters of handwriting-style fonts (font_glyphs.h)
  if (config.letters > 0) {
#ifdef TIAE_HAVE_OPENCV
    const auto fonts = training_fonts();
    auto pixels = render_glyphs(fonts, kTrainingCharacters);
    const int64_t count = int64_t(pixels.size()) / (s * s);
    letters = torch::from_blob(pixels.data(), {count, 1, s, s}).clone().to(device);
    fmt::print("letters: {} glyphs of {} fonts\n", count, fonts.size());
#else
    throw std::runtime_error("letters need OpenCV (its freetype module draws them); this build has none");
#endif
  }
  const long steps_per_epoch = (n + B - 1) / B;
  const long total_steps = steps_per_epoch * config.epochs;
  std::ofstream log(run / "log.jsonl", std::ios::app);
#ifdef TIAE_HAVE_OPENCV
  write_batch_picture(run / "training-batch.png", images.narrow(0, 0, std::min(n, 12)), config, backgrounds.get(), letters);
#endif
  fmt::print("training {} on {} ({} threads): {} digits, epochs {}..{}\n", config.kind, device.str(), threads, n,
             start_epoch + 1, config.epochs);

  for (int epoch = start_epoch; epoch < config.epochs; ++epoch) {
    // All of this epoch's randomness: the order of digits, every shift and background.
    std::mt19937_64 rng(config.seed * 1000003ull + uint64_t(epoch));
    std::vector<int64_t> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);

    model->train();
    TermSums sums;
    ProgressBar bar(fmt::format("epoch {}/{}", epoch + 1, config.epochs), steps_per_epoch, options.progress);
    for (long b = 0; b < steps_per_epoch; ++b, ++step) {
      const double t = double(step) / std::max(1L, total_steps - 1);
      const double lr = config.lr_final + 0.5 * (config.lr - config.lr_final) * (1 + std::cos(M_PI * t));
      for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);

      const int64_t lo = b * B, bs = std::min<int64_t>(B, n - lo);
      const auto index = torch::from_blob(order.data() + lo, {bs}, torch::kLong).to(device);
      const auto digits = images.index_select(0, index);
      const auto o = objective(model, draw_batch(digits, rng, config, backgrounds.get(), letters), config);
      const auto& loss = o.loss;
      if (config.kind != "ae") {
        sums.inv += o.c_inv.item<double>();
        sums.res += o.c_res.item<double>();
        sums.spa += o.c_spa.item<double>();
      } else {
        sums.rec += o.c_rec.item<double>();
      }
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      sums.loss += loss.item<double>();
      ++sums.batches;
      const double rate = double(lo + bs) / std::max(1e-9, bar.seconds());
      bar.update(b + 1, config.kind != "ae"
                            ? fmt::format("loss {:.2f} inv {:.2f} res {:.2f} spa {:.2f} | {:.0f} samples/s",
                                          sums.loss / sums.batches, sums.inv / sums.batches,
                                          sums.res / sums.batches, sums.spa / sums.batches, rate)
                            : fmt::format("loss {:.2f} | {:.0f} samples/s", sums.loss / sums.batches, rate));
    }
    bar.finish();
    const double seconds = bar.seconds();
    const double k = 1.0 / sums.batches;
    nlohmann::json line = {{"epoch", epoch + 1},       {"loss", sums.loss * k},  {"lr", optimizer.param_groups()[0].options().get_lr()},
                           {"samples_per_s", n / seconds}, {"seconds", seconds}};
    if (config.kind != "ae") {
      line["c_inv"] = sums.inv * k;
      line["c_res"] = sums.res * k;
      line["c_spa"] = sums.spa * k;
    } else {
      line["c_rec"] = sums.rec * k;
    }
    log << line.dump() << "\n" << std::flush;
    fault_point("after-log", epoch + 1);
    save_checkpoint(run, model, optimizer, epoch + 1, step);
    fmt::print("epoch {:>3}/{}  loss {:8.3f}{}  lr {:.2e}  {:.0f} samples/s  {:.1f} s\n", epoch + 1, config.epochs,
               sums.loss * k,
               config.kind != "ae" ? fmt::format("  inv {:7.3f}  res {:8.3f}  spa {:6.3f}", sums.inv * k, sums.res * k, sums.spa * k)
                                     : std::string(),
               line["lr"].get<double>(), n / seconds, seconds);
    std::fflush(stdout);
  }
}

}  // namespace tiae
