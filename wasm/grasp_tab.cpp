// The Grasp tab of the canvas app (wasm/app.cpp): the slides' grasp application. A visitor
// paints a hand and an object with two brushes (or loads an example pair of the test set);
// each change is resampled to a 2 x 32 x 32 pair and handed to the page, which runs
// window.tiae.analyze with both grasp models (ordinary AE, TIAE) and hands back their
// canonical pairs and estimated shifts. Hand in orange, object in blue, as in the
// evaluation's pictures (native/io/figures.h).
#include "grasp_tab.h"

#include <GLES3/gl3.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "imgui.h"
#include "resample.h"
#include "screen.h"

namespace {

constexpr int kDraw = 224, kSide = 32, kPlane = kSide * kSide, kModels = 2;
const char* kTitles[kModels] = {"ordinary auto-encoder", "shift-invariant auto-encoder (TIAE)"};

struct Result {
  bool has = false;
  std::vector<float> canonical = std::vector<float>(2 * kPlane), restored = canonical;
  int dx = 0, dy = 0;
  GLuint canonical_tex = 0, restored_tex = 0;
};

struct GraspView {
  std::array<std::vector<float>, 2> drawing{std::vector<float>(kDraw * kDraw), std::vector<float>(kDraw * kDraw)};
  std::vector<float> input = std::vector<float>(2 * kPlane);
  int channel = 0;  // the brush: 0 hand, 1 object
  float brush = 9.f;
  bool dirty = true, in_flight = false, pending = false;
  ImVec2 last_pen{-1, -1};
  GLuint drawing_tex = 0;
  std::array<Result, kModels> results;
  std::vector<std::vector<float>> examples;  // 2 x 32 x 32 pairs of the test set
  size_t next_example = 0;
  std::string status = "paint a hand (orange) around an object (blue), or load an example";
};
GraspView grasp;

// Two planes (hand, object) of side x side as an RGBA texture: hand orange, object blue.
void upload_pair(GLuint& id, const float* hand, const float* object, int side, bool smooth) {
  std::vector<unsigned char> rgba(size_t(side) * side * 4);
  for (int i = 0; i < side * side; ++i) {
    const float a = std::clamp(hand[i], 0.f, 1.f), b = std::clamp(object[i], 0.f, 1.f);
    rgba[4 * i] = (unsigned char)std::min(255.f, 255 * a + 40 * b);
    rgba[4 * i + 1] = (unsigned char)std::min(255.f, 140 * a + 120 * b);
    rgba[4 * i + 2] = (unsigned char)std::min(255.f, 30 * a + 255 * b);
    rgba[4 * i + 3] = 255;
  }
  if (!id) glGenTextures(1, &id);
  glBindTexture(GL_TEXTURE_2D, id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, smooth ? GL_LINEAR : GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, smooth ? GL_LINEAR : GL_NEAREST);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, side, side, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
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
  grasp.dirty = true;
}

bool has_ink() {
  for (const auto& plane : grasp.drawing)
    if (*std::max_element(plane.begin(), plane.end()) > 0) return true;
  return false;
}

void request_analysis() {
  if (grasp.in_flight) {
    grasp.pending = true;
    return;
  }
  grasp.in_flight = true;
  grasp.pending = false;
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
  if (has_ink()) return request_analysis();
  for (auto& r : grasp.results) r.has = false;
}

// An example pair drawn into the canvas (nearest neighbour, 7 px per pixel).
void load_example() {
  if (grasp.examples.empty()) return;
  const auto& pair = grasp.examples[grasp.next_example++ % grasp.examples.size()];
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < kDraw; ++y)
      for (int x = 0; x < kDraw; ++x)
        grasp.drawing[size_t(c)][size_t(y) * kDraw + x] = pair[size_t(c) * kPlane + (y * kSide / kDraw) * kSide + x * kSide / kDraw];
  grasp.dirty = true;
}

void drawing_column() {
  ImGui::BeginGroup();
  ImGui::TextUnformatted("Paint a hand holding an object");
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float side = px(kDraw), per_pixel = side / kDraw;  // device px per drawing pixel
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
  dl->AddImage((ImTextureID)(intptr_t)grasp.drawing_tex, origin, ImVec2(origin.x + side, origin.y + side));
  dl->AddRect(origin, ImVec2(origin.x + side, origin.y + side), IM_COL32(90, 90, 100, 255));
  ImGui::RadioButton("hand", &grasp.channel, 0);
  ImGui::SameLine();
  ImGui::RadioButton("object", &grasp.channel, 1);
  ImGui::SameLine();
  if (ImGui::Button("Clear")) {
    for (auto& plane : grasp.drawing) std::fill(plane.begin(), plane.end(), 0.f);
    grasp.dirty = true;
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(grasp.examples.empty());
  if (ImGui::Button("Example")) load_example();
  ImGui::EndDisabled();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side + px(40));
  ImGui::TextDisabled("Move the pair around: the TIAE's canonical pair stays put and keeps both shapes, while its "
                      "estimated shift follows; the ordinary auto-encoder blurs them.");
  ImGui::TextWrapped("%s", grasp.status.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

void model_column(int k) {
  const Result& r = grasp.results[size_t(k)];
  ImGui::BeginGroup();
  ImGui::TextColored(k == 1 ? ImVec4(0.55f, 0.8f, 1, 1) : ImVec4(0.9f, 0.75f, 0.5f, 1), "%s", kTitles[k]);
  ImGui::TextUnformatted("canonical pair D(E(I))");
  if (r.has) ImGui::Image((ImTextureID)(intptr_t)r.canonical_tex, px(160, 160));
  else ImGui::Dummy(px(160, 160));
  ImGui::TextUnformatted("moved by the estimated shift");
  if (r.has) ImGui::Image((ImTextureID)(intptr_t)r.restored_tex, px(160, 160));
  else ImGui::Dummy(px(160, 160));
  if (r.has) ImGui::Text("estimated shift (%+d, %+d)", r.dx, r.dy);
  ImGui::EndGroup();
}

}  // namespace

void grasp_tab() {
  drawing_column();
  for (int k = 0; k < kModels; ++k) {
    if (screen.narrow) ImGui::Spacing();  // narrow: one under the other
    else ImGui::SameLine(0, px(28));
    model_column(k);
  }
}

extern "C" {

// A grasp model's answer (0: AE, 1: TIAE): canonical and restored pairs, 2 x 32 x 32 each.
EMSCRIPTEN_KEEPALIVE void app_grasp_result(int model, const float* canonical, const float* restored, int dx, int dy) {
  if (model < 0 || model >= kModels || !has_ink()) return;  // a late answer for a drawing since cleared
  Result& r = grasp.results[size_t(model)];
  r.canonical.assign(canonical, canonical + 2 * kPlane);
  r.restored.assign(restored, restored + 2 * kPlane);
  r.dx = dx, r.dy = dy, r.has = true;
  upload_pair(r.canonical_tex, r.canonical.data(), r.canonical.data() + kPlane, kSide, false);
  upload_pair(r.restored_tex, r.restored.data(), r.restored.data() + kPlane, kSide, false);
}
EMSCRIPTEN_KEEPALIVE void app_grasp_done() {
  grasp.in_flight = false;
  if (grasp.pending) request_analysis();
}
EMSCRIPTEN_KEEPALIVE void app_grasp_example(const float* pair) { grasp.examples.emplace_back(pair, pair + 2 * kPlane); }
EMSCRIPTEN_KEEPALIVE void app_grasp_status(const char* text) { grasp.status = text; }
// For tests: load example i into the canvas, as the Example button does; the shift the
// TIAE estimated last (dx * 100 + dy), or -9999 before any answer.
EMSCRIPTEN_KEEPALIVE int app_grasp_load_example(int i) {
  grasp.next_example = size_t(std::max(0, i));
  load_example();
  return int(grasp.examples.size());
}
EMSCRIPTEN_KEEPALIVE int app_grasp_tiae_shift() {
  const Result& r = grasp.results[1];
  return r.has ? r.dx * 100 + r.dy : -9999;
}

}  // extern "C"
