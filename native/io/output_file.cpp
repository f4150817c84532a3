#include "io/output_file.h"

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

}  // namespace tiae
