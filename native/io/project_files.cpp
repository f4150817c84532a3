#include "io/project_files.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace tiae {
namespace fs = std::filesystem;

namespace {
// <start>, its parent, ... up to the root: the first that holds <relative>/<marker>.
std::string search_up(fs::path start, const std::string& relative, const std::string& marker) {
  std::error_code ec;
  for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / relative / marker, ec)) return (dir / relative).string();
    if (dir == dir.root_path()) break;
  }
  return "";
}
}  // namespace

std::string find_project_path(const std::string& relative, const std::string& marker, const char* env) {
  if (const char* value = env ? std::getenv(env) : nullptr) return value;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    if (auto found = search_up(exe.parent_path(), relative, marker); !found.empty()) return found;
  return search_up(fs::current_path(ec), relative, marker);
}

std::string find_released_model(const std::string& name) {
  const auto folder = find_project_path("models/" + name, "model.json", nullptr);
  if (folder.empty())
    throw std::runtime_error("the released model models/" + name + " was not found above the program or the current folder: give -m");
  return folder;
}

}  // namespace tiae
