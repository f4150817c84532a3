// Data-parallel training across processes and machines on PyTorch's own c10d engine: a
// TCPStore hosted by rank 0 for the rendezvous and a Gloo process group for the
// collectives. The ranks are described as torchrun describes them, in the environment:
//   RANK, WORLD_SIZE   this process's rank and the number of ranks
//   MASTER_ADDR, MASTER_PORT   where rank 0 hosts the store
//   GLOO_SOCKET_IFNAME   the network interface(s) to use, comma separated (optional)
// Gloo moves CPU tensors; tensors on another device go through host memory.
#pragma once
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tiae {

struct WorldSettings {
  int rank = 0, size = 1;
  std::string master_addr;
  int master_port = 0;
};

// The ranks the environment describes; none when WORLD_SIZE is unset or 1 (one process).
// Throws with the variable's name on a bad or missing value.
std::optional<WorldSettings> world_from_environment();

// How long a rank waits for the others (to join, or in one collective) before it fails:
// a rank that dies makes the others fail at once (its sockets close); one that hangs, after this.
constexpr std::chrono::minutes kCollectiveTimeout{5};

class DistributedGroup {
 public:
  explicit DistributedGroup(const WorldSettings& world, std::chrono::milliseconds timeout = kCollectiveTimeout);
  ~DistributedGroup();
  DistributedGroup(const DistributedGroup&) = delete;
  DistributedGroup& operator=(const DistributedGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Each tensor becomes, in place, the sum over ranks of share * tensor, where each rank
  // gives its own share (its fraction of the samples): the mean of per-rank means weighted
  // by their sizes. One collective for all the tensors (float32).
  void allreduce_weighted(const std::vector<torch::Tensor>& tensors, double share);
  // Rank 0's values into every rank's tensors, in place (same shapes everywhere; float32).
  void broadcast(const std::vector<torch::Tensor>& tensors);
  // Rank 0's bytes; the others' argument is ignored.
  std::string broadcast(const std::string& bytes);
  void barrier();

 private:
  struct Engine;  // the c10d objects, kept out of this header
  std::unique_ptr<Engine> engine_;
  int rank_, size_;
};

}  // namespace tiae
