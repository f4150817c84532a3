#include "data/real_pages.h"

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "glyph_size.h"
#include "io/files.h"
#include "io/project_files.h"

namespace tiae {
namespace fs = std::filesystem;

std::string find_real_pages() { return find_project_path("data/real-pages", "README.md", "TIAE_REAL_PAGES"); }

std::string find_real_pages_split() {
  const auto dir = find_project_path("configs", "real-pages-split.json", nullptr);
  if (dir.empty()) throw std::runtime_error("configs/real-pages-split.json was not found above the program or the current folder");
  return (fs::path(dir) / "real-pages-split.json").string();
}

namespace {

cv::Mat read_or_throw(const fs::path& path, int flags) {
  cv::Mat m = cv::imread(path.string(), flags);
  if (m.empty()) throw std::runtime_error("cannot read the real page " + path.string());
  return m;
}

Flyer read_page(const std::string& dir, const std::string& name) {
  const cv::Mat bgr = read_or_throw(fs::path(dir) / (name + ".png"), cv::IMREAD_COLOR);
  const cv::Mat truth = read_or_throw(fs::path(dir) / (name + "_gt.png"), cv::IMREAD_GRAYSCALE);
  if (truth.size() != bgr.size()) throw std::runtime_error("the real page " + name + " and its truth differ in size");
  Flyer f;
  f.width = bgr.cols;
  f.height = bgr.rows;
  f.bgr.assign(bgr.data, bgr.data + bgr.total() * 3);
  cv::Mat gray, gray_f;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray_f, CV_32F, 1.0 / 255);
  f.image.assign(gray_f.begin<float>(), gray_f.end<float>());
  f.ink.resize(truth.total());
  std::vector<float> paper(truth.total());  // the truth as a clean page: ink black on white
  for (size_t i = 0; i < truth.total(); ++i) f.ink[i] = truth.data[i] == 0 ? 1.f : 0.f, paper[i] = 1 - f.ink[i];
  f.glyph_size = estimate_glyph_size(paper, f.width, f.height);
  f.dark_ink = true;
  return f;
}

}  // namespace

std::vector<RealPage> load_real_pages(const std::string& dir, const std::string& split_file) {
  const auto split = read_json_file(split_file);
  const auto validation = split.at("validation").get<std::vector<std::string>>();
  std::vector<RealPage> tuning, held;
  for (const auto& [type, names] : split.at("types").items())
    for (const auto& name : names.get<std::vector<std::string>>()) {
      const bool v = std::find(validation.begin(), validation.end(), name) != validation.end();
      (v ? held : tuning).push_back({name, type, v, read_page(dir, name)});
    }
  tuning.insert(tuning.end(), std::make_move_iterator(held.begin()), std::make_move_iterator(held.end()));
  return tuning;
}

}  // namespace tiae
