#include "train/fused_adam.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <c10/util/string_utils.h>

#include <cmath>

namespace tiae {
namespace {

using torch::optim::AdamOptions;
using torch::optim::AdamParamState;

bool fusable(const torch::Tensor& p, const AdamOptions& o) {
  const auto& g = p.grad();
  return o.weight_decay() == 0 && !o.amsgrad() && p.device().is_cpu() && p.scalar_type() == torch::kFloat32 &&
         g.scalar_type() == torch::kFloat32 && p.is_contiguous() && g.is_contiguous() && !g.is_sparse();
}

// The parameter's state, made as Adam::step makes it on its first step.
AdamParamState& state_of(torch::optim::Adam& optimizer, const torch::Tensor& p) {
  auto& slot = optimizer.state()[c10::guts::to_string(p.unsafeGetTensorImpl())];
  if (!slot) {
    auto state = std::make_unique<AdamParamState>();
    state->step(0);
    state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
    state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
    slot = std::move(state);
  }
  return static_cast<AdamParamState&>(*slot);
}

// Adam::step's arithmetic per value, in its order and in float as LibTorch does it:
// m = m b1 + g (1 - b1); v = v b2 + g g (1 - b2); p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
void update(const torch::Tensor& p, AdamParamState& s, const AdamOptions& o) {
  s.step(s.step() + 1);
  const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
  const float b1 = float(beta1), b2 = float(beta2), c1 = float(1 - beta1), c2 = float(1 - beta2);
  const float root_bc2 = float(std::sqrt(1 - std::pow(beta2, double(s.step())))), eps = float(o.eps());
  const float step_size = float(o.lr() / (1 - std::pow(beta1, double(s.step()))));
  float* w = p.data_ptr<float>();
  const float* g = p.grad().data_ptr<float>();
  float* m = s.exp_avg().data_ptr<float>();
  float* v = s.exp_avg_sq().data_ptr<float>();
  at::parallel_for(0, p.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      m[i] = m[i] * b1 + g[i] * c1;
      v[i] = v[i] * b2 + g[i] * g[i] * c2;
      w[i] -= step_size * (m[i] / (std::sqrt(v[i]) / root_bc2 + eps));
    }
  });
}

}  // namespace

void adam_step(torch::optim::Adam& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params())
      if (p.grad().defined() && !fusable(p, static_cast<const AdamOptions&>(group.options()))) {
        optimizer.step();  // on a GPU, say: Adam's own update for all
        return;
      }
  torch::NoGradGuard no_grad;
  RECORD_FUNCTION("tiae::adam_step", std::vector<c10::IValue>());  // named in profiles (tiae bench --profile)
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params())
      if (p.grad().defined()) update(p, state_of(optimizer, p), static_cast<const AdamOptions&>(group.options()));
}

}  // namespace tiae
