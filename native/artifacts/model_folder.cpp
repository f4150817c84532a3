#include "artifacts/model_folder.h"

#include <filesystem>

#include "artifacts/model_card.h"
#include "artifacts/run_folder.h"
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
  m.network->to(device);
  m.network->eval();
  return m;
}

}  // namespace tiae
