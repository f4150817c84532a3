// The Depth tab: the slides' hand application. A real depth frame of data/real-depth (or the
// visitor's 16-bit PNG) goes through the page's tiae.depth (web/depth.js): the hand cut out,
// restored by PCA and by the TIAE, and a robot hand posed by the joint angles each one reads.
// The arrows move the hand's crop: the TIAE's drawing and robot hand stay put while PCA's change.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "texture.h"

struct DepthTab {
  static constexpr int kSide = 32, kModels = 2;  // model 0: PCA, 1: the TIAE
  struct Result {
    bool has = false;
    std::vector<float> angles;
    float error = 0;
    int dx = 0, dy = 0;
    Texture canonical_tex, restored_tex;
  };
  bool has_frame = false;
  int width = 0, height = 0, window_x0 = 0, window_y0 = 0, window_side = 0;
  Texture frame_tex, input_tex;
  std::array<Result, kModels> results;
  int frame_count = 0, frame_index = -1;  // the real frames; the one shown (-1: the visitor's)
  bool select_tab = false;                // a frame opened brings the tab forward
  bool active = false;                    // the tab is the one shown
  std::string status = "loading the real frames ...";

  // The frame as a picture (width x height values), the window on it and the network's input.
  void set_frame(const float* picture, int w, int h, int x0, int y0, int side, const float* input);
  void set_result(int model, const float* canonical, const float* restored, const float* angles, int count, float error, int dx, int dy);
  void clear();
};
extern DepthTab depth;

// Draws the tab's contents (between BeginTabItem and EndTabItem).
void depth_tab();
