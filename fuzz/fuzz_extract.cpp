// libFuzzer: the staged foreground extraction of shared/extract.h, the whole protocol.
// The first bytes choose the image size and the options (edge values, NaN and infinity
// included), the next the gray values, the rest the order in which batches come back
// (repeats and indices out of range included) and what the stand-in network answers.
// Documented refusals are fine: std::invalid_argument (constructor), std::out_of_range (a
// batch that does not exist), std::logic_error (a batch taken twice, a result too early).
// check() must agree with the constructor; with an identity network the result of an
// image in [0, 1] is in [0, 1] (every step is a weighted mean).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "extract.h"

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN(), kInf = std::numeric_limits<double>::infinity();
constexpr long kMaxWorkFloats = 4'000'000;  // windows x patch^2 per run: keeps each run fast

template <typename Float, typename Bits>
Float raw_bits(FuzzedDataProvider& in) {  // any bit pattern: NaNs with payloads, infinities, denormals
  const auto bits = in.ConsumeIntegral<Bits>();
  Float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

double glyph(FuzzedDataProvider& in) {
  const double edges[] = {20, 2, 2000, 40, 7.5, 1.999, 2000.5, 0, -20, 1e-300, 1e300, kNaN, kInf, -kInf};
  return in.ConsumeBool() ? in.PickValueInArray(edges) : raw_bits<double, uint64_t>(in);
}

float gray_value(FuzzedDataProvider& in) {
  const uint8_t b = in.ConsumeIntegral<uint8_t>();
  if (b < 248) return b / 247.0f;
  const float odd[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity(), -0.5f, 2.0f, std::numeric_limits<float>::denorm_min(), 1.0f};
  return b < 255 ? odd[b - 248] : raw_bits<float, uint32_t>(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const int width = in.ConsumeIntegralInRange(-1, 90), height = in.ConsumeIntegralInRange(-1, 90);
  tiae::ExtractOptions o;
  o.glyph_size = glyph(in);
  o.model_glyph_size = in.ConsumeBool() ? 20 : glyph(in);
  o.stride = in.ConsumeIntegralInRange(-1, 40);
  o.batch = in.ConsumeBool() ? in.ConsumeIntegralInRange(-1, 300) : in.ConsumeIntegral<int>();
  o.patch = in.ConsumeBool() ? 32 : in.ConsumeIntegralInRange(-1, 40);
  const bool identity = in.ConsumeBool();

  const std::string refused = tiae::ForegroundExtraction::check(width, height, o);
  if (!refused.empty()) {
    try {
      tiae::ForegroundExtraction job(std::vector<float>(size_t(std::max(width, 0)) * std::max(height, 0), 0.5f), width, height, o);
    } catch (const std::invalid_argument& e) {
      if (e.what() != refused) std::abort();  // the constructor refuses with check()'s words
      return 0;
    }
    std::abort();  // check() refused what the constructor took
  }
  // Small work only: the rescaled image and its windows (check() bounded them to 50 MP).
  const double scale = o.model_glyph_size / o.glyph_size;
  const double work = std::max(1.0, std::round(width * scale)) * std::max(1.0, std::round(height * scale));
  if (work / (double(o.stride) * o.stride) * o.patch * o.patch > kMaxWorkFloats || work > 200'000) return 0;

  std::vector<float> gray(size_t(width) * height);
  bool in_range = true, finite = true;
  for (auto& v : gray) {
    v = gray_value(in);
    in_range &= v >= 0 && v <= 1;
    finite &= std::isfinite(v);
  }
  std::unique_ptr<tiae::ForegroundExtraction> job;
  try {
    job = std::make_unique<tiae::ForegroundExtraction>(gray, width, height, o);
  } catch (const std::invalid_argument&) {
    if (finite) std::abort();  // only the gray values were left to refuse
    return 0;
  }
  if (!finite) std::abort();

  const int batches = job->batches(), p = o.patch;
  std::vector<bool> taken(size_t(batches), false);
  const auto give = [&](int b) {  // one batch through the stand-in network
    std::vector<float> inputs(size_t(job->batch_size(b)) * p * p), outputs(inputs.size());
    job->inputs(b, inputs.data());
    for (size_t i = 0; i < outputs.size(); ++i)
      outputs[i] = identity ? inputs[i] : raw_bits<float, uint32_t>(in);
    job->accept(b, outputs.data());
  };
  for (int step = 0, steps = in.ConsumeIntegralInRange(0, 2 * batches + 2); step < steps; ++step) {
    const int b = in.ConsumeIntegralInRange(-2, batches + 1);
    try {
      give(b);
      if (b < 0 || b >= batches || taken[b]) std::abort();
      taken[b] = true;
    } catch (const std::out_of_range&) {
      if (b >= 0 && b < batches) std::abort();
    } catch (const std::logic_error&) {
      if (b < 0 || b >= batches || !taken[b]) std::abort();
    }
    if (job->accepted() < batches) {
      try {
        job->result();
        std::abort();  // a result before every batch came back
      } catch (const std::logic_error&) {
      }
    }
  }
  for (int b = 0; b < batches; ++b)
    if (!taken[b]) give(b);
  const auto result = job->result();
  if (result.size() != gray.size()) std::abort();
  if (identity && in_range)
    for (float v : result)
      if (!(v >= -1e-4f && v <= 1 + 1e-4f)) std::abort();
  return 0;
}
