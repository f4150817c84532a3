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
#include "data/real_pages.h"
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

// The peaks a page scores (those inside its regions, when it names some), strongest first.
std::vector<size_t> scored_peaks(const std::vector<Peak>& peaks, const DocumentPage& page) {
  std::vector<size_t> kept;
  for (size_t i = 0; i < peaks.size(); ++i)
    if (page.regions.empty() || std::any_of(page.regions.begin(), page.regions.end(), [&](const auto& r) {
          return peaks[i].x >= r[0] && peaks[i].y >= r[1] && peaks[i].x < r[2] && peaks[i].y < r[3];
        }))
      kept.push_back(i);
  return kept;
}

PeakMatch match_scored(const std::vector<Peak>& peaks, const std::vector<size_t>& kept, const DocumentPage& page,
                       const std::vector<float>& centres) {
  std::vector<Peak> scored;
  for (const size_t i : kept) scored.push_back(peaks[i]);
  return match_peaks(scored, centres, page.tolerance);
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
  const auto kept = scored_peaks(job.peaks(), page);
  r.match = match_scored(job.peaks(), kept, page, centres);
  r.at_peaks.dims = job.descriptor_size();
  for (size_t i = 0; i < kept.size(); ++i)
    if (const int g = r.match.glyph_of_peak[i]; g >= 0) {
      r.at_peaks.points.insert(r.at_peaks.points.end(), &job.descriptors()[kept[i] * r.at_peaks.dims],
                               &job.descriptors()[(kept[i] + 1) * r.at_peaks.dims]);
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
ClusterScore score_clusters(const std::vector<const PageRun*>& runs, Clustering PageRun::*which, double quantile) {
  std::vector<int> all_clusters, all_ids;
  ClusterScore s;
  int page = 0;
  for (const auto* r : runs) {
    const Clustering& c = r->*which;
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

// A method's runs on one kind of page: on its tuning pages and on its held-out pages.
struct KindRuns {
  DocumentPageKind kind;
  std::vector<PageRun> tuning, held_out;
};

// The clustering's bandwidth, a property of the descriptor: chosen where every method has
// points, on the offset windows of every tuning page, by NMI.
double choose_quantile(const std::vector<KindRuns>& runs) {
  std::vector<const PageRun*> tuning;
  for (const auto& k : runs)
    for (const auto& r : k.tuning) tuning.push_back(&r);
  double quantile = 0, best = -1;
  for (double q : {0.01, 0.02, 0.05, 0.1, 0.2, 0.3})
    if (const double nmi = score_clusters(tuning, &PageRun::at_offsets, q).nmi; nmi > best) best = nmi, quantile = q;
  return quantile;
}

// The metrics of one method on some pages.
nlohmann::json score_runs(const std::vector<PageRun>& runs, double quantile) {
  std::vector<const PageRun*> pages;
  PeakMatch total;
  for (const auto& r : runs) {
    pages.push_back(&r);
    total.matched += r.match.matched, total.peaks += r.match.peaks, total.glyphs += r.match.glyphs;
  }
  const auto at_peaks = score_clusters(pages, &PageRun::at_peaks, quantile);
  const auto at_offsets = score_clusters(pages, &PageRun::at_offsets, quantile);
  return {{"peak_precision", total.peaks ? double(total.matched) / total.peaks : 0.0},
          {"peak_recall", double(total.matched) / std::max(1, total.glyphs)},
          {"peaks_per_page", double(total.peaks) / std::max<size_t>(1, runs.size())},
          {"glyphs_per_page", double(total.glyphs) / std::max<size_t>(1, runs.size())},
          {"cluster_purity", at_peaks.purity},
          {"cluster_nmi", at_peaks.nmi},
          {"clusters_per_page", at_peaks.clusters},
          {"offset_cluster_purity", at_offsets.purity},
          {"offset_cluster_nmi", at_offsets.nmi},
          {"offset_clusters_per_page", at_offsets.clusters}};
}

// Per kind of page, the held-out pages' metrics (or with `on_tuning` the tuning pages'), and
// the quantile chosen on the tuning pages.
nlohmann::json score_method(const std::vector<KindRuns>& runs, bool on_tuning) {
  const double quantile = choose_quantile(runs);
  nlohmann::json m = {{"cluster_quantile", {{"value", quantile}, {"chosen_on", "the tuning pages of every kind, offset windows, by NMI"}}},
                      {"pages", nlohmann::json::object()}};
  for (const auto& k : runs) m["pages"][document_page_kind_name(k.kind)] = score_runs(on_tuning ? k.tuning : k.held_out, quantile);
  return m;
}

// The evaluation's pages of one kind, as configs/document-pages-split.json lists them.
struct PageSet {
  DocumentPageSplit split;
  std::vector<DocumentPage> tuning, held_out;
};

// The offsets' seed of page `index` of a kind (the first release's for the clean pages).
uint64_t page_seed(const EvalOptions& options, DocumentPageKind kind, int index) {
  return options.seed + uint64_t(index) + 1000 * uint64_t(kind);
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
  const auto kept = scored_peaks(peaks, page);
  PageRun r;
  r.match = match_scored(peaks, kept, page, centres);
  r.at_peaks.dims = r.at_offsets.dims = kMaskSide * kMaskSide;
  const auto add = [&](Clustering& c, double x, double y, int id) {
    const auto d = mask_window(mask, page.width, page.height, x, y, page.glyph_size);
    c.points.insert(c.points.end(), d.begin(), d.end());
    c.ids.push_back(id);
  };
  for (size_t i = 0; i < kept.size(); ++i)
    if (const int g = r.match.glyph_of_peak[i]; g >= 0) add(r.at_peaks, peaks[kept[i]].x, peaks[kept[i]].y, identities[size_t(g)]);
  const auto offsets = glyph_offsets(page.glyphs.size(), seed);
  const double scale = page.glyph_size / kMnistDigitHeight;  // the offsets are in the model's pixels
  for (size_t g = 0; g < page.glyphs.size(); ++g)
    add(r.at_offsets, page.glyphs[g].x + offsets[g].first * scale, page.glyphs[g].y + offsets[g].second * scale, identities[g]);
  return r;
}

nlohmann::json score_baseline(const std::vector<PageSet>& sets, const EvalOptions& options) {
  std::vector<KindRuns> runs;
  for (const auto& set : sets) {
    KindRuns k{set.split.kind, {}, {}};
    for (size_t i = 0; i < set.tuning.size(); ++i)
      k.tuning.push_back(baseline_page(set.tuning[i], page_seed(options, k.kind, set.split.tuning[i])));
    for (size_t i = 0; i < set.held_out.size(); ++i)
      k.held_out.push_back(baseline_page(set.held_out[i], page_seed(options, k.kind, set.split.held_out[i])));
    runs.push_back(std::move(k));
  }
  auto m = score_method(runs, options.document_tuning);
  m["method"] = "Sauvola (window 15, k 0.2, told the ink is dark), 8-connected marks of >= 12 px at their centre of mass; "
                "descriptor: the mask around the mark (1.6 glyphs square) at 16 x 16";
  return m;
}

std::vector<KindRuns> run_model(LoadedModel& model, torch::Device device, const std::vector<PageSet>& sets, double glyph_size,
                                const EvalOptions& options, const std::string& name) {
  long pages = 0, done = 0;
  for (const auto& set : sets) pages += long(set.tuning.size() + (options.document_tuning ? 0 : set.held_out.size()));
  ProgressBar bar("eval " + name, pages, options.progress);
  std::vector<KindRuns> runs;
  for (const auto& set : sets) {
    KindRuns k{set.split.kind, {}, {}};
    for (size_t i = 0; i < set.tuning.size(); ++i)
      k.tuning.push_back(run_page(model, device, set.tuning[i], glyph_size, page_seed(options, k.kind, set.split.tuning[i]))), bar.update(++done);
    if (!options.document_tuning)
      for (size_t i = 0; i < set.held_out.size(); ++i)
        k.held_out.push_back(run_page(model, device, set.held_out[i], glyph_size, page_seed(options, k.kind, set.split.held_out[i]))),
            bar.update(++done);
    runs.push_back(std::move(k));
  }
  bar.finish();
  return runs;
}

// The first scored page of a kind with its peaks, and its heat map, per model.
void write_pictures(const std::string& dir, const std::string& name, const std::string& kind, const DocumentPage& page, const PageRun& r) {
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
  write_picture_rows((fs::path(dir) / ("document-" + name + "-" + kind + ".png")).string(),
                     name + ", a " + kind + " page: its peaks, and where the windows' shifts point (x4)",
                     {{{marks.data(), page.width, page.height, "page and peaks"}, {heat.data(), page.width, page.height, "votes"}}},
                     360);
}

void print_line(const std::string& name, const nlohmann::json& method) {
  for (const auto& [kind, m] : method["pages"].items())
    fmt::print("{:<20} {:<9} peaks precision {:.3f} recall {:.3f} ({:.0f} for {:.0f} glyphs a page)  clusters purity {:.3f} NMI "
               "{:.3f} ({:.1f} per page); at offsets purity {:.3f} NMI {:.3f} ({:.1f} per page); quantile {}\n",
               name, kind, m["peak_precision"].get<double>(), m["peak_recall"].get<double>(), m["peaks_per_page"].get<double>(),
               m["glyphs_per_page"].get<double>(), m["cluster_purity"].get<double>(), m["cluster_nmi"].get<double>(),
               m["clusters_per_page"].get<double>(), m["offset_cluster_purity"].get<double>(), m["offset_cluster_nmi"].get<double>(),
               m["offset_clusters_per_page"].get<double>(), method["cluster_quantile"]["value"].get<double>());
}

}  // namespace

nlohmann::json evaluate_document(const std::vector<std::string>& runs, const EvalOptions& options) {
  fs::create_directories(options.out_dir);
  const torch::Device device = choose_device(options.device);
  const auto digits = load_mnist_split(find_mnist_package()).test;
  std::vector<PageSet> sets;
  nlohmann::json protocol = {{"split", "configs/document-pages-split.json"}, {"tolerance_px", 3},
                             {"glyph_size", "each page's true glyph size"},
                             {"scored", options.document_tuning ? "the tuning pages" : "the held-out pages"}};
  for (auto& split : read_document_pages_split(find_document_pages_split())) {
    PageSet set{split, {}, {}};
    for (const int i : split.tuning) set.tuning.push_back(make_document_page(split.kind, i, digits));
    if (!options.document_tuning)
      for (const int i : split.held_out) set.held_out.push_back(make_document_page(split.kind, i, digits));
    protocol["pages"][document_page_kind_name(split.kind)] = {{"tuning", split.tuning}, {"held_out", split.held_out}};
    sets.push_back(std::move(set));
  }
  // Real print annotated by hand: held out from every choice, so scored only with the held-out pages.
  std::vector<DocumentPage> real_print;
  if (!options.document_tuning && !find_real_print().empty() && !find_real_pages().empty()) {
    real_print.push_back(read_real_print(find_real_print(), find_real_pages()));
    protocol["real_print"] = "data/real-print-glyphs.json";
  }
  nlohmann::json result = {{"protocol", protocol}, {"models", nlohmann::json::object()}};
  for (const auto& run : runs) {
    const std::string name = model_name(run);
    auto model = load_model(run, device);
    const double glyph_size = read_model_card_or_defaults(run).glyph_size;
    const auto model_runs = run_model(model, device, sets, glyph_size, options, name);
    auto m = score_method(model_runs, options.document_tuning);
    m["kind"] = model.config.kind;
    for (const auto& page : real_print) {
      std::vector<PageRun> one;
      one.push_back(run_page(model, device, page, glyph_size, options.seed));
      m["pages"]["real print"] = score_runs(one, m["cluster_quantile"]["value"].get<double>());
    }
    result["models"][name] = m;
    for (size_t k = 0; k < sets.size(); ++k) {
      const bool t = options.document_tuning;
      write_pictures(options.out_dir, name, document_page_kind_name(sets[k].split.kind), t ? sets[k].tuning[0] : sets[k].held_out[0],
                     t ? model_runs[k].tuning[0] : model_runs[k].held_out[0]);
    }
    print_line(name, m);
  }
  result["baselines"]["sauvola-marks"] = score_baseline(sets, options);
  for (const auto& page : real_print) {
    std::vector<PageRun> one;
    one.push_back(baseline_page(page, options.seed));
    auto& b = result["baselines"]["sauvola-marks"];
    b["pages"]["real print"] = score_runs(one, b["cluster_quantile"]["value"].get<double>());
  }
  print_line("Sauvola marks", result["baselines"]["sauvola-marks"]);
  write_json_file((fs::path(options.out_dir) / "metrics.json").string(), result);
  return result;
}

}  // namespace tiae
