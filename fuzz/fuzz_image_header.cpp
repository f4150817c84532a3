// libFuzzer: check_image_bytes (shared/image_header.h) on arbitrary bytes. It must read
// only bytes[0, size) (ASan: libFuzzer's buffer is exactly that long), and a size it
// accepts must be within the pixel limit, checked here in 128 bits.
#include <cstdint>
#include <cstdlib>

#include "extract.h"
#include "image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const tiae::ImageHeader h = tiae::check_image_bytes(data, size);
  const bool named = h.format == "png" || h.format == "jpeg" || h.format == "webp" || h.format == "tiff" || h.format == "jpeg2000" ||
                     h.format == "bmp" || h.format == "other";
  if (!named && !(size == 0 && !h.error.empty())) std::abort();
  if (h.format == "other" && (h.width != -1 || !h.error.empty())) std::abort();  // the decoder's to judge
  if (h.error.empty() && h.width != -1) {  // accepted with a known size
    if (h.width < 1 || h.height < 1) std::abort();
    using u128 = unsigned __int128;
    if (u128(h.width) * u128(h.height) > u128(tiae::kMaxExtractPixels)) std::abort();
    if (!tiae::check_image_size(h.width, h.height).empty()) std::abort();
  }
  return 0;
}
