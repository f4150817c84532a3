// Handwritten digits of another source than MNIST, held out from every choice made here:
// the test set of UCI's "Optical Recognition of Handwritten Digits" as scikit-learn ships it
// (Debian's python3-sklearn, sklearn/datasets/data/digits.csv.gz): 1,797 digits by 13
// writers other than MNIST's, each 8 x 8 cells counting the ink of 4 x 4 blocks of a
// 32 x 32 bitmap (0-16), the digit's box. Each is drawn as MNIST draws its digits: the box
// enlarged to 20 x 20 (resample.h: bilinear), put in a 28 x 28 field with its ink's centre
// of mass at the middle (whole pixels), padded to 32 x 32. Values in [0, 1].
#pragma once
#include <string>

#include "data/mnist_data.h"

namespace tiae {

// Throws std::runtime_error naming the file when it is missing or not 65 numbers a row.
DigitSet load_uci_digits(const std::string& path);

// $TIAE_UCI_DIGITS if set, else Debian's path; throws naming the package when absent.
std::string find_uci_digits();

}  // namespace tiae
