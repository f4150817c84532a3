#include "draw_tab.h"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "download_button.h"
#include "nudge.h"
#include "resample.h"
#include "screen.h"
#include "transform_search.h"

DrawTab draw;

namespace {

constexpr int kDraw = DrawTab::kDraw;
constexpr int kSide = 32;
const char* kModelTitles[2][kDrawModels] = {{"ordinary auto-encoder", "TIAE: shift-invariant auto-encoder"},
                                            {"ordinary auto-encoder", "TIAE: invariant to shifts, turns, sizes"}};
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

// Before every change of the drawing: an undo step, and the drawing is the visitor's own
// from then on (the page's URL stops naming the example; loading one names it again).
void push_undo() {
  draw.undo.push_back(draw.drawing);
  if (draw.undo.size() > 30) draw.undo.erase(draw.undo.begin());
  if (draw.example >= 0) EM_ASM({ Module.tiaeExampleShown(0, -1); });
  draw.example = -1;
}

// The nudge buttons and Shift + arrows: the drawing moved by whole input pixels.
void nudges() {
  static Nudger nudger;
  for (const auto& [dx, dy] : nudge_controls()) {
    push_undo();
    nudger.move(&draw.drawing, 1, kDraw, dx, dy);
    draw.dirty = true;
  }
}

// The turn and size buttons: the drawing turned about its centre (counter-clockwise as
// seen: +) or scaled, by one step of the turns pair's grid, so that a press moves its pose
// by one grid point.
void turns() {
  const float angle = draw.turn_grid.angle_step(), scale = draw.turn_grid.scale_step();
  char left[32], right[32];
  std::snprintf(left, sizeof left, "+%g deg", angle);
  std::snprintf(right, sizeof right, "-%g deg", angle);
  const struct { const char* label; const char* name; float angle, scale; } buttons[] = {
      {left, "turn-left", angle, 1.f}, {right, "turn-right", -angle, 1.f},
      {"larger", "size-up", 0.f, scale}, {"smaller", "size-down", 0.f, 1 / scale}};
  ImGui::TextUnformatted("turn:");
  for (int i = 0; i < 4; ++i) {
    if (i == 2) {  // on a phone, sizes on a line of their own
      if (!screen.narrow) ImGui::SameLine(0, px(12));
      ImGui::TextUnformatted("size:");
    }
    ImGui::SameLine(0, px(4));
    if (ImGui::SmallButton(buttons[i].label)) {
      push_undo();
      std::vector<float> turned(draw.drawing.size());
      tiae::turn_image(draw.drawing.data(), kDraw, 1, buttons[i].angle, buttons[i].scale, turned.data(), kDraw);
      draw.drawing.swap(turned);
      draw.dirty = true;
    }
    remember(buttons[i].name);
  }
}

// Which pair answers: the models trained for shifts, or for shifts, turns and sizes.
void family_choice() {
  ImGui::TextUnformatted("trained for:");
  int family = draw.family;
  ImGui::SameLine();
  ImGui::RadioButton("shifts", &family, kShifts);
  remember("draw-family-0");
  ImGui::SameLine();
  const auto& grid = draw.turn_grid;
  ImGui::BeginDisabled(!grid.available());
  ImGui::RadioButton(screen.narrow ? "+ turns, sizes" : "shifts, turns and sizes", &family, kTurns);
  ImGui::EndDisabled();
  remember("draw-family-1");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    if (grid.available())
      ImGui::SetTooltip("mnist-affine-ae and mnist-affine-tiae: turns of %g to %g deg, sizes %.2f to %.2f",
                        grid.angles.front(), grid.angles.back(), grid.scales.front(), grid.scales.back());
    else
      ImGui::SetTooltip("the mnist-affine models are not in models/");
  }
  draw.set_family(family);
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
  if (!draw.analysis.start()) return;
  // The page's bridge runs tiae.analyze for each model and calls app_set_result.
  EM_ASM({ Module.tiaeAnalyze(HEAPF32.slice($0 >> 2, ($0 >> 2) + 1024), $1); }, draw.input.data(), draw.family);
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

// The test digits' points as a picture of `w` x `h` device px (`pad` px inside its border),
// drawn again only when its size or the points change: 2,000 dots drawn as shapes every
// frame cost a software renderer more than the rest of the page.
void paint_scatter(ModelView& m, int w, int h, float pad) {
  std::vector<unsigned char> rgba(size_t(w) * h * 4);
  for (size_t i = 0; i < rgba.size(); i += 4) rgba[i] = 20, rgba[i + 1] = 20, rgba[i + 2] = 24, rgba[i + 3] = 255;
  const float r = px(1.6f), alpha = 0xb0 / 255.f;
  for (size_t i = 0; i < m.labels.size(); ++i) {
    const float cx = pad + (std::clamp(m.points[2 * i], m.lo[0], m.hi[0]) - m.lo[0]) / (m.hi[0] - m.lo[0]) * (w - 2 * pad);
    const float cy = h - pad - (std::clamp(m.points[2 * i + 1], m.lo[1], m.hi[1]) - m.lo[1]) / (m.hi[1] - m.lo[1]) * (h - 2 * pad);
    const ImU32 c = kDigitColours[m.labels[i] % 10];
    for (int y = std::max(0, int(cy - r - 1)); y < std::min(h, int(cy + r + 2)); ++y)
      for (int x = std::max(0, int(cx - r - 1)); x < std::min(w, int(cx + r + 2)); ++x) {
        const float cover = alpha * std::clamp(r - std::hypot(x + 0.5f - cx, y + 0.5f - cy) + 0.5f, 0.f, 1.f);
        unsigned char* p = &rgba[(size_t(y) * w + x) * 4];
        for (int k = 0; k < 3; ++k) p[k] = (unsigned char)std::lround(p[k] + cover * (((c >> (8 * k)) & 0xff) - p[k]));
      }
  }
  m.scatter.upload_rgba(rgba.data(), w, h, false);
  m.scatter_size = ImVec2(float(w), float(h));
  m.scatter_points = m.labels.size();
}

// The test digits' points, and the drawing's last points: a fading trail ending in a
// white dot (the TIAE's stays put as the digit moves, the AE's wanders).
void descriptor_space(ModelView& m, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1(p0.x + size.x, p0.y + size.y);
  const float pad = px(6);
  const int w = int(std::lround(size.x)), h = int(std::lround(size.y));
  if (m.scatter_size.x != w || m.scatter_size.y != h || m.scatter_points != m.labels.size()) paint_scatter(m, w, h, pad);
  dl->AddImage(m.scatter.imgui(), p0, ImVec2(p0.x + w, p0.y + h));
  dl->AddRect(p0, p1, IM_COL32(90, 90, 100, 255));
  auto to_screen = [&](const std::array<float, 2>& xy) {
    return ImVec2(p0.x + pad + (std::clamp(xy[0], m.lo[0], m.hi[0]) - m.lo[0]) / (m.hi[0] - m.lo[0]) * (w - 2 * pad),
                  p0.y + h - pad - (std::clamp(xy[1], m.lo[1], m.hi[1]) - m.lo[1]) / (m.hi[1] - m.lo[1]) * (h - 2 * pad));
  };
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

}  // namespace

// An example digit (32x32) drawn into the drawing buffer, bilinearly enlarged.
void DrawTab::load_example(int d) {
  if (d < 0 || size_t(d) >= examples.size()) return;
  push_undo();
  example = d;
  EM_ASM({ Module.tiaeExampleShown(0, $0); }, d);
  const std::vector<float>& digit = examples[size_t(d)];
  const float step = float(kSide) / kDraw;
  for (int y = 0; y < kDraw; ++y)
    for (int x = 0; x < kDraw; ++x) {
      const float sx = std::clamp((x + 0.5f) * step - 0.5f, 0.f, kSide - 1.f), sy = std::clamp((y + 0.5f) * step - 0.5f, 0.f, kSide - 1.f);
      const int x0 = int(sx), y0 = int(sy), x1 = std::min(x0 + 1, kSide - 1), y1 = std::min(y0 + 1, kSide - 1);
      const float fx = sx - x0, fy = sy - y0;
      auto at = [&](int u, int v) { return digit[size_t(v) * kSide + u]; };
      drawing[size_t(y) * kDraw + x] =
          (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
    }
  dirty = true;
}

namespace {

void example_buttons() {
  ImGui::TextUnformatted("or an example:");
  for (size_t d = 0; d < draw.examples.size(); ++d) {
    ImGui::SameLine(0, px(3));
    ImGui::PushID(int(d));
    if (ImGui::SmallButton(std::to_string(d).c_str())) draw.load_example(int(d));
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

// The drawing area, `side` device px square: a stroke while the button (or finger) is down on it.
void drawing_area(float side) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float per_pixel = side / kDraw;  // device px per drawing pixel
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

// Examples, brush, Clear, Undo, the results as a file, and the nudges.
void drawing_tools() {
  if (!draw.examples.empty()) example_buttons();
  ImGui::SetNextItemWidth(px(140));
  ImGui::SliderFloat("brush", &draw.brush, 4.f, 24.f, "%.0f px");
  if (ImGui::Button("Clear")) {
    push_undo();
    std::fill(draw.drawing.begin(), draw.drawing.end(), 0.f);
    draw.dirty = true;
  }
  remember("draw-clear");
  ImGui::SameLine();
  ImGui::BeginDisabled(draw.undo.empty());
  if (ImGui::Button("Undo")) {
    draw.drawing = draw.undo.back();
    draw.undo.pop_back();
    draw.dirty = true;
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  download_button("draw-download", draw.models[1].has_result, 0,
                  "both models' results as JSON: the 32x32 input, each model's code, drawing, shift (turn and size for the second pair) and moved drawing");
  nudges();
  turns();
  family_choice();
}

// The network's input, what to look for, and the status.
void drawing_notes(float width) {
  image_panel("the networks' input (32x32)", draw.input_tex, px(96));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  if (draw.family == kTurns)
    ImGui::TextDisabled("Move, turn or resize your digit (the buttons above): the TIAE's drawing, code and dot stay put "
                        "while the place, turn and size it finds follow your digit; the ordinary auto-encoder's all move.");
  else
    ImGui::TextDisabled("Move your digit (the arrows above, or Shift + arrow keys): the TIAE's drawing, code and dot stay "
                        "put while the place it finds follows your digit; the ordinary auto-encoder's all move. Turn "
                        "it, and both change: these two were trained for shifts only.");
  ImGui::TextWrapped("%s", draw.status.c_str());
  ImGui::PopTextWrapPos();
}

// Where a model finds the digit: the shift, and for the turns family its turn and size.
void pose_text(const ModelView& m, int k, bool narrow) {
  const int dx = int(std::lround(m.dx)) + 0, dy = int(std::lround(m.dy)) + 0;  // + 0: no "-0"
  ImGui::BeginGroup();
  if (!m.has_result) ImGui::TextUnformatted(narrow ? "draw to start" : "draw a digit to start");
  else if (k == 1) ImGui::Text(narrow ? "at (%+d, %+d)" : "your digit is at (%+d, %+d)", dx, dy);
  else ImGui::Text(narrow ? "(%+d, %+d): in place" : "(%+d, %+d): it draws in place", dx, dy);
  if (m.has_result && m.posed) ImGui::Text(narrow ? "%+d deg x%.2f" : "turned %+d deg, x%.2f", int(std::lround(m.angle)) + 0, m.scale);
  ImGui::EndGroup();
  if (ImGui::IsItemHovered()) {
    const auto& grid = draw.turn_grid;
    const int side = 2 * grid.max_shift + 1;
    if (m.posed)
      ImGui::SetTooltip("the estimated transform: the theta minimising ||D(E(I)) - T(theta) I||^2 over %d x %d shifts x "
                        "%d turns x %d sizes; shown the other way round, where your digit sits",
                        side, side, int(grid.angles.size()), int(grid.scales.size()));
    else
      ImGui::SetTooltip("the estimated shift: the theta minimising ||D(E(I)) - T(theta) I||^2 over all 17 x 17 shifts");
  }
}

// A model's title, its two images (`image` device px) and where it puts the digit.
void model_answer(int k, float image) {
  ModelView& m = draw.models[k];
  const bool narrow = screen.narrow;
  ImGui::BeginGroup();
  ImGui::TextColored(k == 1 ? ImVec4(0.55f, 0.8f, 1, 1) : ImVec4(0.9f, 0.75f, 0.5f, 1), "%s",
                     narrow ? (k == 1 ? "TIAE" : "ordinary AE") : kModelTitles[draw.family][k]);
  image_panel(narrow ? "it draws" : "what it draws", m.canonical_tex, image,
              "its canonical image D(E(I)): the decoder's image of the code");
  ImGui::SameLine(0, px(narrow ? 6 : 14));
  image_panel(narrow ? "moved" : "moved to your digit", m.restored_tex, image,
              m.posed ? "what it draws, put where, as turned and as large as it found your digit"
                      : "T(shift) D(E(I)): what it draws, moved by the shift it found");
  pose_text(m, k, narrow);
  ImGui::EndGroup();
  remember(k == 0 ? "result-0" : "result-1");
}

// A model's code as bars, and its point among the test digits'.
void model_code(int k) {
  ModelView& m = draw.models[k];
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
}

// Wide: the drawing with its tools, and each model's column beside it.
void wide_layout() {
  ImGui::BeginGroup();
  ImGui::TextUnformatted("Draw a digit, then draw it again elsewhere");
  drawing_area(px(kDraw));
  drawing_tools();
  drawing_notes(px(kDraw));
  ImGui::EndGroup();
  for (int k = 0; k < kDrawModels; ++k) {
    ImGui::SameLine(0, px(24));
    ImGui::BeginGroup();
    model_answer(k, px(128));
    model_code(k);
    ImGui::EndGroup();
    remember(k == 0 ? "model-0" : "model-1");
  }
}

// Narrow (a phone): the drawing with both models' answers beside it, so that a finger can
// draw and see the answer at once (and scroll the page beside the drawing); the tools, then
// each model's code, below.
void narrow_layout() {
  ImGui::BeginGroup();
  ImGui::TextUnformatted("Draw a digit:");
  drawing_area(px(150));
  ImGui::EndGroup();
  ImGui::SameLine(0, px(10));
  ImGui::BeginGroup();
  model_answer(1, px(62));
  ImGui::Spacing();
  model_answer(0, px(62));
  ImGui::EndGroup();
  drawing_tools();
  drawing_notes(ImGui::GetContentRegionAvail().x);
  for (int k = 1; k >= 0; --k) {
    ImGui::Spacing();
    ImGui::BeginGroup();
    ImGui::TextColored(k == 1 ? ImVec4(0.55f, 0.8f, 1, 1) : ImVec4(0.9f, 0.75f, 0.5f, 1), "%s", kModelTitles[draw.family][k]);
    model_code(k);
    ImGui::EndGroup();
    remember(k == 0 ? "model-0" : "model-1");
  }
}

}  // namespace

bool DrawTab::has_ink() const { return *std::max_element(drawing.begin(), drawing.end()) > 0; }

void DrawTab::set_family(int f) {
  if (f == family || (f == kTurns && !turn_grid.available())) return;
  family = f;
  clear_results();
  for (auto& m : models) m.points.clear(), m.labels.clear(), m.projection.dim = 0;  // the other pair's spaces come next
  EM_ASM({ Module.tiaeDrawFamily($0); }, f);
  dirty = true;  // the drawing analysed again by the other pair
}

void DrawTab::set_result(int from_family, int model, const float* descriptor, int dim, const float* canonical,
                         const float* restored, const float* pose, int pose_size) {
  // a result for a drawing since cleared, or from the pair shown before
  if (model < 0 || model >= kDrawModels || !has_ink() || from_family != family || (pose_size != 2 && pose_size != 4)) return;
  ModelView& m = models[size_t(model)];
  m.descriptor.assign(descriptor, descriptor + dim);
  m.canonical.assign(canonical, canonical + kSide * kSide);
  m.restored.assign(restored, restored + kSide * kSide);
  m.dx = pose[0], m.dy = pose[1];
  m.posed = pose_size == 4;
  m.angle = m.posed ? pose[2] : 0.f, m.scale = m.posed ? pose[3] : 1.f;
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
  if (analysis.finish()) request_analysis();
}

void DrawTab::set_space(int model, const float* xy, const int* labels_, int n, const float* mean, const float* axes, int dim) {
  if (model < 0 || model >= kDrawModels) return;
  ModelView& m = models[size_t(model)];
  m.points.assign(xy, xy + 2 * n);
  m.labels.assign(labels_, labels_ + n);
  m.projection.dim = dim;
  m.projection.mean.assign(mean, mean + dim);
  m.projection.axes.assign(axes, axes + 2 * dim);
  m.trail.clear();
  m.scatter_size = ImVec2(0, 0);  // painted again: the other pair's points may be as many
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

void draw_tab() {
  if (screen.narrow) narrow_layout();
  else wide_layout();
}
