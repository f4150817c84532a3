// `tiae depth`: a depth frame through the slides' hand application (docs/depth.md): the
// hand cut out (shared/depth_hand.h, the model card's settings), restored by PCA and by the
// TIAE (its canonical image and that image moved by its estimated shift), the TIAE's
// descriptor, and the joint angles each one's robot hand regressor reads from it.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace tiae {

struct DepthCommandOptions {
  std::string model, pca;     // model or run folders: the TIAE and PCA
  double focal_px = 0;        // the camera's; 0: the card's (data/real-depth's camera)
  double unit_m = 0;          // metres per unit of the frame's values; 0: the card's
  float offset_x = 0, offset_y = 0;  // move the crop by this many of the network's pixels
  std::string device = "auto";
};

// Reads the frame (io/depth_file.h) and writes into the folder `out`: depth.json (the crop,
// the input, and per model its restoration, restoration error, descriptor and angles) and
// depth.png (the frame with the window, the input, PCA's and the TIAE's restorations, the
// robot hands). Throws, writing nothing, when the frame is refused or holds no hand.
// Returns depth.json's content.
nlohmann::json depth_command(const std::string& frame, const std::string& out, const DepthCommandOptions& options);

}  // namespace tiae
