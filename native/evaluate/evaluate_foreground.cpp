// `tiae eval` for foreground-extraction runs (kind "fg"); see evaluate.h.
#include <fmt/core.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <numeric>

#include "evaluate/binarize.h"
#include "evaluate/real_page_scores.h"
#include "evaluate/evaluate.h"
#include "glyph_size.h"
#include "io/figures.h"
#include "io/files.h"
#include "data/flyers.h"
#include "model/adaptation.h"
#include "model/foreground.h"
#include "evaluate/metrics.h"
#include "data/mnist_data.h"
#include "artifacts/model_folder.h"
#include "model/network.h"
#include "io/progress_bar.h"
#include "model/terms.h"
#include "artifacts/model_card.h"

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

// Whole pages with true ink masks: the easy flyers or the hard pages, the same for every
// model and baseline. The first three are pictured: input, truth, then each method.
struct PageSet {
  std::string key, title;
  std::vector<Flyer> pages;
  std::vector<std::vector<Picture>> rows;
};

#ifdef TIAE_HAVE_OPENCV
PageSet make_page_set(const std::string& key, const std::string& title, bool hard, const DigitSet& digits) {
  PageSet set{key, title, make_pages(hard, 0, kFlyers, digits), {}};
  for (int i = 0; i < 3; ++i) {
    const Flyer& f = set.pages[size_t(i)];
    set.rows.push_back({{f.image.data(), f.width, f.height, fmt::format("page {} (glyphs {:.0f} px)", i, f.glyph_size)},
                        {f.ink.data(), f.width, f.height, "true ink"}});
  }
  return set;
}

// Mean ink IoU of `method` over the set's pages; its masks of the pictured pages are kept.
template <typename Method>
double score_pages(PageSet& set, const std::string& name, std::deque<std::vector<float>>& keep, Method method,
                   std::vector<double>* per_page = nullptr) {
  double mean = 0;
  for (size_t i = 0; i < set.pages.size(); ++i) {
    const Flyer& f = set.pages[i];
    keep.push_back(method(f));
    const double iou = ink_iou(keep.back().data(), f.ink.data(), f.ink.size());
    mean += iou / double(set.pages.size());
    if (per_page) per_page->push_back(iou);
    if (i < set.rows.size()) set.rows[i].push_back({keep.back().data(), f.width, f.height, fmt::format("{}: IoU {:.2f}", name, iou)});
  }
  return mean;
}

// The output level above which a model's pixel is ink, chosen for the best mean ink IoU over
// the tuning pages of both sets (one level per model: it is not told which set a page is from).
double tune_ink_threshold(const std::vector<std::vector<float>>& outputs, const std::vector<const Flyer*>& pages) {
  double best = 0.5, best_iou = -1;
  for (double t = 0.05; t < 0.951; t += 0.05) {
    double iou = 0;
    for (size_t i = 0; i < pages.size(); ++i)
      iou += ink_iou(outputs[i].data(), pages[i]->ink.data(), outputs[i].size(), float(t)) / double(pages.size());
    if (iou > best_iou) best_iou = iou, best = t;
  }
  return best;
}

// The classical baselines, told the ink's polarity: Otsu, Sauvola with its textbook
// defaults, and Sauvola with the parameters that do best on a separate tuning set.
nlohmann::json score_baselines(PageSet& set, const std::vector<Flyer>& tuning, std::deque<std::vector<float>>& keep) {
  const SauvolaParameters tuned = tune_sauvola(tuning), defaults;
  nlohmann::json b;
  b["otsu"] = score_pages(set, "Otsu", keep, [](const Flyer& f) { return otsu_ink(f.image, f.width, f.height, f.dark_ink); });
  b["sauvola_default"] = {{"ink_iou", score_pages(set, "Sauvola (defaults)", keep, [&](const Flyer& f) {
                             return sauvola_ink(f.image, f.width, f.height, f.dark_ink, defaults);
                           })},
                          {"window", defaults.window}, {"k", defaults.k}};
  std::vector<double> per_page;
  b["sauvola_tuned"] = {{"ink_iou", score_pages(set, "Sauvola (tuned)", keep, [&](const Flyer& f) {
                           return sauvola_ink(f.image, f.width, f.height, f.dark_ink, tuned);
                         }, &per_page)},
                        {"ink_iou_per_page", per_page}, {"window", tuned.window}, {"k", tuned.k}, {"tuned_on", fmt::format("pages {}..{}", kTuningPages, kTuningPages + kFlyers - 1)}};
  fmt::print("{:<24} Otsu {:.3f}  Sauvola (window 15, k 0.2) {:.3f}  Sauvola tuned (window {}, k {:.2f}) {:.3f}\n", set.key,
             b["otsu"].get<double>(), b["sauvola_default"]["ink_iou"].get<double>(), tuned.window, tuned.k,
             b["sauvola_tuned"]["ink_iou"].get<double>());
  return b;
}
#endif

}  // namespace

namespace {

// The patch conditions, the same for every model: each test digit once over noise, once
// over a held-out photo, once over a held-out photo at a random shift; and the pictures'
// first rows (input, truth) of a digit of each class.
struct PatchConditions {
  std::vector<Condition> list;
  std::vector<std::vector<float>> inputs, truths;
  std::vector<int> examples;
  std::vector<std::vector<ImageRow>> grids;
};

PatchConditions make_conditions(const torch::Tensor& test, const std::vector<int>& labels, const EvalOptions& options) {
  PatchConditions c;
  const BackgroundSource noise("noise"), photos("photo", held_out_photos());
  std::mt19937_64 rng(options.seed);
  TrainConfig draw;
  draw.kind = Kind::fg;
  draw.views = 0;  // one view per digit
  draw.max_shift = 0;
  c.list.push_back({"noise", "over noise", draw_batch(test, rng, draw, &noise)});
  c.list.push_back({"photo", "over held-out photos", draw_batch(test, rng, draw, &photos)});
  draw.max_shift = options.max_shift;
  c.list.push_back({"photo_shift", "over held-out photos, shifted", draw_batch(test, rng, draw, &photos)});
  for (int digit = 0; digit < 10; ++digit)
    c.examples.push_back(int(std::find(labels.begin(), labels.end(), digit) - labels.begin()));
  for (const auto& k : c.list) {
    c.inputs.push_back(to_vector(k.batch.inputs));
    c.truths.push_back(to_vector(k.batch.targets));
    ImageRow in{"input", {}, {}}, truth{"truth", {}, {}};
    for (int i : c.examples) {
      in.images.push_back(&c.inputs.back()[size_t(i) * kPixels]);
      truth.images.push_back(&c.truths.back()[size_t(i) * kPixels]);
    }
    c.grids.push_back({in, truth});
  }
  return c;
}

// PSNR and ink IoU of a model's D(E(I)) under each condition, into `metrics`; its outputs
// of the example digits join the pictures.
std::string score_patches(LoadedModel& loaded, torch::Device device, PatchConditions& c, const std::string& name,
                          std::deque<std::vector<float>>& keep, nlohmann::json& metrics, bool progress) {
  auto& model = loaded.network;
  const int max_shift = loaded.config.max_shift;
  const int64_t n = c.list[0].batch.inputs.size(0);
  std::string line;
  ProgressBar bar("eval " + name, long(c.list.size() * size_t(n)), progress);
  long done = 0;
  for (size_t k = 0; k < c.list.size(); ++k) {
    std::vector<float> out;
    for (int64_t lo = 0; lo < n; lo += 500) {
      const int64_t bs = std::min<int64_t>(500, n - lo);
      auto x = c.list[k].batch.inputs.narrow(0, lo, bs).to(device);
      if (model->shape.channels > 1) x = x.repeat({1, model->shape.channels, 1, 1});  // gray digits: equal colour planes
      const auto truth = c.list[k].batch.targets.narrow(0, lo, bs).to(device);
      auto recon = model->decoder->forward(model->encoder->forward(x));
      // A shift-invariant extractor answers with the canonical placement: move it onto the
      // truth by the best shift (D ~ T_theta truth, so truth ~ T_-theta D).
      if (max_shift > 0) recon = shift_images(recon, -restoration_term(recon, truth, max_shift).shift);
      const auto v = to_vector(recon);
      out.insert(out.end(), v.begin(), v.end());
      bar.update(done += bs);
    }
    double p = 0, iou = 0;
    for (int64_t i = 0; i < n; ++i) {
      p += psnr(&out[size_t(i) * kPixels], &c.truths[k][size_t(i) * kPixels], kPixels);
      iou += ink_iou(&out[size_t(i) * kPixels], &c.truths[k][size_t(i) * kPixels], kPixels);
    }
    metrics[c.list[k].name] = {{"psnr_db", p / double(n)}, {"ink_iou", iou / double(n)}};
    line += fmt::format(" {:>9.2f} / {:.3f}", p / double(n), iou / double(n));
    keep.push_back(std::move(out));
    ImageRow row{name, {}, {}};
    for (int i : c.examples) row.images.push_back(&keep.back()[size_t(i) * kPixels]);
    c.grids[k].push_back(row);
  }
  bar.finish();
  return line;
}

#ifdef TIAE_HAVE_OPENCV
// A page as a model with `channels` input planes reads its file: gray, or R, G, B (a flyer
// is gray: its three planes are equal; a hard page's are its colours, of which the gray is the luma).
std::vector<float> model_input(const Flyer& f, int channels) {
  if (channels == 1) return f.image;
  std::vector<float> planes;
  if (f.bgr.empty()) {
    for (int c = 0; c < channels; ++c) planes.insert(planes.end(), f.image.begin(), f.image.end());
    return planes;
  }
  std::vector<uint8_t> rgba(size_t(f.width) * f.height * 4, 255);
  for (size_t i = 0; i < size_t(f.width) * f.height; ++i)
    for (int c = 0; c < 3; ++c) rgba[4 * i + c] = f.bgr[3 * i + 2 - c];
  return planes_from_rgba8(rgba.data(), f.width, f.height, channels);
}

// A model over whole pages at a glyph size that is told, measured or its own choice.
struct PageReader {
  LoadedModel& loaded;
  torch::Device device;
  double model_glyph;  // the card's

  std::vector<float> input(const Flyer& f) const { return model_input(f, loaded.network->shape.channels); }
  std::vector<float> extract(const Flyer& f, const std::vector<float>& planes, double glyph_size) const {
    ExtractOptions o;
    o.glyph_size = glyph_size;
    o.model_glyph_size = model_glyph;
    return extract_foreground(loaded.network, device, planes, f.width, f.height, o, false);
  }
  double measured_size(const Flyer& f) const {  // as the CLI's --glyph-size measured
    const double measured = estimate_glyph_size(f.image, f.width, f.height);
    return measured > 0 ? measured : model_glyph;
  }
  double chosen_size(const Flyer& f, const std::vector<float>& planes, double threshold) const {  // --glyph-size auto
    ExtractOptions o;
    o.model_glyph_size = model_glyph;
    return choose_glyph_size(loaded.network, device, planes, f.width, f.height, o, float(threshold));
  }
};

// Per page (with its input planes): the glyph size chosen by the model, and the ink IoU
// over `threshold` at it.
std::pair<std::vector<double>, std::vector<double>> iou_at_chosen_size(const PageReader& reader,
                                                                       const std::vector<const Flyer*>& pages,
                                                                       const std::vector<std::vector<float>>& inputs,
                                                                       double threshold) {
  std::vector<double> sizes, iou;
  for (size_t i = 0; i < pages.size(); ++i) {
    sizes.push_back(reader.chosen_size(*pages[i], inputs[i], threshold));
    const auto out = reader.extract(*pages[i], inputs[i], sizes.back());
    iou.push_back(ink_iou(out.data(), pages[i]->ink.data(), out.size(), float(threshold)));
  }
  return {sizes, iou};
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

// Whole pages, through the staged extraction: at their true glyph size, ink where the
// output is over 0.5 and over the level tuned on the tuning pages; over that level, with
// the glyph size measured from the page, and with the one the model chooses.
std::string score_model_pages(LoadedModel& loaded, torch::Device device, std::vector<PageSet>& page_sets,
                              const std::vector<std::vector<Flyer>>& tuning, const std::string& name,
                              std::deque<std::vector<float>>& keep, nlohmann::json& metrics) {
  const PageReader reader{loaded, device, read_model_card_or_defaults(loaded.origin).glyph_size};
  std::vector<std::vector<float>> tuning_in, tuning_out;  // each page's input built once
  std::vector<const Flyer*> tuning_truth;
  for (const auto& set : tuning)
    for (const auto& f : set) {
      tuning_truth.push_back(&f);
      tuning_in.push_back(reader.input(f));
      tuning_out.push_back(reader.extract(f, tuning_in.back(), f.glyph_size));
    }
  const double threshold = tune_ink_threshold(tuning_out, tuning_truth);
  std::vector<double> tuning_iou;  // what choosing between models may look at (never the reported pages)
  for (size_t i = 0; i < tuning_out.size(); ++i)
    tuning_iou.push_back(ink_iou(tuning_out[i].data(), tuning_truth[i]->ink.data(), tuning_out[i].size(), float(threshold)));
  metrics["ink_threshold"] = {{"value", threshold}, {"ink_iou_on_tuning_pages", mean(tuning_iou)},
                              {"ink_iou_on_tuning_pages_chosen_glyph_size", mean(iou_at_chosen_size(reader, tuning_truth, tuning_in, threshold).second)},
                              {"tuned_on", fmt::format("pages {}..{} of both sets", kTuningPages, kTuningPages + kFlyers - 1)}};
  std::string line;
  for (auto& set : page_sets) {
    std::vector<double> per_page, at_tuned, measured;
    std::vector<const Flyer*> pages;
    std::vector<std::vector<float>> inputs;  // each page's, built once
    for (const Flyer& f : set.pages) pages.push_back(&f), inputs.push_back(reader.input(f));
    const double iou = score_pages(set, name, keep, [&](const Flyer& f) {
      auto out = reader.extract(f, inputs[size_t(&f - set.pages.data())], f.glyph_size);
      at_tuned.push_back(ink_iou(out.data(), f.ink.data(), out.size(), float(threshold)));
      return out;
    }, &per_page);
    for (size_t i = 0; i < pages.size(); ++i) {
      const auto out = reader.extract(*pages[i], inputs[i], reader.measured_size(*pages[i]));
      measured.push_back(ink_iou(out.data(), pages[i]->ink.data(), out.size(), float(threshold)));
    }
    const auto [chosen_sizes, chosen] = iou_at_chosen_size(reader, pages, inputs, threshold);
    metrics[set.key] = {{"ink_iou", iou}, {"ink_iou_per_page", per_page}, {"ink_iou_at_tuned_threshold", mean(at_tuned)},
                        {"ink_iou_at_tuned_threshold_auto_glyph_size", mean(measured)},  // measured (the key older cards have)
                        {"chosen_glyph_size", {{"ink_iou_at_tuned_threshold", mean(chosen)}, {"ink_iou_per_page", chosen},
                                               {"glyph_sizes", chosen_sizes}}},
                        {"count", kFlyers}};
    line += fmt::format("   {} IoU {:.3f} ({:.3f} over {:.2f}, {:.3f} at the measured glyph size, {:.3f} at the model's)", set.key,
                        iou, mean(at_tuned), threshold, mean(measured), mean(chosen));
  }
  return line;
}

// The real pages (real_page_scores.h) as `tiae extract --mask` makes them: the glyph size
// the model chooses, its soft map calibrated by its card's threshold, ink over 0.5; and over
// the level tuned on the tuning part. Pictured: the first pictured pages' soft maps.
// The calibrated map of a page after `tiae extract --adapt` (model/adaptation.h), the network
// given back as it was.
std::vector<float> adapted_map(const PageReader& reader, const Flyer& page, const std::vector<float>& planes,
                               const std::vector<float>& soft, double size, double threshold, double seconds) {
  auto& network = reader.loaded.network;
  std::vector<torch::Tensor> saved;
  for (const auto& p : network->parameters()) saved.push_back(p.detach().clone());
  AdaptOptions adapt;
  adapt.seconds = seconds;
  {
    torch::AutoGradMode grad(true);
    adapt_to_image(network, reader.device, reader.loaded.config, planes, soft, page.width, page.height, size, reader.model_glyph, adapt, false);
  }
  auto out = reader.extract(page, planes, size);
  calibrate_ink(out, float(threshold));
  torch::NoGradGuard no_grad;
  size_t k = 0;
  for (auto& p : network->parameters()) p.copy_(saved[k++]);
  return out;
}

nlohmann::json score_model_real_pages(LoadedModel& loaded, torch::Device device, const std::vector<RealPage>& pages,
                                      const std::string& name, std::vector<std::vector<Picture>>& rows,
                                      std::deque<std::vector<float>>& keep, const EvalOptions& options) {
  const ModelCard card = read_model_card_or_defaults(loaded.origin);
  const PageReader reader{loaded, device, card.glyph_size};
  std::vector<std::vector<float>> soft, adapted, at_truth_size;
  nlohmann::json sizes = nlohmann::json::object();
  ProgressBar bar("real pages " + name, long(pages.size()), options.progress);
  for (const auto& p : pages) {
    const auto planes = reader.input(p.page);
    const double size = reader.chosen_size(p.page, planes, card.ink_threshold);
    soft.push_back(reader.extract(p.page, planes, size));
    calibrate_ink(soft.back(), float(card.ink_threshold));
    at_truth_size.push_back(reader.extract(p.page, planes, p.page.glyph_size));
    calibrate_ink(at_truth_size.back(), float(card.ink_threshold));
    if (options.adapt_seconds > 0)
      adapted.push_back(adapted_map(reader, p.page, planes, soft.back(), size, card.ink_threshold, options.adapt_seconds));
    sizes[p.name] = size;
    bar.update(long(soft.size()));
  }
  bar.finish();
  const auto over = [&](float t) {
    return [&, t](const RealPage& p) {
      auto m = soft[size_t(&p - pages.data())];
      for (auto& v : m) v = v >= t ? 1.f : 0.f;
      return m;
    };
  };
  const double tuned = tune_real_page_threshold(pages, soft);
  nlohmann::json j = score_real_pages(pages, over(0.5f));
  j["glyph_sizes"] = sizes;
  j["tuned_threshold"] = score_real_pages(pages, over(float(tuned)));
  j["tuned_threshold"]["value"] = tuned;
  // The same level before calibration by this card: the ink threshold `tiae card` records.
  const double t = card.ink_threshold;
  j["tuned_threshold"]["card_value"] = tuned < 0.5 ? tuned * 2 * t : t + (tuned - 0.5) * 2 * (1 - t);
  std::swap(soft, at_truth_size);  // the glyph size the truth's strokes give: what the choice costs
  j["truth_glyph_size"] = score_real_pages(pages, over(float(tuned)));
  std::swap(soft, at_truth_size);
  for (size_t i = 0; i < rows.size(); ++i) {
    keep.push_back(soft[i]);
    rows[i].push_back({keep.back().data(), pages[i].page.width, pages[i].page.height,
                       fmt::format("{}: FM {:.1f} at {:.0f} px", name, j["per_page"][pages[i].name]["fm"].get<double>(), sizes[pages[i].name].get<double>())});
  }
  fmt::print("{}\n{}\n{}\n", real_page_line(name, j), real_page_line(fmt::format("  over {:.3f} (tuned)", tuned), j["tuned_threshold"]),
             real_page_line("  at the truth's glyph size", j["truth_glyph_size"]));
  if (!adapted.empty()) {
    soft = std::move(adapted);
    j["adapted"] = score_real_pages(pages, over(0.5f));
    j["adapted"]["seconds"] = options.adapt_seconds;
    fmt::print("{}\n", real_page_line(fmt::format("  --adapt ({:.0f} s)", options.adapt_seconds), j["adapted"]));
  }
  return j;
}

// The real pages' baselines, told that the ink is dark: Otsu, Sauvola with the window and k
// a user would start from (25, 0.2), and Sauvola tuned on the tuning part.
nlohmann::json score_real_baselines(const std::vector<RealPage>& pages, std::vector<std::vector<Picture>>& rows,
                                    std::deque<std::vector<float>>& keep) {
  const SauvolaParameters tuned = tune_sauvola_on_real_pages(pages), defaults{25, 0.2};
  nlohmann::json b;
  const auto add = [&](const std::string& key, const std::string& name, const PageMask& mask) {
    std::vector<std::vector<float>> masks;
    b[key] = score_real_pages(pages, mask, &masks);
    for (size_t i = 0; i < rows.size(); ++i) {
      keep.push_back(std::move(masks[i]));
      rows[i].push_back({keep.back().data(), pages[i].page.width, pages[i].page.height,
                         fmt::format("{}: FM {:.1f}", name, b[key]["per_page"][pages[i].name]["fm"].get<double>())});
    }
    fmt::print("{}\n", real_page_line(name, b[key]));
  };
  add("otsu", "Otsu", [](const RealPage& p) { return otsu_ink(p.page.image, p.page.width, p.page.height, true); });
  add("sauvola_default", "Sauvola (window 25, k 0.2)",
      [&](const RealPage& p) { return sauvola_ink(p.page.image, p.page.width, p.page.height, true, defaults); });
  add("sauvola_tuned", fmt::format("Sauvola tuned (window {}, k {:.2f})", tuned.window, tuned.k),
      [&](const RealPage& p) { return sauvola_ink(p.page.image, p.page.width, p.page.height, true, tuned); });
  b["sauvola_default"]["window"] = defaults.window, b["sauvola_default"]["k"] = defaults.k;
  b["sauvola_tuned"]["window"] = tuned.window, b["sauvola_tuned"]["k"] = tuned.k, b["sauvola_tuned"]["tuned_on"] = "the tuning part";
  return b;
}
#endif

void write_pictures(const std::string& out_dir, const PatchConditions& c, const std::vector<PageSet>& page_sets) {
#ifdef TIAE_HAVE_OPENCV
  for (size_t k = 0; k < c.list.size(); ++k)
    write_image_grid((fs::path(out_dir) / ("foreground-" + c.list[k].name + ".png")).string(),
                     "test digits " + c.list[k].title + ": input, truth, each model's D(E(I))", c.grids[k], kSide);
  for (const auto& set : page_sets)
    write_picture_rows((fs::path(out_dir) / (set.key == "flyers" ? "flyers.png" : "hard-pages.png")).string(),
                       set.title + ": input, truth, the baselines, each model", set.rows, 180);
#else
  fmt::print("built without OpenCV: no pictures written (out: {}, {} conditions, {} page sets)\n", out_dir, c.list.size(),
             page_sets.size());
#endif
}

}  // namespace

#ifdef TIAE_HAVE_OPENCV
namespace {
// The real pages when the project has them (data/real-pages), the first three tuning pages
// pictured: input, truth, the baselines, each model.
struct RealPageSet {
  std::vector<RealPage> pages;
  std::vector<std::vector<Picture>> rows;
};
RealPageSet load_real_page_set() {
  RealPageSet set;
  const std::string dir = find_real_pages();
  if (dir.empty()) {
    fmt::print("no data/real-pages found: the real pages are not scored\n");
    return set;
  }
  set.pages = load_real_pages(dir, find_real_pages_split());
  for (size_t i = 0; i < 3 && i < set.pages.size(); ++i) {
    const auto& f = set.pages[i].page;
    set.rows.push_back({{f.image.data(), f.width, f.height, set.pages[i].name}, {f.ink.data(), f.width, f.height, "true ink"}});
  }
  return set;
}
}  // namespace
#endif

nlohmann::json evaluate_foreground(const std::vector<std::string>& runs, const EvalOptions& options) {
  fs::create_directories(options.out_dir);
  const torch::Device device = choose_device(options.device);
  torch::NoGradGuard no_grad;
  const bool synthetic = !options.real_pages_only;
  const auto split = load_mnist_split(find_mnist_package());
  const int n = synthetic ? split.test.count() : 0;
  const auto test = torch::from_blob(const_cast<float*>(split.test.images.data()), {n, 1, kSide, kSide}).clone();
  PatchConditions conditions;
  if (synthetic) conditions = make_conditions(test, split.test.labels, options);
  nlohmann::json result = {{"protocol",
                            {{"test_digits", n}, {"seed", options.seed}, {"max_shift", options.max_shift}, {"ink_threshold", 0.5},
                             {"conditions", {"noise: the noise kinds of training",
                                             "photo: 32x32 crops of the held-out photos (never seen in training)",
                                             "photo_shift: held-out photos, digits at random shifts; outputs aligned "
                                             "to the truth by the best shift when the model is shift-invariant"}}}},
                           {"models", nlohmann::json::object()}};
  std::deque<std::vector<float>> keep;  // what the pictures point into (a deque never moves them)
  std::vector<PageSet> page_sets;       // moved, never copied: the pictures point into the pages
#ifdef TIAE_HAVE_OPENCV
  std::vector<std::vector<Flyer>> tuning;
  if (synthetic) {
    page_sets.push_back(
        make_page_set("flyers", "synthetic flyers (held-out photos, handwriting fonts, MNIST test digits)", false, split.test));
    page_sets.push_back(make_page_set("hard_pages", "hard pages (full-contrast colour photos, uneven light, dark or light "
                                                    "coloured ink, glyphs 15-60 px, blur, noise, JPEG)", true, split.test));
    // The tuning pages of both sets: chosen on, never reported on.
    tuning = {make_pages(false, kTuningPages, kFlyers, split.test), make_pages(true, kTuningPages, kFlyers, split.test)};
    result["baselines"] = nlohmann::json::object();
    for (size_t k = 0; k < page_sets.size(); ++k) result["baselines"][page_sets[k].key] = score_baselines(page_sets[k], tuning[k], keep);
  }
  RealPageSet real = load_real_page_set();
  if (!real.pages.empty()) result["real_pages_baselines"] = score_real_baselines(real.pages, real.rows, keep);
#endif
  if (synthetic) fmt::print("{:<24} {:>16} {:>16} {:>16}\n", "model (PSNR dB / IoU)", "noise", "held-out photos", "photos+shifts");
  for (const auto& run : runs) {
    const std::string name = model_name(run);
    auto loaded = load_model(run, device);
    if (loaded.config.kind != Kind::fg)
      throw std::runtime_error(name + " is not a foreground-extraction model (kind " + to_string(loaded.config.kind) + ")");
    nlohmann::json metrics = {{"background", loaded.config.background}, {"max_shift", loaded.config.max_shift}};
    if (synthetic) {
      std::string line = fmt::format("{:<24}", name) + score_patches(loaded, device, conditions, name, keep, metrics, options.progress);
#ifdef TIAE_HAVE_OPENCV
      line += score_model_pages(loaded, device, page_sets, tuning, name, keep, metrics);
#endif
      fmt::print("{}\n", line);
    }
#ifdef TIAE_HAVE_OPENCV
    if (!real.pages.empty()) metrics["real_pages"] = score_model_real_pages(loaded, device, real.pages, name, real.rows, keep, options);
#endif
    result["models"][name] = metrics;
  }
  write_pictures(options.out_dir, conditions, page_sets);
#ifdef TIAE_HAVE_OPENCV
  if (!real.rows.empty())
    write_picture_rows((fs::path(options.out_dir) / "real-pages.png").string(),
                       "real pages (tuning part): input, truth, the baselines, each model's calibrated map", real.rows, 180);
#endif
  write_json_file((fs::path(options.out_dir) / "metrics.json").string(), result);
  return result;
}

}  // namespace tiae
