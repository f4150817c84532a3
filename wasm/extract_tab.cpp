#include "extract_tab.h"

#include <emscripten/emscripten.h>

#include <algorithm>

#include "extract.h"
#include "imgui.h"
#include "screen.h"

ExtractTab extract;

void ExtractTab::show_photo(const unsigned char* rgba, int w, int h, const char* name, float full_w_, float full_h_) {
  photo.upload_rgba(rgba, w, h);
  photo_rgba.assign(rgba, rgba + size_t(w) * h * 4);
  photo_w = w, photo_h = h;
  full_w = full_w_, full_h = full_h_;
  photo_name = name;
  result.clear();
  soft.clear();
  progress = 0;
  message.clear();
  failed = false;
  select_tab = true;
  zoom = Zoom{};
}

void ExtractTab::show_result(const unsigned char* rgba, int w, int h) {
  soft.resize(size_t(w) * h);
  for (size_t i = 0; i < soft.size(); ++i) soft[i] = rgba[4 * i];
  result_w = w, result_h = h;
  compose();
}

// Soft: the map as gray. Mask: white where it reaches the threshold. Overlay: the photo,
// dimmed, with those pixels in red (the soft map alone when the sizes differ).
void ExtractTab::compose() {
  if (soft.empty()) return;
  const bool overlay = view == View::Overlay && photo_rgba.size() == soft.size() * 4;
  const int cut = int(threshold * 255 + 0.5f);  // the soft map's bytes are round(value * 255)
  std::vector<unsigned char> rgba(soft.size() * 4);
  for (size_t i = 0; i < soft.size(); ++i) {
    const bool ink = soft[i] >= cut;
    unsigned char* p = &rgba[4 * i];
    if (overlay) {
      for (int c = 0; c < 3; ++c) p[c] = (unsigned char)(photo_rgba[4 * i + c] * 2 / 5);
      if (ink) p[0] = 255, p[1] = 40, p[2] = 40;
    } else {
      p[0] = p[1] = p[2] = view == View::Soft ? soft[i] : (ink ? 255 : 0);
    }
    p[3] = 255;
  }
  result.upload_rgba(rgba.data(), result_w, result_h);
}

void ExtractTab::set_models(const char* names) {
  models.clear();
  for (std::string rest = names; !rest.empty();) {
    const size_t end = rest.find('\n');
    models.push_back(rest.substr(0, end));
    rest = end == std::string::npos ? "" : rest.substr(end + 1);
  }
  reaches.assign(models.size(), 0);
  model = 0;
}

void ExtractTab::set_model_reach(int index, int reach) {
  if (index < 0 || size_t(index) >= reaches.size()) return;
  reaches[size_t(index)] = std::clamp(reach, 0, tiae::kConvPatch / 2 - 1);  // as convolutional_windows
}

void ExtractTab::done(const char* text, bool failed_) {
  busy = false;
  message = text;
  failed = failed_;
  if (failed) select_tab = true;
}

namespace {

// The model and, for a dense one, the stride: folded away, as most visitors need neither.
void settings(ExtractTab& e) {
  if (!ImGui::TreeNode("Settings")) return;
  const std::string label = field("model");
  ImGui::BeginDisabled(e.models.size() < 2 || e.busy);
  if (ImGui::BeginCombo(label.c_str(), e.models.empty() ? "(loading the list)" : e.models[size_t(e.model)].c_str())) {
    for (size_t i = 0; i < e.models.size(); ++i)
      if (ImGui::Selectable(e.models[i].c_str(), int(i) == e.model)) e.model = int(i);
    ImGui::EndCombo();
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("pages-fg-documents (the default: fully convolutional on colour and the paper-normalised luma, "
                      "fine-tuned on pages made from real documents), pages-fg-mean (colour: the mean of the weights of "
                      "pages-fg-colour and its fine-tune pages-fg-hues), pages-fg-clutter and pages-fg-conv (the same on gray) and "
                      "mnist-fg-photo-text are trained on pages; the others on single digits");
  if (e.reach() > 0) {
    ImGui::TextDisabled("this model runs on whole %d px windows that overlap by %d px", tiae::kConvPatch, 2 * e.reach());
  } else {
    ImGui::BeginDisabled(e.busy);
    ImGui::SliderInt(field("stride (px between 32 px windows)").c_str(), &e.stride, 2, 32);
    ImGui::EndDisabled();
  }
  ImGui::TreePop();
}

const char* why_not(const ExtractTab& e) {
  if (!e.photo) return "open a photo first";
  if (e.choosing) return "wait: the model is choosing the glyph size...";
  if (e.models.empty()) return "wait: the models are loading...";
  return nullptr;
}

void run(ExtractTab& e) {
  if (!run_controls(0, "Extract", "extract", e.busy, why_not(e))) return;
  e.busy = true;
  e.failed = false;
  e.progress = 0;
  e.message = "extracting...";
  EM_ASM({ Module.tiaeExtract($0, $1, UTF8ToString($2)); }, e.glyph_size, e.stride, e.models[size_t(e.model)].c_str());
}

// Which result to show (and download), and the mask's threshold.
void view_controls(ExtractTab& e) {
  ImGui::BeginDisabled(e.soft.empty());
  int view = int(e.view);
  const char* names[] = {"soft map", "mask", screen.narrow ? "overlay" : "ink over the photo"};
  ImGui::TextUnformatted("show:");
  for (int v = 0; v < 3; ++v) {
    ImGui::SameLine();
    if (ImGui::RadioButton(names[v], &view, v)) e.view = ExtractTab::View(view), e.compose();
    remember((std::string("extract-view-") + std::to_string(v)).c_str());
  }
  if (!screen.narrow) ImGui::SameLine(0, px(16));
  ImGui::BeginDisabled(e.view == ExtractTab::View::Soft);
  ImGui::SetNextItemWidth(px(140));
  if (ImGui::SliderFloat("threshold", &e.threshold, 0.05f, 0.95f, "%.2f")) e.compose();
  remember("extract-threshold");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("ink where the soft map reaches it; 0.50 is the command line's --mask");
  ImGui::EndDisabled();
  if (!screen.narrow) ImGui::SameLine(0, px(16));
  const char* labels[] = {"Download the soft map", "Download the mask", "Download the overlay"};
  if (ImGui::Button(labels[int(e.view)])) EM_ASM({ Module.tiaeDownload(1, $0, $1); }, int(e.view), e.threshold);
  remember("extract-download");
  ImGui::EndDisabled();
}

void panes(ExtractTab& e) {
  const ImVec2 box = pane_size(2, e.photo_w > 0 ? float(e.photo_h) / e.photo_w : 0.75f);
  ImGui::BeginGroup();
  ImGui::Text("photo %s", e.photo_name.c_str());
  glyph_box(zoomed_image("photo", e.photo, e.photo_w, e.photo_h, box, "no photo yet", e.zoom), e.glyph_size,
            float(e.photo_w), e.full_w);
  ImGui::EndGroup();
  next_pane();
  ImGui::BeginGroup();
  const char* titles[] = {"the ink (white), as the network sees it", "the ink at the threshold", "the ink (red) over the photo"};
  ImGui::TextUnformatted(titles[int(e.view)]);
  zoomed_image("result", e.result, e.result_w, e.result_h, box, e.busy ? "working..." : "press Extract", e.zoom);
  ImGui::EndGroup();
}

}  // namespace

void extract_tab() {
  ExtractTab& e = extract;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::min(ImGui::GetContentRegionAvail().x, px(640)));
  ImGui::TextWrapped("Pull handwriting out of a photo: the network keeps the ink and drops the paper and what is behind it.");
  ImGui::PopTextWrapPos();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("the same objective as the digits', with transforms that replace the background instead of shifting: "
                      "its output is the ink alone");
  source_controls(0, e.glyph_size, e.busy || e.choosing);
  settings(e);
  estimate_line(e.estimate, e.full_w, e.full_h, e.glyph_size, e.stride, e.reach());
  run(e);
  if (!screen.narrow) ImGui::SameLine(0, px(24));
  progress(e.progress);
  message_line(e.message, e.failed);
  view_controls(e);
  zoom_controls(e.zoom);
  panes(e);
}
