// `tiae eval` on the real pages (data/real_pages.h): binarizations scored as the DIBCO
// competitions score them (FM, ink IoU, PSNR per page), means over the tuning part, the
// validation part and each page type of the validation part. The classical baselines are
// told that the ink is dark; the models are not told its polarity nor the glyph size.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/real_pages.h"
#include "evaluate/binarize.h"

namespace tiae {

using PageMask = std::function<std::vector<float>(const RealPage&)>;  // 1 where ink

// Each page's scores and their means: {"per_page": {name: {fm, iou, psnr}}, "tuning": {...},
// "validation": {...}, "validation_by_type": {type: {...}}}. `masks` gets each page's mask.
nlohmann::json score_real_pages(const std::vector<RealPage>& pages, const PageMask& mask,
                                std::vector<std::vector<float>>* masks = nullptr);

// Sauvola's parameters with the best mean FM over the tuning part (never the validation part).
SauvolaParameters tune_sauvola_on_real_pages(const std::vector<RealPage>& pages);

// The output level over which a model's soft map (calibrated: its card's threshold at 0.5) is
// ink, with the best mean FM over the tuning part: 0.3 ... 0.7 in steps of 0.025.
double tune_real_page_threshold(const std::vector<RealPage>& pages, const std::vector<std::vector<float>>& soft);

// One line of a table: a method's mean FM over the tuning part and per type. The validation
// part's are in the JSON only: they are read once, when a model is released.
std::string real_page_line(const std::string& name, const nlohmann::json& scores);

}  // namespace tiae
