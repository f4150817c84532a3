// A folder written whole: the files go into a new folder beside the target, which then takes
// the target's place in one step (renameat2 with RENAME_EXCHANGE), so that a reader, a kill
// or a full disk leaves the old folder or the new one, never a mix, and no file of an
// earlier run that this one would not have written. Torch-free.
#pragma once
#include <functional>
#include <string>

namespace tiae {

enum class FolderStart {
  empty,  // the new folder starts empty (export, document)
  copy,   // it starts with the target's files, of which the command changes some (compact, card)
};

// `fill(fresh)` writes into the new folder; if it throws, the target is untouched and the new
// folder removed. Temporary folders of processes that were killed before their swap are
// removed first: call it holding the target's FolderLock (folder_lock.h).
void replace_folder(const std::string& target, FolderStart start, const std::function<void(const std::string& fresh)>& fill);

}  // namespace tiae
