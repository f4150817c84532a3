// What a long command prints reaches a log file as it is printed: a user who runs it in the
// background with its output in a file (`tiae regressor ... > log`) follows its epochs there.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tiny_model.h"

namespace fs = std::filesystem;

namespace {
// Runs the program with stdout and stderr into `log`; returns its process id.
pid_t spawn_into(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv = {const_cast<char*>(tiae_cli())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    freopen(log.c_str(), "w", stdout);
    dup2(fileno(stdout), STDERR_FILENO);
    execv(tiae_cli(), argv.data());
    _exit(127);
  }
  return pid;
}
}  // namespace

TEST_CASE("tiae regressor's epoch lines reach a log file while it runs, not when it ends") {
  const fs::path dir = tiny_model_dir() / "log-lines";
  fs::remove_all(dir);
  fs::create_directories(dir);
  // far more epochs than the test waits for: the program is still running when the line is read
  const pid_t pid = spawn_into({"regressor", (tiny_model_dir() / "model").string(), "-o", (dir / "r").string(), "--epochs", "10000",
                                "--threads", "1", "--no-progress"},
                               dir / "log");
  bool seen = false, ended = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(3);  // one epoch takes seconds
  while (!seen && !ended && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    seen = read_bytes(dir / "log").find("regressor epoch   1/10000") != std::string::npos;
    ended = waitpid(pid, nullptr, WNOHANG) == pid;
  }
  if (!ended) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  INFO(read_bytes(dir / "log"));
  CHECK(!ended);
  CHECK(seen);
}
