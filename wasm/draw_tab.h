// The Draw tab: a visitor draws a digit; every change is resampled to 32x32
// (shared/resample.h) and handed to the page, which runs window.tiae.analyze for each model
// (the API's own code path) and hands the results back. Inference is asynchronous: at most
// one request is in flight, and the latest drawing is sent when it returns, so the UI never
// waits. Two pairs of models: trained for shifts, or for shifts, turns and sizes; the
// drawing can be moved, turned and resized.
#pragma once
#include "analysis_gate.h"
#include <array>
#include <deque>
#include <string>
#include <vector>

#include "imgui.h"
#include "projection.h"
#include "texture.h"

constexpr int kDrawModels = 2;  // 0: ordinary AE, 1: TIAE
// The pair shown: trained for shifts (mnist-shift-*), or for shifts, turns and sizes
// (mnist-affine-*; docs/method.md, "Rotation and scale").
enum DrawFamily { kShifts = 0, kTurns = 1 };

struct ModelView {
  bool has_result = false;
  std::vector<float> descriptor, canonical = std::vector<float>(32 * 32), restored = canonical;
  float dx = 0, dy = 0, angle = 0, scale = 1;  // where it finds the digit: the input's pose
  bool posed = false;                          // angle and scale found too (the turns family)
  Texture canonical_tex, restored_tex;
  // Descriptor space: the MNIST test digits' 2-D points and the projection that made them.
  std::vector<float> points;  // x, y pairs
  std::vector<int> labels;
  tiae::Projection2D projection;
  float lo[2] = {0, 0}, hi[2] = {1, 1};
  std::deque<std::array<float, 2>> trail;  // the drawing's last points, oldest first
  Texture scatter;                         // the points, drawn once for the panel's size
  ImVec2 scatter_size{0, 0};
  size_t scatter_points = 0;
};

struct DrawTab {
  static constexpr int kDraw = 280;  // drawing resolution (pixels of the drawing buffer)
  std::vector<float> drawing = std::vector<float>(kDraw * kDraw, 0.f);
  std::vector<std::vector<float>> undo;
  Texture drawing_tex, input_tex;
  std::vector<float> input = std::vector<float>(32 * 32, 0.f);
  float brush = 11.f;
  bool dirty = true;
  AnalysisGate analysis;
  ImVec2 last_pen{-1, -1};
  std::array<ModelView, kDrawModels> models;
  std::string status = "loading the models...";
  std::vector<std::vector<float>> examples;  // 32x32 test digits, one per class (models/mnist-shift-tiae/examples.json)
  int example = -1;                          // the one shown, unchanged since (-1: none)
  int family = kShifts;
  // The turns pair's grid, from its TIAE's card (empty: the page lacks that pair).
  struct TurnGrid {
    std::vector<float> angles, scales;  // degrees, evenly spaced; sizes, evenly in log
    int max_shift = 0;
    bool available() const { return !angles.empty() && !scales.empty(); }
    float angle_step() const { return angles.size() > 1 ? angles[1] - angles[0] : 10.f; }
    float scale_step() const { return scales.size() > 1 ? scales[1] / scales[0] : 1.1f; }
  } turn_grid;

  bool has_ink() const;
  void set_family(int f);  // the other pair: its panels empty until its spaces and results come
  // pose: (dx, dy), or (dx, dy, angle, scale) for the turns family; a result for a family no
  // longer shown is dropped.
  void set_result(int family, int model, const float* descriptor, int dim, const float* canonical, const float* restored,
                  const float* pose, int pose_size);
  void analysis_done();  // all models answered: send the latest drawing if it changed meanwhile
  void set_space(int model, const float* xy, const int* labels, int n, const float* mean, const float* axes, int dim);
  float canonical_sum(int model) const;
  void load_example(int d);  // example digit d into the drawing (the page is told: its URL names it)
};
extern DrawTab draw;

// Draws the tab's contents (between BeginTabItem and EndTabItem).
void draw_tab();
