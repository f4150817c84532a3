// The model card (model.json) of a released model folder: written by `tiae export`, read by
// every command that runs a model. Torch-free. The card is untrusted input (a folder
// downloaded from anywhere): parse_model_card checks every field a reader uses before any
// arithmetic is done with it.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "data/mnist_data.h"
#include "depth_hand.h"
#include "model/pose_shape.h"
#include "model/train_config.h"

namespace tiae {

struct ModelCard {
  TrainConfig config;                         // training settings, network shape within bounds
  std::string encoder_file, decoder_file;     // plain file names inside the model folder
  std::string regressor_file;                 // the shift regressor's, when it has one (onnx_export.h)
  std::map<std::string, std::string> checksums;  // file name -> "crc32:xxxxxxxx", the encoder's and decoder's at least
  // Foreground models: the output level above which a pixel is ink, tuned on the tuning
  // pages by `tiae eval` and recorded by `tiae card`; extraction maps it to 0.5. Older
  // cards have none: 0.5.
  double ink_threshold = 0.5;
  // The height of the glyphs it was trained on, in px (older cards: MNIST's 20 px). The
  // shift range, the layout and the letters are in `config`.
  double glyph_size = kMnistDigitHeight;
  // Document models: the bandwidth quantile of the peaks' mean shift, chosen on the tuning
  // pages by `tiae eval` and recorded by `tiae card` (none yet: 0.1).
  double cluster_quantile = 0.1;
  // Depth models: how a frame's hand becomes the network's input ("depth": {"cut": ...};
  // size is the network's, focal_px the default camera's), the default camera ("depth":
  // {"camera": {"focal_px", "unit_m"}}), and the robot hand's regressor (files.pose, and
  // "pose": {"shape": ...}); none in other cards.
  bool has_depth = false;
  DepthCutOptions depth;
  double depth_unit_m = 0.000125;
  std::string pose_file;
  PoseShape pose_shape;
};

// A depth model's "depth" section: the cut-out's settings and the default camera (the
// focal length in px and the metres of one unit of the 16-bit values).
nlohmann::json depth_card_section(const DepthCutOptions& cut, double unit_m);

// Throws std::runtime_error naming `origin` (the card's path) for text that is not JSON,
// missing or mistyped fields, a network shape out of bounds (network_shape.h), top-level
// sizes that disagree with the network, file names that leave the folder, or network files
// without a checksum.
ModelCard parse_model_card(const std::string& text, const std::string& origin);

// A model's name: its folder's name ("runs/mnist-shift-tiae/" -> "mnist-shift-tiae"), as
// `tiae eval` names it in metrics.json.
std::string model_name(const std::string& folder);

// Reads <folder>/model.json (at most 16 MB) and parses it.
ModelCard read_model_card(const std::string& folder);
// The same for a model folder; a training run (no card) gets the defaults above.
ModelCard read_model_card_or_defaults(const std::string& folder);

// `tiae card MODEL --eval DIR`: records what `tiae eval` measured of this model (its metrics,
// and for foreground models the tuned ink threshold and the page pictures) in its folder,
// locked (folder_lock.h) and replaced whole with the changed files (folder_swap.h). Returns the card.
nlohmann::json record_evaluation(const std::string& folder, const std::string& eval_dir);
// What both `tiae card` and `tiae export --eval` put in a card from an evaluation's
// metrics.json (`origin`): the model `name`'s metrics, the protocol, the baselines, and the
// tuned ink threshold. Throws when the evaluation has no such model.
void merge_evaluation(nlohmann::json& card, const nlohmann::json& metrics, const std::string& name, const std::string& origin);

// "crc32:xxxxxxxx" of a file's bytes (zlib's CRC-32), for the card's and the checkpoint's
// checksums. Throws naming the file when it cannot be read or is not a regular file.
std::string file_checksum(const std::string& path);
// Throws "<path> is damaged (checksum ...)" when the file's checksum is not `expected`.
void verify_checksum(const std::string& path, const std::string& expected);

}  // namespace tiae
