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

namespace {

constexpr float kMaxZoom = 16;

// A drag moves the image with the pointer; the wheel zooms keeping the point under it still.
void zoom_input(Zoom& zoom, ImVec2 p0, ImVec2 size, ImVec2 shown) {
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemActive() && zoom.factor > 1) {
    zoom.centre.x -= io.MouseDelta.x / shown.x;
    zoom.centre.y -= io.MouseDelta.y / shown.y;
  }
  if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
    const float old = zoom.factor;
    zoom.factor = std::clamp(old * std::pow(1.25f, io.MouseWheel), 1.f, kMaxZoom);
    // the image point under the pointer, before and after: the centre moves by the difference
    const ImVec2 off((io.MousePos.x - (p0.x + size.x / 2)) / shown.x, (io.MousePos.y - (p0.y + size.y / 2)) / shown.y);
    const float k = 1 - old / zoom.factor;
    zoom.centre.x += off.x * k, zoom.centre.y += off.y * k;
  }
  zoom.centre.x = std::clamp(zoom.centre.x, 0.f, 1.f);
  zoom.centre.y = std::clamp(zoom.centre.y, 0.f, 1.f);
}

}  // namespace

Placement zoomed_image(const char* name, const Texture& tex, int w, int h, ImVec2 box, const char* empty_text, Zoom& zoom) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1(p0.x + box.x, p0.y + box.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, p1, IM_COL32(20, 20, 24, 255));
  ImGui::InvisibleButton(name, box);
  remember((std::string("pane-") + name).c_str());
  Placement placed;
  if (tex && w > 0 && h > 0) {
    const float fit = std::min(box.x / w, box.y / h);
    const ImVec2 shown(w * fit * zoom.factor, h * fit * zoom.factor);
    zoom_input(zoom, p0, box, shown);
    if (zoom.factor > 1) remember((std::string("pan-") + name).c_str());
    const ImVec2 at(p0.x + box.x / 2 - zoom.centre.x * shown.x, p0.y + box.y / 2 - zoom.centre.y * shown.y);
    placed = {at, fit * zoom.factor, ImVec2(std::max(p0.x, at.x), std::max(p0.y, at.y)),
              ImVec2(std::min(p1.x, at.x + shown.x), std::min(p1.y, at.y + shown.y))};
    dl->PushClipRect(p0, p1, true);
    dl->AddImage(tex.imgui(), at, ImVec2(at.x + shown.x, at.y + shown.y));
    dl->PopClipRect();
  } else {
    const ImVec2 t = ImGui::CalcTextSize(empty_text);
    dl->AddText(ImVec2(p0.x + (box.x - t.x) / 2, p0.y + (box.y - t.y) / 2), IM_COL32(140, 140, 150, 255), empty_text);
  }
  dl->AddRect(p0, p1, IM_COL32(90, 90, 100, 255));
  return placed;
}

void zoom_controls(Zoom& zoom) {
  ImGui::SetNextItemWidth(px(screen.narrow ? 140 : 160));
  ImGui::SliderFloat("zoom", &zoom.factor, 1, kMaxZoom, "%.1fx", ImGuiSliderFlags_Logarithmic);
  remember("zoom");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("drag a picture to move it; Ctrl + wheel over it zooms there");
  ImGui::SameLine();
  ImGui::BeginDisabled(zoom.factor == 1);
  if (ImGui::Button("Whole image")) zoom = Zoom{};
  ImGui::EndDisabled();
}

void glyph_box(const Placement& p, float glyph_size, float preview_w, float full_w) {
  if (p.scale <= 0 || full_w <= 0) return;
  const float side = glyph_size * p.scale * preview_w / full_w, m = px(6);
  const ImVec2 a(p.at.x + m, p.at.y + m), b(a.x + side, a.y + side);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p.clip_min, p.clip_max, true);  // never over a neighbouring pane
  dl->AddRect(a, b, IM_COL32(0, 0, 0, 255), 0, 0, px(4));
  dl->AddRect(a, b, IM_COL32(255, 230, 0, 255), 0, 0, px(2));
  const char* label = "glyph size";
  const ImVec2 t = ImGui::CalcTextSize(label), at(b.x + px(5), a.y);
  const ImVec2 back_min(at.x - px(3), at.y - px(1)), back_max(at.x + t.x + px(3), at.y + t.y + px(1));
  dl->AddRectFilled(back_min, back_max, IM_COL32(0, 0, 0, 210), px(3));
  dl->AddText(at, IM_COL32(255, 230, 0, 255), label);
  dl->PopClipRect();
  remember_rect("glyph-label", back_min, back_max);
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
  if (e.rate(reach) > 0)
    ImGui::TextWrapped("at %.0f px: about %ld windows, about %.0f s on this device", glyph_size, n, std::ceil(n / e.rate(reach)));
  else ImGui::TextWrapped("at %.0f px: about %ld windows (the time is estimated once the model has run)", glyph_size, n);
  ImGui::PopStyleColor();
}

void progress(float fraction) { ImGui::ProgressBar(fraction, ImVec2(screen.narrow ? -FLT_MIN : px(260), 0)); }

void message_line(const std::string& message, bool failed) {
  if (message.empty()) return;
  if (failed) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.4f, 1));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::min(ImGui::GetContentRegionAvail().x, px(640)));
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopTextWrapPos();
  if (failed) ImGui::PopStyleColor();
}

void source_controls(int which, float& glyph_size, bool locked) {
  const bool photo = which == 0;
  ImGui::BeginDisabled(locked);
  if (ImGui::Button(photo ? "Open photo..." : "Open page...")) EM_ASM({ ($0 ? Module.tiaeOpenPage : Module.tiaeOpenPhoto)(); }, which);
  ImGui::SameLine();
  if (ImGui::Button(photo ? "Example photo" : "Example page")) EM_ASM({ Module.tiaeExample($0); }, which);
  remember(photo ? "extract-example" : "document-example");
  if (!screen.narrow) ImGui::SameLine();
  ImGui::TextDisabled("or drop an image file on the page");
  ImGui::SliderFloat(field(photo ? "glyph size (px of the photo's capitals)" : "glyph size (px of the page's capitals)").c_str(),
                     &glyph_size, 6.f, 200.f, "%.0f px", ImGuiSliderFlags_Logarithmic);
  remember(photo ? "extract-glyph-size" : "document-glyph-size");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("the height of the writing's capitals in pixels of the image: the image is rescaled so that they "
                      "come out at the size the model was trained on");
}

bool run_controls(int which, const char* label, const char* name, bool busy, const char* why_not) {
  const std::string id(name);
  ImGui::BeginDisabled(busy || why_not);
  const bool run = ImGui::Button(label);
  ImGui::EndDisabled();
  remember((id + "-button").c_str());
  ImGui::SameLine(0, px(24));
  ImGui::BeginDisabled(!busy);
  if (ImGui::Button("Cancel")) EM_ASM({ Module.tiaeCancel($0); }, which);
  ImGui::EndDisabled();
  remember((id + "-cancel").c_str());
  if (why_not && !busy) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", why_not);
  }
  return run;
}
