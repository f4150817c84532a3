#include "io/files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace tiae {
namespace fs = std::filesystem;

void check_output_file(const std::string& out, const std::vector<std::string>& inputs) {
  std::error_code ec;
  const fs::path path(out);
  if (out.empty()) throw std::runtime_error("-o: no file name given");
  if (fs::is_directory(path, ec)) throw std::runtime_error(out + " is a folder: give -o a file name");
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec)) throw std::runtime_error(out + ": the folder " + parent.string() + " does not exist");
  if (!fs::exists(path, ec)) return;
  for (const auto& in : inputs)
    if (!in.empty() && fs::equivalent(path, in, ec))
      throw std::runtime_error(out + " is the input " + in + ": choose another output file (-o)");
}

void check_output_folder(const std::string& out, const std::vector<std::string>& inputs) {
  std::error_code ec;
  const fs::path path(out);
  if (out.empty()) throw std::runtime_error("-o: no folder name given");
  for (const auto& in : inputs)
    if (!in.empty() && fs::exists(path, ec) && fs::equivalent(path, in, ec))
      throw std::runtime_error(out + " is the input " + in + ": choose another output folder (-o)");
  if (fs::exists(path, ec) && !fs::is_directory(path, ec)) throw std::runtime_error(out + " is a file: give -o a folder");
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec)) throw std::runtime_error(out + ": the folder " + parent.string() + " does not exist");
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const fs::path target(path);
  const fs::path tmp = target.parent_path() / (".tmp-" + std::to_string(getpid()) + "-" + target.filename().string());
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error(path + ": cannot write the file");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot write the file (" + ec.message() + ")");
  }
}

void write_json_file(const std::string& path, const nlohmann::json& j) { write_file_atomically(path, j.dump(2) + "\n"); }

std::string read_file(const std::string& path, uintmax_t max_bytes) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw std::runtime_error(path + ": cannot open the file (not a file)");
  if (fs::file_size(path, ec) > max_bytes) throw std::runtime_error(path + ": too large (over " + std::to_string(max_bytes >> 20) + " MB)");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(path + ": cannot be read");
  return bytes;
}

nlohmann::json read_json_file(const std::string& path) {
  const std::string text = read_file(path, uintmax_t(64) << 20);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + " is not valid JSON: " + e.what());
  }
}

void remove_flat_folder(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) files.push_back(entry.path());
  for (const auto& f : files) fs::remove(f, ec);
  fs::remove(dir, ec);
}

}  // namespace tiae
