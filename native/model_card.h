// The model card (model.json) of a released model folder: written by `tiae export`, read by
// every command that runs a model. Torch-free. The card is untrusted input (a folder
// downloaded from anywhere): parse_model_card checks every field a reader uses before any
// arithmetic is done with it.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "train_config.h"

namespace tiae {

struct ModelCard {
  TrainConfig config;                         // training settings, network shape within bounds
  std::string encoder_file, decoder_file;     // plain file names inside the model folder
  std::map<std::string, std::string> checksums;  // file name -> "crc32:xxxxxxxx" (empty in older cards)
};

// Throws std::runtime_error naming `origin` (the card's path) for text that is not JSON,
// missing or mistyped fields, a network shape out of bounds (network_shape.h), top-level
// sizes that disagree with the network, or file names that leave the folder.
ModelCard parse_model_card(const std::string& text, const std::string& origin);

// Reads <folder>/model.json (at most 16 MB) and parses it.
ModelCard read_model_card(const std::string& folder);

// "crc32:xxxxxxxx" of a file's bytes (zlib's CRC-32), for the card's and the checkpoint's
// checksums. Throws naming the file when it cannot be read.
std::string file_checksum(const std::string& path);
// Throws "<path> is damaged (checksum ...)" when the file's checksum is not `expected`.
void verify_checksum(const std::string& path, const std::string& expected);

}  // namespace tiae
