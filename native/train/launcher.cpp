#include "train/launcher.h"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace tiae {

namespace {

// This process's own command line, argv[0] first.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<std::string> args;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\0', start);
    args.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return args;
}

// `args` without the options named (as "--name value" or "--name=value").
std::vector<std::string> without_options(const std::vector<std::string>& args, const std::vector<std::string>& names) {
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    bool drop = false;
    for (const auto& name : names) {
      if (args[i] == name) drop = true, ++i;  // and its value
      else if (args[i].rfind(name + "=", 0) == 0) drop = true;
    }
    if (!drop) kept.push_back(args[i]);
  }
  return kept;
}

// This environment with the rank's variables in place of any inherited ones.
std::vector<std::string> rank_environment(int rank, int count, int port) {
  const std::vector<std::string> names = {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"};
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e, name = entry.substr(0, entry.find('='));
    if (std::find(names.begin(), names.end(), name) == names.end()) env.push_back(entry);
  }
  env.insert(env.end(), {"RANK=" + std::to_string(rank), "WORLD_SIZE=" + std::to_string(count), "MASTER_ADDR=127.0.0.1",
                         "MASTER_PORT=" + std::to_string(port)});
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (auto& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

pid_t spawn_rank(const std::string& program, std::vector<std::string> args, std::vector<std::string> env) {
  auto argv = pointers(args), envp = pointers(env);
  pid_t pid = 0;
  if (const int error = posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv.data(), envp.data()))
    throw std::runtime_error(fmt::format("--nproc: cannot start {}: {}", program, std::strerror(error)));
  return pid;
}

std::string how_it_ended(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return "ended";
}

// Waits for every rank to end. After the first failure the others have a few seconds to
// end on their own (a rank whose peer died fails at its next collective) before they are
// stopped; then throws naming each rank that failed by itself.
void wait_for_ranks(std::map<pid_t, int> running, int count) {
  std::map<int, std::string> failed;  // rank -> how it ended
  std::optional<std::chrono::steady_clock::time_point> stop_at;
  bool stopped = false;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, stop_at && !stopped ? WNOHANG : 0);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) throw std::runtime_error(std::string("--nproc: waiting for the ranks: ") + std::strerror(errno));
    if (pid == 0) {  // none ended yet
      if (std::chrono::steady_clock::now() < *stop_at) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      for (const auto& [other, _] : running) kill(other, SIGTERM);
      stopped = true;
      continue;
    }
    const auto ended = running.find(pid);
    if (ended == running.end()) continue;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    const bool stopped_here = stopped && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
    if (!ok && !stopped_here) failed[ended->second] = how_it_ended(status);
    if (!ok && !stop_at) stop_at = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    running.erase(ended);
  }
  if (failed.empty()) return;
  std::string message;
  for (const auto& [rank, how] : failed) message += fmt::format("{}rank {} of {} {}", message.empty() ? "" : "; ", rank, count, how);
  throw std::runtime_error(message + (stopped ? "; stopped the other ranks" : ""));
}

}  // namespace

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
  const int error = errno;
  if (fd >= 0) close(fd);
  if (!ok) throw std::runtime_error(std::string("--nproc: no free port found: ") + std::strerror(error));
  return ntohs(addr.sin_port);
}

void run_local_ranks(const LocalRanks& ranks) {
  if (ranks.count < 1) throw std::runtime_error(fmt::format("--nproc {}: needs at least 1 process", ranks.count));
  if (std::getenv("WORLD_SIZE") || std::getenv("RANK"))
    throw std::runtime_error("--nproc starts its own ranks: unset RANK and WORLD_SIZE, or start each rank yourself without --nproc");
  const int port = ranks.master_port > 0 ? ranks.master_port : free_port();
  const int threads = std::max(1, ranks.threads / ranks.count);
  auto args = without_options(own_arguments(), {"--nproc", "--master-port", "--threads"});
  args.insert(args.end(), {"--threads", std::to_string(threads)});
  const std::string program = std::filesystem::read_symlink("/proc/self/exe").string();
  fmt::print("{} ranks on this machine (rendezvous at 127.0.0.1:{}), {} threads each\n", ranks.count, port, threads);
  std::fflush(stdout);  // before the ranks write to the same stream

  std::map<pid_t, int> running;  // process -> rank
  try {
    for (int rank = 0; rank < ranks.count; ++rank) running[spawn_rank(program, args, rank_environment(rank, ranks.count, port))] = rank;
  } catch (...) {
    for (const auto& [pid, _] : running) kill(pid, SIGTERM);  // they would wait for the missing rank
    throw;
  }
  wait_for_ranks(running, ranks.count);
}

}  // namespace tiae
