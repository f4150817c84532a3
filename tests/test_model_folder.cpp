// A released model folder (ONNX files written by `tiae export`) loads back into LibTorch
// with the run's weights: exactly for float32 files, within float16 rounding for --weights float16,
// and the page's int8 copy (`tiae compact`) within half a quantization step.
#include <cstdlib>
#include <filesystem>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "artifacts/onnx_export.h"
#include "artifacts/onnx_weights.h"
#include "io/files.h"
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
  REQUIRE(std::system((cli + " export " + (base / "run").string() + " -o " + (base / "fp16").string() + " --weights float16 > /dev/null").c_str()) == 0);

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

  // The page's int8 copy (`tiae compact`): matrices within half a step of their row's scale
  // (max |row| / 127), everything else exact.
  REQUIRE(std::system((cli + " compact " + (base / "fp32").string() + " --weights int8 > /dev/null").c_str()) == 0);
  auto int8 = tiae::read_onnx_weights((base / "fp32" / "encoder.int8.onnx").string());
  int8.merge(tiae::read_onnx_weights((base / "fp32" / "decoder.int8.onnx").string()));
  const auto a = run.network->named_parameters();
  REQUIRE(int8.size() == a.size());
  for (const auto& p : a) {
    const auto& t = int8.at(p.key());
    const auto q = torch::from_blob(const_cast<float*>(t.data.data()), p.value().sizes()).clone();
    const auto diff = (p.value() - q).abs();
    INFO("int8 " << p.key());
    if (p.value().dim() != 2) {
      CHECK(diff.max().item<double>() == 0);
    } else {
      const auto half_step = p.value().abs().amax(1, true) / 127 / 2;
      CHECK((diff <= half_step * 1.0001 + 1e-12).all().item<bool>());
      CHECK(diff.max().item<double>() > 0);  // it is quantized
    }
  }
}

TEST_CASE("every released model's card holds a checksum of each network file, its web copies' included, and they match") {
  int models = 0;
  for (const auto& entry : fs::directory_iterator(TIAE_MODELS_DIR)) {
    if (!fs::exists(entry.path() / "model.json")) continue;
    INFO(entry.path().string());
    const auto card = tiae::read_model_card(entry.path().string());
    CHECK(card.checksums.count(card.encoder_file) == 1);
    CHECK(card.checksums.count(card.decoder_file) == 1);
    for (const auto& [file, sum] : card.checksums) CHECK_NOTHROW(tiae::verify_checksum((entry.path() / file).string(), sum));
    const auto json = tiae::read_json_file((entry.path() / "model.json").string());
    if (json.contains("web"))
      for (const auto& [file, sum] : json["web"]["checksums"].items())
        CHECK_NOTHROW(tiae::verify_checksum((entry.path() / file).string(), sum.get<std::string>()));
    ++models;
  }
  CHECK(models == 21);  // every folder of models/ (none skipped)
}
