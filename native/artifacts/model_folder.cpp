#include "artifacts/model_folder.h"

#include <filesystem>
#include <fstream>

#include "artifacts/model_card.h"
#include "artifacts/run_folder.h"
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
    if (!card.regressor_file.empty()) {
      // its weights are named "regressor.<layer>..." in the file, "<layer>..." in the module
      WeightMap stored;
      for (auto& [name, t] : read_onnx_weights((dir / card.regressor_file).string())) stored[name.substr(name.find('.') + 1)] = t;
      m.regressor = Regressor(m.config.network.channels, regressor_outputs(transform_grid(m.config)));
      load_weights(*m.regressor, stored, folder);
      m.regressor->to(device);
      m.regressor->eval();
    }
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
