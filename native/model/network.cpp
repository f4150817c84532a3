#include "model/network.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>

#include "model/max_pool.h"
#include "model/weights_file.h"

namespace tiae {

namespace {
torch::nn::Conv2d same_size_conv(int in, int out, int dilation) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).dilation(dilation).padding(dilation));
}
}  // namespace

EncoderImpl::EncoderImpl(const NetworkShape& s) {
  if (s.arch == Architecture::linear) {
    fc1 = register_module("fc1", torch::nn::Linear(s.channels * s.size * s.size, s.descriptor));
    return;
  }
  if (s.arch == Architecture::conv) {
    conv = register_module("conv", same_size_conv(s.channels, s.conv_channels, 1));
    for (size_t i = 0; i < s.dilations.size(); ++i)
      dilated.push_back(register_module("dilated" + std::to_string(i), same_size_conv(s.conv_channels, s.conv_channels, s.dilations[i])));
    return;
  }
  conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(s.channels, s.conv_channels, s.kernel)));
  fc1 = register_module("fc1", torch::nn::Linear(s.pooled_features(), s.hidden1));
  fc2 = register_module("fc2", torch::nn::Linear(s.hidden1, s.hidden2));
  fc3 = register_module("fc3", torch::nn::Linear(s.hidden2, s.descriptor));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& images) {
  if (!conv) return fc1->forward(images.flatten(1));  // linear: the coefficients, W (x - mean) = W x + b
  if (!dilated.empty()) {
    auto h = torch::relu(conv->forward(images));
    for (auto& layer : dilated) h = h + torch::relu(layer->forward(h));  // residual: fine detail passes unchanged
    return h;
  }
  auto h = max_pool_2x2(torch::relu(conv->forward(images)));
  h = torch::relu(fc1->forward(h.flatten(1)));
  h = torch::relu(fc2->forward(h));
  return fc3->forward(h);  // the descriptor: linear, so it can take any sign
}

DecoderImpl::DecoderImpl(const NetworkShape& s) : shape(s) {
  if (s.arch == Architecture::linear) {
    fc1 = register_module("fc1", torch::nn::Linear(s.descriptor, s.channels * s.size * s.size));
    return;
  }
  if (s.arch == Architecture::conv) {
    pixel = register_module("pixel", torch::nn::Conv2d(torch::nn::Conv2dOptions(s.conv_channels, s.outputs(), 1)));
    return;
  }
  fc1 = register_module("fc1", torch::nn::Linear(s.descriptor, s.hidden2));
  fc2 = register_module("fc2", torch::nn::Linear(s.hidden2, s.hidden1));
  fc3 = register_module("fc3", torch::nn::Linear(s.hidden1, s.channels * s.size * s.size));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& descriptors) {
  if (pixel) return torch::sigmoid(pixel->forward(descriptors));
  if (!fc2) return fc1->forward(descriptors).view({-1, shape.channels, shape.size, shape.size});  // linear: W^T c + mean
  auto h = torch::relu(fc1->forward(descriptors));
  h = torch::relu(fc2->forward(h));
  return torch::sigmoid(fc3->forward(h)).view({-1, shape.channels, shape.size, shape.size});
}

AutoEncoderImpl::AutoEncoderImpl(const NetworkShape& s) : shape(s) {
  encoder = register_module("encoder", Encoder(s));
  decoder = register_module("decoder", Decoder(s));
}

void save_weights(torch::nn::Module& module, const std::string& path) {
  WeightMap weights;
  for (const auto& item : module.named_parameters()) {
    const auto t = item.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    weights[item.key()] = {t.sizes().vec(), std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel())};
  }
  write_weights_file(path, weights);
}

void load_weights(torch::nn::Module& module, const std::string& path) { load_weights(module, read_weights_file(path), path); }

void load_weights(torch::nn::Module& module, const WeightMap& stored, const std::string& path) {
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters()) {
    const auto it = stored.find(item.key());
    if (it == stored.end()) throw std::runtime_error(path + " has no tensor " + item.key() + ": not a model of this kind");
    if (!item.value().sizes().equals(it->second.dims))
      throw std::runtime_error(path + ": tensor " + item.key() + " has shape " + c10::str(c10::IntArrayRef(it->second.dims)) +
                               ", the network expects " + c10::str(item.value().sizes()));
    item.value().copy_(torch::from_blob(const_cast<float*>(it->second.data.data()), it->second.dims, torch::kFloat32));
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

int use_cpu_threads(int requested) {
  if (requested < 0) throw std::invalid_argument("threads: " + std::to_string(requested) + " (0: every core)");
  torch::set_num_threads(requested > 0 ? requested : int(std::max(1u, std::thread::hardware_concurrency())));
  return torch::get_num_threads();
}

std::string ran_on(const torch::Device& device) {
  if (device.is_cuda()) return "on the GPU";
  const int n = torch::get_num_threads();
  return "on " + std::to_string(n) + (n == 1 ? " CPU thread" : " CPU threads");
}
}  // namespace tiae
