#include "model_folder.h"

#include <filesystem>
#include <fstream>

#include "trainer.h"
#ifdef TIAE_HAVE_ONNX
#include "onnx_export.h"
#endif

namespace tiae {
namespace fs = std::filesystem;

LoadedModel load_model(const std::string& folder, torch::Device device) {
  LoadedModel m;
  m.origin = folder;
  const fs::path dir(folder);
  if (fs::exists(dir / "model.json")) {
#ifdef TIAE_HAVE_ONNX
    nlohmann::json card;
    try {
      card = nlohmann::json::parse(std::ifstream(dir / "model.json"));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error((dir / "model.json").string() + " is not valid JSON: " + e.what());
    }
    if (!card.contains("network") || !card.contains("training"))
      throw std::runtime_error((dir / "model.json").string() + " is not a model card of `tiae export`");
    const auto config = card["training"]["config"].get<TrainConfig>();
    m.network = AutoEncoder(card["network"].get<NetworkShape>());
    WeightMap weights = read_onnx_weights((dir / "encoder.onnx").string());
    weights.merge(read_onnx_weights((dir / "decoder.onnx").string()));
    load_weights(*m.network, weights, folder);
    m.kind = config.kind;
    m.max_shift = config.max_shift;
#else
    throw std::runtime_error("this build reads no ONNX files (libonnx was not found): give a training run folder");
#endif
  } else if (fs::exists(dir / "config.json")) {
    const auto config = read_run_config(folder);
    m.network = AutoEncoder(config.network);
    load_weights(*m.network, run_weights_path(folder));
    m.kind = config.kind;
    m.max_shift = config.max_shift;
  } else {
    throw std::runtime_error(folder + " is neither a model folder (model.json) nor a training run (config.json)");
  }
  m.network->to(device);
  m.network->eval();
  return m;
}

}  // namespace tiae
