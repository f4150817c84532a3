// Outputs through the real `tiae` program: what -o names is never a link, a FIFO, a device or
// an input that gets replaced; folders are written whole (no file of an earlier run left,
// never in place); a folder another tiae is writing is refused, naming that process.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tiny_model.h"

namespace fs = std::filesystem;

namespace {
const fs::path& work() { return tiny_model_dir(); }

std::string model_option() { return " -m " + (work() / "model").string() + " --no-progress"; }

// The lock of a folder as another tiae would hold it: ".<name>.lock" beside it, holding a PID.
struct HeldLock {
  int fd;
  explicit HeldLock(const fs::path& folder) {
    fd = open((folder.parent_path() / ("." + folder.filename().string() + ".lock")).c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
    const std::string pid = std::to_string(getpid());
    REQUIRE(pwrite(fd, pid.data(), pid.size(), 0) == ssize_t(pid.size()));
  }
  ~HeldLock() { close(fd); }
};
}  // namespace

TEST_CASE("an output naming a symbolic link, a FIFO or a device is refused before the work, and the node stays") {
  const auto& d = work();
  const std::string photo = (d / "photo.png").string();
  write_bytes(d / "precious.txt", "not to be replaced\n");
  fs::create_symlink(d / "precious.txt", d / "link.png");
  check_refused(run_cli("extract " + photo + " -o " + (d / "link.png").string() + model_option()), "symbolic link");
  CHECK(fs::is_symlink(d / "link.png"));
  CHECK(read_bytes(d / "precious.txt") == "not to be replaced\n");

  REQUIRE(mkfifo((d / "pipe.json").c_str(), 0600) == 0);
  const std::string raw = " --raw " + (d / "digit.f32").string();
  check_refused(run_cli("infer " + (d / "model").string() + raw + " -o " + (d / "pipe.json").string(), "timeout 60"),
                "not a regular file");
  CHECK(fs::is_fifo(d / "pipe.json"));
  check_refused(run_cli("bench --steps 1 -o " + (d / "pipe.json").string(), "timeout 60"), "not a regular file");
  CHECK(fs::is_fifo(d / "pipe.json"));

  // A device node of our own (the null device's numbers), where making one is allowed (root).
  if (mknod((d / "null.json").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    check_refused(run_cli("infer " + (d / "model").string() + raw + " -o " + (d / "null.json").string()), "not a regular file");
    CHECK(fs::is_character_file(d / "null.json"));
  }
  for (const auto& entry : fs::directory_iterator(d)) CHECK(entry.path().filename().string().rfind(".tmp-", 0) != 0);
}

TEST_CASE("an output name of up to 255 bytes is written, a longer one refused before the work") {
  const auto& d = work();
  const std::string photo = (d / "photo.png").string();
  const std::string longest = std::string(251, 'n') + ".png";  // 255 bytes: its temporary's name must fit too
  const auto r = run_cli("extract " + photo + " -o " + (d / longest).string() + model_option() + " --glyph-size 20");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(fs::file_size(d / longest) > 0);
  check_refused(run_cli("extract " + photo + " -o " + (d / (std::string(252, 'n') + ".png")).string() + model_option()), "too long");
  check_refused(run_cli("document " + photo + " -o " + (d / std::string(256, 'd')).string() + model_option()), "too long");
}

TEST_CASE("tiae document: an output folder holding the input, or someone's files, is refused and kept") {
  const auto& d = work();
  const fs::path out = d / "doc";
  REQUIRE(run_cli("document " + (d / "photo.png").string() + " -o " + out.string() + model_option() + " --glyph-size 20").status == 0);
  // its own heat map as the input, into its own folder
  const std::string heat = read_bytes(out / "heatmap.png");
  check_refused(run_cli("document " + (out / "heatmap.png").string() + " -o " + out.string() + model_option() + " --glyph-size 20"),
                "holds the input");
  CHECK(read_bytes(out / "heatmap.png") == heat);
  // a folder of someone's notes
  fs::create_directories(d / "notes");
  write_bytes(d / "notes" / "todo.txt", "my notes\n");
  check_refused(run_cli("document " + (d / "photo.png").string() + " -o " + (d / "notes").string() + model_option()), "holds other files");
  CHECK(read_bytes(d / "notes" / "todo.txt") == "my notes\n");
  CHECK(fs::directory_iterator(d / "notes")->path().filename() == "todo.txt");
}

TEST_CASE("tiae document into the folder of an earlier run leaves none of that run's files") {
  const auto& d = work();
  const fs::path out = d / "doc-again";
  REQUIRE(run_cli("document " + (d / "photo.png").string() + " -o " + out.string() + model_option() + " --glyph-size 20").status == 0);
  const auto clusters = nlohmann::json::parse(read_bytes(out / "clusters.json"))["clusters"].size();
  // the picture of a cluster an earlier run had and this one does not
  const fs::path stale = out / ("cluster-" + std::to_string(clusters + 40) + ".png");
  fs::copy_file(out / "heatmap.png", stale);
  REQUIRE(run_cli("document " + (d / "photo.png").string() + " -o " + out.string() + model_option() + " --glyph-size 20").status == 0);
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(out / "peaks.json"));
}

TEST_CASE("tiae eval --write-descriptors writes the test digits' arrays, and an evaluation into that folder again leaves none") {
  const auto& d = work();
  const fs::path out = d / "eval-arrays";
  // 300 test digits: the transform k-means takes a minute on all 2,000
  REQUIRE(run_cli("eval " + (d / "model").string() + " --test-digits 300 --write-descriptors --no-progress -o " + out.string()).status == 0);
  const auto metrics = nlohmann::json::parse(read_bytes(out / "metrics.json"));
  const auto n = metrics["protocol"]["test_digits"].get<int>();
  CHECK(n == 300);
  const auto dim = nlohmann::json::parse(read_bytes(d / "model" / "model.json"))["descriptor_size"].get<int>();
  // the .npy header's shape (io/npy_file.h; NumPy reads these files in test_npy_numpy.cpp)
  CHECK(read_bytes(out / "descriptors-model.npy").find("'shape': (" + std::to_string(n) + ", " + std::to_string(dim) + ")") != std::string::npos);
  CHECK(read_bytes(out / "canonical-model.npy").find("'shape': (" + std::to_string(n) + ", 1024)") != std::string::npos);
  CHECK(read_bytes(out / "labels.npy").find("'shape': (" + std::to_string(n) + ",)") != std::string::npos);
  CHECK(fs::file_size(out / "descriptors-model.npy") == 128 + size_t(n) * dim * 4);
  CHECK(fs::exists(out / "clusters-model.png"));  // the transform k-means' prototypes and members
  CHECK(metrics["models"]["model"].contains("dti_kmeans_nmi_canonical"));
  CHECK(metrics["baselines"]["inputs_centred_on_ink"].contains("dti_kmeans_nmi"));
  REQUIRE(run_cli("eval " + (d / "model").string() + " --test-digits 300 --no-progress -o " + out.string()).status == 0);
  CHECK_FALSE(fs::exists(out / "labels.npy"));
  CHECK_FALSE(fs::exists(out / "descriptors-model.npy"));
  CHECK(fs::exists(out / "metrics.json"));
}

TEST_CASE("tiae compact replaces its files, never rewrites them in place, and the card names the new ones") {
  const auto& d = work();
  const fs::path model = d / "compact-model";
  REQUIRE(run_cli("export " + (d / "run").string() + " -o " + model.string()).status == 0);
  REQUIRE(run_cli("compact " + model.string()).status == 0);
  // A second name of the int8 file: a write in place (a cut file on a full disk) would show through it.
  fs::create_hard_link(model / "encoder.int8.onnx", d / "old-encoder.int8.onnx");
  write_bytes(d / "old-encoder.int8.onnx", "the old bytes");
  REQUIRE(run_cli("compact " + model.string()).status == 0);
  CHECK(read_bytes(d / "old-encoder.int8.onnx") == "the old bytes");
  const auto card = nlohmann::json::parse(read_bytes(model / "model.json"));
  for (const char* file : {"encoder.int8.onnx", "decoder.int8.onnx"}) CHECK(fs::file_size(model / file) > 1000);
  CHECK(run_cli("infer " + model.string() + " --raw " + (d / "digit.f32").string()).status == 0);
  CHECK(card["web"]["weights"] == "int8");
}

TEST_CASE("a folder another tiae is writing is refused naming its process, and taken once it is free") {
  const auto& d = work();
  const std::string pid = std::to_string(getpid());
  const fs::path model = d / "locked-model", run = d / "locked-run";
  {
    const HeldLock lock(model);
    check_refused(run_cli("export " + (d / "run").string() + " -o " + model.string()), "in use by process " + pid);
    CHECK_FALSE(fs::exists(model));
  }
  REQUIRE(run_cli("export " + (d / "run").string() + " -o " + model.string()).status == 0);
  const std::string card = read_bytes(model / "model.json");
  {
    const HeldLock lock(model);
    check_refused(run_cli("compact " + model.string()), "in use by process " + pid);
    check_refused(run_cli("export " + (d / "run").string() + " -o " + model.string() + " --weights float16"), "in use by process " + pid);
    CHECK(read_bytes(model / "model.json") == card);
    CHECK_FALSE(fs::exists(model / "encoder.int8.onnx"));
  }
  {
    const HeldLock lock(run);
    check_refused(run_cli("train --epochs 1 --train-samples 64 --no-progress -o " + run.string()), "in use by process " + pid);
    check_refused(run_cli("average " + (d / "run").string() + " " + (d / "run").string() + " -o " + run.string()),
                  "in use by process " + pid);
    CHECK_FALSE(fs::exists(run));
  }
  CHECK(run_cli("train --epochs 1 --train-samples 64 --no-progress -o " + run.string()).status == 0);
  CHECK_FALSE(fs::exists(d / ".locked-run.lock"));  // a released lock leaves no file
}
