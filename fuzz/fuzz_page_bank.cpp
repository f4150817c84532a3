// libFuzzer: a file of training pages (native/data/page_bank_file.h, `tiae pages`) from
// arbitrary bytes. The header's sizes are checked against what the data can hold before
// anything is allocated (deflate packs at most 1032 bytes into one); an accepted file's
// planes are exactly the sizes its header states.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "data/page_bank_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string origin = "fuzz/pages.bin";
  tiae::PageBank bank;
  try {
    bank = tiae::parse_page_bank(std::string(reinterpret_cast<const char*>(data), size), origin);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(origin, 0) != 0) std::abort();  // the message must name the file
    return 0;
  }
  const size_t plane = size_t(bank.side) * bank.side;
  if (bank.images.size() != size_t(bank.count) * bank.views * bank.channels * plane) std::abort();
  if (bank.ink.size() != size_t(bank.count) * plane) std::abort();
  if (bank.images.size() + bank.ink.size() > 1032 * size + 1032) std::abort();
  return 0;
}
