#include "model/weights_file.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "io/files.h"

namespace tiae {
namespace {
constexpr char kMagic[] = "TIAEW1\n";

template <typename T>
void put(std::string& out, T v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

// Reads the file's fields in order, each checked against the bytes left.
class Reader {
 public:
  Reader(const std::string& bytes, const std::string& origin) : bytes_(bytes), origin_(origin) {}
  template <typename T>
  T get() {
    T v{};
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  const char* take(size_t n) {
    if (n > bytes_.size() - at_) throw std::runtime_error("truncated weights file " + origin_);
    const char* p = bytes_.data() + at_;
    at_ += n;
    return p;
  }
  [[noreturn]] void corrupt() const { throw std::runtime_error("corrupt weights file " + origin_); }

 private:
  const std::string& bytes_;
  const std::string& origin_;
  size_t at_ = 0;
};
}  // namespace

int64_t checked_element_count(const std::vector<int64_t>& dims, const std::string& what) {
  if (dims.size() > 8) throw std::runtime_error(what + ": " + std::to_string(dims.size()) + " dimensions (at most 8)");
  int64_t count = 1;
  for (const int64_t d : dims) {
    if (d < 1 || d > kMaxTensorElements || count * d > kMaxTensorElements)  // count, d <= 2^28: no overflow
      throw std::runtime_error(what + ": a dimension of " + std::to_string(d) + " makes it empty or over " +
                               std::to_string(kMaxTensorElements) + " values");
    count *= d;
  }
  return count;
}

void write_weights_file(const std::string& path, const WeightMap& weights) {
  std::string out(kMagic, sizeof kMagic - 1);
  put<uint32_t>(out, uint32_t(weights.size()));
  for (const auto& [name, t] : weights) {
    put<uint32_t>(out, uint32_t(name.size()));
    out += name;
    put<uint32_t>(out, uint32_t(t.dims.size()));
    for (auto d : t.dims) put<int64_t>(out, d);
    out.append(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(float));
  }
  write_file_atomically(path, out);
}

WeightMap parse_weights_file(const std::string& bytes, const std::string& origin) {
  Reader in(bytes, origin);
  if (bytes.size() < sizeof kMagic - 1 || std::memcmp(in.take(sizeof kMagic - 1), kMagic, sizeof kMagic - 1) != 0)
    throw std::runtime_error(origin + " is not a TIAE weights file");
  WeightMap weights;
  const auto count = in.get<uint32_t>();
  if (count > 10000) in.corrupt();
  for (uint32_t i = 0; i < count; ++i) {
    const auto len = in.get<uint32_t>();
    if (len == 0 || len > 4096) in.corrupt();
    const std::string name(in.take(len), len);
    NamedTensor t;
    const auto ndim = in.get<uint32_t>();
    if (ndim > 8) in.corrupt();
    for (uint32_t k = 0; k < ndim; ++k) t.dims.push_back(in.get<int64_t>());
    const auto numel = size_t(checked_element_count(t.dims, "corrupt weights file " + origin));
    const char* data = in.take(numel * sizeof(float));  // before the allocation: the bytes are there
    t.data.resize(numel);
    std::memcpy(t.data.data(), data, numel * sizeof(float));
    for (const float v : t.data)
      if (!std::isfinite(v)) throw std::runtime_error(origin + ": tensor " + name + " holds a value that is not finite (a diverged or damaged run)");
    weights[name] = std::move(t);
  }
  return weights;
}

WeightMap read_weights_file(const std::string& path) { return parse_weights_file(read_file(path, uintmax_t(4) << 30), path); }

}  // namespace tiae
