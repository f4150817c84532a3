// The Extract tab: a photo (picked, dropped or the example) goes through window.tiae.extract
// in the page (web/app.js); the tab shows the photo, the glyph size against it, the estimate,
// the progress and the foreground, and offers the download.
#pragma once
#include <string>
#include <vector>

#include "image_tab.h"
#include "texture.h"

struct ExtractTab {
  Texture photo, result;  // previews (at most 1024 px wide)
  int photo_w = 0, photo_h = 0, result_w = 0, result_h = 0;
  float full_w = 0, full_h = 0;  // the photo's size: the glyph-size box and the estimate
  WorkEstimate estimate;
  std::string photo_name, message;
  bool busy = false, failed = false, select_tab = false;
  float progress = 0, glyph_size = 20;
  int stride = 8;
  std::vector<std::string> models;  // the foreground models the page has, the first the default
  std::vector<int> reaches;         // theirs (0: dense), from their cards
  int model = 0;

  int reach() const { return size_t(model) < reaches.size() ? reaches[size_t(model)] : 0; }  // the chosen model's
  void show_photo(const unsigned char* rgba, int w, int h, const char* name, float full_w, float full_h);
  void show_result(const unsigned char* rgba, int w, int h);
  void set_models(const char* names);  // one per line, the first the default
  void set_model_reach(int index, int reach);
  void done(const char* message, bool failed);
};
extern ExtractTab extract;

// Draws the tab's contents (between BeginTabItem and EndTabItem).
void extract_tab();
