#include "train/trainer.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "artifacts/model_folder.h"
#include "artifacts/run_folder.h"
#include "data/depth_hands.h"
#include "data/grasp_masks.h"
#include "data/mnist_data.h"
#include "data/mnist_idx.h"
#include "data/page_bank_file.h"
#include "data/training_pages.h"
#include "model/network.h"
#ifdef TIAE_HAVE_OPENCV
#include "io/figures.h"
#include "data/font_glyphs.h"
#endif
#include "io/folder_lock.h"
#include "io/output_path.h"
#include "io/progress_bar.h"
#include "model/terms.h"
#include "train/distributed.h"
#include "train/epoch_clusters.h"
#include "train/fused_adam.h"
#include "train/pca_fit.h"
#include "train/reusing_allocator.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

// One step's loss terms (kind "ae": loss and rec; the others: loss, inv, res, spa, code, cluster).
struct Terms {
  double loss = 0, inv = 0, res = 0, spa = 0, rec = 0, code = 0, cluster = 0;
};

struct TermSums {
  Terms sum;
  long batches = 0;
  void add(const Terms& t) {
    sum.loss += t.loss, sum.inv += t.inv, sum.res += t.res, sum.spa += t.spa, sum.rec += t.rec, sum.code += t.code;
    sum.cluster += t.cluster;
    ++batches;
  }
};

// What every step draws from: the training digits, and for foreground runs the
// backgrounds and the font letters, or the photographed pages.
struct TrainingData {
  torch::Tensor digits;  // [n, C, S, S] on the device: digits, or grasp pairs
  std::unique_ptr<BackgroundSource> backgrounds;
  torch::Tensor letters;  // layout text: letters of handwriting-style fonts (font_glyphs.h)
  std::unique_ptr<PageBank> pages;  // layout page: photographed pages (training_pages.h)
};

// One step's batch: crops of the page bank, or the digits drawn as the layout says.
Batch draw_training_batch(const TrainingData& data, const torch::Tensor& digits, std::mt19937_64& rng, const TrainConfig& config,
                          torch::Device device) {
  if (!data.pages) return draw_batch(digits, rng, config, data.backgrounds.get(), data.letters);
  auto batch = draw_page_batch(*data.pages, digits.size(0), rng, config);
  batch.inputs = batch.inputs.to(device);
  batch.targets = batch.targets.to(device);
  return batch;
}

#ifdef TIAE_HAVE_OPENCV
// A picture of what the model is trained on: each view of a few digits, then the targets.
// Its own generator, so that the run's randomness does not depend on it.
void write_batch_picture(const fs::path& path, const torch::Tensor& digits, const TrainConfig& config, const TrainingData& data) {
  std::mt19937_64 rng(config.seed);
  const auto batch = draw_training_batch(data, digits, rng, config, digits.device());
  const int64_t count = digits.size(0), s = batch.inputs.size(2), c = digits.size(1);
  const auto inputs = batch.inputs.to(torch::kCPU).contiguous(), targets = batch.targets.to(torch::kCPU).contiguous();
  std::vector<ImageRow> rows;
  for (int64_t v = 0; v < batch.views; ++v) {
    rows.push_back({v == 0 ? "input" : fmt::format("view {}", v), {}, {}});
    for (int64_t i = 0; i < count; ++i) rows.back().images.push_back(inputs.data_ptr<float>() + (v * count + i) * c * s * s);
  }
  rows.push_back({"target", {}, {}});
  for (int64_t i = 0; i < count; ++i) rows.back().images.push_back(targets.data_ptr<float>() + i * c * s * s);
  write_image_grid(path.string(), fmt::format("training batch: {}, kind {}, layout {}{}, background {}", to_string(config.data), to_string(config.kind), to_string(config.layout),
                                              config.letters > 0 ? fmt::format(" ({:.0f}% letters)", 100 * config.letters) : "",
                                              config.layout == Layout::page ? "photographed pages"
                                              : config.kind == Kind::fg      ? to_string(config.background)
                                                                             : "none"),
                   rows, int(s), 3, int(c));
}
#endif

// Fine-tuning: every parameter of the same name and shape as one of `folder`'s is copied;
// the others (a resized descriptor, say) keep their random start.
void copy_init_weights(AutoEncoder& model, const std::string& folder, torch::Device device) {
  const auto init = load_model(folder, device);
  auto from = init.network->named_parameters();
  std::vector<std::string> kept_random;
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters()) {
    const auto* source = from.find(item.key());
    if (source && source->sizes() == item.value().sizes()) item.value().copy_(*source);
    else if (source && item.key() == "encoder.conv.weight" && source->size(1) == 1 && item.value().size(1) == 3 &&
             source->sizes() == item.value().narrow(1, 0, 1).sizes())
      // A gray model's first layer read through the luma of R, G, B (gray_from_rgba8's
      // weights): the colour network starts out answering exactly as the gray one.
      item.value().copy_(*source * torch::tensor({0.299f, 0.587f, 0.114f}, source->options()).view({1, 3, 1, 1}));
    else if (source && item.key() == "encoder.conv.weight" && source->size(1) == 3 && item.value().size(1) == 4 &&
             source->sizes() == item.value().narrow(1, 0, 3).sizes()) {
      // A colour model's first layer, the paper plane's weights zero: it starts out answering
      // exactly as the colour model, and learns what the paper plane is worth.
      item.value().zero_();
      item.value().narrow(1, 0, 3).copy_(*source);
    }
    else kept_random.push_back(item.key());
  }
  if (kept_random.size() == model->parameters().size())
    throw std::runtime_error("--init " + folder + " shares no parameter shape with this network");
  fmt::print("starting from the weights of {}{}\n", folder,
             kept_random.empty() ? std::string() : " except " + fmt::format("{}", fmt::join(kept_random, ", ")) + " (random)");
}

// The training images as [n, C, S, S]: MNIST's training digits, grasp pairs or rendered hands.
torch::Tensor training_images(const TrainConfig& config) {
  const int s = config.network.size, c = config.network.channels;
  if (s != DigitSet::kSize && config.layout != Layout::page) throw std::runtime_error("training needs a 32x32 network");
  if (config.data == Dataset::depth) {
    const int n = config.train_samples > 0 ? std::min(config.train_samples, config.depth_hands) : config.depth_hands;
    const int threads = config.threads > 0 ? config.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    auto hands = make_depth_hands(n, kDepthRenderSeed, HandStream::train, depth_cut_options(config), threads);
    return torch::from_blob(hands.images.data(), {n, 1, s, s}).clone();
  }
  if (config.data == Dataset::grasp) {
    const auto split = make_grasp_split();
    const int n = config.train_samples > 0 ? std::min(config.train_samples, split.train.count()) : split.train.count();
    return torch::from_blob(const_cast<float*>(split.train.images.data()), {n, c, s, s}).clone();
  }
  auto train = load_mnist_split(find_mnist_package()).train;
  if (config.extra_digits > 0) {
    const auto extra = load_mnist_extra_digits(config.extra_digits);
    train.images.insert(train.images.end(), extra.images.begin(), extra.images.end());
    train.labels.insert(train.labels.end(), extra.labels.begin(), extra.labels.end());
  }
  const int n = config.train_samples > 0 ? std::min(config.train_samples, train.count()) : train.count();
  // Gray digits (layout page counts its steps by them; colour pages come from the bank)
  return torch::from_blob(train.images.data(), {n, 1, DigitSet::kSize, DigitSet::kSize}).clone();
}

// Layout page: the pages of config.pages_file, or drawn now (OpenCV).
PageBank training_page_bank(const TrainConfig& config, bool report) {
  PageBank bank;
  if (!config.pages_file.empty()) {
    bank = read_page_bank(config.pages_file);
    if (report) fmt::print("training pages: {} of {} px, {} views each, from {}\n", bank.count, bank.side, bank.views, config.pages_file);
  } else {
#ifdef TIAE_HAVE_OPENCV
    const auto split = load_mnist_split(find_mnist_package());
    PageBankOptions o;
    o.count = config.pages, o.views = config.views + 1, o.model_glyph = kMnistDigitHeight, o.clutter = config.page_clutter;
    o.channels = config.network.channels, o.seed = config.seed, o.ink_hues = config.page_ink_hues, o.documents = config.page_documents;
    bank = make_page_bank(o, split.train, int(torch::get_num_threads()), report);
#else
    throw std::runtime_error("layout page draws its pages with OpenCV, which this build lacks: give pages_file (tiae pages)");
#endif
  }
  if (bank.views != config.views + 1 || bank.side < config.network.size || bank.channels != config.network.channels)
    throw std::runtime_error(fmt::format("the training pages have {} views of {} channel(s) of {} px; this run needs {} views (views + 1) "
                                         "of {} channel(s) (network.channels) of at least {} px",
                                         bank.views, bank.channels, bank.side, config.views + 1, config.network.channels, config.network.size));
  return bank;
}

TrainingData load_training_data(const TrainConfig& config, torch::Device device, bool report) {
  const int s = config.network.size;
  TrainingData data;
  data.digits = training_images(config).to(device);
  if (config.kind == Kind::fg)
    data.backgrounds = std::make_unique<BackgroundSource>(to_string(config.background), config.background == Background::photo ? training_photos()
                                                                                                           : std::vector<std::string>{});
  if (config.layout == Layout::page) data.pages = std::make_unique<PageBank>(training_page_bank(config, report));
  if (config.letters > 0) {
#ifdef TIAE_HAVE_OPENCV
    const auto fonts = training_fonts();
    auto pixels = render_glyphs(fonts, kTrainingCharacters);
    const int64_t count = int64_t(pixels.size()) / (s * s);
    data.letters = torch::from_blob(pixels.data(), {count, 1, s, s}).clone().to(device);
    if (report) fmt::print("letters: {} glyphs of {} fonts\n", count, fonts.size());
#else
    throw std::runtime_error("letters need OpenCV (its freetype module draws them); this build has none");
#endif
  }
  return data;
}

// With ranks, rank r of W computes the objective on samples [B r / W, B (r + 1) / W) of
// the global batch of B; `share` is its fraction of them, which weighs its gradient.
struct BatchPart {
  int64_t begin = 0, count = 0;
  double share = 1;
};

BatchPart part_of_batch(int64_t batch_size, const DistributedGroup& group) {
  const int64_t r = group.rank(), w = group.size();
  const int64_t begin = batch_size * r / w, end = batch_size * (r + 1) / w;
  return {begin, end - begin, double(end - begin) / double(batch_size)};
}

// The part's samples of every view (Batch holds the views one after the other).
Batch keep_part(const Batch& batch, const BatchPart& part) {
  const auto cut = [&](const torch::Tensor& t) {
    auto by_view = t.sizes().vec();
    by_view[0] /= batch.views;
    by_view.insert(by_view.begin(), batch.views);
    auto kept = t.view(by_view).narrow(1, part.begin, part.count);
    auto sizes = t.sizes().vec();
    sizes[0] = batch.views * part.count;
    return kept.reshape(sizes);
  };
  Batch kept{cut(batch.inputs), cut(batch.targets), batch.views, batch.centres, batch.cluster_targets};
  if (kept.cluster_targets.defined()) kept.cluster_targets = kept.cluster_targets.narrow(0, part.begin, part.count);
  return kept;
}

// The objective's terms as one float tensor [loss, inv, res, spa, rec, code, cluster] (zeros where the
// kind has none), so that ranks all-reduce them with the gradients.
torch::Tensor terms_tensor(const Objective& o, const TrainConfig& config) {
  const auto zero = torch::zeros({}, o.loss.options());
  const bool ae = config.kind == Kind::ae;
  return torch::stack({o.loss, ae ? zero : o.c_inv, ae ? zero : o.c_res, ae ? zero : o.c_spa, ae ? o.c_rec : zero, ae ? zero : o.c_code,
                       ae ? zero : o.c_cluster})
      .detach()
      .to(torch::kCPU);
}

// One Adam step on the global batch. Every term is a mean over samples, so with ranks the
// global batch's gradient and terms are the sum over ranks of each part's, weighted by
// its share: one all-reduce before the step, after which every rank holds the same weights.
Terms train_step(AutoEncoder& model, torch::optim::Adam& optimizer, const Batch& batch, const TrainConfig& config,
                 DistributedGroup* group) {
  optimizer.zero_grad();
  const BatchPart part = group ? part_of_batch(batch.inputs.size(0) / batch.views, *group) : BatchPart{};
  auto terms = torch::zeros({7});
  if (!group || part.count > 0) {  // a small last batch may leave a rank nothing
    const auto o = objective(model, group ? keep_part(batch, part) : batch, config);
    o.loss.backward();
    terms = terms_tensor(o, config);
  }
  if (group) {
    std::vector<torch::Tensor> reduced;
    for (auto& p : model->parameters()) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      reduced.push_back(p.grad());
    }
    reduced.push_back(terms);
    group->allreduce_weighted(reduced, part.share);
  }
  adam_step(optimizer);
  const auto t = terms.accessor<float, 1>();
  return {t[0], t[1], t[2], t[3], t[4], t[5], t[6]};
}

// One epoch of Adam steps with the cosine-decayed learning rate; `step` counts on across
// epochs. Returns the epoch's log line.
nlohmann::json train_epoch(AutoEncoder& model, torch::optim::Adam& optimizer, const TrainingData& data,
                           const TrainConfig& config, int epoch, long& step, bool progress, DistributedGroup* group) {
  const int64_t n = data.digits.size(0), B = config.batch;
  const long steps_per_epoch = long((n + B - 1) / B), total_steps = steps_per_epoch * config.epochs;
  // All of this epoch's randomness: the order of digits, every shift and background. Every
  // rank draws the whole batch from it, so all ranks draw alike.
  std::mt19937_64 rng(config.seed * 1000003ull + uint64_t(epoch));
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[size_t(i)] = i;
  std::shuffle(order.begin(), order.end(), rng);

  std::optional<EpochClusters> clusters;
  if (config.lambda_cluster > 0) {
    clusters = epoch_clusters(model, data.digits, config.clusters, config.seed * 1000003ull + uint64_t(epoch));
    if (group) group->broadcast({clusters->centres, clusters->targets});  // rank 0's, should the ranks' arithmetic differ
  }
  model->train();
  TermSums sums;
  ProgressBar bar(fmt::format("epoch {}/{}", epoch + 1, config.epochs), steps_per_epoch, progress);
  for (long b = 0; b < steps_per_epoch; ++b, ++step) {
    const double t = double(step) / std::max(1L, total_steps - 1);
    const double lr = config.lr_final + 0.5 * (config.lr - config.lr_final) * (1 + std::cos(M_PI * t));
    for (auto& group_options : optimizer.param_groups()) group_options.options().set_lr(lr);

    const int64_t lo = b * B, bs = std::min<int64_t>(B, n - lo);
    const auto index = torch::from_blob(order.data() + lo, {bs}, torch::kLong).to(data.digits.device());
    auto batch = draw_training_batch(data, data.digits.index_select(0, index), rng, config, data.digits.device());
    if (clusters) batch.centres = clusters->centres, batch.cluster_targets = clusters->targets.index_select(0, index);
    sums.add(train_step(model, optimizer, batch, config, group));
    const double rate = double(lo + bs) / std::max(1e-9, bar.seconds()), k = 1.0 / sums.batches;
    bar.update(b + 1, config.kind != Kind::ae
                          ? fmt::format("loss {:.2f} inv {:.2f} res {:.2f} spa {:.2f} | {:.0f} samples/s", sums.sum.loss * k,
                                        sums.sum.inv * k, sums.sum.res * k, sums.sum.spa * k, rate)
                          : fmt::format("loss {:.2f} | {:.0f} samples/s", sums.sum.loss * k, rate));
  }
  bar.finish();
  const double seconds = bar.seconds(), k = 1.0 / sums.batches;
  nlohmann::json line = {{"epoch", epoch + 1},         {"loss", sums.sum.loss * k}, {"lr", optimizer.param_groups()[0].options().get_lr()},
                         {"samples_per_s", n / seconds}, {"seconds", seconds}};
  if (config.kind != Kind::ae) {
    line["c_inv"] = sums.sum.inv * k;
    line["c_res"] = sums.sum.res * k;
    line["c_spa"] = sums.sum.spa * k;
    if (config.lambda_code > 0) line["c_code"] = sums.sum.code * k;
    if (clusters) line["c_cluster"] = sums.sum.cluster * k, line["cluster_confidence"] = clusters->confidence;
  } else {
    line["c_rec"] = sums.sum.rec * k;
  }
  return line;
}

void print_epoch(const nlohmann::json& line, const TrainConfig& config) {
  fmt::print("epoch {:>3}/{}  loss {:8.3f}{}  lr {:.2e}  {:.0f} samples/s  {:.1f} s\n", line["epoch"].get<int>(), config.epochs,
             line["loss"].get<double>(),
             config.kind != Kind::ae ? fmt::format("  inv {:7.3f}  res {:8.3f}  spa {:6.3f}", line["c_inv"].get<double>(),
                                               line["c_res"].get<double>(), line["c_spa"].get<double>())
                                 : std::string(),
             line["lr"].get<double>(), line["samples_per_s"].get<double>(), line["seconds"].get<double>());
  std::fflush(stdout);
}

// Where a run starts: its settings and, when it resumes, the checkpoint it continues from.
struct RunStart {
  TrainConfig config;
  std::optional<Checkpoint> resume_from;
};

// Rank 0's (or the one process's) work before training, holding the run folder's lock: a
// new run's settings are checked before the folder is touched, then the folder is made and
// the settings written; a resumed run's settings (read from config.json by `configure`) and
// checkpoint are read, and config.json is written again only once they have loaded (train()).
RunStart open_run_folder(const std::function<TrainConfig()>& configure, const RunOptions& options, std::optional<FolderLock>& lock) {
  const std::string& run = options.out_dir;
  if (!options.resume) {
    RunStart start{configure(), std::nullopt};
    make_parent_folders(run);
    lock.emplace(run);
    prepare_new_run_folder(run, options.force);
    write_run_config(run, start.config);
    return start;
  }
  lock.emplace(run);
  RunStart start{configure(), recover_checkpoint(run)};
  if (!start.resume_from) throw std::runtime_error("--resume: no checkpoint in " + run);
  if (!fs::exists(fs::path(start.resume_from->dir) / "optimizer.pt"))
    throw std::runtime_error("--resume: " + run + " has no optimizer state (an average of runs, `tiae average`): " +
                             "fine-tune it in a new run with --init " + run);
  return start;
}

// Rank 0's start for every rank: the other ranks read no file, so other machines need
// neither the config nor the run folder.
RunStart share_start(const RunStart& start, DistributedGroup& group) {
  nlohmann::json message = {{"config", start.config}, {"resume", bool(start.resume_from)}};
  if (start.resume_from) message.update({{"epochs_done", start.resume_from->epochs_done}, {"steps_done", start.resume_from->steps_done}});
  const auto received = nlohmann::json::parse(group.broadcast(message.dump()));
  if (group.rank() == 0) return start;
  RunStart shared{received.at("config").get<TrainConfig>(), std::nullopt};
  if (received.at("resume").get<bool>())
    shared.resume_from = Checkpoint{"", received.at("epochs_done").get<int>(), received.at("steps_done").get<long>()};
  return shared;
}

// Rank 0's weights (random, --init or the checkpoint's) and, on resume, its optimizer
// state, into every rank.
void share_weights(AutoEncoder& model, torch::optim::Adam& optimizer, bool resuming, DistributedGroup& group,
                   torch::Device device) {
  group.broadcast(model->parameters());
  if (!resuming) return;
  std::ostringstream saved;
  if (group.rank() == 0) torch::save(optimizer, saved);
  std::istringstream received(group.broadcast(saved.str()));
  if (group.rank() != 0) torch::load(optimizer, received, device);
}

// The weights training starts from: the seeded random ones, --init's, or the checkpoint's
// with its optimizer state; read by rank 0 and sent to the others.
void load_start(AutoEncoder& model, torch::optim::Adam& optimizer, const RunStart& start, const std::string& run,
                torch::Device device, DistributedGroup* group) {
  const bool leader = !group || group->rank() == 0;
  if (leader && !start.resume_from && !start.config.init.empty()) copy_init_weights(model, start.config.init, device);
  if (leader && start.resume_from) {
    load_weights(*model, (fs::path(start.resume_from->dir) / "weights.bin").string());
    torch::load(optimizer, (fs::path(start.resume_from->dir) / "optimizer.pt").string(), device);
    trim_log(run, start.resume_from->epochs_done);
  }
  if (group) share_weights(model, optimizer, bool(start.resume_from), *group, device);
}

// Kind pca: one fit instead of epochs, written as the run's one checkpoint.
void fit_pca_run(AutoEncoder& model, const torch::Tensor& images, const TrainConfig& config, const std::string& run,
                 DistributedGroup* group) {
  if (group) throw std::runtime_error("kind pca is fitted in one process (no --nproc)");
  fmt::print("fitting PCA ({} components) to {} images at {} random shifts each\n", config.network.descriptor, images.size(0), config.views);
  const ProgressBar timer("pca", 1, false);
  auto line = fit_pca(model, images, config);
  line["epoch"] = 1, line["seconds"] = timer.seconds();
  append_log(run, line);
  save_checkpoint(run, 1, 0, [&](const std::string& dir) { save_weights(*model, (fs::path(dir) / "weights.bin").string()); });
  fmt::print("explained variance {:.3f}, mean squared restoration error {:.2f} per image\n", line["explained_variance"].get<double>(),
             line["c_rec"].get<double>());
}

}  // namespace

void train(const std::function<TrainConfig()>& configure, const RunOptions& options) {
  const auto world = world_from_environment();
  const auto group = world ? std::make_unique<DistributedGroup>(*world) : nullptr;
  const bool leader = !group || group->rank() == 0;  // the one rank that reads and writes the run folder
  std::optional<FolderLock> lock;                     // the run folder's, held until the run ends
  RunStart start = leader ? open_run_folder(configure, options, lock) : RunStart{};
  if (group) start = share_start(start, *group);
  const TrainConfig& config = start.config;
  const std::string& run = options.out_dir;

  const unsigned threads = config.threads > 0 ? unsigned(config.threads) : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(int(threads));  // Debian's build defaults to 1
  use_reusing_allocator();
  const torch::Device device = choose_device(options.device);
  torch::manual_seed(config.seed);

  AutoEncoder model(config.network);
  model->to(device);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(config.lr));
  load_start(model, optimizer, start, run, device, group.get());
  TrainingData data = load_training_data(config, device, leader);
  if (leader && start.resume_from) write_run_config(run, config);  // with any extended epochs, now that it has loaded
#ifdef TIAE_HAVE_OPENCV
  if (leader)
    write_batch_picture(fs::path(run) / "training-batch.png", data.digits.narrow(0, 0, std::min<int64_t>(data.digits.size(0), 12)),
                        config, data);
#endif
  if (config.kind == Kind::pca) return fit_pca_run(model, data.digits, config, run, group.get());
  const int start_epoch = start.resume_from ? start.resume_from->epochs_done : 0;
  long step = start.resume_from ? start.resume_from->steps_done : 0;
  if (leader)
    fmt::print("training {} on {} ({} threads{}): {} {}, epochs {}..{}\n", to_string(config.kind), device.str(), threads,
               group ? fmt::format(" in each of {} processes", group->size()) : "", data.digits.size(0),
               config.data == Dataset::mnist ? "digits" : config.data == Dataset::grasp ? "grasp pairs" : "hands", start_epoch + 1,
               config.epochs);
  for (int epoch = start_epoch; epoch < config.epochs; ++epoch) {
    auto line = train_epoch(model, optimizer, data, config, epoch, step, options.progress && leader, group.get());
    if (!leader) continue;
    append_log(run, line);
    fault_point("after-log", epoch + 1);
    save_checkpoint(run, epoch + 1, step, [&](const std::string& dir) {
      save_weights(*model, (fs::path(dir) / "weights.bin").string());
      torch::save(optimizer, (fs::path(dir) / "optimizer.pt").string());
    });
    print_epoch(line, config);
  }
  if (group) group->barrier();  // no rank ends before rank 0 has written the last checkpoint
}

}  // namespace tiae
