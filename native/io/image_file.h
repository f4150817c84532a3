// Reading photos for `tiae extract` and writing its results (OpenCV). Every way a file
// can be wrong ends in a std::runtime_error that names the file and the problem: missing,
// empty, not an image, truncated, zero size, too large, an unsupported pixel type.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tiae {

struct RgbaImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width x height x 4, as a canvas's ImageData
};

// The largest file read_image_file opens: a 50-megapixel 16-bit RGBA PNG stored uncompressed.
constexpr uintmax_t kMaxImageFileBytes = uintmax_t(512) << 20;

// Any format OpenCV reads. 16-bit and float images are reduced to 8 bits, gray and BGR(A)
// become RGBA, CMYK JPEGs are converted, JPEGs are turned upright by their EXIF orientation
// (as browsers do). Images over kMaxExtractPixels (shared/extract.h) are refused from
// their header, before decoding.
RgbaImage read_image_file(const std::string& path);

// Values in [0, 1] as an 8-bit gray image (PNG, or what the extension names), written to a
// temporary file and renamed into place (files.h), so a failed write leaves no half file.
void write_gray_image(const std::string& path, const std::vector<float>& values, int width, int height);

}  // namespace tiae
