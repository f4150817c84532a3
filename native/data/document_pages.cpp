#include "data/document_pages.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <random>

#include "data/flyers.h"
#include "data/font_glyphs.h"
#include "data/grainy_paper.h"
#include "data/touching_lines.h"
#include "io/files.h"
#include "io/image_file.h"
#include "io/project_files.h"

namespace tiae {

namespace {

constexpr int kCell = DigitSet::kSize;  // glyph images are 32x32, capitals 20 px high
const char* const kAlphabets[] = {"AEHKMRSTX", "BDFLNPUZ", "CGJOQVWY", "abdeghkmn", "prstuwxyz"};

struct Source {
  std::vector<float> pixels;  // cells, kCell x kCell each
  std::vector<std::string> identities;
};

// Alphabet `alphabet` (of kAlphabets) in flyer font `font`, then `count` MNIST test digits.
Source glyph_source(int alphabet_index, int font, const DigitSet& test_digits, std::mt19937_64& rng, int count) {
  const auto fonts = flyer_fonts();
  const std::string alphabet = kAlphabets[size_t(alphabet_index) % std::size(kAlphabets)];
  Source s;
  s.pixels = render_glyphs({fonts[size_t(font) % fonts.size()]}, alphabet);
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

// Lines of glyphs set apart by a fifth to two thirds of a glyph, each the `digit_every`-th
// time on average an MNIST digit, else a letter of the page's alphabet; ink into `ink`.
void spaced_lines(DocumentPage& page, const Source& s, int letters, int digit_every, std::vector<float>& ink, std::mt19937_64& rng) {
  const double scale = page.glyph_size / kMnistDigitHeight, g = page.glyph_size;
  std::uniform_real_distribution<double> gap(0.2 * g, 0.67 * g);
  for (double y = 1.5 * g; y < page.height - 1.5 * g; y += 1.9 * g) {
    double x = g + gap(rng), previous_half = 0;
    while (true) {
      const int c = rng() % uint64_t(digit_every) == 0 ? letters + int(rng() % 40) : int(rng() % uint64_t(letters));
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
}

// The clean pages' paper: dark ink on light paper with a faint grain.
std::vector<float> on_clean_paper(const std::vector<float>& ink, std::mt19937_64& rng) {
  std::vector<float> gray(ink.size());
  std::normal_distribution<float> grain(0, 0.02f);
  for (size_t i = 0; i < ink.size(); ++i) gray[i] = std::clamp(0.95f - 0.85f * ink[i] + grain(rng), 0.f, 1.f);
  return gray;
}

DocumentPage spaced_page(DocumentPageKind kind, int index, const DigitSet& test_digits) {
  const bool grainy = kind == DocumentPageKind::grainy;
  std::mt19937_64 rng(uint64_t(index) * 7919 + 11 + (grainy ? 1000003 : 0));
  DocumentPage page;
  page.width = 480, page.height = 360;
  page.glyph_size = grainy ? std::uniform_real_distribution<double>(18, 24)(rng) : std::uniform_real_distribution<double>(16, 28)(rng);
  // Grainy pages: hand-lettered capitals (the flyer fonts' first three alphabets) and handwritten digits.
  const int alphabet = grainy ? index % 3 : index;
  const Source s = glyph_source(alphabet, index, test_digits, rng, 40);
  const int letters = int(std::string(kAlphabets[size_t(alphabet) % std::size(kAlphabets)]).size());
  std::vector<float> ink(size_t(page.width) * page.height, 0.f);
  spaced_lines(page, s, letters, grainy ? 3 : 4, ink, rng);
  if (!grainy) {
    page.gray = on_clean_paper(ink, rng);
    return page;
  }
  page.gray = on_grainy_paper(cv::Mat(page.height, page.width, CV_32F, ink.data()), rng);
  return page;
}

DocumentPage touching_page(int index, const DigitSet& test_digits) {
  std::mt19937_64 rng(uint64_t(index) * 7919 + 11 + 2000006);
  DocumentPage page;
  page.width = 480, page.height = 360;
  page.glyph_size = std::uniform_real_distribution<double>(18, 26)(rng);
  const auto style = TouchingStyle(index % 4);
  auto lines = touching_lines(style, index / 4, page.width, page.height, page.glyph_size, test_digits, rng);
  page.glyphs = std::move(lines.glyphs);
  page.gray = on_clean_paper({lines.ink.begin<float>(), lines.ink.end<float>()}, rng);
  return page;
}

}  // namespace

DocumentPageKind parse_document_page_kind(const std::string& name) {
  for (const auto kind : {DocumentPageKind::clean, DocumentPageKind::grainy, DocumentPageKind::touching})
    if (name == document_page_kind_name(kind)) return kind;
  throw std::invalid_argument("unknown kind of document page '" + name + "' (clean, grainy or touching)");
}

const char* document_page_kind_name(DocumentPageKind kind) {
  switch (kind) {
    case DocumentPageKind::clean: return "clean";
    case DocumentPageKind::grainy: return "grainy";
    case DocumentPageKind::touching: return "touching";
  }
  return "?";
}

DocumentPage make_document_page(DocumentPageKind kind, int index, const DigitSet& test_digits) {
  return kind == DocumentPageKind::touching ? touching_page(index, test_digits) : spaced_page(kind, index, test_digits);
}

std::string find_real_print() {
  const auto dir = find_project_path("data", "real-print-glyphs.json", nullptr);
  return dir.empty() ? "" : (std::filesystem::path(dir) / "real-print-glyphs.json").string();
}

DocumentPage read_real_print(const std::string& glyphs_file, const std::string& real_pages_dir) {
  const auto json = read_json_file(glyphs_file);
  const auto image = (std::filesystem::path(real_pages_dir) / (json.at("page").get<std::string>() + ".png")).string();
  cv::Mat gray = cv::imread(image, cv::IMREAD_GRAYSCALE);
  if (gray.empty()) throw std::runtime_error("cannot read " + image);
  gray.convertTo(gray, CV_32F, 1.0 / 255);
  DocumentPage page;
  page.width = gray.cols, page.height = gray.rows;
  page.gray.assign(gray.begin<float>(), gray.end<float>());
  page.glyph_size = json.at("glyph_size").get<double>();
  page.tolerance = json.at("tolerance_px").get<double>();
  for (const auto& r : json.at("regions")) page.regions.push_back(r.get<std::array<float, 4>>());
  for (const auto& g : json.at("glyphs"))
    page.glyphs.push_back({g.at("x").get<float>(), g.at("y").get<float>(), g.at("identity").get<std::string>()});
  return page;
}

std::string find_document_pages_split() {
  const auto dir = find_project_path("configs", "document-pages-split.json", nullptr);
  if (dir.empty()) throw std::runtime_error("configs/document-pages-split.json was not found above the program or the current folder");
  return (std::filesystem::path(dir) / "document-pages-split.json").string();
}

std::vector<DocumentPageSplit> read_document_pages_split(const std::string& path) {
  const auto json = read_json_file(path);
  std::vector<DocumentPageSplit> out;
  for (const auto kind : {DocumentPageKind::clean, DocumentPageKind::grainy, DocumentPageKind::touching}) {
    const char* name = document_page_kind_name(kind);
    if (!json.contains(name)) throw std::runtime_error(path + " has no '" + name + "' pages");
    DocumentPageSplit s{kind, json[name].at("tuning").get<std::vector<int>>(), json[name].at("held_out").get<std::vector<int>>()};
    if (s.tuning.empty() || s.held_out.empty()) throw std::runtime_error(path + ": the " + name + " pages need both parts");
    for (const int i : s.tuning)
      if (std::find(s.held_out.begin(), s.held_out.end(), i) != s.held_out.end())
        throw std::runtime_error(fmt::format("{}: {} page {} is both tuned on and held out", path, name, i));
    out.push_back(std::move(s));
  }
  return out;
}

void write_document_pages(const std::string& dir, DocumentPageKind kind, int first, int count) {
  for (int i = first; i < first + count; ++i)  // before any work: no link or device among the names
    for (const char* end : {".png", ".json"}) check_replaceable_file((std::filesystem::path(dir) / fmt::format("document-{}{}", i, end)).string());
  const auto digits = load_mnist_split(find_mnist_package()).test;
  std::filesystem::create_directories(dir);
  for (int i = first; i < first + count; ++i) {
    const auto page = make_document_page(kind, i, digits);
    write_gray_image((std::filesystem::path(dir) / fmt::format("document-{}.png", i)).string(), page.gray, page.width, page.height);
    nlohmann::json glyphs = nlohmann::json::array();
    for (const auto& g : page.glyphs) glyphs.push_back({{"x", g.x}, {"y", g.y}, {"identity", g.identity}});
    write_json_file((std::filesystem::path(dir) / fmt::format("document-{}.json", i)).string(),
                    {{"glyph_size", page.glyph_size}, {"glyphs", glyphs}});
  }
}

}  // namespace tiae
