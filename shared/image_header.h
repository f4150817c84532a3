// What the first and last bytes of an image file tell before any decoding, so that the
// command line and the page refuse the same bad files with the same words: PNG and JPEG
// headers give the size (zero and over-large sizes are refused before memory is spent),
// and a missing end (PNG's IEND chunk, JPEG's EOI marker) means a truncated file.
// Other formats pass with an unknown size (the decoder decides).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace tiae {

struct ImageHeader {
  std::string format;  // "png", "jpeg", or "other"
  long long width = -1, height = -1;  // -1: not known before decoding
  std::string error;   // empty when the file may be decoded
};

// Reads only bytes[0, size), whatever they hold.
ImageHeader check_image_bytes(const uint8_t* bytes, size_t size);

// The same limits for a decoded image: "" or the message. Each side is at most
// kMaxExtractPixels, and so is their product (computed without overflow).
std::string check_image_size(long long width, long long height);

}  // namespace tiae
