#include "train/benchmark.h"

#include <fmt/core.h>

#include <chrono>
#include <random>
#include <thread>

#include "model/terms.h"
#include "train/fused_adam.h"
#include "train/reusing_allocator.h"

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

}  // namespace

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

  const auto target = draw_batch(digits, rng, config, nullptr).inputs;
  const auto recon = torch::sigmoid(torch::randn_like(target)).requires_grad_(true);
  const int reps_fast = 10, reps_loop = device.is_cuda() ? 10 : 2;
  const double exact_fwd = seconds_per_call(device, reps_fast, [&] { restoration_term(recon, target, int(m)); });
  const double loop_fwd = seconds_per_call(device, reps_loop, [&] { restoration_term_by_loop(recon, target, int(m)); });
  const double exact_bwd = seconds_per_call(device, reps_fast, [&] {
    restoration_term(recon, target, int(m)).distance.sum().backward();
  });
  const double loop_bwd = seconds_per_call(device, reps_loop, [&] {
    restoration_term_by_loop(recon, target, int(m)).distance.sum().backward();
  });

  nlohmann::json r = {
      {"device", device.str()},
      {"threads", threads},
      {"precision", o.precision},
      {"torch_version", TORCH_VERSION},
      {"training", {{"views_K", o.views}, {"batch", o.batch}, {"steps", o.steps}, {"seconds_per_step", step_s},
                    {"digits_per_s", B / step_s}, {"images_per_s", V * B / step_s}}},
      {"restoration_term", {{"images", V * B}, {"shifts", (2 * m + 1) * (2 * m + 1)},
                            {"exact_forward_ms", exact_fwd * 1e3}, {"loop_forward_ms", loop_fwd * 1e3},
                            {"exact_forward_backward_ms", exact_bwd * 1e3}, {"loop_forward_backward_ms", loop_bwd * 1e3},
                            {"speedup_forward", loop_fwd / exact_fwd}, {"speedup_forward_backward", loop_bwd / exact_bwd}}}};
  fmt::print("training (K={}, batch {}) on {}: {:.0f} digits/s ({:.3f} s/step)\n", o.views, o.batch, device.str(),
             B / step_s, step_s);
  fmt::print("C_res of {} images over {} shifts: exact {:.1f} ms vs loop {:.1f} ms forward ({:.0f}x); "
             "with backward {:.1f} vs {:.1f} ms ({:.0f}x)\n",
             V * B, (2 * m + 1) * (2 * m + 1), exact_fwd * 1e3, loop_fwd * 1e3, loop_fwd / exact_fwd, exact_bwd * 1e3,
             loop_bwd * 1e3, loop_bwd / exact_bwd);
  return r;
}

}  // namespace tiae
