#include "io/npy_file.h"

#include <fmt/format.h>

#include <stdexcept>

#include "io/files.h"

namespace tiae {
namespace {

static_assert(sizeof(float) == 4 && sizeof(int) == 4, "the .npy headers below say 4-byte values");

// The format's header: magic, version 1.0, the header's length (2 bytes, little-endian),
// then a Python dict literal padded with spaces and a newline to a multiple of 64 bytes.
std::string npy_header(const char* dtype, int64_t rows, int64_t cols) {
  const std::string shape = cols > 0 ? fmt::format("({}, {})", rows, cols) : fmt::format("({},)", rows);
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", dtype, shape);
  const size_t fixed = 10;  // magic (6), version (2), length (2)
  dict.append((64 - (fixed + dict.size() + 1) % 64) % 64, ' ');
  dict += '\n';
  if (dict.size() > 65535) throw std::runtime_error("npy: header too long");
  std::string out = "\x93NUMPY";
  out += char(1), out += char(0);
  out += char(dict.size() & 0xff), out += char(dict.size() >> 8);
  return out + dict;
}

template <typename T>
void write_array(const std::string& path, const char* dtype, const std::vector<T>& values, int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0 || int64_t(values.size()) != rows * (cols > 0 ? cols : 1))
    throw std::runtime_error(fmt::format("npy: {} values do not make a {} x {} array ({})", values.size(), rows, cols, path));
  std::string bytes = npy_header(dtype, rows, cols);
  bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));  // x86 and wasm: little-endian
  write_file_atomically(path, bytes);
}

}  // namespace

void write_npy(const std::string& path, const std::vector<float>& values, int64_t rows, int64_t cols) {
  write_array(path, "<f4", values, rows, cols);
}

void write_npy(const std::string& path, const std::vector<int>& values, int64_t rows, int64_t cols) {
  write_array(path, "<i4", values, rows, cols);
}

}  // namespace tiae
