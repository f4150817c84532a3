#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "model/weights_file.h"

TEST_CASE("weights file round-trips and rejects foreign, truncated and missing files with a message") {
  const std::string path = "test_weights.bin";
  tiae::WeightMap w;
  w["encoder.fc1.weight"] = {{2, 3}, {1, 2, 3, 4, 5, 6}};
  w["encoder.fc1.bias"] = {{2}, {-1.5f, 0.25f}};
  tiae::write_weights_file(path, w);
  const auto r = tiae::read_weights_file(path);
  REQUIRE(r.size() == 2);
  CHECK(r.at("encoder.fc1.weight").dims == std::vector<int64_t>{2, 3});
  CHECK(r.at("encoder.fc1.weight").data == w["encoder.fc1.weight"].data);
  CHECK(r.at("encoder.fc1.bias").data == w["encoder.fc1.bias"].data);

  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() - 5);
  CHECK_THROWS_WITH(tiae::read_weights_file(path), Catch::Contains("truncated"));
  std::ofstream(path, std::ios::binary) << "PK\x03\x04 a zip, not weights";
  CHECK_THROWS_WITH(tiae::read_weights_file(path), Catch::Contains("not a TIAE weights file"));
  std::remove(path.c_str());
  CHECK_THROWS_WITH(tiae::read_weights_file(path), Catch::Contains("cannot open"));
}
