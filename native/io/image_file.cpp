#include "io/image_file.h"

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "image_header.h"
#include "io/files.h"

namespace tiae {
namespace fs = std::filesystem;

std::string read_image_bytes(const std::string& path, std::string* format) {
  std::string bytes = read_file(path, kMaxImageFileBytes);  // a regular file only: a FIFO, a device or a huge file are refused unread
  const ImageHeader header = check_image_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!header.error.empty()) throw std::runtime_error(path + ": " + header.error);
  // OpenCV would decode more formats (EXR, HDR, DICOM, ...) whose sizes no header check here
  // reads; a "DICM" at byte 128 would send even a file of a checked format to DICOM's decoder.
  if (header.format == "other" || (bytes.size() >= 132 && bytes.compare(128, 4, "DICM") == 0))
    throw std::runtime_error(path + ": not an image file tiae reads (PNG, JPEG, WebP, TIFF, JPEG 2000, BMP)");
  if (format) *format = header.format;
  return bytes;
}

RgbaImage read_image_file(const std::string& path) {
  std::string format;
  const std::string bytes = read_image_bytes(path, &format);
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  const bool jpeg = format == "jpeg";

  // JPEG: decoded to BGR, which applies EXIF orientation and converts CMYK; others keep
  // their depth and alpha.
  cv::Mat img;
  try {
    const cv::Mat encoded(1, int(bytes.size()), CV_8U, const_cast<uint8_t*>(data));  // a view, no copy
    img = cv::imdecode(encoded, jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw std::runtime_error(path + ": the image could not be decoded (" + e.msg + ")");
  }
  if (img.empty()) throw std::runtime_error(path + ": the image could not be decoded (corrupt or unsupported)");
  if (const auto e = check_image_size(img.cols, img.rows); !e.empty()) throw std::runtime_error(path + ": " + e);

  cv::Mat eight;
  switch (img.depth()) {
    case CV_8U: eight = img; break;
    case CV_16U: img.convertTo(eight, CV_8U, 1.0 / 257); break;
    case CV_32F:
    case CV_64F: img.convertTo(eight, CV_8U, 255.0); break;  // saturating
    default: throw std::runtime_error(path + ": unsupported pixel type (signed integers)");
  }
  cv::Mat rgba;
  switch (eight.channels()) {
    case 1: cv::cvtColor(eight, rgba, cv::COLOR_GRAY2RGBA); break;
    case 3: cv::cvtColor(eight, rgba, cv::COLOR_BGR2RGBA); break;
    case 4: cv::cvtColor(eight, rgba, cv::COLOR_BGRA2RGBA); break;
    default: throw std::runtime_error(path + ": unsupported number of channels (" + std::to_string(eight.channels()) + ")");
  }
  RgbaImage out{rgba.cols, rgba.rows, {}};
  out.rgba.resize(size_t(rgba.cols) * rgba.rows * 4);
  for (int y = 0; y < rgba.rows; ++y) std::copy_n(rgba.ptr<uint8_t>(y), size_t(rgba.cols) * 4, &out.rgba[size_t(y) * rgba.cols * 4]);
  return out;
}

void write_gray_image(const std::string& path, const std::vector<float>& values, int width, int height) {
  if (!cv::haveImageWriter(path)) throw std::runtime_error(path + ": no image format for this file name (use .png)");
  cv::Mat gray(height, width, CV_8U);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      gray.at<uint8_t>(y, x) = cv::saturate_cast<uint8_t>(values[size_t(y) * width + x] * 255.0f);
  write_encoded_image(path, gray);
}

void write_encoded_image(const std::string& path, const cv::Mat& image) {
  std::vector<uint8_t> encoded;
  if (!cv::haveImageWriter(path) || !cv::imencode(fs::path(path).extension().string(), image, encoded))
    throw std::runtime_error(path + ": could not encode the image (use .png)");
  write_file_atomically(path, std::string(encoded.begin(), encoded.end()));
}

}  // namespace tiae
