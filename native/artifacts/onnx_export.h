// `tiae export`: a run's weights as ONNX files for ONNX Runtime (Node, Web) plus its model
// card, written with libonnx (no LibTorch needed, so models trained elsewhere export here).
//   encoder.onnx  input "image" [N, C, S, S] float32 in [0, 1] -> "descriptor" [N, D]
//   decoder.onnx  input "descriptor" [N, D] -> "image" [N, C, S, S] (sigmoid output)
// Opset 17, IR version 8, N symbolic. Weights are stored as float32, as float16 cast to
// float32 inside the graph (half the download; outputs move by ~1e-4), or with int8 the
// matrices as int8 rows and a float scale per row, dequantized inside the graph (a quarter
// of float32; web/ states how far outputs move).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "model/weights_file.h"

namespace tiae {

enum class WeightStorage { float32, float16, int8 };
std::string to_string(WeightStorage w);
WeightStorage weight_storage(const std::string& name);  // throws for an unknown name

struct ExportOptions {
  std::string out_dir;
  WeightStorage weights = WeightStorage::float32;
  std::string eval_dir;  // optional: `tiae eval` output whose metrics and pictures to include
};

// Returns the model card written to <out_dir>/model.json. The target is locked
// (folder_lock.h) and written as a new folder swapped in whole (folder_swap.h).
nlohmann::json export_model(const std::string& run_dir, const ExportOptions& options);

// A model folder's networks again with `weights` storage beside its own files, for the
// page: encoder.<storage>.onnx and decoder.<storage>.onnx, recorded in model.json under
// "web" (the files the page loads). The folder's own files stay the reference. The folder is
// locked (folder_lock.h) and replaced whole by a copy with the new files (folder_swap.h).
nlohmann::json write_web_copy(const std::string& model_dir, WeightStorage weights);

// `tiae card MODEL --regressor RUN`: the shift regressor of `tiae regressor` (run folder
// RUN, train/regressor_trainer.h) into the model folder that taught it, as regressor.onnx
// (image [N, C, S, S] -> "shift" [N, outputs]: theta_hat's dx, dy in px, then angle in
// degrees and scale for a model with rotations and scales), named in the card under
// files.regressor with its training and its measurements ("regressor"). Refused when RUN's
// teacher is not this folder's network (its checksum). Returns the card.
nlohmann::json attach_regressor(const std::string& model_dir, const std::string& regressor_run);

}  // namespace tiae
