#include "model/max_pool.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <cmath>
#include <type_traits>

namespace tiae {
namespace {

// The later of two values if it is greater or NaN, else the earlier: applied to a window's
// pairs and then to their winners, LibTorch's scan in row order (strictly greater, NaN wins).
template <typename A>
inline void take_later(A& best, uint8_t& k, A v, uint8_t c) {
  const bool later = (v > best) | (v != v);
  best = later ? v : best;
  k = later ? c : k;
}

// Per output value, which of its window's four inputs it took (0..3, row by row).
template <typename T>
void pool_forward(const T* x, T* y, uint8_t* which, int64_t planes, int64_t h, int64_t w) {
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;  // compared in float, doubles as doubles
  const int64_t oh = h / 2, ow = w / 2;
  at::parallel_for(0, planes, 16, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p)
      for (int64_t i = 0; i < oh; ++i) {
        const T* top = x + (p * h + 2 * i) * w;
        const T* bottom = top + w;
        T* out = y + (p * oh + i) * ow;
        uint8_t* k_out = which + (p * oh + i) * ow;
        for (int64_t j = 0; j < ow; ++j) {
          A a = A(top[2 * j]), c = A(bottom[2 * j]);
          uint8_t ka = 0, kc = 2;
          take_later(a, ka, A(top[2 * j + 1]), 1);
          take_later(c, kc, A(bottom[2 * j + 1]), 3);
          take_later(a, ka, c, kc);
          out[j] = T(a), k_out[j] = ka;
        }
      }
  });
}

template <typename T>
void pool_backward(const T* gy, const uint8_t* which, T* gx, int64_t planes, int64_t h, int64_t w) {
  const int64_t oh = h / 2, ow = w / 2;
  at::parallel_for(0, planes, 16, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          const int64_t o = (p * oh + i) * ow + j, k = which[o];
          gx[(p * h + 2 * i + k / 2) * w + 2 * j + k % 2] = gy[o];
        }
  });
}

struct MaxPool2x2 : torch::autograd::Function<MaxPool2x2> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input) {
    const auto x = input.contiguous();
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    auto y = torch::empty({n, c, h / 2, w / 2}, x.options());
    auto which = torch::empty({n, c, h / 2, w / 2}, x.options().dtype(torch::kUInt8));
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "max_pool_2x2", [&] {
      pool_forward(x.data_ptr<scalar_t>(), y.data_ptr<scalar_t>(), which.data_ptr<uint8_t>(), n * c, h, w);
    });
    ctx->save_for_backward({which});
    ctx->saved_data["shape"] = x.sizes().vec();
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    const auto which = ctx->get_saved_variables()[0];
    const auto shape = ctx->saved_data["shape"].toIntVector();
    const auto gy = grads[0].contiguous();
    auto gx = torch::zeros(shape, gy.options());
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, gy.scalar_type(), "max_pool_2x2_backward", [&] {
      pool_backward(gy.data_ptr<scalar_t>(), which.data_ptr<uint8_t>(), gx.data_ptr<scalar_t>(), shape[0] * shape[1], shape[2], shape[3]);
    });
    return {gx};
  }
};

}  // namespace

torch::Tensor max_pool_2x2(const torch::Tensor& x) {
  // other devices, and shapes LibTorch refuses (a side under 2), with LibTorch's word
  if (!x.device().is_cpu() || x.dim() != 4 || x.size(2) < 2 || x.size(3) < 2) return torch::max_pool2d(x, 2);
  RECORD_FUNCTION("tiae::max_pool_2x2", std::vector<c10::IValue>());  // named in profiles (tiae bench --profile)
  return MaxPool2x2::apply(x);
}

}  // namespace tiae
