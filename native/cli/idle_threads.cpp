#include "cli/idle_threads.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace tiae {

void rerun_with_idle_threads_asleep(int argc, char** argv) {
  if (argc < 2) return;
  // the subcommands whose time goes to the network's products (one image's infer or depth: no)
  static const char* const computing[] = {"train", "eval", "bench", "regressor", "pose", "extract", "document"};
  bool found = false;
  for (const char* name : computing) found = found || std::strcmp(argv[1], name) == 0;
  if (!found) return;
  bool changed = false;
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT")) changed |= setenv("OMP_WAIT_POLICY", "PASSIVE", 1) == 0;
  if (!std::getenv("OPENBLAS_THREAD_TIMEOUT")) changed |= setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1) == 0;  // 2^4 cycles
  if (changed) execv("/proc/self/exe", argv);  // the same process (its PID, its locks' owner), its new image
  // not run again (or nothing to change): go on as it is
}

}  // namespace tiae
