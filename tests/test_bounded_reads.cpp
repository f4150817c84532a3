// Crafted files through the real `tiae` program: sizes that overflow or claim gigabytes,
// JSON nested 100,000 deep, image headers that promise more than the check before decoding
// sees, special files where a file is expected. Each is refused with a message, never a
// signal or a hang, and (run in an address space of 2 GB, its resident memory measured)
// before any large allocation.
#include <sys/stat.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>

#include "tiny_model.h"

namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {
const fs::path& work() { return tiny_model_dir(); }

const std::string kSmallMemory = "ulimit -v 2000000;";  // KB: a second gigabyte beside the program's own
constexpr long kMostMb = 600;                          // resident: the program (~200 MB) and no large buffer

void check_refused_small(const CliResult& r, const std::string& message) {
  check_refused(r, message);
  CHECK(r.peak_mb < kMostMb);
}

std::string crc32_of(const std::string& bytes) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08lx", crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size())));
  return std::string("crc32:") + hex;
}

// A copy of the tiny model folder whose `file` holds `bytes`, its checksum in the card updated
// (the card vouches for the file: only its content is hostile), or the card itself.
fs::path model_with(const std::string& name, const std::string& file, const std::string& bytes) {
  const fs::path folder = work() / name;
  fs::create_directories(folder);
  for (const char* f : {"encoder.onnx", "decoder.onnx", "model.json"})
    fs::copy_file(work() / "model" / f, folder / f, fs::copy_options::overwrite_existing);
  write_bytes(folder / file, bytes);
  if (file == "model.json") return folder;
  auto card = nlohmann::json::parse(read_bytes(folder / "model.json"));
  card["checksums"][file] = crc32_of(bytes);
  write_bytes(folder / "model.json", card.dump());
  return folder;
}

// A copy of the tiny run whose checkpoint's `file` holds `bytes`, its checksum in state.json updated.
fs::path run_with(const std::string& name, const std::string& file, const std::string& bytes) {
  const fs::path run = work() / name;
  fs::create_directories(run / "checkpoint");
  for (const char* f : {"config.json", "log.jsonl"}) fs::copy_file(work() / "run" / f, run / f, fs::copy_options::overwrite_existing);
  for (const char* f : {"weights.bin", "optimizer.pt", "state.json"})
    fs::copy_file(work() / "run" / "checkpoint" / f, run / "checkpoint" / f, fs::copy_options::overwrite_existing);
  write_bytes(run / "checkpoint" / file, bytes);
  auto state = nlohmann::json::parse(read_bytes(run / "checkpoint" / "state.json"));
  if (file != "state.json") state["checksums"][file] = crc32_of(bytes);
  write_bytes(run / "checkpoint" / "state.json", state.dump());
  return run;
}

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

std::string deep_json(int levels) { return std::string(size_t(levels), '[') + std::string(size_t(levels), ']'); }
}  // namespace

TEST_CASE("an ONNX int8 matrix whose dimensions overflow is refused by every command that reads it, without a signal") {
  const auto& d = work();
  // dims [2^62 + 1, 4]: their product wraps to 4 in 64 bits, as does 4 bytes of scale per row,
  // so the sizes seemed to agree and the columns per row came out 0.
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("tiae");
  auto* values = model.mutable_graph()->add_initializer();
  values->set_name("encoder.fc1.weight.int8");
  values->set_data_type(onnx::TensorProto::INT8);
  values->add_dims((int64_t(1) << 62) + 1);
  values->add_dims(4);
  values->set_raw_data(std::string(4, '\1'));
  auto* scale = model.mutable_graph()->add_initializer();
  scale->set_name("encoder.fc1.weight.scale");
  scale->set_data_type(onnx::TensorProto::FLOAT);
  scale->add_dims(1);
  scale->set_raw_data(std::string(4, '\0'));
  const std::string bytes = model.SerializeAsString();
  CHECK(bytes.size() < 120);
  const fs::path crafted = model_with("overflowing-onnx", "encoder.onnx", bytes);
  const std::string message = "a dimension of 4611686018427387905";
  check_refused(run_cli("infer " + crafted.string() + " --raw " + (d / "digit.f32").string()), message);
  check_refused(run_cli("extract " + (d / "photo.png").string() + " -o " + (d / "never.png").string() + " -m " + crafted.string()), message);
  check_refused(run_cli("compact " + crafted.string()), message);
  check_refused(run_cli("eval " + crafted.string() + " -o " + (d / "never-eval").string() + " --no-progress"), message);
  check_refused(run_cli("train --epochs 1 --train-samples 64 --no-progress --init " + crafted.string() + " -o " + (d / "init-run").string()),
                message);
  CHECK_FALSE(fs::exists(d / "never.png"));
}

TEST_CASE("JSON nested 100,000 deep in a card, a config or a log line is refused, without a signal") {
  const auto& d = work();
  auto card = read_bytes(d / "model" / "model.json");
  card.replace(card.find("\"epochs\":"), 9, "\"epochs\": " + deep_json(100000) + ", \"was_epochs\":");
  const fs::path folder = d / "deep-card";
  fs::create_directories(folder);
  for (const char* f : {"encoder.onnx", "decoder.onnx"}) fs::copy_file(d / "model" / f, folder / f, fs::copy_options::overwrite_existing);
  write_bytes(folder / "model.json", card);
  check_refused(run_cli("infer " + folder.string() + " --raw " + (d / "digit.f32").string()), "nested deeper than 64 levels");

  write_bytes(d / "deep-config.json", "{\"epochs\": " + deep_json(100000) + "}");
  check_refused(run_cli("train --no-progress -c " + (d / "deep-config.json").string() + " -o " + (d / "never-run").string()),
                "nested deeper than 64 levels");

  const fs::path run = run_with("deep-log", "state.json", read_bytes(d / "run" / "checkpoint" / "state.json"));
  write_bytes(run / "log.jsonl", "{\"epoch\": 1, \"loss\": " + deep_json(100000) + "}\n{\"epoch\": 1, \"loss\": 1}\n");
  check_refused(run_cli("export " + run.string() + " -o " + (d / "never-model").string()), "nested deeper than 64 levels");
  check_refused(run_cli("train --epochs 2 --no-progress --resume -o " + run.string()), "nested deeper than 64 levels");
  CHECK_FALSE(fs::exists(d / "never-model"));
}

TEST_CASE("sizes a file claims beyond its length are refused before they are allocated") {
  const auto& d = work();
  // weights.bin: one tensor of 15,000 x 16,000 floats (960 MB) in 36 bytes
  std::string weights = "TIAEW1\n";
  put<uint32_t>(weights, 1), put<uint32_t>(weights, 1), weights += "x", put<uint32_t>(weights, 2);
  put<int64_t>(weights, 15000), put<int64_t>(weights, 16000);
  const fs::path run = run_with("claiming-weights", "weights.bin", weights);
  check_refused_small(run_cli("export " + run.string() + " -o " + (d / "never-model").string(), kSmallMemory), "truncated weights file");
  check_refused_small(run_cli("infer " + run.string() + " --raw " + (d / "digit.f32").string(), kSmallMemory), "truncated weights file");

  // a file of training pages: 1,000 pages, 1 view, 1,024 px (2.1 GB) in 36 bytes
  std::string pages = "TIAEPAG2";
  for (uint32_t v : {1000u, 1u, 1024u, 1u}) put<uint32_t>(pages, v);
  pages += std::string(12, '\0');
  write_bytes(d / "claiming-pages.bin", pages);
  check_refused_small(run_cli("train --kind fg --layout page --max-shift 0 --epochs 1 --no-progress --pages-file " +
                                  (d / "claiming-pages.bin").string() + " -o " + (d / "pages-run").string(),
                              kSmallMemory),
                      "more than its data can hold");

  // a card whose network has 65,536 x 13,653 weights in one layer (3.58 GB), or layers
  // within the bounds that its files do not hold
  auto card = nlohmann::json::parse(read_bytes(d / "model" / "model.json"));
  for (const auto& [hidden2, message] : {std::pair{13653, "network too large"}, std::pair{4096, "its files hold"}}) {
    card["training"]["config"]["network"]["hidden1"] = 65536;
    card["training"]["config"]["network"]["hidden2"] = hidden2;
    const fs::path folder = model_with("large-card-" + std::to_string(hidden2), "model.json", card.dump());
    check_refused_small(run_cli("infer " + folder.string() + " --raw " + (d / "digit.f32").string(), kSmallMemory), message);
  }
}

TEST_CASE("image headers that promise gigapixels are refused before decoding, whatever the format") {
  const auto& d = work();
  const auto le = [](uint32_t v, int bytes) {
    std::string s;
    for (int i = 0; i < bytes; ++i) s += char((v >> (8 * i)) & 0xFF);
    return s;
  };
  const auto be = [](uint32_t v, int bytes) {
    std::string s;
    for (int i = bytes - 1; i >= 0; --i) s += char((v >> (8 * i)) & 0xFF);
    return s;
  };
  // a lossless WebP of 16383 x 16383
  std::string webp = "RIFF" + le(24, 4) + "WEBP" + "VP8L" + le(12, 4) + "\x2f" + le(16382 | (16382u << 14), 4) + std::string(7, '\0');
  // a TIFF of 30000 x 30000, 8-bit gray
  std::string tiff = "II*\0"s + le(8, 4) + le(2, 2);
  tiff += le(256, 2) + le(4, 2) + le(1, 4) + le(30000, 4);
  tiff += le(257, 2) + le(4, 2) + le(1, 4) + le(30000, 4) + le(0, 4);
  // a JPEG 2000 codestream of 30000 x 30000, one tile, one component
  std::string jp2 = std::string("\xFF\x4F\xFF\x51") + be(41, 2) + be(0, 2) + be(30000, 4) + be(30000, 4) + be(0, 4) + be(0, 4) +
                    be(30000, 4) + be(30000, 4) + be(0, 4) + be(0, 4) + be(1, 2) + "\x07\x01\x01" + "\xFF\xD9";
  // a JPEG whose frame header of 30000 x 30000 follows a marker without a length (RST0) and
  // stray bytes that libjpeg skips; read as a length they jump to a frame header of 16 x 16
  // hidden in an APP1 segment
  const std::string frame = "\x01\x01\x11\x00"s;  // one component: id 1, sampling 1x1, table 0
  std::string jpeg = "\xFF\xD8\xFF\xD0"s + be(19, 2) + "\xFF\xC0" + be(11, 2) + "\x08" + be(30000, 2) + be(30000, 2) + frame;
  jpeg += "\xFF\xE1" + be(2 + 13, 2) + "\xFF\xC0" + be(11, 2) + "\x08" + be(16, 2) + be(16, 2) + frame;
  jpeg += "\xFF\xDA"s + be(8, 2) + "\x01\x01\x00\x00\x3F\x00"s + "\xFF\xD9";
  for (const auto& [name, bytes, message] :
       {std::tuple<std::string, std::string, std::string>{"huge.webp", webp, "too large"}, {"huge.tif", tiff, "too large"},
        {"huge.j2k", jp2, "too large"}, {"hidden.jpg", jpeg, "damaged JPEG file"}}) {
    INFO(name);
    write_bytes(d / name, bytes);
    check_refused_small(run_cli("extract " + (d / name).string() + " -o " + (d / "never.png").string() + " -m " + (d / "model").string() +
                                    " --glyph-size 20 --no-progress",
                                kSmallMemory),
                        message);
  }
  CHECK_FALSE(fs::exists(d / "never.png"));
}

TEST_CASE("special files are refused before they are read: a FIFO, a link to /dev/zero under a checksum, a huge raw input") {
  const auto& d = work();
  REQUIRE(mkfifo((d / "input.f32").c_str(), 0600) == 0);
  check_refused(run_cli("infer " + (d / "model").string() + " --raw " + (d / "input.f32").string(), "timeout 60"), "not a regular file");
  REQUIRE(mkfifo((d / "config.json").c_str(), 0600) == 0);
  check_refused(run_cli("train --no-progress -c " + (d / "config.json").string() + " -o " + (d / "never-run").string(), "timeout 60"),
                "not a regular file");
  // the card's checksum names a file that is a link to an endless device
  const fs::path folder = model_with("endless", "decoder.onnx", read_bytes(d / "model" / "decoder.onnx"));
  fs::remove(folder / "encoder.onnx");
  fs::create_symlink("/dev/zero", folder / "encoder.onnx");
  check_refused(run_cli("infer " + folder.string() + " --raw " + (d / "digit.f32").string(), "timeout 60"), "not a regular file");
  // 80 MB of blank images (a sparse file): over infer's cap
  write_bytes(d / "many.f32", "");
  fs::resize_file(d / "many.f32", uintmax_t(80) << 20);
  check_refused(run_cli("infer " + (d / "model").string() + " --raw " + (d / "many.f32").string(), "timeout 60"), "too large");
  CHECK_FALSE(fs::exists(d / "never-run"));
}
