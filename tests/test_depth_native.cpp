// The depth application's hand-written parts against the libraries that do the same
// natively: the page's 16-bit PNG decoding (shared/png16.h, with zlib's inflate in place of
// the browser's) against OpenCV's libpng, on data/real-depth's frames and on PNGs OpenCV
// writes with each compression strategy and on PNGs written here with each of PNG's five
// filters; the cut-out's surfaces against OpenCV's flood
// fill and its closing against OpenCV's morphology. And the renderer: the same hands on
// any number of threads and in a set of any size, angles within their ranges.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <set>
#include <thread>

#include "data/depth_hands.h"
#include "data/real_depth.h"
#include "depth_hand.h"
#include "io/depth_file.h"
#include "png16.h"

namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The core's decoding, zlib inflating the image data as the browser's DecompressionStream
// does; the filter byte of each row is collected in `filters`.
std::vector<uint16_t> core_decode(const std::vector<uint8_t>& png, std::set<int>& filters) {
  const auto layout = tiae::read_png16_layout(png.data(), png.size());
  REQUIRE(layout.error.empty());
  std::vector<uint8_t> compressed;
  for (const auto& [offset, length] : layout.data) compressed.insert(compressed.end(), png.begin() + long(offset), png.begin() + long(offset + length));
  std::vector<uint8_t> raw(size_t(layout.height) * (2 * size_t(layout.width) + 1));
  uLongf size = uLongf(raw.size());
  REQUIRE(uncompress(raw.data(), &size, compressed.data(), uLong(compressed.size())) == Z_OK);
  for (long long y = 0; y < layout.height; ++y) filters.insert(raw[size_t(y) * (2 * size_t(layout.width) + 1)]);
  std::vector<uint16_t> out(size_t(layout.width * layout.height));
  REQUIRE(tiae::unfilter_png16(raw.data(), size, int(layout.width), int(layout.height), out.data()).empty());
  return out;
}

void require_same(const std::vector<uint16_t>& core, const cv::Mat& cv16) {
  REQUIRE(cv16.type() == CV_16UC1);
  REQUIRE(core.size() == cv16.total());
  for (int y = 0; y < cv16.rows; ++y)
    for (int x = 0; x < cv16.cols; ++x) REQUIRE(core[size_t(y) * cv16.cols + x] == cv16.at<uint16_t>(y, x));
}

// A 16-bit gray PNG of `img` whose every row is filtered with `filter` (0 none, 1 sub, 2 up,
// 3 average, 4 Paeth), written out here from the PNG specification: libpng picks its filters
// itself and may never pick some of them.
std::vector<uint8_t> png_with_filter(const cv::Mat& img, int filter) {
  const size_t stride = 2 * size_t(img.cols);
  std::vector<uint8_t> rows, prior(stride, 0), line(stride);
  for (int y = 0; y < img.rows; ++y) {
    for (int x = 0; x < img.cols; ++x) line[2 * size_t(x)] = uint8_t(img.at<uint16_t>(y, x) >> 8), line[2 * size_t(x) + 1] = uint8_t(img.at<uint16_t>(y, x));
    rows.push_back(uint8_t(filter));
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= 2 ? line[i - 2] : 0, b = prior[i], c = i >= 2 ? prior[i - 2] : 0, p = a + b - c;
      const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
      const int predictor[] = {0, a, b, (a + b) / 2, pa <= pb && pa <= pc ? a : pb <= pc ? b : c};
      rows.push_back(uint8_t(line[i] - predictor[filter]));
    }
    prior = line;
  }
  std::vector<uint8_t> z(compressBound(uLong(rows.size())));
  uLongf zsize = uLongf(z.size());
  REQUIRE(compress(z.data(), &zsize, rows.data(), uLong(rows.size())) == Z_OK);
  z.resize(zsize);
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  const auto chunk = [&png](const char* type, const std::vector<uint8_t>& data) {
    for (int k = 3; k >= 0; --k) png.push_back(uint8_t(data.size() >> (8 * k)));
    std::vector<uint8_t> body(type, type + 4);
    body.insert(body.end(), data.begin(), data.end());
    png.insert(png.end(), body.begin(), body.end());
    const uLong crc = crc32(0, body.data(), uInt(body.size()));
    for (int k = 3; k >= 0; --k) png.push_back(uint8_t(crc >> (8 * k)));
  };
  const auto be32 = [](uint32_t v) { return std::vector<uint8_t>{uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)}; };
  auto header = be32(uint32_t(img.cols));
  for (const auto v : be32(uint32_t(img.rows))) header.push_back(v);
  header.insert(header.end(), {16, 0, 0, 0, 0});  // 16-bit gray, deflate, adaptive filtering, no interlace
  chunk("IHDR", header);
  chunk("IDAT", z);
  chunk("IEND", {});
  return png;
}

}  // namespace

TEST_CASE("16-bit depth PNGs: the core's decoding equals OpenCV's, every PNG filter among them") {
  std::set<int> filters;
  const auto dir = tiae::find_real_depth();
  REQUIRE(!dir.empty());
  const auto frames = tiae::list_real_depth(dir);
  REQUIRE(frames.size() == 19);
  for (const auto& f : frames) require_same(core_decode(file_bytes(f.file), filters), cv::imread(f.file, cv::IMREAD_UNCHANGED));
  std::mt19937 rng(11);
  cv::Mat img(61, 83, CV_16UC1);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) img.at<uint16_t>(y, x) = uint16_t(x % 7 == 0 ? 0 : 4000 + 30 * y + (rng() % 50) * (x % 3));
  for (int strategy : {cv::IMWRITE_PNG_STRATEGY_DEFAULT, cv::IMWRITE_PNG_STRATEGY_FILTERED, cv::IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY,
                       cv::IMWRITE_PNG_STRATEGY_RLE, cv::IMWRITE_PNG_STRATEGY_FIXED}) {
    std::vector<uint8_t> png;
    REQUIRE(cv::imencode(".png", img, png, {cv::IMWRITE_PNG_STRATEGY, strategy}));
    require_same(core_decode(png, filters), cv::imdecode(png, cv::IMREAD_UNCHANGED));
  }
  for (int filter = 0; filter < 5; ++filter) {  // each filter alone, read by libpng and by the core
    const auto png = png_with_filter(img, filter);
    const cv::Mat back = cv::imdecode(png, cv::IMREAD_UNCHANGED);
    REQUIRE(cv::norm(back, img, cv::NORM_INF) == 0);
    require_same(core_decode(png, filters), back);
  }
  CHECK(filters == std::set<int>{0, 1, 2, 3, 4});  // the test saw every filter
}

TEST_CASE("a depth frame is read in metres, 16 bits kept") {
  const auto frames = tiae::list_real_depth(tiae::find_real_depth());
  const auto depth = tiae::read_depth_file(frames[0].file, 0.000125);
  const cv::Mat raw = cv::imread(frames[0].file, cv::IMREAD_UNCHANGED);
  REQUIRE(depth.width == raw.cols);
  for (int y = 0; y < raw.rows; y += 7)
    for (int x = 0; x < raw.cols; x += 5) REQUIRE(depth.metres[size_t(y) * raw.cols + x] == Approx(raw.at<uint16_t>(y, x) * 0.000125).margin(1e-7));
}

TEST_CASE("the cut-out's surfaces are OpenCV's flood fill regions of the depth within the jump") {
  const auto frames = tiae::list_real_depth(tiae::find_real_depth());
  const auto depth = tiae::read_depth_file(frames[3].file, 0.000125);
  // a 160 x 120 corner of a real frame, at whole millimetres so that no step is the jump itself
  const int w = 160, h = 120;
  cv::Mat m(h, w, CV_32F);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<float>(y, x) = std::round(depth.metres[size_t(y + 180) * depth.width + x + 240] * 1000) / 1000;
  std::vector<float> values(m.begin<float>(), m.end<float>());
  int count = 0;
  const auto labels = tiae::surface_components(values.data(), w, h, 0.0205f, &count);
  REQUIRE(count > 1);
  std::vector<int> seen(size_t(count), 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int label = labels[size_t(y) * w + x];
      if (label < 0 || seen[size_t(label)]++) continue;
      cv::Mat mask = cv::Mat::zeros(h + 2, w + 2, CV_8U), copy = m.clone();
      cv::floodFill(copy, mask, {x, y}, 0, nullptr, 0.0205, 0.0205, 8 | cv::FLOODFILL_MASK_ONLY | (1 << 8));
      for (int v = 0; v < h; ++v)
        for (int u = 0; u < w; ++u) REQUIRE((mask.at<uint8_t>(v + 1, u + 1) != 0) == (labels[size_t(v) * w + u] == label));
    }
}

TEST_CASE("the cut-out's closing is OpenCV's morphological closing by a square") {
  std::mt19937 rng(12);
  for (int r : {1, 3, 6}) {
    cv::Mat mask(47, 59, CV_8U);
    for (int y = 0; y < mask.rows; ++y)
      for (int x = 0; x < mask.cols; ++x) mask.at<uint8_t>(y, x) = rng() % 3 == 0;
    cv::Mat closed;
    cv::morphologyEx(mask, closed, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {2 * r + 1, 2 * r + 1}));
    const auto core = tiae::close_mask(mask.data, mask.cols, mask.rows, r);
    for (int y = 0; y < mask.rows; ++y)
      for (int x = 0; x < mask.cols; ++x) REQUIRE(core[size_t(y) * mask.cols + x] == closed.at<uint8_t>(y, x));
  }
}

TEST_CASE("rendered hands: the same on any number of threads and in a set of any size, angles in their ranges") {
  const auto a = tiae::make_depth_hands(24, 5, tiae::HandStream::test, {}, 1), b = tiae::make_depth_hands(40, 5, tiae::HandStream::test, {}, 2);
  REQUIRE(std::equal(a.images.begin(), a.images.end(), b.images.begin()));
  REQUIRE(std::equal(a.angles.begin(), a.angles.end(), b.angles.begin()));
  const auto other = tiae::make_depth_hands(24, 5, tiae::HandStream::train, {}, 1);
  CHECK(other.angles != a.angles);  // streams differ
  for (int i = 0; i < b.count(); ++i) {
    double ink = 0;
    for (int p = 0; p < 32 * 32; ++p) ink += b.image(i)[p];
    CHECK(ink > 20);  // a hand in every input
    for (int j = 0; j < tiae::kHandJoints; ++j) {
      const auto& joint = tiae::hand_joints()[size_t(j)];
      CHECK((b.angles[size_t(i) * tiae::kHandJoints + j] >= joint.low && b.angles[size_t(i) * tiae::kHandJoints + j] <= joint.high));
    }
  }
}

TEST_CASE("rendering hands reports its progress from the calling thread, rising, and renders the same hands") {
  const auto caller = std::this_thread::get_id();
  std::vector<int> seen;
  bool other_thread = false;
  const auto with = tiae::make_depth_hands(1600, 5, tiae::HandStream::test, {}, 2, [&](int done) {
    other_thread = other_thread || std::this_thread::get_id() != caller;
    seen.push_back(done);
  });
  const auto without = tiae::make_depth_hands(1600, 5, tiae::HandStream::test, {}, 1);
  CHECK_FALSE(other_thread);
  REQUIRE(seen.size() == 4);  // at the first hand and every 256 of the calling thread's: 1, 513, 1025, 1537
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(seen.front() >= 1);
  CHECK(seen.back() <= 1600);
  CHECK(with.images == without.images);
}
