#include "commands/document_page.h"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "commands/extract_photo.h"
#include "io/figures.h"
#include "io/files.h"
#include "io/folder_lock.h"
#include "io/folder_swap.h"
#include "io/image_file.h"
#include "io/output_path.h"
#include "model/document_analysis.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

// The votes as 8-bit gray, 255 = the most votes on one pixel.
std::vector<float> normalised(const std::vector<float>& votes) {
  const float most = votes.empty() ? 0.f : *std::max_element(votes.begin(), votes.end());
  std::vector<float> out(votes.size(), 0.f);
  if (most > 0)
    for (size_t i = 0; i < votes.size(); ++i) out[i] = votes[i] / most;
  return out;
}

// The page in gray with the heat map, blurred to a glyph's tenth, in colour over it (red:
// frequent), as on the slides; a third of the most votes already shows at full colour.
void write_overlay(const std::string& path, const RgbaImage& page, const std::vector<float>& votes, double glyph_size) {
  cv::Mat heat(page.height, page.width, CV_32F, const_cast<float*>(votes.data())), smooth, heat8, colour, gray, out;
  cv::GaussianBlur(heat, smooth, {0, 0}, std::max(1.0, glyph_size / 10));
  double most = 0;
  cv::minMaxLoc(smooth, nullptr, &most);
  smooth.convertTo(heat8, CV_8U, most > 0 ? 3 * 255 / most : 0);  // saturates at 255
  cv::applyColorMap(heat8, colour, cv::COLORMAP_JET);
  cv::Mat rgba(page.height, page.width, CV_8UC4, const_cast<uint8_t*>(page.rgba.data()));
  cv::cvtColor(rgba, gray, cv::COLOR_RGBA2GRAY);
  cv::cvtColor(gray, out, cv::COLOR_GRAY2BGR);
  for (int y = 0; y < page.height; ++y)
    for (int x = 0; x < page.width; ++x) {
      const float a = (2 / 3.f) * std::min(1.f, 2.f * heat8.at<uint8_t>(y, x) / 255.f);  // the writing shows through
      auto& o = out.at<cv::Vec3b>(y, x);
      const auto& c = colour.at<cv::Vec3b>(y, x);
      for (int k = 0; k < 3; ++k) o[k] = uint8_t(std::lround((1 - a) * o[k] + a * c[k]));
    }
  write_encoded_image(path, out);
}

// clusters.json, cluster-<id>.png and the gallery clusters.png.
void write_clusters(const fs::path& dir, const DocumentReport& r, int patch) {
  const auto& peaks = r.job->peaks();
  const auto& ms = r.clusters;
  std::vector<float> windows(peaks.size() * size_t(patch) * patch);
  for (int b = 0; b < r.job->peak_batches(); ++b)
    r.job->peak_inputs(b, &windows[size_t(b) * size_t(r.job->peak_batch_size(0)) * patch * patch]);
  const auto nearest = cluster_representatives(r.job->descriptors(), ms);  // its canonical shape stands for the cluster
  nlohmann::json clusters = nlohmann::json::array();
  std::vector<ImageRow> rows;
  for (int c = 0; c < ms.clusters(); ++c) {
    nlohmann::json members = nlohmann::json::array();
    ImageRow row{fmt::format("cluster {}", c), {}, {}};
    for (size_t i = 0; i < peaks.size(); ++i) {
      if (ms.labels[i] != c) continue;
      members.push_back({peaks[i].x, peaks[i].y});
      if (row.images.size() < 9) row.images.push_back(&windows[i * patch * patch]);
    }
    const std::string name = fmt::format("cluster-{}.png", c);
    const float* canonical = &r.canonicals[size_t(nearest[size_t(c)]) * patch * patch];
    write_gray_image((dir / name).string(), std::vector<float>(canonical, canonical + patch * patch), patch, patch);
    row.images.insert(row.images.begin(), canonical);
    row.label += fmt::format(" ({})", members.size());
    rows.push_back(std::move(row));
    clusters.push_back({{"id", c}, {"canonical", name}, {"members", members}});
  }
  write_json_file((dir / "clusters.json").string(), {{"clusters", clusters}});
  if (!rows.empty())
    write_image_grid((dir / "clusters.png").string(), "clusters: canonical shape D(E(I)), then members as the network sees them",
                     rows, patch, 3);
}

// The files document_command writes: a folder holding only these is an earlier run's.
bool document_file(const std::string& name) {
  if (name == "heatmap.png" || name == "heatmap-overlay.png" || name == "peaks.json" || name == "clusters.json" || name == "clusters.png")
    return true;
  const std::string digits = name.rfind("cluster-", 0) == 0 && name.size() > 12 ? name.substr(8, name.size() - 12) : "";
  return !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos && name.compare(name.size() - 4, 4, ".png") == 0;
}

// Every file of the analysis, into `dir`.
void write_document(const fs::path& dir, const RgbaImage& image, const DocumentReport& report, const DocumentOptions& core) {
  const auto& votes = report.job->heatmap();
  write_gray_image((dir / "heatmap.png").string(), normalised(votes), image.width, image.height);
  write_overlay((dir / "heatmap-overlay.png").string(), image, votes, core.window.glyph_size);
  nlohmann::json peaks = nlohmann::json::array();
  for (const auto& p : report.job->peaks()) peaks.push_back({p.x, p.y, p.score});
  write_json_file((dir / "peaks.json").string(), {{"peaks", peaks}});
  write_clusters(dir, report, core.window.patch);
}

}  // namespace

std::string document_command(const std::string& in, const std::string& out, const DocumentCommandOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const FolderLock lock(out);
  check_output_folder(out, {in, options.model}, document_file);
  auto [image, gray, card, glyph_size] = read_page(in, options.model, options.glyph_size);
  DocumentOptions core = options.core;
  core.window.model_glyph_size = card.glyph_size;
  core.window.glyph_size = glyph_size;
  core.quantile = options.quantile.value_or(card.cluster_quantile);
  if (const auto refused = DocumentAnalysis::check(image.width, image.height, core); !refused.empty())
    throw std::runtime_error(in + ": " + refused);
  const torch::Device device = choose_device(options.device);
  use_cpu_threads(options.threads);
  auto model = load_model(options.model, device);
  core.max_shift = model.config.max_shift;
  const auto report = analyse_document(model.network, device, std::move(gray), image.width, image.height, core, options.progress);
  // A new folder swapped in whole: no cluster picture of an earlier run is left beside these.
  replace_folder(out, FolderStart::empty, [&](const std::string& fresh) { write_document(fresh, image, report, core); });
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return fmt::format("{}: {}x{} px, glyph size {:.1f} px{}, {} windows, {} peaks, {} clusters, {:.1f} s {} -> {}", in,
                     image.width, image.height, core.window.glyph_size, options.glyph_size ? "" : " (measured)",
                     report.job->scan_windows(), report.job->peaks().size(), report.clusters.clusters(), s, ran_on(device), out);
}

}  // namespace tiae
