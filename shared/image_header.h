// What the first and last bytes of an image file tell before any decoding, so that the
// command line and the page refuse the same bad files with the same words: the headers of
// PNG, JPEG (its frame header, found by walking the markers as libjpeg does), WebP, TIFF
// (its first directory, and the strip or tile a decoder buffers), JPEG 2000 (the
// codestream's SIZ: size, components, tiles) and BMP give the size, and zero or over-large
// sizes are refused before memory is spent; a missing end (PNG's IEND chunk, JPEG's EOI
// marker) means a truncated file. Other formats pass as "other" with an unknown size: the
// page leaves them to the browser, the native reader refuses them (native/io/image_file.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace tiae {

struct ImageHeader {
  std::string format;  // "png", "jpeg", "webp", "tiff", "jpeg2000", "bmp", or "other"
  long long width = -1, height = -1;  // -1: not known before decoding
  std::string error;   // empty when the file may be decoded
};

// Reads only bytes[0, size), whatever they hold.
ImageHeader check_image_bytes(const uint8_t* bytes, size_t size);

// The same limits for a decoded image: "" or the message. Each side is at most
// kMaxExtractPixels, and so is their product (computed without overflow).
std::string check_image_size(long long width, long long height);

}  // namespace tiae
