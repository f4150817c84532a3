// `tiae regressor`: trains the slides' shift regressor R (model/regressor.h) of a TIAE on its
// own estimates: each step draws training digits at random placements of the TIAE's family
// (its card's or config's), the TIAE's exact search gives theta_hat, and R is fitted to it by
// Adam on the squared error (no labels). The folder gets, as it goes,
//   settings.json   what --resume continues with (the teacher and its checksum, the settings)
//   log.jsonl       one line per finished epoch
//   checkpoint/     the last finished epoch: R, Adam and the random generator (run_folder.h's
//                   checkpoint, written aside and renamed), so that a killed run resumed with
//                   --resume ends with the weights of one never killed
// and at the end
//   regressor.bin   R's weights (weights_file.h), named "regressor.<layer>.<weight|bias>"
//   regressor.json  the settings, the teacher (its folder and the checksum of its weights),
//                   one line per epoch, and R against the exact search on the 2,000 MNIST
//                   test digits (never trained on) at random placements: error in px, the
//                   share within 1 px, and the time of each on this machine.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace tiae {

struct RegressorOptions {
  std::string teacher;  // a TIAE's run or model folder
  std::string out_dir;
  int epochs = 20, batch = 128, threads = 0;
  double lr = 1e-3, lr_final = 1e-5;  // cosine decay, as `tiae train`
  uint64_t seed = 1;
  bool progress = true;
  bool resume = false;  // continue the run in out_dir from its last finished epoch, with its own settings
};

nlohmann::json train_regressor(const RegressorOptions& options);

// The teacher's fingerprint: the checksums of its weights (a run's weights.bin, a model
// folder's ONNX files), so that R is only ever attached to the network that taught it.
std::string teacher_checksum(const std::string& folder);

}  // namespace tiae
