// A training run's folder, what `tiae train` writes and `--resume`, `eval` and `export` read
// (torch-free: the trainer hands in the writing of its tensors):
//   config.json   the TrainConfig (written at start; --resume reads it)
//   log.jsonl     one JSON line per finished epoch: loss terms, learning rate, samples/s
//   checkpoint/   the last finished epoch: weights.bin (weights_file.h), optimizer.pt, and
//                 state.json (epochs and steps done, a CRC-32 of each file)
// A checkpoint is written aside (checkpoint.tmp, complete once its state.json is there) and
// renamed into place, the one before it kept as checkpoint.old until then, so a run killed at
// any moment, any number of times, keeps its last finished epoch; TIAE_FAULT=<point>:<epoch>
// kills the process at a named point of that (tests/test_resume.cpp). Writers hold the
// folder's lock (io/folder_lock.h).
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/train_config.h"

namespace tiae {

TrainConfig read_run_config(const std::string& run_dir);  // throws naming the folder if not a run
// The settings a resumed run continues with: the run's, with `overrides` (the flags given,
// setting key -> value) put over them. Only epochs and threads may change; another setting
// given with a value other than the run's is refused, before anything is written (a run
// resumed on other data or another network could no longer be resumed nor loaded).
TrainConfig read_resumed_config(const std::string& run_dir, const nlohmann::json& overrides);
void write_run_config(const std::string& run_dir, const TrainConfig& config);

struct Checkpoint {
  std::string dir;  // checkpoint/; after kills while renaming, checkpoint.tmp or checkpoint.old
  int epochs_done = 0;
  long steps_done = 0;
};
// The run's last checkpoint with its files' checksums verified (a damaged checkpoint/ is an
// error naming the file; a damaged checkpoint.tmp was not finished and is passed over);
// none when the run has not finished an epoch.
std::optional<Checkpoint> last_checkpoint(const std::string& run_dir);
// The same for the run's writer (holding its lock): a checkpoint found in checkpoint.tmp or
// checkpoint.old is renamed into place as checkpoint/ and the others removed.
std::optional<Checkpoint> recover_checkpoint(const std::string& run_dir);
// The last checkpoint's weights.bin, verified; throws if the run has none.
std::string run_weights_path(const std::string& run_dir);

// Makes the folder for a new run: new, empty, or holding only what a run that never finished
// its first epoch left (removed); never a run with a checkpoint (that takes --resume; `start_over`
// removes its files first) nor someone's other files. Call it holding the folder's lock.
void prepare_new_run_folder(const std::string& run_dir, bool start_over = false);

// Writes the checkpoint of `epochs_done` epochs: `write_files(dir)` writes weights.bin and
// optimizer.pt (none for an average of runs) into the folder it is given, then state.json
// is added and the folder renamed into place.
void save_checkpoint(const std::string& run_dir, int epochs_done, long steps_done,
                     const std::function<void(const std::string& dir)>& write_files);

void append_log(const std::string& run_dir, const nlohmann::json& line);
// Its lines, in order (none if it has no log yet). A last line cut short (a full disk or a kill
// while it was written) is dropped with a warning; any other bad line is an error naming it.
std::vector<nlohmann::json> read_log(const std::string& run_dir);
// The same from the log's text; `origin` names it, `cut` (if given) tells whether a cut last
// line was dropped.
std::vector<nlohmann::json> parse_log(const std::string& text, const std::string& origin, bool* cut = nullptr);
// Keeps the log lines of the epochs the checkpoint holds (a killed run may have logged one more).
void trim_log(const std::string& run_dir, int epochs_done);

// The test hook: kills the process with SIGKILL when TIAE_FAULT is "<point>:<epoch>".
void fault_point(const char* point, int epoch);

}  // namespace tiae
