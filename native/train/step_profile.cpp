#include "train/step_profile.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace tiae {

namespace {

struct Total {
  double self_us = 0;
  int64_t calls = 0;
};

// One thread's events: ranges nest, so a stack gives each range's self time.
void add_thread(const std::vector<torch::autograd::profiler::LegacyEvent>& events, std::map<std::string, Total>& totals) {
  struct Open {
    const torch::autograd::profiler::LegacyEvent* push;
    double children_us;
  };
  std::vector<Open> stack;
  for (const auto& e : events) {
    if (e.kind() == torch::autograd::profiler::EventKind::PushRange) {
      stack.push_back({&e, 0});
    } else if (e.kind() == torch::autograd::profiler::EventKind::PopRange && !stack.empty()) {
      const Open open = stack.back();
      stack.pop_back();
      const double elapsed = open.push->cpuElapsedUs(e);
      Total& t = totals[open.push->name()];
      t.self_us += elapsed - open.children_us;
      ++t.calls;
      if (!stack.empty()) stack.back().children_us += elapsed;
    }
  }
}

}  // namespace

nlohmann::json profile_by_operation(const std::function<void()>& fn, int calls, int top) {
  namespace prof = torch::autograd::profiler;
  prof::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) fn();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / calls;
  const auto lists = prof::disableProfilerLegacy();
  std::map<std::string, Total> totals;
  for (const auto& events : lists) add_thread(events, totals);
  std::vector<std::pair<std::string, Total>> ops(totals.begin(), totals.end());
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second.self_us > b.second.self_us; });
  double all_us = 0;
  for (const auto& [name, t] : ops) all_us += t.self_us;
  nlohmann::json rows = nlohmann::json::array();
  Total others;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (int(i) >= top) {
      others.self_us += ops[i].second.self_us, others.calls += ops[i].second.calls;
      continue;
    }
    rows.push_back({{"name", ops[i].first}, {"self_ms_per_call", ops[i].second.self_us / 1e3 / calls},
                    {"share", ops[i].second.self_us / all_us}, {"calls_per_call", double(ops[i].second.calls) / calls}});
  }
  if (others.calls)
    rows.push_back({{"name", "(others)"}, {"self_ms_per_call", others.self_us / 1e3 / calls}, {"share", others.self_us / all_us},
                    {"calls_per_call", double(others.calls) / calls}});
  return {{"ms_per_call", ms}, {"profiled_ms_per_call", all_us / 1e3 / calls}, {"ops", rows}};
}

}  // namespace tiae
