// The network's arithmetic for a stretch of code (training, extraction): with
// Precision::bfloat16, autocast to bfloat16 on the tensors' device while the guard lives.
// Matrix products and convolutions then take bfloat16 inputs (oneDNN on the CPU, with AMX
// where the CPU has it); their results are bfloat16, to be made float32 by the caller, and
// gradients flow back in float32 to float32 weights.
#pragma once
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include "model/train_config.h"

namespace tiae {

class NetworkPrecision {
 public:
  NetworkPrecision(Precision precision, const torch::Device& device)
      : on_(precision == Precision::bfloat16), cuda_(device.is_cuda()) {
    if (!on_) return;
    if (cuda_) {
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
      at::autocast::set_enabled(true);
    } else {
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
      at::autocast::set_cpu_enabled(true);
    }
  }
  ~NetworkPrecision() {
    if (!on_) return;
    if (cuda_) at::autocast::set_enabled(false);
    else at::autocast::set_cpu_enabled(false);
    at::autocast::clear_cache();
  }
  NetworkPrecision(const NetworkPrecision&) = delete;
  NetworkPrecision& operator=(const NetworkPrecision&) = delete;

 private:
  bool on_, cuda_;
};

}  // namespace tiae
