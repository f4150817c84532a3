// A folder in the system's temporary directory that belongs to this test process: made empty
// when first used, removed with all it holds when the process ends. ctest runs every test case
// as a process of its own, so a folder left behind by each (a tiny model's run: 70-230 MB)
// filled the disk by gigabytes a test run.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

class ProcessFolder {
 public:
  explicit ProcessFolder(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ProcessFolder() {
    std::error_code ignored;  // nothing to do about a folder that cannot go
    std::filesystem::remove_all(path_, ignored);
  }
  ProcessFolder(const ProcessFolder&) = delete;
  ProcessFolder& operator=(const ProcessFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};
