// shared/image_header.h on hand-made headers: sizes read before decoding, the pixel limit
// (50 megapixels, written out here rather than taken from the code under test), and short
// or garbage files refused without reading past their end.
#include <algorithm>
#include <catch2/catch.hpp>
#include <climits>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "image_header.h"

namespace {

constexpr long long kLimit = 50'000'000;  // the documented limit, by hand

// A minimal PNG: signature, IHDR (width, height), a stand-in data chunk, IEND; 59 bytes.
std::vector<uint8_t> png(uint32_t w, uint32_t h, bool with_end = true) {
  std::vector<uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (uint32_t v : {w, h})
    for (int i = 3; i >= 0; --i) b.push_back(uint8_t(v >> (8 * i)));
  b.insert(b.end(), {8, 0, 0, 0, 0, 0, 0, 0, 0});  // depth, colour, ..., CRC
  b.insert(b.end(), {0, 0, 0, 2, 'I', 'D', 'A', 'T', 1, 2, 0, 0, 0, 0});
  if (with_end) b.insert(b.end(), {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82});
  return b;
}

// A JPEG: SOI, an APP0 segment to skip, SOF0 with height 300 and width 400 (bytes 8..16), EOI; 23 bytes.
const std::vector<uint8_t> kJpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 1, 44, 1, 144, 1, 1, 17, 0, 0xFF, 0xD9};

// The first n bytes in a buffer of exactly n, so that a read past the end is a read past
// the allocation (caught by the sanitizers of fuzz/).
tiae::ImageHeader check_prefix(const std::vector<uint8_t>& bytes, size_t n) {
  const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + long(n));
  return tiae::check_image_bytes(prefix.data(), prefix.size());
}

tiae::ImageHeader check(const std::vector<uint8_t>& bytes) { return tiae::check_image_bytes(bytes.data(), bytes.size()); }

}  // namespace

TEST_CASE("image headers: sizes read before decoding, truncated and over-large files refused") {
  auto h = check(png(640, 480));
  CHECK(h.format == "png");
  CHECK(h.width == 640);
  CHECK(h.height == 480);
  CHECK(h.error.empty());
  CHECK_THAT(check(png(640, 480, false)).error, Catch::Contains("truncated"));
  CHECK_THAT(check(png(0, 480)).error, Catch::Contains("zero size"));
  CHECK_THAT(check(png(100000, 100000)).error, Catch::Contains("too large"));

  h = check(kJpeg);
  CHECK(h.format == "jpeg");
  CHECK(h.width == 400);
  CHECK(h.height == 300);
  CHECK(h.error.empty());
  CHECK_THAT(check(std::vector<uint8_t>(kJpeg.begin(), kJpeg.end() - 2)).error, Catch::Contains("truncated"));

  const uint8_t text[] = "not a picture";
  CHECK(tiae::check_image_bytes(text, sizeof text).format == "other");
  CHECK_THAT(tiae::check_image_bytes(text, 0).error, Catch::Contains("empty"));
}

TEST_CASE("a PNG header of 4294967295 x 4294967295 is refused as too large, not wrapped to a small size") {
  // (2^32 - 1)^2 is past 2^63: a signed 64-bit product overflowed and let it through.
  for (const auto& [w, h] : {std::pair<uint32_t, uint32_t>{4294967295u, 4294967295u}, {4294967295u, 1}, {1, 4294967295u},
                             {65536, 65536}, {3037000500u, 3037000500u}, {2147483648u, 4294967295u}}) {
    INFO(w << " x " << h);
    const auto header = check(png(w, h));
    CHECK(header.width == w);
    CHECK(header.height == h);
    CHECK_THAT(header.error, Catch::Contains("too large"));
  }
}

TEST_CASE("the pixel limit: 1x1 and exactly 50 megapixels pass, one pixel more does not") {
  CHECK(tiae::check_image_size(1, 1).empty());
  CHECK(tiae::check_image_size(10000, 5000).empty());  // = 50,000,000
  CHECK(tiae::check_image_size(kLimit, 1).empty());
  CHECK(tiae::check_image_size(1, kLimit).empty());
  CHECK(tiae::check_image_size(7071, 7071).empty());  // 49,999,041
  CHECK_THAT(tiae::check_image_size(7072, 7071), Catch::Contains("too large"));  // 50,006,112
  CHECK_THAT(tiae::check_image_size(kLimit + 1, 1), Catch::Contains("too large"));
  CHECK_THAT(tiae::check_image_size(1, kLimit + 1), Catch::Contains("too large"));
  CHECK_THAT(tiae::check_image_size(10001, 5000), Catch::Contains("the limit is 50 megapixels"));
  // Sides whose product overflows 64 bits, signed or not.
  CHECK_THAT(tiae::check_image_size(LLONG_MAX, LLONG_MAX), Catch::Contains("too large"));
  CHECK_THAT(tiae::check_image_size(4294967296LL, 4294967296LL), Catch::Contains("too large"));
  for (const auto& [w, h] : {std::pair<long long, long long>{0, 1}, {1, 0}, {-1, 5}, {5, LLONG_MIN}, {LLONG_MIN, LLONG_MIN}})
    CHECK_THAT(tiae::check_image_size(w, h), Catch::Contains("zero size"));
  // The same boundary through a PNG header.
  CHECK(check(png(10000, 5000)).error.empty());
  CHECK_THAT(check(png(10000, 5001)).error, Catch::Contains("too large"));
  CHECK(check(png(1, 1)).error.empty());
}

TEST_CASE("every prefix of a PNG and a JPEG is refused for what it lacks, reading only its own bytes") {
  const auto full = png(640, 480);
  REQUIRE(full.size() == 59);
  CHECK_THAT(check_prefix(full, 0).error, Catch::Contains("empty"));
  for (size_t n = 1; n < 8; ++n) CHECK(check_prefix(full, n).format == "other");  // no whole signature
  for (size_t n = 8; n < 33; ++n) {  // signature, but the IHDR chunk ends at byte 33
    INFO("PNG prefix " << n);
    CHECK_THAT(check_prefix(full, n).error, Catch::Contains("damaged PNG file (no header)"));
  }
  for (size_t n = 33; n < 55; ++n) {  // no IEND chunk type yet (bytes 51..54)
    INFO("PNG prefix " << n);
    CHECK_THAT(check_prefix(full, n).error, Catch::Contains("truncated"));
  }

  CHECK_THAT(check_prefix(kJpeg, 0).error, Catch::Contains("empty"));
  for (size_t n = 1; n < 3; ++n) CHECK(check_prefix(kJpeg, n).format == "other");
  for (size_t n = 3; n < 17; ++n) {  // the frame header's sizes end at byte 17
    INFO("JPEG prefix " << n);
    CHECK_THAT(check_prefix(kJpeg, n).error, Catch::Contains("no frame header"));
  }
  for (size_t n = 17; n < kJpeg.size(); ++n) {  // sizes known, no end marker
    INFO("JPEG prefix " << n);
    const auto h = check_prefix(kJpeg, n);
    CHECK(h.width == 400);
    CHECK_THAT(h.error, Catch::Contains("truncated"));
  }
}

TEST_CASE("garbage after a PNG or JPEG signature is refused as damaged") {
  auto wrong_chunk = png(640, 480);
  wrong_chunk[15] = 'X';  // IHDX
  CHECK_THAT(check(wrong_chunk).error, Catch::Contains("damaged PNG file (no header)"));

  const auto jpeg = [](std::vector<uint8_t> tail) {
    std::vector<uint8_t> b = {0xFF, 0xD8, 0xFF};
    b.insert(b.end(), tail.begin(), tail.end());
    b.resize(std::max<size_t>(b.size(), 64), 0);  // room for any header
    return check(b);
  };
  CHECK_THAT(jpeg({0xE0, 0, 4, 0, 0, 0x12}).error, Catch::Contains("bad marker"));  // no 0xFF where the next marker is
  CHECK_THAT(jpeg({0xE0, 0, 0}).error, Catch::Contains("bad segment length"));      // a length must count its own 2 bytes
  CHECK_THAT(jpeg({0xE0, 0, 1}).error, Catch::Contains("bad segment length"));
  CHECK_THAT(jpeg({0xD9}).error, Catch::Contains("no frame header"));               // the end marker first
  CHECK_THAT(jpeg({0xDA, 0, 8}).error, Catch::Contains("no frame header"));         // scan data first
  CHECK_THAT(jpeg({0xE0, 0xFF, 0xFF}).error, Catch::Contains("no frame header"));   // a segment past the end of the file
  CHECK_THAT(jpeg({0xC0, 0, 11, 8, 0, 0, 1, 144}).error, Catch::Contains("zero size"));  // height 0 (DNL): refused
}

namespace {
std::vector<uint8_t> bytes_of(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> b;
  for (const auto& p : parts) b.insert(b.end(), p.begin(), p.end());
  return b;
}
std::vector<uint8_t> le(uint32_t v, int n) {
  std::vector<uint8_t> b;
  for (int i = 0; i < n; ++i) b.push_back(uint8_t(v >> (8 * i)));
  return b;
}
std::vector<uint8_t> be(uint32_t v, int n) {
  std::vector<uint8_t> b;
  for (int i = n - 1; i >= 0; --i) b.push_back(uint8_t(v >> (8 * i)));
  return b;
}
std::vector<uint8_t> text(const char* s) { return {s, s + std::strlen(s)}; }

// RIFF/WEBP with one chunk of `data` (the sizes as the format states them).
std::vector<uint8_t> webp(const char* chunk, const std::vector<uint8_t>& data) {
  return bytes_of({text("RIFF"), le(uint32_t(12 + data.size()), 4), text("WEBP"), text(chunk), le(uint32_t(data.size()), 4), data});
}

// A little-endian TIFF whose first directory holds `entries` (tag, value), each a LONG.
std::vector<uint8_t> tiff(const std::vector<std::pair<uint16_t, uint32_t>>& entries) {
  auto b = bytes_of({text("II*"), {0}, le(8, 4), le(uint32_t(entries.size()), 2)});
  for (const auto& [tag, value] : entries) b = bytes_of({b, le(tag, 2), le(4, 2), le(1, 4), le(value, 4)});
  return bytes_of({b, le(0, 4)});
}

// A JPEG 2000 codestream's start: SOC, SIZ (image x, y from 0; tiles of tw x th; `components` of 8 bits).
std::vector<uint8_t> j2k(uint32_t x, uint32_t y, uint32_t tw, uint32_t th, uint16_t components) {
  auto b = bytes_of({{0xFF, 0x4F, 0xFF, 0x51}, be(38 + 3 * components, 2), be(0, 2), be(x, 4), be(y, 4), be(0, 4), be(0, 4), be(tw, 4),
                     be(th, 4), be(0, 4), be(0, 4), be(components, 2)});
  for (uint16_t c = 0; c < components; ++c) b = bytes_of({b, {7, 1, 1}});
  return bytes_of({b, {0xFF, 0xD9}});
}
}  // namespace

TEST_CASE("WebP, TIFF, JPEG 2000 and BMP headers give their sizes before decoding, and over-large ones are refused") {
  // WebP: lossy (14-bit sizes at bytes 26, 28), lossless (14 bits each of width-1, height-1), extended (24-bit canvas)
  auto h = check(webp("VP8 ", bytes_of({{0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A}, le(640, 2), le(480, 2)})));
  CHECK(h.format == "webp");
  CHECK((h.width == 640 && h.height == 480 && h.error.empty()));
  h = check(webp("VP8L", bytes_of({{0x2F}, le(639 | (479u << 14), 4), {0, 0, 0, 0, 0}})));
  CHECK((h.width == 640 && h.height == 480 && h.error.empty()));
  CHECK_THAT(check(webp("VP8L", bytes_of({{0x2F}, le(16382 | (16382u << 14), 4), {0, 0, 0, 0, 0}}))).error, Catch::Contains("too large"));
  h = check(webp("VP8X", bytes_of({{0, 0, 0, 0}, le(99999, 3), le(0, 3)})));
  CHECK((h.width == 100000 && h.height == 1 && h.error.empty()));
  CHECK_THAT(check(webp("VP8X", bytes_of({{0, 0, 0, 0}, le(9999, 3), le(9999, 3)}))).error, Catch::Contains("too large"));
  CHECK_THAT(check(webp("VP8X", bytes_of({{2, 0, 0, 0}, le(9, 3), le(9, 3)}))).error, Catch::Contains("animated"));
  auto cut = webp("VP8L", bytes_of({{0x2F}, le(639 | (479u << 14), 4), {0, 0, 0, 0, 0, 0, 0, 0, 0}}));
  cut.resize(cut.size() - 4);  // the RIFF size says 4 bytes more
  CHECK_THAT(check(cut).error, Catch::Contains("truncated"));

  // TIFF: the first directory's width (256) and length (257); big-endian too
  h = check(tiff({{256, 640}, {257, 480}}));
  CHECK(h.format == "tiff");
  CHECK((h.width == 640 && h.height == 480 && h.error.empty()));
  const std::vector<uint8_t> big_endian_tiff = bytes_of({text("MM"), {0, 42}, be(8, 4), be(2, 2), be(256, 2), be(3, 2), be(1, 4), {0x01, 0x40, 0, 0},
                                                         be(257, 2), be(4, 2), be(1, 4), be(30000, 4), be(0, 4)});
  h = check(big_endian_tiff);
  CHECK((h.width == 320 && h.height == 30000 && h.error.empty()));
  CHECK_THAT(check(tiff({{256, 30000}, {257, 30000}})).error, Catch::Contains("too large"));
  CHECK_THAT(check(tiff({{256, 640}})).error, Catch::Contains("zero size"));
  CHECK_THAT(check(tiff({{256, 640}, {257, 480}, {277, 5}})).error, Catch::Contains("5 samples"));
  // a strip of 2^24 rows of a 16000 px wide image: a buffer of 1 GB for 10 rows of picture
  CHECK_THAT(check(tiff({{256, 16000}, {257, 10}, {278, 1u << 24}})).error, Catch::Contains("strips or tiles are too large"));
  CHECK(check(tiff({{256, 16000}, {257, 10}, {278, 0xFFFFFFFFu}})).error.empty());  // all rows in one strip
  auto wrong = tiff({{256, 640}, {257, 480}});
  wrong[4] = 200;  // the directory past the end
  CHECK_THAT(check(wrong).error, Catch::Contains("no directory"));

  // JPEG 2000: a codestream, and the same in a JP2 file's jp2c box after its signature and other boxes
  h = check(j2k(640, 480, 640, 480, 3));
  CHECK(h.format == "jpeg2000");
  CHECK((h.width == 640 && h.height == 480 && h.error.empty()));
  const auto codestream = j2k(640, 480, 64, 64, 1);
  const auto jp2 = bytes_of({{0, 0, 0, 12}, text("jP  "), {0x0D, 0x0A, 0x87, 0x0A}, be(20, 4), text("ftypjp2 "), be(0, 4), text("jp2 "),
                             be(uint32_t(8 + codestream.size()), 4), text("jp2c"), codestream});
  h = check(jp2);
  CHECK((h.format == "jpeg2000" && h.width == 640 && h.height == 480 && h.error.empty()));
  CHECK_THAT(check(j2k(30000, 30000, 30000, 30000, 1)).error, Catch::Contains("too large"));
  CHECK_THAT(check(j2k(640, 480, 640, 480, 5)).error, Catch::Contains("5 components"));
  CHECK_THAT(check(j2k(6400, 4800, 8, 8, 1)).error, Catch::Contains("480000 tiles"));  // 800 x 600 tiles
  CHECK_THAT(check(j2k(640, 480, 0, 480, 1)).error, Catch::Contains("damaged JPEG 2000"));
  auto no_box = jp2;
  no_box[32 + 3] = 0xFF;  // the jp2c box's length past the end of the file
  CHECK_THAT(check(no_box).error, Catch::Contains("damaged JPEG 2000"));

  // BMP: Windows (32-bit, negative height: top-down), OS/2 (16-bit)
  const auto bmp = [](uint32_t info, std::vector<uint8_t> sizes) {
    return bytes_of({text("BM"), le(0, 4), le(0, 4), le(54, 4), le(info, 4), sizes, std::vector<uint8_t>(40, 0)});
  };
  h = check(bmp(40, bytes_of({le(640, 4), le(uint32_t(-480), 4)})));
  CHECK((h.format == "bmp" && h.width == 640 && h.height == 480 && h.error.empty()));
  h = check(bmp(12, bytes_of({le(640, 2), le(480, 2)})));
  CHECK((h.width == 640 && h.height == 480 && h.error.empty()));
  CHECK_THAT(check(bmp(40, bytes_of({le(30000, 4), le(30000, 4)}))).error, Catch::Contains("too large"));
  CHECK_THAT(check(bmp(20, bytes_of({le(640, 4), le(480, 4)}))).error, Catch::Contains("damaged BMP"));
}

TEST_CASE("JPEG markers are walked as libjpeg walks them: markers without a length, no stray bytes, the first frame header") {
  const auto sof = [](uint16_t w, uint16_t h, uint8_t components) {
    auto b = bytes_of({{0xFF, 0xC0}, be(8 + 3 * components, 2), {8}, be(h, 2), be(w, 2), {components}});
    for (uint8_t c = 0; c < components; ++c) b = bytes_of({b, {uint8_t(c + 1), 0x11, 0}});
    return b;
  };
  const std::vector<uint8_t> soi = {0xFF, 0xD8}, eoi = {0xFF, 0xD9};
  // RST0 and TEM have no length: the frame header right after them is the one libjpeg reads
  auto h = check(bytes_of({soi, {0xFF, 0xD0, 0xFF, 0x01}, sof(400, 300, 3), eoi}));
  CHECK((h.format == "jpeg" && h.width == 400 && h.height == 300 && h.error.empty()));
  CHECK_THAT(check(bytes_of({soi, {0xFF, 0xD0}, sof(30000, 30000, 1), eoi})).error, Catch::Contains("too large"));
  // stray bytes after RST0 (libjpeg skips them, a reader taking them for a length lands elsewhere)
  CHECK_THAT(check(bytes_of({soi, {0xFF, 0xD0, 0x00, 0x13}, sof(30000, 30000, 1), eoi})).error, Catch::Contains("bad marker"));
  // markers libjpeg refuses before a frame: a second SOI, JPG, DHP, JPGn, a stuffed 0x00
  for (uint8_t marker : {0xD8, 0xC8, 0xDE, 0xF0, 0x00}) {
    INFO(int(marker));
    CHECK_THAT(check(bytes_of({soi, {0xFF, marker, 0, 4, 0, 0}, sof(400, 300, 3), eoi})).error, Catch::Contains("bad marker"));
  }
  // a frame header of a number of components libjpeg cannot show
  CHECK_THAT(check(bytes_of({soi, sof(400, 300, 2), eoi})).error, Catch::Contains("2 components"));
  CHECK(check(bytes_of({soi, sof(400, 300, 4), eoi})).error.empty());  // CMYK
}

TEST_CASE("every prefix of a WebP, TIFF, JPEG 2000 and BMP header is refused or left to the decoder, reading only its own bytes") {
  const std::vector<std::vector<uint8_t>> files = {
      webp("VP8L", bytes_of({{0x2F}, le(639 | (479u << 14), 4), {0, 0, 0, 0, 0}})), tiff({{256, 640}, {257, 480}, {278, 16}}),
      j2k(640, 480, 64, 64, 3),
      bytes_of({text("BM"), le(0, 4), le(0, 4), le(54, 4), le(40, 4), le(640, 4), le(480, 4), std::vector<uint8_t>(28, 0)})};
  for (const auto& file : files)
    for (size_t n = 1; n < file.size(); ++n) {
      INFO("prefix " << n << " of a " << check(file).format << " header");
      const auto h = check_prefix(file, n);
      CHECK((!h.error.empty() || h.format == "other" || (h.width == 640 && h.height == 480)));
    }
}
