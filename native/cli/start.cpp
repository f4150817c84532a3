// `tiae`: puts the idle-thread settings into the environment, then runs the program proper,
// tiae-main beside it, in this same process (its PID, the owner of its folder locks).
// LibTorch runs element-wise work on OpenMP threads and matrix products on OpenBLAS's own;
// by default idle threads of each spin or yield, holding the cores the other needs next (a
// quarter of a float32 training step on 2 cores: docs/benchmarks.md, "Where a step's time
// goes"). OMP_WAIT_POLICY=PASSIVE and OPENBLAS_THREAD_TIMEOUT=4 make them sleep at once, but
// both libraries read them only as they are loaded, before main(): hence a start of its own,
// which loads no LibTorch (milliseconds, where the program running itself again cost a
// second). A setting the user gave (or GOMP_SPINCOUNT) is kept.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

int main(int, char** argv) {
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT")) setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  if (!std::getenv("OPENBLAS_THREAD_TIMEOUT")) setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1);  // 2^4 cycles
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto program = (error ? std::filesystem::path(argv[0]) : self).parent_path() / "tiae-main";
  execv(program.c_str(), argv);
  std::fprintf(stderr, "tiae: error: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
  return 1;
}
