// Outputs (-o) checked before any work is done, the same way by every command: a refusal
// costs nothing, and nothing of the user's (an input, a link, a device, someone's files) is
// ever replaced. Torch-free.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace tiae {

// The longest file name the file systems here take, in bytes.
constexpr size_t kMaxFileName = 255;

// A folder named on the command line as one absolute path without a trailing separator
// ("runs/x/" and "./runs/x" are "<cwd>/runs/x").
std::string folder_path(const std::string& folder);
// Creates the folders above `folder` (commands that make their output folder: train, average, export).
void make_parent_folders(const std::string& folder);

// An output file: a name of at most kMaxFileName bytes in a folder that exists; if it exists,
// a regular file (not a link, folder, FIFO or device) that is none of `inputs`. Throws a
// one-line std::runtime_error otherwise.
void check_output_file(const std::string& out, const std::vector<std::string>& inputs);

// Which names an output folder of a command may hold: an earlier run's files.
using FolderContents = std::function<bool(const std::string& name)>;

// An output folder: nothing yet (in a folder that exists) or a real folder, not a link;
// neither one of `inputs` nor holding one. With `ours`, a folder that exists holds only
// regular files it accepts, so that replacing the whole folder (folder_swap.h) loses nothing
// of anyone's; without, any files (each file written is then checked by the writer).
void check_output_folder(const std::string& out, const std::vector<std::string>& inputs, const FolderContents& ours = nullptr);

}  // namespace tiae
