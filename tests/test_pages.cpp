// The page sets of the extraction evaluation (flyers.h) and the classical baselines beside
// the models (binarize.h), against computations written out here.
#include <catch2/catch.hpp>

#include "glyph_size.h"
#include <cmath>
#include <random>

#include "evaluate/binarize.h"
#include "data/flyers.h"
#include "data/page_bank_file.h"
#include "data/page_clutter.h"
#include <opencv2/imgproc.hpp>
#include "data/training_pages.h"
#include "io/files.h"
#include <filesystem>
#include "evaluate/metrics.h"

namespace {
// Sauvola's threshold written out: T = m (1 + k (s / 128 - 1)) over the window around each
// pixel (mean m and standard deviation s of 8-bit values); dark ink is below T.
std::vector<float> sauvola_by_definition(const std::vector<float>& gray, int w, int h, int window, double k) {
  std::vector<float> mask(gray.size(), 0.f);
  const int r = window / 2;
  for (int y = r; y < h - r; ++y)
    for (int x = r; x < w - r; ++x) {
      double sum = 0, sq = 0;
      for (int v = -r; v <= r; ++v)
        for (int u = -r; u <= r; ++u) {
          const double g = std::round(gray[size_t(y + v) * w + x + u] * 255);
          sum += g, sq += g * g;
        }
      const double n = double(window) * window, m = sum / n, s = std::sqrt(std::max(0.0, sq / n - m * m));
      mask[size_t(y) * w + x] = std::round(gray[size_t(y) * w + x] * 255) < m * (1 + k * (s / 128 - 1)) ? 1.f : 0.f;
    }
  return mask;
}
}  // namespace

namespace {
// Training pages as a run would ask for them.
tiae::PageBank pages(const tiae::DigitSet& digits, int count, int side, double clutter, uint64_t seed, int threads, int channels = 1) {
  tiae::PageBankOptions o;
  o.count = count, o.views = 2, o.side = side, o.model_glyph = 20, o.clutter = clutter, o.channels = channels, o.seed = seed;
  return tiae::make_page_bank(o, digits, threads, false);
}
}  // namespace

TEST_CASE("Sauvola's baseline is Sauvola's formula, for either ink polarity") {
  const int w = 60, h = 40, window = 15;
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> gray(size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) gray[size_t(y) * w + x] = 0.5f + 0.3f * std::sin(x * 0.4f) * std::cos(y * 0.3f) + 0.1f * u(rng);
  const auto ours = tiae::sauvola_ink(gray, w, h, true, {window, 0.2});
  const auto expected = sauvola_by_definition(gray, w, h, window, 0.2);
  std::vector<float> inverted(gray.size());
  for (size_t i = 0; i < gray.size(); ++i) inverted[i] = 1 - gray[i];
  const auto light = tiae::sauvola_ink(inverted, w, h, false, {window, 0.2});
  int compared = 0, same = 0, same_light = 0;
  for (int y = window / 2; y < h - window / 2; ++y)
    for (int x = window / 2; x < w - window / 2; ++x, ++compared) {
      same += ours[size_t(y) * w + x] == expected[size_t(y) * w + x];
      same_light += light[size_t(y) * w + x] == expected[size_t(y) * w + x];
    }
  INFO(same << " and " << same_light << " of " << compared);
  CHECK(same >= 0.99 * compared);  // a few ties at the threshold round either way
  CHECK(same_light >= 0.99 * compared);
}

TEST_CASE("Otsu's baseline splits two levels exactly, ink on the side it is told") {
  const int w = 50, h = 20;
  std::vector<float> gray(size_t(w) * h), truth(gray.size());
  for (size_t i = 0; i < gray.size(); ++i) {
    truth[i] = (i % 7 == 0) ? 1.f : 0.f;
    gray[i] = truth[i] > 0 ? 0.2f + 0.01f * float(i % 3) : 0.8f - 0.01f * float(i % 5);
  }
  CHECK(tiae::otsu_ink(gray, w, h, true) == truth);
  std::vector<float> not_truth(truth.size());
  for (size_t i = 0; i < truth.size(); ++i) not_truth[i] = 1 - truth[i];
  CHECK(tiae::otsu_ink(gray, w, h, false) == not_truth);
}

TEST_CASE("tuned Sauvola is the best of its grid on the tuning pages") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  const std::vector<tiae::Flyer> pages = {tiae::make_hard_page(tiae::kTuningPages, split.test),
                                          tiae::make_hard_page(tiae::kTuningPages + 1, split.test)};
  const auto mean_iou = [&](const tiae::SauvolaParameters& p) {
    double iou = 0;
    for (const auto& f : pages) {
      const auto mask = tiae::sauvola_ink(f.image, f.width, f.height, f.dark_ink, p);
      iou += tiae::ink_iou(mask.data(), f.ink.data(), mask.size()) / double(pages.size());
    }
    return iou;
  };
  const auto best = tiae::tune_sauvola(pages);
  const double at_best = mean_iou(best);
  for (int window : {15, 41, 131})
    for (double k : {0.05, 0.2, 0.5}) CHECK(at_best >= mean_iou({window, k}));
  CHECK(at_best > 0.05);
}

TEST_CASE("hard pages: the same every time, glyphs 15-60 px, dark and light ink where the truth says") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  for (int i = 0; i < 4; ++i) {
    const auto f = tiae::make_hard_page(i, split.test), again = tiae::make_hard_page(i, split.test);
    INFO("page " << i);
    CHECK(f.image == again.image);
    CHECK(f.ink == again.ink);
    CHECK(f.glyph_size >= 15);
    CHECK(f.glyph_size <= 60);
    CHECK(f.dark_ink == (i % 2 == 0));
    CHECK(f.bgr.size() == 3 * f.image.size());
    // Ink is darker (or lighter) than the page right around it: compare the ink's mean luma
    // with that of the pixels within 4 px of ink that are not ink.
    double ink = 0, near = 0;
    long n_ink = 0, n_near = 0;
    for (int y = 4; y < f.height - 4; ++y)
      for (int x = 4; x < f.width - 4; ++x) {
        const size_t p = size_t(y) * f.width + x;
        if (f.ink[p] > 0.9f) ink += f.image[p], ++n_ink;
        else if (f.ink[p] == 0 && (f.ink[p - 4] > 0.9f || f.ink[p + 4] > 0.9f || f.ink[p - 4 * f.width] > 0.9f ||
                                   f.ink[p + 4 * f.width] > 0.9f))
          near += f.image[p], ++n_near;
      }
    REQUIRE(n_ink > 500);
    REQUIRE(n_near > 500);
    if (f.dark_ink) CHECK(ink / n_ink < near / n_near - 0.05);
    else CHECK(ink / n_ink > near / n_near + 0.05);
  }
}


TEST_CASE("the glyph size measured from a flyer is near its true size") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  int near = 0;
  for (int i = 0; i < tiae::kFlyers; ++i) {
    const auto f = tiae::make_flyer(i, split.test);
    const double measured = tiae::estimate_glyph_size(f.image, f.width, f.height);
    INFO("flyer " << i << ": true " << f.glyph_size << " px, measured " << measured << " px");
    CHECK(measured > 0);
    near += measured > 0.7 * f.glyph_size && measured < 1.4 * f.glyph_size;
  }
  CHECK(near >= 5);
  // a blank page has no writing to measure
  const std::vector<float> blank(100 * 80, 0.8f);
  CHECK(tiae::estimate_glyph_size(blank, 100, 80) == 0);
}

TEST_CASE("training pages: each depends on its seed and index only, its views share the ink and differ in background") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  const int side = tiae::kTrainingPageSide;
  const auto one = pages(split.train, 4, side, 0, 11, 1);
  const auto two = pages(split.train, 4, side, 0, 11, 2);
  CHECK(one.images == two.images);
  CHECK(one.ink == two.ink);
  // Enough pages that some views are plain paper with grain, drawn in another order by 3 threads.
  CHECK(pages(split.train, 30, 64, 0, 11, 1).images == pages(split.train, 30, 64, 0, 11, 3).images);
  const auto other_seed = pages(split.train, 4, side, 0, 12, 2);
  CHECK(one.ink != other_seed.ink);
  const long n = long(side) * side;
  long ink = 0;
  for (int p = 0; p < one.count; ++p) {
    long differ = 0;
    for (long i = 0; i < n; ++i) ink += one.truth(p)[i] > 127, differ += std::abs(one.image(p, 0)[i] - one.image(p, 1)[i]) > 10;
    INFO("page " << p);
    CHECK(differ > n / 10);  // another background, light or ink colour in the second view
  }
  // glyphs, and paper between them (a page may be blank: lines are left out at random)
  CHECK(ink > one.count * n / 50);
  CHECK(ink < one.count * n / 2);
}

TEST_CASE("training pages with clutter: the same ink over other backgrounds, and the clutter thin strokes, not blobs") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  const auto plain = pages(split.train, 6, 96, 0, 5, 2);
  const auto cluttered = pages(split.train, 6, 96, 1, 5, 2);
  CHECK(plain.ink == cluttered.ink);
  CHECK(plain.images != cluttered.images);
  // Drawn on flat paper, what clutter changes is strokes of at most a quarter of the glyph
  // size: an opening with a disc wider than that leaves almost none of it.
  const double glyph = 40;
  long changed = 0, left = 0, drawn = 0;
  for (int seed = 0; seed < 24; ++seed) {
    std::mt19937_64 rng{uint64_t(seed)};
    cv::Mat paper(240, 320, CV_32FC3, cv::Scalar::all(0.5));
    tiae::add_clutter(paper, glyph, rng);
    cv::Mat gray, mask, opened;
    cv::cvtColor(paper, gray, cv::COLOR_BGR2GRAY);
    mask = cv::abs(gray - 0.5) > 0.05;
    drawn += cv::countNonZero(mask) > 0;  // a part of the page may miss the structure
    const int d = int(glyph * 0.25) * 2 + 3;
    cv::morphologyEx(mask, opened, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d}));
    changed += cv::countNonZero(mask), left += cv::countNonZero(opened);
  }
  CHECK(drawn >= 20);
  CHECK(left < changed / 10);
}

TEST_CASE("colour training pages: the gray pages' ink, in R, G, B planes that mostly differ from each other") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  const auto gray = pages(split.train, 6, 96, 0, 5, 2), colour = pages(split.train, 6, 96, 0, 5, 2, 3);
  CHECK(colour.ink == gray.ink);  // the ink is drawn before any view
  REQUIRE(colour.images.size() == 3 * gray.images.size());
  int coloured = 0;
  for (int p = 0; p < colour.count; ++p)
    for (int v = 0; v < colour.views; ++v) {
      const uint8_t* r = colour.image(p, v);
      long differ = 0;
      for (size_t i = 0; i < colour.plane(); ++i) differ += std::abs(r[i] - r[i + 2 * colour.plane()]) > 10;
      coloured += differ > long(colour.plane() / 20);
    }
  CHECK(coloured >= colour.count * colour.views / 2);  // a seventh of the views are gray photos
}

TEST_CASE("training pages written to a file read back the same, and a truncated or foreign file is refused by name") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  const auto bank = pages(split.train, 2, 64, 0.5, 3, 2, 3);
  const auto dir = std::filesystem::temp_directory_path() / "tiae-test-page-bank";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "pages.bin").string();
  tiae::write_page_bank(path, bank);
  const auto back = tiae::read_page_bank(path);
  CHECK(back.count == 2);
  CHECK(back.views == 2);
  CHECK(back.side == 64);
  CHECK(back.channels == 3);
  CHECK(back.images == bank.images);
  CHECK(back.ink == bank.ink);
  const std::string bytes = tiae::read_file(path);
  tiae::write_file_atomically(path, bytes.substr(0, bytes.size() - 10));
  CHECK_THROWS_WITH(tiae::read_page_bank(path), Catch::Contains("truncated or damaged"));
  tiae::write_file_atomically(path, "not pages at all, just text");
  CHECK_THROWS_WITH(tiae::read_page_bank(path), Catch::Contains("is not a file of training pages"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("colour training pages with inks of any hue: the same ink, drawn in saturated colours, and only on colour pages") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  tiae::PageBankOptions o;
  o.count = 12, o.views = 2, o.side = 96, o.model_glyph = 20, o.channels = 3, o.seed = 5;
  const auto usual = tiae::make_page_bank(o, split.train, 2, false);
  o.ink_hues = 1;
  const auto hues = tiae::make_page_bank(o, split.train, 2, false);
  CHECK(hues.ink == usual.ink);
  // The share of views (with full-ink pixels) whose median saturation (max - min) / max of
  // R, G, B over those pixels is over 0.3.
  const auto saturated_views = [](const tiae::PageBank& bank) {
    int count = 0, inked = 0;
    for (int p = 0; p < bank.count; ++p)
      for (int v = 0; v < bank.views; ++v) {
        const uint8_t* planes = bank.image(p, v);
        std::vector<double> saturation;
        for (size_t i = 0; i < bank.plane(); ++i) {
          if (bank.truth(p)[i] < 255) continue;
          const int r = planes[i], g = planes[i + bank.plane()], b = planes[i + 2 * bank.plane()];
          const int hi = std::max({r, g, b}), lo = std::min({r, g, b});
          saturation.push_back(hi > 0 ? double(hi - lo) / hi : 0);
        }
        if (saturation.empty()) continue;
        std::nth_element(saturation.begin(), saturation.begin() + saturation.size() / 2, saturation.end());
        count += saturation[saturation.size() / 2] > 0.3;
        ++inked;
      }
    return double(count) / inked;
  };
  // Luma-polar inks are often saturated too (0.69 of views here); a seventh of the views are
  // gray photos, and JPEG blurs the colour of thin strokes.
  CHECK(saturated_views(usual) < 0.8);
  CHECK(saturated_views(hues) >= 0.85);
  o.channels = 1;
  CHECK_THROWS_WITH(tiae::make_page_bank(o, split.train, 2, false), Catch::Contains("colour pages"));
}

TEST_CASE("the pages of extract --adapt: the image's own paper where there is no ink, darkened by its ink's colour where there is, the paper plane low on ink") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  tiae::ImagePaper paper;
  paper.width = 150, paper.height = 120;
  for (int i = 0; i < paper.width * paper.height; ++i) paper.bgr.insert(paper.bgr.end(), {0.8f, 0.7f, 0.6f});
  paper.inks = {{0.3f, 0.5f, 0.9f}};  // B, G, R let through: a red-brown ink
  tiae::PageBankOptions o;
  o.count = 6, o.views = 2, o.side = 96, o.channels = 4, o.seed = 3;
  const auto bank = tiae::make_paper_bank(paper, o, split.train);
  REQUIRE(bank.side == 96);  // the paper's shorter side (120) allows the 96 px asked for
  const size_t n = bank.plane();
  long inked = 0;
  for (int p = 0; p < bank.count; ++p)
    for (int v = 0; v < bank.views; ++v) {
      const uint8_t* img = bank.image(p, v);
      double paper_plane_bare = 0, paper_plane_ink = 0;
      long bare = 0, ink = 0;
      for (size_t i = 0; i < n; ++i) {
        const int r = img[i], g = img[n + i], b = img[2 * n + i], t = bank.truth(p)[i];
        if (t == 0) {  // the paper as given (R, G, B = 0.6, 0.7, 0.8)
          CHECK(std::abs(r - 153) <= 1);
          CHECK(std::abs(g - 179) <= 1);
          CHECK(std::abs(b - 204) <= 1);
          paper_plane_bare += img[3 * n + i], ++bare;
        } else if (t >= 250) {  // the ink: red-brown (blue the most held back), darker than the paper
          CHECK(r < 153);
          CHECK(b < 204 - 40);
          CHECK(b < r);
          paper_plane_ink += img[3 * n + i], ++ink;
        }
      }
      REQUIRE(bare > long(n) / 4);
      inked += ink;
      if (ink > 20) CHECK(paper_plane_ink / double(ink) < paper_plane_bare / double(bare) - 40);
      CHECK(std::abs(paper_plane_bare / double(bare) - 128) < 10);  // the paper plane's 0.5
    }
  CHECK(inked > long(bank.count) * long(n) / 100);
}
