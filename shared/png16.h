// 16-bit grayscale PNG files (depth frames) in the page, where the browser decodes PNGs to
// 8 bits only: the chunks are read here, the image data's zlib stream is inflated by the
// browser (DecompressionStream), and its rows are unfiltered here. Natively OpenCV (libpng)
// decodes depth frames; tests/test_png16.cpp holds this code to it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tiae {

struct Png16Layout {
  std::string error;  // why the file is refused as a depth frame; "" when it may be decoded
  long long width = 0, height = 0;
  std::vector<std::pair<size_t, size_t>> data;  // (offset, length) of each IDAT chunk's data, in order
};

// Reads the signature, the header and the chunk list of bytes[0, size): a depth frame is a
// non-interlaced 16-bit grayscale PNG within check_depth_frame_size (depth_hand.h); an 8-bit
// or colour image, another format, a truncated file or an over-large size is refused with
// the words `tiae depth` uses.
Png16Layout read_png16_layout(const uint8_t* bytes, size_t size);

// The samples (row-major, width x height) from the inflated image data: each row's filter
// byte undone (PNG's None, Sub, Up, Average and Paeth). Returns "" or why the data is
// damaged (a wrong length, an unknown filter).
std::string unfilter_png16(const uint8_t* inflated, size_t size, int width, int height, uint16_t* out);

}  // namespace tiae
