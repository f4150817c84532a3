// shared/image_header.h on hand-made headers: sizes read before decoding, the pixel limit
// (50 megapixels, written out here rather than taken from the code under test), and short
// or garbage files refused without reading past their end.
#include <algorithm>
#include <catch2/catch.hpp>
#include <climits>
#include <cstdint>
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
