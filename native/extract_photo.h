// `tiae extract`: the foreground (handwriting, digits) of a whole photo with a foreground
// extraction model, through the staged core of shared/extract.h; LibTorch runs each batch.
#pragma once
#include <string>

#include "extract.h"

namespace tiae {

struct ExtractPhotoOptions {
  std::string model;           // model or run folder (model_folder.h)
  std::string device = "auto";
  ExtractOptions core;         // glyph size, stride, batch
  bool progress = true;
};

// Reads `in` (image_file.h), writes the foreground (ink white on black, the input's size)
// to `out`. Returns a one-line summary.
std::string extract_photo(const std::string& in, const std::string& out, const ExtractPhotoOptions& options);

}  // namespace tiae
