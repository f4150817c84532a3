// `tiae eval` for foreground-extraction runs (kind "fg"); see evaluate.h.
#include <fmt/core.h>

#include <filesystem>
#include <fstream>

#include "evaluate.h"
#include "figures.h"
#include "flyers.h"
#include "foreground.h"
#include "metrics.h"
#include "mnist_data.h"
#include "model_folder.h"
#include "network.h"
#include "progress_bar.h"
#include "terms.h"
#include "trainer.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

constexpr int kSide = DigitSet::kSize;
constexpr int kPixels = kSide * kSide;

struct Condition {
  std::string name, title;
  Batch batch;  // inputs and truths of the 2,000 test digits
};

std::vector<float> to_vector(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

}  // namespace

nlohmann::json evaluate_foreground(const std::vector<std::string>& runs, const EvalOptions& options) {
  fs::create_directories(options.out_dir);
  const torch::Device device = choose_device(options.device);
  torch::NoGradGuard no_grad;

  const auto split = load_mnist_split(find_mnist_package());
  const int n = split.test.count();
  const auto test = torch::from_blob(const_cast<float*>(split.test.images.data()), {n, 1, kSide, kSide}).clone();

  // The protocol's composites, the same for every model: each test digit once over noise,
  // once over a held-out photo, once over a held-out photo at a random shift.
  const BackgroundSource noise("noise"), photos("photo", held_out_photos());
  std::mt19937_64 rng(options.seed);
  TrainConfig draw;
  draw.kind = "fg";
  draw.views = 0;  // one view per digit
  std::vector<Condition> conditions;
  draw.max_shift = 0;
  conditions.push_back({"noise", "over noise", draw_batch(test, rng, draw, &noise)});
  conditions.push_back({"photo", "over held-out photos", draw_batch(test, rng, draw, &photos)});
  draw.max_shift = options.max_shift;
  conditions.push_back({"photo_shift", "over held-out photos, shifted", draw_batch(test, rng, draw, &photos)});

  std::vector<int> examples;  // the first test digit of each class, for the pictures
  for (int c = 0; c < 10; ++c)
    for (int i = 0; i < n; ++i)
      if (split.test.labels[i] == c) {
        examples.push_back(i);
        break;
      }

  nlohmann::json result = {{"protocol",
                            {{"test_digits", n}, {"seed", options.seed}, {"max_shift", options.max_shift},
                             {"ink_threshold", 0.5},
                             {"conditions", {"noise: the noise kinds of training",
                                             "photo: 32x32 crops of the held-out photos (never seen in training)",
                                             "photo_shift: held-out photos, digits at random shifts; outputs aligned "
                                             "to the truth by the best shift when the model is shift-invariant"}}}},
                           {"models", nlohmann::json::object()}};
  std::vector<std::vector<float>> inputs, truths;
  for (const auto& c : conditions) {
    inputs.push_back(to_vector(c.batch.inputs));
    truths.push_back(to_vector(c.batch.targets));
  }
  std::vector<std::vector<ImageRow>> grids(conditions.size());
  std::vector<std::vector<float>> keep;
  keep.reserve(runs.size() * (conditions.size() + kFlyers));
  for (size_t k = 0; k < conditions.size(); ++k) {
    ImageRow in{"input", {}, {}}, truth{"truth", {}, {}};
    for (int i : examples) {
      in.images.push_back(&inputs[k][size_t(i) * kPixels]);
      truth.images.push_back(&truths[k][size_t(i) * kPixels]);
    }
    grids[k] = {in, truth};
  }

#ifdef TIAE_HAVE_OPENCV
  std::vector<Flyer> flyers;
  std::vector<std::vector<Picture>> flyer_rows(3);
  for (int i = 0; i < kFlyers; ++i) flyers.push_back(make_flyer(i, split.test));
  for (int i = 0; i < 3; ++i)
    flyer_rows[size_t(i)] = {{flyers[size_t(i)].image.data(), flyers[size_t(i)].width, flyers[size_t(i)].height,
                              fmt::format("flyer {} (glyphs {:.0f} px)", i, flyers[size_t(i)].glyph_size)},
                             {flyers[size_t(i)].ink.data(), flyers[size_t(i)].width, flyers[size_t(i)].height, "true ink"}};
#endif
  fmt::print("{:<24} {:>16} {:>16} {:>16}\n", "model (PSNR dB / IoU)", "noise", "held-out photos", "photos+shifts");
  for (const auto& run : runs) {
    const std::string name = model_name(run);
    auto loaded = load_model(run, device);
    const auto& config = loaded.config;
    auto& model = loaded.network;
    if (config.kind != "fg") throw std::runtime_error(name + " is not a foreground-extraction model (kind " + config.kind + ")");

    nlohmann::json metrics = {{"background", config.background}, {"max_shift", config.max_shift}};
    std::string line = fmt::format("{:<24}", name);
    ProgressBar bar("eval " + name, long(conditions.size()) * n, options.progress);
    long done = 0;
    for (size_t k = 0; k < conditions.size(); ++k) {
      std::vector<float> out;
      for (int64_t lo = 0; lo < n; lo += 500) {
        const int64_t bs = std::min<int64_t>(500, n - lo);
        const auto x = conditions[k].batch.inputs.narrow(0, lo, bs).to(device);
        const auto truth = conditions[k].batch.targets.narrow(0, lo, bs).to(device);
        auto recon = model->decoder->forward(model->encoder->forward(x));
        // A shift-invariant extractor answers with the canonical placement: move it onto the
        // truth by the best shift (D ~ T_theta truth, so truth ~ T_-theta D).
        if (config.max_shift > 0) recon = shift_images(recon, -restoration_term(recon, truth, config.max_shift).shift);
        const auto v = to_vector(recon);
        out.insert(out.end(), v.begin(), v.end());
        bar.update(done += bs);
      }
      double p = 0, iou = 0;
      for (int i = 0; i < n; ++i) {
        p += psnr(&out[size_t(i) * kPixels], &truths[k][size_t(i) * kPixels], kPixels);
        iou += ink_iou(&out[size_t(i) * kPixels], &truths[k][size_t(i) * kPixels], kPixels);
      }
      metrics[conditions[k].name] = {{"psnr_db", p / n}, {"ink_iou", iou / n}};
      line += fmt::format(" {:>9.2f} / {:.3f}", p / n, iou / n);
      keep.push_back(std::move(out));
      ImageRow row{name, {}, {}};
      for (int i : examples) row.images.push_back(&keep.back()[size_t(i) * kPixels]);
      grids[k].push_back(row);
    }
    bar.finish();
#ifdef TIAE_HAVE_OPENCV
    // Whole images: the flyers, through the staged extraction at their glyph size.
    double flyer_iou = 0;
    std::vector<Picture> shown;
    for (int i = 0; i < kFlyers; ++i) {
      const Flyer& f = flyers[size_t(i)];
      ExtractOptions o;
      o.glyph_size = f.glyph_size;
      keep.push_back(extract_foreground(model, device, f.image, f.width, f.height, o, false));
      const double iou = ink_iou(keep.back().data(), f.ink.data(), f.ink.size());
      flyer_iou += iou / kFlyers;
      if (i < 3) flyer_rows[size_t(i)].push_back({keep.back().data(), f.width, f.height, fmt::format("{}: IoU {:.2f}", name, iou)});
    }
    metrics["flyers"] = {{"ink_iou", flyer_iou}, {"count", kFlyers}};
    line += fmt::format("   flyers IoU {:.3f}", flyer_iou);
#endif
    result["models"][name] = metrics;
    fmt::print("{}\n", line);
  }
#ifdef TIAE_HAVE_OPENCV
  for (size_t k = 0; k < conditions.size(); ++k)
    write_image_grid((fs::path(options.out_dir) / ("foreground-" + conditions[k].name + ".png")).string(),
                     "test digits " + conditions[k].title + ": input, truth, each model's D(E(I))", grids[k], kSide);
  write_picture_rows((fs::path(options.out_dir) / "flyers.png").string(),
                     "synthetic flyers (held-out photos, handwriting fonts, MNIST test digits): input, truth, each model",
                     flyer_rows, 180);
#endif
  std::ofstream(fs::path(options.out_dir) / "metrics.json") << result.dump(2) << "\n";
  return result;
}

}  // namespace tiae
