#include "commands/infer.h"

#include <cstring>
#ifdef TIAE_HAVE_OPENCV
#include <opencv2/imgcodecs.hpp>

#include "io/image_file.h"
#endif

#include "model/network.h"
#include "model/regressor.h"
#include "model/terms.h"
#include "artifacts/model_folder.h"
#include "io/files.h"

namespace tiae {

namespace {
std::vector<float> read_inputs(const InferInput& input, int per_image) {
  std::vector<float> values;
  if (!input.raw_path.empty()) {
    const std::string bytes = read_file(input.raw_path, kMaxRawInputBytes);
    if (bytes.empty() || bytes.size() % (sizeof(float) * per_image) != 0)
      throw std::runtime_error(input.raw_path + ": size is not a multiple of one float32 image (" +
                               std::to_string(per_image) + " values)");
    values.resize(bytes.size() / sizeof(float));
    std::memcpy(values.data(), bytes.data(), bytes.size());
  }
#ifndef TIAE_HAVE_OPENCV
  if (!input.images.empty()) throw std::runtime_error("this build has no OpenCV: give images with --raw");
#else
  for (const auto& path : input.images) {
    const std::string bytes = read_image_bytes(path);
    const cv::Mat img = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.data())), cv::IMREAD_GRAYSCALE);
    if (img.empty()) throw std::runtime_error(path + ": not a readable image");
    if (int(img.total()) != per_image)
      throw std::runtime_error(path + ": expected " + std::to_string(per_image) + " pixels, got " +
                               std::to_string(img.cols) + "x" + std::to_string(img.rows));
    for (int y = 0; y < img.rows; ++y)
      for (int x = 0; x < img.cols; ++x) values.push_back(img.at<uint8_t>(y, x) / 255.f);
  }
#endif
  if (values.empty()) throw std::runtime_error("infer: no input images");
  for (size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= 0 && values[i] <= 1))  // NaN fails both
      throw std::runtime_error((input.raw_path.empty() ? std::string("infer") : input.raw_path) + ": value " + std::to_string(i) +
                               " is " + std::to_string(values[i]) + ", not a number in [0, 1]");
  return values;
}
}  // namespace

nlohmann::json infer(const std::string& folder, const InferInput& input, const std::string& device_name, bool use_regressor) {
  const auto config = read_model_config(folder);
  const auto& s = config.network;
  auto values = read_inputs(input, s.channels * s.size * s.size);  // bad input fails before the model loads
  const int64_t n = int64_t(values.size()) / (s.channels * s.size * s.size);
  const torch::Device device = choose_device(device_name);
  torch::NoGradGuard no_grad;
  auto loaded = load_model(folder, device);
  auto& model = loaded.network;
  if (use_regressor && !loaded.regressor) throw std::runtime_error(folder + " has no shift regressor (tiae card --regressor)");
  const auto grid = transform_grid(config);
  const auto images = torch::from_blob(values.data(), {n, s.channels, s.size, s.size}).to(device);
  const auto desc = model->encoder->forward(images).cpu().contiguous();
  const auto recon = model->decoder->forward(desc.to(device));
  // A colour extractor answers with one plane: measured against the input's luma (gray_from_rgba8's weights).
  const auto target = s.outputs() == s.channels ? images
                                                : (images * torch::tensor({0.299f, 0.587f, 0.114f}, images.options()).view({1, 3, 1, 1}))
                                                      .sum(1, true);
  torch::Tensor theta, dist;  // [N, 2 or 4]: dx, dy[, angle, scale]
  if (use_regressor) {
    theta = loaded.regressor->forward(images).cpu().contiguous();
  } else {
    const auto res = restoration_term(recon, target, config.max_shift, grid);
    theta = regressor_targets(res, grid).cpu().contiguous();
    dist = res.distance.cpu().contiguous();
  }
  const auto canon = recon.cpu().contiguous().view({n, -1});
  const auto flat_desc = desc.view({n, -1});  // a convolutional model's descriptor is a map: its values in order
  nlohmann::json out = {{"descriptors", nlohmann::json::array()}, {"canonical", nlohmann::json::array()}, {"shifts", nlohmann::json::array()}};
  if (use_regressor) out["estimated_by"] = "regressor";
  for (int64_t i = 0; i < n; ++i) {
    out["descriptors"].push_back(std::vector<float>(flat_desc[i].data_ptr<float>(), flat_desc[i].data_ptr<float>() + flat_desc.size(1)));
    out["canonical"].push_back(std::vector<float>(canon[i].data_ptr<float>(), canon[i].data_ptr<float>() + canon.size(1)));
    const auto t = theta[i];
    if (use_regressor) out["shifts"].push_back({t[0].item<float>(), t[1].item<float>()});
    else out["shifts"].push_back({std::lround(t[0].item<float>()), std::lround(t[1].item<float>())});
    if (dist.defined()) out["distances"].push_back(dist[i].item<float>());
    if (theta.size(1) == 4) {
      out["angles"].push_back(t[2].item<float>());
      out["scales"].push_back(t[3].item<float>());
      TransformEstimate e;
      e.dx = int(std::lround(t[0].item<float>())), e.dy = int(std::lround(t[1].item<float>()));
      e.angle = t[2].item<float>(), e.scale = t[3].item<float>();
      const auto pose = input_pose(e);
      out["pose"].push_back({pose.dx, pose.dy, pose.angle, pose.scale});
    }
  }
  if (has_pose_regressor(folder)) {  // depth models: the robot hand's joint angles, degrees
    const auto angles = load_pose_regressor(folder, device)->forward(desc.to(device)).cpu().contiguous();
    out["angles"] = nlohmann::json::array();
    for (int64_t i = 0; i < n; ++i) out["angles"].push_back(std::vector<float>(angles[i].data_ptr<float>(), angles[i].data_ptr<float>() + angles.size(1)));
  }
  return out;
}

}  // namespace tiae
