// The depth application's models against independent computations: PCA fitted as a linear
// auto-encoder (train/pca_fit.h) against OpenCV's PCA of the same images, and the robot
// hand regressor's folded normalisation against the normalisation done around it.
#include <torch/torch.h>

#include <opencv2/core.hpp>
#include <random>

#include "model/network.h"
#include "model/pose_regressor.h"
#include "model/terms.h"
#include "train/pca_fit.h"
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

TEST_CASE("PCA as a linear auto-encoder: OpenCV's mean and principal axes, its restoration the projection") {
  torch::manual_seed(13);
  const int n = 300, s = 8, d = 5;
  // images with a few strong directions, so that the axes are well apart
  const auto basis = torch::randn({d, s * s}) * torch::linspace(3, 1, d).unsqueeze(1);
  const auto images = (torch::randn({n, d}).mm(basis) + 0.05 * torch::randn({n, s * s}) + 0.5).view({n, 1, s, s});
  tiae::TrainConfig config = nlohmann::json{{"kind", "pca"}, {"epochs", 1}, {"max_shift", 0}, {"views", 1},
                                            {"network", {{"arch", "linear"}, {"size", s}, {"descriptor", d}}}};
  tiae::AutoEncoder model(config.network);
  tiae::fit_pca(model, images, config);
  const auto flat = images.view({n, s * s}).contiguous();
  cv::Mat data(n, s * s, CV_32F, flat.data_ptr<float>());
  cv::PCA pca(data, cv::noArray(), cv::PCA::DATA_AS_ROW, d);
  const auto w = model->encoder->fc1->weight.detach();
  for (int k = 0; k < d; ++k) {
    double dot = 0;
    for (int p = 0; p < s * s; ++p) dot += w[k][p].item<double>() * pca.eigenvectors.at<float>(k, p);
    CHECK(std::abs(dot) == Approx(1).margin(1e-3));  // the same axis, up to its sign
  }
  for (int p = 0; p < s * s; ++p) CHECK(model->decoder->fc1->bias[p].item<float>() == Approx(pca.mean.at<float>(0, p)).margin(1e-4));
  cv::Mat back = pca.backProject(pca.project(data));
  const auto restored = model->decoder->forward(model->encoder->forward(images)).view({n, s * s});
  double worst = 0;
  for (int i = 0; i < n; ++i)
    for (int p = 0; p < s * s; ++p) worst = std::max(worst, std::abs(double(restored[i][p].item<float>()) - back.at<float>(i, p)));
  CHECK(worst < 1e-3);
}

TEST_CASE("the robot hand regressor with its normalisation folded in equals the normalisation around it") {
  torch::manual_seed(14);
  tiae::PoseShape shape{7, 16, 4};
  tiae::PoseRegressor plain(shape), folded(shape);
  for (size_t i = 0; i < plain->parameters().size(); ++i) folded->parameters()[i].data().copy_(plain->parameters()[i].data());
  const auto mean = torch::randn({7}), scale = torch::rand({7}) + 0.5, mid = torch::randn({4}) * 30, half = torch::rand({4}) * 50 + 10;
  tiae::fold_normalisation(folded, mean, scale, mid, half);
  const auto x = torch::randn({11, 7}) * 3;
  torch::NoGradGuard no_grad;
  const auto expected = mid + half * plain->forward((x - mean) / scale);
  CHECK((folded->forward(x) - expected).abs().max().item<float>() < 1e-3f);
}

TEST_CASE("depth_hands is a setting of depth runs only, within what the training stream is drawn for") {
  tiae::TrainConfig depth;
  tiae::from_json({{"data", "depth"}, {"depth_hands", 32000}}, depth);
  CHECK(depth.depth_hands == 32000);
  tiae::TrainConfig digits;
  CHECK_THROWS_WITH(tiae::from_json({{"depth_hands", 32000}}, digits), Catch::Contains("depth_hands is a setting of data"));
  tiae::TrainConfig too_many;
  CHECK_THROWS(tiae::from_json({{"data", "depth"}, {"depth_hands", 64001}}, too_many));
}
