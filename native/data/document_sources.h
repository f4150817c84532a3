// Real documents taken apart for training (docs/method.md, "Real documents"): each tuning
// page of data/real-pages (data/real_pages.h; never a validation page) becomes its paper,
// the page with its ink painted over from around it (cv::inpaint), and its ink, how much of
// the paper's light the ink lets through, per colour, where the truth says ink. Real ink can
// then be laid on other paper, and real paper under other ink: the background-change
// transform of the slides with backgrounds that real documents have (stains, show-through,
// ruled and yellowed paper, uneven scans).
#pragma once
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "data/real_pages.h"

namespace tiae {

struct DocumentSource {
  std::string name;
  cv::Mat paper;    // CV_32FC3, BGR in [0, 1]: the page without its ink
  cv::Mat through;  // CV_32FC3: image / paper where the truth says ink (at most 1), 1 elsewhere
  cv::Mat ink;      // CV_32F in {0, 1}: the truth
  double glyph_size = 0;  // px at this scale, measured from the truth
};

// Sources are kept with glyphs of at most this height (px): larger pages are shrunk.
constexpr double kSourceGlyphSize = 40;

// The sources of the tuning pages of `pages`; validation pages are skipped.
std::vector<DocumentSource> document_sources(const std::vector<RealPage>& pages);

}  // namespace tiae
