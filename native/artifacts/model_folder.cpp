#include "artifacts/model_folder.h"

#include <filesystem>

#include <fmt/core.h>

#include "artifacts/model_card.h"
#include "artifacts/run_folder.h"
#include "io/files.h"
#ifdef TIAE_HAVE_ONNX
#include "artifacts/onnx_weights.h"
#endif

namespace tiae {
namespace fs = std::filesystem;

TrainConfig read_model_config(const std::string& folder) {
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) return read_model_card(folder).config;
  if (fs::exists(dir / "config.json")) return read_run_config(folder);
  throw std::runtime_error(folder + " is neither a model folder (model.json) nor a training run (config.json)");
}

namespace {
// The weights of a model or run folder, verified and bounded by their files.
WeightMap read_folder_weights(const std::string& folder) {
  const fs::path dir(folder);
  if (!fs::exists(dir / "model.json")) return read_weights_file(run_weights_path(folder));
#ifdef TIAE_HAVE_ONNX
  const auto card = read_model_card(folder);
  for (const auto& [file, sum] : card.checksums) verify_checksum((dir / file).string(), sum);
  WeightMap weights = read_onnx_weights((dir / card.encoder_file).string());
  weights.merge(read_onnx_weights((dir / card.decoder_file).string()));
  return weights;
#else
  throw std::runtime_error("this build reads no ONNX files (libonnx was not found): give a training run folder");
#endif
}
}  // namespace

LoadedModel load_model(const std::string& folder, torch::Device device) {
  LoadedModel m;
  m.origin = folder;
  m.config = read_model_config(folder);
  const WeightMap weights = read_folder_weights(folder);
  // The card's network against what its files hold, before it is built: a crafted card's
  // network could take gigabytes that no file backs.
  int64_t stored = 0;
  for (const auto& [name, t] : weights) stored += int64_t(t.data.size());
  if (stored < m.config.network.parameter_count())
    throw std::runtime_error(folder + ": its files hold " + std::to_string(stored) + " weights, its network has " +
                             std::to_string(m.config.network.parameter_count()));
  m.network = AutoEncoder(m.config.network);
  load_weights(*m.network, weights, folder);
#ifdef TIAE_HAVE_ONNX
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) {
    const auto card = read_model_card(folder);
    if (!card.regressor_file.empty()) {  // checksummed with the rest (read_folder_weights)
      // its weights are named "regressor.<layer>..." in the file, "<layer>..." in the module
      WeightMap stored;
      for (auto& [name, t] : read_onnx_weights((dir / card.regressor_file).string())) stored[name.substr(name.find('.') + 1)] = t;
      m.regressor = Regressor(m.config.network.channels, regressor_outputs(transform_grid(m.config)));
      load_weights(*m.regressor, stored, folder);
      m.regressor->to(device);
      m.regressor->eval();
    }
  }
#endif
  m.network->to(device);
  m.network->eval();
  return m;
}

bool has_pose_regressor(const std::string& folder) {
  const fs::path dir(folder);
  return fs::exists(dir / "model.json") ? !read_model_card(folder).pose_file.empty() : fs::exists(dir / "pose" / "pose.json");
}

PoseRegressor load_pose_regressor(const std::string& folder, torch::Device device) {
  const fs::path dir(folder);
  PoseRegressor r{nullptr};
  if (fs::exists(dir / "model.json")) {
#ifdef TIAE_HAVE_ONNX
    const auto card = read_model_card(folder);
    if (card.pose_file.empty()) throw std::runtime_error(folder + " has no robot hand regressor (pose.onnx)");
    r = PoseRegressor(card.pose_shape);
    load_weights(*r, read_onnx_weights((dir / card.pose_file).string()), folder);
#else
    throw std::runtime_error("this build reads no ONNX files (libonnx was not found): give a training run folder");
#endif
  } else {
    if (!fs::exists(dir / "pose" / "pose.json")) throw std::runtime_error(folder + " has no robot hand regressor (run `tiae pose " + folder + "`)");
    r = PoseRegressor(read_json_file((dir / "pose" / "pose.json").string()).at("shape").get<PoseShape>());
    load_weights(*r, (dir / "pose" / "weights.bin").string());
  }
  r->to(device);
  r->eval();
  return r;
}

DepthCutOptions model_depth_cut(const std::string& folder) {
  if (fs::exists(fs::path(folder) / "model.json")) {
    const auto card = read_model_card(folder);
    if (card.has_depth) return card.depth;
  }
  const auto config = read_model_config(folder);
  auto cut = depth_cut_options(config);
  cut.size = config.network.size;
  return cut;
}

DepthCutOptions common_depth_cut(const std::vector<std::string>& folders) {
  const auto cut = model_depth_cut(folders.at(0));
  for (const auto& folder : folders)
    if (const auto other = model_depth_cut(folder); other.window_m != cut.window_m)
      throw std::runtime_error(fmt::format("{} cuts hands out by a {:g} m window, {} by {:g} m: compare them apart", folders[0],
                                           cut.window_m, folder, other.window_m));
  return cut;
}

}  // namespace tiae
