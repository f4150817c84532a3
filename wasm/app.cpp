// The demo's canvas: Dear ImGui on GLFW + OpenGL ES 3 (WebGL2), four tabs.
// Draw: a visitor draws a digit; every change is resampled to 32x32 (shared/resample.h)
// and handed to the page, which runs window.tiae.analyze for each model (the API's own
// code path) and hands the results back. Inference is asynchronous: at most one request
// is in flight, and the latest drawing is sent when it returns, so the UI never waits.
// Extract: a photo (file picker or dropped on the canvas) goes through window.tiae.extract
// in the page; the app shows it, the progress, the foreground, and offers the download.
// Documents: a page goes through window.tiae.document; the app shows the heat map over
// it, the peaks, and the clusters' gallery; clicking a cluster marks its members.
// Grasp: hand and object masks painted with two brushes (wasm/grasp_tab.cpp).
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "extract.h"
#include "grasp_tab.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "projection.h"
#include "resample.h"
#include "screen.h"

Screen screen;

namespace {

std::map<std::string, ImVec4> rects;  // remember(): name -> min x, min y, max x, max y (device px)

}  // namespace

void remember(const char* name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  rects[name] = ImVec4(a.x, a.y, b.x, b.y);
}

namespace {

constexpr int kDraw = 280;  // drawing resolution (pixels of the drawing buffer)
constexpr int kSide = 32;
constexpr int kModels = 2;  // 0: ordinary AE, 1: TIAE
const char* kModelTitles[kModels] = {"ordinary auto-encoder", "shift-invariant auto-encoder (TIAE)"};
const ImU32 kDigitColours[10] = {IM_COL32(31, 119, 180, 255), IM_COL32(255, 127, 14, 255), IM_COL32(44, 160, 44, 255),
                                 IM_COL32(214, 39, 40, 255),  IM_COL32(148, 103, 189, 255), IM_COL32(140, 86, 75, 255),
                                 IM_COL32(227, 119, 194, 255), IM_COL32(127, 127, 127, 255), IM_COL32(188, 189, 34, 255),
                                 IM_COL32(23, 190, 207, 255)};

struct Texture {
  GLuint id = 0;
  void upload(const float* values, int w, int h) {
    std::vector<unsigned char> rgba(size_t(w) * h * 4);
    for (int i = 0; i < w * h; ++i) {
      const auto v = (unsigned char)std::lround(std::clamp(values[i], 0.f, 1.f) * 255);
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
      rgba[4 * i + 3] = 255;
    }
    if (!id) glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  }
  ImTextureID imgui() const { return (ImTextureID)(intptr_t)id; }
};

struct ModelView {
  bool has_result = false;
  std::vector<float> descriptor, canonical = std::vector<float>(kSide * kSide), restored = canonical;
  int dx = 0, dy = 0;
  Texture canonical_tex, restored_tex;
  // Descriptor space: the MNIST test digits' 2-D points and the projection that made them.
  std::vector<float> points;  // x, y pairs
  std::vector<int> labels;
  tiae::Projection2D projection;
  float lo[2] = {0, 0}, hi[2] = {1, 1};
  std::deque<std::array<float, 2>> trail;  // the drawing's last points, oldest first
};

// Windows a run will take, as shared/extract.h and shared/document.h tile the image
// rescaled to the model's glyph size: for the estimate shown before a run. reach: 0 for a
// dense model (32 px windows every `stride` px), else a fully convolutional model's, whose
// windows are those of convolutional_windows (stride ignored).
struct WorkEstimate {
  float windows_per_s = 0;      // measured on this device (0: not yet)
  int rate_reach = 0;           // ... with a model of this reach (a conv window is 64 dense ones' pixels)
  float model_glyph_size = 20;  // the model card's, set by the page (cards without it: MNIST's 20 px)
  long windows(float full_w, float full_h, float glyph_size, int stride, int reach) const {
    const float scale = model_glyph_size / glyph_size;
    if (reach > 0) {  // as the core places them
      const auto o = tiae::convolutional_windows({}, reach);
      auto along = [&](float side) { return long(tiae::windows_along(int(std::max(1.f, std::round(side * scale))), o.patch, o.stride)); };
      return along(full_w) * along(full_h);
    }
    auto along = [&](float side) { return long(std::max(1.f, std::ceil(side * scale / float(stride)))); };
    return along(full_w) * along(full_h);
  }
  float rate(int reach) const { return reach == rate_reach ? windows_per_s : 0; }  // 0: not known for such a model
};

struct ExtractView {
  GLuint photo = 0, result = 0;  // RGBA textures (previews at most 1024 px wide)
  int photo_w = 0, photo_h = 0, result_w = 0, result_h = 0;
  float full_w = 0, full_h = 0;  // the photo's size: the glyph-size box and the estimate
  WorkEstimate estimate;
  std::string photo_name, message;
  bool busy = false, failed = false, select_tab = false;
  float progress = 0, glyph_size = 20;
  int stride = 8;
  std::vector<std::string> models;  // the foreground models the page has, the first the default
  std::vector<int> reaches;         // theirs (0: dense), from their cards
  int model = 0;
  int reach() const { return size_t(model) < reaches.size() ? reaches[size_t(model)] : 0; }  // the chosen model's
};

struct DocumentView {
  GLuint page = 0;              // RGBA preview: the page, then with the heat map over it
  int page_w = 0, page_h = 0;   // the preview's size
  float full_w = 1, full_h = 1; // the page's size: peaks and members are in its pixels
  std::string name, message;
  bool busy = false, failed = false, select_tab = false, active = false;
  float progress = 0, glyph_size = 20;
  int stride = 4;
  WorkEstimate estimate;
  std::vector<float> peaks;  // x, y pairs
  struct Cluster {
    Texture canonical;
    std::vector<float> members;  // x, y pairs
  };
  std::vector<Cluster> clusters;
  int selected = -1;
};

struct App {
  GLFWwindow* window = nullptr;
  std::vector<float> drawing = std::vector<float>(kDraw * kDraw, 0.f);
  std::vector<std::vector<float>> undo;
  Texture drawing_tex, input_tex;
  std::vector<float> input = std::vector<float>(kSide * kSide, 0.f);
  float brush = 11.f;
  bool dirty = true, in_flight = false, pending = false;
  ImVec2 last_pen{-1, -1};
  std::array<ModelView, kModels> models;
  std::string status = "loading the models...";
  std::vector<std::vector<float>> examples;  // 32x32 test digits, one per class (models/mnist-shift-tiae/examples.json)
  ExtractView extract;
  DocumentView document;
};
App app;

void paint(ImVec2 from, ImVec2 to) {
  // A round brush stamped along the segment, soft at its edge.
  const float r = app.brush, len = std::hypot(to.x - from.x, to.y - from.y);
  const int steps = std::max(1, int(len / (r * 0.25f)));
  for (int s = 0; s <= steps; ++s) {
    const float cx = from.x + (to.x - from.x) * s / steps, cy = from.y + (to.y - from.y) * s / steps;
    for (int y = std::max(0, int(cy - r - 1)); y < std::min(kDraw, int(cy + r + 2)); ++y)
      for (int x = std::max(0, int(cx - r - 1)); x < std::min(kDraw, int(cx + r + 2)); ++x) {
        const float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
        const float v = std::clamp(r - d + 0.5f, 0.f, 1.f);
        float& p = app.drawing[size_t(y) * kDraw + x];
        p = std::max(p, v);
      }
  }
  app.dirty = true;
}

bool has_ink() { return *std::max_element(app.drawing.begin(), app.drawing.end()) > 0; }

// Moves the drawing by (dx, dy) pixels of the network's 32x32 input: kDraw / kSide drawing
// pixels each (8.75), rounded so that n nudges move it n input pixels in all.
void nudge(int dx, int dy) {
  static double total_x = 0, total_y = 0;
  const double step = double(kDraw) / kSide;
  const int mx = int(std::lround(total_x + dx * step) - std::lround(total_x));
  const int my = int(std::lround(total_y + dy * step) - std::lround(total_y));
  total_x += dx * step, total_y += dy * step;
  app.undo.push_back(app.drawing);
  if (app.undo.size() > 30) app.undo.erase(app.undo.begin());
  std::vector<float> moved(app.drawing.size(), 0.f);
  for (int y = 0; y < kDraw; ++y)
    for (int x = 0; x < kDraw; ++x) {
      const int sx = x - mx, sy = y - my;
      if (sx >= 0 && sx < kDraw && sy >= 0 && sy < kDraw) moved[size_t(y) * kDraw + x] = app.drawing[size_t(sy) * kDraw + sx];
    }
  app.drawing.swap(moved);
  app.dirty = true;
}

// Shift + arrow presses since the last frame, counted as GLFW reports them: ImGui 1.86
// polls which keys are down at each frame, so a press released before the next frame
// would be lost (the app draws only after a change).
std::vector<std::pair<int, int>> key_nudges;

void on_key(GLFWwindow*, int key, int, int action, int mods) {
  if (action == GLFW_RELEASE || !(mods & GLFW_MOD_SHIFT)) return;
  if (key == GLFW_KEY_LEFT) key_nudges.push_back({-1, 0});
  if (key == GLFW_KEY_RIGHT) key_nudges.push_back({1, 0});
  if (key == GLFW_KEY_UP) key_nudges.push_back({0, -1});
  if (key == GLFW_KEY_DOWN) key_nudges.push_back({0, 1});
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
  for (const auto& [dx, dy] : key_nudges) nudge(dx, dy);
}

// Every model's panels back to empty, until there is a drawing to analyse.
void clear_results() {
  for (auto& m : app.models) {
    m.has_result = false;
    m.trail.clear();
    m.descriptor.clear();
    std::fill(m.canonical.begin(), m.canonical.end(), 0.f);
    std::fill(m.restored.begin(), m.restored.end(), 0.f);
    m.canonical_tex.upload(m.canonical.data(), kSide, kSide);
    m.restored_tex.upload(m.restored.data(), kSide, kSide);
  }
}

void request_analysis() {
  if (app.in_flight) {
    app.pending = true;
    return;
  }
  app.in_flight = true;
  app.pending = false;
  // The page's bridge runs tiae.analyze for each model and calls app_set_result.
  EM_ASM({ Module.tiaeAnalyze(HEAPF32.slice($0 >> 2, ($0 >> 2) + 1024)); }, app.input.data());
}

// An image under a caption in words; `formula` (if any) shows when the pointer rests on it.
void image_panel(const char* label, const Texture& tex, float size, const char* formula = nullptr) {
  ImGui::BeginGroup();
  ImGui::TextUnformatted(label);
  if (tex.id) ImGui::Image(tex.imgui(), ImVec2(size, size));
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

void upload_rgba(GLuint& id, const unsigned char* rgba, int w, int h) {
  if (!id) glGenTextures(1, &id);
  glBindTexture(GL_TEXTURE_2D, id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

// Where fitted_image put the image: its top-left corner and its scale (screen px per
// image px).
struct Placement {
  ImVec2 at{0, 0};
  float scale = 0;
};

// An image fitted into a box, keeping its aspect ratio.
Placement fitted_image(GLuint tex, int w, int h, ImVec2 box, const char* empty_text) {
  Placement placed;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + box.x, p0.y + box.y), IM_COL32(20, 20, 24, 255));
  if (tex && w > 0 && h > 0) {
    const float scale = std::min(box.x / w, box.y / h);
    const ImVec2 size(w * scale, h * scale), at(p0.x + (box.x - size.x) / 2, p0.y + (box.y - size.y) / 2);
    dl->AddImage((ImTextureID)(intptr_t)tex, at, ImVec2(at.x + size.x, at.y + size.y));
    placed = {at, scale};
  } else {
    const ImVec2 t = ImGui::CalcTextSize(empty_text);
    dl->AddText(ImVec2(p0.x + (box.x - t.x) / 2, p0.y + (box.y - t.y) / 2), IM_COL32(140, 140, 150, 255), empty_text);
  }
  dl->AddRect(p0, ImVec2(p0.x + box.x, p0.y + box.y), IM_COL32(90, 90, 100, 255));
  ImGui::Dummy(box);
  return placed;
}

// The glyph size as a square in the image's top-left corner, to hold against its capitals.
void glyph_box(const Placement& p, float glyph_size, float preview_w, float full_w) {
  if (p.scale <= 0 || full_w <= 0) return;
  const float side = glyph_size * p.scale * preview_w / full_w, m = px(6);
  const ImVec2 a(p.at.x + m, p.at.y + m), b(a.x + side, a.y + side);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(a, b, IM_COL32(255, 230, 0, 255), 0, 0, px(2));
  dl->AddText(ImVec2(b.x + px(4), a.y), IM_COL32(255, 230, 0, 255), "glyph size");
}

// Wide screens: two boxes side by side filling the height left; narrow: one under the
// other, each as wide as the screen and as high as `aspect` (h / w) says.
ImVec2 pane_size(int panes, float aspect) {
  const float avail_w = ImGui::GetContentRegionAvail().x;
  if (screen.narrow) return ImVec2(avail_w, std::clamp(avail_w * aspect, px(120), px(420)));
  return ImVec2((avail_w - px(16) * (panes - 1)) / panes, std::max(px(120), ImGui::GetContentRegionAvail().y - px(24)));
}
void next_pane() {
  if (!screen.narrow) ImGui::SameLine(0, px(16));
}

// A control's label: beside it on wide screens, above it at full width on narrow ones.
// Returns the label to give the control.
std::string field(const char* label, float width = 220) {
  if (!screen.narrow) {
    ImGui::SetNextItemWidth(px(width));
    return label;
  }
  ImGui::TextUnformatted(label);
  ImGui::SetNextItemWidth(-FLT_MIN);
  return std::string("##") + label;
}

// "about N windows, about T s here" before a run (the rate measured on this device).
void estimate_line(const WorkEstimate& e, float full_w, float full_h, float glyph_size, int stride, int reach = 0) {
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

// What both image tabs start with: open a file or the example, then the glyph size and the
// stride. which: 0 the Extract tab (a photo), 1 the Documents tab (a page). reach > 0: a
// fully convolutional model, whose stride is its own (the slider is shown disabled).
void source_controls(int which, float& glyph_size, int& stride, int min_stride, int max_stride, int reach = 0) {
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

void extract_tab() {
  ExtractView& e = app.extract;
  const int reach = e.reach();
  if (reach > 0) ImGui::TextWrapped("Pull handwriting out of a photo: the fully convolutional foreground extractor runs on "
                                    "%dx%d windows.", tiae::kConvPatch, tiae::kConvPatch);
  else ImGui::TextWrapped("Pull handwriting out of a photo: the foreground-extraction auto-encoder runs on every 32x32 window.");
  source_controls(0, e.glyph_size, e.stride, 2, 32, reach);
  // Always there (disabled until the list comes), so the controls below never move.
  const std::string model_label = field("model");
  ImGui::BeginDisabled(e.models.size() < 2);
  if (ImGui::BeginCombo(model_label.c_str(), e.models.empty() ? "(loading the list)" : e.models[size_t(e.model)].c_str())) {
    for (size_t i = 0; i < e.models.size(); ++i)
      if (ImGui::Selectable(e.models[i].c_str(), int(i) == e.model)) e.model = int(i);
    ImGui::EndCombo();
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("pages-fg-mean (fully convolutional on colour, the default where the page has it: the mean of the "
                      "weights of pages-fg-colour and pages-fg-hues, its fine-tune), pages-fg-clutter and pages-fg-conv (the same "
                      "on gray) and mnist-fg-photo-text are trained on pages; the others on single digits");
  estimate_line(e.estimate, e.full_w, e.full_h, e.glyph_size, e.stride, reach);
  if (e.busy) {
    if (ImGui::Button("Cancel")) EM_ASM({ Module.tiaeCancel(0); });
  } else {
    ImGui::BeginDisabled(!e.photo);
    if (ImGui::Button("Extract")) {
      e.busy = true;
      e.failed = false;
      e.progress = 0;
      e.message = "extracting...";
      EM_ASM({ Module.tiaeExtract($0, $1, UTF8ToString($2)); }, e.glyph_size, e.stride,
             e.models.empty() ? "" : e.models[size_t(e.model)].c_str());
    }
    ImGui::EndDisabled();
  }
  remember("extract-button");
  ImGui::SameLine();
  ImGui::BeginDisabled(e.busy || !e.result);
  if (ImGui::Button("Download PNG")) EM_ASM({ Module.tiaeDownload(); });
  ImGui::EndDisabled();
  if (!screen.narrow) ImGui::SameLine();
  progress(e.progress);
  message_line(e.message, e.failed);
  const ImVec2 box = pane_size(2, e.photo_w > 0 ? float(e.photo_h) / e.photo_w : 0.75f);
  ImGui::BeginGroup();
  ImGui::Text("photo %s", e.photo_name.c_str());
  glyph_box(fitted_image(e.photo, e.photo_w, e.photo_h, box, "no photo yet"), e.glyph_size, float(e.photo_w), e.full_w);
  ImGui::EndGroup();
  next_pane();
  ImGui::BeginGroup();
  ImGui::TextUnformatted("foreground (ink white)");
  fitted_image(e.result, e.result_w, e.result_h, box, e.busy ? "working..." : "press Extract");
  ImGui::EndGroup();
}

// The page with the heat map, its peaks (dots) and the selected cluster's members (boxes).
void document_page(DocumentView& d, ImVec2 box) {
  const Placement p = fitted_image(d.page, d.page_w, d.page_h, box, d.busy ? "working..." : "no page yet");
  if (p.scale <= 0) return;
  glyph_box(p, d.glyph_size, float(d.page_w), d.full_w);
  const float s = p.scale * d.page_w / d.full_w;  // screen px per page px
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto screen_at = [&](const float* xy) { return ImVec2(p.at.x + xy[0] * s, p.at.y + xy[1] * s); };
  for (size_t i = 0; i + 1 < d.peaks.size(); i += 2) dl->AddCircleFilled(screen_at(&d.peaks[i]), px(2), IM_COL32(255, 255, 255, 200));
  if (d.selected < 0 || d.selected >= int(d.clusters.size())) return;
  const float half = 0.6f * d.glyph_size * s;
  const auto& members = d.clusters[size_t(d.selected)].members;
  for (size_t i = 0; i + 1 < members.size(); i += 2) {
    const ImVec2 c = screen_at(&members[i]);
    dl->AddRect(ImVec2(c.x - half, c.y - half), ImVec2(c.x + half, c.y + half), IM_COL32(255, 230, 0, 255), 0, 0, px(2));
  }
}

// The clusters, largest first: each one's canonical shape and size; a click selects it.
void cluster_gallery(DocumentView& d, ImVec2 box) {
  ImGui::BeginChild("clusters", box, true);
  if (d.clusters.empty()) ImGui::TextDisabled("the clusters appear here");
  for (size_t c = 0; c < d.clusters.size(); ++c) {
    ImGui::PushID(int(c));
    const ImVec2 at = ImGui::GetCursorPos();
    if (ImGui::Selectable("##cluster", d.selected == int(c), 0, ImVec2(0, px(40)))) d.selected = d.selected == int(c) ? -1 : int(c);
    ImGui::SetCursorPos(at);
    ImGui::Image(d.clusters[c].canonical.imgui(), px(40, 40));
    ImGui::SameLine();
    ImGui::Text("cluster %zu\n%zu on the page", c, d.clusters[c].members.size() / 2);
    ImGui::PopID();
  }
  ImGui::EndChild();
}

void document_tab() {
  DocumentView& d = app.document;
  ImGui::TextWrapped("Find the characters of a page without being told what a character is. Every 32x32 window of the page "
                     "goes through the shift-invariant auto-encoder; its estimated shift points at where its typical shape "
                     "sits. Counting where the windows point lights up the characters (red: often). The windows on those "
                     "spots are then grouped by their descriptors (mean shift): one group per kind of character.");
  source_controls(1, d.glyph_size, d.stride, 1, 16);
  if (d.page) estimate_line(d.estimate, d.full_w, d.full_h, d.glyph_size, d.stride);
  if (d.busy) {
    if (ImGui::Button("Cancel")) EM_ASM({ Module.tiaeCancel(1); });
  } else {
    ImGui::BeginDisabled(!d.page);
    if (ImGui::Button("Find characters")) {
      d.busy = true, d.failed = false, d.progress = 0;
      d.message = "analysing...";
      EM_ASM({ Module.tiaeDocument($0, $1); }, d.glyph_size, d.stride);
    }
    ImGui::EndDisabled();
  }
  remember("document-button");
  if (!screen.narrow) ImGui::SameLine();
  progress(d.progress);
  message_line(d.message, d.failed);
  const float gallery = px(230);
  if (screen.narrow) {
    document_page(d, pane_size(1, d.page_w > 0 ? float(d.page_h) / d.page_w : 1.3f));
    cluster_gallery(d, ImVec2(ImGui::GetContentRegionAvail().x, px(260)));
    return;
  }
  const float h = ImGui::GetContentRegionAvail().y - px(8);
  document_page(d, ImVec2(ImGui::GetContentRegionAvail().x - gallery - px(12), h));
  ImGui::SameLine(0, px(12));
  cluster_gallery(d, ImVec2(gallery, h));
}

// An example digit (32x32) drawn into the drawing buffer, bilinearly enlarged.
void load_example(const std::vector<float>& digit) {
  app.undo.push_back(app.drawing);
  const float step = float(kSide) / kDraw;
  for (int y = 0; y < kDraw; ++y)
    for (int x = 0; x < kDraw; ++x) {
      const float sx = std::clamp((x + 0.5f) * step - 0.5f, 0.f, kSide - 1.f), sy = std::clamp((y + 0.5f) * step - 0.5f, 0.f, kSide - 1.f);
      const int x0 = int(sx), y0 = int(sy), x1 = std::min(x0 + 1, kSide - 1), y1 = std::min(y0 + 1, kSide - 1);
      const float fx = sx - x0, fy = sy - y0;
      auto at = [&](int u, int v) { return digit[size_t(v) * kSide + u]; };
      app.drawing[size_t(y) * kDraw + x] =
          (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
    }
  app.dirty = true;
}

void example_buttons() {
  ImGui::TextUnformatted("or an example:");
  for (size_t d = 0; d < app.examples.size(); ++d) {
    ImGui::SameLine(0, px(3));
    ImGui::PushID(int(d));
    if (ImGui::SmallButton(std::to_string(d).c_str())) load_example(app.examples[d]);
    remember(("example-" + std::to_string(d)).c_str());
    ImGui::PopID();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a digit of MNIST's test set");
}

// The Draw tab's left column: the drawing, its tools, and the network's input.
void drawing_column() {
  ImGui::BeginGroup();
  ImGui::TextUnformatted("Draw a digit, then draw it again elsewhere");
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float side = px(kDraw), per_pixel = side / kDraw;  // device px per drawing pixel
  ImGui::InvisibleButton("canvas", ImVec2(side, side));
  remember("draw-canvas");
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  if (ImGui::IsItemActivated()) {
    app.undo.push_back(app.drawing);
    if (app.undo.size() > 30) app.undo.erase(app.undo.begin());
    app.last_pen = ImVec2(-1, -1);
  }
  if (active) {
    const ImVec2 pen((ImGui::GetIO().MousePos.x - origin.x) / per_pixel, (ImGui::GetIO().MousePos.y - origin.y) / per_pixel);
    paint(app.last_pen.x < 0 ? pen : app.last_pen, pen);
    app.last_pen = pen;
  }
  if (app.dirty) {
    app.drawing_tex.upload(app.drawing.data(), kDraw, kDraw);
    app.input = tiae::resample_area(app.drawing.data(), kDraw, kDraw, kSide);
    app.input_tex.upload(app.input.data(), kSide, kSide);
    app.dirty = false;
    // A blank canvas has no shape to analyse (its "shift" would be a meaningless (+8, +8)).
    if (has_ink()) request_analysis();
    else clear_results();
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddImage(app.drawing_tex.imgui(), origin, ImVec2(origin.x + side, origin.y + side));
  dl->AddRect(origin, ImVec2(origin.x + side, origin.y + side), hovered ? IM_COL32(120, 170, 255, 255) : IM_COL32(90, 90, 100, 255));
  if (!app.examples.empty()) example_buttons();
  ImGui::SetNextItemWidth(px(140));
  ImGui::SliderFloat("brush", &app.brush, 4.f, 24.f, "%.0f px");
  if (ImGui::Button("Clear")) {
    app.undo.push_back(app.drawing);
    std::fill(app.drawing.begin(), app.drawing.end(), 0.f);
    app.dirty = true;
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(app.undo.empty());
  if (ImGui::Button("Undo")) {
    app.drawing = app.undo.back();
    app.undo.pop_back();
    app.dirty = true;
  }
  ImGui::EndDisabled();
  nudge_controls();
  image_panel("network input (32x32)", app.input_tex, px(96));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
  ImGui::TextDisabled("Move your digit around (the arrows above, or Shift + arrow keys): the TIAE's canonical shape, "
                      "descriptor and point stay put while its estimated shift follows the digit; the ordinary "
                      "auto-encoder's all move.");
  ImGui::TextWrapped("%s", app.status.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// One column per model: its canonical shape, restored image, shift, descriptor and point.
void model_column(int k) {
  ModelView& m = app.models[k];
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

// Wide: the drawing and both models in one row. Narrow: one under the other.
void draw_tab() {
  drawing_column();
  for (int k = 0; k < kModels; ++k) {
    if (screen.narrow) ImGui::Spacing();
    else ImGui::SameLine(0, px(24));
    model_column(k);
  }
}

// Fonts and style at the screen's scale: ImGui's font rasterised at 13 px x scale (crisp at
// any pixel ratio, where scaling the 13 px atlas would blur), sizes and paddings alike.
bool scale_changed = true;
void apply_scale() {
  const float s = screen.dpr * screen.ui;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.SizePixels = std::round(13 * s);
  io.Fonts->AddFontDefault(&font);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.ScaleAllSizes(s);
  ImGui::GetStyle() = style;
  scale_changed = false;
}

// A tab that can be brought forward (a dropped file) and whose header the tests can find.
bool tab(const char* title, const char* name, bool& select) {
  const bool open = ImGui::BeginTabItem(title, nullptr, select ? ImGuiTabItemFlags_SetSelected : 0);
  remember(name);
  select = false;
  return open;
}

// On a narrow screen the canvas is as tall as its contents: the page resizes it.
void report_height(float content_bottom) {
  const float css = std::ceil(content_bottom / screen.dpr);
  if (screen.narrow && std::abs(css - float(screen.css_h)) > 2) EM_ASM({ Module.tiaeContentHeight($0); }, css);
}

// Frames still to draw. An idle page draws nothing (the canvas keeps its last picture): with
// a software renderer a frame of the full-width canvas costs CPU that long work in the page
// needs. Input and every call from the page set it again (app_wake, web/app.js).
int frames_left = 6;

void frame() {
  if (frames_left <= 0) return;
  --frames_left;
  glfwPollEvents();
  rects.clear();  // only what this frame shows
  if (scale_changed) apply_scale();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();

  int width, height;
  glfwGetFramebufferSize(app.window, &width, &height);
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(float(width), float(height)));
  ImGui::Begin("TIAE", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  static bool never = false;
  if (ImGui::BeginTabBar("views")) {
    if (tab("Draw a digit", "tab-draw", never)) {
      draw_tab();
      ImGui::EndTabItem();
    }
    // A dropped or chosen photo or page brings its tab forward.
    if (tab(screen.narrow ? "Extract" : "Extract handwriting from a photo", "tab-extract", app.extract.select_tab)) {
      extract_tab();
      ImGui::EndTabItem();
    }
    app.document.active = tab(screen.narrow ? "Characters" : "Find characters on a page", "tab-document", app.document.select_tab);
    if (app.document.active) {
      document_tab();
      ImGui::EndTabItem();
    }
    if (tab(screen.narrow ? "Grasp" : "Grasp: hand and object", "tab-grasp", never)) {
      grasp_tab();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  const float content_bottom = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
  ImGui::End();

  ImGui::Render();
  glViewport(0, 0, width, height);
  glClearColor(0.12f, 0.12f, 0.14f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  key_nudges.clear();  // used by the Draw tab if it is shown, else dropped
  report_height(content_bottom);
}

}  // namespace

extern "C" {

// Something changed (input, a result, a resize): draw the next few frames (ImGui settles a
// hover or a click over two or three).
EMSCRIPTEN_KEEPALIVE void app_wake() { frames_left = std::max(frames_left, 6); }

// Results of tiae.analyze for one model (0: AE, 1: TIAE).
EMSCRIPTEN_KEEPALIVE void app_set_result(int model, const float* descriptor, int dim, const float* canonical,
                                         const float* restored, int dx, int dy) {
  if (model < 0 || model >= kModels || !has_ink()) return;  // a result for a drawing since cleared
  ModelView& m = app.models[model];
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
  m.canonical_tex.upload(m.canonical.data(), kSide, kSide);
  m.restored_tex.upload(m.restored.data(), kSide, kSide);
}

// All models answered: send the latest drawing if it changed meanwhile.
EMSCRIPTEN_KEEPALIVE void app_analysis_done() {
  app.in_flight = false;
  if (app.pending) request_analysis();
}

// The descriptor space of a model: n points (x, y) with labels, and the PCA that made them.
EMSCRIPTEN_KEEPALIVE void app_set_space(int model, const float* xy, const int* labels, int n, const float* mean,
                                        const float* axes, int dim) {
  if (model < 0 || model >= kModels) return;
  ModelView& m = app.models[model];
  m.points.assign(xy, xy + 2 * n);
  m.labels.assign(labels, labels + n);
  m.projection.dim = dim;
  m.projection.mean.assign(mean, mean + dim);
  m.projection.axes.assign(axes, axes + 2 * dim);
  for (int a = 0; a < 2; ++a) {
    m.lo[a] = 1e30f, m.hi[a] = -1e30f;
    for (int i = 0; i < n; ++i) m.lo[a] = std::min(m.lo[a], xy[2 * i + a]), m.hi[a] = std::max(m.hi[a], xy[2 * i + a]);
    if (m.hi[a] <= m.lo[a]) m.hi[a] = m.lo[a] + 1;
  }
}

EMSCRIPTEN_KEEPALIVE void app_set_status(const char* text) { app.status = text; }

// The canvas's CSS size and the device's pixel ratio (the page calls this on load and on
// every resize): the drawing buffer, the scale and the layout follow. Returns 1 when the
// layout is narrow (the page then sizes the canvas's height to the contents).
EMSCRIPTEN_KEEPALIVE int app_resize(int css_w, int css_h, float dpr) {
  const bool narrow = css_w < 920;
  const float ui = narrow ? std::clamp((css_w - 16) / 300.f, 1.f, 1.5f)
                          : std::clamp(std::min(css_w / 960.f, css_h / 680.f), 1.f, 2.5f);
  if (ui != screen.ui || dpr != screen.dpr) scale_changed = true;
  screen = Screen{dpr, ui, css_w, css_h, narrow};
  glfwSetWindowSize(app.window, int(std::lround(css_w * dpr)), int(std::lround(css_h * dpr)));
  return narrow ? 1 : 0;
}

// For tests: where a remembered control was last drawn, in CSS px from the canvas's corner
// (x, y, width, height into out); 0 if never drawn.
EMSCRIPTEN_KEEPALIVE int app_rect(const char* name, float* out) {
  const auto it = rects.find(name);
  if (it == rects.end()) return 0;
  const ImVec4 r = it->second;
  const float k = 1 / screen.dpr;
  out[0] = r.x * k, out[1] = r.y * k, out[2] = (r.z - r.x) * k, out[3] = (r.w - r.y) * k;
  return 1;
}

// A 32x32 example digit for the Draw tab's example buttons, one per call, in class order.
EMSCRIPTEN_KEEPALIVE void app_digit_example(const float* pixels) { app.examples.emplace_back(pixels, pixels + kSide * kSide); }

// The windows tab `which`'s estimate counts for an image of w x h px with a model of this
// reach (0: dense; the page turns a run's time into a rate with it).
EMSCRIPTEN_KEEPALIVE int app_windows(int which, float w, float h, float glyph_size, int stride, int reach) {
  return int((which == 0 ? app.extract.estimate : app.document.estimate).windows(w, h, glyph_size, std::max(1, stride), reach));
}

// The glyph size of the model tab `which` runs, from its card.
EMSCRIPTEN_KEEPALIVE void app_set_model_glyph_size(int which, float px) {
  if (px >= 2 && px <= 2000) (which == 0 ? app.extract.estimate : app.document.estimate).model_glyph_size = px;
}

// The estimate before a run of tab `which` (0 Extract, 1 Documents) at its current
// settings: out = {windows, seconds (0: no rate yet)}; returns 0 when no image is open.
EMSCRIPTEN_KEEPALIVE int app_estimate(int which, float* out) {
  const bool extract = which == 0;
  const WorkEstimate& e = extract ? app.extract.estimate : app.document.estimate;
  const float w = extract ? app.extract.full_w : app.document.full_w, h = extract ? app.extract.full_h : app.document.full_h;
  if (w <= 0 || (!extract && !app.document.page)) return 0;
  const int reach = extract ? app.extract.reach() : 0;
  out[0] = float(e.windows(w, h, extract ? app.extract.glyph_size : app.document.glyph_size,
                           extract ? app.extract.stride : app.document.stride, reach));
  out[1] = e.rate(reach) > 0 ? std::ceil(out[0] / e.rate(reach)) : 0;
  return 1;
}

// Windows per second measured on this device by a run of the Extract (which 0) or
// Documents (1) tab with a model of this reach: the estimate shown before the next run of
// such a model.
EMSCRIPTEN_KEEPALIVE void app_set_rate(int which, float windows_per_s, int reach) {
  WorkEstimate& e = which == 0 ? app.extract.estimate : app.document.estimate;
  e.windows_per_s = windows_per_s;
  e.rate_reach = reach;
}

// Extract tab. which 0: the photo (named, of full_w x full_h px), 1: the foreground; rgba
// previews.
EMSCRIPTEN_KEEPALIVE void app_extract_image(int which, const unsigned char* rgba, int w, int h, const char* name, float full_w,
                                            float full_h) {
  ExtractView& e = app.extract;
  if (which == 0) {
    upload_rgba(e.photo, rgba, w, h);
    e.photo_w = w, e.photo_h = h;
    e.full_w = full_w, e.full_h = full_h;
    e.photo_name = name;
    if (e.result) glDeleteTextures(1, &e.result);
    e.result = 0;
    e.progress = 0;
    e.message.clear();
    e.failed = false;
    e.select_tab = true;
  } else {
    upload_rgba(e.result, rgba, w, h);
    e.result_w = w, e.result_h = h;
  }
}
EMSCRIPTEN_KEEPALIVE void app_extract_progress(float fraction) { app.extract.progress = fraction; }
// The Extract tab's model choices (name per line), the first the default.
EMSCRIPTEN_KEEPALIVE void app_extract_models(const char* names) {
  app.extract.models.clear();
  for (std::string rest = names; !rest.empty();) {
    const size_t end = rest.find('\n');
    app.extract.models.push_back(rest.substr(0, end));
    rest = end == std::string::npos ? "" : rest.substr(end + 1);
  }
  app.extract.reaches.assign(app.extract.models.size(), 0);
  app.extract.model = 0;
}
// The reach of the Extract tab's model `index` (of app_extract_models): 0 dense, else a
// fully convolutional model's (its windows and the estimate follow).
EMSCRIPTEN_KEEPALIVE void app_extract_model_reach(int index, int reach) {
  if (index < 0 || size_t(index) >= app.extract.reaches.size()) return;
  app.extract.reaches[size_t(index)] = std::clamp(reach, 0, tiae::kConvPatch / 2 - 1);  // as convolutional_windows
}
// The end of a request: a message, and whether it failed.
EMSCRIPTEN_KEEPALIVE void app_extract_done(const char* message, int failed) {
  app.extract.busy = false;
  app.extract.message = message;
  app.extract.failed = failed != 0;
  if (failed) app.extract.select_tab = true;
}

// Documents tab. The page preview (rgba w x h) of a page of full_w x full_h px; a new
// page clears the last analysis.
EMSCRIPTEN_KEEPALIVE void app_document_image(const unsigned char* rgba, int w, int h, float full_w, float full_h,
                                             const char* name, int fresh) {
  DocumentView& d = app.document;
  upload_rgba(d.page, rgba, w, h);
  d.page_w = w, d.page_h = h, d.full_w = full_w, d.full_h = full_h;
  if (!fresh) return;
  d.name = name;
  d.peaks.clear();
  d.clusters.clear();
  d.selected = -1;
  d.progress = 0;
  d.message = std::string(name) + ": press Find characters";
  d.failed = false;
  d.select_tab = true;
}
// The glyph size measured from a newly opened photo (which 0) or page (1): the slider's
// value, and a word on it (unless a run has started meanwhile: its messages come first).
EMSCRIPTEN_KEEPALIVE void app_set_glyph_size(int which, float px, const char* message) {
  if (px >= 6 && px <= 200) (which == 0 ? app.extract.glyph_size : app.document.glyph_size) = px;
  const bool busy = which == 0 ? app.extract.busy : app.document.busy;
  if (!busy) (which == 0 ? app.extract.message : app.document.message) = message;
}
EMSCRIPTEN_KEEPALIVE void app_document_peaks(const float* xy, int n) { app.document.peaks.assign(xy, xy + 2 * n); }
EMSCRIPTEN_KEEPALIVE void app_document_cluster(const float* canonical, const float* members, int n) {
  DocumentView::Cluster c;
  c.canonical.upload(canonical, kSide, kSide);
  c.members.assign(members, members + 2 * n);
  app.document.clusters.push_back(std::move(c));
}
EMSCRIPTEN_KEEPALIVE void app_document_progress(float fraction) { app.document.progress = fraction; }
EMSCRIPTEN_KEEPALIVE void app_document_done(const char* message, int failed) {
  app.document.busy = false;
  app.document.message = message;
  app.document.failed = failed != 0;
}
// Whether a dropped file is a page for the Documents tab (it is the one shown).
EMSCRIPTEN_KEEPALIVE int app_document_active() { return app.document.active ? 1 : 0; }
// For tests: select cluster c (as a click does); the number of boxes drawn.
EMSCRIPTEN_KEEPALIVE int app_document_select(int c) {
  app.document.selected = c;
  return c >= 0 && c < int(app.document.clusters.size()) ? int(app.document.clusters[size_t(c)].members.size() / 2) : 0;
}

// For tests: the sum of a model's canonical image (0 before any result).
EMSCRIPTEN_KEEPALIVE float app_canonical_sum(int model) {
  if (model < 0 || model >= kModels || !app.models[model].has_result) return 0;
  float s = 0;
  for (float v : app.models[model].canonical) s += v;
  return s;
}

}  // extern "C"

int main() {
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  app.window = glfwCreateWindow(960, 620, "TIAE", nullptr, nullptr);
  if (!app.window) return 1;
  glfwMakeContextCurrent(app.window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // Tab and the arrows reach every control
  ImGui::StyleColorsDark();
  glfwSetKeyCallback(app.window, on_key);  // before ImGui's, which calls it on from its own
  ImGui_ImplGlfw_InitForOpenGL(app.window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
