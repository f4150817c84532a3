#include "model_folder.h"

#include <filesystem>
#include <fstream>

#include "trainer.h"
#ifdef TIAE_HAVE_ONNX
#include "onnx_export.h"
#endif

namespace tiae {
namespace fs = std::filesystem;

TrainConfig read_model_config(const std::string& folder) {
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) {
    try {
      const auto card = nlohmann::json::parse(std::ifstream(dir / "model.json"));
      return card.at("training").at("config").get<TrainConfig>();
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error((dir / "model.json").string() + " is not a model card of `tiae export`: " + e.what());
    }
  }
  if (fs::exists(dir / "config.json")) return read_run_config(folder);
  throw std::runtime_error(folder + " is neither a model folder (model.json) nor a training run (config.json)");
}

std::string model_name(const std::string& folder) {
  const fs::path p(folder);
  return (p.filename().empty() ? p.parent_path().filename() : p.filename()).string();
}

LoadedModel load_model(const std::string& folder, torch::Device device) {
  LoadedModel m;
  m.origin = folder;
  m.config = read_model_config(folder);
  m.network = AutoEncoder(m.config.network);
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) {
#ifdef TIAE_HAVE_ONNX
    WeightMap weights = read_onnx_weights((dir / "encoder.onnx").string());
    weights.merge(read_onnx_weights((dir / "decoder.onnx").string()));
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

}  // namespace tiae
