#include "data/flyers.h"

#include <filesystem>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

#include "data/backgrounds.h"
#include "data/page_effects.h"
#include "extract.h"
#include "io/files.h"
#include "io/image_file.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

const char* const kFonts[] = {"/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
                              "/usr/share/fonts/opentype/bwht/BecauseWeCreate-Regular.otf",
                              "/usr/share/fonts/opentype/bwht/BecauseWeOrganize-Regular.otf",
                              "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf"};

const char* const kLines[] = {"Garage sale Saturday", "Lost cat - call Anna", "Piano lessons", "Bake sale at noon",
                              "Room for rent", "Free kittens", "Yoga in the park", "Bikes repaired",
                              "Choir needs tenors", "Found: blue scarf"};

cv::Mat load_gray(const std::string& path, int w, int h) {
  cv::Mat img = cv::imread(path, cv::IMREAD_GRAYSCALE);
  if (img.empty()) throw std::runtime_error("cannot read photo " + path);
  cv::Mat f, out;
  img.convertTo(f, CV_32F, 1.0 / 255);
  cv::resize(f, out, {w, h}, 0, 0, cv::INTER_AREA);
  return out;
}

// The ink of a flyer's text: lines of handwriting-style text in one of the flyer fonts and a
// row of MNIST test digits, glyph_size px high; 8-bit coverage (255 = full ink).
cv::Mat draw_text(int index, int w, int h, double glyph_size, const DigitSet& test_digits, std::mt19937_64& rng) {
  const std::string font_path = kFonts[size_t(index) % std::size(kFonts)];
  if (!fs::exists(font_path))
    throw std::runtime_error("font " + font_path + " is missing: install fonts-bwht and fonts-klee (scripts/setup.sh does)");
  auto font = cv::freetype::createFreeType2();
  font->loadFontData(font_path, 0);

  cv::Mat text_ink(h, w, CV_8UC3, cv::Scalar(0, 0, 0));  // FreeType2::putText draws on 3 channels only
  // The font size whose capitals are glyph_size high (fonts differ in how much of the size they use).
  int baseline = 0;
  const double cap_per_size = font->getTextSize("H", 100, -1, &baseline).height / 100.0;
  const int font_height = int(std::lround(glyph_size / std::max(0.2, cap_per_size)));
  int y = int(glyph_size * 2);
  for (int line = 0; line < 4 && y < h - 3 * glyph_size; ++line) {
    const std::string text = kLines[rng() % std::size(kLines)];
    const int x = 20 + int(rng() % 80);
    font->putText(text_ink, text, {x, y}, font_height, cv::Scalar(255, 255, 255), -1, cv::LINE_AA, false);
    y += int(glyph_size * std::uniform_real_distribution<double>(2.2, 3.0)(rng));
  }
  cv::Mat ink;
  cv::extractChannel(text_ink, ink, 0);
  // A row of MNIST test digits (their 20 px of ink scaled to the glyph size).
  y += int(glyph_size * 0.6);  // clear of the last line's descenders
  const double scale = glyph_size / kMnistDigitHeight;
  const int side = int(std::lround(28 * scale));
  int x = 20 + int(rng() % 60);
  for (int k = 0; k < 6 && x + side < w && y + side < h; ++k) {
    const int i = int(rng() % uint64_t(test_digits.count()));
    cv::Mat digit(28, 28, CV_32F), big;
    for (int r = 0; r < 28; ++r)
      for (int c = 0; c < 28; ++c) digit.at<float>(r, c) = test_digits.image(i)[(r + 2) * DigitSet::kSize + c + 2];
    cv::resize(digit, big, {side, side}, 0, 0, cv::INTER_LINEAR);
    cv::Mat roi = ink(cv::Rect(x, y - side + int(4 * scale), side, side));
    cv::Mat big8;
    big.convertTo(big8, CV_8U, 255.0);
    cv::max(roi, big8, roi);
    x += side + int(rng() % 10);
  }

  return ink;
}

}  // namespace

std::vector<std::string> flyer_fonts() { return {std::begin(kFonts), std::end(kFonts)}; }

Flyer make_flyer(int index, const DigitSet& test_digits) {
  const int w = 640, h = 480;
  std::mt19937_64 rng(9000 + uint64_t(index));
  const auto photos = held_out_photos();
  cv::Mat paper = load_gray(photos[size_t(index) % photos.size()], w, h);
  // Paper-like: the photo lightened and flattened toward white, as a print or a wall.
  paper = 0.45 + 0.5 * paper;

  Flyer f;
  f.width = w;
  f.height = h;
  f.glyph_size = std::uniform_real_distribution<double>(20, 30)(rng);
  const cv::Mat ink = draw_text(index, w, h, f.glyph_size, test_digits, rng);

  const float ink_level = std::uniform_real_distribution<float>(0.0f, 0.2f)(rng);
  f.image.resize(size_t(w) * h);
  f.ink.resize(size_t(w) * h);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      const float a = ink.at<uint8_t>(r, c) / 255.0f;
      f.ink[size_t(r) * w + c] = a;
      f.image[size_t(r) * w + c] = (1 - a) * paper.at<float>(r, c) + a * ink_level;
    }
  return f;
}

Flyer make_hard_page(int index, const DigitSet& test_digits) {
  const int w = 800, h = 600;
  std::mt19937_64 rng(7000 + uint64_t(index));
  const auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  const auto photos = held_out_photos();
  cv::Mat photo = cv::imread(photos[size_t(index + 3) % photos.size()], cv::IMREAD_COLOR), page;
  if (photo.empty()) throw std::runtime_error("cannot read photo " + photos[size_t(index + 3) % photos.size()]);
  cv::resize(photo, page, {w, h}, 0, 0, cv::INTER_AREA);
  page.convertTo(page, CV_32FC3, 1.0 / 255);  // full contrast: not lightened

  const cv::Mat light = page_light(w, h, rng);

  Flyer f;
  f.width = w;
  f.height = h;
  f.dark_ink = index % 2 == 0;
  f.glyph_size = uniform(15, 60);
  cv::Mat ink = draw_text(index, w, h, f.glyph_size, test_digits, rng);
  // Stroke width: pens thinner or thicker than the font's, in proportion to the glyph size.
  const int pen = int(std::lround(uniform(-0.06, 0.06) * f.glyph_size));
  if (pen != 0) {
    const auto kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * std::abs(pen) + 1, 2 * std::abs(pen) + 1});
    if (pen > 0) cv::dilate(ink, ink, kernel);
    else cv::erode(ink, ink, kernel);
  }
  // Dark inks (blue, black, red) or light chalk-like ones (white, yellow), per channel BGR.
  const cv::Vec3f dark_inks[] = {{0.45f, 0.12f, 0.08f}, {0.08f, 0.08f, 0.08f}, {0.1f, 0.1f, 0.5f}};
  const cv::Vec3f light_inks[] = {{0.95f, 0.95f, 0.95f}, {0.55f, 0.95f, 0.98f}};
  const cv::Vec3f color = f.dark_ink ? dark_inks[rng() % 3] : light_inks[rng() % 2];
  cv::Mat lit(h, w, CV_32FC3);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      const float a = ink.at<uint8_t>(r, c) / 255.0f, l = light.at<float>(r, c);
      lit.at<cv::Vec3f>(r, c) = ((1 - a) * page.at<cv::Vec3f>(r, c) + a * color) * l;
    }
  const cv::Mat decoded = photographed(lit, index, rng);

  f.bgr.assign(decoded.data, decoded.data + decoded.total() * 3);
  cv::Mat rgba;
  cv::cvtColor(decoded, rgba, cv::COLOR_BGR2RGBA);
  f.image = gray_from_rgba8(rgba.data, w, h);  // what `tiae extract` sees of the file
  f.ink.resize(size_t(w) * h);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) f.ink[size_t(r) * w + c] = ink.at<uint8_t>(r, c) / 255.0f;
  return f;
}

std::vector<Flyer> make_pages(bool hard, int first, int count, const DigitSet& test_digits) {
  std::vector<Flyer> pages;
  for (int i = first; i < first + count; ++i) pages.push_back(hard ? make_hard_page(i, test_digits) : make_flyer(i, test_digits));
  return pages;
}

std::vector<double> write_flyers(const std::string& dir, int first, int count, bool hard) {
  const auto base = [&](int i) { return (fs::path(dir) / ((hard ? "hard-" : "flyer-") + std::to_string(i))).string(); };
  for (int i = first; i < first + count; ++i)  // before any work: no link or device among the names
    for (const char* end : {".png", "-ink.png"}) check_replaceable_file(base(i) + end);
  fs::create_directories(dir);
  const auto split = load_mnist_split(find_mnist_package());
  std::vector<double> glyphs;
  for (int i = first; i < first + count; ++i) {
    const Flyer f = make_pages(hard, i, 1, split.test)[0];
    cv::Mat img(f.height, f.width, CV_32F, const_cast<float*>(f.image.data())), ink(f.height, f.width, CV_32F,
                                                                                     const_cast<float*>(f.ink.data()));
    cv::Mat a, b;
    if (hard) a = cv::Mat(f.height, f.width, CV_8UC3, const_cast<uint8_t*>(f.bgr.data()));
    else img.convertTo(a, CV_8U, 255.0);
    ink.convertTo(b, CV_8U, 255.0);
    write_encoded_image(base(i) + ".png", a);
    write_encoded_image(base(i) + "-ink.png", b);
    glyphs.push_back(f.glyph_size);
  }
  return glyphs;
}

}  // namespace tiae
