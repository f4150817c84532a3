// The checkpoint of the small trainers (`tiae regressor`, `tiae pose`) at the end of an
// epoch, in run_folder.h's checkpoint/: their networks' weights, Adam's state and the CPU
// random generator's, so that a run resumed after a kill draws the same numbers and ends
// with the weights of a run never killed.
#pragma once
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace tiae {

struct EpochState {
  std::vector<std::pair<std::string, torch::nn::Module*>> weights;  // file name (weights.bin first) -> network
  torch::optim::Optimizer* optimizer;                              // optimizer.pt
};

void save_epoch_checkpoint(const std::string& run_dir, int epochs_done, long steps_done, const EpochState& state);
// Loads the run's last checkpoint into `state` and the generator, trims the log to it;
// returns the epochs done. Throws when the run has not finished an epoch.
int resume_epoch_checkpoint(const std::string& run_dir, const EpochState& state);

}  // namespace tiae
