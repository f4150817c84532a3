#include "evaluate/real_page_scores.h"

#include <fmt/core.h>

#include "evaluate/metrics.h"

namespace tiae {

namespace {

nlohmann::json mean_of(const nlohmann::json& per_page, const std::vector<const RealPage*>& pages) {
  double fm = 0, iou = 0, psnr = 0;
  for (const auto* p : pages) {
    const auto& s = per_page.at(p->name);
    fm += s["fm"].get<double>(), iou += s["iou"].get<double>(), psnr += s["psnr"].get<double>();
  }
  const double n = double(std::max<size_t>(1, pages.size()));
  return {{"fm", fm / n}, {"iou", iou / n}, {"psnr", psnr / n}, {"pages", pages.size()}};
}

std::vector<const RealPage*> part(const std::vector<RealPage>& pages, bool validation, const std::string& type = "") {
  std::vector<const RealPage*> out;
  for (const auto& p : pages)
    if (p.validation == validation && (type.empty() || p.type == type)) out.push_back(&p);
  return out;
}

double mean_tuning_fm(const std::vector<RealPage>& pages, const std::function<std::vector<float>(size_t)>& mask_of) {
  double fm = 0;
  int n = 0;
  for (size_t i = 0; i < pages.size(); ++i)
    if (!pages[i].validation) {
      const auto m = mask_of(i);
      fm += binarization_scores(m.data(), pages[i].page.ink.data(), m.size()).fm, ++n;
    }
  return fm / std::max(1, n);
}

}  // namespace

nlohmann::json score_real_pages(const std::vector<RealPage>& pages, const PageMask& mask, std::vector<std::vector<float>>* masks) {
  nlohmann::json per_page = nlohmann::json::object();
  for (const auto& p : pages) {
    auto m = mask(p);
    const auto s = binarization_scores(m.data(), p.page.ink.data(), m.size());
    per_page[p.name] = {{"fm", s.fm}, {"iou", s.iou}, {"psnr", s.psnr}, {"type", p.type}, {"validation", p.validation}};
    if (masks) masks->push_back(std::move(m));
  }
  nlohmann::json j = {{"per_page", per_page}, {"tuning", mean_of(per_page, part(pages, false))},
                      {"validation", mean_of(per_page, part(pages, true))}, {"validation_by_type", nlohmann::json::object()}};
  for (const char* type : {"handwritten", "printed", "photographed"})
    j["validation_by_type"][type] = mean_of(per_page, part(pages, true, type));
  return j;
}

SauvolaParameters tune_sauvola_on_real_pages(const std::vector<RealPage>& pages) {
  SauvolaParameters best;
  double best_fm = -1;
  for (int window : {15, 25, 41, 61, 91, 131, 181})
    for (double k : {0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5}) {
      const double fm = mean_tuning_fm(pages, [&](size_t i) {
        const auto& f = pages[i].page;
        return sauvola_ink(f.image, f.width, f.height, true, {window, k});
      });
      if (fm > best_fm) best_fm = fm, best = {window, k};
    }
  return best;
}

double tune_real_page_threshold(const std::vector<RealPage>& pages, const std::vector<std::vector<float>>& soft) {
  double best = 0.5, best_fm = -1;
  for (int step = 0; step <= 16; ++step) {
    const float t = 0.3f + 0.025f * float(step);
    double fm = 0;
    int n = 0;
    for (size_t i = 0; i < pages.size(); ++i)
      if (!pages[i].validation) fm += binarization_scores(soft[i].data(), pages[i].page.ink.data(), soft[i].size(), t).fm, ++n;
    if (fm / std::max(1, n) > best_fm) best_fm = fm / std::max(1, n), best = t;
  }
  return best;
}

std::string real_page_line(const std::string& name, const nlohmann::json& s) {
  const auto tuning = [&](const char* type) {
    double fm = 0;
    int n = 0;
    for (const auto& [page, p] : s["per_page"].items())
      if (!p["validation"].get<bool>() && p["type"] == type) fm += p["fm"].get<double>(), ++n;
    return fm / std::max(1, n);
  };
  return fmt::format("{:<34} FM tuning {:5.1f} (handwritten {:5.1f}, printed {:5.1f}, photographed {:5.1f})", name,
                     s["tuning"]["fm"].get<double>(), tuning("handwritten"), tuning("printed"), tuning("photographed"));
}

}  // namespace tiae
