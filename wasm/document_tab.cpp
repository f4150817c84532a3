#include "document_tab.h"

#include <emscripten/emscripten.h>

#include <algorithm>

#include "imgui.h"
#include "screen.h"

DocumentTab document;

void DocumentTab::show_page(const unsigned char* rgba, int w, int h, float full_w_, float full_h_, const char* name_,
                            bool fresh) {
  page.upload_rgba(rgba, w, h);
  page_w = w, page_h = h, full_w = full_w_, full_h = full_h_;
  if (!fresh) return;
  zoom = Zoom{};
  name = name_;
  peaks.clear();
  clusters.clear();
  selected = -1;
  progress = 0;
  message = name + ": press Find characters";
  failed = false;
  select_tab = true;
}

void DocumentTab::add_cluster(const float* canonical, const float* members, int n) {
  Cluster c;
  c.canonical.upload_gray(canonical, 32, 32);
  c.members.assign(members, members + 2 * n);
  clusters.push_back(std::move(c));
}

void DocumentTab::done(const char* text, bool failed_) {
  busy = false;
  message = text;
  failed = failed_;
}

namespace {

// The page with the heat map, its peaks (dots) and the selected cluster's members (boxes).
void document_page(DocumentTab& d, ImVec2 box) {
  const Placement p = zoomed_image("page", d.page, d.page_w, d.page_h, box, d.busy ? "working..." : "no page yet", d.zoom);
  if (p.scale <= 0) return;
  glyph_box(p, d.glyph_size, float(d.page_w), d.full_w);
  const float s = p.scale * d.page_w / d.full_w;  // screen px per page px
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p.clip_min, p.clip_max, true);
  auto screen_at = [&](const float* xy) { return ImVec2(p.at.x + xy[0] * s, p.at.y + xy[1] * s); };
  for (size_t i = 0; i + 1 < d.peaks.size(); i += 2) dl->AddCircleFilled(screen_at(&d.peaks[i]), px(2), IM_COL32(255, 255, 255, 200));
  if (d.selected >= 0 && d.selected < int(d.clusters.size())) {
    const float half = 0.6f * d.glyph_size * s;
    const auto& members = d.clusters[size_t(d.selected)].members;
    for (size_t i = 0; i + 1 < members.size(); i += 2) {
      const ImVec2 c = screen_at(&members[i]);
      dl->AddRect(ImVec2(c.x - half, c.y - half), ImVec2(c.x + half, c.y + half), IM_COL32(255, 230, 0, 255), 0, 0, px(2));
    }
  }
  dl->PopClipRect();
}

// The clusters, largest first: each one's canonical shape and size; a click selects it.
void cluster_gallery(DocumentTab& d, ImVec2 box) {
  ImGui::BeginChild("clusters", box, true);
  if (d.clusters.empty()) ImGui::TextDisabled("the kinds of character found appear here");
  for (size_t c = 0; c < d.clusters.size(); ++c) {
    ImGui::PushID(int(c));
    const ImVec2 at = ImGui::GetCursorPos();
    if (ImGui::Selectable("##cluster", d.selected == int(c), 0, ImVec2(0, px(40)))) d.selected = d.selected == int(c) ? -1 : int(c);
    ImGui::SetCursorPos(at);
    ImGui::Image(d.clusters[c].canonical.imgui(), px(40, 40));
    ImGui::SameLine();
    ImGui::Text("kind %zu\n%zu on the page", c, d.clusters[c].members.size() / 2);
    ImGui::PopID();
  }
  ImGui::EndChild();
  remember("clusters");
}

const char* why_not(const DocumentTab& d) {
  if (!d.page) return "open a page first";
  if (d.choosing) return "wait: measuring the glyph size...";
  return nullptr;
}

void run(DocumentTab& d) {
  if (!run_controls(1, "Find characters", "document", d.busy, why_not(d))) return;
  d.busy = true, d.failed = false, d.progress = 0;
  d.message = "analysing...";
  EM_ASM({ Module.tiaeDocument($0, $1); }, d.glyph_size, d.stride);
}

// The stride, folded away as most visitors need it not.
void settings(DocumentTab& d) {
  if (!ImGui::TreeNode("Settings")) return;
  ImGui::BeginDisabled(d.busy);
  ImGui::SliderInt(field("stride (px between 32 px windows)").c_str(), &d.stride, 1, 16);
  ImGui::EndDisabled();
  ImGui::TreePop();
}

void downloads(DocumentTab& d) {
  ImGui::BeginDisabled(d.busy || d.clusters.empty());
  if (ImGui::Button("Download the heat map")) EM_ASM({ Module.tiaeDownload(2); });
  remember("document-download-heatmap");
  ImGui::SameLine();
  if (ImGui::Button("Download the characters (JSON)")) EM_ASM({ Module.tiaeDownload(3); });
  remember("document-download-clusters");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("the peaks (x, y, votes) and each kind: its members' centres and its canonical 32 x 32 shape");
  ImGui::EndDisabled();
}

}  // namespace

void document_tab() {
  DocumentTab& d = document;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::min(ImGui::GetContentRegionAvail().x, px(640)));
  ImGui::TextWrapped("Find the characters of a page without being told what a character is: every small window of the page "
                     "says where the shape it holds is centred; where many agree there is a character (red: many). Those "
                     "spots are then sorted into kinds by what they hold.");
  ImGui::PopTextWrapPos();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("each 32 x 32 window goes through the shift-invariant auto-encoder; its estimated shift points at where "
                      "its canonical shape sits, and those votes make the heat map; the descriptors of the windows on its "
                      "peaks are clustered by mean shift");
  source_controls(1, d.glyph_size, d.busy || d.choosing);
  settings(d);
  if (d.page) estimate_line(d.estimate, d.full_w, d.full_h, d.glyph_size, d.stride);
  run(d);
  if (!screen.narrow) ImGui::SameLine(0, px(24));
  progress(d.progress);
  message_line(d.message, d.failed);
  downloads(d);
  if (!screen.narrow) ImGui::SameLine(0, px(24));
  zoom_controls(d.zoom);
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
