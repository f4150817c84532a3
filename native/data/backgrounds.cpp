#include "data/backgrounds.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#ifdef TIAE_HAVE_OPENCV
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace tiae {
namespace fs = std::filesystem;

namespace {

const char* const kOpencvData = "/usr/share/doc/opencv-doc/examples/data/";
const char* const kSkimageData = "/usr/lib/python3/dist-packages/skimage/data/";

std::vector<std::string> existing(const std::vector<std::pair<const char*, const char*>>& files) {
  std::vector<std::string> paths;
  for (const auto& [dir, name] : files) {
    const std::string path = std::string(dir) + name;
    if (!fs::exists(path))
      throw std::runtime_error("photo " + path + " is missing: install the Debian package " +
                               (dir == kOpencvData ? "opencv-doc" : "python3-skimage") + " (scripts/setup.sh does)");
    paths.push_back(path);
  }
  return paths;
}

float uniform(std::mt19937_64& rng, float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }

}  // namespace

std::vector<std::string> training_photos() {
  return existing({{kOpencvData, "aero1.jpg"},        {kOpencvData, "aero3.jpg"},       {kOpencvData, "apple.jpg"},
                   {kOpencvData, "baboon.jpg"},       {kOpencvData, "basketball1.png"}, {kOpencvData, "board.jpg"},
                   {kOpencvData, "building.jpg"},     {kOpencvData, "butterfly.jpg"},   {kOpencvData, "fruits.jpg"},
                   {kOpencvData, "graf1.png"},        {kOpencvData, "HappyFish.jpg"},   {kOpencvData, "left.jpg"},
                   {kOpencvData, "leuvenA.jpg"},      {kOpencvData, "orange.jpg"},      {kOpencvData, "rubberwhale1.png"},
                   {kOpencvData, "squirrel_cls.jpg"}, {kOpencvData, "stuff.jpg"},       {kOpencvData, "aloeL.jpg"},
                   {kSkimageData, "astronaut.png"},   {kSkimageData, "camera.png"},     {kSkimageData, "coins.png"},
                   {kSkimageData, "grass.png"},       {kSkimageData, "gravel.png"},     {kSkimageData, "hubble_deep_field.jpg"},
                   {kSkimageData, "moon.png"},        {kSkimageData, "motorcycle_left.png"}, {kSkimageData, "retina.jpg"},
                   {kSkimageData, "ihc.png"}});
}

std::vector<std::string> held_out_photos() {
  return existing({{kOpencvData, "home.jpg"},
                   {kOpencvData, "messi5.jpg"},
                   {kOpencvData, "smarties.png"},
                   {kOpencvData, "starry_night.jpg"},
                   {kSkimageData, "coffee.png"},
                   {kSkimageData, "chelsea.png"},
                   {kSkimageData, "rocket.jpg"},
                   {kSkimageData, "brick.png"}});
}

Appearance random_appearance(std::mt19937_64& rng) {
  // The background keeps from 10% to all of its contrast; the ink stays 0.3 away from the
  // paper's middle level, so it is visible on average but not everywhere.
  const float span = uniform(rng, 0.1f, 1.0f);
  Appearance a;
  float middle;
  if (rng() & 1) {  // light ink on a dark background
    middle = uniform(rng, span / 2, std::min(0.7f, 1 - span / 2));
    a.ink = uniform(rng, middle + 0.3f, 1.0f);
  } else {  // dark ink on a light background
    middle = uniform(rng, std::max(0.3f, span / 2), 1 - span / 2);
    a.ink = uniform(rng, 0.0f, middle - 0.3f);
  }
  a.paper_low = middle - span / 2;
  a.paper_high = middle + span / 2;
  return a;
}

BackgroundSource::BackgroundSource(const std::string& kind, const std::vector<std::string>& photos) : kind_(kind) {
  if (kind == "noise" || kind == "white-noise") return;
  if (kind != "photo")
    throw std::runtime_error("background must be \"noise\", \"white-noise\" or \"photo\", not \"" + kind + "\"");
  if (photos.empty()) throw std::runtime_error("photo backgrounds need at least one photo");
#ifdef TIAE_HAVE_OPENCV
  for (const auto& path : photos) {
    cv::Mat gray = cv::imread(path, cv::IMREAD_GRAYSCALE);
    if (gray.empty()) throw std::runtime_error("cannot decode photo " + path);
    cv::Mat f;
    gray.convertTo(f, CV_32F, 1.0 / 255);
    for (double scale : {1.0, 0.5, 0.25, 0.125}) {
      cv::Mat s;
      if (scale == 1.0) s = f;
      else cv::resize(f, s, cv::Size(), scale, scale, cv::INTER_AREA);
      if (s.cols < 32 || s.rows < 32) continue;
      Plane p{s.cols, s.rows, {}};
      p.values.assign(s.ptr<float>(0), s.ptr<float>(0) + s.total());  // resize output is continuous
      planes_.push_back(std::move(p));
    }
  }
#else
  throw std::runtime_error("photo backgrounds need a build with OpenCV");
#endif
}

void BackgroundSource::draw(std::mt19937_64& rng, float* out, int size) const {
  const int n = size * size;
  if (kind_ == "photo") {
    const Plane& p = planes_[rng() % planes_.size()];
    const int x0 = int(rng() % uint64_t(p.width - size + 1)), y0 = int(rng() % uint64_t(p.height - size + 1));
    const bool mirror = rng() & 1;
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x)
        out[y * size + x] = p.values[size_t(y0 + y) * p.width + x0 + (mirror ? size - 1 - x : x)];
    return;
  }
  switch (rng() % (kind_ == "white-noise" ? 3 : 4)) {  // white noise: the first three
    case 0:  // uniform white noise
      for (int i = 0; i < n; ++i) out[i] = uniform(rng, 0, 1);
      break;
    case 1: {  // Gaussian noise around a level
      const float mean = uniform(rng, 0.2f, 0.8f), sd = uniform(rng, 0.05f, 0.3f);
      std::normal_distribution<float> g(mean, sd);
      for (int i = 0; i < n; ++i) out[i] = std::clamp(g(rng), 0.0f, 1.0f);
      break;
    }
    case 2: {  // salt and pepper on a flat level
      const float level = uniform(rng, 0, 1), fraction = uniform(rng, 0.05f, 0.3f);
      for (int i = 0; i < n; ++i) {
        const float u = uniform(rng, 0, 1);
        out[i] = u < fraction / 2 ? 0.0f : u < fraction ? 1.0f : level;
      }
      break;
    }
    default: {  // smooth: a coarse random grid, bilinearly interpolated
      const int g = 2 << (rng() % 3);  // 2, 4 or 8 cells per side
      std::vector<float> grid(size_t(g + 1) * (g + 1));
      for (auto& v : grid) v = uniform(rng, 0, 1);
      for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
          const float gx = float(x) * g / size, gy = float(y) * g / size;
          const int ix = int(gx), iy = int(gy);
          const float fx = gx - ix, fy = gy - iy;
          const auto at = [&](int cx, int cy) { return grid[size_t(cy) * (g + 1) + cx]; };
          out[y * size + x] = (1 - fy) * ((1 - fx) * at(ix, iy) + fx * at(ix + 1, iy)) +
                              fy * ((1 - fx) * at(ix, iy + 1) + fx * at(ix + 1, iy + 1));
        }
    }
  }
}

}  // namespace tiae
