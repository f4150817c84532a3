#include "io/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "io/output_path.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

std::string lock_path(const std::string& folder) {
  const fs::path dir = folder_path(folder);
  return (dir.parent_path() / ("." + dir.filename().string().substr(0, kMaxFileName - 6) + ".lock")).string();
}

std::string holder(int fd) {
  char pid[32] = {};
  const ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
  return n > 0 ? "process " + std::string(pid, size_t(n)) : "another process";
}

}  // namespace

FolderLock::FolderLock(const std::string& folder) : path_(lock_path(folder)) {
  std::error_code ec;
  if (!fs::is_directory(fs::path(path_).parent_path(), ec))
    throw std::runtime_error(folder + ": the folder " + fs::path(path_).parent_path().string() + " does not exist");
  // The holder removes the file when it releases the lock, so a lock taken on a file that
  // has meanwhile been removed (or replaced) is no lock: then try again on the new file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) throw std::runtime_error(folder + ": cannot create the lock file " + path_ + " (" + std::strerror(errno) + ")");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const std::string who = holder(fd);
      ::close(fd);
      throw std::runtime_error(folder + " is in use by " + who + " (another tiae writing it): wait until it ends");
    }
    struct stat held{}, now{};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &now) == 0 && held.st_ino == now.st_ino && held.st_dev == now.st_dev) {
      // Without the PID the lock holds all the same; a second process then reads "another process".
      const std::string pid = std::to_string(getpid());
      [[maybe_unused]] const bool named = ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) == ssize_t(pid.size());
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
  throw std::runtime_error(folder + ": cannot take its lock " + path_);
}

FolderLock::~FolderLock() {
  ::unlink(path_.c_str());  // while still held: see the constructor
  ::close(fd_);
}

}  // namespace tiae
