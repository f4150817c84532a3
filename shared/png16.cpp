#include "png16.h"

#include <cstdlib>
#include <cstring>

#include "depth_hand.h"

namespace tiae {

namespace {

uint32_t big_endian(const uint8_t* b) { return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]; }

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

constexpr const char* kWhatDepthIs = "a depth frame is a 16-bit grayscale PNG, its values the distance in the sensor's units";

}  // namespace

Png16Layout read_png16_layout(const uint8_t* b, size_t n) {
  Png16Layout l;
  if (n == 0) return l.error = "the file is empty", l;
  if (n < 8 || std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0) return l.error = std::string("not a PNG file (") + kWhatDepthIs + ")", l;
  if (n < 33 || std::memcmp(b + 12, "IHDR", 4) != 0 || big_endian(b + 8) != 13) return l.error = "a damaged PNG file (no header)", l;
  l.width = big_endian(b + 16), l.height = big_endian(b + 20);
  const int depth = b[24], colour = b[25], interlace = b[28];
  if (depth != 16 || colour != 0) {
    const std::string bits = std::to_string(depth) + "-bit";
    const char* kind = colour == 0 ? "grayscale" : colour == 4 ? "grayscale and alpha" : colour == 3 ? "palette" : "colour";
    return l.error = (depth == 8 ? "an " : "a ") + bits + " " + kind + " image (" + kWhatDepthIs + ")", l;
  }
  if (interlace != 0) return l.error = "an interlaced PNG (save the depth frame without interlacing)", l;
  if (auto e = check_depth_frame_size(l.width, l.height); !e.empty()) return l.error = e, l;
  for (size_t i = 8;;) {  // chunks: length, type, data, CRC
    if (i + 12 > n) return l.error = "the PNG file is truncated (it has no end chunk)", l;
    const size_t length = big_endian(b + i);
    if (length > n - i - 12) return l.error = "the PNG file is truncated (a chunk runs past the end)", l;
    if (std::memcmp(b + i + 4, "IDAT", 4) == 0) l.data.emplace_back(i + 8, length);
    if (std::memcmp(b + i + 4, "IEND", 4) == 0) break;
    i += 12 + length;
  }
  if (l.data.empty()) l.error = "a damaged PNG file (no image data)";
  return l;
}

std::string unfilter_png16(const uint8_t* in, size_t n, int width, int height, uint16_t* out) {
  const size_t stride = size_t(width) * 2;
  if (width <= 0 || height <= 0 || n != (stride + 1) * size_t(height)) return "a damaged PNG file (its image data has the wrong length)";
  std::vector<uint8_t> previous(stride, 0), row(stride);
  for (int y = 0; y < height; ++y) {
    const uint8_t* line = in + size_t(y) * (stride + 1);
    const int filter = line[0];
    if (filter > 4) return "a damaged PNG file (unknown filter " + std::to_string(filter) + " on row " + std::to_string(y) + ")";
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= 2 ? row[i - 2] : 0, up = previous[i], c = i >= 2 ? previous[i - 2] : 0;
      const int predicted = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? up : filter == 3 ? (a + up) / 2 : paeth(a, up, c);
      row[i] = uint8_t(line[1 + i] + predicted);
    }
    for (int x = 0; x < width; ++x) out[size_t(y) * width + x] = uint16_t(row[2 * size_t(x)] << 8 | row[2 * size_t(x) + 1]);
    previous.swap(row);
  }
  return "";
}

}  // namespace tiae
