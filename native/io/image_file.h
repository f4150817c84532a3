// Reading photos for `tiae extract` and writing its results (OpenCV). Every way a file
// can be wrong ends in a std::runtime_error that names the file and the problem: missing,
// empty, not an image, truncated, zero size, too large, an unsupported pixel type.
#pragma once
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace tiae {

struct RgbaImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width x height x 4, as a canvas's ImageData
};

// The largest file read_image_file opens: a 50-megapixel 16-bit RGBA PNG stored uncompressed.
constexpr uintmax_t kMaxImageFileBytes = uintmax_t(512) << 20;

// PNG, JPEG, WebP, TIFF, JPEG 2000 and BMP: the formats whose header shared/image_header.h
// reads, so that no image over kMaxExtractPixels (shared/extract.h) is decoded: it is refused
// from its header. Other formats OpenCV would decode are refused. 16-bit and float images are
// reduced to 8 bits, gray and BGR(A) become RGBA, CMYK JPEGs are converted, JPEGs are turned
// upright by their EXIF orientation (as browsers do).
RgbaImage read_image_file(const std::string& path);
// The file's bytes once read_image_file's checks (file, header, format) have passed, for a
// caller that decodes them itself; `format` (if given) gets check_image_bytes's name of it.
std::string read_image_bytes(const std::string& path, std::string* format = nullptr);

// Values in [0, 1] as an 8-bit gray image (PNG, or what the extension names).
void write_gray_image(const std::string& path, const std::vector<float>& values, int width, int height);
// An image in the format its extension names, written to a temporary file and renamed into
// place (files.h), so a failed write leaves no half file.
void write_encoded_image(const std::string& path, const cv::Mat& image);

}  // namespace tiae
