#include "io/output_path.h"

#include <filesystem>
#include <stdexcept>

#include "io/files.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

void check_name(const std::string& out, const char* what) {
  if (out.empty()) throw std::runtime_error(std::string("-o: no ") + what + " name given");
  const std::string name = fs::path(out).lexically_normal().filename().string();
  if (name.size() > kMaxFileName)
    throw std::runtime_error(out.substr(0, 40) + "...: the name is too long (" + std::to_string(name.size()) + " bytes; at most " +
                             std::to_string(kMaxFileName) + ")");
}

void check_parent(const std::string& out) {
  std::error_code ec;
  const fs::path parent = fs::absolute(out, ec).lexically_normal().parent_path();
  if (!fs::is_directory(parent, ec)) throw std::runtime_error(out + ": the folder " + parent.string() + " does not exist");
}

// `inner` is `outer` or lies inside it (both resolved: links, "..", other spellings).
bool within(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const auto resolved = [&ec](const fs::path& p) {
    std::string s = fs::weakly_canonical(fs::absolute(p, ec), ec).string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
  };
  const std::string a = resolved(inner), b = resolved(outer);
  return a == b || a.rfind(b == "/" ? b : b + "/", 0) == 0;
}

}  // namespace

std::string folder_path(const std::string& folder) {
  fs::path p = fs::absolute(folder).lexically_normal();
  if (p.filename().empty() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p.string();
}

void make_parent_folders(const std::string& folder) { fs::create_directories(fs::path(folder_path(folder)).parent_path()); }

void check_output_file(const std::string& out, const std::vector<std::string>& inputs) {
  check_name(out, "file");
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(out, ec))) throw std::runtime_error(out + " is a folder: give -o a file name");
  check_replaceable_file(out);
  check_parent(out);
  for (const auto& in : inputs)
    if (!in.empty() && fs::exists(out, ec) && fs::equivalent(out, in, ec))
      throw std::runtime_error(out + " is the input " + in + ": choose another output file (-o)");
}

void check_output_folder(const std::string& out, const std::vector<std::string>& inputs, const FolderContents& ours) {
  check_name(out, "folder");
  std::error_code ec;
  for (const auto& in : inputs)
    if (!in.empty() && within(in, out))
      throw std::runtime_error(out + (within(out, in) ? " is the input " : " holds the input ") + in + ": choose another output folder (-o)");
  const auto status = fs::symlink_status(out, ec);
  if (fs::is_symlink(status)) throw std::runtime_error(out + " is a symbolic link: give the folder itself, or a new name");
  if (fs::exists(status) && !fs::is_directory(status)) throw std::runtime_error(out + " is a file: give -o a folder");
  check_parent(out);
  if (!ours || !fs::exists(status)) return;
  for (const auto& entry : fs::directory_iterator(out, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec) || !ours(name))
      throw std::runtime_error(out + " holds other files (" + name + "): give a new or empty folder, or the output of an earlier run");
  }
}

}  // namespace tiae
