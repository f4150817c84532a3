#include "train/benchmark.h"

#include <fmt/core.h>

#include <chrono>
#include <random>
#include <thread>

#include "io/files.h"
#include "model/terms.h"
#include "train/fused_adam.h"
#include "train/reusing_allocator.h"
#include "train/step_profile.h"

namespace tiae {
namespace {

void sync(torch::Device d) {
  if (d.is_cuda()) torch::cuda::synchronize();
}

// Mean seconds of `fn` over `reps` calls after one warm-up call.
template <typename Fn>
double seconds_per_call(torch::Device device, int reps, Fn fn) {
  fn();
  sync(device);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) fn();
  sync(device);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
}

// GFLOP/s of torch::mm on the step's largest product (the first fully connected layer's
// forward, [images, pooled] x [pooled, hidden1]): what this machine's BLAS reaches on it.
double gemm_gflops(const NetworkShape& n, int64_t images, torch::Device device) {
  const auto a = torch::rand({images, int64_t(n.pooled_features())}, device), b = torch::rand({int64_t(n.pooled_features()), int64_t(n.hidden1)}, device);
  const double s = seconds_per_call(device, 10, [&] { torch::mm(a, b); });
  return 2.0 * images * n.pooled_features() * n.hidden1 / s / 1e9;
}

// ms of the exact C_res (one grouped convolution) against the loop over all shifts, on a
// batch of targets and random reconstructions, forward and forward + backward.
nlohmann::json restoration_timing(torch::Device device, const torch::Tensor& target, int m) {
  const auto recon = torch::sigmoid(torch::randn_like(target)).requires_grad_(true);
  const int reps_fast = 10, reps_loop = device.is_cuda() ? 10 : 2;
  const double exact_fwd = seconds_per_call(device, reps_fast, [&] { restoration_term(recon, target, m); });
  const double loop_fwd = seconds_per_call(device, reps_loop, [&] { restoration_term_by_loop(recon, target, m); });
  const double exact_bwd = seconds_per_call(device, reps_fast, [&] { restoration_term(recon, target, m).distance.sum().backward(); });
  const double loop_bwd = seconds_per_call(device, reps_loop, [&] { restoration_term_by_loop(recon, target, m).distance.sum().backward(); });
  const int64_t images = target.size(0), shifts = int64_t(2 * m + 1) * (2 * m + 1);
  fmt::print("C_res of {} images over {} shifts: exact {:.1f} ms vs loop {:.1f} ms forward ({:.0f}x); "
             "with backward {:.1f} vs {:.1f} ms ({:.0f}x)\n",
             images, shifts, exact_fwd * 1e3, loop_fwd * 1e3, loop_fwd / exact_fwd, exact_bwd * 1e3, loop_bwd * 1e3, loop_bwd / exact_bwd);
  return {{"images", images}, {"shifts", shifts}, {"exact_forward_ms", exact_fwd * 1e3}, {"loop_forward_ms", loop_fwd * 1e3},
          {"exact_forward_backward_ms", exact_bwd * 1e3}, {"loop_forward_backward_ms", loop_bwd * 1e3},
          {"speedup_forward", loop_fwd / exact_fwd}, {"speedup_forward_backward", loop_bwd / exact_bwd}};
}

// The timed steps again under LibTorch's profiler: their time by operation into `path`, the
// time outside any operation (drawing the batch's shifts) as a number of its own.
void profile_steps(const std::function<void()>& step, int steps, const std::string& path) {
  auto p = profile_by_operation(step, steps);
  const double outside = p["ms_per_call"].get<double>() - p["profiled_ms_per_call"].get<double>();
  p["outside_operations_ms_per_call"] = outside;
  write_file_atomically(path, p.dump(2) + "\n");
  fmt::print("profile of a step ({:.0f} ms under the profiler), self time by operation:\n", p["ms_per_call"].get<double>());
  for (const auto& op : p["ops"])
    if (op["share"].get<double>() >= 0.01)
      fmt::print("  {:6.1f} ms  {:4.1f} %  {}\n", op["self_ms_per_call"].get<double>(), 100 * op["share"].get<double>(), op["name"].get<std::string>());
  fmt::print("  {:6.1f} ms  outside any operation (drawing the batch's shifts); written to {}\n", outside, path);
}

}  // namespace

// Backward: twice the forward for every layer (the gradients of the input and of the
// weights) but the first convolution, whose input needs none. The shift search: forward
// only, no gradient flows through it. Element-wise work is about 0.1 GFLOP of the step's 42.
nlohmann::json step_flops(const NetworkShape& n, int64_t images, int64_t max_shift) {
  const double conv_side = n.size - n.kernel + 1, pixels = double(n.channels) * n.size * n.size;
  const double conv = 2.0 * images * n.conv_channels * conv_side * conv_side * n.channels * n.kernel * n.kernel;
  double dense = 0;
  for (const auto& [in, out] : {std::pair<double, double>{double(n.pooled_features()), n.hidden1}, {n.hidden1, n.hidden2},
                                {n.hidden2, n.descriptor}, {n.descriptor, n.hidden2}, {n.hidden2, n.hidden1}, {n.hidden1, pixels}})
    dense += 2.0 * images * in * out;
  const double shifts = double(2 * max_shift + 1) * (2 * max_shift + 1);
  const double search = 2.0 * images * shifts * pixels;
  const double forward = conv + dense, backward = conv + 2 * dense;
  return {{"forward", forward}, {"backward", backward}, {"shift_search", search}, {"total", forward + backward + search}};
}

nlohmann::json run_benchmark(const BenchOptions& o) {
  const unsigned threads = o.threads > 0 ? unsigned(o.threads) : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(int(threads));
  use_reusing_allocator();  // as the trainer
  const torch::Device device = choose_device(o.device);
  torch::manual_seed(1);
  TrainConfig config;
  config.views = o.views;
  config.batch = o.batch;
  config.precision = parse_precision(o.precision);
  AutoEncoder model(config.network);
  model->to(device);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(config.lr));

  // Digit-like inputs (sparse strokes); speed does not depend on their content.
  const int64_t B = o.batch, V = o.views + 1, S = config.network.size, m = config.max_shift;
  const auto digits = (torch::rand({B, 1, S, S}) * (torch::rand({B, 1, S, S}) < 0.2)).to(device);
  std::mt19937_64 rng(1);
  const auto step = [&] {  // as in the trainer: draw the shifted views, then one Adam step
    const auto obj = objective(model, draw_batch(digits, rng, config, nullptr), config);
    optimizer.zero_grad();
    obj.loss.backward();
    adam_step(optimizer);
  };
  for (int i = 0; i < o.warmup; ++i) step();
  const double step_s = seconds_per_call(device, o.steps, step);

  const int64_t images = V * B;
  const nlohmann::json flops = step_flops(config.network, images, m);
  const double gflops = flops["total"].get<double>() / step_s / 1e9;
  nlohmann::json r = {
      {"device", device.str()},
      {"threads", threads},
      {"precision", o.precision},
      {"torch_version", TORCH_VERSION},
      {"training", {{"views_K", o.views}, {"batch", o.batch}, {"steps", o.steps}, {"seconds_per_step", step_s},
                    {"digits_per_s", B / step_s}, {"images_per_s", images / step_s}, {"flops_per_step", flops},
                    {"gflop_per_s", gflops}}}};
  fmt::print("training (K={}, batch {}) on {}: {:.0f} digits/s ({:.3f} s/step), {:.1f} GFLOP a step at {:.0f} GFLOP/s\n", o.views,
             o.batch, device.str(), B / step_s, step_s, flops["total"].get<double>() / 1e9, gflops);
  if (!o.profile.empty()) profile_steps(step, o.steps, o.profile);
  if (o.training_only) return r;
  const double gemm = gemm_gflops(config.network, images, device);
  r["training"]["gemm_gflop_per_s"] = gemm;
  fmt::print("torch::mm on the step's largest product ([{}, {}] x [{}, {}]): {:.0f} GFLOP/s\n", images,
             config.network.pooled_features(), config.network.pooled_features(), config.network.hidden1, gemm);
  r["restoration_term"] = restoration_timing(device, draw_batch(digits, rng, config, nullptr).inputs, int(m));
  return r;
}

}  // namespace tiae
