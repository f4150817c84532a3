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

// One row per ImageRow, images magnified `scale` times (nearest neighbour). Images of
// `channels` planes of size x size values each: one is gray; two are a grasp pair, the
// hand (channel 0) in orange and the object (channel 1) in blue.
void write_image_grid(const std::string& path, const std::string& title, const std::vector<ImageRow>& rows,
                      int size, int scale = 3, int channels = 1);

struct Picture {
  const float* values;  // width x height in [0, 1]
  int width, height;
  std::string caption;  // drawn above it
};
// Rows of pictures of any size, each scaled to `height` px high.
void write_picture_rows(const std::string& path, const std::string& title, const std::vector<std::vector<Picture>>& rows,
                        int height = 200);

// The robot hand posed by `angles_deg` (robot_hand_drawing, shared/hand_model.h) as side x
// side values in [0, 1]: its bones as sticks on black, nearer ones brighter, joints as dots.
std::vector<float> draw_robot_hand(const float* angles_deg, int side);

// Points coloured by label 0..9 (tab10 colours), with a legend naming each label by
// `names` (none: "digit <label>").
void write_scatter(const std::string& path, const std::string& title, const std::vector<float>& xy,
                   const std::vector<int>& labels, const std::vector<std::string>& names = {});

}  // namespace tiae
