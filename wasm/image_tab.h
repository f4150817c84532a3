// What the two image tabs (Extract: a photo, Documents: a page) share: opening an image, its
// glyph size, the estimate of a run's work before it starts, the run and Cancel buttons, the
// progress and a message, and the images fitted into panes that zoom together.
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

// The zoom of a tab's panes, shared so that they show the same part of their images: 1 fits
// the image in its pane; centre: the point of the image at the pane's centre, as fractions.
struct Zoom {
  float factor = 1;
  ImVec2 centre{0.5f, 0.5f};
};

// Where an image was drawn: its top-left corner and scale (screen px per image px), and the
// pane it is clipped to (its part of the image, at most).
struct Placement {
  ImVec2 at{0, 0};
  float scale = 0;
  ImVec2 clip_min{0, 0}, clip_max{0, 0};
};

// An image in a pane of `box` device px at `zoom`; `empty_text` in a pane without one. The
// wheel zooms about the pointer (the page passes on only Ctrl + wheel, so that the wheel alone
// scrolls the page), and once zoomed in a drag moves the image. The pane's rectangle is
// remembered as "pane-<name>", and as "pan-<name>" while a finger there moves the image
// rather than scrolling the page (web/input.js).
Placement zoomed_image(const char* name, const Texture& tex, int w, int h, ImVec2 box, const char* empty_text, Zoom& zoom);

// The zoom slider and a button back to the whole image.
void zoom_controls(Zoom& zoom);

// The glyph size as a square in the image's top-left corner, to hold against its capitals
// (outlined and labelled so that it shows on light and dark images alike).
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

// Open a file or the example (which: 0 the Extract tab, a photo; 1 the Documents tab, a
// page), and the glyph size, which cannot change while `locked` (a run or the choice of the
// size going on: the slider shows the size in use).
void source_controls(int which, float& glyph_size, bool locked);

// The run button, then Cancel in a place of its own: the run button is disabled while it
// cannot run (`why_not` says why, beside it) and Cancel while no run goes on, so a click meant
// for one never lands on the other when a run ends. `name`: the buttons' rectangles are
// remembered as "<name>-button" and "<name>-cancel". Returns whether the run was asked for.
bool run_controls(int which, const char* label, const char* name, bool busy, const char* why_not);
