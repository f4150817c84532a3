// The glyph size chosen by the model (docs/method.md, "Glyph size chosen by the model"):
// the extractor runs on a centre crop of the image at some of the candidate sizes, and the
// size at which its calibrated output is most decided (much ink over 0.78 for little in
// between) wins. It needs the network, so callers run it: natively (native/model/
// foreground.cpp) and in the page (web/tiae.js), both with these pieces.
#pragma once
#include <functional>
#include <vector>

namespace tiae {

// Candidate glyph sizes: 12 px times powers of 1.25, up to an eighth of the shorter side.
std::vector<double> glyph_size_candidates(int width, int height);

// The search over n candidates: every other one (0, 2, 4, ...), then the two neighbours of
// the best of those; of equal scores, the first tried wins. When the scores rise to one
// peak and fall (as on all 55 tuning pages read at every size), it finds the best of all n
// with about half the runs. Returns the index chosen; `score(k)` is called once per
// candidate tried.
std::vector<int> coarse_candidate_indices(int n);
int search_candidates(int n, const std::function<double(int)>& score);

// The centre crop (the image's aspect) whose rescaled size, for characters of glyph_size
// px made model_glyph_size, is at most kSearchPixels: a few of a convolutional model's
// windows per candidate, whatever the photo's size.
constexpr double kSearchPixels = 150'000;
struct CropBox {
  int x = 0, y = 0, width = 0, height = 0;
};
CropBox search_crop(int width, int height, double glyph_size, double model_glyph_size);

// The box of `channels` planes of width x height values, plane after plane.
std::vector<float> crop_planes(const std::vector<float>& planes, int width, int height, int channels, const CropBox& box);

// How decided a calibrated output is: pixels at or over kSureInk over those in
// [kUnsureInk, kSureInk) (counted as 1 when there are none).
constexpr float kSureInk = 0.78f, kUnsureInk = 0.16f;
double ink_decidedness(const std::vector<float>& calibrated);

}  // namespace tiae
