#include "artifacts/run_folder.h"

#include <fmt/core.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "artifacts/model_card.h"
#include "io/files.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCheckpoint = "checkpoint";
constexpr const char* kNew = "checkpoint.tmp";  // being written; complete once its state.json is there
constexpr const char* kOld = "checkpoint.old";  // the one before, until the new one is in place

bool has_state(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "state.json", ec);
}

// The checkpoint in `dir`, its files verified; throws naming a damaged file.
Checkpoint read_checkpoint(const fs::path& dir) {
  const auto state = read_json_file((dir / "state.json").string());
  if (state.contains("checksums"))  // checkpoints written before checksums were recorded have none
    for (const auto& [file, sum] : state.at("checksums").items()) verify_checksum((dir / file).string(), sum.get<std::string>());
  return Checkpoint{dir.string(), state.at("epochs_done").get<int>(), state.at("steps_done").get<long>()};
}

// checkpoint/ is missing only between save_checkpoint's renames (or after kills there): then
// the newest of checkpoint.tmp (if it verifies) and checkpoint.old holds the last epoch.
std::optional<Checkpoint> find_checkpoint(const fs::path& run) {
  if (has_state(run / kCheckpoint)) return read_checkpoint(run / kCheckpoint);
  std::optional<Checkpoint> found;
  if (has_state(run / kOld)) found = read_checkpoint(run / kOld);
  if (has_state(run / kNew)) {
    try {
      const auto fresh = read_checkpoint(run / kNew);
      if (!found || fresh.epochs_done > found->epochs_done) found = fresh;
    } catch (const std::exception&) {  // damaged after it was written: not a checkpoint to trust
    }
  }
  return found;
}

// The names a run folder holds: its own files, and temporaries of writes a kill interrupted.
bool run_file(const std::string& name) {
  static const std::set<std::string> ours = {"config.json", "log.jsonl", "training-batch.png", "averaged.json",
                                             kCheckpoint,   kNew,        kOld};
  return ours.count(name) || name.rfind(".tmp-", 0) == 0;
}

}  // namespace

TrainConfig read_run_config(const std::string& run_dir) {
  if (!fs::exists(fs::path(run_dir) / "config.json"))
    throw std::runtime_error(run_dir + " is not a training run (it has no config.json)");
  return read_json_file((fs::path(run_dir) / "config.json").string()).get<TrainConfig>();
}

TrainConfig read_resumed_config(const std::string& run_dir, const nlohmann::json& overrides) {
  nlohmann::json settings = read_run_config(run_dir);
  for (const auto& [key, value] : overrides.items())
    if (key != "epochs" && key != "threads" && settings.contains(key) && settings[key] != value)
      throw std::runtime_error(fmt::format("--resume continues {} with its own settings: {} is {} there, not {} (only epochs and "
                                           "threads may change; a new run takes another folder, or --init {})",
                                           run_dir, key, settings[key].dump(), value.dump(), run_dir));
  settings.update(overrides);
  return settings.get<TrainConfig>();
}

void write_run_config(const std::string& run_dir, const TrainConfig& config) {
  write_json_file((fs::path(run_dir) / "config.json").string(), config);
}

std::optional<Checkpoint> last_checkpoint(const std::string& run_dir) { return find_checkpoint(run_dir); }

std::optional<Checkpoint> recover_checkpoint(const std::string& run_dir) {
  const fs::path run(run_dir);
  auto found = find_checkpoint(run);
  if (found && fs::path(found->dir).filename() != kCheckpoint) {
    fs::rename(found->dir, run / kCheckpoint);
    found->dir = (run / kCheckpoint).string();
  }
  for (const char* leftover : {kNew, kOld}) remove_flat_folder((run / leftover).string());
  return found;
}

std::string run_weights_path(const std::string& run_dir) {
  const auto checkpoint = last_checkpoint(run_dir);
  if (!checkpoint) throw std::runtime_error(run_dir + " is not a training run with a checkpoint");
  return (fs::path(checkpoint->dir) / "weights.bin").string();
}

void prepare_new_run_folder(const std::string& run_dir, bool start_over) {
  const fs::path run(run_dir);
  std::error_code ec;
  const auto status = fs::symlink_status(run, ec);
  if (fs::is_symlink(status)) throw std::runtime_error(run_dir + " is a symbolic link: give the folder itself");
  if (fs::exists(status) && !fs::is_directory(status)) throw std::runtime_error(run_dir + " exists and is not a folder");
  if (fs::exists(status)) {
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(run)) {
      if (!run_file(entry.path().filename().string()))
        throw std::runtime_error(run_dir + " holds other files (" + entry.path().filename().string() + "): train into a new or empty folder");
      entries.push_back(entry.path());
    }
    if (!start_over && (has_state(run / kCheckpoint) || has_state(run / kNew) || has_state(run / kOld)))
      throw std::runtime_error(run_dir + " already holds a run with a checkpoint: add --resume to continue it, --force to start it "
                               "over (its checkpoint is lost), or choose another folder");
    for (const auto& entry : entries)
      if (fs::is_directory(fs::symlink_status(entry, ec))) remove_flat_folder(entry.string());
      else fs::remove(entry, ec);
  }
  fs::create_directories(run);
}

void save_checkpoint(const std::string& run_dir, int epochs_done, long steps_done,
                     const std::function<void(const std::string& dir)>& write_files) {
  const fs::path run(run_dir), fresh = run / kNew, final = run / kCheckpoint, old = run / kOld;
  remove_flat_folder(fresh.string());
  fs::create_directories(fresh);
  write_files(fresh.string());
  if (!fs::exists(fresh / "weights.bin")) throw std::logic_error("a checkpoint without weights.bin");
  nlohmann::json checksums = nlohmann::json::object();  // every file written (weights, optimizer, generator...)
  for (const auto& entry : fs::directory_iterator(fresh)) checksums[entry.path().filename().string()] = file_checksum(entry.path().string());
  write_json_file((fresh / "state.json").string(), {{"epochs_done", epochs_done}, {"steps_done", steps_done}, {"checksums", checksums}});
  fault_point("checkpoint-written", epochs_done);
  // The one before is set aside only when there is one in place: a checkpoint.old that a
  // killed run left stays the last epoch until the new one is in place.
  if (fs::exists(final)) {
    remove_flat_folder(old.string());
    fs::rename(final, old);
  }
  fault_point("between-renames", epochs_done);
  fs::rename(fresh, final);
  remove_flat_folder(old.string());
}

void append_log(const std::string& run_dir, const nlohmann::json& line) {
  std::ofstream log(fs::path(run_dir) / "log.jsonl", std::ios::app);
  log << line.dump() << "\n";
  log.close();
  if (!log) throw std::runtime_error("cannot write " + run_dir + "/log.jsonl");
}

std::vector<nlohmann::json> parse_log(const std::string& text, const std::string& origin, bool* cut) {
  std::vector<std::string> rows;
  std::istringstream in(text);
  for (std::string row; std::getline(in, row);) rows.push_back(row);
  if (cut) *cut = false;
  std::vector<nlohmann::json> lines;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].empty()) continue;
    const bool last = i + 1 == rows.size();
    try {
      auto line = parse_json(rows[i], fmt::format("{} line {}", origin, i + 1));
      if (!line.is_object() || !line.contains("epoch") || !line["epoch"].is_number_integer())
        throw std::runtime_error(fmt::format("{} line {} is not an epoch's line", origin, i + 1));
      lines.push_back(std::move(line));
    } catch (const std::runtime_error&) {
      if (!last) throw;
      if (cut) *cut = true;  // written last: cut short by a full disk or a kill
    }
  }
  return lines;
}

std::vector<nlohmann::json> read_log(const std::string& run_dir) {
  const fs::path log = fs::path(run_dir) / "log.jsonl";
  if (!fs::exists(log)) return {};
  bool cut = false;
  auto lines = parse_log(read_file(log.string()), log.string(), &cut);
  if (cut)
    fmt::print(stderr, "tiae: warning: {}: its last line is cut short (a full disk or a kill while it was written): left out\n",
               log.string());
  return lines;
}

void trim_log(const std::string& run_dir, int epochs_done) {
  std::string kept;
  for (const auto& line : read_log(run_dir))
    if (line.at("epoch").get<int64_t>() <= epochs_done) kept += line.dump() + "\n";
  write_file_atomically((fs::path(run_dir) / "log.jsonl").string(), kept);
}

void fault_point(const char* point, int epoch) {
  static const char* spec = std::getenv("TIAE_FAULT");
  if (spec && spec == fmt::format("{}:{}", point, epoch)) std::raise(SIGKILL);
}

}  // namespace tiae
