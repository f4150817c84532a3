#include "glyph_search.h"

#include <algorithm>
#include <cmath>

namespace tiae {

std::vector<double> glyph_size_candidates(int width, int height) {
  const double largest = std::max(12.0, std::min(width, height) / 8.0);
  std::vector<double> sizes;
  for (double g = 12; g <= largest * 1.0001; g *= 1.25) sizes.push_back(g);
  return sizes;
}

std::vector<int> coarse_candidate_indices(int n) {
  std::vector<int> k;
  for (int i = 0; i < n; i += 2) k.push_back(i);
  return k;
}

namespace {
std::vector<int> refining_candidate_indices(int best, int n) {  // best's neighbours that exist
  std::vector<int> k;
  for (const int i : {best - 1, best + 1})
    if (i >= 0 && i < n) k.push_back(i);
  return k;
}
}  // namespace

int search_candidates(int n, const std::function<double(int)>& score) {
  int best = 0;
  double best_score = -1;
  const auto consider = [&](int k) {
    const double s = score(k);
    if (s > best_score) best_score = s, best = k;
  };
  for (const int k : coarse_candidate_indices(n)) consider(k);
  for (const int k : refining_candidate_indices(best, n)) consider(k);
  return best;
}

CropBox search_crop(int width, int height, double glyph_size, double model_glyph_size) {
  const double scale = model_glyph_size / glyph_size;
  const double shrink = std::min(1.0, std::sqrt(kSearchPixels / (double(width) * height * scale * scale)));
  CropBox box;
  box.width = std::clamp(int(std::lround(width * shrink)), 1, width);
  box.height = std::clamp(int(std::lround(height * shrink)), 1, height);
  box.x = (width - box.width) / 2;
  box.y = (height - box.height) / 2;
  return box;
}

std::vector<float> crop_planes(const std::vector<float>& planes, int width, int height, int channels, const CropBox& box) {
  std::vector<float> out;
  out.reserve(size_t(box.width) * box.height * channels);
  for (int c = 0; c < channels; ++c)
    for (int y = box.y; y < box.y + box.height; ++y) {
      const auto row = planes.begin() + (size_t(c) * height + y) * width + box.x;
      out.insert(out.end(), row, row + box.width);
    }
  return out;
}

double ink_decidedness(const std::vector<float>& calibrated) {
  long sure = 0, unsure = 0;
  for (const float v : calibrated) sure += v >= kSureInk, unsure += v >= kUnsureInk && v < kSureInk;
  return double(sure) / double(std::max(unsure, 1L));
}

}  // namespace tiae
