// Runs the real `tiae` program (TIAE_CLI, set by tests/CMakeLists.txt) through the shell,
// for the tests that check what a user sees: its exit status, its output and its memory.
#pragma once
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

// The program under test: TIAE_CLI, or the one the environment variable TIAE_CLI_UNDER_TEST
// names (to run the same tests against another build, an older one say).
inline const char* tiae_cli() {
  const char* other = std::getenv("TIAE_CLI_UNDER_TEST");
  return other && *other ? other : TIAE_CLI;
}

struct CliResult {
  int status;          // the exit status, or 128 + the signal that ended it
  std::string output;  // stdout and stderr together
  long peak_mb = 0;    // the largest resident memory it (or a process it waited for) took
};

// `prefix`: a command to run it under, such as "timeout 20" or "ulimit -v 2000000;".
inline CliResult run_cli(const std::string& args, const std::string& prefix = "") {
  const std::string command = prefix + " " + tiae_cli() + " " + args + " 2>&1";
  int out[2];
  if (pipe(out) != 0) return {-1, "pipe failed"};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, size_t(n));
  }
  close(out[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  // the shell reports a child killed by signal s as exit status 128 + s
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text, usage.ru_maxrss / 1024};
}
