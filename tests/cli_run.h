// Runs the real `tiae` program (TIAE_CLI, set by tests/CMakeLists.txt) through the shell,
// for the tests that check what a user sees: its exit status and its output.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>

struct CliResult {
  int status;  // the exit status, or 128 + the signal that ended it
  std::string output;  // stdout and stderr together
};

// `prefix`: a command to run it under, such as "timeout 20".
inline CliResult run_cli(const std::string& args, const std::string& prefix = "") {
  const std::string command = prefix + " " + std::string(TIAE_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  // popen's shell reports a child killed by signal s as exit status 128 + s
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}
