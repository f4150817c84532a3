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

fs::path checkpoint_dir(const fs::path& run) {
  if (fs::exists(run / "checkpoint" / "state.json")) return run / "checkpoint";
  if (fs::exists(run / "checkpoint.old" / "state.json")) return run / "checkpoint.old";
  return {};
}

}  // namespace

TrainConfig read_run_config(const std::string& run_dir) {
  if (!fs::exists(fs::path(run_dir) / "config.json"))
    throw std::runtime_error(run_dir + " is not a training run (it has no config.json)");
  return read_json_file((fs::path(run_dir) / "config.json").string()).get<TrainConfig>();
}

void write_run_config(const std::string& run_dir, const TrainConfig& config) {
  write_json_file((fs::path(run_dir) / "config.json").string(), config);
}

std::optional<Checkpoint> last_checkpoint(const std::string& run_dir) {
  const fs::path dir = checkpoint_dir(run_dir);
  if (dir.empty()) return std::nullopt;
  // Checkpoints written before checksums were recorded have none.
  const auto state = read_json_file((dir / "state.json").string());
  if (state.contains("checksums"))
    for (const auto& [file, sum] : state.at("checksums").items()) verify_checksum((dir / file).string(), sum.get<std::string>());
  return Checkpoint{dir.string(), state.at("epochs_done").get<int>(), state.at("steps_done").get<long>()};
}

std::string run_weights_path(const std::string& run_dir) {
  const auto checkpoint = last_checkpoint(run_dir);
  if (!checkpoint) throw std::runtime_error(run_dir + " is not a training run with a checkpoint");
  return (fs::path(checkpoint->dir) / "weights.bin").string();
}

void check_new_run_folder(const std::string& run_dir) {
  const fs::path run(run_dir);
  if (!checkpoint_dir(run).empty())
    throw std::runtime_error(run_dir + " already holds a run: add --resume to continue it, or choose another folder");
  std::error_code ec;
  if (fs::exists(run, ec) && !fs::is_directory(run, ec)) throw std::runtime_error(run_dir + " exists and is not a folder");
  if (!fs::exists(run, ec)) return;
  const std::set<std::string> ours = {"config.json", "log.jsonl", "training-batch.png", "checkpoint.tmp"};
  for (const auto& entry : fs::directory_iterator(run))
    if (!ours.count(entry.path().filename().string()))
      throw std::runtime_error(run_dir + " holds other files (" + entry.path().filename().string() +
                               "): train into a new or empty folder");
}

void save_checkpoint(const std::string& run_dir, int epochs_done, long steps_done,
                     const std::function<void(const std::string& dir)>& write_files) {
  const fs::path run(run_dir), tmp = run / "checkpoint.tmp", final = run / "checkpoint", old = run / "checkpoint.old";
  remove_flat_folder(tmp);
  fs::create_directories(tmp);
  write_files(tmp.string());
  nlohmann::json checksums = {{"weights.bin", file_checksum((tmp / "weights.bin").string())}};
  if (fs::exists(tmp / "optimizer.pt")) checksums["optimizer.pt"] = file_checksum((tmp / "optimizer.pt").string());
  write_json_file((tmp / "state.json").string(), {{"epochs_done", epochs_done}, {"steps_done", steps_done}, {"checksums", checksums}});
  fault_point("checkpoint-written", epochs_done);
  remove_flat_folder(old);
  if (fs::exists(final)) fs::rename(final, old);
  fault_point("between-renames", epochs_done);
  fs::rename(tmp, final);
  remove_flat_folder(old);
}

void append_log(const std::string& run_dir, const nlohmann::json& line) {
  std::ofstream log(fs::path(run_dir) / "log.jsonl", std::ios::app);
  log << line.dump() << "\n";
  log.close();
  if (!log) throw std::runtime_error("cannot write " + run_dir + "/log.jsonl");
}

std::vector<nlohmann::json> read_log(const std::string& run_dir) {
  const fs::path log = fs::path(run_dir) / "log.jsonl";
  std::vector<nlohmann::json> lines;
  if (!fs::exists(log)) return lines;
  std::istringstream in(read_file(log.string()));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

void trim_log(const std::string& run_dir, int epochs_done) {
  std::string kept;
  for (const auto& line : read_log(run_dir))
    if (line.value("epoch", 0) <= epochs_done) kept += line.dump() + "\n";
  write_file_atomically((fs::path(run_dir) / "log.jsonl").string(), kept);
}

void fault_point(const char* point, int epoch) {
  static const char* spec = std::getenv("TIAE_FAULT");
  if (spec && spec == fmt::format("{}:{}", point, epoch)) std::raise(SIGKILL);
}

}  // namespace tiae
