// A training run's folder, what `tiae train` writes and `--resume`, `eval` and `export` read
// (torch-free: the trainer hands in the writing of its tensors):
//   config.json   the TrainConfig (written at start; --resume reads it)
//   log.jsonl     one JSON line per finished epoch: loss terms, learning rate, samples/s
//   checkpoint/   the last finished epoch: weights.bin (weights_file.h), optimizer.pt, and
//                 state.json (epochs and steps done, a CRC-32 of each file)
// A checkpoint is written aside and renamed into place, so a run killed at any moment keeps
// its last finished epoch; TIAE_FAULT=<point>:<epoch> kills the process at a named point
// of that (tests/test_resume.cpp).
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/train_config.h"

namespace tiae {

TrainConfig read_run_config(const std::string& run_dir);  // throws naming the folder if not a run
void write_run_config(const std::string& run_dir, const TrainConfig& config);

struct Checkpoint {
  std::string dir;  // checkpoint/, or checkpoint.old after a kill between the two renames
  int epochs_done = 0;
  long steps_done = 0;
};
// The run's last checkpoint with its files' checksums verified (a damaged file is an error
// naming it); none when the run has not finished an epoch.
std::optional<Checkpoint> last_checkpoint(const std::string& run_dir);
// The last checkpoint's weights.bin, verified; throws if the run has none.
std::string run_weights_path(const std::string& run_dir);

// A folder a new run may use: new, empty, or holding only what a run that never finished
// its first epoch left; never a run (that takes --resume) nor someone's other files.
void check_new_run_folder(const std::string& run_dir);

// Writes the checkpoint of `epochs_done` epochs: `write_files(dir)` writes weights.bin and
// optimizer.pt (none for an average of runs) into the folder it is given, then state.json
// is added and the folder renamed into place.
void save_checkpoint(const std::string& run_dir, int epochs_done, long steps_done,
                     const std::function<void(const std::string& dir)>& write_files);

void append_log(const std::string& run_dir, const nlohmann::json& line);
// Its lines, in order (none if it has no log yet).
std::vector<nlohmann::json> read_log(const std::string& run_dir);
// Keeps the log lines of the epochs the checkpoint holds (a killed run may have logged one more).
void trim_log(const std::string& run_dir, int epochs_done);

// The test hook: kills the process with SIGKILL when TIAE_FAULT is "<point>:<epoch>".
void fault_point(const char* point, int epoch);

}  // namespace tiae
