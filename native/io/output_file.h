// Files a command writes (-o): checked before any work is done, written whole or not at all.
// Torch-free.
#pragma once
#include <string>
#include <vector>

namespace tiae {

// Throws a one-line std::runtime_error when `out` names a folder, or the same file as one of
// `inputs` (an output never replaces the input), or a file in a folder that does not exist.
void check_output_file(const std::string& out, const std::vector<std::string>& inputs);

// Writes `bytes` to a temporary file beside `path`, then renames it into place: a failed
// or killed write leaves the old file (or none), never half a file, and no temporary.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace tiae
