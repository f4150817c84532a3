#include "io/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace tiae {
namespace fs = std::filesystem;

namespace {

struct FileDescriptor {
  int fd = -1;
  explicit FileDescriptor(int f) : fd(f) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd(other.fd) { other.fd = -1; }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string error_text() { return std::strerror(errno); }

// Opens a regular file for reading. Its type is checked before opening (opening a device
// may act on it) and after (the path may have changed in between); O_NONBLOCK keeps a FIFO
// swapped in from blocking the open.
FileDescriptor open_regular_file(const std::string& path, struct stat& st) {
  if (::stat(path.c_str(), &st) != 0)
    throw std::runtime_error(path + ": cannot open the file (" + (errno == ENOENT ? "it does not exist" : error_text()) + ")");
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(path + ": not a regular file");
  FileDescriptor f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) throw std::runtime_error(path + ": cannot open the file (" + error_text() + ")");
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) throw std::runtime_error(path + ": not a regular file");
  return f;
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(path + ": cannot write the file (" + error_text() + ")");
    done += size_t(n);
  }
}

}  // namespace

std::string read_file(const std::string& path, uintmax_t max_bytes) {
  struct stat st{};
  const FileDescriptor f = open_regular_file(path, st);
  if (uintmax_t(st.st_size) > max_bytes)
    throw std::runtime_error(path + ": too large (" + std::to_string(uintmax_t(st.st_size) >> 20) + " MB; at most " +
                             std::to_string(max_bytes >> 20) + " MB)");
  std::string bytes(size_t(st.st_size), '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(f.fd, &bytes[got], bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(path + ": cannot be read (" + error_text() + ")");
    if (n == 0) break;  // it shrank meanwhile
    got += size_t(n);
  }
  bytes.resize(got);
  return bytes;
}

nlohmann::json parse_json(const std::string& text, const std::string& origin) {
  const auto limit_depth = [&origin](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxJsonDepth)
      throw std::runtime_error(origin + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return true;
  };
  try {
    return nlohmann::json::parse(text, limit_depth);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(origin + " is not valid JSON: " + e.what());
  }
}

nlohmann::json read_json_file(const std::string& path) { return parse_json(read_file(path, uintmax_t(64) << 20), path); }

void check_replaceable_file(const std::string& path) {
  std::error_code ec;
  const auto status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status) || fs::is_regular_file(status)) return;
  if (fs::is_symlink(status)) throw std::runtime_error(path + " is a symbolic link: give the file itself, or a new name");
  if (fs::is_directory(status)) throw std::runtime_error(path + " is a folder: give a file name");
  throw std::runtime_error(path + " is not a regular file (a FIFO, device or socket): give a new file name");
}

std::string temporary_name(const std::string& target) {
  static std::atomic<unsigned> calls{0};
  const fs::path path(target);
  const std::string prefix = ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(calls++) + "-";
  const std::string name = path.filename().string().substr(0, 255 - prefix.size());
  return (path.parent_path() / (prefix + name)).string();
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  check_replaceable_file(path);
  const std::string tmp = temporary_name(path);
  try {
    FileDescriptor f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666)};
    if (f.fd < 0) throw std::runtime_error(path + ": cannot write the file (" + error_text() + ")");
    write_all(f.fd, bytes, path);
    const int fd = f.fd;
    f.fd = -1;
    if (::close(fd) != 0) throw std::runtime_error(path + ": cannot write the file (" + error_text() + ")");
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error(path + ": cannot write the file (" + error_text() + ")");
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

void write_json_file(const std::string& path, const nlohmann::json& j) { write_file_atomically(path, j.dump(2) + "\n"); }

void remove_flat_folder(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) files.push_back(entry.path());
  for (const auto& f : files) fs::remove(f, ec);
  fs::remove(dir, ec);
}

}  // namespace tiae
