// `tiae` (native/cli/start.cpp): the program proper, tiae-main, runs in the same process with
// the idle-thread settings in its environment, a user's own kept; alone, it says what is missing.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli_run.h"

namespace fs = std::filesystem;

namespace {

// Starts a training run with `given` in its environment (and none of the three settings
// otherwise), waits until its process runs tiae-main, and returns that process's
// environment as /proc shows it (empty if it never did); then ends it.
std::set<std::string> environment_of_program(const std::vector<std::string>& given) {
  const fs::path dir = fs::temp_directory_path() / ("tiae-start-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string out = (dir / "run").string();
  const pid_t pid = fork();
  if (pid == 0) {
    for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT"}) unsetenv(name);
    for (const auto& setting : given) putenv(const_cast<char*>(setting.c_str()));
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(tiae_cli(), tiae_cli(), "train", "--kind", "tiae", "--epochs", "100", "--train-samples", "384", "--batch", "64", "--threads", "1",
          "--device", "cpu", "--no-progress", "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::set<std::string> environment;
  const auto proc = fs::path("/proc") / std::to_string(pid);
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60); std::chrono::steady_clock::now() < deadline;) {
    std::error_code error;
    if (fs::read_symlink(proc / "exe", error).filename() == "tiae-main") {
      // the new image's environment shows once exec has set it up: read until it does
      std::ifstream in(proc / "environ", std::ios::binary);
      const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      for (size_t at = 0, end; at < text.size(); at = end + 1) {
        end = text.find('\0', at);
        if (end == std::string::npos) end = text.size();
        environment.insert(text.substr(at, end - at));
      }
      if (!environment.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  fs::remove_all(dir);
  return environment;
}

}  // namespace

TEST_CASE("tiae runs tiae-main in its own process with the idle-thread settings, a user's own kept") {
  const auto plain = environment_of_program({});
  REQUIRE(!plain.empty());
  CHECK(plain.count("OMP_WAIT_POLICY=PASSIVE") == 1);
  CHECK(plain.count("OPENBLAS_THREAD_TIMEOUT=4") == 1);
  const auto own = environment_of_program({"OMP_WAIT_POLICY=ACTIVE", "OPENBLAS_THREAD_TIMEOUT=0"});
  REQUIRE(!own.empty());
  CHECK(own.count("OMP_WAIT_POLICY=ACTIVE") == 1);
  CHECK(own.count("OMP_WAIT_POLICY=PASSIVE") == 0);
  CHECK(own.count("OPENBLAS_THREAD_TIMEOUT=0") == 1);
  // GOMP_SPINCOUNT is the other way to say how OpenMP's threads wait: then no policy is added
  const auto spin = environment_of_program({"GOMP_SPINCOUNT=1000"});
  REQUIRE(!spin.empty());
  CHECK(spin.count("GOMP_SPINCOUNT=1000") == 1);
  for (const auto& entry : spin) CHECK(entry.rfind("OMP_WAIT_POLICY=", 0) != 0);
}

TEST_CASE("tiae copied without tiae-main says which program it cannot run, exit status 1") {
  const fs::path dir = fs::temp_directory_path() / ("tiae-alone-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(tiae_cli(), dir / "tiae");
  FILE* pipe = popen(((dir / "tiae").string() + " train --help 2>&1").c_str(), "r");
  REQUIRE(pipe);
  std::string text;
  char buf[512];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, n);
  const int status = pclose(pipe);
  fs::remove_all(dir);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(text, Catch::Contains("cannot run") && Catch::Contains((dir / "tiae-main").string()));
}
