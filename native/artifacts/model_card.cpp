#include "artifacts/model_card.h"

#include <zlib.h>

#include <filesystem>
#include <fmt/core.h>
#include <stdexcept>

#include "io/files.h"
#include "io/folder_lock.h"
#include "io/folder_swap.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {
// A file name the card may name: no folder part, so a card cannot point outside its folder.
std::string plain_file_name(const std::string& name, const std::string& what, const std::string& origin) {
  if (name.empty() || name.size() > 255 || name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos ||
      name.find('\0') != std::string::npos)
    throw std::runtime_error(origin + ": " + what + " must be a plain file name in the model folder");
  return name;
}
// The named float members of DepthCutOptions, each with its valid range.
struct DepthField {
  const char* key;
  float DepthCutOptions::*member;
  double lo, hi;
};
constexpr DepthField kDepthFields[] = {
    {"surface_jump_m", &DepthCutOptions::surface_jump_m, 1e-4, 1},   {"min_surface_cm2", &DepthCutOptions::min_surface_cm2, 0, 1e4},
    {"gap_m", &DepthCutOptions::gap_m, 0, 0.1},                      {"band_m", &DepthCutOptions::band_m, 1e-3, 5},
    {"min_hand_cm2", &DepthCutOptions::min_hand_cm2, 0, 1e5},       {"max_hand_cm2", &DepthCutOptions::max_hand_cm2, 0, 1e6},
    {"max_continued", &DepthCutOptions::max_continued, 0, 1},       {"hole_m", &DepthCutOptions::hole_m, 0, 0.1},
    {"centre_radius_m", &DepthCutOptions::centre_radius_m, 1e-3, 1}, {"window_m", &DepthCutOptions::window_m, 1e-2, 5},
    {"level_span_m", &DepthCutOptions::level_span_m, 1e-3, 10},      {"floor", &DepthCutOptions::floor, 0, 1},
};

double bounded(const nlohmann::json& v, const std::string& key, double lo, double hi) {
  if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
    throw std::runtime_error(key + " must be a number in [" + fmt::format("{:g}, {:g}", lo, hi) + "]");
  return v.get<double>();
}

void read_depth_section(const nlohmann::json& j, ModelCard& m) {
  m.has_depth = true;
  m.depth.size = m.config.network.size;
  for (const auto& f : kDepthFields) m.depth.*f.member = float(bounded(j.at("cut").at(f.key), std::string("depth.cut.") + f.key, f.lo, f.hi));
  m.depth.focal_px = float(bounded(j.at("camera").at("focal_px"), "depth.camera.focal_px", 1, 1e5));
  m.depth_unit_m = bounded(j.at("camera").at("unit_m"), "depth.camera.unit_m", 1e-7, 1);
}

}  // namespace

nlohmann::json depth_card_section(const DepthCutOptions& cut, double unit_m) {
  const auto decimal = [](double v) { return std::stod(fmt::format("{:.7g}", v)); };  // 0.15, not the float's 0.15000000596
  nlohmann::json section = {{"cut", nlohmann::json::object()}, {"camera", {{"focal_px", decimal(cut.focal_px)}, {"unit_m", decimal(unit_m)}}}};
  for (const auto& f : kDepthFields) section["cut"][f.key] = decimal(cut.*f.member);
  return section;
}

ModelCard parse_model_card(const std::string& text, const std::string& origin) {
  try {
    const auto card = parse_json(text, origin);
    ModelCard m;
    m.config = card.at("training").at("config").get<TrainConfig>();
    const auto& s = m.config.network;
    // The top-level sizes readers such as the page use must be the network's.
    const std::pair<const char*, int> sizes[] = {{"size", s.size}, {"channels", s.channels}, {"descriptor_size", s.descriptor}};
    for (const auto& [key, network_value] : sizes)
      if (card.contains(key) && checked_integer(card.at(key), key, 1, 1 << 20) != network_value)
        throw std::runtime_error(std::string(key) + " disagrees with the network's");
    const auto& files = card.at("files");
    m.encoder_file = plain_file_name(files.at("encoder").get<std::string>(), "files.encoder", origin);
    m.decoder_file = plain_file_name(files.at("decoder").get<std::string>(), "files.decoder", origin);
    if (files.contains("regressor")) m.regressor_file = plain_file_name(files.at("regressor").get<std::string>(), "files.regressor", origin);
    if (card.contains("ink_threshold")) {
      const auto& t = card.at("ink_threshold");
      if (!t.is_number() || !(t.get<double>() > 0 && t.get<double>() < 1)) throw std::runtime_error("ink_threshold must be in (0, 1)");
      m.ink_threshold = t.get<double>();
    }
    if (card.contains("glyph_size")) {
      const auto& g = card.at("glyph_size");
      if (!g.is_number() || !(g.get<double>() >= 2 && g.get<double>() <= 2000)) throw std::runtime_error("glyph_size must be in [2, 2000] px");
      m.glyph_size = g.get<double>();
    }
    if (card.contains("cluster_quantile")) {
      const auto& q = card.at("cluster_quantile");
      if (!q.is_number() || !(q.get<double>() > 0 && q.get<double>() <= 1)) throw std::runtime_error("cluster_quantile must be in (0, 1]");
      m.cluster_quantile = q.get<double>();
    }
    if (card.contains("depth")) read_depth_section(card.at("depth"), m);
    if (files.contains("pose")) {
      m.pose_file = plain_file_name(files.at("pose").get<std::string>(), "files.pose", origin);
      m.pose_shape = card.at("pose").at("shape").get<PoseShape>();
    }
    if (card.contains("checksums"))
      for (const auto& [file, sum] : card.at("checksums").items())
        m.checksums[plain_file_name(file, "a checksum's file", origin)] = sum.get<std::string>();
    // A damaged network file must not load as a working model: both are checksummed.
    for (const auto& file : {m.encoder_file, m.decoder_file})
      if (!m.checksums.count(file)) throw std::runtime_error("no checksum of " + file + " (export the model again)");
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(origin + " is not a model card of `tiae export`: " + e.what());
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    if (what.rfind(origin, 0) == 0) throw;
    throw std::runtime_error(origin + ": " + what);
  }
}

ModelCard read_model_card(const std::string& folder) {
  const std::string path = (fs::path(folder) / "model.json").string();
  return parse_model_card(read_file(path, 16u << 20), path);
}

std::string model_name(const std::string& folder) {
  const fs::path p = fs::path(folder).lexically_normal();
  return (p.filename().empty() ? p.parent_path().filename() : p.filename()).string();
}

ModelCard read_model_card_or_defaults(const std::string& folder) {
  return fs::exists(fs::path(folder) / "model.json") ? read_model_card(folder) : ModelCard{};
}

void merge_evaluation(nlohmann::json& card, const nlohmann::json& metrics, const std::string& name, const std::string& origin) {
  if (!metrics.contains("models") || !metrics["models"].contains(name))
    throw std::runtime_error(origin + " has no model " + name);
  card["metrics"] = metrics["models"][name];
  card["metrics"]["protocol"] = metrics["protocol"];
  if (metrics.contains("baselines")) card["metrics"]["baselines"] = metrics["baselines"];
  if (card["metrics"].contains("ink_threshold")) card["ink_threshold"] = card["metrics"]["ink_threshold"]["value"];
  // Real documents judge the threshold when the evaluation had them (evaluate_foreground.cpp).
  const auto& real = card["metrics"].contains("real_pages") ? card["metrics"]["real_pages"] : nlohmann::json();
  if (real.contains("tuned_threshold") && real["tuned_threshold"].contains("card_value"))
    card["ink_threshold"] = real["tuned_threshold"]["card_value"];
  if (card["metrics"].contains("cluster_quantile")) card["cluster_quantile"] = card["metrics"]["cluster_quantile"]["value"];
}

nlohmann::json record_evaluation(const std::string& folder, const std::string& eval_dir) {
  const FolderLock lock(folder);
  const std::string path = (fs::path(folder) / "model.json").string(), text = read_file(path, 16u << 20);
  parse_model_card(text, path);  // a valid card to begin with
  auto card = parse_json(text, path);
  const auto metrics_path = (fs::path(eval_dir) / "metrics.json").string();
  if (!fs::exists(metrics_path)) throw std::runtime_error("no metrics.json in " + eval_dir + " (run `tiae eval` first)");
  merge_evaluation(card, read_json_file(metrics_path), model_name(folder), metrics_path);
  parse_model_card(card.dump(), path);  // still valid
  // The card and the pictures of the same evaluation change together, in a copy of the
  // folder swapped in whole.
  replace_folder(folder, FolderStart::copy, [&](const std::string& fresh) {
    const fs::path eval(eval_dir), out(fresh);
    std::vector<std::pair<std::string, std::string>> copies = {
        {"flyers.png", "flyers.png"}, {"hard-pages.png", "hard-pages.png"},  // of the pages the metrics come from
        {"examples.json", "examples.json"},                                  // grasp models: a test pair of each class for the page
        {"document-" + model_name(folder) + ".png", "document.png"}};        // document models: page 0's heat map and peaks
    for (const auto& [from, to] : copies)
      if (fs::exists(eval / from)) write_file_atomically((out / to).string(), read_file((eval / from).string()));
    write_json_file((out / "model.json").string(), card);
  });
  return card;
}

std::string file_checksum(const std::string& path) {
  const std::string bytes = read_file(path, uintmax_t(4) << 30);  // a regular file only: a link to /dev/zero never ends
  uLong crc = crc32(0L, Z_NULL, 0);
  for (size_t at = 0; at < bytes.size(); at += 1u << 30)
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), uInt(std::min<size_t>(bytes.size() - at, 1u << 30)));
  return fmt::format("crc32:{:08x}", crc);
}

void verify_checksum(const std::string& path, const std::string& expected) {
  const auto actual = file_checksum(path);
  if (actual != expected)
    throw std::runtime_error(path + " is damaged (checksum " + actual + ", its card or checkpoint says " + expected + ")");
}

}  // namespace tiae
