// The Documents tab ("Find characters on a page"): a page goes through window.tiae.document
// in the page (web/app.js); the tab shows the heat map over it, the peaks, and the clusters'
// gallery; clicking a cluster marks its members on the page. The heat map and the clusters
// can be kept as files.
#pragma once
#include <string>
#include <vector>

#include "image_tab.h"
#include "texture.h"

struct DocumentTab {
  Texture page;                  // RGBA preview: the page, then with the heat map over it
  int page_w = 0, page_h = 0;    // the preview's size
  float full_w = 1, full_h = 1;  // the page's size: peaks and members are in its pixels
  std::string name, message;
  bool busy = false, failed = false, select_tab = false, active = false;
  bool choosing = false;  // the glyph size is being measured (the page says when)
  float progress = 0, glyph_size = 20;
  int stride = 4;
  WorkEstimate estimate;
  std::vector<float> peaks;  // x, y pairs
  struct Cluster {
    Texture canonical;
    std::vector<float> members;  // x, y pairs
  };
  std::vector<Cluster> clusters;
  int selected = -1;
  Zoom zoom;

  // A preview of a page of full_w x full_h px; a fresh page clears the last analysis.
  void show_page(const unsigned char* rgba, int w, int h, float full_w, float full_h, const char* name, bool fresh);
  void add_cluster(const float* canonical, const float* members, int n);
  void done(const char* message, bool failed);
};
extern DocumentTab document;

// Draws the tab's contents (between BeginTabItem and EndTabItem).
void document_tab();
