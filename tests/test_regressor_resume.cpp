// `tiae regressor` through the real program: a run killed after a finished epoch and resumed
// with --resume ends with exactly the weights of a run never killed; a new run refuses a
// folder that holds one with a checkpoint.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "run_checkpoint.h"
#include "tiny_model.h"

namespace fs = std::filesystem;

namespace {
std::string regressor_args(const fs::path& out) {
  return "regressor " + (tiny_model_dir() / "model").string() + " -o " + out.string() + " --epochs 3 --threads 1 --no-progress";
}
}  // namespace

TEST_CASE("tiae regressor killed after an epoch and resumed ends with the weights of a run never killed") {
  const fs::path dir = tiny_model_dir() / "regressor-resume";
  fs::remove_all(dir);
  fs::create_directories(dir);
  REQUIRE(run_cli(regressor_args(dir / "whole")).status == 0);

  // the same run, killed once its first epoch's checkpoint is in place
  const std::string model = (tiny_model_dir() / "model").string(), out = (dir / "killed").string();
  const pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    execl(tiae_cli(), tiae_cli(), "regressor", model.c_str(), "-o", out.c_str(), "--epochs", "3", "--threads", "1", "--no-progress",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (epochs_done(dir / "killed") < 1 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  const int done = epochs_done(dir / "killed");
  INFO("epochs done when killed: " << done);
  REQUIRE(done >= 1);
  REQUIRE(done < 3);
  REQUIRE(!fs::exists(dir / "killed" / "regressor.bin"));

  const auto again = run_cli(regressor_args(dir / "killed"));  // without --resume: refused, the run kept
  CHECK(again.status == 1);
  CHECK(again.output.find("add --resume") != std::string::npos);
  CHECK(epochs_done(dir / "killed") == done);

  const auto resumed = run_cli(regressor_args(dir / "killed") + " --resume");
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK(resumed.output.find("resuming") != std::string::npos);
  CHECK(read_bytes(dir / "killed" / "regressor.bin") == read_bytes(dir / "whole" / "regressor.bin"));
  std::ifstream log(dir / "killed" / "log.jsonl");
  int lines = 0;
  for (std::string line; std::getline(log, line);) ++lines;
  CHECK(lines == 3);
}
