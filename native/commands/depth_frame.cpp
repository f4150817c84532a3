#include "commands/depth_frame.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>

#include "artifacts/model_card.h"
#include "artifacts/model_folder.h"
#include "depth_hand.h"
#include "hand_model.h"
#include "io/depth_file.h"
#include "io/figures.h"
#include "io/files.h"
#include "model/terms.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

std::vector<float> values(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kCPU).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// One model on the input: what depth.json says of it.
nlohmann::json run(const std::string& folder, const torch::Tensor& input, torch::Device device) {
  torch::NoGradGuard no_grad;
  auto model = load_model(folder, device);
  auto pose = load_pose_regressor(folder, device);
  const auto x = input.to(device), descriptor = model.network->encoder->forward(x), canonical = model.network->decoder->forward(descriptor);
  nlohmann::json out = {{"model", model_name(folder)}, {"kind", model.config.kind}, {"descriptor", values(descriptor)}, {"canonical", values(canonical)}};
  if (model.config.kind == Kind::tiae) {  // restored after its own shift (extended canvas)
    const auto res = restoration_term(canonical, x, model.config.max_shift);
    const auto shift = res.shift.cpu();
    out["shift"] = {-shift[0][0].item<int64_t>(), -shift[0][1].item<int64_t>()};  // where the input sits: -theta_hat
    const auto restored = shift_images(canonical, -res.shift);
    out["restored"] = values(restored);
    out["restoration_error"] = (restored - x).pow(2).sum().item<double>();  // over the input's window, as PCA's
    out["restoration_error_extended_canvas"] = res.distance.item<double>();  // C_res
  } else {
    out["restored"] = out["canonical"];
    out["restoration_error"] = (canonical - x).pow(2).sum().item<double>();
  }
  const auto angles = values(pose->forward(descriptor));
  out["angles"] = nlohmann::json::object();
  for (int j = 0; j < kHandJoints; ++j) out["angles"][hand_joints()[size_t(j)].name] = angles[size_t(j)];
  out["angle_values"] = angles;
  return out;
}

// The frame as gray (depth_frame_picture), the window drawn on it as a frame.
std::vector<float> frame_picture(const DepthImage& d, const HandCrop& c) {
  auto v = depth_frame_picture(d.metres.data(), d.width, d.height, c);
  for (int k = 0; k < c.window_px; ++k)
    for (const auto& [x, y] : {std::pair{c.x0 + k, c.y0}, {c.x0 + k, c.y0 + c.window_px - 1}, {c.x0, c.y0 + k}, {c.x0 + c.window_px - 1, c.y0 + k}})
      if (x >= 0 && y >= 0 && x < d.width && y < d.height) v[size_t(y) * d.width + x] = 1;
  return v;
}

void write_picture(const fs::path& path, const DepthImage& d, const HandCrop& c, const std::vector<float>& input, const nlohmann::json& pca,
                   const nlohmann::json& tiae) {
  std::deque<std::vector<float>> keep{frame_picture(d, c), input};
  const int s = int(std::lround(std::sqrt(double(input.size()))));
  std::vector<Picture> row{{keep[0].data(), d.width, d.height, "frame"}, {keep[1].data(), s, s, "input"}};
  for (const auto* m : {&pca, &tiae}) {
    const std::string name = (*m)["kind"] == "tiae" ? "TIAE" : "PCA";
    keep.push_back((*m)["restored"].get<std::vector<float>>());
    row.push_back({keep.back().data(), s, s, name + fmt::format(" {:.1f}", (*m)["restoration_error"].get<double>())});
    if ((*m)["kind"] == "tiae") {
      keep.push_back((*m)["canonical"].get<std::vector<float>>());
      row.push_back({keep.back().data(), s, s, "D(E(I))"});
    }
    keep.push_back(draw_robot_hand((*m)["angle_values"].get<std::vector<float>>().data(), 160));
    row.push_back({keep.back().data(), 160, 160, name + " robot hand"});
  }
  write_picture_rows(path.string(), "depth frame: PCA against the TIAE", {row}, 200);
}

}  // namespace

nlohmann::json depth_command(const std::string& frame, const std::string& out, const DepthCommandOptions& o) {
  const torch::Device device = choose_device(o.device);
  for (const auto* folder : {&o.model, &o.pca})
    if (read_model_config(*folder).data != Dataset::depth) throw std::runtime_error(*folder + " is not a depth model (data depth)");
  const auto card = read_model_card_or_defaults(o.model);
  DepthCutOptions cut = common_depth_cut({o.model, o.pca});
  if (o.focal_px > 0) cut.focal_px = float(o.focal_px);
  const auto depth = read_depth_file(frame, o.unit_m > 0 ? o.unit_m : card.has_depth ? card.depth_unit_m : kRealDepthUnitM);
  const auto crop = cut_out_hand(depth.metres.data(), depth.width, depth.height, cut, o.offset_x, o.offset_y);
  if (!crop.error.empty()) throw std::runtime_error(frame + ": " + crop.error);
  auto image = crop.image;
  const auto input = torch::from_blob(image.data(), {1, 1, cut.size, cut.size}).clone();
  const auto pca = run(o.pca, input, device), tiae = run(o.model, input, device);
  nlohmann::json result = {{"frame", frame},
                           {"crop", {{"centre", {crop.centre_x, crop.centre_y}}, {"depth_m", crop.depth_m}, {"nearest_m", crop.nearest_m},
                                     {"area_cm2", crop.area_cm2}, {"window", {crop.x0, crop.y0, crop.window_px}},
                                     {"offset", {o.offset_x, o.offset_y}}, {"focal_px", cut.focal_px}}},
                           {"input", image},
                           {"pca", pca},
                           {"tiae", tiae}};
  fs::create_directories(out);
  write_json_file((fs::path(out) / "depth.json").string(), result);
  write_picture(fs::path(out) / "depth.png", depth, crop, image, pca, tiae);
  return result;
}

}  // namespace tiae
