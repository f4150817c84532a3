#include "artifacts/model_folder.h"

#include <filesystem>
#include <fstream>

#include "artifacts/model_card.h"
#include "artifacts/run_folder.h"
#include "io/files.h"
#ifdef TIAE_HAVE_ONNX
#include "artifacts/onnx_export.h"
#endif

namespace tiae {
namespace fs = std::filesystem;

TrainConfig read_model_config(const std::string& folder) {
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) return read_model_card(folder).config;
  if (fs::exists(dir / "config.json")) return read_run_config(folder);
  throw std::runtime_error(folder + " is neither a model folder (model.json) nor a training run (config.json)");
}

LoadedModel load_model(const std::string& folder, torch::Device device) {
  LoadedModel m;
  m.origin = folder;
  m.config = read_model_config(folder);
  m.network = AutoEncoder(m.config.network);
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) {
#ifdef TIAE_HAVE_ONNX
    const auto card = read_model_card(folder);
    for (const auto& [file, sum] : card.checksums) verify_checksum((dir / file).string(), sum);
    WeightMap weights = read_onnx_weights((dir / card.encoder_file).string());
    weights.merge(read_onnx_weights((dir / card.decoder_file).string()));
    load_weights(*m.network, weights, folder);
#else
    throw std::runtime_error("this build reads no ONNX files (libonnx was not found): give a training run folder");
#endif
  } else {
    load_weights(*m.network, run_weights_path(folder));
  }
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

}  // namespace tiae
