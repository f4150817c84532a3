// libFuzzer: a model card (native/artifacts/model_card.h) from arbitrary text: the card of a model
// folder downloaded from anywhere. Refusals are std::runtime_error naming the card; an
// accepted card names only plain files inside its folder.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "artifacts/model_card.h"

namespace {
bool plain(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string origin = "fuzz/model.json";
  tiae::ModelCard card;
  try {
    card = tiae::parse_model_card(std::string(reinterpret_cast<const char*>(data), size), origin);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(origin, 0) != 0) std::abort();  // the message must name the card
    return 0;
  }
  if (!plain(card.encoder_file) || !plain(card.decoder_file)) std::abort();
  for (const auto& [file, sum] : card.checksums)
    if (!plain(file)) std::abort();
  return 0;
}
