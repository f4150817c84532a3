#include "draw_tab.h"

#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>

#include "resample.h"
#include "screen.h"

DrawTab draw;

namespace {

constexpr int kDraw = DrawTab::kDraw;
constexpr int kSide = 32;
const char* kModelTitles[kDrawModels] = {"ordinary auto-encoder", "shift-invariant auto-encoder (TIAE)"};
const ImU32 kDigitColours[10] = {IM_COL32(31, 119, 180, 255), IM_COL32(255, 127, 14, 255), IM_COL32(44, 160, 44, 255),
                                 IM_COL32(214, 39, 40, 255),  IM_COL32(148, 103, 189, 255), IM_COL32(140, 86, 75, 255),
                                 IM_COL32(227, 119, 194, 255), IM_COL32(127, 127, 127, 255), IM_COL32(188, 189, 34, 255),
                                 IM_COL32(23, 190, 207, 255)};

void paint(ImVec2 from, ImVec2 to) {
  // A round brush stamped along the segment, soft at its edge.
  const float r = draw.brush, len = std::hypot(to.x - from.x, to.y - from.y);
  const int steps = std::max(1, int(len / (r * 0.25f)));
  for (int s = 0; s <= steps; ++s) {
    const float cx = from.x + (to.x - from.x) * s / steps, cy = from.y + (to.y - from.y) * s / steps;
    for (int y = std::max(0, int(cy - r - 1)); y < std::min(kDraw, int(cy + r + 2)); ++y)
      for (int x = std::max(0, int(cx - r - 1)); x < std::min(kDraw, int(cx + r + 2)); ++x) {
        const float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
        const float v = std::clamp(r - d + 0.5f, 0.f, 1.f);
        float& p = draw.drawing[size_t(y) * kDraw + x];
        p = std::max(p, v);
      }
  }
  draw.dirty = true;
}

void push_undo() {
  draw.undo.push_back(draw.drawing);
  if (draw.undo.size() > 30) draw.undo.erase(draw.undo.begin());
}

// Moves the drawing by (dx, dy) pixels of the network's 32x32 input: kDraw / kSide drawing
// pixels each (8.75), rounded so that n nudges move it n input pixels in all.
void nudge(int dx, int dy) {
  static double total_x = 0, total_y = 0;
  const double step = double(kDraw) / kSide;
  const int mx = int(std::lround(total_x + dx * step) - std::lround(total_x));
  const int my = int(std::lround(total_y + dy * step) - std::lround(total_y));
  total_x += dx * step, total_y += dy * step;
  push_undo();
  std::vector<float> moved(draw.drawing.size(), 0.f);
  for (int y = 0; y < kDraw; ++y)
    for (int x = 0; x < kDraw; ++x) {
      const int sx = x - mx, sy = y - my;
      if (sx >= 0 && sx < kDraw && sy >= 0 && sy < kDraw) moved[size_t(y) * kDraw + x] = draw.drawing[size_t(sy) * kDraw + sx];
    }
  draw.drawing.swap(moved);
  draw.dirty = true;
}

// The nudge buttons, and Shift + an arrow key (the arrows alone move ImGui's keyboard focus).
void nudge_controls() {
  ImGui::TextUnformatted("move by 1 px:");
  const std::pair<ImGuiDir, std::pair<int, int>> arrows[] = {
      {ImGuiDir_Left, {-1, 0}}, {ImGuiDir_Right, {1, 0}}, {ImGuiDir_Up, {0, -1}}, {ImGuiDir_Down, {0, 1}}};
  for (int i = 0; i < 4; ++i) {
    ImGui::SameLine();
    ImGui::PushID(i);
    if (ImGui::ArrowButton("nudge", arrows[i].first)) nudge(arrows[i].second.first, arrows[i].second.second);
    ImGui::PopID();
  }
  for (const auto& [dx, dy] : draw.key_nudges) nudge(dx, dy);
}

// Every model's panels back to empty, until there is a drawing to analyse.
void clear_results() {
  for (auto& m : draw.models) {
    m.has_result = false;
    m.trail.clear();
    m.descriptor.clear();
    std::fill(m.canonical.begin(), m.canonical.end(), 0.f);
    std::fill(m.restored.begin(), m.restored.end(), 0.f);
    m.canonical_tex.upload_gray(m.canonical.data(), kSide, kSide);
    m.restored_tex.upload_gray(m.restored.data(), kSide, kSide);
  }
}

void request_analysis() {
  if (draw.in_flight) {
    draw.pending = true;
    return;
  }
  draw.in_flight = true;
  draw.pending = false;
  // The page's bridge runs tiae.analyze for each model and calls app_set_result.
  EM_ASM({ Module.tiaeAnalyze(HEAPF32.slice($0 >> 2, ($0 >> 2) + 1024)); }, draw.input.data());
}

// An image under a caption in words; `formula` (if any) shows when the pointer rests on it.
void image_panel(const char* label, const Texture& tex, float size, const char* formula = nullptr) {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(label);
  if (tex) ImGui::Image(tex.imgui(), ImVec2(size, size));
  else ImGui::Dummy(ImVec2(size, size));
  ImGui::EndGroup();
  if (formula && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", formula);
}

// The test digits' points, and the drawing's last points: a fading trail ending in a
// white dot (the TIAE's stays put as the digit moves, the AE's wanders).
void descriptor_space(ModelView& m, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1(p0.x + size.x, p0.y + size.y);
  dl->AddRectFilled(p0, p1, IM_COL32(20, 20, 24, 255));
  dl->AddRect(p0, p1, IM_COL32(90, 90, 100, 255));
  const float pad = px(6);
  auto to_screen = [&](const std::array<float, 2>& xy) {
    return ImVec2(p0.x + pad + (std::clamp(xy[0], m.lo[0], m.hi[0]) - m.lo[0]) / (m.hi[0] - m.lo[0]) * (size.x - 2 * pad),
                  p1.y - pad - (std::clamp(xy[1], m.lo[1], m.hi[1]) - m.lo[1]) / (m.hi[1] - m.lo[1]) * (size.y - 2 * pad));
  };
  for (size_t i = 0; i < m.labels.size(); ++i)
    dl->AddCircleFilled(to_screen({m.points[2 * i], m.points[2 * i + 1]}), px(1.6f), kDigitColours[m.labels[i] % 10] & 0xb0ffffff, 8);
  for (size_t i = 1; i < m.trail.size(); ++i) {
    const auto alpha = (unsigned)(60 + 160 * i / m.trail.size());
    dl->AddLine(to_screen(m.trail[i - 1]), to_screen(m.trail[i]), IM_COL32(255, 255, 255, alpha), px(1.5f));
    dl->AddCircleFilled(to_screen(m.trail[i - 1]), px(3), IM_COL32(255, 255, 255, alpha));
  }
  if (m.has_result && !m.trail.empty()) {
    const ImVec2 c = to_screen(m.trail.back());
    dl->AddCircleFilled(c, px(7), IM_COL32(255, 255, 255, 255));
    dl->AddCircle(c, px(7), IM_COL32(0, 0, 0, 255), 0, px(2));
  }
  ImGui::Dummy(size);
}

// An example digit (32x32) drawn into the drawing buffer, bilinearly enlarged.
void load_example(const std::vector<float>& digit) {
  push_undo();
  const float step = float(kSide) / kDraw;
  for (int y = 0; y < kDraw; ++y)
    for (int x = 0; x < kDraw; ++x) {
      const float sx = std::clamp((x + 0.5f) * step - 0.5f, 0.f, kSide - 1.f), sy = std::clamp((y + 0.5f) * step - 0.5f, 0.f, kSide - 1.f);
      const int x0 = int(sx), y0 = int(sy), x1 = std::min(x0 + 1, kSide - 1), y1 = std::min(y0 + 1, kSide - 1);
      const float fx = sx - x0, fy = sy - y0;
      auto at = [&](int u, int v) { return digit[size_t(v) * kSide + u]; };
      draw.drawing[size_t(y) * kDraw + x] =
          (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
    }
  draw.dirty = true;
}

void example_buttons() {
  ImGui::TextUnformatted("or an example:");
  for (size_t d = 0; d < draw.examples.size(); ++d) {
    ImGui::SameLine(0, px(3));
    ImGui::PushID(int(d));
    if (ImGui::SmallButton(std::to_string(d).c_str())) load_example(draw.examples[d]);
    remember(("example-" + std::to_string(d)).c_str());
    ImGui::PopID();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a digit of MNIST's test set");
}

// The drawing changed: its texture, the network's input, and the analysis (none for a blank one).
void refresh() {
  draw.drawing_tex.upload_gray(draw.drawing.data(), kDraw, kDraw);
  draw.input = tiae::resample_area(draw.drawing.data(), kDraw, kDraw, kSide);
  draw.input_tex.upload_gray(draw.input.data(), kSide, kSide);
  draw.dirty = false;
  // A blank canvas has no shape to analyse (its "shift" would be a meaningless (+8, +8)).
  if (draw.has_ink()) request_analysis();
  else clear_results();
}

// The drawing area: a stroke while the button (or finger) is down on it.
void drawing_area() {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float side = px(kDraw), per_pixel = side / kDraw;  // device px per drawing pixel
  ImGui::InvisibleButton("canvas", ImVec2(side, side));
  remember("draw-canvas");
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  if (ImGui::IsItemActivated()) {
    push_undo();
    draw.last_pen = ImVec2(-1, -1);
  }
  if (active) {
    const ImVec2 pen((ImGui::GetIO().MousePos.x - origin.x) / per_pixel, (ImGui::GetIO().MousePos.y - origin.y) / per_pixel);
    paint(draw.last_pen.x < 0 ? pen : draw.last_pen, pen);
    draw.last_pen = pen;
  }
  if (draw.dirty) refresh();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddImage(draw.drawing_tex.imgui(), origin, ImVec2(origin.x + side, origin.y + side));
  dl->AddRect(origin, ImVec2(origin.x + side, origin.y + side), hovered ? IM_COL32(120, 170, 255, 255) : IM_COL32(90, 90, 100, 255));
}

// The Draw tab's left column: the drawing, its tools, and the network's input.
void drawing_column() {
  ImGui::BeginGroup();
  ImGui::TextUnformatted("Draw a digit, then draw it again elsewhere");
  drawing_area();
  if (!draw.examples.empty()) example_buttons();
  ImGui::SetNextItemWidth(px(140));
  ImGui::SliderFloat("brush", &draw.brush, 4.f, 24.f, "%.0f px");
  if (ImGui::Button("Clear")) {
    push_undo();
    std::fill(draw.drawing.begin(), draw.drawing.end(), 0.f);
    draw.dirty = true;
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(draw.undo.empty());
  if (ImGui::Button("Undo")) {
    draw.drawing = draw.undo.back();
    draw.undo.pop_back();
    draw.dirty = true;
  }
  ImGui::EndDisabled();
  nudge_controls();
  image_panel("network input (32x32)", draw.input_tex, px(96));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + px(kDraw));
  ImGui::TextDisabled("Move your digit around (the arrows above, or Shift + arrow keys): the TIAE's canonical shape, "
                      "descriptor and point stay put while its estimated shift follows the digit; the ordinary "
                      "auto-encoder's all move.");
  ImGui::TextWrapped("%s", draw.status.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// One column per model: its canonical shape, restored image, shift, descriptor and point.
void model_column(int k) {
  ModelView& m = draw.models[k];
  ImGui::BeginGroup();
  ImGui::TextColored(k == 1 ? ImVec4(0.55f, 0.8f, 1, 1) : ImVec4(0.9f, 0.75f, 0.5f, 1), "%s", kModelTitles[k]);
  image_panel("what it draws", m.canonical_tex, px(128), "D(E(I)): the decoder's image of the code");
  ImGui::SameLine(0, px(14));
  image_panel("moved to your digit", m.restored_tex, px(128), "T(shift) D(E(I)): what it draws, moved by the shift");
  if (m.has_result && k == 1) ImGui::Text("where your digit is: shift (%+d, %+d)", m.dx, m.dy);
  else if (m.has_result) ImGui::Text("shift (%+d, %+d): drawn in place", m.dx, m.dy);
  else ImGui::TextUnformatted("draw a digit to start");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the shift theta minimising ||D(E(I)) - T(theta) I||^2 over all 17 x 17");
  ImGui::TextUnformatted("its code, 30 numbers");
  if (!m.descriptor.empty())
    ImGui::PlotHistogram("##descriptor", m.descriptor.data(), int(m.descriptor.size()), 0, nullptr, FLT_MAX, FLT_MAX, px(270, 60));
  else
    ImGui::Dummy(px(270, 60));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("E(I): the descriptor");
  ImGui::TextUnformatted("among 2,000 test digits (white: yours;");
  ImGui::TextUnformatted("its trail: your last changes)");
  descriptor_space(m, px(270, screen.narrow ? 170 : 190));
  for (int d = 0; d < 10; ++d) {  // legend: the test digits' colours
    if (d) ImGui::SameLine(0, px(4));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kDigitColours[d]), "%d", d);
  }
  ImGui::EndGroup();
  remember(k == 0 ? "model-0" : "model-1");
}

}  // namespace

bool DrawTab::has_ink() const { return *std::max_element(drawing.begin(), drawing.end()) > 0; }

void DrawTab::set_result(int model, const float* descriptor, int dim, const float* canonical, const float* restored, int dx,
                         int dy) {
  if (model < 0 || model >= kDrawModels || !has_ink()) return;  // a result for a drawing since cleared
  ModelView& m = models[size_t(model)];
  m.descriptor.assign(descriptor, descriptor + dim);
  m.canonical.assign(canonical, canonical + kSide * kSide);
  m.restored.assign(restored, restored + kSide * kSide);
  m.dx = dx, m.dy = dy;
  m.has_result = true;
  if (m.projection.dim == dim) {
    std::array<float, 2> xy;
    m.projection.apply(descriptor, xy.data());
    m.trail.push_back(xy);
    if (m.trail.size() > 12) m.trail.pop_front();
  }
  m.canonical_tex.upload_gray(m.canonical.data(), kSide, kSide);
  m.restored_tex.upload_gray(m.restored.data(), kSide, kSide);
}

void DrawTab::analysis_done() {
  in_flight = false;
  if (pending) request_analysis();
}

void DrawTab::set_space(int model, const float* xy, const int* labels_, int n, const float* mean, const float* axes, int dim) {
  if (model < 0 || model >= kDrawModels) return;
  ModelView& m = models[size_t(model)];
  m.points.assign(xy, xy + 2 * n);
  m.labels.assign(labels_, labels_ + n);
  m.projection.dim = dim;
  m.projection.mean.assign(mean, mean + dim);
  m.projection.axes.assign(axes, axes + 2 * dim);
  for (int a = 0; a < 2; ++a) {
    m.lo[a] = 1e30f, m.hi[a] = -1e30f;
    for (int i = 0; i < n; ++i) m.lo[a] = std::min(m.lo[a], xy[2 * i + a]), m.hi[a] = std::max(m.hi[a], xy[2 * i + a]);
    if (m.hi[a] <= m.lo[a]) m.hi[a] = m.lo[a] + 1;
  }
}

float DrawTab::canonical_sum(int model) const {
  if (model < 0 || model >= kDrawModels || !models[size_t(model)].has_result) return 0;
  float s = 0;
  for (float v : models[size_t(model)].canonical) s += v;
  return s;
}

void DrawTab::on_key(int key, int action, int mods) {
  if (action == GLFW_RELEASE || !(mods & GLFW_MOD_SHIFT)) return;
  if (key == GLFW_KEY_LEFT) key_nudges.push_back({-1, 0});
  if (key == GLFW_KEY_RIGHT) key_nudges.push_back({1, 0});
  if (key == GLFW_KEY_UP) key_nudges.push_back({0, -1});
  if (key == GLFW_KEY_DOWN) key_nudges.push_back({0, 1});
}

// Wide: the drawing and both models in one row. Narrow: one under the other.
void draw_tab() {
  drawing_column();
  for (int k = 0; k < kDrawModels; ++k) {
    if (screen.narrow) ImGui::Spacing();
    else ImGui::SameLine(0, px(24));
    model_column(k);
  }
}
