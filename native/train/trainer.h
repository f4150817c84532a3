// `tiae train`: one training run of the TIAE, of the ordinary auto-encoder baseline (both
// on shifted MNIST digits) or of a foreground extractor (digits over changing
// backgrounds). A run lives in one folder:
//   config.json      the TrainConfig (written at start; --resume reads it; settings but
//                    epochs and threads stay the run's)
//   log.jsonl        one JSON line per epoch: loss terms, learning rate, samples/s
//   checkpoint/      the last finished epoch: weights.bin (portable), optimizer.pt, state.json
// Checkpoints are written to a temporary folder and renamed into place, so a run killed at
// any moment resumes from its last finished epoch and ends with the same weights as a run
// that was never interrupted (same seed, CPU): every epoch's randomness (order, shifts,
// backgrounds) comes from its own generator seeded with (seed, epoch).
// Data-parallel across processes and machines when the environment describes ranks
// (train/distributed.h): every rank draws the same global batch, computes its part, and the
// gradients are all-reduced, so the run is the one-process run at the same batch size; rank 0
// alone reads and writes the run folder and sends the others what they need.
#pragma once
#include <functional>
#include <string>

#include "model/train_config.h"

namespace tiae {

struct RunOptions {
  std::string out_dir;
  std::string device = "auto";  // "auto" (CUDA when present), "cpu", "cuda"
  bool resume = false;          // continue the run in out_dir from its checkpoint
  bool force = false;           // a new run over a run in out_dir, whose files are removed
  bool progress = true;         // progress bar on stderr
};

// `configure` gives the run's settings; it is called on rank 0 (or the one process) only,
// with --resume once the run folder is locked: the other ranks take rank 0's.
void train(const std::function<TrainConfig()>& configure, const RunOptions& options);

}  // namespace tiae
