// shared/png16.h, the page's decoding of 16-bit depth PNGs: rows filtered here with each of
// PNG's five filters by the specification's forward definitions (tests/test_depth_native.cpp
// holds the decoder to OpenCV's libpng on real files), and headers the page must refuse.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "png16.h"

namespace {

// PNG's Paeth predictor, written from the specification.
int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// The filtered image data of 16-bit gray samples, row y with filter filters[y % size].
std::vector<uint8_t> filter_rows(const std::vector<uint16_t>& samples, int w, int h, const std::vector<int>& filters) {
  const int stride = 2 * w;
  std::vector<uint8_t> raw(size_t(stride) * h), out;
  for (size_t i = 0; i < samples.size(); ++i) raw[2 * i] = uint8_t(samples[i] >> 8), raw[2 * i + 1] = uint8_t(samples[i] & 255);
  for (int y = 0; y < h; ++y) {
    const int f = filters[size_t(y) % filters.size()];
    out.push_back(uint8_t(f));
    for (int i = 0; i < stride; ++i) {
      const int x = raw[size_t(y) * stride + i], a = i >= 2 ? raw[size_t(y) * stride + i - 2] : 0, b = y > 0 ? raw[size_t(y - 1) * stride + i] : 0,
                c = y > 0 && i >= 2 ? raw[size_t(y - 1) * stride + i - 2] : 0;
      const int predicted[5] = {0, a, b, (a + b) / 2, paeth(a, b, c)};
      out.push_back(uint8_t((x - predicted[f]) & 255));
    }
  }
  return out;
}

// A PNG of the given header fields and chunks (CRCs left 0: the layout does not check them).
std::vector<uint8_t> png(uint32_t w, uint32_t h, int depth, int colour, int interlace, bool end = true) {
  std::vector<uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (uint32_t v : {w, h})
    for (int i = 3; i >= 0; --i) b.push_back(uint8_t(v >> (8 * i)));
  b.insert(b.end(), {uint8_t(depth), uint8_t(colour), 0, 0, uint8_t(interlace), 0, 0, 0, 0});
  b.insert(b.end(), {0, 0, 0, 3, 'I', 'D', 'A', 'T', 1, 2, 3, 0, 0, 0, 0});
  if (end) b.insert(b.end(), {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82});
  return b;
}

std::string refusal(const std::vector<uint8_t>& b) { return tiae::read_png16_layout(b.data(), b.size()).error; }

}  // namespace

TEST_CASE("16-bit rows filtered with each of PNG's five filters come back as their samples") {
  std::mt19937 rng(31);
  const int w = 37, h = 23;
  std::vector<uint16_t> samples(size_t(w) * h);
  for (auto& s : samples) s = uint16_t(rng() % 3 == 0 ? 0 : 3000 + rng() % 6000);  // depth-like, with holes
  for (const auto& filters : std::vector<std::vector<int>>{{0}, {1}, {2}, {3}, {4}, {0, 1, 2, 3, 4}, {4, 3, 1}}) {
    const auto data = filter_rows(samples, w, h, filters);
    std::vector<uint16_t> out(samples.size());
    REQUIRE(tiae::unfilter_png16(data.data(), data.size(), w, h, out.data()).empty());
    CHECK(out == samples);
  }
}

TEST_CASE("damaged image data is refused: a wrong length or an unknown filter") {
  std::vector<uint16_t> samples(12, 500), out(12);
  auto data = filter_rows(samples, 4, 3, {2});
  CHECK(tiae::unfilter_png16(data.data(), data.size() - 1, 4, 3, out.data()).find("wrong length") != std::string::npos);
  data[9] = 5;  // the second row's filter byte
  CHECK(tiae::unfilter_png16(data.data(), data.size(), 4, 3, out.data()).find("unknown filter 5") != std::string::npos);
}

TEST_CASE("a depth frame's header: 16-bit gray is read, 8-bit, colour, interlaced, over-large and truncated files are refused") {
  const auto ok = png(640, 480, 16, 0, 0);
  const auto layout = tiae::read_png16_layout(ok.data(), ok.size());
  CHECK(layout.error.empty());
  CHECK(layout.width == 640);
  CHECK(layout.height == 480);
  REQUIRE(layout.data.size() == 1);
  CHECK(layout.data[0].first == 41);  // after the signature (8), IHDR (25) and the chunk's length and type (8)
  CHECK(layout.data[0].second == 3);
  CHECK(refusal(png(640, 480, 8, 0, 0)).find("an 8-bit grayscale image") == 0);
  CHECK(refusal(png(640, 480, 8, 2, 0)).find("an 8-bit colour image") == 0);
  CHECK(refusal(png(640, 480, 16, 2, 0)).find("a 16-bit colour image") == 0);
  CHECK(refusal(png(640, 480, 16, 0, 1)).find("interlaced") != std::string::npos);
  CHECK(refusal(png(30000, 30000, 16, 0, 0)).find("too large (30000x30000 pixels") != std::string::npos);
  CHECK(refusal(png(0, 480, 16, 0, 0)).find("zero size") != std::string::npos);
  CHECK(refusal(png(640, 480, 16, 0, 0, false)).find("truncated") != std::string::npos);
  const std::vector<uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xD9};
  CHECK(refusal(jpeg).find("not a PNG file") == 0);
  CHECK(refusal({}).find("empty") != std::string::npos);
  auto long_chunk = ok;
  long_chunk[36] = 0x7f;  // IDAT's length byte: a chunk running past the end
  CHECK(refusal(long_chunk).find("truncated") != std::string::npos);
}
