// libFuzzer: the staged document analysis of shared/document.h, the whole protocol. The
// first bytes choose the page size and the options (edge values included), the next the
// gray values, the rest the order in which scan and peak batches come back (repeats and
// indices out of range included) and what the stand-in network answers (the window itself,
// or any bits: NaN and infinity included). Documented refusals are fine:
// std::invalid_argument (bad options or values), std::out_of_range (a batch that does not
// exist), std::logic_error (a batch taken twice, a result too early). check() must agree
// with the constructor; the heat map has the page's size and no more votes than windows;
// peaks lie on the page; every peak has a cluster.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "document.h"

namespace {

float any_float(FuzzedDataProvider& in) {
  const auto bits = in.ConsumeIntegral<uint32_t>();
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

tiae::DocumentOptions options(FuzzedDataProvider& in) {
  tiae::DocumentOptions o;
  const double glyphs[] = {20, 2, 40, 12.5, 0, -3, std::numeric_limits<double>::quiet_NaN(), 2000.5};
  o.window.glyph_size = in.ConsumeBool() ? 20 : in.PickValueInArray(glyphs);
  o.window.stride = in.ConsumeIntegralInRange(-1, 40);
  o.window.batch = in.ConsumeIntegralInRange(-1, 300);
  o.max_shift = in.ConsumeIntegralInRange(-1, 20);
  const double quantiles[] = {0.1, 0.05, 1, 0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN()};
  o.quantile = in.PickValueInArray(quantiles);
  return o;
}

// Gives scan or peak batches in the fuzzed order, then every one not yet taken.
template <typename Give>
void give_batches(FuzzedDataProvider& in, int batches, Give give) {
  std::vector<bool> taken(size_t(batches), false);
  for (int step = 0, steps = in.ConsumeIntegralInRange(0, 2 * batches + 2); step < steps; ++step) {
    const int b = in.ConsumeIntegralInRange(-2, batches + 1);
    try {
      if (give(b)) taken[size_t(b)] = true;
    } catch (const std::out_of_range&) {
      if (b >= 0 && b < batches) std::abort();
    } catch (const std::logic_error&) {  // std::invalid_argument too: refused values
      if (b < 0 || b >= batches) std::abort();
    }
  }
  for (int b = 0; b < batches; ++b)
    if (!taken[size_t(b)]) {
      try {
        give(b);
      } catch (const std::invalid_argument&) {
      }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const int width = in.ConsumeIntegralInRange(-1, 70), height = in.ConsumeIntegralInRange(-1, 70);
  const auto o = options(in);
  const bool identity = in.ConsumeBool();
  const std::string refused = tiae::DocumentAnalysis::check(width, height, o);
  if (!refused.empty()) {
    try {
      tiae::DocumentAnalysis job(std::vector<float>(size_t(std::max(width, 0)) * std::max(height, 0), 0.5f), width, height, o);
    } catch (const std::invalid_argument& e) {
      if (e.what() != refused) std::abort();
      return 0;
    }
    std::abort();
  }
  const double scale = o.window.model_glyph_size / o.window.glyph_size;
  const double work = width * scale * height * scale;  // the rescaled page's pixels
  if (work > 20000 || work / (double(o.window.stride) * o.window.stride) > 8) return 0;  // small work: a window costs ~0.7 M steps
  std::vector<float> gray(size_t(width) * height);
  for (auto& v : gray) v = in.ConsumeBool() ? in.ConsumeIntegral<uint8_t>() / 255.f : any_float(in);
  std::unique_ptr<tiae::DocumentAnalysis> job;
  try {
    job = std::make_unique<tiae::DocumentAnalysis>(gray, width, height, o);
  } catch (const std::invalid_argument&) {
    if (std::all_of(gray.begin(), gray.end(), [](float v) { return std::isfinite(v); })) std::abort();
    return 0;
  }
  const int p = o.window.patch;
  give_batches(in, job->scan_batches(), [&](int b) {
    std::vector<float> window(size_t(job->scan_batch_size(b)) * p * p), answer(window.size());
    job->scan_inputs(b, window.data());
    for (size_t i = 0; i < answer.size(); ++i) answer[i] = identity ? window[i] : any_float(in);
    job->accept_scan(b, answer.data());
    return true;
  });
  if (!job->scanned()) return 0;  // a batch of NaNs was refused and never given right
  const auto& heat = job->heatmap();
  if (heat.size() != gray.size() || std::accumulate(heat.begin(), heat.end(), 0.0) > double(job->scan_windows())) std::abort();
  for (const auto& peak : job->peaks())
    if (!(peak.x >= 0 && peak.x <= width && peak.y >= 0 && peak.y <= height)) std::abort();
  const int dims = in.ConsumeIntegralInRange(1, 6);
  give_batches(in, job->peak_batches(), [&](int b) {
    std::vector<float> window(size_t(job->peak_batch_size(b)) * p * p), d(size_t(job->peak_batch_size(b)) * dims);
    job->peak_inputs(b, window.data());
    for (auto& v : d) v = in.ConsumeBool() ? in.ConsumeIntegral<uint8_t>() / 16.f : any_float(in);
    job->accept_peaks(b, d.data(), dims);
    return true;
  });
  try {
    const auto c = job->clusters();
    if (c.labels.size() != job->peaks().size()) std::abort();
    for (int label : c.labels)
      if (label < 0 || label >= c.clusters()) std::abort();
  } catch (const std::logic_error&) {  // a peak batch refused for its values
  }
  return 0;
}
