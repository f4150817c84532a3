// The core's page ink (shared/page_ink.h, hand-written for the wasm build) against the same
// steps done by OpenCV (GaussianBlur, dilate, blur with replicated borders) and a sorted
// median, on document pages of every kind. And the document evaluation's page sets: touching
// pages whose inks connect, the tuning/held-out split, the hand-annotated real print.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/document_pages.h"
#include "data/real_pages.h"
#include "io/files.h"
#include "page_ink.h"

namespace {

float sorted_median(const cv::Mat& m) {
  std::vector<float> v(m.begin<float>(), m.end<float>());
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

cv::Mat gaussian(const cv::Mat& in, double sigma) {
  const int side = 2 * int(std::ceil(3 * sigma)) + 1;
  cv::Mat out;
  cv::GaussianBlur(in, out, {side, side}, sigma, sigma, cv::BORDER_REPLICATE);
  return out;
}

tiae::PageInk opencv_page_ink(const std::vector<float>& gray, int w, int h, int r) {
  const cv::Mat g(h, w, CV_32F, const_cast<float*>(gray.data()));
  const int box = 2 * r + 1;
  cv::Mat largest, paper;
  cv::dilate(gaussian(g, 1.5), largest, cv::Mat::ones(box, box, CV_8U), {-1, -1}, 1, cv::BORDER_REPLICATE);
  cv::blur(largest, paper, {box, box}, {-1, -1}, cv::BORDER_REPLICATE);
  const cv::Mat d = (paper - g) / cv::max(paper, 0.2);
  const cv::Mat fine = d - gaussian(d, 2.0);
  const float spread = 1.4826f * sorted_median(cv::abs(fine - sorted_median(fine)));
  tiae::PageInk out;
  out.dead_zone = std::max(0.1f, sorted_median(d) + 4 * spread);
  cv::Mat ink = cv::min(cv::max((d - out.dead_zone) / std::max(0.1f, 0.7f - out.dead_zone), 0.0), 1.0);
  out.ink.assign(ink.begin<float>(), ink.end<float>());
  return out;
}

}  // namespace

TEST_CASE("the core's page ink is OpenCV's filters' within float rounding, on clean, grainy and touching pages") {
  const auto digits = tiae::load_mnist_split(tiae::find_mnist_package()).test;
  for (const auto kind : {tiae::DocumentPageKind::clean, tiae::DocumentPageKind::grainy, tiae::DocumentPageKind::touching}) {
    const auto page = tiae::make_document_page(kind, 100, digits);
    const auto ours = tiae::page_ink(page.gray, page.width, page.height, 16);
    const auto theirs = opencv_page_ink(page.gray, page.width, page.height, 16);
    INFO(tiae::document_page_kind_name(kind));
    CHECK(ours.dead_zone == Approx(theirs.dead_zone).margin(1e-4));
    REQUIRE(ours.ink.size() == theirs.ink.size());
    float worst = 0;
    for (size_t i = 0; i < ours.ink.size(); ++i) worst = std::max(worst, std::abs(ours.ink[i] - theirs.ink[i]));
    CHECK(worst < 1e-3f);
  }
}

TEST_CASE("on grainy, stained, unevenly lit pages, bare paper is no ink and the glyphs keep theirs") {
  const auto digits = tiae::load_mnist_split(tiae::find_mnist_package()).test;
  for (int index : {100, 101}) {
    const auto page = tiae::make_document_page(tiae::DocumentPageKind::grainy, index, digits);
    const auto ink = tiae::page_ink(page.gray, page.width, page.height, 16).ink;
    long paper = 0, inked = 0;
    double near_sum = 0, near_count = 0;
    for (int y = 0; y < page.height; ++y)
      for (int x = 0; x < page.width; ++x) {
        double nearest = INFINITY;
        for (const auto& g : page.glyphs) nearest = std::min(nearest, std::hypot(x + 0.5 - g.x, y + 0.5 - g.y));
        const float v = ink[size_t(y) * page.width + x];
        if (nearest > page.glyph_size) ++paper, inked += v > 0;
        if (nearest < 0.3 * page.glyph_size) near_sum += v, ++near_count;
      }
    INFO("grainy page " << index);
    CHECK(double(inked) / double(paper) < 0.01);
    CHECK(near_sum / near_count > 0.15);
  }
}

namespace {

// 8-connected marks of the page's true ink coverage (> 0.3) holding at least one glyph's
// centre region, and how many glyphs share a mark with another: touching glyphs are ones
// whose inks connect.
int glyphs_sharing_a_mark(const tiae::DocumentPage& page, const std::vector<float>& coverage) {
  cv::Mat ink(page.height, page.width, CV_8U);
  for (int y = 0; y < page.height; ++y)
    for (int x = 0; x < page.width; ++x) ink.at<uint8_t>(y, x) = coverage[size_t(y) * page.width + x] > 0.3f ? 255 : 0;
  cv::Mat labels;
  cv::connectedComponents(ink, labels, 8, CV_32S);
  // Each glyph's mark: the label of the inked pixel nearest its centre (the centre of an o is paper).
  std::map<int, int> glyphs_of_mark;
  std::vector<int> mark(page.glyphs.size(), 0);
  for (size_t g = 0; g < page.glyphs.size(); ++g) {
    double best = INFINITY;
    const int r = int(page.glyph_size / 2);
    for (int y = std::max(0, int(page.glyphs[g].y) - r); y < std::min(page.height, int(page.glyphs[g].y) + r); ++y)
      for (int x = std::max(0, int(page.glyphs[g].x) - r); x < std::min(page.width, int(page.glyphs[g].x) + r); ++x)
        if (const int l = labels.at<int>(y, x); l > 0)
          if (const double d = std::hypot(x + 0.5 - page.glyphs[g].x, y + 0.5 - page.glyphs[g].y); d < best) best = d, mark[g] = l;
    if (mark[g] > 0) ++glyphs_of_mark[mark[g]];
  }
  int sharing = 0;
  for (size_t g = 0; g < page.glyphs.size(); ++g) sharing += mark[g] > 0 && glyphs_of_mark[mark[g]] > 1;
  return sharing;
}

}  // namespace

TEST_CASE("on touching pages most glyphs' inks connect with a neighbour's, and on clean pages none do") {
  const auto digits = tiae::load_mnist_split(tiae::find_mnist_package()).test;
  // The clean page's gray is 0.95 - 0.85 ink + grain: its ink back from the gray.
  const auto ink_of = [](const tiae::DocumentPage& page) {
    std::vector<float> ink(page.gray.size());
    for (size_t i = 0; i < ink.size(); ++i) ink[i] = (0.95f - page.gray[i]) / 0.85f;
    return ink;
  };
  for (int index : {100, 101, 102, 103}) {  // the four styles
    const auto page = tiae::make_document_page(tiae::DocumentPageKind::touching, index, digits);
    INFO("touching page " << index << " of " << page.glyphs.size() << " glyphs");
    REQUIRE(page.glyphs.size() > 60);
    CHECK(glyphs_sharing_a_mark(page, ink_of(page)) > 0.5 * double(page.glyphs.size()));
  }
  const auto clean = tiae::make_document_page(tiae::DocumentPageKind::clean, 100, digits);
  CHECK(glyphs_sharing_a_mark(clean, ink_of(clean)) == 0);
}

TEST_CASE("the document pages' split holds each kind's tuning and held-out pages apart, and refuses a page in both") {
  const auto splits = tiae::read_document_pages_split(tiae::find_document_pages_split());
  REQUIRE(splits.size() == 3);
  for (const auto& s : splits)
    for (const int i : s.tuning) CHECK(std::find(s.held_out.begin(), s.held_out.end(), i) == s.held_out.end());
  const auto path = (std::filesystem::temp_directory_path() / "tiae-test-document-split.json").string();
  {
    std::ofstream out(path);
    out << R"({"clean": {"tuning": [1], "held_out": [2]}, "grainy": {"tuning": [3, 4], "held_out": [4]},
               "touching": {"tuning": [5], "held_out": [6]}})";
  }
  CHECK_THROWS_WITH(tiae::read_document_pages_split(path), Catch::Contains("grainy page 4 is both tuned on and held out"));
  std::filesystem::remove(path);
}

TEST_CASE("the hand-annotated real print: every glyph in a scored line box, on the page's hand-made ink, on a tuning page") {
  const auto file = tiae::find_real_print(), dir = tiae::find_real_pages();
  if (file.empty() || dir.empty()) {
    WARN("SKIPPED: no data/real-print-glyphs.json or data/real-pages");  // ctest counts it as skipped
    return;
  }
  const auto page = tiae::read_real_print(file, dir);
  const auto json = tiae::read_json_file(file);
  const std::string name = json.at("page").get<std::string>();
  // Chosen from the real pages' tuning part: its validation part is only ever reported by tiae eval's foreground scores.
  const auto split = tiae::read_json_file(tiae::find_real_pages_split());
  const auto validation = split.at("validation").get<std::vector<std::string>>();
  CHECK(std::find(validation.begin(), validation.end(), name) == validation.end());
  const cv::Mat mask = cv::imread((std::filesystem::path(dir) / (name + "_gt.png")).string(), cv::IMREAD_GRAYSCALE);
  REQUIRE(!mask.empty());
  REQUIRE(page.glyphs.size() >= 50);
  for (const auto& g : page.glyphs) {
    INFO(g.identity << " at " << g.x << ", " << g.y);
    CHECK(std::any_of(page.regions.begin(), page.regions.end(),
                      [&](const auto& r) { return g.x >= r[0] && g.y >= r[1] && g.x < r[2] && g.y < r[3]; }));
    int ink = 0;  // mask ink (0) within a quarter glyph of the centre
    const int r = int(page.glyph_size / 4);
    for (int y = int(g.y) - r; y <= int(g.y) + r; ++y)
      for (int x = int(g.x) - r; x <= int(g.x) + r; ++x) ink += mask.at<uint8_t>(y, x) < 128;
    CHECK(ink > 0);
  }
}
