// The Extract tab: a photo (picked, dropped or the example) goes through window.tiae.extract
// in the page (web/app.js); the tab shows the photo, the glyph size against it, the estimate,
// the progress, and the result as the soft map, the mask at a threshold or the ink over the
// photo, zoomed alike in both panes, and offers what it shows as a file.
#pragma once
#include <string>
#include <vector>

#include "image_tab.h"
#include "texture.h"

struct ExtractTab {
  enum class View { Soft, Mask, Overlay };
  Texture photo, result;  // previews
  std::vector<unsigned char> photo_rgba, soft;  // the photo's preview (RGBA) and the soft map's (gray), same size
  int photo_w = 0, photo_h = 0, result_w = 0, result_h = 0;
  float full_w = 0, full_h = 0;  // the photo's size: the glyph-size box and the estimate
  WorkEstimate estimate;
  std::string photo_name, message;
  bool busy = false, failed = false, select_tab = false;
  bool choosing = false;  // the model is choosing the photo's glyph size (the page says when)
  float progress = 0, glyph_size = 20;
  int stride = 8;
  std::vector<std::string> models;  // the foreground models the page has, the first the default
  std::vector<int> reaches;         // theirs (0: dense), from their cards
  int model = 0;
  View view = View::Soft;
  float threshold = 0.5f;  // the mask's: the soft map is calibrated so that 0.5 is the CLI's --mask
  Zoom zoom;

  int reach() const { return size_t(model) < reaches.size() ? reaches[size_t(model)] : 0; }  // the chosen model's
  void show_photo(const unsigned char* rgba, int w, int h, const char* name, float full_w, float full_h);
  void show_result(const unsigned char* rgba, int w, int h);  // the soft map's preview
  void set_models(const char* names);  // one per line, the first the default
  void set_model_reach(int index, int reach);
  void done(const char* message, bool failed);
  void compose();  // the result texture for the view and threshold
};
extern ExtractTab extract;

// Draws the tab's contents (between BeginTabItem and EndTabItem).
void extract_tab();
