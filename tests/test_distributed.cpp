// Runs the real `tiae` program as several data-parallel ranks on Gloo (native/train/distributed.h):
// two ranks train as one process at the same global batch (same loss terms, same weights,
// a partial last batch included), only rank 0 reads or writes the run folder, a resumed
// two-rank run ends where an uninterrupted one does, and bad settings or a failing rank end
// every process with a message.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_run.h"
#include "train/launcher.h"
#include "run_weights.h"

namespace fs = std::filesystem;

namespace {
// 195 digits in batches of 48: the last batch has 3, of which rank 0 takes 1 and rank 1 two.
const std::string kArgs = "--kind tiae --epochs 2 --train-samples 195 --batch 48 --views 2 --threads 1 --seed 11 --no-progress --device cpu";

std::vector<nlohmann::json> log_lines(const fs::path& run) {
  std::ifstream log(run / "log.jsonl");
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(log, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::set<std::string> entries(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) names.insert(e.path().filename().string());
  return names;
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

// The same epochs with the same loss terms (relative 1e-4), and the same final weights.
void check_same_training(const fs::path& one, const fs::path& two) {
  const auto a = log_lines(one), b = log_lines(two);
  REQUIRE(a.size() == b.size());
  for (size_t e = 0; e < a.size(); ++e)
    for (const char* term : {"loss", "c_inv", "c_res", "c_spa", "c_rec"}) {
      if (!a[e].contains(term)) continue;
      const double x = a[e][term], y = b[e].at(term);
      INFO("epoch " << e + 1 << ", " << term << ": " << x << " in one process, " << y << " in two");
      CHECK(std::abs(x - y) <= 1e-4 * std::abs(x));
    }
  CHECK(weights_difference(one, two) < 1e-4f);
}

// One rank started by hand, as on another machine: `tiae train` with the rank's environment.
pid_t start_rank(int rank, int port, const std::string& args, const fs::path& output) {
  const std::string command = "RANK=" + std::to_string(rank) + " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" +
                              std::to_string(port) + " " + TIAE_CLI + " train " + args + " > '" + output.string() + "' 2>&1";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int exit_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string file_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("two Gloo ranks train as one process at the same global batch, a partial last batch included") {
  const fs::path base = fs::absolute("distributed_test") / "equal";
  fs::remove_all(base);
  // tiae: the last batch splits 1 + 2; ae on 193 digits: its last batch of 1 leaves rank 0 nothing
  const std::string ae_args = "--kind ae --epochs 1 --train-samples 193 --batch 48 --threads 1 --seed 5 --no-progress --device cpu";
  for (const auto& [kind, args] : {std::pair{std::string("tiae"), kArgs}, std::pair{std::string("ae"), ae_args}}) {
    INFO(kind);
    const fs::path one = base / (kind + "-one"), two = base / (kind + "-two");
    REQUIRE(run_cli("train -o " + one.string() + " " + args).status == 0);
    const auto ranks = run_cli("train -o " + two.string() + " " + args + " --nproc 2");
    INFO(ranks.output);
    REQUIRE(ranks.status == 0);
    check_same_training(one, two);
    // only rank 0 wrote and printed: the same files, one log line per epoch, each epoch printed once
    CHECK(entries(two) == entries(one));
    CHECK(entries(two / "checkpoint") == entries(one / "checkpoint"));
    CHECK(log_lines(two).size() == log_lines(one).size());
    CHECK(occurrences(ranks.output, "epoch   1/") == 1);
    CHECK(occurrences(ranks.output, "training " + kind) == 1);
  }
}

TEST_CASE("two ranks killed after their first epoch resume to the uninterrupted run's weights, rank 0 alone reading the run") {
  const fs::path base = fs::absolute("distributed_test") / "resume";
  fs::remove_all(base);
  fs::create_directories(base);
  REQUIRE(run_cli("train -o " + (base / "straight").string() + " " + kArgs).status == 0);

  const fs::path run = base / "killed";
  const auto killed = run_cli("train -o " + run.string() + " " + kArgs + " --nproc 2", "TIAE_FAULT=after-log:2");
  INFO(killed.output);
  REQUIRE(killed.status == 1);
  CHECK(killed.output.find("rank 0 of 2 was killed by signal 9") != std::string::npos);
  REQUIRE(log_lines(run).size() == 2);  // epoch 2 logged, its checkpoint not written
  CHECK(nlohmann::json::parse(file_text(run / "checkpoint" / "state.json")).at("epochs_done") == 1);

  // Resumed by two ranks started by hand: rank 1, as on another machine, names a folder that
  // does not exist and no settings; it gets the settings, weights and optimizer from rank 0.
  const int port = tiae::free_port();
  const fs::path elsewhere = base / "not-on-this-machine";
  const pid_t rank0 = start_rank(0, port, "-o " + run.string() + " --resume --no-progress --device cpu", base / "rank0.txt");
  const pid_t rank1 = start_rank(1, port, "-o " + elsewhere.string() + " --resume --no-progress --device cpu", base / "rank1.txt");
  const int status0 = exit_status(rank0), status1 = exit_status(rank1);
  INFO("rank 0: " << file_text(base / "rank0.txt") << "\nrank 1: " << file_text(base / "rank1.txt"));
  REQUIRE(status0 == 0);
  REQUIRE(status1 == 0);
  CHECK(!fs::exists(elsewhere));
  CHECK(file_text(base / "rank1.txt").empty());  // rank 1 prints nothing either
  CHECK(weights_difference(base / "straight", run) < 1e-4f);
  const auto lines = log_lines(run);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("epoch") == 1);
  CHECK(lines[1].at("epoch") == 2);
}

TEST_CASE("bad rank settings are refused with a message before anything is written") {
  const fs::path run = fs::absolute("distributed_test") / "refused";
  fs::remove_all(run);
  const std::string train = "train -o " + run.string() + " " + kArgs;
  const std::vector<std::pair<std::string, std::string>> cases = {
      // {environment, flags}, the message expected
      {"RANK=2 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29500", ""},
      {"RANK=1 WORLD_SIZE=2 env -u MASTER_ADDR", ""},
      {"RANK=0", ""},
      {"RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=70000", ""},
      {"WORLD_SIZE=two", ""},
      {"RANK=0 WORLD_SIZE=2", "--nproc 2"},
  };
  const std::vector<std::string> messages = {"RANK=2 but WORLD_SIZE=2", "WORLD_SIZE=2 needs MASTER_ADDR",
                                             "RANK is set but WORLD_SIZE is not", "MASTER_PORT=70000: expected an integer",
                                             "WORLD_SIZE=two: expected an integer", "--nproc starts its own ranks"};
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto result = run_cli(train + " " + cases[i].second, "timeout 60 env -u RANK -u WORLD_SIZE " + cases[i].first);
    INFO(cases[i].first << " " << cases[i].second << ": " << result.output);
    CHECK(result.status == 1);
    CHECK(result.output.find("tiae: error: " + messages[i]) != std::string::npos);
    CHECK(!fs::exists(run));
  }
  // A number out of --nproc's range is a command-line error: CLI11's message and status.
  const auto zero = run_cli(train + " --nproc 0", "timeout 60 env -u RANK -u WORLD_SIZE");
  INFO(zero.output);
  CHECK(zero.status == 105);
  CHECK(zero.output.find("--nproc: Value 0 not in range 1 to 64") != std::string::npos);
  CHECK(!fs::exists(run));
}

TEST_CASE("a rank that fails ends the others at once, and --nproc names it") {
  const fs::path run = fs::absolute("distributed_test") / "occupied";
  fs::remove_all(run);
  fs::create_directories(run);
  std::ofstream(run / "notes.txt") << "someone's file\n";  // rank 0 refuses this folder
  const auto t0 = std::chrono::steady_clock::now();
  const auto result = run_cli("train -o " + run.string() + " " + kArgs + " --nproc 2", "timeout 120");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(result.output);
  CHECK(result.status == 1);
  CHECK(result.output.find("rank 0 of 2 exited with status 1") != std::string::npos);
  CHECK(seconds < 30);  // not the collectives' timeout of minutes
  CHECK(entries(run) == std::set<std::string>{"notes.txt"});
}
