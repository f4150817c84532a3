// What the two image tabs (Extract: a photo, Documents: a page) share: opening an image, its
// glyph size, the estimate of a run's work before it starts, the progress and a message, and
// the image fitted into a pane.
#pragma once
#include <string>

#include "imgui.h"
#include "texture.h"

// Windows a run will take, as shared/extract.h and shared/document.h tile the image
// rescaled to the model's glyph size: for the estimate shown before a run. reach: 0 for a
// dense model (32 px windows every `stride` px), else a fully convolutional model's, whose
// windows are those of convolutional_windows (stride ignored).
struct WorkEstimate {
  float windows_per_s = 0;      // measured on this device (0: not yet)
  int rate_reach = 0;           // ... with a model of this reach (a conv window is 64 dense ones' pixels)
  float model_glyph_size = 20;  // the model card's, set by the page (cards without it: MNIST's 20 px)
  long windows(float full_w, float full_h, float glyph_size, int stride, int reach) const;
  float rate(int reach) const { return reach == rate_reach ? windows_per_s : 0; }  // 0: not known for such a model
};

// Where fitted_image put the image: its top-left corner and its scale (screen px per
// image px).
struct Placement {
  ImVec2 at{0, 0};
  float scale = 0;
};

// An image fitted into a box, keeping its aspect ratio; `empty_text` in the box without one.
Placement fitted_image(const Texture& tex, int w, int h, ImVec2 box, const char* empty_text);

// The glyph size as a square in the image's top-left corner, to hold against its capitals.
void glyph_box(const Placement& p, float glyph_size, float preview_w, float full_w);

// Wide screens: `panes` boxes side by side filling the height left; narrow: one under the
// other, each as wide as the screen and as high as `aspect` (h / w) says.
ImVec2 pane_size(int panes, float aspect);
void next_pane();

// A control's label: beside it on wide screens, above it at full width on narrow ones.
// Returns the label to give the control.
std::string field(const char* label, float width = 220);

// "about N windows, about T s here" before a run (the rate measured on this device).
void estimate_line(const WorkEstimate& e, float full_w, float full_h, float glyph_size, int stride, int reach = 0);

void progress(float fraction);
void message_line(const std::string& message, bool failed);

// Open a file or the example, then the glyph size and the stride. which: 0 the Extract tab
// (a photo), 1 the Documents tab (a page). reach > 0: a fully convolutional model, whose
// stride is its own (the slider is shown disabled).
void source_controls(int which, float& glyph_size, int& stride, int min_stride, int max_stride, int reach = 0);
