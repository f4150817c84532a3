// LibTorch runs its element-wise operations on OpenMP threads and its matrix products on
// OpenBLAS's own threads. By default both kinds wait for work by spinning (OpenMP) or by
// yielding in a loop (OpenBLAS), each holding cores that the other's next operation needs:
// on 2 cores a quarter of a float32 training step's samples went there (docs/benchmarks.md,
// "Where a step's time goes"). OMP_WAIT_POLICY=PASSIVE and OPENBLAS_THREAD_TIMEOUT=4 make
// idle threads sleep at once, but both libraries read their settings when they are loaded,
// before main(): so the commands that compute run themselves again, once, with them set.
// A setting the user gave (or GOMP_SPINCOUNT) is kept.
#pragma once

namespace tiae {

// Returns when nothing is to be done (the settings are there, the command computes little)
// or the program could not be run again; otherwise does not return.
void rerun_with_idle_threads_asleep(int argc, char** argv);

}  // namespace tiae
