#include "image_tab.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>

#include "extract.h"
#include "screen.h"

long WorkEstimate::windows(float full_w, float full_h, float glyph_size, int stride, int reach) const {
  const float scale = model_glyph_size / glyph_size;
  if (reach > 0) {  // as the core places them
    const auto o = tiae::convolutional_windows({}, reach);
    auto along = [&](float side) { return long(tiae::windows_along(int(std::max(1.f, std::round(side * scale))), o.patch, o.stride)); };
    return along(full_w) * along(full_h);
  }
  auto along = [&](float side) { return long(std::max(1.f, std::ceil(side * scale / float(stride)))); };
  return along(full_w) * along(full_h);
}

Placement fitted_image(const Texture& tex, int w, int h, ImVec2 box, const char* empty_text) {
  Placement placed;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + box.x, p0.y + box.y), IM_COL32(20, 20, 24, 255));
  if (tex && w > 0 && h > 0) {
    const float scale = std::min(box.x / w, box.y / h);
    const ImVec2 size(w * scale, h * scale), at(p0.x + (box.x - size.x) / 2, p0.y + (box.y - size.y) / 2);
    dl->AddImage(tex.imgui(), at, ImVec2(at.x + size.x, at.y + size.y));
    placed = {at, scale};
  } else {
    const ImVec2 t = ImGui::CalcTextSize(empty_text);
    dl->AddText(ImVec2(p0.x + (box.x - t.x) / 2, p0.y + (box.y - t.y) / 2), IM_COL32(140, 140, 150, 255), empty_text);
  }
  dl->AddRect(p0, ImVec2(p0.x + box.x, p0.y + box.y), IM_COL32(90, 90, 100, 255));
  ImGui::Dummy(box);
  return placed;
}

void glyph_box(const Placement& p, float glyph_size, float preview_w, float full_w) {
  if (p.scale <= 0 || full_w <= 0) return;
  const float side = glyph_size * p.scale * preview_w / full_w, m = px(6);
  const ImVec2 a(p.at.x + m, p.at.y + m), b(a.x + side, a.y + side);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(a, b, IM_COL32(255, 230, 0, 255), 0, 0, px(2));
  dl->AddText(ImVec2(b.x + px(4), a.y), IM_COL32(255, 230, 0, 255), "glyph size");
}

ImVec2 pane_size(int panes, float aspect) {
  const float avail_w = ImGui::GetContentRegionAvail().x;
  if (screen.narrow) return ImVec2(avail_w, std::clamp(avail_w * aspect, px(120), px(420)));
  return ImVec2((avail_w - px(16) * (panes - 1)) / panes, std::max(px(120), ImGui::GetContentRegionAvail().y - px(24)));
}

void next_pane() {
  if (!screen.narrow) ImGui::SameLine(0, px(16));
}

std::string field(const char* label, float width) {
  if (!screen.narrow) {
    ImGui::SetNextItemWidth(px(width));
    return label;
  }
  ImGui::TextUnformatted(label);
  ImGui::SetNextItemWidth(-FLT_MIN);
  return std::string("##") + label;
}

void estimate_line(const WorkEstimate& e, float full_w, float full_h, float glyph_size, int stride, int reach) {
  if (full_w <= 0) return;
  const long n = e.windows(full_w, full_h, glyph_size, stride, reach);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  if (e.rate(reach) > 0) ImGui::TextWrapped("about %ld windows: about %.0f s on this device", n, std::ceil(n / e.rate(reach)));
  else ImGui::TextWrapped("about %ld windows (the time is estimated once the model has run)", n);
  ImGui::PopStyleColor();
}

void progress(float fraction) { ImGui::ProgressBar(fraction, ImVec2(screen.narrow ? -FLT_MIN : px(260), 0)); }

void message_line(const std::string& message, bool failed) {
  if (message.empty()) return;
  if (failed) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.4f, 1));
  ImGui::TextWrapped("%s", message.c_str());
  if (failed) ImGui::PopStyleColor();
}

void source_controls(int which, float& glyph_size, int& stride, int min_stride, int max_stride, int reach) {
  const bool photo = which == 0;
  if (ImGui::Button(photo ? "Open photo..." : "Open page...")) EM_ASM({ ($0 ? Module.tiaeOpenPage : Module.tiaeOpenPhoto)(); }, which);
  ImGui::SameLine();
  if (ImGui::Button(photo ? "Example photo" : "Example page")) EM_ASM({ Module.tiaeExample($0); }, which);
  remember(photo ? "extract-example" : "document-example");
  if (!screen.narrow) ImGui::SameLine();
  ImGui::TextDisabled("or drop an image file on the page");
  ImGui::SliderFloat(field(photo ? "glyph size (px of the photo's capitals)" : "glyph size (px of the page's capitals)").c_str(),
                     &glyph_size, 6.f, 200.f, "%.0f px", ImGuiSliderFlags_Logarithmic);
  if (reach <= 0) {
    ImGui::SliderInt(field("stride (px between windows)").c_str(), &stride, min_stride, max_stride);
    return;
  }
  int own = tiae::convolutional_windows({}, reach).stride;
  ImGui::BeginDisabled();
  ImGui::SliderInt(field("stride (px between windows)").c_str(), &own, 1, tiae::kConvPatch, "%d px");
  ImGui::EndDisabled();
  const bool hovered = ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled);
  if (!screen.narrow) ImGui::SameLine();
  ImGui::TextDisabled("the model runs on whole %d px windows", tiae::kConvPatch);
  if (hovered || ImGui::IsItemHovered())
    ImGui::SetTooltip("a fully convolutional model: a window's outputs within its reach (%d px) of the border are left "
                      "out, so the windows overlap by twice that; the stride follows", reach);
}
