// `tiae average` through the real program, on two tiny real runs: its weights are LibTorch's
// weighted mean of the runs' parameters; bad requests end in one message and write nothing;
// the average, which has no optimizer state, refuses --resume.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "process_folder.h"
#include "model/network.h"
#include "model/train_config.h"

namespace fs = std::filesystem;

namespace {

const fs::path& work() {
  static const ProcessFolder folder("tiae-average-test");
  static const fs::path dir = [] {
    const fs::path& d = folder.path();
    for (const char* seed : {"1", "2"}) {
      const auto r = run_cli("train --kind tiae --epochs 1 --train-samples 128 --batch 64 --views 2 --threads 2 --no-progress "
                             "--device cpu --seed " + std::string(seed) + " -o " + (d / ("run" + std::string(seed))).string());
      REQUIRE(r.status == 0);
    }
    return d;
  }();
  return dir;
}

// The run's parameters, loaded into LibTorch's network.
std::vector<torch::Tensor> parameters_of(const fs::path& run) {
  std::ifstream in(run / "config.json");
  const tiae::TrainConfig config = nlohmann::json::parse(in).get<tiae::TrainConfig>();
  tiae::AutoEncoder model(config.network);
  tiae::load_weights(*model, (run / "checkpoint" / "weights.bin").string());
  std::vector<torch::Tensor> p;
  for (const auto& t : model->parameters()) p.push_back(t.detach().clone());
  return p;
}

}  // namespace

TEST_CASE("tiae average: the weighted mean of the runs' parameters, as LibTorch computes it") {
  const fs::path a = work() / "run1", b = work() / "run2", out = work() / "mean";
  const auto r = run_cli("average " + a.string() + " " + b.string() + " --weights 3,1 -o " + out.string());
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto pa = parameters_of(a), pb = parameters_of(b), mean = parameters_of(out);
  REQUIRE(mean.size() == pa.size());
  double largest_gap = 0;
  for (size_t i = 0; i < pa.size(); ++i) {
    REQUIRE(!torch::equal(pa[i], pb[i]));  // seeds 1 and 2: different weights, so the mean is a test
    const auto expected = pa[i].mul(0.75).add(pb[i].mul(0.25));
    largest_gap = std::max(largest_gap, (mean[i] - expected).abs().max().item<double>());
  }
  CHECK(largest_gap < 1e-6);
  std::ifstream averaged(out / "averaged.json");
  const auto provenance = nlohmann::json::parse(averaged);
  CHECK(provenance["runs"] == nlohmann::json({a.string(), b.string()}));
  CHECK(provenance["weights"] == nlohmann::json({0.75, 0.25}));

  const auto resume = run_cli("train --resume --epochs 2 --no-progress -o " + out.string());
  CHECK(resume.status == 1);
  CHECK_THAT(resume.output, Catch::Contains("no optimizer state") && Catch::Contains("--init"));
}

TEST_CASE("tiae average: one run, a weight not finite and > 0, a weight too many or another network end in a message, nothing written") {
  const fs::path a = work() / "run1", b = work() / "run2", out = work() / "refused";
  const fs::path other = work() / "other";  // run2 with a wider descriptor in its config
  fs::copy(b, other, fs::copy_options::recursive);
  std::ifstream in(other / "config.json");
  auto config = nlohmann::json::parse(in);
  config["network"]["descriptor"] = config["network"]["descriptor"].get<int>() + 1;
  std::ofstream(other / "config.json") << config.dump();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {a.string(), "two or more runs"},
      {a.string() + " " + b.string() + " --weights 1,-1", "finite numbers > 0"},
      {a.string() + " " + b.string() + " --weights 0,1", "finite numbers > 0"},
      {a.string() + " " + b.string() + " --weights 1,1,1", "one weight per run"},
      {a.string() + " " + other.string(), "network differs"}};
  for (const auto& [args, message] : cases) {
    const auto r = run_cli("average " + args + " -o " + out.string());
    INFO(args << "\n" << r.output);
    CHECK(r.status == 1);
    CHECK_THAT(r.output, Catch::Contains(message));
    CHECK(!fs::exists(out));
  }
  // inf (or nan) would make every weight nan: a run of nothing but NaN that export and infer took
  for (const char* weights : {"inf,1", "nan,1", "1e308,1e308"}) {
    const auto r = run_cli("average " + a.string() + " " + b.string() + " --weights " + weights + " -o " + out.string());
    INFO(weights << "\n" << r.output);
    CHECK(r.status != 0);
    CHECK(r.status < 128);  // a refusal, not a signal
    CHECK_THAT(r.output, Catch::Contains("finite"));
    CHECK(!fs::exists(out));
  }
}
