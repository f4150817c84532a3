// Whole files, read and written the one way every command does: outputs (-o) checked
// before any work is done, files written whole or not at all, reads bounded. Torch-free.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tiae {

// Throws a one-line std::runtime_error when `out` names a folder, or the same file as one of
// `inputs` (an output never replaces the input), or a file in a folder that does not exist.
void check_output_file(const std::string& out, const std::vector<std::string>& inputs);
// The same for an output folder: a folder or nothing yet, in a folder that exists, and no input file.
void check_output_folder(const std::string& out, const std::vector<std::string>& inputs);

// Writes `bytes` to a temporary file beside `path`, then renames it into place: a failed
// or killed write leaves the old file (or none), never half a file, and no temporary.
void write_file_atomically(const std::string& path, const std::string& bytes);
// The same for JSON, indented.
void write_json_file(const std::string& path, const nlohmann::json& j);

// A file's bytes; throws naming it when it cannot be read or holds over `max_bytes`.
std::string read_file(const std::string& path, uintmax_t max_bytes = uintmax_t(1) << 30);
// A JSON file; throws naming it when it cannot be read or is not JSON.
nlohmann::json read_json_file(const std::string& path);

// Removes a folder of plain files, file by file: PyTorch's pip wheels export a
// std::filesystem::remove_all of their own from libtorch.so, which crashes when called from
// code built with a newer libstdc++. Nothing happens if it does not exist.
void remove_flat_folder(const std::string& dir);

}  // namespace tiae
