// libFuzzer: the JSON every reader parses (native/io/files.h: cards, configs, state, metrics)
// and a run's log (native/artifacts/run_folder.h), from arbitrary text, deep nesting
// included. parse_json refuses what is nested over kMaxJsonDepth levels before building it;
// what it accepts is within that depth and can be written again. A log's lines are epoch
// objects; only its last line may be dropped (cut short by a full disk or a kill).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "artifacts/run_folder.h"
#include "io/files.h"

namespace {
// The deepest nesting of a value, walked without recursion.
int depth(const nlohmann::json& root) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo = {{&root, 1}};
  while (!todo.empty()) {
    const auto [j, d] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, d);
    if (j->is_structured())
      for (const auto& child : *j) todo.push_back({&child, d + 1});
  }
  return deepest;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size), origin = "fuzz/model.json";
  try {
    const auto j = tiae::parse_json(text, origin);
    if (depth(j) > tiae::kMaxJsonDepth + 1) std::abort();  // + 1: the scalars inside the deepest container
    (void)j.dump();
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(origin, 0) != 0) std::abort();
  }
  try {
    bool cut = false;
    const auto lines = tiae::parse_log(text, "fuzz/log.jsonl", &cut);
    size_t rows = 0;
    for (char c : text) rows += c == '\n';
    if (lines.size() > rows + 1) std::abort();
    for (const auto& line : lines)
      if (!line.is_object() || !line.at("epoch").is_number_integer()) std::abort();
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind("fuzz/log.jsonl", 0) != 0) std::abort();
  }
  return 0;
}
