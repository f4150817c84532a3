#include "evaluate/evaluate_document.h"

#include <fmt/core.h>

#include <cmath>
#include <deque>
#include <filesystem>
#include <map>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "data/document_pages.h"
#include "data/flyers.h"
#include "evaluate/metrics.h"
#include "io/figures.h"
#include "io/files.h"
#include "io/progress_bar.h"
#include "model/document_analysis.h"

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

// One model on one page: the analysis and which glyph each peak found.
struct PageRun {
  DocumentReport report;
  PeakMatch match;
  std::vector<int> identities;  // of the glyphs, numbered per page
};

PageRun run_page(LoadedModel& model, torch::Device device, const DocumentPage& page, double model_glyph_size) {
  DocumentOptions o;
  o.window.glyph_size = page.glyph_size;
  o.window.model_glyph_size = model_glyph_size;
  o.max_shift = model.config.max_shift;
  PageRun r;
  r.report = analyse_document(model.network, device, page.gray, page.width, page.height, o, false);
  std::vector<float> centres;
  std::map<std::string, int> ids;
  for (const auto& g : page.glyphs) {
    centres.push_back(g.x), centres.push_back(g.y);
    r.identities.push_back(ids.emplace(g.identity, int(ids.size())).first->second);
  }
  r.match = match_peaks(r.report.job->peaks(), centres, 3.0);
  return r;
}

struct ClusterScore {
  double purity = 0, nmi = 0, clusters = 0;
};

// Mean shift at `quantile` on each page's matched peaks; purity and NMI over all of them
// (each page's identities and clusters kept apart), clusters per page.
ClusterScore score_clusters(const std::vector<PageRun>& runs, double quantile) {
  std::vector<int> all_clusters, all_ids;
  ClusterScore s;
  int offset = 0;
  for (const auto& r : runs) {
    const auto& job = *r.report.job;
    const int dims = job.descriptor_size();
    std::vector<float> points;
    std::vector<int> ids;
    for (size_t i = 0; i < r.match.glyph_of_peak.size(); ++i)
      if (const int g = r.match.glyph_of_peak[i]; g >= 0) {
        points.insert(points.end(), &job.descriptors()[i * dims], &job.descriptors()[(i + 1) * dims]);
        ids.push_back(r.identities[size_t(g)] + offset);
      }
    offset += 1000;
    if (ids.size() < 2) continue;
    const auto ms = cluster_descriptors(points, dims, quantile);
    for (size_t i = 0; i < ids.size(); ++i) all_clusters.push_back(ms.labels[i] + offset), all_ids.push_back(ids[i]);
    s.clusters += ms.clusters() / double(runs.size());
  }
  s.purity = cluster_purity(all_clusters, all_ids);
  s.nmi = normalized_mutual_information(all_clusters, all_ids);
  return s;
}

nlohmann::json score_model(LoadedModel& model, torch::Device device, const std::vector<DocumentPage>& eval_pages,
                           const std::vector<DocumentPage>& tuning_pages, double glyph_size, const EvalOptions& options,
                           const std::string& name, std::vector<PageRun>& eval_runs) {
  ProgressBar bar("eval " + name, long(eval_pages.size() + tuning_pages.size()), options.progress);
  long done = 0;
  std::vector<PageRun> tuning_runs;
  for (const auto& p : tuning_pages) tuning_runs.push_back(run_page(model, device, p, glyph_size)), bar.update(++done);
  for (const auto& p : eval_pages) eval_runs.push_back(run_page(model, device, p, glyph_size)), bar.update(++done);
  bar.finish();
  double quantile = 0, best = -1;
  for (double q : {0.01, 0.02, 0.05, 0.1, 0.2, 0.3})
    if (const double nmi = score_clusters(tuning_runs, q).nmi; nmi > best) best = nmi, quantile = q;
  PeakMatch total;
  for (const auto& r : eval_runs) total.matched += r.match.matched, total.peaks += r.match.peaks, total.glyphs += r.match.glyphs;
  const auto c = score_clusters(eval_runs, quantile);
  return {{"kind", model.config.kind},
          {"peak_precision", total.peaks ? double(total.matched) / total.peaks : 0.0},
          {"peak_recall", double(total.matched) / std::max(1, total.glyphs)},
          {"cluster_purity", c.purity},
          {"cluster_nmi", c.nmi},
          {"clusters_per_page", c.clusters},
          {"cluster_quantile", {{"value", quantile}, {"chosen_on", fmt::format("document pages {}..{} by NMI", kTuningPages,
                                                                                kTuningPages + tuning_pages.size() - 1)}}}};
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
    const double glyph_size = fs::exists(fs::path(run) / "model.json") ? read_model_card(run).glyph_size : kMnistDigitHeight;
    std::vector<PageRun> eval_runs;
    const auto m = score_model(model, device, eval_pages, tuning_pages, glyph_size, options, name, eval_runs);
    result["models"][name] = m;
    write_pictures(options.out_dir, name, eval_pages[0], eval_runs[0]);
    fmt::print("{:<20} peaks precision {:.3f} recall {:.3f}  clusters purity {:.3f} NMI {:.3f} ({:.1f} per page, quantile {})\n",
               name, m["peak_precision"].get<double>(), m["peak_recall"].get<double>(), m["cluster_purity"].get<double>(),
               m["cluster_nmi"].get<double>(), m["clusters_per_page"].get<double>(), m["cluster_quantile"]["value"].get<double>());
  }
  write_json_file((fs::path(options.out_dir) / "metrics.json").string(), result);
  return result;
}

}  // namespace tiae
