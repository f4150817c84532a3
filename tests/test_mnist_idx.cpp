#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <catch2/catch.hpp>

#include "data/mnist_data.h"
#include "data/mnist_idx.h"
#include "model/train_config.h"

namespace {
std::string idx(const char* name) { return (std::filesystem::path(tiae::find_mnist_idx_package()) / name).string(); }

// A digit as bytes (the JSON holds three decimals of v / 255; IDX the bytes themselves).
std::vector<uint8_t> bytes(const float* image) {
  std::vector<uint8_t> b(1024);
  for (int k = 0; k < 1024; ++k) b[size_t(k)] = uint8_t(std::lround(image[k] * 255));
  return b;
}

// Digit i of `set` against record `record` of the IDX files, read independently here: its
// label, and its 28 x 28 inside the 2-pixel pad.
void check_record(const tiae::DigitSet& set, int i, int record) {
  std::ifstream images(idx("train-images-idx3-ubyte"), std::ios::binary), labels(idx("train-labels-idx1-ubyte"), std::ios::binary);
  std::vector<char> raw(784);
  images.seekg(16 + std::streamoff(record) * 784);
  images.read(raw.data(), 784);
  labels.seekg(8 + record);
  INFO("digit " << i << ", record " << record);
  CHECK(labels.get() == set.labels[size_t(i)]);
  std::vector<uint8_t> cropped;
  const auto padded = bytes(set.image(i));
  for (int y = 2; y < 30; ++y)
    for (int x = 2; x < 30; ++x) cropped.push_back(padded[size_t(y * 32 + x)]);
  CHECK(cropped == std::vector<uint8_t>(raw.begin(), raw.end()));
}
}  // namespace

// The package `mnist` ships MNIST's training images 0-9,999 as JSON; the IDX files are an
// independent copy of the same digits, so the first 10,000 must be those, and the extra
// digits (10,000 on) must be none of them.
TEST_CASE("MNIST's IDX files hold the package mnist's 10,000 digits first, and the extra digits are others") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  std::map<std::vector<uint8_t>, int> json_digits;
  for (const auto* set : {&split.train, &split.test})
    for (int i = 0; i < set->count(); ++i) json_digits[bytes(set->image(i))] = set->labels[size_t(i)];
  const auto first = tiae::read_mnist_idx(idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte"), 0, 10000);
  REQUIRE(first.count() == 10000);
  int same = 0;
  for (int i = 0; i < first.count(); ++i) {
    const auto it = json_digits.find(bytes(first.image(i)));
    same += it != json_digits.end() && it->second == first.labels[size_t(i)];
  }
  CHECK(same == 10000);
  const auto extra = tiae::load_mnist_extra_digits(2000);
  REQUIRE(extra.count() == 2000);
  std::vector<int> per_label(10, 0);
  int shared = 0;
  for (int i = 0; i < extra.count(); ++i) {
    ++per_label[size_t(extra.labels[size_t(i)])];
    shared += int(json_digits.count(bytes(extra.image(i))));
  }
  CHECK(shared <= 2);  // MNIST itself holds a handful of exact duplicates
  for (int c : per_label) CHECK(c > 150);

  // eval --unseen-digits: every 25th record from 10,000, read independently here
  const auto unseen = tiae::load_mnist_spread_digits(2000);
  REQUIRE(unseen.count() == 2000);
  for (int i : {0, 1, 1999}) check_record(unseen, i, 10000 + 25 * i);
  shared = 0;
  for (int i = 0; i < unseen.count(); ++i) shared += int(json_digits.count(bytes(unseen.image(i))));
  CHECK(shared <= 2);

  // eval --fresh-digits: every 25th from 10,012, none of them an unseen digit
  const auto fresh = tiae::load_mnist_spread_digits(2000, tiae::kFreshDigitsOffset);
  REQUIRE(fresh.count() == 2000);
  for (int i : {0, 1999}) check_record(fresh, i, 10012 + 25 * i);
  std::set<std::vector<uint8_t>> unseen_set;
  for (int i = 0; i < unseen.count(); ++i) unseen_set.insert(bytes(unseen.image(i)));
  shared = 0;
  for (int i = 0; i < fresh.count(); ++i) shared += int(unseen_set.count(bytes(fresh.image(i))));
  CHECK(shared <= 2);
  CHECK_THROWS_WITH(tiae::load_mnist_spread_digits(2000, 25), Catch::Contains("offset 25"));
}

TEST_CASE("a short, foreign or missing IDX file is refused with its name, and digits past the end are not read") {
  const auto dir = std::filesystem::temp_directory_path() / "tiae-test-idx";
  std::filesystem::create_directories(dir);
  const auto images = idx("train-images-idx3-ubyte"), labels = idx("train-labels-idx1-ubyte");
  {  // the header and one digit and a half
    std::ifstream in(images, std::ios::binary);
    std::vector<char> head(16 + 784 + 392);
    in.read(head.data(), std::streamsize(head.size()));
    std::ofstream((dir / "short").string(), std::ios::binary).write(head.data(), std::streamsize(head.size()));
    std::ofstream((dir / "foreign").string(), std::ios::binary) << "PK\x03\x04 not an IDX file at all";
  }
  CHECK_THROWS_WITH(tiae::read_mnist_idx((dir / "short").string(), labels, 0, 1), Catch::Contains("short") && Catch::Contains("bytes long"));
  CHECK_THROWS_WITH(tiae::read_mnist_idx((dir / "foreign").string(), labels, 0, 1), Catch::Contains("foreign"));
  CHECK_THROWS_WITH(tiae::read_mnist_idx((dir / "missing").string(), labels, 0, 1), Catch::Contains("npm ci"));
  CHECK_THROWS_WITH(tiae::read_mnist_idx(images, labels, 59999, 2), Catch::Contains("60000"));
  CHECK_THROWS(tiae::load_mnist_extra_digits(50001));
  std::filesystem::remove_all(dir);
}

TEST_CASE("extra_digits is refused where there are no centred digits to add to, and beyond MNIST's 50,000") {
  for (const nlohmann::json& setting : {nlohmann::json{{"data", "depth"}}, nlohmann::json{{"kind", "fg"}}, nlohmann::json{{"kind", "pca"}, {"epochs", 1}, {"network", {{"arch", "linear"}}}}}) {
    tiae::TrainConfig c;
    auto config = setting;
    config["extra_digits"] = 100;
    CHECK_THROWS_WITH(tiae::from_json(config, c), Catch::Contains("extra_digits is a setting"));
  }
  tiae::TrainConfig c;
  CHECK_THROWS(tiae::from_json({{"extra_digits", 50001}}, c));
  tiae::TrainConfig fresh;
  tiae::from_json({{"extra_digits", 50000}}, fresh);
  CHECK(fresh.extra_digits == 50000);
}
