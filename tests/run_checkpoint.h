// How far a run of the real program got: the epochs its checkpoint holds (run_folder.h), for
// the tests that kill a run and resume it.
#pragma once
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

// 0 when the run has no checkpoint yet, or its state.json is being written.
inline int epochs_done(const std::filesystem::path& run) {
  std::ifstream in(run / "checkpoint" / "state.json");
  if (!in) return 0;
  try {
    return nlohmann::json::parse(in).at("epochs_done").get<int>();
  } catch (...) {
    return 0;
  }
}
