#include "artifacts/run_folder.h"

#include <fmt/core.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "artifacts/model_card.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

void write_json(const fs::path& path, const nlohmann::json& j) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

fs::path checkpoint_dir(const fs::path& run) {
  if (fs::exists(run / "checkpoint" / "state.json")) return run / "checkpoint";
  if (fs::exists(run / "checkpoint.old" / "state.json")) return run / "checkpoint.old";
  return {};
}

// The checkpoint folder holds only these files. They are removed one by one rather than with
// fs::remove_all: PyTorch's pip wheels export a std::filesystem::remove_all of their own
// from libtorch.so, which crashes when called from code built with a newer libstdc++.
void remove_checkpoint_folder(const fs::path& dir) {
  std::error_code ignored;
  for (const char* name : {"weights.bin", "optimizer.pt", "state.json"}) fs::remove(dir / name, ignored);
  fs::remove(dir, ignored);
}

}  // namespace

TrainConfig read_run_config(const std::string& run_dir) {
  if (!fs::exists(fs::path(run_dir) / "config.json"))
    throw std::runtime_error(run_dir + " is not a training run (it has no config.json)");
  return read_json(fs::path(run_dir) / "config.json").get<TrainConfig>();
}

void write_run_config(const std::string& run_dir, const TrainConfig& config) {
  write_json(fs::path(run_dir) / "config.json", config);
}

std::optional<Checkpoint> last_checkpoint(const std::string& run_dir) {
  const fs::path dir = checkpoint_dir(run_dir);
  if (dir.empty()) return std::nullopt;
  // Checkpoints written before checksums were recorded have none.
  const auto state = read_json(dir / "state.json");
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
  remove_checkpoint_folder(tmp);
  fs::create_directories(tmp);
  write_files(tmp.string());
  write_json(tmp / "state.json", {{"epochs_done", epochs_done},
                                  {"steps_done", steps_done},
                                  {"checksums",
                                   {{"weights.bin", file_checksum((tmp / "weights.bin").string())},
                                    {"optimizer.pt", file_checksum((tmp / "optimizer.pt").string())}}}});
  fault_point("checkpoint-written", epochs_done);
  remove_checkpoint_folder(old);
  if (fs::exists(final)) fs::rename(final, old);
  fault_point("between-renames", epochs_done);
  fs::rename(tmp, final);
  remove_checkpoint_folder(old);
}

void append_log(const std::string& run_dir, const nlohmann::json& line) {
  std::ofstream log(fs::path(run_dir) / "log.jsonl", std::ios::app);
  log << line.dump() << "\n";
  log.close();
  if (!log) throw std::runtime_error("cannot write " + run_dir + "/log.jsonl");
}

void trim_log(const std::string& run_dir, int epochs_done) {
  const fs::path log = fs::path(run_dir) / "log.jsonl";
  std::ifstream in(log);
  std::vector<std::string> kept;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && nlohmann::json::parse(line).value("epoch", 0) <= epochs_done) kept.push_back(line);
  in.close();
  std::ofstream out(log, std::ios::trunc);
  for (const auto& l : kept) out << l << "\n";
}

void fault_point(const char* point, int epoch) {
  static const char* spec = std::getenv("TIAE_FAULT");
  if (spec && spec == fmt::format("{}:{}", point, epoch)) std::raise(SIGKILL);
}

}  // namespace tiae
