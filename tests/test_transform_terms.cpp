// The restoration term over shift x rotation x scale (LibTorch, native/model/terms.h)
// against the brute-force loop over every transform, the core's plain loops and OpenCV's
// warpAffine.
#include "model/terms.h"
#include "transform_search.h"
#ifdef TIAE_HAVE_OPENCV
#include <opencv2/imgproc.hpp>
#endif
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

namespace {
constexpr int S = 32, M = 8;

torch::Tensor strokes(int n, int64_t seed) {
  torch::manual_seed(seed);
  return torch::rand({n, 1, S, S}) * (torch::rand({n, 1, S, S}) < 0.25);
}

std::vector<float> floats(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}
}  // namespace

TEST_CASE("the restoration term over shift x rotation x scale equals the brute-force minimum over every transform") {
  const auto grid = tiae::make_transform_grid(30, 3, 1.25, 3);
  const auto target = strokes(3, 1), recon = strokes(3, 2).requires_grad_(true);
  const auto fast = tiae::restoration_term(recon, target, M, grid);
  const auto slow = tiae::restoration_term_by_loop(recon.detach(), target, M, grid);
  for (int i = 0; i < 3; ++i) {
    CHECK(fast.distance[i].item<float>() == Approx(slow.distance[i].item<float>()).epsilon(1e-4));
    CHECK(fast.transform[i].item<int64_t>() == slow.transform[i].item<int64_t>());
    CHECK(fast.shift[i][0].item<int64_t>() == slow.shift[i][0].item<int64_t>());
    CHECK(fast.shift[i][1].item<int64_t>() == slow.shift[i][1].item<int64_t>());
  }
  // Its gradient is the gradient of ||D - T I||^2 at the best transform: 2 (D - window of T I).
  fast.distance.sum().backward();
  const auto again = tiae::restoration_term(recon.detach().requires_grad_(true), target, M, grid);
  CHECK(recon.grad().abs().sum().item<float>() > 0);
  const auto d = recon.detach().clone().requires_grad_(true);
  tiae::restoration_term(d, target, M, grid).distance.sum().backward();
  CHECK(torch::allclose(recon.grad(), d.grad(), 1e-5, 1e-5));
  (void)again;
}

TEST_CASE("the LibTorch search over the grid agrees with the core's plain loops on every image") {
  const auto grid = tiae::make_transform_grid(30, 5, 1.25, 3);
  const auto target = strokes(4, 3), recon = strokes(4, 4);
  const auto r = tiae::restoration_term(recon, target, M, grid);
  for (int i = 0; i < 4; ++i) {
    const auto d = floats(recon[i]), t = floats(target[i]);
    const auto e = tiae::estimate_transform(d.data(), t.data(), S, 1, M, grid);
    CHECK(r.distance[i].item<float>() == Approx(e.distance).epsilon(1e-4));
    CHECK(r.transform[i].item<int64_t>() == e.grid_index);
    CHECK(r.shift[i][0].item<int64_t>() == e.dx);
    CHECK(r.shift[i][1].item<int64_t>() == e.dy);
  }
}

TEST_CASE("turn_images equals the core's turn_image, and OpenCV's warpAffine within its fixed-point weights") {
  const auto images = strokes(3, 5);
  const std::vector<float> angles = {-30.f, 12.5f, 90.f}, scales = {0.8f, 1.1f, 1.25f};
  const int side = tiae::turned_canvas_side(S, 1.25f);
  const auto turned = tiae::turn_images(images, torch::tensor(angles), torch::tensor(scales), side);
  for (int i = 0; i < 3; ++i) {
    const auto src = floats(images[i]);
    std::vector<float> core(size_t(side) * side);
    tiae::turn_image(src.data(), S, 1, angles[size_t(i)], scales[size_t(i)], core.data(), side);
    const auto torch_out = floats(turned[i]);
    for (size_t k = 0; k < core.size(); ++k) REQUIRE(torch_out[k] == Approx(core[k]).margin(1e-5));
#ifdef TIAE_HAVE_OPENCV
    // The inverse map of warpAffine: canvas pixel (u, v) reads c + M(-a) (q - c) / s, q = (u, v) - o.
    const double a = angles[size_t(i)] * M_PI / 180, s = scales[size_t(i)], c = (S - 1) / 2.0, o = (side - S) / 2.0;
    const double ca = std::cos(a) / s, sa = std::sin(a) / s;
    const cv::Mat map = (cv::Mat_<double>(2, 3) << ca, -sa, c - ca * (o + c) + sa * (o + c), sa, ca, c - sa * (o + c) - ca * (o + c));
    const cv::Mat in(S, S, CV_32F, const_cast<float*>(src.data()));
    cv::Mat out;
    cv::warpAffine(in, out, map, cv::Size(side, side), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, 0);
    for (int v = 0; v < side; ++v)
      for (int u = 0; u < side; ++u) REQUIRE(out.at<float>(v, u) == Approx(core[size_t(v) * side + u]).margin(0.02));
#endif
  }
}

TEST_CASE("training views with rotation and scale: each view its own turn, the identity grid leaves shift models as they were") {
  tiae::TrainConfig config;
  config.views = 2, config.max_shift = 0;
  const auto digits = strokes(4, 6);
  std::mt19937_64 a(1), b(1);
  const auto plain = tiae::draw_batch(digits, a, config, nullptr);
  CHECK(torch::equal(plain.inputs, digits.repeat({3, 1, 1, 1})));
  config.max_rotation = 30, config.rotation_steps = 7, config.max_scale = 1.25, config.scale_steps = 5;
  const auto turned = tiae::draw_batch(digits, b, config, nullptr);
  REQUIRE(turned.inputs.sizes() == plain.inputs.sizes());
  CHECK(torch::equal(turned.inputs, turned.targets));
  // views of one digit differ from each other, and keep about their ink (scale^2 at most 1.5625)
  const auto ink = turned.inputs.sum({1, 2, 3}).view({3, 4}), original = digits.sum({1, 2, 3}).view({1, 4});
  CHECK((ink / original).min().item<float>() > 0.5f);
  CHECK((ink / original).max().item<float>() < 1.7f);
  CHECK_FALSE(torch::allclose(turned.inputs.narrow(0, 0, 4), turned.inputs.narrow(0, 4, 4)));
}
