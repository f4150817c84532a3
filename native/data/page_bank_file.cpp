#include "data/page_bank_file.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "io/files.h"

namespace tiae {

namespace {
constexpr char kMagic[] = "TIAEPAG2";
constexpr size_t kHeader = 8 + 4 * 4;
constexpr uint32_t kMaxPlanes = 1u << 20, kMaxSide = 4096;
constexpr uint64_t kMaxRawBytes = uint64_t(2) << 30;  // 3,000 colour pages of 192 px with 2 views: 1.1 GB

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
uint32_t get_u32(const std::string& in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(in[at + i])) << (8 * i);
  return v;
}

// The zlib data of in[from, end) inflated, which must be exactly `size` bytes. The output
// grows as the data expands (at most doubling), never to the size claimed ahead of the data.
std::string inflate_exactly(const std::string& in, size_t from, size_t size, const std::string& origin) {
  const auto damaged = [&origin] {
    return std::runtime_error(origin + " is truncated or damaged (its pages do not decompress to the size its header says)");
  };
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::runtime_error("zlib: cannot start inflating " + origin);
  std::string out;
  std::vector<Bytef> chunk(1 << 20);
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (z.avail_in == 0 && from < in.size()) {
      const size_t n = std::min<size_t>(in.size() - from, 1u << 30);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + from));
      z.avail_in = uInt(n);
      from += n;
    }
    z.next_out = chunk.data();
    z.avail_out = uInt(chunk.size());
    status = inflate(&z, Z_NO_FLUSH);
    const size_t produced = chunk.size() - z.avail_out;
    const bool stuck = produced == 0 && status == Z_OK && z.avail_in == 0 && from >= in.size();  // the data ended early
    if ((status != Z_OK && status != Z_STREAM_END) || produced > size - out.size() || stuck) {
      inflateEnd(&z);
      throw damaged();
    }
    if (out.size() + produced > out.capacity()) out.reserve(std::min(size, std::max(2 * out.capacity(), out.size() + produced)));
    out.append(reinterpret_cast<const char*>(chunk.data()), produced);
  }
  inflateEnd(&z);
  if (out.size() != size) throw damaged();
  return out;
}
}  // namespace

void write_page_bank(const std::string& path, const PageBank& bank) {
  std::string raw(bank.images.begin(), bank.images.end());
  raw.append(bank.ink.begin(), bank.ink.end());
  uLongf packed_size = compressBound(uLong(raw.size()));
  std::string out(kMagic, 8);
  put_u32(out, uint32_t(bank.count));
  put_u32(out, uint32_t(bank.views));
  put_u32(out, uint32_t(bank.side));
  put_u32(out, uint32_t(bank.channels));
  out.resize(kHeader + packed_size);
  if (compress2(reinterpret_cast<Bytef*>(&out[kHeader]), &packed_size, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()),
                Z_BEST_SPEED) != Z_OK)
    throw std::runtime_error("cannot compress the training pages for " + path);
  out.resize(kHeader + packed_size);
  write_file_atomically(path, out);
}

PageBank parse_page_bank(const std::string& in, const std::string& origin) {
  if (in.size() < kHeader || in.compare(0, 8, kMagic) != 0) throw std::runtime_error(origin + " is not a file of training pages (tiae pages)");
  PageBank bank;
  const uint32_t count = get_u32(in, 8), views = get_u32(in, 12), side = get_u32(in, 16), channels = get_u32(in, 20);
  const uint64_t planes = uint64_t(count) * (uint64_t(views) * channels + 1), raw_size = planes * side * side;
  if (count == 0 || views == 0 || (channels != 1 && channels != 3 && channels != 4) || planes > kMaxPlanes || side == 0 || side > kMaxSide ||
      raw_size > kMaxRawBytes)
    throw std::runtime_error(origin + ": a header of " + std::to_string(count) + " pages, " + std::to_string(views) + " views of " +
                             std::to_string(channels) + " channel(s) of " + std::to_string(side) + " px is out of range");
  // Deflate packs at most 1032 bytes into one: a header that claims more than its data can
  // hold is refused before anything is allocated.
  if (raw_size > 1032 * uint64_t(in.size() - kHeader) + 1032)
    throw std::runtime_error(origin + " is truncated or damaged (its header claims " + std::to_string(raw_size >> 20) +
                             " MB of pages, more than its data can hold)");
  const std::string raw = inflate_exactly(in, kHeader, size_t(raw_size), origin);
  bank.count = int(count), bank.views = int(views), bank.side = int(side), bank.channels = int(channels);
  const size_t images = size_t(count) * views * channels * bank.plane();
  bank.images.assign(raw.begin(), raw.begin() + long(images));
  bank.ink.assign(raw.begin() + long(images), raw.end());
  return bank;
}

PageBank read_page_bank(const std::string& path) { return parse_page_bank(read_file(path, kMaxRawBytes), path); }

}  // namespace tiae
