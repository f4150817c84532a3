// `tiae export`: a run's weights as ONNX files for ONNX Runtime (Node, Web) plus its model
// card, written with libonnx (no LibTorch needed, so models trained elsewhere export here).
//   encoder.onnx  input "image" [N, C, S, S] float32 in [0, 1] -> "descriptor" [N, D]
//   decoder.onnx  input "descriptor" [N, D] -> "image" [N, C, S, S] (sigmoid output)
// Opset 17, IR version 8, N symbolic. With fp16 the weights are stored as float16 and cast
// to float32 inside the graph (half the download; outputs move by ~1e-4).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "model/weights_file.h"

namespace tiae {

struct ExportOptions {
  std::string out_dir;
  bool fp16 = false;
  std::string eval_dir;  // optional: `tiae eval` output whose metrics and pictures to include
};

// Returns the model card written to <out_dir>/model.json.
nlohmann::json export_model(const std::string& run_dir, const ExportOptions& options);

// The other way: the weights of exported files (float32 or float16 initializers), named
// as in the network ("encoder.fc1.weight", ...), so that LibTorch can run a released model.
// Throws naming the file when it is missing or not an ONNX model of this project.
WeightMap read_onnx_weights(const std::string& onnx_path);

}  // namespace tiae
