// `tiae extract`: the foreground (handwriting, digits) of a whole photo with a foreground
// extraction model, through the staged core of shared/extract.h; LibTorch runs each batch.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "artifacts/model_card.h"
#include "io/image_file.h"
#include "model/train_config.h"

#include "extract.h"

namespace tiae {

struct ExtractPhotoOptions {
  std::string model;           // model or run folder (model_folder.h)
  std::string device = "auto";
  ExtractOptions core;         // glyph size, stride, batch
  // Where the glyph size comes from: core.glyph_size as given; measured from the photo's
  // marks (shared/glyph_size.h); or chosen by the model (shared/glyph_search.h).
  enum class GlyphSize { given, measured, model } glyph_size_from = GlyphSize::given;
  bool mask = false;           // write the ink mask (output at or over 0.5) instead of the soft map
  double adapt_seconds = 0;    // > 0: --adapt, the model fine-tuned on the photo's own paper for this long first (model/adaptation.h)
  Precision precision = Precision::float32;  // bfloat16: the network's products in bfloat16 (model/precision.h)
  int threads = 0;             // LibTorch's CPU threads; 0: every core
  bool progress = true;
};

// What `extract` and `document` start from: the image file (bad input fails here, before
// any model loads), its gray values, the model's card (a training run has none: the
// defaults) and the glyph size: `glyph_size`, or measured from the image
// (shared/glyph_size.h), or the card's with a note on stderr when it shows no writing;
// 0 when `measure` is false (the caller chooses it).
struct PageInput {
  RgbaImage image;
  std::vector<float> gray;
  ModelCard card;
  double glyph_size = 0;
};
PageInput read_page(const std::string& in, const std::string& model, std::optional<double> glyph_size, bool measure = true);

// Reads `in` (image_file.h), writes the foreground (ink white on black, the input's size)
// to `out`: calibrated so that 0.5 is the model card's ink threshold (model_card.h), or the
// mask of the pixels at or over it. Returns a one-line summary.
std::string extract_photo(const std::string& in, const std::string& out, const ExtractPhotoOptions& options);

}  // namespace tiae
