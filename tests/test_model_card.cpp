// Model cards as readers see them (artifacts/model_card.h): every setting a reader needs,
// with the defaults of older cards stated in one place.
#include <catch2/catch.hpp>

#include "artifacts/model_card.h"

namespace {
nlohmann::json minimal_card() {  // what `tiae export` wrote before glyph sizes and thresholds
  tiae::TrainConfig config;
  config.kind = tiae::Kind::fg;
  config.max_shift = 0;
  config.layout = tiae::Layout::text;
  config.letters = 0.5;
  return {{"size", 32}, {"channels", 1}, {"descriptor_size", 30},
          {"files", {{"encoder", "encoder.onnx"}, {"decoder", "decoder.onnx"}}},
          {"checksums", {{"encoder.onnx", "crc32:0000abcd"}, {"decoder.onnx", "crc32:0000dcba"}}},
          {"training", {{"config", config}}}};
}
}  // namespace

TEST_CASE("an older card loads with the stated defaults, a newer one with its own settings") {
  const auto old_card = tiae::parse_model_card(minimal_card().dump(), "old/model.json");
  CHECK(old_card.glyph_size == tiae::kMnistDigitHeight);
  CHECK(old_card.ink_threshold == 0.5);
  CHECK(old_card.config.kind == tiae::Kind::fg);
  CHECK(old_card.config.layout == tiae::Layout::text);
  CHECK(old_card.config.letters == 0.5);
  CHECK(old_card.config.max_shift == 0);
  auto card = minimal_card();
  card["glyph_size"] = 24;
  card["ink_threshold"] = 0.3;
  const auto newer = tiae::parse_model_card(card.dump(), "new/model.json");
  CHECK(newer.glyph_size == 24);
  CHECK(newer.ink_threshold == 0.3);
  CHECK(newer.checksums.at("encoder.onnx") == "crc32:0000abcd");
}

TEST_CASE("a card's settings out of range are refused naming the card and the field") {
  const std::pair<std::function<void(nlohmann::json&)>, std::string> cases[] = {
      {[](nlohmann::json& c) { c["glyph_size"] = 0; }, "glyph_size must be in [2, 2000] px"},
      {[](nlohmann::json& c) { c["ink_threshold"] = 1; }, "ink_threshold must be in (0, 1)"},
      {[](nlohmann::json& c) { c["training"]["config"]["layout"] = "pages"; }, "layout must be one of centred, text, document, page"},
      {[](nlohmann::json& c) { c["descriptor_size"] = 31; }, "descriptor_size disagrees"},
      // a damaged network file must not load unnoticed: both are checksummed
      {[](nlohmann::json& c) { c.erase("checksums"); }, "no checksum of encoder.onnx"},
      {[](nlohmann::json& c) { c["checksums"].erase("decoder.onnx"); }, "no checksum of decoder.onnx"},
      // every layer within 2^28 weights, hidden1 x hidden2 (fc2) included: 3.58 GB otherwise
      {[](nlohmann::json& c) { c["training"]["config"]["network"].update({{"hidden1", 65536}, {"hidden2", 13653}}); }, "network too large"},
      // a reach of 128 px: every window computed with a halo four times the released models'
      {[](nlohmann::json& c) {
         c["training"]["config"].update({{"layout", "page"}, {"letters", 0}});
         c["training"]["config"]["network"] = {{"arch", "conv"}, {"dilations", {64, 63}}};
         c["descriptor_size"] = 16;
       },
       "network.dilations"}};
  for (const auto& [change, message] : cases) {
    auto card = minimal_card();
    change(card);
    INFO(message);
    CHECK_THROWS_WITH(tiae::parse_model_card(card.dump(), "x/model.json"),
                      Catch::Contains("x/model.json") && Catch::Contains(message));
  }
}

TEST_CASE("modes are written by name in JSON, and read back by name") {
  CHECK(nlohmann::json(tiae::Kind::fg) == "fg");
  CHECK(nlohmann::json(tiae::Background::white_noise) == "white-noise");
  CHECK(nlohmann::json(tiae::Layout::text) == "text");
  tiae::TrainConfig config;
  config.kind = tiae::Kind::ae;
  const nlohmann::json j = config;
  CHECK(j.at("kind") == "ae");
  CHECK(j.get<tiae::TrainConfig>().kind == tiae::Kind::ae);
  CHECK_THROWS_WITH(tiae::parse_kind("fgg"), Catch::Contains("kind must be one of tiae, ae, fg"));
}

TEST_CASE("a card's ink threshold is the one tuned on the real pages when its evaluation had them, else the synthetic pages'") {
  const nlohmann::json synthetic = {{"protocol", {{"seed", 1}}},
                                    {"models", {{"m", {{"ink_threshold", {{"value", 0.42}}}}}}}};
  nlohmann::json card = nlohmann::json::object();
  tiae::merge_evaluation(card, synthetic, "m", "metrics.json");
  CHECK(card["ink_threshold"].get<double>() == Approx(0.42));
  auto both = synthetic;
  both["models"]["m"]["real_pages"] = {{"tuned_threshold", {{"value", 0.375}, {"card_value", 0.31}}}};
  card = nlohmann::json::object();
  tiae::merge_evaluation(card, both, "m", "metrics.json");
  CHECK(card["ink_threshold"].get<double>() == Approx(0.31));
}

TEST_CASE("a depth card's cut-out settings, camera and robot hand read back as written, out-of-range values refused") {
  tiae::DepthCutOptions cut;
  cut.band_m = 0.12f, cut.window_m = 0.3f, cut.focal_px = 400;
  auto card = minimal_card();
  card["training"]["config"]["kind"] = "tiae";
  card["training"]["config"]["layout"] = "centred";
  card["training"]["config"]["data"] = "depth";
  card["training"]["config"]["max_shift"] = 8;
  card["training"]["config"]["letters"] = 0;
  card["depth"] = tiae::depth_card_section(cut, 0.001);
  card["files"]["pose"] = "pose.onnx";
  card["pose"] = {{"shape", {{"inputs", 30}, {"hidden", 64}, {"outputs", 20}}}};
  const auto read = tiae::parse_model_card(card.dump(), "d/model.json");
  REQUIRE(read.has_depth);
  CHECK(read.depth.band_m == Approx(0.12));
  CHECK(read.depth.window_m == Approx(0.3));
  CHECK(read.depth.focal_px == Approx(400));
  CHECK(read.depth.gap_m == Approx(tiae::DepthCutOptions{}.gap_m));
  CHECK(read.depth_unit_m == Approx(0.001));
  CHECK(read.pose_file == "pose.onnx");
  CHECK(read.pose_shape.hidden == 64);
  CHECK(!tiae::parse_model_card(minimal_card().dump(), "o/model.json").has_depth);
  const std::pair<std::function<void(nlohmann::json&)>, std::string> cases[] = {
      {[](nlohmann::json& c) { c["depth"]["cut"]["band_m"] = 50; }, "depth.cut.band_m must be a number in [0.001, 5]"},
      {[](nlohmann::json& c) { c["depth"]["camera"]["focal_px"] = 0; }, "depth.camera.focal_px must be a number in [1, 100000]"},
      {[](nlohmann::json& c) { c["depth"]["cut"]["floor"] = "x"; }, "depth.cut.floor must be a number"},
      {[](nlohmann::json& c) { c["pose"]["shape"]["hidden"] = 0; }, "pose.shape.hidden"},
      {[](nlohmann::json& c) { c["files"]["pose"] = "../pose.onnx"; }, "files.pose must be a plain file name"}};
  for (const auto& [change, message] : cases) {
    auto bad = card;
    change(bad);
    INFO(message);
    CHECK_THROWS_WITH(tiae::parse_model_card(bad.dump(), "d/model.json"), Catch::Contains("d/model.json") && Catch::Contains(message));
  }
}
