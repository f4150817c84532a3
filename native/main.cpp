// `tiae`: the command-line program over the trainer (train, eval, export, infer, bench).
// Every failure ends in one clear message and a non-zero exit status.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <fstream>

#include "benchmark.h"
#include "evaluate.h"
#ifdef TIAE_HAVE_OPENCV
#include "extract_photo.h"
#include "flyers.h"
#endif
#include "infer.h"
#include "model_card.h"
#include "output_file.h"
#include "project_files.h"
#include "trainer.h"
#ifdef TIAE_HAVE_ONNX
#include "onnx_export.h"
#endif

namespace fs = std::filesystem;
using namespace tiae;

namespace {
nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + " is not valid JSON: " + e.what());
  }
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Transform Invariant Auto-encoder: train, evaluate and export shift-invariant auto-encoders"};
  app.require_subcommand(1);

  // ---- train
  auto* train_cmd = app.add_subcommand("train", "train a TIAE, the ordinary auto-encoder or a foreground extractor on MNIST");
  std::string config_path, out_dir, device = "auto";
  bool resume = false, no_progress = false;
  // Each flag given puts its value (any value, 0 included) over the config's; from_json
  // (train_config.cpp) then checks every setting alike, wherever it came from.
  nlohmann::json overrides = nlohmann::json::object();
  auto setting = [&](auto type, const std::string& flag, const std::string& key, const std::string& help) {
    using T = decltype(type);
    train_cmd->add_option_function<T>(flag, [&overrides, key](const T& v) { overrides[key] = v; }, help);
  };
  train_cmd->add_option("-c,--config", config_path, "JSON config (see configs/); flags override it");
  train_cmd->add_option("-o,--out", out_dir, "run folder: config, log.jsonl, checkpoint")->required();
  train_cmd->add_option("--device", device, "auto (CUDA when present), cpu or cuda");
  train_cmd->add_flag("--resume", resume, "continue the run in --out from its last checkpoint");
  train_cmd->add_flag("--no-progress", no_progress, "no progress bar");
  setting(std::string(), "--kind", "kind", "tiae, ae, or fg (foreground extraction)");
  setting(std::string(), "--background", "background", "kind fg: noise, white-noise (no smooth noise) or photo backgrounds");
  setting(int64_t(), "--epochs", "epochs", "number of epochs (with --resume: may extend the run)");
  setting(int64_t(), "--batch", "batch", "digits per step");
  setting(double(), "--lr", "lr", "initial learning rate (Adam)");
  setting(double(), "--lr-final", "lr_final", "learning rate at the end of the cosine decay");
  setting(int64_t(), "--views", "views", "K: random shifts per digit per step for the invariance term");
  setting(int64_t(), "--max-shift", "max_shift", "shifts in [-max, max] pixels");
  setting(std::string(), "--layout", "layout", "kind fg: centred (digits as MNIST) or text (windows over lines of glyphs)");
  setting(double(), "--letters", "letters", "layout text: fraction of glyphs that are font letters, not digits");
  setting(std::string(), "--init", "init", "start from this run's or model folder's weights (those of matching shape)");
  setting(double(), "--lambda-inv", "lambda_inv", "weight of the invariance term");
  setting(double(), "--lambda-res", "lambda_res", "weight of the restoration term");
  setting(double(), "--lambda-spa", "lambda_spa", "weight of the sparseness term");
  setting(int64_t(), "--seed", "seed", "seed of initialisation, order and shifts");
  setting(int64_t(), "--train-samples", "train_samples", "use only the first N training digits (0: all)");
  setting(int64_t(), "--threads", "threads", "CPU threads (0: all)");

  // ---- eval
  auto* eval_cmd = app.add_subcommand("eval", "evaluate runs on the 2,000 shifted test digits: metrics JSON and pictures");
  std::vector<std::string> eval_runs;
  std::string eval_out;
  uint64_t eval_seed = 7;
  eval_cmd->add_option("runs", eval_runs, "training runs or model folders (e.g. runs/mnist-shift-tiae models/mnist-shift-ae)")->required();
  eval_cmd->add_option("-o,--out", eval_out, "output folder: metrics.json, reconstructions.png, shifts.png, scatter-*.png")->required();
  eval_cmd->add_option("--device", device, "auto, cpu or cuda");
  eval_cmd->add_option("--seed", eval_seed, "seed of the protocol's random shifts and pairs");
  eval_cmd->add_flag("--no-progress", no_progress, "no progress bar");

  // ---- export
  auto* export_cmd = app.add_subcommand("export", "write encoder.onnx, decoder.onnx and model.json of a run");
  std::string export_run, export_out, export_eval;
  bool fp16 = false;
  export_cmd->add_option("run", export_run, "training run folder")->required();
  export_cmd->add_option("-o,--out", export_out, "model folder, e.g. models/mnist-shift-tiae")->required();
  export_cmd->add_flag("--fp16", fp16, "store weights as float16 (cast to float32 in the graph)");
  export_cmd->add_option("--eval", export_eval, "`tiae eval` output folder whose metrics and pictures to include");

  // ---- card
  auto* card_cmd = app.add_subcommand("card", "record what `tiae eval` measured of a model folder in its card");
  std::string card_model, card_eval;
  card_cmd->add_option("model", card_model, "model folder (models/...)")->required();
  card_cmd->add_option("--eval", card_eval, "`tiae eval` output folder that evaluated this model")->required();

  // ---- infer
  auto* infer_cmd = app.add_subcommand("infer", "descriptor, canonical image and estimated shift of images (LibTorch)");
  std::string infer_run, infer_raw, infer_out;
  std::vector<std::string> infer_images;
  infer_cmd->add_option("run", infer_run, "training run or model folder")->required();
  infer_cmd->add_option("images", infer_images, "32x32 grayscale image files");
  infer_cmd->add_option("--raw", infer_raw, "raw float32 file of N x 32 x 32 values in [0, 1]");
  infer_cmd->add_option("-o,--out", infer_out, "JSON output file (default: stdout)");
  infer_cmd->add_option("--device", device, "auto, cpu or cuda");

  // ---- bench
  auto* bench_cmd = app.add_subcommand("bench", "training speed and the cost of the exact restoration term");
  BenchOptions bench;
  std::string bench_out;
  bench_cmd->add_option("--device", bench.device, "auto, cpu or cuda");
  bench_cmd->add_option("--views", bench.views, "K shifted views per digit");
  bench_cmd->add_option("--batch", bench.batch, "digits per step");
  bench_cmd->add_option("--steps", bench.steps, "timed training steps");
  bench_cmd->add_option("--threads", bench.threads, "CPU threads (0: all)");
  bench_cmd->add_option("-o,--out", bench_out, "also write the figures to this JSON file");

  // ---- extract
  auto* extract_cmd = app.add_subcommand("extract", "the foreground (handwriting) of a whole photo, with a foreground extractor");
  std::string extract_in, extract_out, extract_model;
  std::string glyph_size = "auto";
  bool extract_mask = false;
  int stride = 8, extract_batch = 256;
  extract_cmd->add_option("input", extract_in, "photo (PNG, JPEG, ...)")->required();
  extract_cmd->add_option("-o,--out", extract_out, "foreground image to write (.png): ink white on black, the input's size")->required();
  extract_cmd->add_option("-m,--model", extract_model, "model folder or training run (default: the released models/mnist-fg-photo-text)");
  extract_cmd->add_option("--glyph-size", glyph_size,
                          "height of the photo's characters in px (rescaled to the model's 20 px), or auto: measured from the photo")
      ->capture_default_str();
  extract_cmd->add_flag("--mask", extract_mask, "write the ink mask (black or white) instead of the calibrated soft map");
  extract_cmd->add_option("--stride", stride, "px between 32x32 windows (after rescaling)")->capture_default_str();
  extract_cmd->add_option("--batch", extract_batch, "windows per network call")->capture_default_str();
  extract_cmd->add_option("--device", device, "auto, cpu or cuda");
  extract_cmd->add_flag("--no-progress", no_progress, "no progress bar");

  // ---- flyers
  auto* flyers_cmd = app.add_subcommand("flyers", "write the synthetic flyers of the evaluation and their true ink masks");
  std::string flyers_out;
  int flyer_count = 6;
  bool hard_pages = false;
  flyers_cmd->add_option("-o,--out", flyers_out, "folder for flyer-<i>.png and flyer-<i>-ink.png")->required();
  flyers_cmd->add_option("--count", flyer_count, "how many (the evaluation uses the first 6)")->capture_default_str();
  flyers_cmd->add_flag("--hard", hard_pages, "the hard pages instead (hard-<i>.png): full-contrast colour photos, uneven "
                                             "light, coloured dark or light ink, glyphs 15-60 px, blur, noise, JPEG");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*train_cmd) {
      TrainConfig config;
      if (resume) {
        config = read_json_file((fs::path(out_dir) / "config.json").string()).get<TrainConfig>();
      } else if (!config_path.empty()) {
        config = read_json_file(config_path).get<TrainConfig>();
      }
      nlohmann::json j = config;
      j.update(overrides);
      train(j.get<TrainConfig>(), RunOptions{out_dir, device, resume, !no_progress});
    } else if (*eval_cmd) {
      EvalOptions options;
      options.out_dir = eval_out;
      options.device = device;
      options.seed = eval_seed;
      options.progress = !no_progress;
      evaluate(eval_runs, options);
      fmt::print("wrote {}/metrics.json and pictures\n", eval_out);
    } else if (*export_cmd) {
#ifdef TIAE_HAVE_ONNX
      export_model(export_run, ExportOptions{export_out, fp16, export_eval});
      fmt::print("wrote {}/encoder.onnx, decoder.onnx, model.json\n", export_out);
#else
      throw std::runtime_error("this build has no ONNX export (libonnx was not found at configure time)");
#endif
    } else if (*card_cmd) {
      const auto card = record_evaluation(card_model, card_eval);
      fmt::print("{}/model.json: metrics of {}{}\n", card_model, card_eval,
                 card.contains("ink_threshold") ? fmt::format(", ink threshold {:.2f}", card["ink_threshold"].get<double>()) : "");
    } else if (*extract_cmd) {
#ifdef TIAE_HAVE_OPENCV
      ExtractPhotoOptions options;
      options.model = extract_model.empty() ? find_released_model("mnist-fg-photo-text") : extract_model;
      options.device = device;
      options.auto_glyph_size = glyph_size == "auto";
      if (!options.auto_glyph_size) {
        size_t used = 0;
        try {
          options.core.glyph_size = std::stod(glyph_size, &used);
        } catch (const std::exception&) {
        }
        if (used == 0 || used != glyph_size.size()) throw std::runtime_error("--glyph-size must be a number of px or auto, not " + glyph_size);
      }
      options.mask = extract_mask;
      options.core.stride = stride;
      options.core.batch = extract_batch;
      options.progress = !no_progress;
      check_output_file(extract_out, {extract_in});
      fmt::print("{}\n", extract_photo(extract_in, extract_out, options));
#else
      throw std::runtime_error("this build has no image files (OpenCV was not found at configure time)");
#endif
    } else if (*flyers_cmd) {
#ifdef TIAE_HAVE_OPENCV
      const auto glyphs = write_flyers(flyers_out, flyer_count, hard_pages);
      for (size_t i = 0; i < glyphs.size(); ++i)
        fmt::print("{}/{}-{}.png  glyph size {:.1f} px\n", flyers_out, hard_pages ? "hard" : "flyer", i, glyphs[i]);
#else
      throw std::runtime_error("this build has no image files (OpenCV was not found at configure time)");
#endif
    } else if (*bench_cmd) {
      if (!bench_out.empty()) check_output_file(bench_out, {});
      const auto figures = run_benchmark(bench);
      if (!bench_out.empty()) write_file_atomically(bench_out, figures.dump(2) + "\n");
    } else if (*infer_cmd) {
      if (!infer_out.empty()) {
        auto inputs = infer_images;
        inputs.push_back(infer_raw);
        check_output_file(infer_out, inputs);
      }
      const auto result = infer(infer_run, InferInput{infer_raw, infer_images}, device);
      if (infer_out.empty()) fmt::print("{}\n", result.dump());
      else write_file_atomically(infer_out, result.dump() + "\n");
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "tiae: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
