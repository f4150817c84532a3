// The demo's canvas: Dear ImGui on GLFW + OpenGL ES 3 (WebGL2), five tabs, each in its own
// file: Draw (draw_tab.cpp), Extract (extract_tab.cpp), Documents (document_tab.cpp), Grasp
// (grasp_tab.cpp), Depth (depth_tab.cpp). This file holds the frame, the layout at the screen's scale, and the
// calls the page (web/app.js) makes into the app.
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "depth_tab.h"
#include "document_tab.h"
#include "draw_tab.h"
#include "extract_tab.h"
#include "grasp_tab.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "imgui_internal.h"  // NavInitWindow: the keyboard's cursor on the first control
#include "nudge.h"
#include "screen.h"

Screen screen;

namespace {

GLFWwindow* window = nullptr;
std::map<std::string, ImVec4> rects;  // remember(): name -> min x, min y, max x, max y (device px)

}  // namespace

void remember(const char* name) { remember_rect(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax()); }
void remember_rect(const char* name, ImVec2 a, ImVec2 b) { rects[name] = ImVec4(a.x, a.y, b.x, b.y); }

namespace {

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

// The tabs, in order, by the names the page uses (its URL, web/app.js).
const char* kTabNames[] = {"draw", "extract", "documents", "grasp", "depth"};
int select_request = -1;  // a tab the page asked for (app_select_tab), brought forward next frame
int shown_tab = -1;       // the tab drawn last, told to the page when it changes

// A tab that can be brought forward (a dropped file, the page's URL) and whose header the
// tests can find.
bool tab(int index, const char* title, const char* name, bool& select) {
  const bool forward = select || select_request == index;
  const bool open = ImGui::BeginTabItem(title, nullptr, forward ? ImGuiTabItemFlags_SetSelected : 0);
  remember(name);
  select = false;
  if (open && shown_tab != index) {
    shown_tab = index;
    EM_ASM({ Module.tiaeTabShown(UTF8ToString($0)); }, kTabNames[index]);
  }
  return open;
}

void tabs() {
  static bool never = false;
  if (!ImGui::BeginTabBar("views")) return;
  if (tab(0, screen.narrow ? "Draw" : "Draw a digit", "tab-draw", never)) {
    draw_tab();
    ImGui::EndTabItem();
  }
  // A dropped or chosen photo or page brings its tab forward.
  if (tab(1, screen.narrow ? "Extract" : "Extract handwriting from a photo", "tab-extract", extract.select_tab)) {
    extract_tab();
    ImGui::EndTabItem();
  }
  document.active = tab(2, screen.narrow ? "Characters" : "Find characters on a page", "tab-document", document.select_tab);
  if (document.active) {
    document_tab();
    ImGui::EndTabItem();
  }
  if (tab(3, screen.narrow ? "Grasp" : "Grasp: hand and object", "tab-grasp", never)) {
    grasp_tab();
    ImGui::EndTabItem();
  }
  depth.active = tab(4, screen.narrow ? "Depth" : "Depth: a hand", "tab-depth", depth.select_tab);
  if (depth.active) {
    depth_tab();
    ImGui::EndTabItem();
  }
  select_request = -1;
  ImGui::EndTabBar();
}

// Frames still to draw. An idle page draws nothing (the canvas keeps its last picture): with
// a software renderer a frame of the full-width canvas costs CPU that long work in the page
// needs. Input and every call from the page set it again (app_wake, web/app.js).
int frames_left = 6;

// ---- keys

// Keys pressed and not yet seen by ImGui, first first, and the one held down for this frame
// only: ImGui 1.86 reads which keys are down once a frame, and the app draws only after a
// change, so a press that starts and ends between two frames (a quick tap, or a script's)
// would be lost, and two such taps would come as one chord. Each gets a frame of its own.
std::deque<int> pressed;
int held = -1;
bool keyboard_arrived = false;  // the focus came by Tab: show the keyboard's cursor

void on_key(GLFWwindow*, int key, int, int action, int mods) {
  if (action == GLFW_PRESS && key >= 0 && key < 512) pressed.push_back(key);
  nudge_key(key, action, mods);
}

// Before ImGui's frame: the next tap held down, Enter pressing a control as Space does (ImGui
// 1.86 gives Enter to text fields only).
void feed_keys() {
  ImGuiIO& io = ImGui::GetIO();
  if (held >= 0) io.KeysDown[held] = glfwGetKey(window, held) == GLFW_PRESS;
  held = -1;
  while (!pressed.empty() && held < 0) {
    const int key = pressed.front();
    pressed.pop_front();
    if (!io.KeysDown[key]) io.KeysDown[key] = true, held = key;
  }
  if (held >= 0 || !pressed.empty()) frames_left = std::max(frames_left, 2);  // a frame to let each go
  if (io.KeysDown[GLFW_KEY_ENTER] || io.KeysDown[GLFW_KEY_KP_ENTER]) io.NavInputs[ImGuiNavInput_Activate] = 1;
}

// In the app's window: the focus just came by keyboard, so the keyboard's cursor shows on the
// first control, as if an arrow had been pressed.
void keyboard_cursor() {
  if (!keyboard_arrived) return;
  keyboard_arrived = false;
  ImGuiContext& g = *GImGui;
  ImGui::SetWindowFocus();
  g.NavDisableHighlight = false;
  g.NavDisableMouseHover = true;
  if (g.NavId == 0) ImGui::NavInitWindow(ImGui::GetCurrentWindow(), true);
}

// On a narrow screen the canvas is as tall as its contents: the page resizes it.
void report_height(float content_bottom) {
  const float css = std::ceil(content_bottom / screen.dpr);
  if (screen.narrow && std::abs(css - float(screen.css_h)) > 2) EM_ASM({ Module.tiaeContentHeight($0); }, css);
}

int frames_drawn = 0;  // for tests: how often the page drew

// The band of the canvas inside the browser's window, in CSS px from the canvas's top (the page
// says, app_view). On a phone the canvas is as tall as its contents and the page scrolls it:
// only that band is drawn, and the rest keeps its last picture (preserveDrawingBuffer), so a
// frame costs the software renderer a screen's pixels, not the whole column's.
float view_top = 0, view_bottom = 1e9f;

// Every draw command's clip rectangle cut to the band (device px): ImGui still lays out and
// answers input everywhere (keyboard navigation reaches controls out of view), but only the
// band is rasterised.
void draw_only_between(float top, float bottom) {
  ImDrawData* data = ImGui::GetDrawData();
  for (int i = 0; i < data->CmdListsCount; ++i)
    for (ImDrawCmd& cmd : data->CmdLists[i]->CmdBuffer) {
      cmd.ClipRect.y = std::max(cmd.ClipRect.y, top);
      cmd.ClipRect.w = std::min(cmd.ClipRect.w, bottom);
    }
}

void frame() {
  if (frames_left <= 0) return;
  --frames_left;
  ++frames_drawn;
  glfwPollEvents();
  rects.clear();  // only what this frame shows
  if (scale_changed) apply_scale();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  feed_keys();
  ImGui::NewFrame();

  int width, height;
  glfwGetFramebufferSize(window, &width, &height);
  const float top = std::clamp(view_top * screen.dpr, 0.f, float(height));
  const float bottom = std::clamp(view_bottom * screen.dpr, top, float(height));
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(float(width), float(height)));
  ImGui::Begin("TIAE", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
  keyboard_cursor();
  tabs();
  const float content_bottom = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
  ImGui::End();

  ImGui::Render();
  draw_only_between(top, bottom);
  glViewport(0, 0, width, height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(0, int(height - bottom), width, int(std::ceil(bottom - top)) + 1);
  glClearColor(0.064f, 0.064f, 0.065f, 1);  // ImGui's dark window background, as the window once drew it
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  nudge_frame_end();  // Shift + arrows: taken by the tab shown, if it moves things, else dropped
  report_height(content_bottom);
}

WorkEstimate& estimate_of(int which) { return which == 0 ? extract.estimate : document.estimate; }

}  // namespace

extern "C" {

// ---- the app as a whole

// Something changed (input, a result, a resize): draw the next few frames (ImGui settles a
// hover or a click over two or three).
EMSCRIPTEN_KEEPALIVE void app_wake() { frames_left = std::max(frames_left, 6); }

// The canvas's CSS size and the device's pixel ratio (the page calls this on load and on
// every resize): the drawing buffer, the scale and the layout follow. Returns 1 when the
// layout is narrow (the page then sizes the canvas's height to the contents).
EMSCRIPTEN_KEEPALIVE int app_resize(int css_w, int css_h, float dpr) {
  const bool narrow = css_w < 920;
  const float ui = narrow ? std::clamp((css_w - 16) / 300.f, 1.f, 1.5f)
                          : std::clamp(std::min(css_w / 960.f, css_h / 680.f), 1.f, 2.5f);
  if (ui != screen.ui || dpr != screen.dpr) scale_changed = true;
  screen = Screen{dpr, ui, css_w, css_h, narrow};
  glfwSetWindowSize(window, int(std::lround(css_w * dpr)), int(std::lround(css_h * dpr)));
  return narrow ? 1 : 0;
}

// The wheel, in notches (positive: away from the user), over the app where it zooms or scrolls.
EMSCRIPTEN_KEEPALIVE void app_wheel(float notches) { ImGui::GetIO().MouseWheel += notches; }

// The band of the canvas the browser's window shows, in CSS px from its top.
EMSCRIPTEN_KEEPALIVE void app_view(float top, float bottom) { view_top = top, view_bottom = bottom; }

// The page's URL names a tab (0 draw, 1 extract, 2 documents, 3 grasp, 4 depth): it comes forward.
EMSCRIPTEN_KEEPALIVE void app_select_tab(int index) { select_request = index; }

// The canvas took the focus by keyboard (Tab): the keyboard's cursor shows on a control.
EMSCRIPTEN_KEEPALIVE void app_keyboard_focus() { keyboard_arrived = true; }

// For tests: the frames drawn so far.
EMSCRIPTEN_KEEPALIVE int app_frames() { return frames_drawn; }

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

// ---- Draw tab

// Results of tiae.analyze for one model (0: AE, 1: TIAE).
EMSCRIPTEN_KEEPALIVE void app_set_result(int family, int model, const float* descriptor, int dim, const float* canonical,
                                         const float* restored, const float* pose, int pose_size) {
  draw.set_result(family, model, descriptor, dim, canonical, restored, pose, pose_size);
}
// The grid of the pair trained for turns and sizes (the Draw tab's second choice), from its
// card: angles (n, degrees), scales (m) and the largest shift. Never called: no such pair.
EMSCRIPTEN_KEEPALIVE void app_set_turn_grid(const float* angles, int n, const float* scales, int m, int max_shift) {
  draw.turn_grid = {std::vector<float>(angles, angles + n), std::vector<float>(scales, scales + m), max_shift};
}
// The pair the page's URL names (0: shifts, 1: turns and sizes), as its radio button does.
EMSCRIPTEN_KEEPALIVE void app_draw_family(int family) { draw.set_family(family); }
EMSCRIPTEN_KEEPALIVE void app_analysis_done() { draw.analysis_done(); }
// The descriptor space of a model: n points (x, y) with labels, and the PCA that made them.
EMSCRIPTEN_KEEPALIVE void app_set_space(int model, const float* xy, const int* labels, int n, const float* mean,
                                        const float* axes, int dim) {
  draw.set_space(model, xy, labels, n, mean, axes, dim);
}
EMSCRIPTEN_KEEPALIVE void app_set_status(const char* text) { draw.status = text; }
// A 32x32 example digit for the example buttons, one per call, in class order.
EMSCRIPTEN_KEEPALIVE void app_digit_example(const float* pixels) { draw.examples.emplace_back(pixels, pixels + 32 * 32); }
// Example digit d into the drawing, as its button does: the page's first view, or its URL's,
// unless the visitor has drawn meanwhile (the examples come with the models).
EMSCRIPTEN_KEEPALIVE void app_show_digit(int d) {
  if (draw.undo.empty() && !draw.has_ink()) draw.load_example(d);
}
// For tests: the sum of a model's canonical image (0 before any result).
EMSCRIPTEN_KEEPALIVE float app_canonical_sum(int model) { return draw.canonical_sum(model); }

// ---- the estimate before a run (which: 0 Extract, 1 Documents)

// The windows tab `which`'s estimate counts for an image of w x h px with a model of this
// reach (0: dense; the page turns a run's time into a rate with it).
EMSCRIPTEN_KEEPALIVE int app_windows(int which, float w, float h, float glyph_size, int stride, int reach) {
  return int(estimate_of(which).windows(w, h, glyph_size, std::max(1, stride), reach));
}
// The glyph size of the model tab `which` runs, from its card.
EMSCRIPTEN_KEEPALIVE void app_set_model_glyph_size(int which, float px) {
  if (px >= 2 && px <= 2000) estimate_of(which).model_glyph_size = px;
}
// The estimate at the tab's current settings: out = {windows, seconds (0: no rate yet)};
// returns 0 when no image is open.
EMSCRIPTEN_KEEPALIVE int app_estimate(int which, float* out) {
  const bool photo = which == 0;
  const WorkEstimate& e = estimate_of(which);
  const float w = photo ? extract.full_w : document.full_w, h = photo ? extract.full_h : document.full_h;
  if (w <= 0 || (!photo && !document.page)) return 0;
  const int reach = photo ? extract.reach() : 0;
  out[0] = float(e.windows(w, h, photo ? extract.glyph_size : document.glyph_size, photo ? extract.stride : document.stride, reach));
  out[1] = e.rate(reach) > 0 ? std::ceil(out[0] / e.rate(reach)) : 0;
  return 1;
}
// Windows per second measured on this device by a run with a model of this reach: the
// estimate shown before the next run of such a model.
EMSCRIPTEN_KEEPALIVE void app_set_rate(int which, float windows_per_s, int reach) {
  estimate_of(which).windows_per_s = windows_per_s;
  estimate_of(which).rate_reach = reach;
}
// The glyph size of tab `which`'s image is being chosen (1) or has been (0): no run until then.
EMSCRIPTEN_KEEPALIVE void app_set_choosing(int which, int choosing) {
  (which == 0 ? extract.choosing : document.choosing) = choosing != 0;
}
// For tests: tab `which`'s run, out = {busy, choosing, progress, glyph size}.
EMSCRIPTEN_KEEPALIVE void app_run_state(int which, float* out) {
  const bool photo = which == 0;
  out[0] = (photo ? extract.busy : document.busy) ? 1 : 0;
  out[1] = (photo ? extract.choosing : document.choosing) ? 1 : 0;
  out[2] = photo ? extract.progress : document.progress;
  out[3] = photo ? extract.glyph_size : document.glyph_size;
}
// The glyph size measured from a newly opened photo (which 0) or page (1): the slider's
// value, and a word on it (unless a run has started meanwhile: its messages come first).
EMSCRIPTEN_KEEPALIVE void app_set_glyph_size(int which, float px, const char* message) {
  if (px >= 6 && px <= 200) (which == 0 ? extract.glyph_size : document.glyph_size) = px;
  const bool busy = which == 0 ? extract.busy : document.busy;
  if (!busy) (which == 0 ? extract.message : document.message) = message;
}

// ---- Extract tab

// which 0: the photo (named, of full_w x full_h px), 1: the foreground; rgba previews.
EMSCRIPTEN_KEEPALIVE void app_extract_image(int which, const unsigned char* rgba, int w, int h, const char* name, float full_w,
                                            float full_h) {
  if (which == 0) extract.show_photo(rgba, w, h, name, full_w, full_h);
  else extract.show_result(rgba, w, h);
}
EMSCRIPTEN_KEEPALIVE void app_extract_progress(float fraction) { extract.progress = fraction; }
// The model choices (name per line), the first the default.
EMSCRIPTEN_KEEPALIVE void app_extract_models(const char* names) { extract.set_models(names); }
// The reach of model `index` (of app_extract_models): 0 dense, else a fully convolutional
// model's (its windows and the estimate follow).
EMSCRIPTEN_KEEPALIVE void app_extract_model_reach(int index, int reach) { extract.set_model_reach(index, reach); }
// The end of a request: a message, and whether it failed.
EMSCRIPTEN_KEEPALIVE void app_extract_done(const char* message, int failed) { extract.done(message, failed != 0); }

// ---- Documents tab

// The page preview (rgba w x h) of a page of full_w x full_h px; a fresh page clears the
// last analysis.
EMSCRIPTEN_KEEPALIVE void app_document_image(const unsigned char* rgba, int w, int h, float full_w, float full_h,
                                             const char* name, int fresh) {
  document.show_page(rgba, w, h, full_w, full_h, name, fresh != 0);
}
EMSCRIPTEN_KEEPALIVE void app_document_peaks(const float* xy, int n) { document.peaks.assign(xy, xy + 2 * n); }
EMSCRIPTEN_KEEPALIVE void app_document_cluster(const float* canonical, const float* members, int n) {
  document.add_cluster(canonical, members, n);
}
EMSCRIPTEN_KEEPALIVE void app_document_progress(float fraction) { document.progress = fraction; }
EMSCRIPTEN_KEEPALIVE void app_document_done(const char* message, int failed) { document.done(message, failed != 0); }
// Whether a dropped file is a page for the Documents tab (it is the one shown).
EMSCRIPTEN_KEEPALIVE int app_document_active() { return document.active ? 1 : 0; }
// For tests: select cluster c (as a click does); the number of boxes drawn.
EMSCRIPTEN_KEEPALIVE int app_document_select(int c) {
  document.selected = c;
  return c >= 0 && c < int(document.clusters.size()) ? int(document.clusters[size_t(c)].members.size() / 2) : 0;
}

// ---- Grasp tab

EMSCRIPTEN_KEEPALIVE void app_grasp_result(int model, const float* canonical, const float* restored, int dx, int dy) {
  grasp.set_result(model, canonical, restored, dx, dy);
}
EMSCRIPTEN_KEEPALIVE void app_grasp_done() { grasp.analysis_done(); }
EMSCRIPTEN_KEEPALIVE void app_grasp_example(const float* pair) { grasp.examples.emplace_back(pair, pair + 2 * GraspTab::kPlane); }
EMSCRIPTEN_KEEPALIVE void app_grasp_status(const char* text) { grasp.status = text; }
// For tests: load example i into the canvas, as the Example button does; returns the
// number of examples.
EMSCRIPTEN_KEEPALIVE int app_grasp_load_example(int i) {
  grasp.next_example = size_t(std::max(0, i));
  grasp.load_example();
  return int(grasp.examples.size());
}
// For tests: the shift the TIAE estimated last (dx * 100 + dy), or -9999 before any answer.
EMSCRIPTEN_KEEPALIVE int app_grasp_tiae_shift() {
  const GraspTab::Result& r = grasp.results[1];
  return r.has ? r.dx * 100 + r.dy : -9999;
}

// ---- Depth tab

// The real frames' count; frame i opened (-1: the visitor's file), which brings the tab forward.
EMSCRIPTEN_KEEPALIVE void app_depth_frames(int count) {
  depth.frame_count = count;
  if (!depth.has_frame) depth.status = "press Next for a real frame, or open a 16-bit depth PNG";
}
EMSCRIPTEN_KEEPALIVE void app_depth_opened(int index) {
  depth.frame_index = index;
  depth.select_tab = true;
  EM_ASM({ Module.tiaeExampleShown(4, $0); }, index);
}
// The frame's picture (w x h), the hand's window on it and the 32 x 32 input.
EMSCRIPTEN_KEEPALIVE void app_depth_frame(const float* picture, int w, int h, int x0, int y0, int side, const float* input) {
  depth.set_frame(picture, w, h, x0, y0, side, input);
}
// A model's answer (0: PCA, 1: TIAE): its drawing, its restoration, its robot hand's angles,
// the restoration's error and (the TIAE) where it found the hand.
EMSCRIPTEN_KEEPALIVE void app_depth_result(int model, const float* canonical, const float* restored, const float* angles, int count,
                                           float error, int dx, int dy) {
  depth.set_result(model, canonical, restored, angles, count, error, dx, dy);
}
EMSCRIPTEN_KEEPALIVE void app_depth_clear() { depth.clear(); }
EMSCRIPTEN_KEEPALIVE void app_depth_status(const char* text) { depth.status = text; }
// Whether a dropped file is a depth frame for the Depth tab (it is the one shown).
EMSCRIPTEN_KEEPALIVE int app_depth_active() { return depth.active ? 1 : 0; }

}  // extern "C"

int main() {
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  window = glfwCreateWindow(960, 620, "TIAE", nullptr, nullptr);
  if (!window) return 1;
  glfwMakeContextCurrent(window);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // Tab and the arrows reach every control
  ImGui::StyleColorsDark();
  glfwSetKeyCallback(window, on_key);  // before ImGui's, which calls it on from its own
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
