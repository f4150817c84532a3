// A CPU allocator for training that keeps freed blocks and hands them out again for the
// same size. A training step allocates the same tensors every step, many larger than glibc
// keeps in its heap (32 MB at most: a batch's convolution output is 42 MB), so each came
// back from the kernel as fresh pages that it zeroes: 36 % of a bfloat16 step on the CPU
// was spent in the kernel (perf; 7 % with this allocator). Installed for the whole process by use_reusing_allocator();
// memory is held at the step's peak and never returned (the program ends with training).
#pragma once

namespace tiae {

void use_reusing_allocator();

}  // namespace tiae
