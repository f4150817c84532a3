// `tiae train --nproc N`: N ranks of data-parallel training on this machine, as torchrun
// --nproc_per_node starts them. This program runs itself again N times with the same
// arguments (less --nproc, --master-port and --threads) and the environment that
// train/distributed.h reads (RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT).
#pragma once

namespace tiae {

struct LocalRanks {
  int count = 1;
  int master_port = 0;  // 0: a free port
  int threads = 1;  // in all: each rank gets threads / count, at least 1
};

// Waits for every rank; when one fails, stops the others and throws naming it.
void run_local_ranks(const LocalRanks& ranks);

// A port no one listens on now: the one the system gives a socket bound to port 0 on the
// loopback address (throws if there is none).
int free_port();

}  // namespace tiae
