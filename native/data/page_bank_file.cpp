#include "data/page_bank_file.h"

#include <zlib.h>

#include <cstdint>
#include <stdexcept>

#include "io/files.h"

namespace tiae {

namespace {
constexpr char kMagic[] = "TIAEPAG2";
constexpr size_t kHeader = 8 + 4 * 4;
constexpr uint32_t kMaxPlanes = 1u << 20, kMaxSide = 4096;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
uint32_t get_u32(const std::string& in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(in[at + i])) << (8 * i);
  return v;
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

PageBank read_page_bank(const std::string& path) {
  const std::string in = read_file(path, uintmax_t(1) << 32);
  if (in.size() < kHeader || in.compare(0, 8, kMagic) != 0) throw std::runtime_error(path + " is not a file of training pages (tiae pages)");
  PageBank bank;
  const uint32_t count = get_u32(in, 8), views = get_u32(in, 12), side = get_u32(in, 16), channels = get_u32(in, 20);
  if (count == 0 || views == 0 || (channels != 1 && channels != 3 && channels != 4) || uint64_t(count) * (views * channels + 1) > kMaxPlanes ||
      side == 0 || side > kMaxSide)
    throw std::runtime_error(path + ": a header of " + std::to_string(count) + " pages, " + std::to_string(views) + " views of " +
                             std::to_string(channels) + " channel(s) of " + std::to_string(side) + " px is out of range");
  bank.count = int(count), bank.views = int(views), bank.side = int(side), bank.channels = int(channels);
  const size_t plane = size_t(side) * side;
  std::string raw(size_t(count) * (views * channels + 1) * plane, '\0');
  uLongf raw_size = uLongf(raw.size());
  if (uncompress(reinterpret_cast<Bytef*>(&raw[0]), &raw_size, reinterpret_cast<const Bytef*>(in.data() + kHeader),
                 uLong(in.size() - kHeader)) != Z_OK ||
      raw_size != raw.size())
    throw std::runtime_error(path + " is truncated or damaged (its pages do not decompress to the size its header says)");
  const size_t images = size_t(count) * views * channels * plane;
  bank.images.assign(raw.begin(), raw.begin() + long(images));
  bank.ink.assign(raw.begin() + long(images), raw.end());
  return bank;
}

}  // namespace tiae
