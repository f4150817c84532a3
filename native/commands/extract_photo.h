// `tiae extract`: the foreground (handwriting, digits) of a whole photo with a foreground
// extraction model, through the staged core of shared/extract.h; LibTorch runs each batch.
#pragma once
#include <string>
#include <vector>

#include "extract.h"

namespace tiae {

struct ExtractPhotoOptions {
  std::string model;           // model or run folder (model_folder.h)
  std::string device = "auto";
  ExtractOptions core;         // glyph size, stride, batch
  bool auto_glyph_size = false;  // measure the glyph size from the photo (binarize.h); core's when none is found
  bool mask = false;           // write the ink mask (output at or over 0.5) instead of the soft map
  bool progress = true;
};

// The glyph size of a photo's writing, measured (evaluate/binarize.h), or `fallback` (the
// model's own) with a note on stderr naming `in` when no writing is found.
double measured_glyph_size(const std::vector<float>& gray, int width, int height, const std::string& in, double fallback);

// Reads `in` (image_file.h), writes the foreground (ink white on black, the input's size)
// to `out`: calibrated so that 0.5 is the model card's ink threshold (model_card.h), or the
// mask of the pixels at or over it. Returns a one-line summary.
std::string extract_photo(const std::string& in, const std::string& out, const ExtractPhotoOptions& options);

}  // namespace tiae
