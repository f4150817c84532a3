// The weights of ONNX files written by `tiae export` (artifacts/onnx_export.h), read back so
// that LibTorch runs a released model: float32, float16 or int8 initializers (int8 rows with
// a float scale per row), named as in the network ("encoder.fc1.weight", ...). The files are
// untrusted: every size they state is checked against the bytes that hold it before anything
// is allocated, and every value must be finite.
#pragma once
#include <cstdint>
#include <string>

#include "model/weights_file.h"

namespace tiae {

// The largest ONNX file read (protobuf's own limit is 2 GB).
constexpr uintmax_t kMaxOnnxFileBytes = uintmax_t(1) << 30;

// Throws a std::runtime_error that begins with `origin` when the bytes are not an ONNX model
// of this project or an initializer is inconsistent (sizes, scales, values).
WeightMap parse_onnx_weights(const std::string& bytes, const std::string& origin);
// The same for a file (read_file: a regular file of at most kMaxOnnxFileBytes).
WeightMap read_onnx_weights(const std::string& onnx_path);

}  // namespace tiae
