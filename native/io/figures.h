// PNG pictures of `tiae eval` (OpenCV): labelled grids of images and descriptor scatters.
#pragma once
#include <string>
#include <vector>

namespace tiae {

struct ImageRow {
  std::string label;                 // drawn left of the row
  std::vector<const float*> images;  // size x size values in [0, 1]
  std::vector<std::string> captions; // optional, one per image, drawn under it
};

// One row per ImageRow, images magnified `scale` times (nearest neighbour).
void write_image_grid(const std::string& path, const std::string& title, const std::vector<ImageRow>& rows,
                      int size, int scale = 3);

struct Picture {
  const float* values;  // width x height in [0, 1]
  int width, height;
  std::string caption;  // drawn above it
};
// Rows of pictures of any size, each scaled to `height` px high.
void write_picture_rows(const std::string& path, const std::string& title, const std::vector<std::vector<Picture>>& rows,
                        int height = 200);

// Points coloured by label 0..9 (tab10 colours), with a legend.
void write_scatter(const std::string& path, const std::string& title, const std::vector<float>& xy,
                   const std::vector<int>& labels);

}  // namespace tiae
