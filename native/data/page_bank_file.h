// The training pages (training_pages.h) as one file, so that a trainer without OpenCV (the
// GPU machines have none) trains on pages drawn elsewhere: `tiae pages -o FILE` writes it,
// the config's pages_file reads it. Torch- and OpenCV-free.
// Layout: "TIAEPAG2", then count, views, side, channels as uint32 little-endian, then the images and
// the ink (PageBank's layout) compressed together by zlib.
#pragma once
#include <string>

#include "data/training_pages.h"

namespace tiae {

void write_page_bank(const std::string& path, const PageBank& bank);
// Throws naming `origin` when the bytes are not such a file, or are truncated or damaged; the
// sizes of the header are checked against the data's length before anything is allocated.
PageBank parse_page_bank(const std::string& bytes, const std::string& origin);
// The same for a file (a regular file, files.h).
PageBank read_page_bank(const std::string& path);

}  // namespace tiae
