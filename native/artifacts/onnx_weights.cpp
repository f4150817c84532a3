#include "artifacts/onnx_weights.h"

#include <c10/util/Half.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include "io/files.h"

namespace tiae {

namespace {

bool ends_with(const std::string& s, const std::string& end) {
  return s.size() > end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

// The initializer's values as float32, its raw bytes first checked against its dims.
std::vector<float> float_values(const onnx::TensorProto& init, size_t count, size_t bytes_each, const std::string& origin) {
  const std::string& raw = init.raw_data();
  if (raw.size() != count * bytes_each)
    throw std::runtime_error(origin + ": initializer " + init.name() + " holds " + std::to_string(raw.size()) + " bytes, its dims say " +
                             std::to_string(count * bytes_each));
  std::vector<float> values(count);
  if (bytes_each == 4) std::memcpy(values.data(), raw.data(), raw.size());  // little-endian, as written
  if (bytes_each == 2)
    for (size_t i = 0; i < count; ++i) {
      const auto bits = uint16_t(uint8_t(raw[2 * i]) | (uint8_t(raw[2 * i + 1]) << 8));
      values[i] = float(c10::Half(bits, c10::Half::from_bits()));
    }
  if (bytes_each == 1)
    for (size_t i = 0; i < count; ++i) values[i] = float(int8_t(raw[i]));
  return values;
}

// An int8 matrix's rows times their scales (initializer "<name>.scale", one per row).
void apply_row_scales(NamedTensor& t, const onnx::TensorProto* scale, const std::string& name, const std::string& origin) {
  if (!scale || t.dims.size() != 2 || scale->data_type() != onnx::TensorProto::FLOAT)
    throw std::runtime_error(origin + ": int8 matrix " + name + " has no scale per row");
  const auto scales = float_values(*scale, size_t(t.dims[0]), 4, origin);
  const size_t cols = size_t(t.dims[1]);
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] *= scales[i / cols];
}

}  // namespace

WeightMap parse_onnx_weights(const std::string& bytes, const std::string& origin) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes) || model.producer_name() != "tiae")
    throw std::runtime_error(origin + " is not an ONNX model written by `tiae export`");
  std::map<std::string, const onnx::TensorProto*> scales;  // int8 matrices' row scales, by matrix
  for (const auto& init : model.graph().initializer())
    if (ends_with(init.name(), ".scale")) scales[init.name().substr(0, init.name().size() - 6)] = &init;
  WeightMap weights;
  for (const auto& init : model.graph().initializer()) {
    std::string name = init.name();
    const auto type = init.data_type();
    size_t bytes_each = 0;
    if (type == onnx::TensorProto::FLOAT && !ends_with(name, ".scale")) bytes_each = 4;
    if (type == onnx::TensorProto::FLOAT16 && ends_with(name, ".fp16")) bytes_each = 2;
    if (type == onnx::TensorProto::INT8 && ends_with(name, ".int8")) bytes_each = 1;
    if (bytes_each == 0) continue;  // scales (read with their matrix), zero points, shapes
    NamedTensor t{{init.dims().begin(), init.dims().end()}, {}};
    t.data = float_values(init, size_t(checked_element_count(t.dims, origin + ": initializer " + name)), bytes_each, origin);
    if (bytes_each != 4) name.resize(name.size() - 5);  // ".fp16", ".int8"
    if (bytes_each == 1) apply_row_scales(t, scales.count(name) ? scales[name] : nullptr, name, origin);
    for (const float v : t.data)
      if (!std::isfinite(v)) throw std::runtime_error(origin + ": initializer " + name + " holds a value that is not finite");
    weights[name] = std::move(t);
  }
  return weights;
}

WeightMap read_onnx_weights(const std::string& onnx_path) {
  return parse_onnx_weights(read_file(onnx_path, kMaxOnnxFileBytes), onnx_path);
}

}  // namespace tiae
