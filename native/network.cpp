#include "network.h"

#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>

namespace tiae {

EncoderImpl::EncoderImpl(const NetworkShape& s) {
  conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(s.channels, s.conv_channels, s.kernel)));
  fc1 = register_module("fc1", torch::nn::Linear(s.pooled_features(), s.hidden1));
  fc2 = register_module("fc2", torch::nn::Linear(s.hidden1, s.hidden2));
  fc3 = register_module("fc3", torch::nn::Linear(s.hidden2, s.descriptor));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& images) {
  auto h = torch::max_pool2d(torch::relu(conv->forward(images)), 2);
  h = torch::relu(fc1->forward(h.flatten(1)));
  h = torch::relu(fc2->forward(h));
  return fc3->forward(h);  // the descriptor: linear, so it can take any sign
}

DecoderImpl::DecoderImpl(const NetworkShape& s) : shape(s) {
  fc1 = register_module("fc1", torch::nn::Linear(s.descriptor, s.hidden2));
  fc2 = register_module("fc2", torch::nn::Linear(s.hidden2, s.hidden1));
  fc3 = register_module("fc3", torch::nn::Linear(s.hidden1, s.channels * s.size * s.size));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& descriptors) {
  auto h = torch::relu(fc1->forward(descriptors));
  h = torch::relu(fc2->forward(h));
  return torch::sigmoid(fc3->forward(h)).view({-1, shape.channels, shape.size, shape.size});
}

AutoEncoderImpl::AutoEncoderImpl(const NetworkShape& s) : shape(s) {
  encoder = register_module("encoder", Encoder(s));
  decoder = register_module("decoder", Decoder(s));
}

namespace {
constexpr char kMagic[] = "TIAEW1\n";

template <typename T>
void put(std::ofstream& out, T v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); }
template <typename T>
T get(std::ifstream& in, const std::string& path) {
  T v{};
  if (!in.read(reinterpret_cast<char*>(&v), sizeof v)) throw std::runtime_error("truncated weights file " + path);
  return v;
}
}  // namespace

void save_weights(torch::nn::Module& module, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  out.write(kMagic, sizeof kMagic - 1);
  const auto params = module.named_parameters();
  put<uint32_t>(out, uint32_t(params.size()));
  for (const auto& item : params) {
    const auto t = item.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    put<uint32_t>(out, uint32_t(item.key().size()));
    out.write(item.key().data(), item.key().size());
    put<uint32_t>(out, uint32_t(t.dim()));
    for (auto d : t.sizes()) put<int64_t>(out, d);
    out.write(reinterpret_cast<const char*>(t.data_ptr<float>()), t.numel() * sizeof(float));
  }
  if (!out.flush()) throw std::runtime_error("failed writing " + path);
}

void load_weights(torch::nn::Module& module, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open weights file " + path);
  char magic[sizeof kMagic - 1];
  if (!in.read(magic, sizeof magic) || std::string(magic, sizeof magic) != kMagic)
    throw std::runtime_error(path + " is not a TIAE weights file");
  std::map<std::string, torch::Tensor> stored;
  const auto count = get<uint32_t>(in, path);
  for (uint32_t i = 0; i < count; ++i) {
    const auto len = get<uint32_t>(in, path);
    if (len > 4096) throw std::runtime_error("corrupt weights file " + path);
    std::string name(len, '\0');
    if (!in.read(name.data(), len)) throw std::runtime_error("truncated weights file " + path);
    const auto ndim = get<uint32_t>(in, path);
    if (ndim > 8) throw std::runtime_error("corrupt weights file " + path);
    std::vector<int64_t> dims(ndim);
    int64_t numel = 1;
    for (auto& d : dims) {
      d = get<int64_t>(in, path);
      if (d < 0 || d > (int64_t(1) << 31)) throw std::runtime_error("corrupt weights file " + path);
      numel *= d;
    }
    auto t = torch::empty(dims, torch::kFloat32);
    if (!in.read(reinterpret_cast<char*>(t.data_ptr<float>()), numel * sizeof(float)))
      throw std::runtime_error("truncated weights file " + path);
    stored[name] = t;
  }
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters()) {
    const auto it = stored.find(item.key());
    if (it == stored.end()) throw std::runtime_error(path + " has no tensor " + item.key());
    if (!it->second.sizes().equals(item.value().sizes()))
      throw std::runtime_error(path + ": tensor " + item.key() + " has shape " +
                               c10::str(it->second.sizes()) + ", the network expects " +
                               c10::str(item.value().sizes()));
    item.value().copy_(it->second);
  }
}

}  // namespace tiae

namespace tiae {
torch::Device choose_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda" || name == "gpu") {
    if (!torch::cuda::is_available()) throw std::runtime_error("--device cuda: no CUDA device is available");
    return torch::kCUDA;
  }
  if (name != "auto") throw std::runtime_error("unknown device '" + name + "' (auto, cpu, cuda)");
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}
}  // namespace tiae
