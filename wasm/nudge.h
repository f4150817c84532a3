// Moving a drawing by whole pixels of the networks' 32x32 input, as the Draw and Grasp tabs
// do: four arrow buttons, and Shift + an arrow key (the arrows alone move ImGui's keyboard
// focus between controls).
#pragma once
#include <utility>
#include <vector>

// The arrow buttons, and the Shift + arrow presses since the last frame: one (dx, dy) in
// input pixels for each, in order.
std::vector<std::pair<int, int>> nudge_controls();

// GLFW's key callback feeds the presses; the frame's end drops those no tab took.
void nudge_key(int key, int action, int mods);
void nudge_frame_end();

// A drawing of `side` x `side` px per plane, moved by input pixels of side / 32 drawing
// pixels each, rounded so that n moves of 1 add up to n input pixels.
class Nudger {
 public:
  void move(std::vector<float>* planes, int count, int side, int dx, int dy);

 private:
  double total_x_ = 0, total_y_ = 0;  // drawing px moved so far
};
