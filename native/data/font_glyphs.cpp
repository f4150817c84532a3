#include "data/font_glyphs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "data/mnist_data.h"

namespace tiae {

namespace {

// The ink of `text` drawn white on black at font size `height`, cropped to its box
// (empty when the font draws nothing).
cv::Mat draw_ink(cv::freetype::FreeType2& font, const std::string& text, int height) {
  const int side = 4 * height;
  cv::Mat canvas(side, side, CV_8UC3, cv::Scalar(0, 0, 0));  // putText draws on 3 channels only
  font.putText(canvas, text, {side / 4, side * 3 / 4}, height, cv::Scalar(255, 255, 255), -1, cv::LINE_AA, false);
  cv::Mat ink;
  cv::extractChannel(canvas, ink, 0);
  const cv::Rect box = cv::boundingRect(ink);
  return box.area() == 0 ? cv::Mat() : ink(box).clone();
}

}  // namespace

const char* const kTrainingCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-:.";

std::vector<std::string> training_fonts() {
  const std::pair<const char*, const char*> fonts[] = {
      {"/usr/share/fonts/truetype/fifthhorseman/dkg.ttf", "fonts-dkg-handwriting"},
      {"/usr/share/fonts/truetype/fifthhorseman/dkgIt.ttf", "fonts-dkg-handwriting"},
      {"/usr/share/fonts/truetype/breip/Breip.ttf", "fonts-breip"},
      {"/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf", "fonts-femkeklaver"},
      {"/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf", "fonts-humor-sans"},
      {"/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf", "fonts-comic-neue"},
      {"/usr/share/fonts/truetype/rufscript/Rufscript010.ttf", "fonts-rufscript"}};
  std::vector<std::string> paths;
  for (const auto& [path, package] : fonts) {
    if (!std::filesystem::exists(path))
      throw std::runtime_error(std::string("font ") + path + " is missing: install the Debian package " + package +
                               " (scripts/setup.sh does)");
    paths.emplace_back(path);
  }
  return paths;
}

std::vector<float> render_glyphs(const std::vector<std::string>& fonts, const std::string& characters) {
  constexpr int S = DigitSet::kSize, kCap = int(kMnistDigitHeight), kMaxSide = 28;
  std::vector<float> out;
  for (const auto& path : fonts) {
    auto font = cv::freetype::createFreeType2();
    font->loadFontData(path, 0);
    // The font size whose capitals are kCap high, from the ink of an "H" (the fonts'
    // own metrics differ in what they include).
    const int probe = 100;
    const double cap_per_size = draw_ink(*font, "H", probe).rows / double(probe);
    const int height = int(std::lround(kCap / std::max(0.2, cap_per_size)));
    for (const char ch : characters) {
      const cv::Mat ink = draw_ink(*font, std::string(1, ch), height);
      if (ink.empty()) continue;
      cv::Mat glyph;
      ink.convertTo(glyph, CV_32F, 1.0 / 255);
      const double fit = std::min(1.0, double(kMaxSide) / std::max(ink.cols, ink.rows));
      if (fit < 1) cv::resize(glyph, glyph, {}, fit, fit, cv::INTER_AREA);
      cv::Mat image = cv::Mat::zeros(S, S, CV_32F);
      glyph.copyTo(image(cv::Rect((S - glyph.cols) / 2, (S - glyph.rows) / 2, glyph.cols, glyph.rows)));
      out.insert(out.end(), image.begin<float>(), image.end<float>());
    }
  }
  return out;
}

}  // namespace tiae
