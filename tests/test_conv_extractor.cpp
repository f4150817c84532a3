// The fully convolutional extractor (network arch conv) against independent computations:
// its layers written out with plain convolutions, the network run on a whole image at once
// against the tiled extraction, and the training crops against a search of the pages.
#include <torch/torch.h>

#include <random>
#include <tuple>

#include "model/foreground.h"
#include "model/network.h"
#include "model/terms.h"
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

namespace {
tiae::NetworkShape conv_shape(int width) {
  nlohmann::json j = {{"arch", "conv"}, {"size", 64}, {"conv_channels", width}, {"dilations", {1, 2, 4, 8, 16, 1}}};
  return j.get<tiae::NetworkShape>();
}
}  // namespace

TEST_CASE("conv network: a ReLU convolution, then residual dilated ones, then a 1x1 convolution and a sigmoid") {
  torch::manual_seed(3);
  const auto shape = conv_shape(6);
  CHECK(shape.reach() == 33);
  tiae::AutoEncoder model(shape);
  const auto x = torch::rand({2, 1, 40, 50});
  namespace F = torch::nn::functional;
  const auto conv = [](const torch::Tensor& h, const torch::nn::Conv2d& c, int d) {
    return F::conv2d(h, c->weight, F::Conv2dFuncOptions().bias(c->bias).padding(d).dilation(d));
  };
  auto h = torch::relu(conv(x, model->encoder->conv, 1));
  for (size_t i = 0; i < shape.dilations.size(); ++i) h = h + torch::relu(conv(h, model->encoder->dilated[i], shape.dilations[i]));
  const auto y = torch::sigmoid(F::conv2d(h, model->decoder->pixel->weight, F::Conv2dFuncOptions().bias(model->decoder->pixel->bias)));
  const auto d = model->encoder->forward(x);
  CHECK(d.sizes() == torch::IntArrayRef({2, 6, 40, 50}));
  CHECK((d - h).abs().max().item<float>() < 1e-5f);
  CHECK((model->decoder->forward(d) - y).abs().max().item<float>() < 1e-6f);
}

TEST_CASE("conv extraction over 256 px windows with halos equals the network run on the whole image at once") {
  torch::manual_seed(4);
  const auto shape = conv_shape(8);
  tiae::AutoEncoder model(shape);
  torch::NoGradGuard no_grad;
  const int w = 430, h = 300;  // both over the window side: 3 x 2 windows, the last flush with the border
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> gray(size_t(w) * h);
  for (auto& v : gray) v = u(rng);
  tiae::ExtractOptions o;  // glyph size = the model's: no rescaling
  const auto tiled = tiae::extract_foreground(model, torch::kCPU, gray, w, h, o, false);
  const auto whole = model->decoder->forward(model->encoder->forward(torch::from_blob(gray.data(), {1, 1, h, w}))).contiguous();
  const float* expected = whole.data_ptr<float>();
  double worst = 0;
  for (size_t i = 0; i < tiled.size(); ++i) worst = std::max(worst, double(std::abs(tiled[i] - expected[i])));
  CHECK(worst < 1e-3);
  const auto windows = tiae::model_windows(shape, o);
  CHECK(windows.patch == 256);
  CHECK(windows.halo == 33);
  CHECK(windows.stride == 256 - 2 * 33);
}

TEST_CASE("page crops: every view and the truth cut at one place of one page, turned and mirrored alike") {
  tiae::PageBank bank;
  bank.count = 2, bank.views = 2, bank.side = 9;
  std::mt19937 rng(6);
  for (int i = 0; i < bank.count * bank.side * bank.side; ++i) bank.ink.push_back(uint8_t(rng() % 200));
  // view v of a page: its truth plus 20 (v + 1), so every value tells where it came from
  for (int p = 0; p < bank.count; ++p)
    for (int v = 0; v < bank.views; ++v)
      for (int i = 0; i < bank.side * bank.side; ++i) bank.images.push_back(uint8_t(bank.truth(p)[i] + 20 * (v + 1)));
  tiae::TrainConfig config;
  config.network.size = 4;
  std::mt19937_64 draw(7);
  const int64_t count = 40, s = 4;
  const auto batch = tiae::draw_page_batch(bank, count, draw, config);
  REQUIRE(batch.inputs.sizes() == torch::IntArrayRef({2 * count, 1, s, s}));
  REQUIRE(batch.targets.sizes() == torch::IntArrayRef({2 * count, 1, s, s}));
  const auto in = batch.inputs.accessor<float, 4>();
  const auto truth = batch.targets.accessor<float, 4>();
  int found = 0;
  for (int64_t n = 0; n < count; ++n) {
    for (int v = 0; v < 2; ++v)
      for (int y = 0; y < s; ++y)
        for (int x = 0; x < s; ++x) {
          CHECK(truth[v * count + n][0][y][x] == truth[n][0][y][x]);
          CHECK(std::lround(255 * (in[v * count + n][0][y][x] - truth[n][0][y][x])) == 20 * (v + 1));
        }
    // the truth crop is one of the 8 turns and mirrors of some s x s square of some page
    bool seen = false;
    for (int p = 0; p < bank.count && !seen; ++p)
      for (int y0 = 0; y0 + s <= bank.side && !seen; ++y0)
        for (int x0 = 0; x0 + s <= bank.side && !seen; ++x0)
          for (int t = 0; t < 8 && !seen; ++t) {
            bool same = true;
            for (int y = 0; y < s && same; ++y)
              for (int x = 0; x < s && same; ++x) {
                const int a = t & 4 ? s - 1 - x : x, b = y;  // mirror, then turn t % 4 quarter turns
                int u = a, w = b;
                for (int k = 0; k < t % 4; ++k) std::tie(u, w) = std::make_tuple(int(s - 1 - w), u);
                same = std::lround(255 * truth[n][0][y][x]) == bank.truth(p)[(y0 + w) * bank.side + x0 + u];
              }
            seen = same;
          }
    found += seen;
  }
  CHECK(found == count);
}
