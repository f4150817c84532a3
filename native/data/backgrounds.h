// Backgrounds for the foreground-extraction auto-encoder (docs/method.md, "Foreground extraction: the background-change transform"): the
// transform T_theta replaces the background behind a digit. Sources:
//   noise  four kinds: uniform, Gaussian, salt and pepper, smooth (low-frequency);
//   white-noise  the first three only (every pixel independent), for comparison;
//   photo  32x32 crops of photographs shipped by Debian packages (opencv-doc's
//          examples/data, python3-skimage's data), grayscale, at scales 1 to 1/8,
//          randomly mirrored. A fixed set of photos is held out of training (evaluation
//          only); see training_photos() and held_out_photos().
// Torch-free; photos need OpenCV to decode.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tiae {

// Photo files, as paths. Missing files are an error naming the Debian package to install.
std::vector<std::string> training_photos();
std::vector<std::string> held_out_photos();

// How a digit is drawn over its background (see composite() in terms.h): the background's
// [0, 1] values are mapped to [paper_low, paper_high] (from 10% to all of the background's
// contrast) and the ink has level `ink`. Half the draws are light ink on a dark background
// (as MNIST), half dark ink on a light one (handwriting on paper); the ink is at least 0.3
// from the paper's middle level.
struct Appearance {
  float ink = 1, paper_low = 0, paper_high = 0;
};
Appearance random_appearance(std::mt19937_64& rng);

class BackgroundSource {
 public:
  // kind: "noise", "white-noise", or "photo" with the given photo files.
  explicit BackgroundSource(const std::string& kind, const std::vector<std::string>& photos = {});
  // One size x size background, values in [0, 1].
  void draw(std::mt19937_64& rng, float* out, int size) const;
  const std::string& kind() const { return kind_; }

 private:
  struct Plane {
    int width = 0, height = 0;
    std::vector<float> values;
  };
  std::string kind_;
  std::vector<Plane> planes_;  // every photo at every scale
};

}  // namespace tiae
