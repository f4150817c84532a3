// A one-epoch shift model trained by the real program, its exported folder, a blank 32x32
// input for `tiae infer` and a small photo: what the tests of hostile inputs run against.
#pragma once
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "cli_run.h"
#include "process_folder.h"

// <dir>/run, <dir>/model, <dir>/digit.f32, <dir>/photo.png in a folder of this process.
inline const std::filesystem::path& tiny_model_dir() {
  namespace fs = std::filesystem;
  static const ProcessFolder folder("tiae-hostile-test");
  static const fs::path dir = [] {
    const fs::path& d = folder.path();
    REQUIRE(run_cli("train --epochs 1 --train-samples 64 --batch 64 --threads 1 --no-progress -o " + (d / "run").string()).status == 0);
    REQUIRE(run_cli("export " + (d / "run").string() + " -o " + (d / "model").string()).status == 0);
    std::vector<float> raw(32 * 32, 0.f);  // a blank 32x32 image for infer
    std::ofstream(d / "digit.f32", std::ios::binary).write(reinterpret_cast<const char*>(raw.data()), 4 * 1024);
    cv::Mat photo(48, 64, CV_8UC1, cv::Scalar(220));
    cv::line(photo, {10, 10}, {50, 40}, cv::Scalar(20), 3);
    REQUIRE(cv::imwrite((d / "photo.png").string(), photo));
    return d;
  }();
  return dir;
}

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// The refusal every hostile input must end in: one message naming the problem, exit status 1,
// never a signal or a LibTorch stack trace.
inline void check_refused(const CliResult& r, const std::string& message) {
  INFO(r.output.substr(0, 4000));  // a regression could print gigabytes
  CHECK(r.status == 1);
  CHECK(r.output.find("tiae: error: ") != std::string::npos);
  CHECK(r.output.find(message) != std::string::npos);
  CHECK(r.output.find("Exception raised from") == std::string::npos);
}
