#include "data/training_pages.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>
#include <mutex>
#include <thread>

#include "data/backgrounds.h"
#include "data/document_effects.h"
#include "data/document_sources.h"
#include "data/font_glyphs.h"
#include "data/page_clutter.h"
#include "data/page_effects.h"
#include "io/progress_bar.h"
#include "paper_plane.h"

namespace tiae {

namespace {

struct Sources {
  std::vector<cv::Ptr<cv::freetype::FreeType2>> fonts;  // a thread's own: FreeType2 keeps state while drawing
  std::vector<double> cap_per_size;                     // capital height / font size, per font
  const std::vector<cv::Mat>* photos = nullptr;         // BGR float in [0, 1], shared by the threads
  const std::vector<DocumentSource>* documents = nullptr;  // the real pages' paper and ink, shared
};

double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

// A random word of the training characters, 1 to 9 long.
std::string random_word(std::mt19937_64& rng) {
  const std::string chars = kTrainingCharacters;
  std::string w(1 + rng() % 9, ' ');
  for (auto& c : w) c = chars[rng() % chars.size()];
  return w;
}

// The ink (8-bit coverage) of a w x h page: lines of words in one training font and now and
// then a row of MNIST digits, glyph px high; some areas left blank.
cv::Mat draw_ink(const Sources& src, int w, int h, double glyph, const DigitSet& digits, std::mt19937_64& rng) {
  const size_t f = rng() % src.fonts.size();
  const int font_height = int(std::lround(glyph / std::max(0.2, src.cap_per_size[f])));
  cv::Mat canvas(h, w, CV_8UC3, cv::Scalar::all(0));
  for (double y = glyph * uniform(rng, 0.5, 2.5); y < h + glyph; y += glyph * uniform(rng, 1.6, 3.2)) {
    if (rng() % 6 == 0) continue;  // a blank line
    double x = -glyph * uniform(rng, 0, 3);
    if (rng() % 4 == 0) {  // a row of digits, their 20 px of ink scaled to the glyph size
      const double scale = glyph / kMnistDigitHeight;
      const int side = std::max(4, int(std::lround(DigitSet::kSize * scale)));
      for (; x < w; x += side * uniform(rng, 0.6, 1.1)) {
        cv::Mat digit(DigitSet::kSize, DigitSet::kSize, CV_32F, const_cast<float*>(digits.image(int(rng() % digits.count())))), big, big8;
        cv::resize(digit, big, {side, side}, 0, 0, cv::INTER_LINEAR);
        big.convertTo(big8, CV_8U, 255.0);
        const cv::Rect box = cv::Rect(int(x), int(y) - side * 3 / 4, side, side) & cv::Rect(0, 0, w, h);
        if (box.area() == 0) continue;
        cv::Mat roi;
        cv::extractChannel(canvas(box), roi, 0);
        cv::max(roi, big8(box - cv::Point(int(x), int(y) - side * 3 / 4)), roi);
        cv::Mat planes[] = {roi, roi, roi};
        cv::merge(planes, 3, canvas(box));
      }
      continue;
    }
    std::string line;
    while (line.size() < size_t(w / std::max(4.0, glyph * 0.5))) line += random_word(rng) + " ";
    src.fonts[f]->putText(canvas, line, {int(x), int(y)}, font_height, cv::Scalar::all(255), -1, cv::LINE_AA, false);
  }
  cv::Mat ink;
  cv::extractChannel(canvas, ink, 0);
  const int pen = int(std::lround(uniform(rng, -0.06, 0.08) * glyph));  // thinner or thicker pens
  if (pen != 0) {
    const auto kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * std::abs(pen) + 1, 2 * std::abs(pen) + 1});
    if (pen > 0) cv::dilate(ink, ink, kernel);
    else cv::erode(ink, ink, kernel);
  }
  return ink;
}

// One view's paper (BGR float): a photo crop at full contrast (half the draws), lightened
// toward white or dark like a board (a third), or plain paper with a faint texture.
cv::Mat draw_paper(const Sources& src, int w, int h, std::mt19937_64& rng) {
  const double style = uniform(rng, 0, 1);
  cv::Mat paper;
  if (style < 0.85) {
    const cv::Mat& photo = (*src.photos)[rng() % src.photos->size()];
    const double zoom = uniform(rng, std::max(double(w) / photo.cols, double(h) / photo.rows), 1.5 * std::max(1.0, double(w) / photo.cols));
    const int cw = std::min(photo.cols, int(std::ceil(w / zoom))), ch = std::min(photo.rows, int(std::ceil(h / zoom)));
    const cv::Rect crop(int(rng() % uint64_t(photo.cols - cw + 1)), int(rng() % uint64_t(photo.rows - ch + 1)), cw, ch);
    cv::resize(photo(crop), paper, {w, h}, 0, 0, cv::INTER_LINEAR);
    if (rng() & 1) cv::flip(paper, paper, 1);
    if (style > 0.5) {  // flattened, as a print or a wall: toward white, or toward a dark board
      const double keep = uniform(rng, 0.2, 0.7), base = rng() % 3 ? uniform(rng, 0.3, 1 - keep) : uniform(rng, 0, 0.2);
      paper.convertTo(paper, -1, keep, base);
    }
  } else {
    const cv::Scalar tint(uniform(rng, 0.6, 1), uniform(rng, 0.6, 1), uniform(rng, 0.6, 1));
    paper = cv::Mat(h, w, CV_32FC3, tint);
    cv::Mat grain(h, w, CV_32FC3);
    // From the page's own draws: cv::randn's thread-wide generator would carry over from
    // whichever page the thread drew before.
    cv::RNG noise(rng());
    noise.fill(grain, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(uniform(rng, 0, 0.05)));
    cv::GaussianBlur(grain, grain, {0, 0}, uniform(rng, 0.5, 3));
    paper += grain;
  }
  return paper;
}

// An ink colour (BGR): dark (luma under 0.35) or light (over 0.65), polarity at random.
cv::Vec3f ink_colour(std::mt19937_64& rng) {
  const bool dark = rng() & 1;
  for (;;) {
    const cv::Vec3f c(float(uniform(rng, 0, 1)), float(uniform(rng, 0, 1)), float(uniform(rng, 0, 1)));
    const float luma = 0.114f * c[0] + 0.587f * c[1] + 0.299f * c[2];
    if (dark ? luma < 0.35f : luma > 0.65f) return c;
  }
}

// A saturated ink (BGR) of any hue and of any luma, mid-gray ones included: ink that only
// its colour tells from the paper (red on a blue painting), which luma-polar ink never is.
cv::Vec3f hue_ink(std::mt19937_64& rng) {
  const double hue = uniform(rng, 0, 360), saturation = uniform(rng, 0.5, 1), value = uniform(rng, 0.35, 1);  // in this order
  cv::Mat hsv(1, 1, CV_32FC3, cv::Scalar(hue, saturation, value)), bgr;
  cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
  return bgr.at<cv::Vec3f>(0, 0);
}

// A colour view's planes: R, G, B (as planes_from_rgba8); one time in `gray_one_in` a gray
// photo (the three planes equal), so that a colour model also reads gray images.
void store_colour(const cv::Mat& bgr8, uint8_t* out, size_t plane, std::mt19937_64& rng, int gray_one_in = 7) {
  cv::Mat planes[3];
  cv::split(bgr8, planes);
  if (rng() % uint64_t(gray_one_in) == 0) {
    cv::cvtColor(bgr8, planes[0], cv::COLOR_BGR2GRAY);
    planes[1] = planes[2] = planes[0];
  }
  for (int c = 0; c < 3; ++c) std::copy(planes[2 - c].begin<uint8_t>(), planes[2 - c].end<uint8_t>(), out + size_t(c) * plane);
}

// A view as the network reads it: gray, R, G, B, or R, G, B and the paper plane of those
// (shared/paper_plane.h, from the 8-bit values, as ForegroundExtraction makes it).
void store_view(const cv::Mat& bgr8, uint8_t* out, size_t plane, int channels, std::mt19937_64& rng, int gray_one_in = 7) {
  if (channels == 1) {
    cv::Mat gray;
    cv::cvtColor(bgr8, gray, cv::COLOR_BGR2GRAY);
    std::copy(gray.begin<uint8_t>(), gray.end<uint8_t>(), out);
    return;
  }
  store_colour(bgr8, out, plane, rng, gray_one_in);
  if (channels == 3) return;
  std::vector<float> luma(plane);
  for (size_t i = 0; i < plane; ++i) luma[i] = (0.299f * out[i] + 0.587f * out[plane + i] + 0.114f * out[2 * plane + i]) / 255.f;
  const auto paper = paper_normalised(luma.data(), bgr8.cols, bgr8.rows);
  for (size_t i = 0; i < plane; ++i) out[3 * plane + i] = uint8_t(std::lround(255 * paper[i]));
}

// The square `at` (x, y, side in the source) of `m`, resized to `side` px.
cv::Mat cut_square(const cv::Mat& m, int side, const cv::Vec3i& at) {
  cv::Mat out;
  cv::resize(m(cv::Rect(at[0], at[1], at[2], at[2])), out, {side, side}, 0, 0, at[2] > side ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}
// A random square of `region` px (at most the source's shorter side) in `m`.
cv::Vec3i random_square(const cv::Mat& m, double region, std::mt19937_64& rng) {
  const int r = std::max(8, std::min({int(std::lround(region)), m.cols, m.rows}));
  return {int(rng() % uint64_t(m.cols - r + 1)), int(rng() % uint64_t(m.rows - r + 1)), r};
}

// A real page's ink at glyph px: the square with the most ink of a few tries; its paper too.
void real_ink(const DocumentSource& a, double glyph, int side, std::mt19937_64& rng, cv::Mat& ink, cv::Mat& through, cv::Mat& paper) {
  const double region = side * a.glyph_size / glyph;
  cv::Vec3i best = random_square(a.ink, region, rng);
  double most = -1;
  for (int tries = 0; tries < 4; ++tries) {
    const cv::Vec3i at = tries ? random_square(a.ink, region, rng) : best;
    const double amount = cv::mean(a.ink(cv::Rect(at[0], at[1], at[2], at[2])))[0];
    if (amount > most) most = amount, best = at;
    if (amount > 0.03) break;
  }
  ink = cut_square(a.ink, side, best);
  through = cut_square(a.through, side, best);
  paper = cut_square(a.paper, side, best);
  const float strength = float(uniform(rng, 0.7, 1.15));  // fainter or darker than it was written
  through = cv::Scalar::all(1) - strength * (cv::Scalar::all(1) - through);
  cv::max(through, 0, through);
}

// Ink of coverage `ink` that lets `through` of the light through, on `paper`, under `light`.
cv::Mat lay_ink(const cv::Mat& paper, const cv::Mat& ink, const cv::Mat& through, const cv::Mat& light) {
  cv::Mat lit(paper.size(), CV_32FC3);
  for (int r = 0; r < paper.rows; ++r)
    for (int c = 0; c < paper.cols; ++c) {
      const float a = ink.at<float>(r, c);
      lit.at<cv::Vec3f>(r, c) = paper.at<cv::Vec3f>(r, c).mul(cv::Vec3f::all(1) - a * (cv::Vec3f::all(1) - through.at<cv::Vec3f>(r, c))) * light.at<float>(r, c);
    }
  return lit;
}

// Handwriting or print in `colour`, its strength running thinner and thicker along the page:
// the coverage and what it lets through.
void pen_ink(const Sources& src, int side, double glyph, const cv::Vec3f& colour, const DigitSet& digits, std::mt19937_64& rng,
             cv::Mat& ink, cv::Mat& through) {
  if (rng() & 1) ink = cursive_ink(side, side, glyph, glyph * uniform(rng, 0.04, 0.14), rng);
  else draw_ink(src, side, side, glyph, digits, rng).convertTo(ink, CV_32F, 1.0 / 255);
  cv::Mat fade(4, 4, CV_32F);
  cv::randu(fade, 0.6, 1.0);
  cv::resize(fade, fade, {side, side}, 0, 0, cv::INTER_CUBIC);
  through = cv::Mat(side, side, CV_32FC3);
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) through.at<cv::Vec3f>(r, c) = cv::Vec3f::all(1) - fade.at<float>(r, c) * (cv::Vec3f::all(1) - colour);
}

// One view's paper for a document page: a real page's paper (at any scale, mirrored or
// turned), else the paper of the other training pages (photos, tints).
cv::Mat document_paper(const Sources& src, double glyph, int side, std::mt19937_64& rng) {
  if (rng() % 4 == 0) return draw_paper(src, side, side, rng);
  const auto& b = (*src.documents)[rng() % src.documents->size()];
  cv::Mat paper = cut_square(b.paper, side, random_square(b.paper, side * b.glyph_size / glyph * uniform(rng, 0.7, 1.4), rng));
  const int flip = int(rng() % 4) - 1;  // -1 both, 0 vertical, 1 horizontal, 2 none
  if (flip < 2) cv::flip(paper, paper, flip);
  return paper;
}

// Page i as a real document (docs/method.md, "Real documents"): the ink of a tuning page, or
// joined-up handwriting, or the fonts' letters and digits in a document's ink; each view on
// other paper (a tuning page's, or the first view on the ink's own), with ruling, stains,
// show-through, uneven light, then a scanner or a camera. The truth is the ink alone.
void make_document_page(const Sources& src, PageBank& bank, int i, const PageBankOptions& o, const DigitSet& digits,
                        std::mt19937_64& rng) {
  const int side = bank.side;
  const double glyph = o.model_glyph * std::exp(uniform(rng, std::log(0.6), std::log(1.6)));
  cv::Mat ink, through, own_paper;
  if (rng() % 2 == 0) real_ink((*src.documents)[rng() % src.documents->size()], glyph, side, rng, ink, through, own_paper);
  else pen_ink(src, side, glyph, document_ink(rng), digits, rng, ink, through);
  ink.convertTo(cv::Mat(side, side, CV_8U, bank.ink.data() + size_t(i) * bank.plane()), CV_8U, 255.0);
  for (int v = 0; v < bank.views; ++v) {
    cv::Mat paper = v == 0 && !own_paper.empty() && rng() % 3 == 0 ? own_paper.clone() : document_paper(src, glyph, side, rng);
    if (rng() % 3 == 0) add_ruling(paper, glyph, rng);
    if (rng() % 3 == 0) add_stains(paper, rng);
    if (rng() % 3 == 0) add_show_through(paper, cursive_ink(side, side, glyph, glyph * uniform(rng, 0.04, 0.12), rng), rng);
    cv::Mat light(side, side, CV_32F, cv::Scalar(uniform(rng, 0.75, 1.1)));
    if (rng() % 4 == 0) light = 0.25 * page_light(side, side, rng) + 0.75;
    const cv::Mat lit = lay_ink(paper, ink, through, light);
    const cv::Mat decoded = rng() & 1 ? scanned(lit, rng) : photographed(lit, int(rng() % 1000000), rng);
    store_view(decoded, const_cast<uint8_t*>(bank.image(i, v)), bank.plane(), o.channels, rng, 4);
  }
}

// Page i: the ink once, then each view drawn (with clutter on a `clutter` fraction of
// views), photographed, made gray (as gray_from_rgba8) or kept in colour, and rescaled to
// the model's glyph size.
void make_page(const Sources& src, PageBank& bank, int i, const PageBankOptions& o, const DigitSet& digits) {
  std::mt19937_64 rng(o.seed * 1000003 + uint64_t(i));
  if (o.documents > 0 && uniform(rng, 0, 1) < o.documents) return make_document_page(src, bank, i, o, digits, rng);  // no draw at 0
  const double glyph = uniform(rng, 15, 60);
  const double measured = glyph * std::exp(uniform(rng, std::log(0.75), std::log(1.33)));  // the size the rescaling assumes
  const double scale = o.model_glyph / measured;
  const int side = bank.side, w = int(std::ceil(side / scale)) + 2, h = w;
  const cv::Mat ink8 = draw_ink(src, w, h, glyph, digits, rng);
  const auto rescaled = [&](const cv::Mat& m) {
    cv::Mat out;
    cv::resize(m, out, {0, 0}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out(cv::Rect(0, 0, side, side)).clone();
  };
  cv::Mat ink;
  ink8.convertTo(ink, CV_32F, 1.0 / 255);
  rescaled(ink8).copyTo(cv::Mat(side, side, CV_8U, bank.ink.data() + size_t(i) * bank.plane()));
  for (int v = 0; v < bank.views; ++v) {
    cv::Mat paper = draw_paper(src, w, h, rng);
    if (o.clutter > 0 && uniform(rng, 0, 1) < o.clutter) add_clutter(paper, glyph, rng);  // no draw at 0: older banks unchanged
    if (o.channels > 1) {  // photos of every hue: the paper's colour planes in a random order
      std::vector<int> order = {0, 1, 2};
      std::shuffle(order.begin(), order.end(), rng);
      const int pairs[] = {0, order[0], 1, order[1], 2, order[2]};
      cv::Mat shuffled(paper.size(), paper.type());
      cv::mixChannels(&paper, 1, &shuffled, 1, pairs, 3);
      paper = shuffled;
    }
    const cv::Mat light = rng() % 3 ? page_light(w, h, rng) : cv::Mat(h, w, CV_32F, cv::Scalar(uniform(rng, 0.7, 1.1)));
    // No draw at ink_hues 0: older banks unchanged.
    const cv::Vec3f colour = o.ink_hues > 0 && uniform(rng, 0, 1) < o.ink_hues ? hue_ink(rng) : ink_colour(rng);
    cv::Mat lit(h, w, CV_32FC3);
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) {
        const float a = ink.at<float>(r, c), l = light.at<float>(r, c);
        lit.at<cv::Vec3f>(r, c) = ((1 - a) * paper.at<cv::Vec3f>(r, c) + a * colour) * l;
      }
    const cv::Mat decoded = photographed(lit, int(rng() % 1000000), rng);
    if (o.channels == 1) {  // gray before rescaling, as these pages always were
      cv::Mat gray;
      cv::cvtColor(decoded, gray, cv::COLOR_BGR2GRAY);
      rescaled(gray).copyTo(cv::Mat(side, side, CV_8U, const_cast<uint8_t*>(bank.image(i, v))));
      continue;
    }
    store_view(rescaled(decoded), const_cast<uint8_t*>(bank.image(i, v)), bank.plane(), o.channels, rng);
  }
}

std::vector<cv::Mat> load_photos() {
  std::vector<cv::Mat> photos;
  for (const auto& path : training_photos()) {
    cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR), f;
    if (bgr.empty()) throw std::runtime_error("cannot decode photo " + path);
    bgr.convertTo(f, CV_32FC3, 1.0 / 255);
    photos.push_back(f);
  }
  return photos;
}

Sources sources_for_thread(const std::vector<cv::Mat>& photos, const std::vector<DocumentSource>& documents) {
  Sources s;
  s.photos = &photos;
  s.documents = &documents;
  for (const auto& path : training_fonts()) {
    auto font = cv::freetype::createFreeType2();
    font->loadFontData(path, 0);
    int baseline = 0;
    s.cap_per_size.push_back(font->getTextSize("H", 100, -1, &baseline).height / 100.0);
    s.fonts.push_back(font);
  }
  return s;
}

}  // namespace

PageBank make_page_bank(const PageBankOptions& o, const DigitSet& digits, int threads, bool progress) {
  if (o.channels != 1 && o.channels != 3 && o.channels != 4)
    throw std::invalid_argument("training pages are gray (1 channel), colour (3) or colour and paper (4)");
  if (o.ink_hues > 0 && o.channels == 1) throw std::invalid_argument("inks of any hue are for colour pages (3 or 4 channels)");
  PageBank bank;
  bank.count = o.count;
  bank.views = o.views;
  bank.side = o.side;
  bank.channels = o.channels;
  bank.images.resize(size_t(o.count) * o.views * o.channels * bank.plane());
  bank.ink.resize(size_t(o.count) * bank.plane());
  threads = std::max(1, threads);
  const auto photos = load_photos();
  std::vector<DocumentSource> documents;
  if (o.documents > 0) {
    const std::string dir = find_real_pages();
    if (dir.empty()) throw std::runtime_error("page_documents needs the real pages (data/real-pages of the project)");
    documents = document_sources(load_real_pages(dir, find_real_pages_split()));
  }
  std::vector<Sources> sources;  // each thread its own fonts
  for (int t = 0; t < threads; ++t) sources.push_back(sources_for_thread(photos, documents));
  std::atomic<int> next{0}, done{0};
  const int count = o.count;
  ProgressBar bar("training pages", count, progress);
  std::vector<std::thread> workers;
  std::exception_ptr failure;
  std::mutex failure_lock;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      try {
        for (int i; (i = next++) < count;) {
          make_page(sources[size_t(t)], bank, i, o, digits);
          ++done;
          if (t == 0) bar.update(done);
        }
      } catch (...) {
        const std::lock_guard<std::mutex> hold(failure_lock);
        failure = std::current_exception();
        next = count;
      }
    });
  for (auto& w : workers) w.join();
  if (failure) std::rethrow_exception(failure);
  bar.finish();
  return bank;
}

namespace {
// Page i over the image's paper: pen ink of one of its inks, each view on a crop of the paper.
void make_paper_page(const Sources& src, const cv::Mat& paper, const ImagePaper& image, PageBank& bank, int i,
                     const PageBankOptions& o, const DigitSet& digits) {
  std::mt19937_64 rng(o.seed * 1000003 + uint64_t(i));
  const int side = bank.side;
  const double glyph = o.model_glyph * std::exp(uniform(rng, std::log(0.75), std::log(1.33)));
  cv::Vec3f colour = document_ink(rng);
  if (!image.inks.empty()) {
    const auto& c = image.inks[rng() % image.inks.size()];
    colour = cv::Vec3f(c[0], c[1], c[2]);
  }
  cv::Mat ink, through;
  pen_ink(src, side, glyph, colour, digits, rng, ink, through);
  cv::GaussianBlur(ink, ink, {0, 0}, 0.5);  // as soft as a photographed stroke
  ink.convertTo(cv::Mat(side, side, CV_8U, bank.ink.data() + size_t(i) * bank.plane()), CV_8U, 255.0);
  const cv::Mat light(side, side, CV_32F, cv::Scalar(1));
  for (int v = 0; v < bank.views; ++v) {
    cv::Mat view = cut_square(paper, side, random_square(paper, side, rng));
    if (rng() & 1) cv::flip(view, view, int(rng() % 3) - 1);
    cv::Mat bgr8;
    lay_ink(view, ink, through, light).convertTo(bgr8, CV_8UC3, 255.0);
    store_view(bgr8, const_cast<uint8_t*>(bank.image(i, v)), bank.plane(), o.channels, rng, 1 << 30);
  }
}
}  // namespace

PageBank make_paper_bank(const ImagePaper& image, const PageBankOptions& o, const DigitSet& digits) {
  if (image.width < 8 || image.height < 8) throw std::invalid_argument("the image's paper is too small to cut pages from");
  PageBank bank;
  bank.count = o.count, bank.views = o.views, bank.side = std::min({o.side, image.width, image.height}), bank.channels = o.channels;
  bank.images.resize(size_t(o.count) * o.views * o.channels * bank.plane());
  bank.ink.resize(size_t(o.count) * bank.plane());
  const cv::Mat paper(image.height, image.width, CV_32FC3, const_cast<float*>(image.bgr.data()));
  const std::vector<cv::Mat> no_photos;
  const std::vector<DocumentSource> no_documents;
  const Sources src = sources_for_thread(no_photos, no_documents);
  for (int i = 0; i < o.count; ++i) make_paper_page(src, paper, image, bank, i, o, digits);
  return bank;
}

}  // namespace tiae
