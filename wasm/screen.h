// The canvas's size and scale, shared by the app and its tabs (wasm/app.cpp, wasm/*_tab.cpp).
// The page (web/app.js) sizes the canvas to the window and tells the app its CSS size and
// the device's pixel ratio: the app draws in device pixels, and every length it lays out is
// given in CSS pixels at scale 1 and passed through px(). Wide screens get one row of
// columns scaled up to fill the window; narrow ones (phones) stack the columns and the
// canvas grows as tall as its contents.
#pragma once
#include "imgui.h"

struct Screen {
  float dpr = 1;       // device pixels per CSS pixel
  float ui = 1;        // CSS pixels per layout unit: larger on large windows and on phones
  int css_w = 960, css_h = 620;
  bool narrow = false;  // columns stacked
};
extern Screen screen;

inline float px(float v) { return v * screen.dpr * screen.ui; }
inline ImVec2 px(float x, float y) { return ImVec2(px(x), px(y)); }

// Records the last item's rectangle under `name`, for the page (app_rect: its touch and wheel
// handling, and its tests); remember_rect a rectangle drawn without an item.
void remember(const char* name);
void remember_rect(const char* name, ImVec2 min, ImVec2 max);
