// `tiae document`: over a page, where its typical patterns (characters) are and which of
// them are alike (docs/method.md, "Documents"), through the staged core of
// shared/document.h; LibTorch runs each batch.
#pragma once
#include <optional>
#include <string>

#include "document.h"

namespace tiae {

struct DocumentCommandOptions {
  std::string model;                // model or run folder (model_folder.h)
  std::string device = "auto";
  DocumentOptions core;             // stride, batch (glyph sizes, shifts and quantile are set from the below)
  std::optional<double> glyph_size; // the page's; none: measured from the page (binarize.h)
  std::optional<double> quantile;   // of the clustering's bandwidth; none: the model card's
  int threads = 0;                  // LibTorch's CPU threads; 0: every core
  bool progress = true;
};

// Reads `in` (image_file.h) and writes into the folder `out`: heatmap.png (votes per page
// pixel, 255 = the most), heatmap-overlay.png (the page with the smoothed heat map in
// colour), peaks.json, clusters.json, cluster-<id>.png (each cluster's canonical shape)
// and clusters.png (a gallery: one row per cluster, its canonical shape and members).
// `out` is locked (folder_lock.h), must be new, empty or an earlier run's output, and is
// written as a new folder swapped in whole (folder_swap.h). Returns a one-line summary.
std::string document_command(const std::string& in, const std::string& out, const DocumentCommandOptions& options);

}  // namespace tiae
