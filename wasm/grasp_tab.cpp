// Hand in orange, object in blue, as in the evaluation's pictures (native/io/figures.h).
#include "grasp_tab.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>

#include "download_button.h"
#include "nudge.h"
#include "resample.h"
#include "screen.h"

GraspTab grasp;

namespace {

constexpr int kDraw = GraspTab::kDraw, kSide = 32, kPlane = GraspTab::kPlane, kModels = GraspTab::kModels;
const char* kTitles[kModels] = {"ordinary auto-encoder", "TIAE: shift-invariant auto-encoder"};

// Two planes (hand, object) of side x side as an RGBA texture: hand orange, object blue.
void upload_pair(Texture& tex, const float* hand, const float* object, int side, bool smooth) {
  std::vector<unsigned char> rgba(size_t(side) * side * 4);
  for (int i = 0; i < side * side; ++i) {
    const float a = std::clamp(hand[i], 0.f, 1.f), b = std::clamp(object[i], 0.f, 1.f);
    rgba[4 * i] = (unsigned char)std::min(255.f, 255 * a + 40 * b);
    rgba[4 * i + 1] = (unsigned char)std::min(255.f, 140 * a + 120 * b);
    rgba[4 * i + 2] = (unsigned char)std::min(255.f, 30 * a + 255 * b);
    rgba[4 * i + 3] = 255;
  }
  tex.upload_rgba(rgba.data(), side, side, smooth);
}

// After every change of the pair but loading an example: the pair is the visitor's own from
// then on (the page's URL stops naming the example).
void edited() {
  if (grasp.example >= 0) EM_ASM({ Module.tiaeExampleShown(3, -1); });
  grasp.example = -1;
  grasp.dirty = true;
}

void paint(ImVec2 from, ImVec2 to) {
  const float r = grasp.brush, len = std::hypot(to.x - from.x, to.y - from.y);
  const int steps = std::max(1, int(len / (r * 0.25f)));
  auto& plane = grasp.drawing[size_t(grasp.channel)];
  auto& other = grasp.drawing[size_t(1 - grasp.channel)];
  for (int s = 0; s <= steps; ++s) {
    const float cx = from.x + (to.x - from.x) * s / steps, cy = from.y + (to.y - from.y) * s / steps;
    for (int y = std::max(0, int(cy - r - 1)); y < std::min(kDraw, int(cy + r + 2)); ++y)
      for (int x = std::max(0, int(cx - r - 1)); x < std::min(kDraw, int(cx + r + 2)); ++x) {
        const float v = std::clamp(r - std::hypot(x + 0.5f - cx, y + 0.5f - cy) + 0.5f, 0.f, 1.f);
        const size_t i = size_t(y) * kDraw + x;
        plane[i] = std::max(plane[i], v);
        other[i] = std::min(other[i], 1 - v);  // a pixel is hand or object, as in the data
      }
  }
  edited();
}

void request_analysis() {
  if (!grasp.analysis.start()) return;
  EM_ASM({ Module.tiaeAnalyzeGrasp(HEAPF32.slice($0 >> 2, ($0 >> 2) + 2048)); }, grasp.input.data());
}

// The drawing changed: the new 2 x 32 x 32 input, and its analysis (none for a blank one).
void refresh() {
  upload_pair(grasp.drawing_tex, grasp.drawing[0].data(), grasp.drawing[1].data(), kDraw, true);
  for (int c = 0; c < 2; ++c) {
    const auto plane = tiae::resample_area(grasp.drawing[size_t(c)].data(), kDraw, kDraw, kSide);
    std::copy(plane.begin(), plane.end(), grasp.input.begin() + c * kPlane);
  }
  grasp.dirty = false;
  if (grasp.has_ink()) return request_analysis();
  for (auto& r : grasp.results) r.has = false;
}

// The painting area, `side` device px square: a stroke of the chosen brush while the
// button (or finger) is down on it.
void painting_area(float side) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float per_pixel = side / kDraw;  // device px per drawing pixel
  ImGui::InvisibleButton("grasp-canvas", ImVec2(side, side));
  remember("grasp-canvas");
  if (ImGui::IsItemActivated()) grasp.last_pen = ImVec2(-1, -1);
  if (ImGui::IsItemActive()) {
    const ImVec2 pen((ImGui::GetIO().MousePos.x - origin.x) / per_pixel, (ImGui::GetIO().MousePos.y - origin.y) / per_pixel);
    paint(grasp.last_pen.x < 0 ? pen : grasp.last_pen, pen);
    grasp.last_pen = pen;
  }
  if (grasp.dirty) refresh();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddImage(grasp.drawing_tex.imgui(), origin, ImVec2(origin.x + side, origin.y + side));
  dl->AddRect(origin, ImVec2(origin.x + side, origin.y + side), IM_COL32(90, 90, 100, 255));
}

// The nudge buttons and Shift + arrows: both planes moved by whole input pixels.
void nudges() {
  static Nudger nudger;
  for (const auto& [dx, dy] : nudge_controls()) {
    nudger.move(grasp.drawing.data(), 2, kDraw, dx, dy);
    edited();
  }
}

void tools() {
  ImGui::RadioButton("hand", &grasp.channel, 0);
  ImGui::SameLine();
  ImGui::RadioButton("object", &grasp.channel, 1);
  ImGui::SameLine();
  if (ImGui::Button("Clear")) {
    for (auto& plane : grasp.drawing) std::fill(plane.begin(), plane.end(), 0.f);
    edited();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(grasp.examples.empty());
  if (ImGui::Button("Example")) grasp.load_example();
  ImGui::EndDisabled();
  if (!screen.narrow) ImGui::SameLine();
  download_button("grasp-download", grasp.results[1].has, 4,
                  "both models' results as JSON: the 2 x 32 x 32 pair, each model's code, drawing, shift and moved drawing");
  nudges();
}

// What to look for, and the status.
void notes(float width) {
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextDisabled("Move the pair (the arrows above, or Shift + arrow keys): the TIAE's drawing stays put and keeps "
                      "both shapes, while the place it finds follows the pair; the ordinary auto-encoder blurs them.");
  ImGui::TextWrapped("%s", grasp.status.c_str());
  ImGui::PopTextWrapPos();
}

// A model's drawing of the pair and that drawing moved to where the pair is, `image` device
// px each, and where it puts the pair.
void model_answer(int k, float image) {
  const GraspTab::Result& r = grasp.results[size_t(k)];
  const bool narrow = screen.narrow;
  ImGui::BeginGroup();
  ImGui::TextColored(k == 1 ? ImVec4(0.55f, 0.8f, 1, 1) : ImVec4(0.9f, 0.75f, 0.5f, 1), "%s",
                     narrow ? (k == 1 ? "TIAE" : "ordinary AE") : kTitles[k]);
  auto panel = [&](const char* label, const Texture& tex, const char* tip) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(label);
    if (r.has) ImGui::Image(tex.imgui(), ImVec2(image, image));
    else ImGui::Dummy(ImVec2(image, image));
    ImGui::EndGroup();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
  };
  panel(narrow ? "it draws" : "what it draws", r.canonical_tex, "its canonical pair D(E(I)): the decoder's image of the code");
  if (narrow) ImGui::SameLine(0, px(6));
  panel(narrow ? "moved" : "moved to the pair", r.restored_tex, "T(shift) D(E(I)): what it draws, moved by the shift it found");
  if (r.has && k == 1) ImGui::Text(narrow ? "at (%+d, %+d)" : "the pair is at (%+d, %+d)", r.dx, r.dy);
  else if (r.has) ImGui::Text(narrow ? "(%+d, %+d): in place" : "(%+d, %+d): it draws in place", r.dx, r.dy);
  else ImGui::TextUnformatted(narrow ? "paint to start" : "paint a pair to start");
  ImGui::EndGroup();
  remember(k == 0 ? "grasp-model-0" : "grasp-model-1");
}

}  // namespace

bool GraspTab::has_ink() const {
  for (const auto& plane : drawing)
    if (*std::max_element(plane.begin(), plane.end()) > 0) return true;
  return false;
}

void GraspTab::set_result(int model, const float* canonical, const float* restored, int dx_, int dy_) {
  if (model < 0 || model >= kModels || !has_ink()) return;  // a late answer for a drawing since cleared
  Result& r = results[size_t(model)];
  r.canonical.assign(canonical, canonical + 2 * kPlane);
  r.restored.assign(restored, restored + 2 * kPlane);
  r.dx = dx_, r.dy = dy_, r.has = true;
  upload_pair(r.canonical_tex, r.canonical.data(), r.canonical.data() + kPlane, kSide, false);
  upload_pair(r.restored_tex, r.restored.data(), r.restored.data() + kPlane, kSide, false);
}

void GraspTab::analysis_done() {
  if (analysis.finish()) request_analysis();
}

// An example pair drawn into the canvas (nearest neighbour, 7 px per pixel).
void GraspTab::load_example() {
  if (examples.empty()) return;
  example = int(next_example++ % examples.size());
  EM_ASM({ Module.tiaeExampleShown(3, $0); }, example);
  const auto& pair = examples[size_t(example)];
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < kDraw; ++y)
      for (int x = 0; x < kDraw; ++x)
        drawing[size_t(c)][size_t(y) * kDraw + x] = pair[size_t(c) * kPlane + (y * kSide / kDraw) * kSide + x * kSide / kDraw];
  dirty = true;
}

// Wide: the painting with its tools, and each model's column beside it. Narrow (a phone): both
// models' answers beside a smaller painting (the page scrolls beside it), the tools below.
void grasp_tab() {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(screen.narrow ? "Paint a grasp:" : "Paint a hand holding an object");
  painting_area(px(screen.narrow ? 150 : kDraw));
  if (!screen.narrow) {
    tools();
    notes(px(kDraw + 40));
  }
  ImGui::EndGroup();
  if (screen.narrow) {
    ImGui::SameLine(0, px(10));
    ImGui::BeginGroup();
    model_answer(1, px(62));
    ImGui::Spacing();
    model_answer(0, px(62));
    ImGui::EndGroup();
    tools();
    notes(ImGui::GetContentRegionAvail().x);
    return;
  }
  for (int k = 0; k < kModels; ++k) {
    ImGui::SameLine(0, px(28));
    model_answer(k, px(160));
  }
}
