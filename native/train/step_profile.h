// Where a training step's time goes, by LibTorch operation: `fn` run under LibTorch's
// (legacy, CPU) profiler, each operation's self time (its time less that of the operations
// it called) summed by name over all threads, per call of `fn`. For `tiae bench --profile`.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>

namespace tiae {

// {"ms_per_call", "ops": [{"name", "self_ms_per_call", "share", "calls_per_call"}, ...]}, the
// operations by self time, largest first (`top` of them, the rest summed as "(others)").
nlohmann::json profile_by_operation(const std::function<void()>& fn, int calls, int top = 25);

}  // namespace tiae
