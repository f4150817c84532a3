#include "data/real_depth.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "io/project_files.h"

namespace tiae {
namespace fs = std::filesystem;

std::string find_real_depth() { return find_project_path("data/real-depth", "README.md", "TIAE_REAL_DEPTH"); }

std::vector<RealDepthFrame> list_real_depth(const std::string& dir) {
  std::vector<RealDepthFrame> frames;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string stem = entry.path().stem().string();
    const auto cut = stem.rfind('_');
    if (entry.path().extension() != ".png" || cut == std::string::npos) continue;
    try {
      frames.push_back({entry.path().string(), stem.substr(0, cut), std::stoi(stem.substr(cut + 1))});
    } catch (const std::exception&) {
      continue;  // not SEQUENCE_NUMBER.png
    }
  }
  if (frames.empty()) throw std::runtime_error(dir + " holds no depth frames (SEQUENCE_NUMBER.png)");
  std::sort(frames.begin(), frames.end(), [](const auto& a, const auto& b) { return std::tie(a.sequence, a.number) < std::tie(b.sequence, b.number); });
  return frames;
}

}  // namespace tiae
