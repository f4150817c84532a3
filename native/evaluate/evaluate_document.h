// `tiae eval` of document models (layout "document"): on pages of glyphs with known truth
// (data/document_pages.h), each model's `tiae document` analysis at the page's true glyph
// size is scored:
//   peak_precision, peak_recall  peaks matched one-to-one to glyph centres within 3 px
//                                (strongest peak first, each to its nearest free centre);
//   cluster_purity, cluster_nmi  of the mean-shift clusters of the matched peaks against
//                                the glyphs' identities (purity: the share of each
//                                cluster's largest identity, over all matched peaks);
//   offset_cluster_purity, _nmi  the same for windows on every glyph's true centre moved
//                                by a random offset of up to 4 px: the descriptor alone,
//                                whatever the peaks (a model without invariance scatters
//                                one character over several clusters);
//   clusters_per_page            on average, for both.
// The clustering's bandwidth quantile is chosen per model on the tuning pages (from
// kTuningPages on, by the offset windows' NMI), never on the evaluation's. Beside the
// models, "baselines": what a user would do without one (Sauvola's binarization, its
// connected marks as the characters, the mask around each as its descriptor), scored alike. Writes <out>/metrics.json,
// document-<model>.png (page 0's heat map and peaks) and clusters-<model>.png.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "document.h"
#include "evaluate/evaluate.h"

namespace tiae {

struct PeakMatch {
  int matched = 0, peaks = 0, glyphs = 0;
  std::vector<int> glyph_of_peak;  // per peak: the matched glyph's index, or -1
};

// One-to-one matching of peaks (in order, strongest first) to glyph centres (x, y
// interleaved) within `tolerance` px: each peak takes the nearest centre not yet taken.
PeakMatch match_peaks(const std::vector<Peak>& peaks, const std::vector<float>& centres, double tolerance);

// The share of points whose cluster's most frequent identity is theirs.
double cluster_purity(const std::vector<int>& clusters, const std::vector<int>& identities);

nlohmann::json evaluate_document(const std::vector<std::string>& runs, const EvalOptions& options);

}  // namespace tiae
