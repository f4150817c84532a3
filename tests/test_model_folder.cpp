// A released model folder (ONNX files written by `tiae export`) loads back into LibTorch
// with the run's weights: exactly for float32 files, within float16 rounding for --fp16.
#include <cstdlib>
#include <filesystem>

#include "artifacts/model_folder.h"
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

namespace fs = std::filesystem;

TEST_CASE("model folders load the weights of the run they were exported from") {
  const fs::path base = fs::absolute("model_folder_test");
  fs::remove_all(base);
  const std::string cli = TIAE_CLI;
  REQUIRE(std::system((cli + " train --kind tiae --epochs 1 --train-samples 64 --batch 64 --threads 1 --no-progress -o " +
                       (base / "run").string() + " > /dev/null").c_str()) == 0);
  REQUIRE(std::system((cli + " export " + (base / "run").string() + " -o " + (base / "fp32").string() + " > /dev/null").c_str()) == 0);
  REQUIRE(std::system((cli + " export " + (base / "run").string() + " -o " + (base / "fp16").string() + " --fp16 > /dev/null").c_str()) == 0);

  const auto run = tiae::load_model((base / "run").string(), torch::kCPU);
  for (const char* folder : {"fp32", "fp16"}) {
    const auto exported = tiae::load_model((base / folder).string(), torch::kCPU);
    CHECK(exported.config.kind == tiae::Kind::tiae);
    CHECK(exported.config.max_shift == run.config.max_shift);
    const auto a = run.network->named_parameters(), b = exported.network->named_parameters();
    REQUIRE(a.size() == 14);  // conv and fc1..3 of E, fc1..3 of D: weights and biases
    REQUIRE(b.size() == a.size());
    for (const auto& p : a) {
      const auto& q = b[p.key()];
      const double diff = (p.value() - q).abs().max().item<double>();
      INFO(folder << " " << p.key());
      if (std::string(folder) == "fp32") CHECK(diff == 0);
      else CHECK(diff <= p.value().abs().max().item<double>() / 1024);  // float16: 10-bit mantissa
    }
  }
  CHECK_THROWS_WITH(tiae::load_model(base.string(), torch::kCPU), Catch::Contains("neither a model folder"));
}
