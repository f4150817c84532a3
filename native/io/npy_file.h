// Arrays as NumPy's .npy files (format version 1.0: a short text header, then the values
// little-endian, C order), for readers who take a model's descriptors elsewhere (`tiae eval
// --write-descriptors`: scikit-learn, UMAP). Written atomically (files.h). Torch-free.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tiae {

// `values` holds rows * cols numbers; a matrix of that shape (cols 0: a vector of rows).
void write_npy(const std::string& path, const std::vector<float>& values, int64_t rows, int64_t cols);
void write_npy(const std::string& path, const std::vector<int>& values, int64_t rows, int64_t cols);

}  // namespace tiae
