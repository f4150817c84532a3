#include "nudge.h"

#include <GLFW/glfw3.h>

#include <cmath>

#include "imgui.h"
#include "screen.h"

namespace {
// Counted as GLFW reports them: ImGui 1.86 polls which keys are down once a frame, and the
// app draws only after a change, so a press could start and end between two frames.
std::vector<std::pair<int, int>> key_presses;
}  // namespace

void nudge_key(int key, int action, int mods) {
  if (action == GLFW_RELEASE || !(mods & GLFW_MOD_SHIFT)) return;
  if (key == GLFW_KEY_LEFT) key_presses.push_back({-1, 0});
  if (key == GLFW_KEY_RIGHT) key_presses.push_back({1, 0});
  if (key == GLFW_KEY_UP) key_presses.push_back({0, -1});
  if (key == GLFW_KEY_DOWN) key_presses.push_back({0, 1});
}

void nudge_frame_end() { key_presses.clear(); }

std::vector<std::pair<int, int>> nudge_controls() {
  std::vector<std::pair<int, int>> moves;
  ImGui::TextUnformatted("move by 1 px:");
  const std::pair<ImGuiDir, std::pair<int, int>> arrows[] = {
      {ImGuiDir_Left, {-1, 0}}, {ImGuiDir_Right, {1, 0}}, {ImGuiDir_Up, {0, -1}}, {ImGuiDir_Down, {0, 1}}};
  const char* names[] = {"nudge-left", "nudge-right", "nudge-up", "nudge-down"};
  for (int i = 0; i < 4; ++i) {
    ImGui::SameLine();
    if (ImGui::ArrowButton(names[i], arrows[i].first)) moves.push_back(arrows[i].second);
    remember(names[i]);
  }
  moves.insert(moves.end(), key_presses.begin(), key_presses.end());
  key_presses.clear();
  return moves;
}

void Nudger::move(std::vector<float>* planes, int count, int side, int dx, int dy) {
  const double step = double(side) / 32;
  const int mx = int(std::lround(total_x_ + dx * step) - std::lround(total_x_));
  const int my = int(std::lround(total_y_ + dy * step) - std::lround(total_y_));
  total_x_ += dx * step, total_y_ += dy * step;
  for (int c = 0; c < count; ++c) {
    std::vector<float> moved(planes[c].size(), 0.f);
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) {
        const int sx = x - mx, sy = y - my;
        if (sx >= 0 && sx < side && sy >= 0 && sy < side) moved[size_t(y) * side + x] = planes[c][size_t(sy) * side + sx];
      }
    planes[c].swap(moved);
  }
}
