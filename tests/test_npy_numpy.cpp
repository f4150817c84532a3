// `tiae eval --write-descriptors`'s .npy files (io/npy_file.h) read back by NumPy itself
// (Debian's python3-numpy, with python3-sklearn): the shape, the type and every value, for
// vectors and matrices of several shapes.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "io/npy_file.h"
#include "process_folder.h"

namespace {

// What NumPy reads from `path`: "shape dtype v0 v1 ..." on one line.
std::string numpy_reads(const std::string& path) {
  const std::string command = "/usr/bin/python3 -c \"import numpy as np, sys; a = np.load(sys.argv[1]); "
                              "print(a.shape, a.dtype, ' '.join(repr(float(v)) for v in a.ravel()))\" " + path;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  REQUIRE(pclose(pipe) == 0);  // python3-numpy missing: scripts/setup.sh installs python3-sklearn, which brings it
  return text;
}

std::vector<double> numbers_after(const std::string& text, const std::string& prefix) {
  REQUIRE(text.rfind(prefix, 0) == 0);
  std::istringstream in(text.substr(prefix.size()));
  std::vector<double> v;
  for (double x; in >> x;) v.push_back(x);
  return v;
}

}  // namespace

TEST_CASE("npy files: NumPy reads back the shape, the type and every value") {
  const ProcessFolder folder("tiae-npy-test");
  const auto dir = folder.path();
  for (int rows : {1, 3, 1000}) {
    for (int cols : {1, 7, 30}) {
      std::vector<float> values(size_t(rows) * cols);
      for (size_t i = 0; i < values.size(); ++i) values[i] = float(i) * 0.25f - 3.5f;
      const auto path = (dir / "m.npy").string();
      tiae::write_npy(path, values, rows, cols);
      const auto got = numbers_after(numpy_reads(path), "(" + std::to_string(rows) + ", " + std::to_string(cols) + ") float32 ");
      REQUIRE(got.size() == values.size());
      for (size_t i = 0; i < values.size(); ++i) REQUIRE(got[i] == double(values[i]));
    }
  }
  const std::vector<int> labels = {3, -1, 9, 0, 2147483647};
  const auto path = (dir / "labels.npy").string();
  tiae::write_npy(path, labels, int64_t(labels.size()), 0);
  const auto got = numbers_after(numpy_reads(path), "(5,) int32 ");
  REQUIRE(got == std::vector<double>(labels.begin(), labels.end()));
}

TEST_CASE("npy files: a count of values that is not the shape is refused, nothing written") {
  const ProcessFolder folder("tiae-npy-test");
  const auto path = (folder.path() / "bad.npy").string();
  REQUIRE_THROWS_WITH(tiae::write_npy(path, std::vector<float>(5), 2, 3), Catch::Contains("5 values do not make a 2 x 3 array"));
  REQUIRE_FALSE(std::filesystem::exists(path));
}
