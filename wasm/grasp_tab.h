// The Grasp tab: the slides' grasp application. A visitor paints a hand and an object with
// two brushes (or loads an example pair of the test set); each change is resampled to a
// 2 x 32 x 32 pair and handed to the page, which runs window.tiae.analyze with both grasp
// models (ordinary AE, TIAE) and hands back their canonical pairs and estimated shifts.
#pragma once
#include "analysis_gate.h"
#include <array>
#include <string>
#include <vector>

#include "imgui.h"
#include "texture.h"

struct GraspTab {
  static constexpr int kDraw = 224, kPlane = 32 * 32, kModels = 2;
  struct Result {
    bool has = false;
    std::vector<float> canonical = std::vector<float>(2 * kPlane), restored = canonical;
    int dx = 0, dy = 0;
    Texture canonical_tex, restored_tex;
  };
  std::array<std::vector<float>, 2> drawing{std::vector<float>(kDraw * kDraw), std::vector<float>(kDraw * kDraw)};
  std::vector<float> input = std::vector<float>(2 * kPlane);
  int channel = 0;  // the brush: 0 hand, 1 object
  float brush = 9.f;
  bool dirty = true;
  AnalysisGate analysis;
  ImVec2 last_pen{-1, -1};
  Texture drawing_tex;
  std::array<Result, kModels> results;
  std::vector<std::vector<float>> examples;  // 2 x 32 x 32 pairs of the test set
  size_t next_example = 0;
  int example = -1;  // the one shown, unchanged since (-1: none)
  std::string status = "paint a hand (orange) around an object (blue), or load an example";

  bool has_ink() const;
  // A grasp model's answer (0: AE, 1: TIAE): canonical and restored pairs, 2 x 32 x 32 each.
  void set_result(int model, const float* canonical, const float* restored, int dx, int dy);
  void analysis_done();
  void load_example();  // the next example pair into the canvas
};
extern GraspTab grasp;

// Draws the tab's contents (between BeginTabItem and EndTabItem).
void grasp_tab();
