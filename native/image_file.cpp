#include "image_file.h"

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "extract.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

uint32_t big_endian(const std::string& b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | uint8_t(b[at + i]);
  return v;
}

void check_size(const std::string& path, long long w, long long h) {
  if (w <= 0 || h <= 0) throw std::runtime_error(path + ": the image has zero size (" + std::to_string(w) + "x" + std::to_string(h) + ")");
  if (w * h > kMaxExtractPixels)
    throw std::runtime_error(path + ": the photo is too large (" + std::to_string(w) + "x" + std::to_string(h) +
                             " pixels; the limit is " + std::to_string(kMaxExtractPixels / 1'000'000) + " megapixels)");
}

// PNG and JPEG: size from the header and a complete end, before any decoding.
void check_png(const std::string& path, const std::string& bytes) {
  if (bytes.size() < 33 || bytes.compare(12, 4, "IHDR") != 0) throw std::runtime_error(path + ": a damaged PNG file (no header)");
  check_size(path, big_endian(bytes, 16, 4), big_endian(bytes, 20, 4));
  if (bytes.size() < 45 || bytes.find("IEND", bytes.size() - 12) == std::string::npos)
    throw std::runtime_error(path + ": the PNG file is truncated (it has no end chunk)");
}

void check_jpeg(const std::string& path, const std::string& bytes) {
  bool sized = false;
  for (size_t i = 2; i + 9 < bytes.size();) {
    if (uint8_t(bytes[i]) != 0xFF) throw std::runtime_error(path + ": a damaged JPEG file (bad marker)");
    const uint8_t marker = uint8_t(bytes[i + 1]);
    if (marker == 0xFF) { ++i; continue; }
    const uint32_t length = big_endian(bytes, i + 2, 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC): height and width follow the precision.
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      check_size(path, big_endian(bytes, i + 7, 2), big_endian(bytes, i + 5, 2));
      sized = true;
      break;
    }
    if (marker == 0xDA) break;  // start of scan before any frame header
    i += 2 + length;
  }
  if (!sized) throw std::runtime_error(path + ": a damaged JPEG file (no frame header)");
  const size_t tail = bytes.size() > 4096 ? bytes.size() - 4096 : 0;
  if (bytes.find("\xFF\xD9", tail) == std::string::npos)
    throw std::runtime_error(path + ": the JPEG file is truncated (it has no end marker)");
}

}  // namespace

RgbaImage read_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || fs::is_directory(path)) throw std::runtime_error(path + ": cannot open the file");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw std::runtime_error(path + ": the file is empty");
  const bool png = bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
  const bool jpeg = bytes.size() > 3 && uint8_t(bytes[0]) == 0xFF && uint8_t(bytes[1]) == 0xD8 && uint8_t(bytes[2]) == 0xFF;
  if (png) check_png(path, bytes);
  if (jpeg) check_jpeg(path, bytes);
  if (!png && !jpeg && !cv::haveImageReader(path))
    throw std::runtime_error(path + ": not an image file (no known image format)");

  const std::vector<uint8_t> buffer(bytes.begin(), bytes.end());
  // JPEG: decoded to BGR, which applies EXIF orientation and converts CMYK; others keep
  // their depth and alpha.
  cv::Mat img;
  try {
    img = cv::imdecode(buffer, jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw std::runtime_error(path + ": the image could not be decoded (" + e.msg + ")");
  }
  if (img.empty()) throw std::runtime_error(path + ": the image could not be decoded (corrupt or unsupported)");
  check_size(path, img.cols, img.rows);

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
  const fs::path target(path);
  const fs::path tmp = target.parent_path() / (".tmp-" + target.filename().string());
  std::vector<uint8_t> encoded;
  if (!cv::imencode(target.extension().string(), gray, encoded)) throw std::runtime_error(path + ": could not encode the image");
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(encoded.data()), std::streamsize(encoded.size()));
    if (!out) throw std::runtime_error(path + ": cannot write the file");
  }
  fs::rename(tmp, target);
}

}  // namespace tiae
