#include "train/distributed.h"

#include <fmt/core.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <sstream>

namespace tiae {

namespace {

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

int integer_from_environment(const char* name, const std::string& text, long lo, long hi) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (errno || end == text.c_str() || *end || value < lo || value > hi)
    throw std::runtime_error(fmt::format("{}={}: expected an integer in [{}, {}]", name, text, lo, hi));
  return int(value);
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The network device Gloo's sockets use, chosen as PyTorch chooses it.
std::vector<std::shared_ptr<gloo::transport::Device>> gloo_devices(const std::string& master_addr) {
  using c10d::ProcessGroupGloo;
  if (const auto names = environment("GLOO_SOCKET_IFNAME")) {
    std::vector<std::shared_ptr<gloo::transport::Device>> devices;
    std::stringstream list(*names);
    for (std::string name; std::getline(list, name, ',');) devices.push_back(ProcessGroupGloo::createDeviceForInterface(name));
    return devices;
  }
  if (is_loopback(master_addr)) return {ProcessGroupGloo::createDeviceForHostname("127.0.0.1")};
  return {ProcessGroupGloo::createDefaultDevice()};
}

// c10::Error's what() carries a C++ backtrace; users need the message.
std::string message_of(const std::exception& e) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e)) return c10_error->what_without_backtrace();
  return e.what();
}

// All tensors as one float32 CPU vector, and back into them.
torch::Tensor flatten(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> parts;
  for (const auto& t : tensors) parts.push_back(t.detach().reshape({-1}).to(torch::kCPU, torch::kFloat32));
  return torch::cat(parts);
}

void unflatten(const torch::Tensor& flat, const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;  // parameters are written in place
  int64_t offset = 0;
  for (const auto& t : tensors) {
    t.copy_(flat.narrow(0, offset, t.numel()).view(t.sizes()));
    offset += t.numel();
  }
}

}  // namespace

std::optional<WorldSettings> world_from_environment() {
  const auto size_text = environment("WORLD_SIZE"), rank_text = environment("RANK");
  if (!size_text) {
    if (rank_text) throw std::runtime_error("RANK is set but WORLD_SIZE is not: set both (or neither for one process)");
    return std::nullopt;
  }
  WorldSettings world;
  world.size = integer_from_environment("WORLD_SIZE", *size_text, 1, 1 << 20);
  world.rank = rank_text ? integer_from_environment("RANK", *rank_text, 0, 1 << 20) : 0;
  if (world.rank >= world.size)
    throw std::runtime_error(fmt::format("RANK={} but WORLD_SIZE={}: ranks are 0 to WORLD_SIZE - 1", world.rank, world.size));
  if (world.size == 1) return std::nullopt;
  if (!rank_text) throw std::runtime_error(fmt::format("WORLD_SIZE={} but RANK is not set", world.size));
  const auto addr = environment("MASTER_ADDR"), port = environment("MASTER_PORT");
  if (!addr) throw std::runtime_error(fmt::format("WORLD_SIZE={} needs MASTER_ADDR, the host of rank 0", world.size));
  if (!port) throw std::runtime_error(fmt::format("WORLD_SIZE={} needs MASTER_PORT, the port rank 0 listens on", world.size));
  world.master_addr = *addr;
  world.master_port = integer_from_environment("MASTER_PORT", *port, 1, 65535);
  return world;
}

struct DistributedGroup::Engine {
  c10::intrusive_ptr<c10d::TCPStore> store;  // declared first: outlives the group
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

namespace {
// Starts a collective and waits for it; a failure names this rank and the collective.
void complete(const char* what, const DistributedGroup& group, const std::function<c10::intrusive_ptr<c10d::Work>()>& start) {
  try {
    start()->wait();
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("rank {} of {}: {} failed ({}); another rank may have stopped, see its message",
                                         group.rank(), group.size(), what, message_of(e)));
  }
}
}  // namespace

DistributedGroup::DistributedGroup(const WorldSettings& world, std::chrono::milliseconds timeout)
    : engine_(std::make_unique<Engine>()), rank_(world.rank), size_(world.size) {
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = uint16_t(world.master_port);
    store_options.isServer = world.rank == 0;
    store_options.numWorkers = size_t(world.size);
    store_options.timeout = timeout;
    engine_->store = c10::make_intrusive<c10d::TCPStore>(world.master_addr, store_options);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices = gloo_devices(world.master_addr);
    engine_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(engine_->store, world.rank, world.size, options);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("rank {} of {}: cannot join the group at {}:{} within {} s: {}", world.rank, world.size,
                                         world.master_addr, world.master_port,
                                         std::chrono::duration_cast<std::chrono::seconds>(timeout).count(), message_of(e)));
  }
}

DistributedGroup::~DistributedGroup() = default;

void DistributedGroup::allreduce_weighted(const std::vector<torch::Tensor>& tensors, double share) {
  std::vector<torch::Tensor> flat = {flatten(tensors).mul_(share)};
  complete("all-reduce", *this, [&] { return engine_->group->allreduce(flat); });
  unflatten(flat[0], tensors);
}

void DistributedGroup::broadcast(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> flat = {flatten(tensors)};
  complete("broadcast", *this, [&] { return engine_->group->broadcast(flat); });
  unflatten(flat[0], tensors);
}

std::string DistributedGroup::broadcast(const std::string& bytes) {
  std::vector<torch::Tensor> size = {torch::full({1}, int64_t(bytes.size()), torch::kLong)};
  complete("broadcast", *this, [&] { return engine_->group->broadcast(size); });
  const int64_t count = size[0].item<int64_t>();
  if (count == 0) return {};
  std::vector<torch::Tensor> data = {rank_ == 0 ? torch::from_blob(const_cast<char*>(bytes.data()), {count}, torch::kUInt8).clone()
                                                : torch::empty({count}, torch::kUInt8)};
  complete("broadcast", *this, [&] { return engine_->group->broadcast(data); });
  return std::string(reinterpret_cast<const char*>(data[0].data_ptr<uint8_t>()), size_t(count));
}

void DistributedGroup::barrier() {
  complete("barrier", *this, [&] { return engine_->group->barrier(); });
}

}  // namespace tiae
