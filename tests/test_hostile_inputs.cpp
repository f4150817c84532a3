// Hostile but fair inputs to the real `tiae` program: each ends in one message naming the
// input and the problem, exit status 1 (never a signal or a stack trace), with nothing
// written and nothing overwritten.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tiny_model.h"

namespace fs = std::filesystem;

namespace {
const fs::path& work() { return tiny_model_dir(); }
}  // namespace

TEST_CASE("an output never replaces the input, and a folder given as -o is refused without leftovers") {
  const auto& d = work();
  const std::string photo = (d / "photo.png").string(), before = read_bytes(photo);
  const std::string model = " -m " + (d / "model").string() + " --no-progress";
  check_refused(run_cli("extract " + photo + " -o " + photo + model), "is the input");
  check_refused(run_cli("extract " + photo + " -o " + (d / "." / "photo.png").string() + model), "is the input");
  CHECK(read_bytes(photo) == before);

  const std::string raw_before = read_bytes(d / "digit.f32");
  check_refused(run_cli("infer " + (d / "model").string() + " --raw " + (d / "digit.f32").string() + " -o " + (d / "digit.f32").string()),
                "is the input");
  CHECK(read_bytes(d / "digit.f32") == raw_before);

  fs::create_directories(d / "out-folder");
  check_refused(run_cli("extract " + photo + " -o " + (d / "out-folder").string() + model), "is a folder");
  CHECK(fs::is_empty(d / "out-folder"));
  for (const auto& entry : fs::directory_iterator(d)) CHECK(entry.path().filename().string().rfind(".tmp-", 0) != 0);
}

TEST_CASE("files that are not image files are refused before they are read") {
  const auto& d = work();
  const std::string model = " -m " + (d / "model").string() + " --no-progress -o " + (d / "never.png").string();
  // A FIFO would block a plain open; `timeout` turns a hang into a failure rather than a stuck test.
  REQUIRE(mkfifo((d / "pipe.png").c_str(), 0600) == 0);
  check_refused(run_cli("extract " + (d / "pipe.png").string() + model, "timeout 20"), "not a regular file");
  check_refused(run_cli("extract /dev/zero" + model), "not a regular file");
  // 3 GB of nothing (a sparse file: no disk is used) named .png
  { std::ofstream(d / "huge.png") << "x"; }
  fs::resize_file(d / "huge.png", uintmax_t(3) << 30);
  check_refused(run_cli("extract " + (d / "huge.png").string() + model), "too large");
  CHECK_FALSE(fs::exists(d / "never.png"));
}

TEST_CASE("tiae document refuses bad pages and outputs before writing anything, and analyses a good one") {
  const auto& d = work();
  const std::string model = " -m " + (d / "model").string() + " --no-progress --glyph-size 20";
  const fs::path out = d / "document-out";
  { std::ofstream(d / "notes.png") << "these are my notes, not a picture\n"; }
  check_refused(run_cli("document " + (d / "notes.png").string() + " -o " + out.string() + model), "notes.png");
  check_refused(run_cli("document /dev/zero -o " + out.string() + model), "not a regular file");
  check_refused(run_cli("document " + (d / "photo.png").string() + " -o " + (d / "photo.png").string() + model), "is the input");
  check_refused(run_cli("document " + (d / "photo.png").string() + " -o " + (d / "no" / "such" / "folder").string() + model),
                "does not exist");
  check_refused(run_cli("document " + (d / "photo.png").string() + " -o " + out.string() + model + " --stride 0"), "stride");
  CHECK_FALSE(fs::exists(out));
  // a good page: every file of the analysis, peaks inside the page
  const auto r = run_cli("document " + (d / "photo.png").string() + " -o " + out.string() + model);
  INFO(r.output);
  REQUIRE(r.status == 0);
  for (const char* file : {"heatmap.png", "heatmap-overlay.png", "peaks.json", "clusters.json"}) CHECK(fs::exists(out / file));
  const cv::Mat heat = cv::imread((out / "heatmap.png").string(), cv::IMREAD_UNCHANGED);
  CHECK(heat.cols == 64);
  CHECK(heat.rows == 48);
  const auto peaks = nlohmann::json::parse(read_bytes(out / "peaks.json"))["peaks"];
  for (const auto& p : peaks) CHECK((p[0] >= 0 && p[0] <= 64 && p[1] >= 0 && p[1] <= 48));
}

TEST_CASE("tiae train: every setting is checked alike from a flag or a config, 0 included") {
  const fs::path d = work() / "settings";
  const std::string base = "train --train-samples 64 --no-progress -o " + (d / "run").string() + " ";
  const std::pair<std::string, std::string> flags[] = {
      {"--epochs -5", "epochs must be an integer in [1, "}, {"--batch 0", "batch must be an integer in [1, "},
      {"--lr nan", "lr must be a number in (0, "},           {"--lr inf", "lr must be a number in (0, "},
      {"--views 0", "views must be an integer in [1, "},     {"--max-shift -3", "max_shift must be an integer in [0, "},
      {"--seed -1", "seed must be an integer in [0, "},      {"--kind tae", "kind must be one of tiae, ae, fg"}};
  for (const auto& [flag, message] : flags) {
    check_refused(run_cli(base + flag + (flag.rfind("--epochs", 0) == 0 ? "" : " --epochs 1")), message);
    CHECK_FALSE(fs::exists(d));
  }
  fs::create_directories(d);
  const std::pair<std::string, std::string> configs[] = {
      {R"({"epochs": 1.7})", "epochs must be an integer"}, {R"({"seed": -1})", "seed must be an integer"},
      {R"({"network": {"size": 65536}})", "network.size must be an integer in [8, 256]"},
      {R"({"lambda_inv": -1})", "lambda_inv must be a number in [0, "},
      {R"({"network": {"channels": 3}})", "data mnist has 1 channel(s): set network.channels to 1"},
      {R"({"kind": "fg", "layout": "page", "max_shift": 0, "network": {"channels": 3}})", "colour pages (network.channels 3 or 4) need network.arch"},
      {R"({"kind": "fg", "layout": "page", "max_shift": 0, "page_ink_hues": 0.3})", "page_ink_hues is for colour pages"},
      {R"({"network": {"output_channels": 2}})", "network.output_channels is a setting of arch \"conv\" only"}};
  for (const auto& [config, message] : configs) {
    std::ofstream(d / "config.json") << config;
    check_refused(run_cli(base + "--epochs 1 -c " + (d / "config.json").string()), message);
    CHECK_FALSE(fs::exists(d / "run"));
  }
  // 0 is a value like any other: --threads 0 (all threads) overrides a config's 2.
  std::ofstream(d / "config.json") << R"({"threads": 2})";
  REQUIRE(run_cli(base + "--epochs 1 -c " + (d / "config.json").string() + " --threads 0").status == 0);
  CHECK(nlohmann::json::parse(std::ifstream(d / "run" / "config.json")).at("threads") == 0);
}

TEST_CASE("tiae train refuses a folder of someone's other files, and a damaged checkpoint") {
  const fs::path d = work() / "folders";
  fs::create_directories(d / "notes");
  std::ofstream(d / "notes" / "todo.txt") << "my notes\n";
  check_refused(run_cli("train --epochs 1 --train-samples 64 --no-progress -o " + (d / "notes").string()), "holds other files");
  CHECK(read_bytes(d / "notes" / "todo.txt") == "my notes\n");
  CHECK_FALSE(fs::exists(d / "notes" / "config.json"));

  // One flipped bit in the checkpoint's weights: resume and export say which file is damaged.
  const fs::path run = d / "run";
  REQUIRE(run_cli("train --epochs 1 --train-samples 64 --no-progress -o " + run.string()).status == 0);
  const fs::path weights = run / "checkpoint" / "weights.bin";
  std::string bytes = read_bytes(weights);
  bytes[bytes.size() / 2] ^= 0x10;
  std::ofstream(weights, std::ios::binary) << bytes;
  check_refused(run_cli("train --epochs 2 --no-progress --resume -o " + run.string()), "weights.bin is damaged");
  check_refused(run_cli("export " + run.string() + " -o " + (d / "model").string()), "weights.bin is damaged");
  CHECK_FALSE(fs::exists(d / "model"));
}

TEST_CASE("crafted model cards and damaged model files are refused with a message") {
  const auto& d = work();
  const auto card = nlohmann::json::parse(std::ifstream(d / "model" / "model.json"));
  const std::string raw = " --raw " + (d / "digit.f32").string();
  const std::pair<std::function<void(nlohmann::json&)>, std::string> cases[] = {
      {[](nlohmann::json& c) { c["training"]["config"]["network"]["size"] = 65536; }, "network.size must be an integer in [8, 256]"},
      {[](nlohmann::json& c) { c["training"]["config"]["network"]["hidden1"] = 1 << 30; }, "network.hidden1 must be"},
      {[](nlohmann::json& c) { c["training"]["config"]["network"]["channels"] = 0; }, "network.channels must be"},
      {[](nlohmann::json& c) { c["size"] = 64; }, "size disagrees with the network's"},
      {[](nlohmann::json& c) { c["files"]["encoder"] = "../run/checkpoint/weights.bin"; }, "files.encoder must be a plain file name"},
      {[](nlohmann::json& c) { c["checksums"]["decoder.onnx"] = "crc32:00000000"; }, "decoder.onnx is damaged"},
      {[](nlohmann::json& c) { c.erase("training"); }, "is not a model card"}};
  int i = 0;
  for (const auto& [change, message] : cases) {
    const fs::path folder = d / ("crafted-" + std::to_string(i++));
    fs::create_directories(folder);
    for (const char* f : {"encoder.onnx", "decoder.onnx"}) fs::copy_file(d / "model" / f, folder / f, fs::copy_options::overwrite_existing);
    auto crafted = card;
    change(crafted);
    std::ofstream(folder / "model.json") << crafted.dump();
    check_refused(run_cli("infer " + folder.string() + raw), message);
  }
  // the original still runs, and refuses pixels that are not numbers in [0, 1]
  CHECK(run_cli("infer " + (d / "model").string() + raw).status == 0);
  std::vector<float> bad(32 * 32, 0.f);
  bad[5] = std::nanf("");
  std::ofstream(d / "nan.f32", std::ios::binary).write(reinterpret_cast<const char*>(bad.data()), 4 * 1024);
  check_refused(run_cli("infer " + (d / "model").string() + " --raw " + (d / "nan.f32").string()), "value 5 is nan, not a number in [0, 1]");
}

TEST_CASE("tiae export writes a new folder or replaces a model folder, and never a folder of other files") {
  const auto& d = work();
  check_refused(run_cli("export " + (d / "run").string() + " -o " + (d / "run").string()), "is not a model folder");
  CHECK(fs::exists(d / "run" / "config.json"));
  // Re-exporting replaces the whole folder: the card's checksums are the new files'.
  REQUIRE(run_cli("export " + (d / "run").string() + " -o " + (d / "model").string() + " --weights float16").status == 0);
  const auto card = nlohmann::json::parse(std::ifstream(d / "model" / "model.json"));
  CHECK(card.at("onnx").at("weights") == "float16");
  CHECK(run_cli("infer " + (d / "model").string() + " --raw " + (d / "digit.f32").string()).status == 0);
  for (const auto& entry : fs::directory_iterator(d)) CHECK(entry.path().filename().string().find("export-tmp") == std::string::npos);
}

TEST_CASE("tiae card records an evaluation's metrics and ink threshold in the card, and refuses one that does not fit") {
  const auto& d = work();
  const fs::path eval = d / "eval";
  fs::create_directories(eval);
  const auto write_metrics = [&](double threshold) {
    std::ofstream(eval / "metrics.json") << nlohmann::json{
        {"protocol", {{"seed", 7}}},
        {"models", {{"model", {{"flyers", {{"ink_iou", 0.5}}}, {"ink_threshold", {{"value", threshold}}}}}}}};
  };
  write_metrics(0.3);
  REQUIRE(run_cli("card " + (d / "model").string() + " --eval " + eval.string()).status == 0);
  const auto card = nlohmann::json::parse(std::ifstream(d / "model" / "model.json"));
  CHECK(card.at("ink_threshold") == 0.3);
  CHECK(card.at("metrics").at("flyers").at("ink_iou") == 0.5);
  CHECK(run_cli("infer " + (d / "model").string() + " --raw " + (d / "digit.f32").string()).status == 0);

  const std::string before = read_bytes(d / "model" / "model.json");
  write_metrics(1.5);
  check_refused(run_cli("card " + (d / "model").string() + " --eval " + eval.string()), "ink_threshold must be in (0, 1)");
  fs::remove(eval / "metrics.json");
  check_refused(run_cli("card " + (d / "model").string() + " --eval " + eval.string()), "no metrics.json");
  CHECK(read_bytes(d / "model" / "model.json") == before);
}

// Run by the test below as a process of its own (hidden: no ctest entry of its own).
TEST_CASE("print the tiny model's folder", "[.]") {
  std::cout << "folder: " << tiny_model_dir().string() << std::endl;
  CHECK(fs::exists(tiny_model_dir() / "model"));
}

TEST_CASE("the tiny model's folder goes with the test process that made it") {
  const std::string self = fs::read_symlink("/proc/self/exe").string();  // this test program, run again
  FILE* child = popen(("'" + self + "' \"print the tiny model's folder\" 2>&1").c_str(), "r");
  REQUIRE(child);
  std::string output;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, child)) > 0;) output.append(buf, n);
  const int status = pclose(child);
  INFO(output);
  REQUIRE(status == 0);
  const auto at = output.find("folder: ");
  REQUIRE(at != std::string::npos);
  const fs::path folder = output.substr(at + 8, output.find('\n', at) - at - 8);
  CHECK(folder.filename().string().rfind("tiae-hostile-test-", 0) == 0);
  CHECK_FALSE(fs::exists(folder));
}
