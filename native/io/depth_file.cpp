#include "io/depth_file.h"

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "io/files.h"
#include "io/image_file.h"
#include "png16.h"

namespace tiae {
namespace fs = std::filesystem;

DepthImage read_depth_file(const std::string& path, double unit_m) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw std::runtime_error(path + ": cannot open the file (it does not exist)");
  if (!fs::is_regular_file(status)) throw std::runtime_error(path + ": not a depth frame (not a regular file)");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxImageFileBytes)
    throw std::runtime_error(path + ": too large for a depth frame (" + std::to_string(size >> 20) + " MB)");
  const std::string bytes = read_file(path, kMaxImageFileBytes);
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  if (const auto layout = read_png16_layout(data, bytes.size()); !layout.error.empty()) throw std::runtime_error(path + ": " + layout.error);
  cv::Mat img;
  try {
    img = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<uint8_t*>(data)), cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw std::runtime_error(path + ": the depth frame could not be decoded (" + e.msg + ")");
  }
  if (img.empty() || img.type() != CV_16UC1) throw std::runtime_error(path + ": the depth frame could not be decoded (corrupt PNG data)");
  DepthImage out{img.cols, img.rows, std::vector<float>(size_t(img.cols) * img.rows)};
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) out.metres[size_t(y) * img.cols + x] = float(img.at<uint16_t>(y, x) * unit_m);
  return out;
}

}  // namespace tiae
