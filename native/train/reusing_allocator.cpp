#include "train/reusing_allocator.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <mutex>
#include <unordered_map>
#include <vector>

namespace tiae {
namespace {

// The context of each block is its address (LibTorch's raw_allocate asks for that); its size
// is kept beside it.
class ReusingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t size) const override {
    void* data = nullptr;
    if (size > 0) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        auto& free = free_[size];
        if (!free.empty()) {
          data = free.back();
          free.pop_back();
        }
      }
      if (!data) data = c10::alloc_cpu(size);
      std::lock_guard<std::mutex> lock(mutex_);
      sizes_[data] = size;
    }
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

 private:
  static void release(void* data) {
    if (!data) return;
    std::lock_guard<std::mutex> lock(mutex_);
    free_[sizes_.at(data)].push_back(data);
  }

  static std::mutex mutex_;
  static std::unordered_map<size_t, std::vector<void*>> free_;  // free blocks by size in bytes
  static std::unordered_map<void*, size_t> sizes_;              // every block's size
};

std::mutex ReusingCpuAllocator::mutex_;
std::unordered_map<size_t, std::vector<void*>> ReusingCpuAllocator::free_;
std::unordered_map<void*, size_t> ReusingCpuAllocator::sizes_;

}  // namespace

void use_reusing_allocator() {
  static ReusingCpuAllocator allocator;
  c10::SetCPUAllocator(&allocator, /*priority=*/1);  // above LibTorch's default (0)
}

}  // namespace tiae
