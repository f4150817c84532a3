// An advisory lock (flock) on a folder a command writes: a training run, a model folder. Two
// `tiae train` or `tiae export` into one folder would otherwise interleave their files; the
// second is refused at once, naming the first one's process. Torch-free.
#pragma once
#include <string>

namespace tiae {

class FolderLock {
 public:
  // Takes the lock before anything in `folder` is read or written (the folder need not
  // exist yet, its parent must). The lock file sits beside the folder, ".<name>.lock"
  // holding the holder's PID, so that the folder itself may be created or swapped while it
  // is held. Throws "<folder> is in use by process <pid> ..." when another process holds it.
  explicit FolderLock(const std::string& folder);
  ~FolderLock();  // releases it and removes the lock file
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace tiae
