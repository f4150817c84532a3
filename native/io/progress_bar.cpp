#include "io/progress_bar.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>

namespace tiae {

ProgressBar::ProgressBar(std::string label, long total, bool enabled)
    : label_(std::move(label)),
      total_(total > 0 ? total : 1),
      enabled_(enabled && isatty(fileno(stderr))),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

double ProgressBar::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::update(long done, const std::string& status) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;  // no flicker
  last_draw_ = now;
  constexpr int kWidth = 30;
  const int filled = int(kWidth * done / total_);
  const double elapsed = seconds();
  const double eta = done > 0 ? elapsed * (total_ - done) / done : 0;
  fmt::print(stderr, "\r\033[K{} [{}{}] {}/{} {} | {:.0f}s, eta {:.0f}s", label_, std::string(filled, '#'),
             std::string(kWidth - filled, '.'), done, total_, status, elapsed, eta);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace tiae
