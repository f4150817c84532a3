// The encoder's 2 x 2 max pooling (model/max_pool.h) against LibTorch's torch::max_pool2d:
// values and gradients, on odd sides, on ties (the zeros after a ReLU), with NaN, and in
// every floating type the trainer uses. (REQUIRE: LibTorch's glog takes the name CHECK.)
#include <catch2/catch.hpp>

#include "model/max_pool.h"

using namespace tiae;

namespace {

// Values and the gradient of a random weighting of the output, by both.
void check_like_libtorch(torch::Tensor x) {
  const auto a = x.clone().requires_grad_(true), b = x.clone().requires_grad_(true);
  const auto ya = max_pool_2x2(a), yb = torch::max_pool2d(b, 2);
  REQUIRE(ya.sizes() == yb.sizes());
  REQUIRE(ya.scalar_type() == yb.scalar_type());
  REQUIRE(torch::equal(ya.isnan(), yb.isnan()));
  REQUIRE(torch::equal(ya.nan_to_num(0), yb.nan_to_num(0)));
  const auto weights = torch::rand(ya.sizes(), torch::TensorOptions().dtype(x.scalar_type()));
  (ya.nan_to_num(0) * weights).sum().backward();
  (yb.nan_to_num(0) * weights).sum().backward();
  REQUIRE(torch::equal(a.grad(), b.grad()));
}

}  // namespace

TEST_CASE("the 2 x 2 max pooling equals LibTorch's, values and gradients, ties, odd sides, NaN, every float type") {
  torch::manual_seed(3);
  for (const auto& shape : std::vector<std::vector<int64_t>>{{5, 16, 24, 24}, {2, 3, 7, 9}, {1, 1, 2, 2}, {3, 2, 3, 2}}) {
    check_like_libtorch(torch::randn(shape));
    check_like_libtorch(torch::relu(torch::randn(shape)));  // windows of zeros: the first takes the gradient
    check_like_libtorch(torch::randint(0, 3, shape).to(torch::kFloat32));  // ties among positive values too
    check_like_libtorch(torch::randn(shape, torch::kFloat64));
    check_like_libtorch(torch::relu(torch::randn(shape)).to(torch::kBFloat16));
  }
  auto x = torch::randn({2, 2, 6, 6});
  x.index_put_({0, 1, 2, 3}, NAN);
  x.index_put_({1, 0, 5, 5}, NAN);
  x.index_put_({1, 0, 4, 4}, NAN);
  check_like_libtorch(x);
  REQUIRE_THROWS(max_pool_2x2(torch::randn({3, 2, 1, 5})));  // as torch::max_pool2d: no window fits
  // a view that is not contiguous, as a transposed batch would be
  check_like_libtorch(torch::randn({4, 6, 8, 3}).permute({0, 3, 1, 2}));
}
