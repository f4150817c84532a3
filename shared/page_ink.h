// A page's writing as ink, white on black as the document model's glyphs (document.h):
// how much darker than its paper each pixel is, with a dead zone that grows with the
// paper's grain, so that bare paper, however grainy, stained or unevenly lit, is no ink.
//   paper(x)  local paper brightness: the largest value of the gray smoothed by a Gaussian
//             of σ 1.5 px within a (2r+1)-square box, then averaged over the same box (the
//             smoothing keeps grain from raising it, the average keeps it from stepping);
//   d(x)      (paper − gray) / max(paper, 0.2): how much darker, relative to the paper;
//   grain     1.4826 × the median absolute deviation of d − (d smoothed by σ 2 px), over
//             the page: the spread of fine grain (writing, a minority, barely moves it);
//   dead zone z = max(0.1, median(d) + 4 grain): as dark as paper gets;
//   ink(x)    clamp((d − z) / max(0.1, 0.7 − z), 0, 1)   (70 % darker than paper is full ink).
// On clean paper z is 0.1: 10 % darker is still paper. Borders are replicated. Hand-written
// for the wasm core; tests/test_page_ink.cpp checks it against the same steps in OpenCV.
#pragma once
#include <vector>

namespace tiae {

struct PageInk {
  std::vector<float> ink;  // width x height, in [0, 1]
  float dead_zone = 0;     // z above
};

// `gray`: width x height in [0, 1], dark writing on lighter paper; `radius` r of the
// paper's box (at least as large as a glyph's thickest stroke).
PageInk page_ink(const std::vector<float>& gray, int width, int height, int radius);

}  // namespace tiae
