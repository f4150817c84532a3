// Real document pages with hand-made ink masks (data/real-pages: DIBCO 2009-2018, the Bickley
// diary, Persian manuscripts, Nabuco, the Monk Cuper Set; sources and terms in its README),
// split once into a tuning part, which models and settings are chosen on, and a validation
// part, which is only reported (configs/real-pages-split.json, fixed before any score).
#pragma once
#include <string>
#include <vector>

#include "data/flyers.h"

namespace tiae {

struct RealPage {
  std::string name, type;  // type: handwritten, printed or photographed
  bool validation = false;
  Flyer page;  // gray (luma), bgr as stored, ink = the truth (1 where the mask says ink); dark ink
};

// The folder data/real-pages of the project (TIAE_REAL_PAGES names another), or "" when
// there is none.
std::string find_real_pages();
// The split file configs/real-pages-split.json of the project.
std::string find_real_pages_split();

// Every page of the split that `dir` holds, tuning pages first, in the split's order. Each
// page's glyph size is measured from its truth (estimate_glyph_size over the clean mask), for
// training only: the extraction is never told it. Throws naming a missing or unreadable file.
std::vector<RealPage> load_real_pages(const std::string& dir, const std::string& split_file);

}  // namespace tiae
