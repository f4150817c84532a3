// libFuzzer: a training config (native/model/train_config.h) from arbitrary text. JSON errors and
// refusals (std::runtime_error) are the documented outcomes; a config that is accepted
// must survive its own round trip (to_json, then from_json) unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "model/train_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tiae::TrainConfig config;
  try {
    config = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(data), size)).get<tiae::TrainConfig>();
  } catch (const nlohmann::json::exception&) {
    return 0;
  } catch (const std::runtime_error&) {
    return 0;
  }
  const nlohmann::json written = config;
  if (nlohmann::json(written.get<tiae::TrainConfig>()) != written) std::abort();  // throws on a refusal: a finding too
  return 0;
}
