// Whole files, read and written the one way every command does: reads of regular files
// only, bounded, JSON of bounded depth; writes beside the target and renamed into place,
// never through a link or into a special file. Torch-free.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace tiae {

// A file's bytes. Throws naming it when it is missing, not a regular file (a FIFO, a device,
// a socket; refused from its type before it is opened, and again after opening it without
// blocking), holds over `max_bytes`, or cannot be read.
std::string read_file(const std::string& path, uintmax_t max_bytes = uintmax_t(1) << 30);

// The deepest JSON any reader takes: the project's deepest file nests 6 levels.
constexpr int kMaxJsonDepth = 64;
// JSON text of at most kMaxJsonDepth levels (a deeper one is refused while parsing, before
// it is built: nested thousands deep it would overflow the stack of recursive code). Throws
// a std::runtime_error that begins with `origin`.
nlohmann::json parse_json(const std::string& text, const std::string& origin);
// A JSON file (at most 64 MB), parsed so.
nlohmann::json read_json_file(const std::string& path);

// Throws when `path` exists and is not a regular file (a symbolic link, a folder, a FIFO, a
// device): an output is never written through a link nor replaces such a node.
void check_replaceable_file(const std::string& path);

// Writes `bytes` to a temporary file beside `path` (a name unique to this process and call),
// then renames it into place: a failed write (a full disk) or a kill leaves the old file (or
// none), never half a file, and no temporary. Refuses a `path` check_replaceable_file refuses.
void write_file_atomically(const std::string& path, const std::string& bytes);
// The same for JSON, indented.
void write_json_file(const std::string& path, const nlohmann::json& j);
// A name beside `target` for a temporary file or folder of this process: ".tmp-<pid>-<n>-"
// and the target's name, cut to fit the file system's 255 bytes.
std::string temporary_name(const std::string& target);

// Removes a folder of plain files, file by file: PyTorch's pip wheels export a
// std::filesystem::remove_all of their own from libtorch.so, which crashes when called from
// code built with a newer libstdc++. Nothing happens if it does not exist.
void remove_flat_folder(const std::string& dir);

}  // namespace tiae
