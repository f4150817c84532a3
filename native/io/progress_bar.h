// A one-line progress bar on stderr for long work (training epochs, evaluation, export).
// Redraws in place on a terminal; when stderr is a file or pipe it stays silent, so logs
// keep only the per-epoch lines.
#pragma once
#include <chrono>
#include <string>

namespace tiae {

class ProgressBar {
 public:
  ProgressBar(std::string label, long total, bool enabled = true);
  // Advance to `done` of `total` units; `status` is shown after the bar (loss terms...).
  void update(long done, const std::string& status = "");
  void finish();  // clears the line
  double seconds() const;

 private:
  std::string label_;
  long total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace tiae
