#include "download_button.h"

#include <emscripten/emscripten.h>

#include "imgui.h"
#include "screen.h"

void download_button(const char* name, bool ready, int what, const char* tip) {
  ImGui::BeginDisabled(!ready);
  if (ImGui::Button("Download")) EM_ASM({ Module.tiaeDownload($0); }, what);
  ImGui::EndDisabled();
  remember(name);
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", tip);
}
