#include "evaluate/evaluate_document.h"

#include <fmt/core.h>

#include <cmath>
#include <deque>
#include <filesystem>
#include <map>
#include <random>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "data/document_pages.h"
#include "data/flyers.h"
#include "evaluate/metrics.h"
#include "io/figures.h"
#include "io/files.h"
#include "io/progress_bar.h"
#include "glyph_size.h"
#include "model/document_analysis.h"
#include "resample.h"

namespace tiae {
namespace fs = std::filesystem;

PeakMatch match_peaks(const std::vector<Peak>& peaks, const std::vector<float>& centres, double tolerance) {
  PeakMatch m;
  m.peaks = int(peaks.size());
  m.glyphs = int(centres.size() / 2);
  std::vector<bool> taken(size_t(m.glyphs), false);
  for (const auto& p : peaks) {
    int best = -1;
    double best_d = tolerance * tolerance;
    for (int g = 0; g < m.glyphs; ++g) {
      const double dx = p.x - centres[size_t(2 * g)], dy = p.y - centres[size_t(2 * g + 1)];
      if (!taken[size_t(g)] && dx * dx + dy * dy <= best_d) best_d = dx * dx + dy * dy, best = g;
    }
    m.glyph_of_peak.push_back(best);
    if (best >= 0) taken[size_t(best)] = true, ++m.matched;
  }
  return m;
}

double cluster_purity(const std::vector<int>& clusters, const std::vector<int>& identities) {
  std::map<int, std::map<int, int>> counts;
  for (size_t i = 0; i < clusters.size(); ++i) ++counts[clusters[i]][identities[i]];
  int majority = 0;
  for (const auto& [cluster, by_identity] : counts) {
    int most = 0;
    for (const auto& [identity, n] : by_identity) most = std::max(most, n);
    majority += most;
  }
  return clusters.empty() ? 0 : double(majority) / double(clusters.size());
}

namespace {

// What is clustered on one page: descriptors (n x dims) and the identity of each.
struct Clustering {
  std::vector<float> points;
  int dims = 0;
  std::vector<int> ids;
};

// One model on one page: the analysis, which glyph each peak found, and the two
// clusterings: the peaks that found a glyph, and windows on every glyph's centre moved by
// a random offset of up to 4 px (the descriptor alone, whatever the peaks).
struct PageRun {
  DocumentReport report;
  PeakMatch match;
  Clustering at_peaks, at_offsets;
};

constexpr int kOffset = 4;

// The page's glyph centres (x, y interleaved) and identities, numbered per page.
struct Truth {
  std::vector<float> centres;
  std::vector<int> identities;
};

Truth truth_of(const DocumentPage& page) {
  Truth t;
  std::map<std::string, int> ids;
  for (const auto& g : page.glyphs) {
    t.centres.push_back(g.x), t.centres.push_back(g.y);
    t.identities.push_back(ids.emplace(g.identity, int(ids.size())).first->second);
  }
  return t;
}

// The random offsets of the offset windows, one (dx, dy) per glyph: the same for every
// method on a page.
std::vector<std::pair<int, int>> glyph_offsets(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> offset(-kOffset, kOffset);
  std::vector<std::pair<int, int>> out(count);
  for (auto& o : out) o.first = offset(rng), o.second = offset(rng);
  return out;
}

Clustering offset_windows(LoadedModel& model, torch::Device device, const DocumentAnalysis& job, const DocumentPage& page,
                          const std::vector<int>& ids, uint64_t seed) {
  const int p = 32, w = job.work_width(), h = job.work_height();
  const double scale = double(w) / page.width;
  const auto offsets = glyph_offsets(page.glyphs.size(), seed);
  std::vector<float> windows(page.glyphs.size() * p * p, 0.f);
  for (size_t g = 0; g < page.glyphs.size(); ++g) {
    const int cx = int(std::lround(page.glyphs[g].x * scale)) + offsets[g].first;
    const int cy = int(std::lround(page.glyphs[g].y * scale)) + offsets[g].second;
    for (int y = 0; y < p; ++y)
      for (int x = 0; x < p; ++x) {
        const int sx = cx - p / 2 + x, sy = cy - p / 2 + y;
        if (sx >= 0 && sx < w && sy >= 0 && sy < h) windows[g * p * p + size_t(y) * p + x] = job.ink()[size_t(sy) * w + sx];
      }
  }
  torch::NoGradGuard no_grad;
  const auto d = model.network->encoder->forward(
      torch::from_blob(windows.data(), {int64_t(page.glyphs.size()), 1, p, p}).to(device)).to(torch::kCPU).contiguous();
  return {{d.data_ptr<float>(), d.data_ptr<float>() + d.numel()}, int(d.size(1)), ids};
}

PageRun run_page(LoadedModel& model, torch::Device device, const DocumentPage& page, double model_glyph_size, uint64_t seed) {
  DocumentOptions o;
  o.window.glyph_size = page.glyph_size;
  o.window.model_glyph_size = model_glyph_size;
  o.max_shift = model.config.max_shift;
  PageRun r;
  r.report = analyse_document(model.network, device, page.gray, page.width, page.height, o, false);
  const auto& job = *r.report.job;
  const auto [centres, identities] = truth_of(page);
  r.match = match_peaks(job.peaks(), centres, 3.0);
  r.at_peaks.dims = job.descriptor_size();
  for (size_t i = 0; i < r.match.glyph_of_peak.size(); ++i)
    if (const int g = r.match.glyph_of_peak[i]; g >= 0) {
      r.at_peaks.points.insert(r.at_peaks.points.end(), &job.descriptors()[i * r.at_peaks.dims],
                               &job.descriptors()[(i + 1) * r.at_peaks.dims]);
      r.at_peaks.ids.push_back(identities[size_t(g)]);
    }
  r.at_offsets = offset_windows(model, device, job, page, identities, seed);
  return r;
}

struct ClusterScore {
  double purity = 0, nmi = 0, clusters = 0;
};

// Mean shift at `quantile` of each page's points; purity and NMI over all pages (each
// page's identities and clusters kept apart), clusters per page.
ClusterScore score_clusters(const std::vector<PageRun>& runs, Clustering PageRun::*which, double quantile) {
  std::vector<int> all_clusters, all_ids;
  ClusterScore s;
  int page = 0;
  for (const auto& r : runs) {
    const Clustering& c = r.*which;
    page += 1000;
    if (c.ids.size() < 2) continue;
    const auto ms = cluster_descriptors(c.points, c.dims, quantile);
    for (size_t i = 0; i < c.ids.size(); ++i) all_clusters.push_back(ms.labels[i] + page), all_ids.push_back(c.ids[i] + page);
    s.clusters += ms.clusters() / double(runs.size());
  }
  if (all_ids.empty()) return s;  // no peak found a glyph: nothing to cluster, purity and NMI 0
  s.purity = cluster_purity(all_clusters, all_ids);
  s.nmi = normalized_mutual_information(all_clusters, all_ids);
  return s;
}

// The metrics of one method from its runs over the evaluation's and the tuning pages.
nlohmann::json score_runs(const std::vector<PageRun>& eval_runs, const std::vector<PageRun>& tuning_runs) {
  // The bandwidth is a property of the descriptor: chosen where every method has points,
  // on the tuning pages' offset windows.
  double quantile = 0, best = -1;
  for (double q : {0.01, 0.02, 0.05, 0.1, 0.2, 0.3})
    if (const double nmi = score_clusters(tuning_runs, &PageRun::at_offsets, q).nmi; nmi > best) best = nmi, quantile = q;
  PeakMatch total;
  for (const auto& r : eval_runs) total.matched += r.match.matched, total.peaks += r.match.peaks, total.glyphs += r.match.glyphs;
  const auto at_peaks = score_clusters(eval_runs, &PageRun::at_peaks, quantile);
  const auto at_offsets = score_clusters(eval_runs, &PageRun::at_offsets, quantile);
  return {{"peak_precision", total.peaks ? double(total.matched) / total.peaks : 0.0},
          {"peak_recall", double(total.matched) / std::max(1, total.glyphs)},
          {"cluster_purity", at_peaks.purity},
          {"cluster_nmi", at_peaks.nmi},
          {"clusters_per_page", at_peaks.clusters},
          {"offset_cluster_purity", at_offsets.purity},
          {"offset_cluster_nmi", at_offsets.nmi},
          {"offset_clusters_per_page", at_offsets.clusters},
          {"cluster_quantile", {{"value", quantile}, {"chosen_on", fmt::format("document pages {}..{}, offset windows, by NMI", kTuningPages,
                                                                                kTuningPages + tuning_runs.size() - 1)}}}};
}

// What a user would do without a model: Sauvola's binarization (its textbook window 15
// and k 0.2, told the ink is dark), each 8-connected mark of 12 px or more a character at
// its centre of mass (largest first), and as its descriptor the mask around it (a square
// of 1.6 glyphs) shrunk to 16 x 16, clustered by the same mean shift.
constexpr int kMaskSide = 16;

std::vector<float> mask_window(const std::vector<uint8_t>& mask, int w, int h, double cx, double cy, double glyph_size) {
  const int side = std::max(2, int(std::lround(1.6 * glyph_size)));
  const int x0 = int(std::lround(cx - side / 2.0)), y0 = int(std::lround(cy - side / 2.0));
  std::vector<float> square(size_t(side) * side, 0.f);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      if (x0 + x >= 0 && x0 + x < w && y0 + y >= 0 && y0 + y < h) square[size_t(y) * side + x] = mask[size_t(y0 + y) * w + x0 + x];
  return resize_image(square.data(), side, side, kMaskSide, kMaskSide);
}

PageRun baseline_page(const DocumentPage& page, uint64_t seed) {
  std::vector<uint8_t> g8(page.gray.size());
  for (size_t i = 0; i < g8.size(); ++i) g8[i] = uint8_t(std::clamp(std::lrint(page.gray[i] * 255.0), 0L, 255L));
  const auto mask = sauvola_mask(g8, page.width, page.height, 15, 0.2, true);
  auto marks = ink_marks(mask, page.width, page.height);
  marks.erase(std::remove_if(marks.begin(), marks.end(), [](const InkMark& m) { return m.area < 12; }), marks.end());
  std::stable_sort(marks.begin(), marks.end(), [](const InkMark& a, const InkMark& b) { return a.area > b.area; });
  std::vector<Peak> peaks;
  for (const auto& m : marks) peaks.push_back({float(m.cx), float(m.cy), float(m.area)});
  const auto [centres, identities] = truth_of(page);
  PageRun r;
  r.match = match_peaks(peaks, centres, 3.0);
  r.at_peaks.dims = r.at_offsets.dims = kMaskSide * kMaskSide;
  const auto add = [&](Clustering& c, double x, double y, int id) {
    const auto d = mask_window(mask, page.width, page.height, x, y, page.glyph_size);
    c.points.insert(c.points.end(), d.begin(), d.end());
    c.ids.push_back(id);
  };
  for (size_t i = 0; i < peaks.size(); ++i)
    if (const int g = r.match.glyph_of_peak[i]; g >= 0) add(r.at_peaks, peaks[i].x, peaks[i].y, identities[size_t(g)]);
  const auto offsets = glyph_offsets(page.glyphs.size(), seed);
  const double scale = page.glyph_size / kMnistDigitHeight;  // the offsets are in the model's pixels
  for (size_t g = 0; g < page.glyphs.size(); ++g)
    add(r.at_offsets, page.glyphs[g].x + offsets[g].first * scale, page.glyphs[g].y + offsets[g].second * scale, identities[g]);
  return r;
}

nlohmann::json score_baseline(const std::vector<DocumentPage>& eval_pages, const std::vector<DocumentPage>& tuning_pages,
                              const EvalOptions& options) {
  std::vector<PageRun> eval_runs, tuning_runs;
  for (size_t i = 0; i < tuning_pages.size(); ++i) tuning_runs.push_back(baseline_page(tuning_pages[i], options.seed + kTuningPages + i));
  for (size_t i = 0; i < eval_pages.size(); ++i) eval_runs.push_back(baseline_page(eval_pages[i], options.seed + i));
  auto m = score_runs(eval_runs, tuning_runs);
  m["method"] = "Sauvola (window 15, k 0.2, told the ink is dark), 8-connected marks of >= 12 px at their centre of mass; "
                "descriptor: the mask around the mark (1.6 glyphs square) at 16 x 16";
  return m;
}

nlohmann::json score_model(LoadedModel& model, torch::Device device, const std::vector<DocumentPage>& eval_pages,
                           const std::vector<DocumentPage>& tuning_pages, double glyph_size, const EvalOptions& options,
                           const std::string& name, std::vector<PageRun>& eval_runs) {
  ProgressBar bar("eval " + name, long(eval_pages.size() + tuning_pages.size()), options.progress);
  long done = 0;
  std::vector<PageRun> tuning_runs;
  for (size_t i = 0; i < tuning_pages.size(); ++i)
    tuning_runs.push_back(run_page(model, device, tuning_pages[i], glyph_size, options.seed + kTuningPages + i)), bar.update(++done);
  for (size_t i = 0; i < eval_pages.size(); ++i)
    eval_runs.push_back(run_page(model, device, eval_pages[i], glyph_size, options.seed + i)), bar.update(++done);
  bar.finish();
  auto m = score_runs(eval_runs, tuning_runs);
  m["kind"] = model.config.kind;
  return m;
}

// Page 0's heat map with the peaks, and its clusters' gallery, per model.
void write_pictures(const std::string& dir, const std::string& name, const DocumentPage& page, const PageRun& r) {
  const auto& job = *r.report.job;
  std::vector<float> heat = job.heatmap();
  const float most = std::max(1.f, *std::max_element(heat.begin(), heat.end()));
  for (auto& v : heat) v = std::min(1.f, 4 * v / most);  // weak votes visible too
  std::vector<float> marks = page.gray;
  for (const auto& p : job.peaks())
    for (int d = -2; d <= 2; ++d) {
      const int x = int(p.x), y = int(p.y);
      if (x + d >= 0 && x + d < page.width && y >= 0 && y < page.height) marks[size_t(y) * page.width + x + d] = 0.5f;
      if (y + d >= 0 && y + d < page.height && x >= 0 && x < page.width) marks[size_t(y + d) * page.width + x] = 0.5f;
    }
  write_picture_rows((fs::path(dir) / ("document-" + name + ".png")).string(),
                     name + ": the page with its peaks, and where the windows' shifts point (x4)",
                     {{{marks.data(), page.width, page.height, "page and peaks"}, {heat.data(), page.width, page.height, "votes"}}},
                     360);
}

void print_line(const std::string& name, const nlohmann::json& m) {
  fmt::print("{:<20} peaks precision {:.3f} recall {:.3f}  clusters purity {:.3f} NMI {:.3f} ({:.1f} per page); "
             "at offsets purity {:.3f} NMI {:.3f} ({:.1f} per page); quantile {}\n",
             name, m["peak_precision"].get<double>(), m["peak_recall"].get<double>(), m["cluster_purity"].get<double>(),
             m["cluster_nmi"].get<double>(), m["clusters_per_page"].get<double>(), m["offset_cluster_purity"].get<double>(),
             m["offset_cluster_nmi"].get<double>(), m["offset_clusters_per_page"].get<double>(),
             m["cluster_quantile"]["value"].get<double>());
}

}  // namespace

nlohmann::json evaluate_document(const std::vector<std::string>& runs, const EvalOptions& options) {
  fs::create_directories(options.out_dir);
  const torch::Device device = choose_device(options.device);
  const auto digits = load_mnist_split(find_mnist_package()).test;
  std::vector<DocumentPage> eval_pages, tuning_pages;
  for (int i = 0; i < kDocumentPages; ++i) eval_pages.push_back(make_document_page(i, digits));
  for (int i = 0; i < 4; ++i) tuning_pages.push_back(make_document_page(kTuningPages + i, digits));
  nlohmann::json result = {{"protocol",
                            {{"pages", kDocumentPages}, {"tuning_pages", tuning_pages.size()}, {"tolerance_px", 3},
                             {"glyph_size", "each page's true glyph size"}}},
                           {"models", nlohmann::json::object()}};
  for (const auto& run : runs) {
    const std::string name = model_name(run);
    auto model = load_model(run, device);
    const double glyph_size = read_model_card_or_defaults(run).glyph_size;
    std::vector<PageRun> eval_runs;
    const auto m = score_model(model, device, eval_pages, tuning_pages, glyph_size, options, name, eval_runs);
    result["models"][name] = m;
    write_pictures(options.out_dir, name, eval_pages[0], eval_runs[0]);
    print_line(name, m);
  }
  result["baselines"]["sauvola-marks"] = score_baseline(eval_pages, tuning_pages, options);
  print_line("Sauvola marks", result["baselines"]["sauvola-marks"]);
  write_json_file((fs::path(options.out_dir) / "metrics.json").string(), result);
  return result;
}

}  // namespace tiae
