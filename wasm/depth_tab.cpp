#include "depth_tab.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>

#include "hand_model.h"
#include "imgui.h"
#include "download_button.h"
#include "nudge.h"
#include "screen.h"

DepthTab depth;

namespace {

constexpr int kSide = DepthTab::kSide, kModels = DepthTab::kModels;
const char* kNames[kModels] = {"PCA", "TIAE"};
const ImVec4 kColours[kModels] = {ImVec4(0.9f, 0.75f, 0.5f, 1), ImVec4(0.55f, 0.8f, 1, 1)};

// The frame `w` device px wide, the hand's window outlined on it.
void frame_view(float w) {
  const float h = w * 3 / 4;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  if (!depth.has_frame) {
    ImGui::Dummy(ImVec2(w, h));
    ImGui::GetWindowDrawList()->AddRect(at, ImVec2(at.x + w, at.y + h), IM_COL32(90, 90, 100, 255));
    return;
  }
  const float scale = std::min(w / float(depth.width), h / float(depth.height));
  const ImVec2 size(depth.width * scale, depth.height * scale);
  ImGui::Image(depth.frame_tex.imgui(), size);
  remember("depth-frame");
  const ImVec2 a(at.x + depth.window_x0 * scale, at.y + depth.window_y0 * scale);
  ImGui::GetWindowDrawList()->AddRect(a, ImVec2(a.x + depth.window_side * scale, a.y + depth.window_side * scale),
                                      IM_COL32(255, 200, 60, 255), 0, 0, px(2));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the depth frame, nearer brighter; the box: the hand's crop, 26 cm at the hand's depth");
}

// An image of the model's, or an empty box of the same size.
void panel(const char* label, const Texture& tex, bool has, float side, const char* tip) {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(label);
  if (has) ImGui::Image(tex.imgui(), ImVec2(side, side));
  else ImGui::Dummy(ImVec2(side, side));
  ImGui::EndGroup();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
}

// The robot hand posed by a model's angles: the hand model's bones as sticks, nearer brighter.
void robot_hand(int k, float side) {
  const DepthTab::Result& r = depth.results[size_t(k)];
  ImGui::BeginGroup();
  ImGui::TextUnformatted("robot hand");
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(at, ImVec2(at.x + side, at.y + side), IM_COL32(12, 12, 16, 255));
  if (r.has && int(r.angles.size()) == tiae::kHandJoints) {
    // The drawing's box spans 45 cm; the hand is shown 1.35 times larger, the forearm cut.
    constexpr float kZoom = 1.35f;
    const auto to = [&](float x, float y) { return ImVec2(at.x + (0.5f + (x - 0.5f) * kZoom) * side, at.y + (0.5f + (y - 0.5f) * kZoom) * side); };
    const ImVec4 c = kColours[k];
    dl->PushClipRect(at, ImVec2(at.x + side, at.y + side), true);
    for (const auto& l : tiae::robot_hand_drawing(r.angles.data())) {
      const float level = 1 - 0.6f * l.depth, width = l.width * side * kZoom;
      const ImU32 col = ImGui::GetColorU32(ImVec4(c.x * level, c.y * level, c.z * level, 1));
      dl->AddLine(to(l.x0, l.y0), to(l.x1, l.y1), col, std::max(1.f, width));
      if (l.joint_dot) dl->AddCircleFilled(to(l.x1, l.y1), width * 0.75f, col);
    }
    dl->PopClipRect();
  }
  ImGui::EndGroup();
  remember(k == 0 ? "depth-robot-0" : "depth-robot-1");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("posed by the 20 joint angles that a small network reads from %s's code", kNames[k]);
}

// A model's row: what it restores (the TIAE: also its drawing before the shift), its error
// and its robot hand.
void model_row(int k, float image, float hand) {
  const DepthTab::Result& r = depth.results[size_t(k)];
  ImGui::TextColored(kColours[k], "%s", k == 1 ? (screen.narrow ? "TIAE" : "TIAE: shift-invariant auto-encoder")
                                               : (screen.narrow ? "PCA" : "PCA, 30 components (the slides' baseline)"));
  ImGui::BeginGroup();
  if (k == 1) {
    panel("it draws", r.canonical_tex, r.has, image, "its canonical image D(E(I)): the decoder's image of the code");
    ImGui::SameLine(0, px(8));
  }
  panel(k == 1 ? "moved to the hand" : "restored", r.restored_tex, r.has, image,
        k == 1 ? "what it draws, moved by the shift it found" : "PCA's restoration: it must follow the hand by itself");
  ImGui::EndGroup();
  ImGui::SameLine(0, px(8));
  robot_hand(k, hand);
  if (!r.has) ImGui::TextUnformatted(" ");
  else if (k == 1) ImGui::Text("error %.2f, hand at (%+d, %+d)", r.error, r.dx, r.dy);
  else ImGui::Text("error %.2f", r.error);
}

void tools() {
  ImGui::BeginDisabled(depth.frame_count == 0);
  if (ImGui::Button("< Previous")) EM_ASM({ Module.tiaeDepthStep(-1); });
  remember("depth-previous");
  ImGui::SameLine();
  if (ImGui::Button("Next >")) EM_ASM({ Module.tiaeDepthStep(1); });
  remember("depth-next");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(screen.narrow ? "Open PNG" : "Open a depth PNG")) EM_ASM({ Module.tiaeOpenDepth(); });
  remember("depth-open");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a 16-bit grayscale PNG of depth in 1/8 mm (0: no measurement), or drop one here");
  ImGui::SameLine();
  download_button("depth-download", depth.results[1].has, 5, "the crop and both models' results as JSON, as `tiae depth` writes them");
  if (depth.frame_index >= 0) ImGui::Text("real frame %d of %d", depth.frame_index + 1, depth.frame_count);
  ImGui::BeginDisabled(!depth.has_frame);
  for (const auto& [dx, dy] : nudge_controls()) EM_ASM({ Module.tiaeDepthMove($0, $1); }, dx, dy);
  ImGui::EndDisabled();
}

void notes(float width) {
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextDisabled("Move the crop (the arrows, or Shift + arrow keys): the TIAE draws the same hand and poses the same "
                      "robot hand wherever the crop is, while PCA's restoration and robot hand change.");
  ImGui::TextWrapped("%s", depth.status.c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

void DepthTab::set_frame(const float* picture, int w, int h, int x0, int y0, int side, const float* input) {
  width = w, height = h, window_x0 = x0, window_y0 = y0, window_side = side, has_frame = true;
  frame_tex.upload_gray(picture, w, h, true);
  input_tex.upload_gray(input, kSide, kSide);
}

void DepthTab::set_result(int model, const float* canonical, const float* restored, const float* angles, int count, float error_, int dx_,
                          int dy_) {
  if (model < 0 || model >= kModels || count < 0 || count > 64) return;
  Result& r = results[size_t(model)];
  r.canonical_tex.upload_gray(canonical, kSide, kSide);
  r.restored_tex.upload_gray(restored, kSide, kSide);
  r.angles.assign(angles, angles + count);
  r.error = error_, r.dx = dx_, r.dy = dy_, r.has = true;
}

void DepthTab::clear() {
  has_frame = false;
  for (auto& r : results) r.has = false;
}

// Wide: the frame with its tools on the left, the input and both models' rows on the right.
// Narrow (a phone): the frame and the input side by side, the models' rows, the tools below.
void depth_tab() {
  const bool narrow = screen.narrow;
  const float image = px(narrow ? 72 : 112), hand = px(narrow ? 96 : 132);
  ImGui::BeginGroup();
  ImGui::TextUnformatted(narrow ? "A depth frame:" : "A depth frame of a hand (a RealSense camera)");
  frame_view(px(narrow ? 200 : 360));
  if (!narrow) {
    tools();
    notes(px(360));
  }
  ImGui::EndGroup();
  ImGui::SameLine(0, px(narrow ? 8 : 28));
  ImGui::BeginGroup();
  panel(narrow ? "the hand" : "the hand cut out (the input)", depth.input_tex, depth.has_frame, image,
        "the crop scaled to 32 x 32: 0 off the hand, nearer brighter on it");
  if (narrow) {
    ImGui::EndGroup();
    for (int k = kModels - 1; k >= 0; --k) model_row(k, image, hand);
    tools();
    notes(ImGui::GetContentRegionAvail().x);
    return;
  }
  ImGui::Spacing();
  for (int k = kModels - 1; k >= 0; --k) {
    model_row(k, image, hand);
    ImGui::Spacing();
  }
  ImGui::EndGroup();
}
