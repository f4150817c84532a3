// The trainer's one-pass Adam update (native/train/fused_adam.h) against LibTorch's own
// torch::optim::Adam: the same weights and state after several steps, a state that Adam
// saves, loads and continues from, and Adam's own step where the loop does not apply.
#include <sstream>

#include "train/fused_adam.h"
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

namespace {

// Two identical parameter sets, each with its optimizer.
struct Twins {
  std::vector<torch::Tensor> a, b;
  torch::optim::Adam adam_a, adam_b;
  Twins(const torch::optim::AdamOptions& options)
      : a(make()), b(copy(a)), adam_a(a, options), adam_b(b, options) {}
  static std::vector<torch::Tensor> make() {
    torch::manual_seed(3);
    return {torch::randn({300, 70}).requires_grad_(), torch::randn({70}).requires_grad_(), torch::randn({16, 1, 9, 9}).requires_grad_()};
  }
  static std::vector<torch::Tensor> copy(const std::vector<torch::Tensor>& from) {
    std::vector<torch::Tensor> out;
    for (const auto& t : from) out.push_back(t.detach().clone().requires_grad_());
    return out;
  }
  // The same random gradients into both sets.
  void gradients(int64_t seed) {
    torch::manual_seed(seed);
    for (size_t i = 0; i < a.size(); ++i) {
      const auto g = torch::randn_like(a[i]) * (1 + double(i));
      a[i].mutable_grad() = g.clone();
      b[i].mutable_grad() = g.clone();
    }
  }
  double max_difference() const {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::max(d, (a[i] - b[i]).abs().max().item<double>());
    return d;
  }
};

double state_difference(torch::optim::Adam& x, const torch::Tensor& px, torch::optim::Adam& y, const torch::Tensor& py) {
  auto& sx = static_cast<torch::optim::AdamParamState&>(*x.state().at(c10::guts::to_string(px.unsafeGetTensorImpl())));
  auto& sy = static_cast<torch::optim::AdamParamState&>(*y.state().at(c10::guts::to_string(py.unsafeGetTensorImpl())));
  REQUIRE(sx.step() == sy.step());
  return std::max((sx.exp_avg() - sy.exp_avg()).abs().max().item<double>(), (sx.exp_avg_sq() - sy.exp_avg_sq()).abs().max().item<double>());
}

}  // namespace

TEST_CASE("the one-pass Adam update gives torch::optim::Adam's weights and state, and its saved state continues") {
  Twins t(torch::optim::AdamOptions(3e-3));
  for (int step = 0; step < 6; ++step) {
    t.gradients(100 + step);
    t.adam_a.step();
    tiae::adam_step(t.adam_b);
  }
  const double moved = (t.a[0] - Twins::make()[0]).abs().max().item<double>();
  CHECK(moved > 1e-3);               // the steps moved the weights
  CHECK(t.max_difference() < 1e-6);  // the same way
  for (size_t i = 0; i < t.a.size(); ++i) CHECK(state_difference(t.adam_a, t.a[i], t.adam_b, t.b[i]) < 1e-6);

  // The fused optimizer's state saved and loaded into a fresh Adam continues as the original.
  std::stringstream saved;
  torch::save(t.adam_b, saved);
  torch::optim::Adam loaded(t.b, torch::optim::AdamOptions(3e-3));
  torch::load(loaded, saved);
  t.gradients(200);
  t.adam_a.step();
  loaded.step();
  CHECK(t.max_difference() < 1e-6);
}

TEST_CASE("with weight decay (not in the one-pass loop) the step is Adam's own, exactly") {
  Twins t(torch::optim::AdamOptions(3e-3).weight_decay(0.01));
  for (int step = 0; step < 3; ++step) {
    t.gradients(300 + step);
    t.adam_a.step();
    tiae::adam_step(t.adam_b);
  }
  CHECK(t.max_difference() == 0);
}
