#include "data/uci_digits.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "resample.h"

namespace tiae {

namespace {
constexpr int kCells = 8, kBox = 20, kField = 28;

std::string read_gzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::string text;
  char buffer[1 << 14];
  int n = 0;
  while ((n = gzread(f, buffer, sizeof buffer)) > 0) text.append(buffer, size_t(n));
  const bool failed = n < 0;
  gzclose(f);
  if (failed) throw std::runtime_error(path + ": not a readable gzip file");
  return text;
}

// The 8 x 8 box as a 32 x 32 MNIST-like digit (the header's recipe).
void append_digit(DigitSet& set, const float* cells, int label) {
  const auto box = resize_image(cells, kCells, kCells, kBox, kBox);
  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < kBox; ++y)
    for (int x = 0; x < kBox; ++x) {
      const double v = box[size_t(y) * kBox + x];
      mass += v, mx += v * x, my += v * y;
    }
  const double centre = (kField - 1) / 2.0;
  const int ox = mass > 0 ? int(std::lround(centre - mx / mass)) : (kField - kBox) / 2;
  const int oy = mass > 0 ? int(std::lround(centre - my / mass)) : (kField - kBox) / 2;
  const int pad = (DigitSet::kSize - kField) / 2, side = DigitSet::kSize;
  const size_t base = set.images.size();
  set.images.resize(base + size_t(side) * side, 0.f);
  for (int y = 0; y < kBox; ++y)
    for (int x = 0; x < kBox; ++x) {
      const int fy = y + oy, fx = x + ox;
      if (fy < 0 || fy >= kField || fx < 0 || fx >= kField) continue;
      set.images[base + size_t(fy + pad) * side + fx + pad] = std::clamp(box[size_t(y) * kBox + x], 0.f, 1.f);
    }
  set.labels.push_back(label);
}
}  // namespace

DigitSet load_uci_digits(const std::string& path) {
  std::istringstream rows(read_gzip(path));
  DigitSet set;
  std::string line;
  while (std::getline(rows, line)) {
    if (line.empty()) continue;
    std::vector<float> values;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) values.push_back(std::strtof(field.c_str(), nullptr));
    const bool ok = values.size() == kCells * kCells + 1 && values.back() >= 0 && values.back() <= 9 &&
                    std::all_of(values.begin(), values.end() - 1, [](float v) { return v >= 0 && v <= 16; });
    if (!ok) throw std::runtime_error(path + ": row " + std::to_string(set.count() + 1) + " is not 64 cells in [0, 16] and a digit");
    for (int i = 0; i < kCells * kCells; ++i) values[size_t(i)] /= 16;
    append_digit(set, values.data(), int(values.back()));
  }
  if (set.count() == 0) throw std::runtime_error(path + ": no digits");
  return set;
}

std::string find_uci_digits() {
  if (const char* env = std::getenv("TIAE_UCI_DIGITS")) return env;
  const std::string debian = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
  if (!std::filesystem::exists(debian))
    throw std::runtime_error("the held-out digits (" + debian + ") are missing: install Debian's python3-sklearn or set TIAE_UCI_DIGITS");
  return debian;
}

}  // namespace tiae
