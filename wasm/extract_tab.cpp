#include "extract_tab.h"

#include <emscripten/emscripten.h>

#include <algorithm>

#include "extract.h"
#include "imgui.h"
#include "screen.h"

ExtractTab extract;

void ExtractTab::show_photo(const unsigned char* rgba, int w, int h, const char* name, float full_w_, float full_h_) {
  photo.upload_rgba(rgba, w, h);
  photo_w = w, photo_h = h;
  full_w = full_w_, full_h = full_h_;
  photo_name = name;
  result.clear();
  progress = 0;
  message.clear();
  failed = false;
  select_tab = true;
}

void ExtractTab::show_result(const unsigned char* rgba, int w, int h) {
  result.upload_rgba(rgba, w, h);
  result_w = w, result_h = h;
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

// Always there (disabled until the list comes), so the controls below never move.
void model_chooser(ExtractTab& e) {
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
}

void run_buttons(ExtractTab& e) {
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
}

}  // namespace

void extract_tab() {
  ExtractTab& e = extract;
  const int reach = e.reach();
  if (reach > 0) ImGui::TextWrapped("Pull handwriting out of a photo: the fully convolutional foreground extractor runs on "
                                    "%dx%d windows.", tiae::kConvPatch, tiae::kConvPatch);
  else ImGui::TextWrapped("Pull handwriting out of a photo: the foreground-extraction auto-encoder runs on every 32x32 window.");
  source_controls(0, e.glyph_size, e.stride, 2, 32, reach);
  model_chooser(e);
  estimate_line(e.estimate, e.full_w, e.full_h, e.glyph_size, e.stride, reach);
  run_buttons(e);
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
