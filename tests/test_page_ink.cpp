// The core's page ink (shared/page_ink.h, hand-written for the wasm build) against the same
// steps done by OpenCV (GaussianBlur, dilate, blur with replicated borders) and a sorted
// median, on document pages of every kind.
#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>

#include "data/document_pages.h"
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
