// Runs the real `tiae` program: a training run killed with SIGKILL (after its first
// checkpoint, or in each crash window of finishing an epoch) and then resumed must end with
// exactly the weights of an uninterrupted run, or refuse with a reason.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <thread>

#include "cli_run.h"
#include "model/weights_file.h"
#include "run_checkpoint.h"
#include "run_weights.h"

namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kArgs = {"--kind", "tiae", "--epochs", "4", "--train-samples", "384", "--batch", "64",
                                        "--views", "2", "--threads", "2", "--seed", "11", "--no-progress",
                                        // bit-identical on the CPU; on CUDA the resumed weights differed
                                        // in the last bits (seen on an H200)
                                        "--device", "cpu"};

// `fault`: TIAE_FAULT for the child (native/train/trainer.cpp's test hook), none when empty.
pid_t spawn(const std::vector<std::string>& args, const std::string& fault = "") {
  const pid_t pid = fork();
  if (pid == 0) {
    if (fault.empty()) unsetenv("TIAE_FAULT");
    else setenv("TIAE_FAULT", fault.c_str(), 1);
    std::vector<char*> argv = {const_cast<char*>(tiae_cli())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execv(tiae_cli(), argv.data());
    _exit(127);
  }
  return pid;
}

// The exit status, or -signal when a signal ended it.
int run_to_end(const std::vector<std::string>& args, const std::string& fault = "") {
  int status = 0;
  waitpid(spawn(args, fault), &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1000;
}

std::vector<std::string> with(std::vector<std::string> args, const std::string& out) {
  args.insert(args.begin(), {"train", "-o", out});
  return args;
}

std::vector<int> logged_epochs(const fs::path& run) {
  std::ifstream log(run / "log.jsonl");
  std::vector<int> epochs;
  for (std::string line; std::getline(log, line);) epochs.push_back(nlohmann::json::parse(line).at("epoch").get<int>());
  return epochs;
}

}  // namespace

TEST_CASE("a training run killed after its first epoch and resumed ends with the same weights as an uninterrupted one") {
  const fs::path base = fs::absolute("resume_test") / "first-epoch";  // apart from the other cases: ctest -j runs them at once
  fs::remove_all(base);
  REQUIRE(run_to_end(with(kArgs, (base / "straight").string())) == 0);

  const fs::path killed = base / "killed";
  const pid_t pid = spawn(with(kArgs, killed.string()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (epochs_done(killed) < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));  // it was still training when killed
  const int done_before = epochs_done(killed);
  REQUIRE(done_before >= 1);
  REQUIRE(done_before < 4);

  auto resume_args = with(kArgs, killed.string());
  resume_args.push_back("--resume");
  REQUIRE(run_to_end(resume_args) == 0);
  CHECK(epochs_done(killed) == 4);

  CHECK(weights_difference(base / "straight", killed) == 0.f);
  CHECK(logged_epochs(killed) == std::vector<int>{1, 2, 3, 4});  // each epoch exactly once
}

TEST_CASE("a run killed in each window of finishing an epoch resumes to the uninterrupted run's weights") {
  const fs::path base = fs::absolute("resume_test") / "windows";
  fs::remove_all(base);
  auto fg_args = kArgs;
  fg_args[1] = "fg";
  fg_args.insert(fg_args.end(), {"--background", "noise", "--layout", "text", "--max-shift", "0"});
  for (const auto& [kind, args] : {std::pair{std::string("tiae"), kArgs}, std::pair{std::string("fg"), fg_args}}) {
    REQUIRE(run_to_end(with(args, (base / (kind + "-straight")).string())) == 0);
    // after the epoch's log line and before its checkpoint; with the new checkpoint complete
    // aside; between moving the old checkpoint away and the new one into place
    for (const std::string window : {"after-log", "checkpoint-written", "between-renames"}) {
      INFO(kind << ", killed at " << window << " of epoch 2");
      const fs::path run = base / (kind + "-" + window);
      REQUIRE(run_to_end(with(args, run.string()), window + ":2") == -SIGKILL);
      CHECK(epochs_done(run) <= 1);  // epoch 2 is not in place yet
      auto resume = with(args, run.string());
      resume.push_back("--resume");
      REQUIRE(run_to_end(resume) == 0);
      CHECK(epochs_done(run) == 4);
      CHECK(weights_difference(base / (kind + "-straight"), run) == 0.f);
      CHECK(logged_epochs(run) == std::vector<int>{1, 2, 3, 4});
    }
  }
}

TEST_CASE("with the clustering term, a run killed after an epoch's log line resumes to the uninterrupted run's weights") {
  // Its centres and targets are found again from the weights at each epoch's start: nothing
  // of them needs saving, and a resumed run must find the same ones.
  const fs::path base = fs::absolute("resume_test") / "clusters";
  fs::remove_all(base);
  auto args = kArgs;
  args.insert(args.end(), {"--lambda-cluster", "1", "--clusters", "4"});
  REQUIRE(run_to_end(with(args, (base / "straight").string())) == 0);
  REQUIRE(run_to_end(with(kArgs, (base / "without").string())) == 0);
  CHECK(weights_difference(base / "straight", base / "without") > 0.f);  // the term acts
  std::ifstream log(base / "straight" / "log.jsonl");
  std::string line;
  REQUIRE(std::getline(log, line));
  const auto first = nlohmann::json::parse(line);
  CHECK(first.at("c_cluster").get<double>() > 0);
  CHECK(first.at("cluster_confidence").get<double>() > 0.25);  // above the 1 / k of no clusters at all
  CHECK(first.at("cluster_confidence").get<double>() <= 1);

  const fs::path run = base / "killed";
  REQUIRE(run_to_end(with(args, run.string()), "after-log:2") == -SIGKILL);
  auto resume = with(args, run.string());
  resume.push_back("--resume");
  REQUIRE(run_to_end(resume) == 0);
  CHECK(weights_difference(base / "straight", run) == 0.f);
  CHECK(logged_epochs(run) == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("resuming from a damaged checkpoint refuses with a reason and leaves it as it was") {
  const fs::path run = fs::absolute("resume_test") / "damaged";
  fs::remove_all(run);
  auto args = kArgs;
  args[3] = "2";  // two epochs
  REQUIRE(run_to_end(with(args, run.string()), "after-log:2") == -SIGKILL);
  const fs::path weights = run / "checkpoint" / "weights.bin";
  fs::resize_file(weights, fs::file_size(weights) / 2);
  const auto size = fs::file_size(weights);
  auto resume = with(args, run.string());
  resume.push_back("--resume");
  CHECK(run_to_end(resume) == 1);
  CHECK(fs::file_size(weights) == size);
  CHECK(logged_epochs(run) == std::vector<int>{1, 2});  // nothing trimmed or appended
}

TEST_CASE("training into a folder that already holds a run, without --resume, refuses and keeps the run") {
  const fs::path run = fs::absolute("resume_test") / "occupied";
  fs::remove_all(run);
  auto args = kArgs;
  args[3] = "1";  // one epoch
  REQUIRE(run_to_end(with(args, run.string())) == 0);
  const auto before = fs::last_write_time(run / "checkpoint" / "weights.bin");
  CHECK(run_to_end(with(args, run.string())) == 1);
  CHECK(fs::last_write_time(run / "checkpoint" / "weights.bin") == before);
}

TEST_CASE("starting from another run (init) copies the parameters of matching shape and leaves the others random") {
  const fs::path base = fs::absolute("resume_test") / "init";
  fs::remove_all(base);
  fs::create_directories(base);
  auto args = kArgs;
  args[3] = "1";  // one epoch
  REQUIRE(run_to_end(with(args, (base / "source").string())) == 0);
  // A wider descriptor, and a learning rate so small that one epoch keeps the start.
  std::ofstream(base / "wider.json") << R"({"network": {"descriptor": 12}, "lr": 1e-12, "lr_final": 1e-12})";
  auto wider = args;
  wider.insert(wider.end(), {"-c", (base / "wider.json").string(), "--init", (base / "source").string()});
  REQUIRE(run_to_end(with(wider, (base / "wider").string())) == 0);
  const auto source = tiae::read_weights_file((base / "source" / "checkpoint" / "weights.bin").string());
  const auto target = tiae::read_weights_file((base / "wider" / "checkpoint" / "weights.bin").string());
  int copied = 0;
  for (const auto& [name, t] : target) {
    const auto& s = source.at(name);
    if (s.dims != t.dims) {
      CHECK((name.rfind("encoder.fc3", 0) == 0 || name == "decoder.fc1.weight"));
      continue;
    }
    float max_diff = 0;
    for (size_t i = 0; i < t.data.size(); ++i) max_diff = std::max(max_diff, std::abs(t.data[i] - s.data[i]));
    INFO(name);
    CHECK(max_diff < 1e-6f);
    ++copied;
  }
  CHECK(copied == int(target.size()) - 3);
}

namespace {
std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a command to its end and returns its wall time in ms.
double timed_run(const std::vector<std::string>& args) {
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_to_end(args) == 0);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Starts a command and kills it with SIGKILL after `ms` milliseconds (if still running).
void kill_after(const std::vector<std::string>& args, double ms) {
  const pid_t pid = spawn(args);
  std::this_thread::sleep_for(std::chrono::microseconds(int64_t(ms * 1000)));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}
}  // namespace

TEST_CASE("export and extract killed at random moments leave the old result or the complete new one, never a mix") {
  const fs::path base = fs::absolute("resume_test") / "kill-loop";
  fs::remove_all(base);
  fs::create_directories(base);
  auto args = kArgs;
  args[3] = "1";  // one epoch
  REQUIRE(run_to_end(with(args, (base / "a").string())) == 0);
  args[13] = "12";  // another seed: other weights
  REQUIRE(run_to_end(with(args, (base / "b").string())) == 0);
  const auto files_of = [](const fs::path& model) {
    return std::make_pair(file_bytes(model / "encoder.onnx"), file_bytes(model / "decoder.onnx"));
  };
  REQUIRE(run_to_end({"export", (base / "b").string(), "-o", (base / "b-model").string()}) == 0);
  const auto new_files = files_of(base / "b-model");
  std::vector<float> blank(32 * 32, 0.f);
  std::ofstream(base / "blank.f32", std::ios::binary).write(reinterpret_cast<const char*>(blank.data()), 4 * 1024);
  // Kill moments from a seed of their own each run (written on failure), so that runs over
  // time try more moments than one run's five of each.
  const unsigned seed = std::random_device{}();
  INFO("kill moments' seed " << seed);
  std::mt19937 rng(seed);

  const std::vector<std::string> export_b = {"export", (base / "b").string(), "-o", (base / "model").string()};
  const double export_ms = timed_run(export_b);
  int old_seen = 0, new_seen = 0;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(run_to_end({"export", (base / "a").string(), "-o", (base / "model").string()}) == 0);
    const auto old_files = files_of(base / "model");
    kill_after(export_b, std::uniform_real_distribution<double>(0, 1.2 * export_ms)(rng));
    const auto now = files_of(base / "model");
    INFO("kill " << i);
    CHECK((now == old_files || now == new_files));
    old_seen += now == old_files, new_seen += now == new_files;
    CHECK(run_to_end({"infer", (base / "model").string(), "--raw", (base / "blank.f32").string()}) == 0);
  }
  INFO("old " << old_seen << ", new " << new_seen);
  CHECK(old_seen + new_seen == 5);

  cv::Mat photo(300, 400, CV_8UC1, cv::Scalar(210));
  for (int k = 0; k < 12; ++k) cv::circle(photo, {30 + 30 * k, 150 + (k % 3) * 20}, 9, cv::Scalar(30), 2);
  REQUIRE(cv::imwrite((base / "photo.png").string(), photo));
  const fs::path out = base / "foreground.png";
  const std::vector<std::string> extract = {"extract", (base / "photo.png").string(), "-o", out.string(), "-m",
                                            (base / "a").string(), "--no-progress", "--stride", "2"};
  const double extract_ms = timed_run(extract);
  const std::string complete = file_bytes(out), old = file_bytes(base / "photo.png");
  for (int i = 0; i < 5; ++i) {
    fs::copy_file(base / "photo.png", out, fs::copy_options::overwrite_existing);  // the "old" result
    kill_after(extract, std::uniform_real_distribution<double>(0, 1.2 * extract_ms)(rng));
    const std::string now = file_bytes(out);
    INFO("kill " << i);
    CHECK((now == old || now == complete));
  }
}

TEST_CASE("a run killed twice at the checkpoint's renames resumes to the uninterrupted run's weights") {
  const fs::path base = fs::absolute("resume_test") / "twice";
  fs::remove_all(base);
  REQUIRE(run_to_end(with(kArgs, (base / "straight").string())) == 0);
  const fs::path run = base / "killed";
  REQUIRE(run_to_end(with(kArgs, run.string()), "between-renames:2") == -SIGKILL);
  auto resume = with(kArgs, run.string());
  resume.push_back("--resume");
  // killed again in the same window, of the same epoch if it is trained again
  const int again = run_to_end(resume, "between-renames:2");
  INFO("the second run ended with " << again);
  REQUIRE(run_to_end(resume) == 0);
  CHECK(epochs_done(run) == 4);
  CHECK(weights_difference(base / "straight", run) == 0.f);
  CHECK(logged_epochs(run) == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("a complete checkpoint.tmp alone is a run: train refuses to start over it, --resume uses it, --force starts over") {
  const fs::path base = fs::absolute("resume_test") / "only-tmp";
  fs::remove_all(base);
  REQUIRE(run_to_end(with(kArgs, (base / "straight").string())) == 0);
  const fs::path run = base / "killed";
  REQUIRE(run_to_end(with(kArgs, run.string()), "between-renames:2") == -SIGKILL);
  // what a second kill at the renames left before: the finished epoch 2 in checkpoint.tmp only
  fs::remove_all(run / "checkpoint.old");
  REQUIRE(fs::exists(run / "checkpoint.tmp" / "state.json"));
  REQUIRE_FALSE(fs::exists(run / "checkpoint"));
  const std::string weights = file_bytes(run / "checkpoint.tmp" / "weights.bin");
  CHECK(run_to_end(with(kArgs, run.string())) == 1);
  CHECK(file_bytes(run / "checkpoint.tmp" / "weights.bin") == weights);
  auto resume = with(kArgs, run.string());
  resume.push_back("--resume");
  REQUIRE(run_to_end(resume) == 0);
  CHECK(epochs_done(run) == 4);
  CHECK(weights_difference(base / "straight", run) == 0.f);
  CHECK(logged_epochs(run) == std::vector<int>{1, 2, 3, 4});
  auto force = with(kArgs, run.string());
  force.push_back("--force");
  REQUIRE(run_to_end(force) == 0);
  CHECK(weights_difference(base / "straight", run) == 0.f);  // a new run of the same settings
}

TEST_CASE("resuming with settings other than the run's is refused before config.json is touched, and the run still resumes") {
  const fs::path run = fs::absolute("resume_test") / "other-settings";
  fs::remove_all(run);
  auto args = kArgs;
  args[3] = "1";  // one epoch
  REQUIRE(run_to_end(with(args, run.string())) == 0);
  const std::string config = file_bytes(run / "config.json");
  auto two = args;
  two[3] = "2";  // each option once: CLI11 refuses one given twice
  for (const std::vector<std::string>& other : {std::vector<std::string>{"--data", "grasp"}, {"--lambda-inv", "7"}, {"--seed", "12"}}) {
    auto changed = two;
    const auto at = std::find(changed.begin(), changed.end(), other[0]);
    if (at != changed.end()) *(at + 1) = other[1];
    else changed.insert(changed.end(), other.begin(), other.end());
    auto resume = with(changed, run.string());
    resume.push_back("--resume");
    INFO(other[0]);
    CHECK(run_to_end(resume) == 1);
    CHECK(file_bytes(run / "config.json") == config);
  }
  auto resume = with(two, run.string());
  resume.push_back("--resume");
  REQUIRE(run_to_end(resume) == 0);
  CHECK(epochs_done(run) == 2);
}

TEST_CASE("a log whose last line was cut short (a full disk) resumes and exports, the cut line left out with a warning") {
  const fs::path base = fs::absolute("resume_test") / "cut-log";
  fs::remove_all(base);
  auto args = kArgs;
  args[3] = "2";
  REQUIRE(run_to_end(with(args, (base / "straight").string())) == 0);
  const fs::path run = base / "cut";
  REQUIRE(run_to_end(with(args, run.string()), "after-log:2") == -SIGKILL);
  // epoch 2's line cut in the middle, as a full disk leaves it
  std::string log = file_bytes(run / "log.jsonl");
  log.resize(log.size() - 20);
  std::ofstream(run / "log.jsonl", std::ios::binary) << log;
  const auto exported = run_cli("export " + run.string() + " -o " + (base / "model").string());
  INFO(exported.output);
  CHECK(exported.status == 0);
  CHECK(exported.output.find("warning") != std::string::npos);
  auto resume = with(args, run.string());
  resume.push_back("--resume");
  REQUIRE(run_to_end(resume) == 0);
  CHECK(logged_epochs(run) == std::vector<int>{1, 2});
  CHECK(weights_difference(base / "straight", run) == 0.f);
}
