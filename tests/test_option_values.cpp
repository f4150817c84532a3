// Odd option values through the real `tiae` program: each is refused naming the option,
// before any work, rather than taken as something else (0 or -1 as "auto", nan ignored, an
// empty value as 0, a 20-digit integer saturated) or ending in a signal.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tiny_model.h"

namespace fs = std::filesystem;

namespace {
const fs::path& work() { return tiny_model_dir(); }

// A refusal by CLI11 (the command line's syntax: status 105 to 114) or by tiae (status 1),
// naming `option`; never a signal, never the work done.
void check_option_refused(const CliResult& r, const std::string& option) {
  INFO(r.output);
  CHECK(((r.status >= 105 && r.status <= 114) || r.status == 1));
  CHECK(r.output.find(option) != std::string::npos);
}
}  // namespace

TEST_CASE("glyph sizes of 0 or -1 are refused, not taken as auto, and a quantile of nan is refused, not ignored") {
  const auto& d = work();
  const std::string photo = (d / "photo.png").string(), model = " -m " + (d / "model").string() + " --no-progress";
  for (const char* size : {"0", "-1", "nan", "1e999"}) {
    INFO(size);
    check_option_refused(run_cli("extract " + photo + " -o " + (d / "never.png").string() + model + " --glyph-size " + size), "--glyph-size");
    check_option_refused(run_cli("document " + photo + " -o " + (d / "never-doc").string() + model + " --glyph-size " + size), "--glyph-size");
  }
  check_option_refused(run_cli("document " + photo + " -o " + (d / "never-doc").string() + model + " --glyph-size 20 --quantile nan"), "--quantile");
  CHECK_FALSE(fs::exists(d / "never.png"));
  CHECK_FALSE(fs::exists(d / "never-doc"));
}

TEST_CASE("an empty or out-of-range number is refused, not taken as 0 or saturated") {
  const auto& d = work();
  const std::string train = "train --epochs 1 --train-samples 64 --no-progress -o " + (d / "never-run").string();
  check_option_refused(run_cli(train + " --seed ''"), "--seed");
  check_option_refused(run_cli(train + " --threads ''"), "--threads");
  check_option_refused(run_cli(train + " --seed 99999999999999999999"), "--seed");
  check_option_refused(run_cli("pages --count 1 --seed 99999999999999999999 -o " + (d / "pages.bin").string()), "--seed");
  check_option_refused(run_cli(train + " --lr ''"), "--lr");
  CHECK_FALSE(fs::exists(d / "never-run"));
  CHECK_FALSE(fs::exists(d / "pages.bin"));
}

TEST_CASE("counts that make no sense are refused: flyers --count 0, bench --views -1, --nproc 1000") {
  const auto& d = work();
  check_option_refused(run_cli("flyers --count 0 -o " + (d / "flyers").string()), "--count");
  CHECK_FALSE(fs::exists(d / "flyers"));
  for (const char* views : {"-1", "0"}) check_option_refused(run_cli(std::string("bench --steps 1 --views ") + views), "--views");
  check_option_refused(run_cli("bench --batch 0"), "--batch");
  // a bad setting too, so that a build without the bound refuses (for that one) rather than
  // starting a thousand processes
  check_option_refused(run_cli("train --nproc 1000 --epochs 0 --no-progress -o " + (d / "never-run").string()), "--nproc");
  CHECK_FALSE(fs::exists(d / "never-run"));
}
