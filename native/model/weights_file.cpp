#include "model/weights_file.h"

#include <fstream>
#include <stdexcept>

namespace tiae {
namespace {
constexpr char kMagic[] = "TIAEW1\n";

template <typename T>
void put(std::ofstream& out, T v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); }

template <typename T>
T get(std::ifstream& in, const std::string& path) {
  T v{};
  if (!in.read(reinterpret_cast<char*>(&v), sizeof v)) throw std::runtime_error("truncated weights file " + path);
  return v;
}
}  // namespace

void write_weights_file(const std::string& path, const WeightMap& weights) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  out.write(kMagic, sizeof kMagic - 1);
  put<uint32_t>(out, uint32_t(weights.size()));
  for (const auto& [name, t] : weights) {
    put<uint32_t>(out, uint32_t(name.size()));
    out.write(name.data(), name.size());
    put<uint32_t>(out, uint32_t(t.dims.size()));
    for (auto d : t.dims) put<int64_t>(out, d);
    out.write(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(float));
  }
  if (!out.flush()) throw std::runtime_error("failed writing " + path);
}

WeightMap read_weights_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open weights file " + path);
  char magic[sizeof kMagic - 1];
  if (!in.read(magic, sizeof magic) || std::string(magic, sizeof magic) != kMagic)
    throw std::runtime_error(path + " is not a TIAE weights file");
  WeightMap weights;
  const auto count = get<uint32_t>(in, path);
  if (count > 10000) throw std::runtime_error("corrupt weights file " + path);
  for (uint32_t i = 0; i < count; ++i) {
    const auto len = get<uint32_t>(in, path);
    if (len == 0 || len > 4096) throw std::runtime_error("corrupt weights file " + path);
    std::string name(len, '\0');
    if (!in.read(name.data(), len)) throw std::runtime_error("truncated weights file " + path);
    NamedTensor t;
    t.dims.resize(get<uint32_t>(in, path));
    if (t.dims.size() > 8) throw std::runtime_error("corrupt weights file " + path);
    int64_t numel = 1;
    for (auto& d : t.dims) {
      d = get<int64_t>(in, path);
      if (d < 0 || d > (int64_t(1) << 28)) throw std::runtime_error("corrupt weights file " + path);
      numel *= d;
      if (numel > (int64_t(1) << 28)) throw std::runtime_error("corrupt weights file " + path);
    }
    t.data.resize(size_t(numel));
    if (!in.read(reinterpret_cast<char*>(t.data.data()), numel * sizeof(float)))
      throw std::runtime_error("truncated weights file " + path);
    weights[name] = std::move(t);
  }
  return weights;
}

}  // namespace tiae
