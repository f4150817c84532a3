#include "image_header.h"

#include <cstring>

#include "extract.h"

namespace tiae {

namespace {

uint32_t big_endian(const uint8_t* b, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | b[i];
  return v;
}

bool contains(const uint8_t* bytes, size_t from, size_t to, const char* what, size_t n) {
  for (size_t i = from; i + n <= to; ++i)
    if (std::memcmp(bytes + i, what, n) == 0) return true;
  return false;
}

}  // namespace

std::string check_image_size(long long width, long long height) {
  if (width <= 0 || height <= 0)
    return "the image has zero size (" + std::to_string(width) + "x" + std::to_string(height) + ")";
  // Each side against the limit before multiplying: then the product (at most the limit
  // squared, 2.5e15) cannot overflow. Headers give sizes up to 2^32 - 1 per side.
  const auto w = static_cast<unsigned long long>(width), h = static_cast<unsigned long long>(height);
  const auto limit = static_cast<unsigned long long>(kMaxExtractPixels);
  if (w > limit || h > limit || w * h > limit)
    return "the photo is too large (" + std::to_string(width) + "x" + std::to_string(height) + " pixels; the limit is " +
           std::to_string(kMaxExtractPixels / 1'000'000) + " megapixels)";
  return "";
}

ImageHeader check_image_bytes(const uint8_t* b, size_t n) {
  ImageHeader h;
  if (n == 0) {
    h.error = "the file is empty";
    return h;
  }
  if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) {
    h.format = "png";
    if (n < 33 || std::memcmp(b + 12, "IHDR", 4) != 0) {
      h.error = "a damaged PNG file (no header)";
      return h;
    }
    h.width = big_endian(b + 16, 4);
    h.height = big_endian(b + 20, 4);
    h.error = check_image_size(h.width, h.height);
    if (h.error.empty() && (n < 45 || !contains(b, n - 12, n, "IEND", 4))) h.error = "the PNG file is truncated (it has no end chunk)";
    return h;
  }
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
    h.format = "jpeg";
    // Segment by segment up to the first frame header, whose sizes end at byte i + 9.
    for (size_t i = 2; i + 9 <= n;) {
      if (b[i] != 0xFF) {
        h.error = "a damaged JPEG file (bad marker)";
        return h;
      }
      const uint8_t marker = b[i + 1];
      if (marker == 0xFF) {
        ++i;
        continue;
      }
      // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC): precision, height, width.
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        h.height = big_endian(b + i + 5, 2);
        h.width = big_endian(b + i + 7, 2);
        break;
      }
      if (marker == 0xDA || marker == 0xD9) break;  // scan data or the end before any frame header
      const uint32_t length = big_endian(b + i + 2, 2);  // counts its own two bytes
      if (length < 2) {
        h.error = "a damaged JPEG file (bad segment length)";
        return h;
      }
      i += 2 + length;
    }
    if (h.width < 0) {
      h.error = "a damaged JPEG file (no frame header)";
      return h;
    }
    h.error = check_image_size(h.width, h.height);
    if (h.error.empty() && !contains(b, n > 4096 ? n - 4096 : 0, n, "\xFF\xD9", 2))
      h.error = "the JPEG file is truncated (it has no end marker)";
    return h;
  }
  h.format = "other";
  return h;
}

}  // namespace tiae
