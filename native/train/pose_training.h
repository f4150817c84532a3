// `tiae pose RUN`: trains the robot hand's regressor (model/pose_regressor.h) on a depth
// model's descriptors, the model frozen: the descriptors of the training hands
// (data/depth_hands.h: the 8,000 the model was trained on, or the first `hands` of that
// stream, which renders further hands alike) at `copies` random shifts each,
// and the angles drawn for them. Adam with a cosine decay, on standardised descriptors and
// angles scaled to their ranges; the weights kept are those of the epoch with the lowest
// mean angle error on the validation hands (a set of their own, apart from the training
// hands and from the evaluation's test hands). Writes RUN/pose/weights.bin and
// RUN/pose/pose.json (the shape, the settings, the epoch kept, the log), the folder whole
// (io/folder_swap.h). While it trains, RUN/pose-training/ holds its settings, log and the
// checkpoint of its last finished epoch (artifacts/run_folder.h), which --resume continues
// after a kill; it is removed once the regressor is written.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace tiae {

struct PoseOptions {
  std::string run;
  int hidden = 256, epochs = 60, copies = 4, batch = 256;
  int hands = 0;  // training hands (0: the model's 8,000; validation hands 2,000 from 8,000 on, else a sixth as many)
  double lr = 1e-3, lr_final = 1e-5;
  uint64_t seed = 1;
  int threads = 0;
  std::string device = "auto";
  bool progress = true;
  bool resume = false;  // continue RUN/pose-training/ (its settings, not these)
};

// Returns pose.json's content.
nlohmann::json train_pose(const PoseOptions& options);

}  // namespace tiae
