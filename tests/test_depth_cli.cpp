// `tiae depth` through the real program: frames it cannot read as depth, or that hold no
// hand, end in one message and exit status 1 with nothing written (an 8-bit image, an empty
// frame, a wall, a 30,000 x 30,000 16-bit PNG); a real frame of data/real-depth gives both
// models' restorations, the TIAE's descriptor and the robot hand's 20 angles; `tiae pose`
// resumes after a kill, and `--ceiling` trains a fresh encoder on the angles, leaving the run
// as it was; a run's cut-out window is the one its card and `tiae depth` use.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "cli_run.h"
#include "process_folder.h"

namespace fs = std::filesystem;

namespace {

// Tiny depth models (a TIAE of one epoch, PCA) with robot hand regressors of two epochs.
const fs::path& models() {
  static const ProcessFolder folder("tiae-depth-cli-test");
  static const fs::path dir = [] {
    const fs::path& d = folder.path();
    std::ofstream(d / "pca.json") << R"({"data": "depth", "kind": "pca", "network": {"arch": "linear"}, "epochs": 1, "views": 1})";
    const std::string small = " --train-samples 96 --threads 1 --no-progress -o ";
    REQUIRE(run_cli("train --data depth --epochs 1 --batch 32" + small + (d / "tiae").string()).status == 0);
    REQUIRE(run_cli("train -c " + (d / "pca.json").string() + small + (d / "pca").string()).status == 0);
    for (const char* run : {"tiae", "pca"}) REQUIRE(run_cli("pose " + (d / run).string() + " --hands 96 --epochs 2 --threads 1").status == 0);
    return d;
  }();
  return dir;
}

CliResult depth(const fs::path& frame, const fs::path& out, const std::string& more = "") {
  return run_cli("depth " + frame.string() + " -o " + out.string() + " -m " + (models() / "tiae").string() + " --pca " + (models() / "pca").string() + more);
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_depth(const fs::path& path, int width, int height, uint16_t value) {
  REQUIRE(cv::imwrite(path.string(), cv::Mat(height, width, CV_16UC1, cv::Scalar(value))));
}

}  // namespace

TEST_CASE("tiae depth refuses an 8-bit image, an empty frame, a wall and a 30,000 x 30,000 PNG, writing nothing") {
  const auto& d = models();
  REQUIRE(cv::imwrite((d / "eight.png").string(), cv::Mat(48, 64, CV_8UC1, cv::Scalar(120))));
  write_depth(d / "empty.png", 640, 480, 0);
  write_depth(d / "wall.png", 640, 480, 4800);  // 0.6 m everywhere
  // a 16-bit gray PNG header of 30,000 x 30,000 pixels, a little data and an end
  std::vector<uint8_t> huge = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30,
                               16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0, 0, 0, 0,
                               0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
  std::ofstream(d / "huge.png", std::ios::binary).write(reinterpret_cast<const char*>(huge.data()), std::streamsize(huge.size()));
  const std::pair<const char*, const char*> cases[] = {{"eight.png", "an 8-bit grayscale image"},
                                                       {"empty.png", "no depth measurement"},
                                                       {"wall.png", "the nearest object is not a hand"},
                                                       {"huge.png", "too large (30000x30000 pixels"}};
  for (const auto& [file, message] : cases) {
    const auto r = depth(d / file, d / "never");
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find(std::string("tiae: error: ") + (d / file).string() + ": ") != std::string::npos);
    CHECK(r.output.find(message) != std::string::npos);
    CHECK(!fs::exists(d / "never"));
  }
}

TEST_CASE("tiae depth on a real frame: the hand's crop, both restorations, the descriptor and the robot hand's angles") {
  const fs::path frame = fs::path(TIAE_DATA_DIR) / "real-depth" / "20210326-231615_100.png";
  const auto out = models() / "frame";
  const auto r = depth(frame, out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(std::ifstream(out / "depth.json"));
  CHECK(fs::exists(out / "depth.png"));
  CHECK(j["crop"]["depth_m"].get<double>() > 0.5);  // the hand, 0.5 to 0.65 m away in that sequence
  CHECK(j["crop"]["depth_m"].get<double>() < 0.65);
  CHECK(j["input"].size() == 32u * 32u);
  CHECK(j["tiae"]["descriptor"].size() == 30u);
  CHECK(j["tiae"]["angles"].size() == 20u);
  CHECK(j["tiae"]["angles"].contains("index PIP"));
  CHECK(j["pca"]["restored"].size() == 32u * 32u);
  REQUIRE(j["tiae"]["shift"].size() == 2u);
  // the TIAE's restoration is its canonical image moved by the shift it reports, zero filled
  // (out(y, x) = in(y - dy, x - dx)), and each restoration error is the squared difference
  // from the input over the input's window, recomputed here
  const auto input = j["input"].get<std::vector<float>>(), canonical = j["tiae"]["canonical"].get<std::vector<float>>();
  const auto restored = j["tiae"]["restored"].get<std::vector<float>>(), pca = j["pca"]["restored"].get<std::vector<float>>();
  const int dx = j["tiae"]["shift"][0].get<int>(), dy = j["tiae"]["shift"][1].get<int>();
  double tiae_error = 0, pca_error = 0, worst = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) {
      const int sy = y - dy, sx = x - dx;
      const double moved = sy >= 0 && sx >= 0 && sy < 32 && sx < 32 ? canonical[size_t(sy * 32 + sx)] : 0.0;
      worst = std::max(worst, std::abs(moved - restored[size_t(y * 32 + x)]));
      tiae_error += std::pow(restored[size_t(y * 32 + x)] - input[size_t(y * 32 + x)], 2);
      pca_error += std::pow(pca[size_t(y * 32 + x)] - input[size_t(y * 32 + x)], 2);
    }
  CHECK(worst < 1e-6);
  CHECK(j["tiae"]["restoration_error"].get<double>() == Approx(tiae_error).epsilon(1e-4));
  CHECK(j["pca"]["restoration_error"].get<double>() == Approx(pca_error).epsilon(1e-4));
  CHECK(j["tiae"]["restoration_error_extended_canvas"].get<double>() >= tiae_error * (1 - 1e-4) - 1e-4);  // C_res counts more
  // the crop moved by (3, -2) input pixels: the same hand, the window moved by that many of its pixels
  const auto moved = depth(frame, models() / "moved", " --offset 3,-2");
  REQUIRE(moved.status == 0);
  const auto m = nlohmann::json::parse(std::ifstream(models() / "moved" / "depth.json"));
  const double px = j["crop"]["window"][2].get<double>() / 32;
  CHECK(m["crop"]["window"][0].get<double>() == Approx(j["crop"]["window"][0].get<double>() + 3 * px).margin(1));
  CHECK(m["crop"]["window"][1].get<double>() == Approx(j["crop"]["window"][1].get<double>() - 2 * px).margin(1));
}

TEST_CASE("tiae pose trains on more hands than the models saw, rendered further along the same stream") {
  const fs::path run = models() / "pca-more-hands";
  fs::remove_all(run);
  fs::copy(models() / "pca", run, fs::copy_options::recursive);
  fs::remove_all(run / "pose");
  const auto r = run_cli("pose " + run.string() + " --hands 8100 --copies 1 --epochs 1 --threads 2");
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::ifstream in(run / "pose" / "pose.json");
  const auto record = nlohmann::json::parse(in);
  CHECK(record.at("training_hands").get<int>() == 8100);
  CHECK(record.at("validation_hands").get<int>() == 2000);
  CHECK(run_cli("pose " + run.string() + " --hands 64001").status != 0);
}

TEST_CASE("a depth run's window (depth_window_m) is how its hands are cut, in its card, and models of other windows are not compared") {
  const fs::path d = models(), tiae = d / "tiae-w0.2", pca = d / "pca-w0.2", model = d / "model-w0.2";
  for (const auto& p : {tiae, pca, model}) fs::remove_all(p);
  const std::string small = " --depth-window 0.2 --train-samples 96 --threads 1 --no-progress -o ";
  REQUIRE(run_cli("train --data depth --epochs 1 --batch 32" + small + tiae.string()).status == 0);
  REQUIRE(run_cli("train -c " + (d / "pca.json").string() + small + pca.string()).status == 0);
  for (const auto& run : {tiae, pca}) REQUIRE(run_cli("pose " + run.string() + " --hands 96 --epochs 1 --threads 1").status == 0);
  CHECK(run_cli("train --data mnist --depth-window 0.2 --epochs 1 --train-samples 8 -o " + (d / "mnist-w").string()).status != 0);

  const fs::path frame = fs::path(TIAE_DATA_DIR) / "real-depth" / "20210326-231615_100.png";
  const auto r = run_cli("depth " + frame.string() + " -o " + (d / "frame-w0.2").string() + " -m " + tiae.string() + " --pca " + pca.string());
  INFO(r.output);
  REQUIRE(r.status == 0);
  // the window's side in the frame is window_m * focal / depth (shared/depth_hand.h, step 5)
  const auto j = nlohmann::json::parse(std::ifstream(d / "frame-w0.2" / "depth.json"));
  const double depth_m = j["crop"]["depth_m"].get<double>(), focal = 476.007;
  CHECK(j["crop"]["window"][2].get<double>() == Approx(0.2 * focal / depth_m).margin(1));

  const auto mixed = run_cli("depth " + frame.string() + " -o " + (d / "frame-mixed").string() + " -m " + tiae.string() + " --pca " +
                             (d / "pca").string());
  CHECK(mixed.status != 0);
  CHECK(mixed.output.find("0.26 m") != std::string::npos);
  CHECK_FALSE(fs::exists(d / "frame-mixed"));

  REQUIRE(run_cli("export " + tiae.string() + " -o " + model.string()).status == 0);
  const auto card = nlohmann::json::parse(std::ifstream(model / "model.json"));
  CHECK(card["depth"]["cut"]["window_m"].get<double>() == Approx(0.2));
  CHECK(card["training"]["config"]["depth_window_m"].get<double>() == Approx(0.2));
}

TEST_CASE("tiae pose killed after an epoch and resumed ends with the regressor of a run never killed") {
  const fs::path whole = models() / "pca-pose-whole", killed = models() / "pca-pose-killed";
  for (const auto& run : {whole, killed}) {
    fs::remove_all(run);
    fs::copy(models() / "pca", run, fs::copy_options::recursive);
  }
  const std::string args = " --hands 96 --epochs 4 --threads 1";
  REQUIRE(run_cli("pose " + whole.string() + args).status == 0);
  CHECK_FALSE(fs::exists(whole / "pose-training"));  // finished: nothing left to resume

  // killed between the renames of its second epoch's checkpoint (the first set aside, the
  // second not yet in place): the second is the one resumed
  CHECK(run_cli("pose " + killed.string() + args, "TIAE_FAULT=between-renames:2").status != 0);
  CHECK(fs::exists(killed / "pose-training" / "checkpoint.tmp" / "state.json"));
  CHECK_FALSE(fs::exists(killed / "pose-training" / "checkpoint"));
  const auto again = run_cli("pose " + killed.string() + args);  // without --resume: refused, the run kept
  CHECK(again.status == 1);
  CHECK(again.output.find("add --resume") != std::string::npos);
  const auto resumed = run_cli("pose " + killed.string() + " --resume --threads 1");
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK(resumed.output.find("after epoch 2") != std::string::npos);
  CHECK(file_bytes(killed / "pose" / "weights.bin") == file_bytes(whole / "pose" / "weights.bin"));
  const auto a = nlohmann::json::parse(std::ifstream(whole / "pose" / "pose.json")), b = nlohmann::json::parse(std::ifstream(killed / "pose" / "pose.json"));
  CHECK(b["log"] == a["log"]);
  CHECK(b["epoch_kept"] == a["epoch_kept"]);
  CHECK_FALSE(fs::exists(killed / "pose-training"));
  CHECK(run_cli("pose " + killed.string() + " --resume").status != 0);  // nothing left to resume
}

TEST_CASE("tiae pose --ceiling trains a fresh encoder with the regressor on the angles, reading the run and writing only its file") {
  const fs::path run = models() / "tiae", out = models() / "ceiling";
  const auto before = file_bytes(run / "checkpoint" / "weights.bin");
  const auto r = run_cli("pose " + run.string() + " --ceiling " + out.string() + " --hands 512 --epochs 4 --threads 1");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto record = nlohmann::json::parse(std::ifstream(out / "pose-ceiling.json"));
  const auto& log = record.at("log");
  REQUIRE(log.size() == 4);
  CHECK(log.back().at("loss").get<double>() < log.front().at("loss").get<double>());  // it learns the angles
  double least = INFINITY, by_joint = 0;
  for (const auto& line : log) least = std::min(least, line.at("validation_degrees").get<double>());
  const auto& joints = record.at("validation_degrees_by_joint");
  REQUIRE(joints.size() == 20);
  CHECK(joints.contains("index PIP"));
  for (const auto& [name, e] : joints.items()) by_joint += e.get<double>() / 20;
  CHECK(record.at("validation_degrees").get<double>() == Approx(least));  // the best epoch's, by joint as a whole
  CHECK(by_joint == Approx(least).epsilon(1e-4));
  CHECK(record.at("settings").at("training_hands").get<int>() == 512);
  CHECK(file_bytes(run / "checkpoint" / "weights.bin") == before);
  CHECK_FALSE(fs::exists(run / "pose-ceiling.json"));
  fs::create_directories(models() / "mnist-config");
  std::ofstream(models() / "mnist-config" / "config.json") << R"({"data": "mnist"})";
  const auto mnist = run_cli("pose " + (models() / "mnist-config").string() + " --ceiling " + out.string());
  CHECK(mnist.status != 0);
  CHECK_THAT(mnist.output, Catch::Contains("is not a depth model"));
  CHECK(run_cli("pose " + run.string() + " --ceiling " + out.string() + " --resume").status != 0);
}
