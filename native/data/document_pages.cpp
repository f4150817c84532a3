#include "data/document_pages.h"

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "data/flyers.h"
#include "data/font_glyphs.h"
#include "io/files.h"
#include "io/image_file.h"

namespace tiae {

namespace {

constexpr int kCell = DigitSet::kSize;  // glyph images are 32x32, capitals 20 px high
const char* const kAlphabets[] = {"AEHKMRSTX", "BDFLNPUZ", "CGJOQVWY", "abdeghkmn", "prstuwxyz"};

struct Source {
  std::vector<float> pixels;  // cells, kCell x kCell each
  std::vector<std::string> identities;
};

Source glyph_source(int index, const DigitSet& test_digits, std::mt19937_64& rng, int count) {
  const auto fonts = flyer_fonts();
  const std::string alphabet = kAlphabets[size_t(index) % std::size(kAlphabets)];
  Source s;
  s.pixels = render_glyphs({fonts[size_t(index) % fonts.size()]}, alphabet);
  for (const char c : alphabet) s.identities.push_back(std::string(1, c));  // render_glyphs keeps them all: the fonts have these
  if (s.identities.size() * kCell * kCell != s.pixels.size())
    throw std::runtime_error("make_document_page: a font lacks a character of its alphabet");
  for (int k = 0; k < count; ++k) {
    const int i = int(rng() % uint64_t(test_digits.count()));
    s.pixels.insert(s.pixels.end(), test_digits.image(i), test_digits.image(i) + kCell * kCell);
    s.identities.push_back(fmt::format("digit {}", test_digits.labels[size_t(i)]));
  }
  return s;
}

// Pastes cell `c` of `s` scaled by `scale` with its centre at (cx, cy) (ink: the maximum).
void paste(const Source& s, int c, double scale, double cx, double cy, std::vector<float>& ink, int w, int h) {
  const double side = kCell * scale;
  for (int y = int(std::floor(cy - side / 2)); y < int(std::ceil(cy + side / 2)); ++y)
    for (int x = int(std::floor(cx - side / 2)); x < int(std::ceil(cx + side / 2)); ++x) {
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      // Bilinear sample of the cell at this pixel's centre.
      const double u = (x + 0.5 - (cx - side / 2)) / scale - 0.5, v = (y + 0.5 - (cy - side / 2)) / scale - 0.5;
      const int u0 = int(std::floor(u)), v0 = int(std::floor(v));
      const double fu = u - u0, fv = v - v0;
      auto at = [&](int uu, int vv) {
        return uu < 0 || vv < 0 || uu >= kCell || vv >= kCell ? 0.f : s.pixels[size_t(c) * kCell * kCell + size_t(vv) * kCell + uu];
      };
      const double value = (1 - fv) * ((1 - fu) * at(u0, v0) + fu * at(u0 + 1, v0)) +
                           fv * ((1 - fu) * at(u0, v0 + 1) + fu * at(u0 + 1, v0 + 1));
      float& dst = ink[size_t(y) * w + x];
      dst = std::max(dst, float(value));
    }
}

// The centre of mass of cell c's ink, in cell px (continuous: pixel i spans [i, i + 1)).
std::pair<double, double> centre_of_mass(const Source& s, int c) {
  double sum = 0, sx = 0, sy = 0;
  for (int y = 0; y < kCell; ++y)
    for (int x = 0; x < kCell; ++x) {
      const double w = s.pixels[size_t(c) * kCell * kCell + size_t(y) * kCell + x];
      sum += w, sx += w * (x + 0.5), sy += w * (y + 0.5);
    }
  return {sx / sum, sy / sum};
}

// The width of cell c's ink (columns with ink), in cell px.
int ink_width(const Source& s, int c) {
  int lo = kCell, hi = -1;
  for (int y = 0; y < kCell; ++y)
    for (int x = 0; x < kCell; ++x)
      if (s.pixels[size_t(c) * kCell * kCell + size_t(y) * kCell + x] > 0.1f) lo = std::min(lo, x), hi = std::max(hi, x);
  return std::max(1, hi - lo + 1);
}

}  // namespace

DocumentPage make_document_page(int index, const DigitSet& test_digits) {
  std::mt19937_64 rng(uint64_t(index) * 7919 + 11);
  DocumentPage page;
  page.width = 480, page.height = 360;
  page.glyph_size = std::uniform_real_distribution<double>(16, 28)(rng);
  const Source s = glyph_source(index, test_digits, rng, 40);
  const int letters = int(std::string(kAlphabets[size_t(index) % std::size(kAlphabets)]).size());
  const double scale = page.glyph_size / kMnistDigitHeight, g = page.glyph_size;
  std::vector<float> ink(size_t(page.width) * page.height, 0.f);
  std::uniform_real_distribution<double> gap(0.2 * g, 0.67 * g);
  for (double y = 1.5 * g; y < page.height - 1.5 * g; y += 1.9 * g) {
    double x = g + gap(rng), previous_half = 0;
    while (true) {
      const int c = rng() % 4 == 0 ? letters + int(rng() % 40) : int(rng() % uint64_t(letters));
      const double half = ink_width(s, c) * scale / 2;
      x += previous_half + half;
      if (x + half > page.width - g) break;
      paste(s, c, scale, x, y, ink, page.width, page.height);
      const auto [mx, my] = centre_of_mass(s, c);
      page.glyphs.push_back({float(x + (mx - kCell / 2.0) * scale), float(y + (my - kCell / 2.0) * scale), s.identities[size_t(c)]});
      previous_half = half;
      x += gap(rng);
    }
  }
  page.gray.resize(ink.size());
  std::normal_distribution<float> grain(0, 0.02f);
  for (size_t i = 0; i < ink.size(); ++i) page.gray[i] = std::clamp(0.95f - 0.85f * ink[i] + grain(rng), 0.f, 1.f);
  return page;
}

void write_document_pages(const std::string& dir, int first, int count) {
  for (int i = first; i < first + count; ++i)  // before any work: no link or device among the names
    for (const char* end : {".png", ".json"}) check_replaceable_file((std::filesystem::path(dir) / fmt::format("document-{}{}", i, end)).string());
  const auto digits = load_mnist_split(find_mnist_package()).test;
  std::filesystem::create_directories(dir);
  for (int i = first; i < first + count; ++i) {
    const auto page = make_document_page(i, digits);
    write_gray_image((std::filesystem::path(dir) / fmt::format("document-{}.png", i)).string(), page.gray, page.width, page.height);
    nlohmann::json glyphs = nlohmann::json::array();
    for (const auto& g : page.glyphs) glyphs.push_back({{"x", g.x}, {"y", g.y}, {"identity", g.identity}});
    write_json_file((std::filesystem::path(dir) / fmt::format("document-{}.json", i)).string(),
                    {{"glyph_size", page.glyph_size}, {"glyphs", glyphs}});
  }
}

}  // namespace tiae
