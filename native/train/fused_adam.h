// One step of torch::optim::Adam's update in a single pass over each parameter's values.
// LibTorch 1.13's Adam::step makes eight passes per parameter (mul_, add_, mul_, addcmul_,
// sqrt, div, add_, addcdiv_): PyTorch's Adam takes 16 ms a step on the released network's
// parameters on 2 CPU cores, about a tenth of a bfloat16 training step. The state lives in the optimizer's own AdamParamState (step, exp_avg,
// exp_avg_sq), so torch::save / torch::load of the optimizer and --resume are unchanged.
// When a parameter is not one this loop covers (not float32 on the CPU, not contiguous,
// weight decay, amsgrad), the step is Adam::step's own, for all.
#pragma once
#include <torch/torch.h>

namespace tiae {

void adam_step(torch::optim::Adam& optimizer);

}  // namespace tiae
