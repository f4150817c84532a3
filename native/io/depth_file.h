// Depth frames: 16-bit grayscale PNGs whose values are distances along the optical axis in
// a sensor's units (0: no measurement), read as metres without ever passing through 8 bits
// (read_image_file reduces 16-bit images to 8 bits, which loses the depth). The refusals
// (an 8-bit or colour image, another format, a truncated file, a size over
// kMaxDepthPixels) are shared/png16.h's, the page's words too.
#pragma once
#include <string>
#include <vector>

namespace tiae {

struct DepthImage {
  int width = 0, height = 0;
  std::vector<float> metres;  // width x height, 0 = no measurement
};

// `unit_m`: metres per unit (data/real-depth's camera: 1/8 mm). Throws a one-line
// std::runtime_error naming the file.
DepthImage read_depth_file(const std::string& path, double unit_m);

}  // namespace tiae
