// The encoder E and decoder D (docs/method.md, "The network"): a 9x9 valid convolution with 16 channels and
// 2x2 max pooling (32x32 -> 12x12x16), then fully connected 1500 -> 150 -> descriptor;
// the decoder mirrors it, descriptor -> 150 -> 1500 -> image, with a sigmoid output.
#pragma once
#include <torch/torch.h>

#include <string>

#include "model/network_shape.h"
#include "model/weights_file.h"

namespace tiae {

struct EncoderImpl : torch::nn::Module {
  explicit EncoderImpl(const NetworkShape& shape);
  // dense: [N, C, S, S] -> [N, descriptor]; conv: [N, C, H, W] -> [N, conv_channels, H, W]
  torch::Tensor forward(const torch::Tensor& images);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
  std::vector<torch::nn::Conv2d> dilated;  // arch conv: "dilated<i>", after `conv`
};
TORCH_MODULE(Encoder);

struct DecoderImpl : torch::nn::Module {
  explicit DecoderImpl(const NetworkShape& shape);
  // dense: [N, descriptor] -> [N, C, S, S]; conv: [N, conv_channels, H, W] -> [N, C, H, W]
  torch::Tensor forward(const torch::Tensor& descriptors);
  NetworkShape shape;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
  torch::nn::Conv2d pixel{nullptr};  // arch conv: 1x1
};
TORCH_MODULE(Decoder);

struct AutoEncoderImpl : torch::nn::Module {
  explicit AutoEncoderImpl(const NetworkShape& shape);
  NetworkShape shape;
  Encoder encoder{nullptr};
  Decoder decoder{nullptr};
};
TORCH_MODULE(AutoEncoder);

// The run's portable weights file (weights_file.h) <-> the module's parameters.
void save_weights(torch::nn::Module& module, const std::string& path);
// Throws std::runtime_error for a missing file, a foreign format, or a name/shape mismatch.
void load_weights(torch::nn::Module& module, const std::string& path);
// The same from weights in memory; `origin` names them in errors.
void load_weights(torch::nn::Module& module, const WeightMap& weights, const std::string& origin);

}  // namespace tiae

namespace tiae {
// "auto": CUDA when a GPU is present, else CPU; "cpu" or "cuda" force one (an error if
// CUDA is asked for and absent).
torch::Device choose_device(const std::string& name);
// LibTorch's CPU threads for one command: `requested`, or every core when 0 (Debian's
// LibTorch starts with one). Returns the count in use.
int use_cpu_threads(int requested);
// Where a command's networks ran, for its summary line: "on the GPU", "on 2 CPU threads".
std::string ran_on(const torch::Device& device);
}  // namespace tiae
