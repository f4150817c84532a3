#include "train/epoch_checkpoint.h"

#include <filesystem>

#include "artifacts/run_folder.h"
#include "model/network.h"

namespace tiae {
namespace fs = std::filesystem;

void save_epoch_checkpoint(const std::string& run_dir, int epochs_done, long steps_done, const EpochState& state) {
  save_checkpoint(run_dir, epochs_done, steps_done, [&](const std::string& dir) {
    for (const auto& [file, module] : state.weights) save_weights(*module, (fs::path(dir) / file).string());
    torch::save(*state.optimizer, (fs::path(dir) / "optimizer.pt").string());
    torch::save(at::detail::getDefaultCPUGenerator().get_state(), (fs::path(dir) / "generator.pt").string());
  });
}

int resume_epoch_checkpoint(const std::string& run_dir, const EpochState& state) {
  const auto cp = recover_checkpoint(run_dir);
  if (!cp) throw std::runtime_error("--resume: " + run_dir + " has not finished an epoch yet: start it again without --resume");
  for (const auto& [file, module] : state.weights) load_weights(*module, (fs::path(cp->dir) / file).string());
  torch::load(*state.optimizer, (fs::path(cp->dir) / "optimizer.pt").string());
  torch::Tensor generator_state;
  torch::load(generator_state, (fs::path(cp->dir) / "generator.pt").string());
  at::Generator generator = at::detail::getDefaultCPUGenerator();  // a handle on the default one
  generator.set_state(generator_state);
  trim_log(run_dir, cp->epochs_done);
  return cp->epochs_done;
}

}  // namespace tiae
