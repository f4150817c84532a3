#include "image_header.h"

#include <algorithm>
#include <cstring>

#include "extract.h"

namespace tiae {

namespace {

// [SECTION] reading bytes

uint32_t big_endian(const uint8_t* b, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | b[i];
  return v;
}

uint32_t little_endian(const uint8_t* b, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

bool contains(const uint8_t* bytes, size_t from, size_t to, const char* what, size_t n) {
  for (size_t i = from; i + n <= to; ++i)
    if (std::memcmp(bytes + i, what, n) == 0) return true;
  return false;
}

bool starts_with(const uint8_t* b, size_t n, const char* what, size_t k) { return n >= k && std::memcmp(b, what, k) == 0; }

ImageHeader named(const char* format) {
  ImageHeader h;
  h.format = format;
  return h;
}

// The sizes against the limit; `h.error` set when they are not within it.
ImageHeader sized(ImageHeader h, long long width, long long height) {
  h.width = width;
  h.height = height;
  h.error = check_image_size(width, height);
  return h;
}

ImageHeader refused(ImageHeader h, const std::string& error) {
  h.error = error;
  return h;
}

// [SECTION] PNG: the IHDR chunk, and IEND at the end

ImageHeader check_png(const uint8_t* b, size_t n) {
  ImageHeader h = named("png");
  if (n < 33 || std::memcmp(b + 12, "IHDR", 4) != 0) return refused(h, "a damaged PNG file (no header)");
  h = sized(h, big_endian(b + 16, 4), big_endian(b + 20, 4));
  if (h.error.empty() && (n < 45 || !contains(b, n - 12, n, "IEND", 4))) h.error = "the PNG file is truncated (it has no end chunk)";
  return h;
}

// [SECTION] JPEG: markers walked as libjpeg walks them, up to the first frame header

// What libjpeg does with a marker before the frame header: read it (0: a segment with a
// length, 1: a marker without one), take it as the frame header (2), or fail (3).
int jpeg_marker_kind(uint8_t m) {
  if (m == 0xC0 || m == 0xC1 || m == 0xC2 || m == 0xC3 || (m >= 0xC5 && m <= 0xC7) || (m >= 0xC9 && m <= 0xCB) || (m >= 0xCD && m <= 0xCF))
    return 2;  // SOF0..SOF15 but DHT (C4), JPG (C8), DAC (CC)
  if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) return 1;  // TEM, RST0..7
  if (m == 0xC4 || m == 0xCC || (m >= 0xDB && m <= 0xDD) || (m >= 0xE0 && m <= 0xEF) || m == 0xFE) return 0;  // DHT DAC DQT DNL DRI APPn COM
  return 3;  // SOI again, EOI or SOS before a frame, JPG, DHP, EXP, JPGn, reserved, 0x00
}

ImageHeader check_jpeg(const uint8_t* b, size_t n) {
  ImageHeader h = named("jpeg");
  size_t frame = 0;
  for (size_t i = 2; i + 9 <= n && frame == 0;) {
    if (b[i] != 0xFF) return refused(h, "a damaged JPEG file (bad marker)");
    const uint8_t marker = b[i + 1];
    const int kind = marker == 0xFF ? -1 : jpeg_marker_kind(marker);
    if (kind == -1 || kind == 1) {  // a fill byte; a marker without a length
      i += kind == -1 ? 1 : 2;
      continue;
    }
    if (kind == 3)
      return refused(h, marker == 0xD9 || marker == 0xDA ? "a damaged JPEG file (no frame header)" : "a damaged JPEG file (bad marker)");
    if (kind == 2) frame = i;
    const uint32_t length = big_endian(b + i + 2, 2);  // counts its own two bytes
    if (length < 2) return refused(h, "a damaged JPEG file (bad segment length)");
    i += 2 + length;
  }
  if (frame == 0) return refused(h, "a damaged JPEG file (no frame header)");
  h = sized(h, big_endian(b + frame + 7, 2), big_endian(b + frame + 5, 2));
  // Gray, YCbCr or RGB, CMYK: libjpeg keeps a plane per component, and can show only these.
  if (h.error.empty() && frame + 10 <= n && b[frame + 9] != 1 && b[frame + 9] != 3 && b[frame + 9] != 4)
    h.error = "a JPEG file of " + std::to_string(b[frame + 9]) + " components (not 1, 3 or 4)";
  if (h.error.empty() && !contains(b, n > 4096 ? n - 4096 : 0, n, "\xFF\xD9", 2)) h.error = "the JPEG file is truncated (it has no end marker)";
  return h;
}

// [SECTION] WebP: the first chunk, lossy (VP8), lossless (VP8L) or extended (VP8X)

ImageHeader check_webp(const uint8_t* b, size_t n) {
  ImageHeader h = named("webp");
  if (n < 30) return refused(h, "a damaged WebP file (no header)");
  if (uint64_t(little_endian(b + 4, 4)) + 8 > n) return refused(h, "the WebP file is truncated");
  const uint8_t* d = b + 20;  // the first chunk's data
  if (std::memcmp(b + 12, "VP8 ", 4) == 0 && d[3] == 0x9D && d[4] == 0x01 && d[5] == 0x2A)
    return sized(h, little_endian(d + 6, 2) & 0x3FFF, little_endian(d + 8, 2) & 0x3FFF);
  if (std::memcmp(b + 12, "VP8L", 4) == 0 && d[0] == 0x2F) {
    const uint32_t bits = little_endian(d + 1, 4);
    return sized(h, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (std::memcmp(b + 12, "VP8X", 4) == 0) {
    if (d[0] & 0x02) return refused(h, "an animated WebP file (one picture is read)");
    return sized(h, little_endian(d + 4, 3) + 1LL, little_endian(d + 7, 3) + 1LL);
  }
  return refused(h, "a damaged WebP file (no image chunk)");
}

// [SECTION] TIFF: the first directory (the page decoders read), and its strip or tile

class TiffReader {
 public:
  TiffReader(const uint8_t* b, size_t n) : b_(b), n_(n), little_(b[0] == 'I') {}
  bool has(uint64_t at, uint64_t bytes) const { return at + bytes <= n_; }
  uint32_t u(uint64_t at, int bytes) const { return little_ ? little_endian(b_ + at, bytes) : big_endian(b_ + at, bytes); }
  // Entry `e`'s first value (SHORT or LONG; in the entry, or where it points for more values).
  bool value(uint64_t e, uint32_t* out) const {
    const uint32_t type = u(e + 2, 2), count = u(e + 4, 4), size = type == 3 ? 2 : type == 4 ? 4 : 0;
    if (size == 0 || count == 0) return false;
    const uint64_t at = uint64_t(count) * size <= 4 ? e + 8 : u(e + 8, 4);
    if (!has(at, size)) return false;
    *out = u(at, int(size));
    return true;
  }

 private:
  const uint8_t* b_;
  size_t n_;
  bool little_;
};

ImageHeader check_tiff(const uint8_t* b, size_t n) {
  ImageHeader h = named("tiff");
  const TiffReader t(b, n);
  const uint32_t ifd = n >= 8 ? t.u(4, 4) : 0;
  if (ifd < 8 || !t.has(ifd, 2) || !t.has(ifd + 2, uint64_t(t.u(ifd, 2)) * 12)) return refused(h, "a damaged TIFF file (no directory)");
  uint32_t width = 0, height = 0, bits = 1, samples = 1, rows = 0, tile_width = 0, tile_height = 0;
  for (uint32_t k = 0, entries = t.u(ifd, 2); k < entries; ++k) {
    const uint64_t e = ifd + 2 + uint64_t(k) * 12;
    const uint32_t tag = t.u(e, 2);
    uint32_t* field = tag == 256 ? &width : tag == 257 ? &height : tag == 258 ? &bits : tag == 277 ? &samples : tag == 278 ? &rows
                    : tag == 322 ? &tile_width : tag == 323 ? &tile_height : nullptr;
    if (field && !t.value(e, field)) return refused(h, "a damaged TIFF file (bad tag " + std::to_string(tag) + ")");
  }
  h = sized(h, width, height);
  if (!h.error.empty()) return h;
  if (samples < 1 || samples > 4 || bits < 1 || bits > 64)
    return refused(h, "a TIFF file of " + std::to_string(samples) + " samples of " + std::to_string(bits) + " bits (at most 4 of 64)");
  // OpenCV's buffer: a tile, or a strip of RowsPerStrip rows (all rows when unset or 2^32 - 1,
  // but not capped at the image's height), as RGBA or as the samples themselves.
  const uint64_t buffer_w = tile_width ? tile_width : width,
                 buffer_h = tile_width ? tile_height : (rows == 0 || rows == 0xFFFFFFFFu ? height : rows);
  if (buffer_w * buffer_h * std::max<uint64_t>(4, samples * ((bits + 7) / 8)) > (uint64_t(512) << 20))
    return refused(h, "a TIFF file whose strips or tiles are too large (over 512 MB each)");
  return h;
}

// [SECTION] JPEG 2000: the codestream's SIZ segment (in a JP2 file, inside its jp2c box)

constexpr size_t kNoCodestream = ~size_t(0);

// Where the codestream starts (kNoCodestream: none found), walking a JP2 file's boxes.
size_t jp2_codestream(const uint8_t* b, size_t n) {
  for (uint64_t at = 12; at + 8 <= n;) {
    uint64_t length = big_endian(b + at, 4), header = 8;
    if (length == 1) {
      if (at + 16 > n) return kNoCodestream;
      length = (uint64_t(big_endian(b + at + 8, 4)) << 32) | big_endian(b + at + 12, 4), header = 16;
    }
    if (length == 0) length = n - at;  // the last box, to the end of the file
    if (length < header || length > n - at) return kNoCodestream;
    if (std::memcmp(b + at + 4, "jp2c", 4) == 0) return size_t(at + header);
    at += length;
  }
  return kNoCodestream;
}

ImageHeader check_jpeg2000(const uint8_t* b, size_t n, size_t c) {
  ImageHeader h = named("jpeg2000");
  if (c == kNoCodestream || c + 42 > n || big_endian(b + c, 4) != 0xFF4FFF51u) return refused(h, "a damaged JPEG 2000 file (no image header)");
  const auto at = [&](size_t offset) { return uint64_t(big_endian(b + c + offset, 4)); };
  const uint64_t x = at(8), y = at(12), x0 = at(16), y0 = at(20), tile_w = at(24), tile_h = at(28), tile_x0 = at(32), tile_y0 = at(36);
  const uint32_t components = big_endian(b + c + 40, 2);
  if (x0 >= x || y0 >= y || tile_w == 0 || tile_h == 0 || tile_x0 > x0 || tile_y0 > y0)
    return refused(h, "a damaged JPEG 2000 file (bad image or tile offsets)");
  h = sized(h, (long long)(x - x0), (long long)(y - y0));
  if (!h.error.empty()) return h;
  if (components < 1 || components > 4) return refused(h, "a JPEG 2000 file of " + std::to_string(components) + " components (at most 4)");
  if (c + 42 + 3 * size_t(components) > n) return refused(h, "a damaged JPEG 2000 file (no image header)");
  for (uint32_t k = 0; k < components; ++k) {
    const uint8_t* p = b + c + 42 + 3 * k;
    if ((p[0] & 0x7F) + 1 > 16 || p[1] == 0 || p[2] == 0)
      return refused(h, "a JPEG 2000 file with an unsupported component (over 16 bits, or no sampling)");
  }
  // The decoder keeps a structure per tile and component: bounded.
  const uint64_t tiles = ((x - tile_x0 + tile_w - 1) / tile_w) * ((y - tile_y0 + tile_h - 1) / tile_h);
  if (tiles > 16384) return refused(h, "a JPEG 2000 file of " + std::to_string(tiles) + " tiles (at most 16384)");
  return h;
}

// [SECTION] BMP: the info header's sizes (Windows: 32-bit, bottom-up or top-down; OS/2: 16-bit)

ImageHeader check_bmp(const uint8_t* b, size_t n) {
  ImageHeader h = named("bmp");
  const uint32_t info = n >= 18 ? little_endian(b + 14, 4) : 0;
  if (info == 12 && n >= 22) return sized(h, little_endian(b + 18, 2), little_endian(b + 20, 2));
  if (info < 36 || n < 26) return refused(h, "a damaged BMP file (no header)");
  const auto height = (long long)int32_t(little_endian(b + 22, 4));
  return sized(h, (long long)int32_t(little_endian(b + 18, 4)), height < 0 ? -height : height);
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
  if (n == 0) return refused(ImageHeader{}, "the file is empty");
  if (starts_with(b, n, "\x89PNG\r\n\x1a\n", 8)) return check_png(b, n);
  if (starts_with(b, n, "\xFF\xD8\xFF", 3)) return check_jpeg(b, n);
  if (starts_with(b, n, "RIFF", 4) && n >= 12 && std::memcmp(b + 8, "WEBP", 4) == 0) return check_webp(b, n);
  if (starts_with(b, n, "II*\0", 4) || starts_with(b, n, "MM\0*", 4)) return check_tiff(b, n);
  if (starts_with(b, n, "\0\0\0\x0CjP  \r\n\x87\n", 12)) return check_jpeg2000(b, n, jp2_codestream(b, n));
  if (starts_with(b, n, "\xFF\x4F\xFF\x51", 4)) return check_jpeg2000(b, n, 0);
  if (starts_with(b, n, "BM", 2)) return check_bmp(b, n);
  return named("other");
}

}  // namespace tiae
