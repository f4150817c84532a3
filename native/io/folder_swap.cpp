#include "io/folder_swap.h"

#include <fcntl.h>  // AT_FDCWD
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_EXCHANGE (glibc)
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "io/files.h"
#include "io/output_path.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

// Temporary folders (files.h's temporary_name) for `target` of processes no longer running.
void remove_stale_temporaries(const fs::path& target) {
  const std::string ours = fs::path(temporary_name(target.string())).filename().string();
  const std::string name = ours.substr(ours.find('-', ours.find('-', 5) + 1) + 1);  // after ".tmp-<pid>-<n>-"
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec)) {
    const std::string other = entry.path().filename().string();
    if (other.rfind(".tmp-", 0) != 0 || other.size() < name.size() || other.compare(other.size() - name.size(), name.size(), name) != 0 ||
        !entry.is_directory(ec))
      continue;
    const pid_t pid = pid_t(std::atol(other.c_str() + 5));
    if (pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) remove_flat_folder(entry.path().string());
  }
}

void copy_files(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(from)) {
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec))
      throw std::runtime_error(from.string() + " holds " + entry.path().filename().string() + ", not a regular file: not a folder of tiae");
    write_file_atomically((to / entry.path().filename()).string(), read_file(entry.path().string()));
  }
}

// Puts `fresh` at `target` in one step; the old folder, then at `fresh`, is removed.
void swap_into_place(const fs::path& fresh, const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target, ec))) {
    fs::rename(fresh, target);
    return;
  }
  if (renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
    throw std::runtime_error("cannot replace " + target.string() + ": " + std::strerror(errno));
  remove_flat_folder(fresh.string());
}

}  // namespace

void replace_folder(const std::string& target_name, FolderStart start, const std::function<void(const std::string& fresh)>& fill) {
  const fs::path target = folder_path(target_name);
  remove_stale_temporaries(target);
  const fs::path fresh = temporary_name(target.string());
  fs::create_directory(fresh);
  try {
    if (start == FolderStart::copy) copy_files(target, fresh);
    fill(fresh.string());
    swap_into_place(fresh, target);
  } catch (...) {
    remove_flat_folder(fresh.string());
    throw;
  }
}

}  // namespace tiae
