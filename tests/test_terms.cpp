// The objective's terms (LibTorch fast paths) against independent computations: the
// portable core's plain loops and the definitions written out.
#include "model/network.h"
#include "shift_search.h"
#include "model/terms.h"
#include <ATen/autocast_mode.h>
#include "data/text_layout.h"
#ifdef TIAE_HAVE_OPENCV
#include <filesystem>

#include "data/flyers.h"
#include "data/font_glyphs.h"
#endif
// LibTorch's logging defines a CHECK macro of its own: Catch's must be the one in force.
#undef CHECK
#include <catch2/catch.hpp>

namespace {
constexpr int S = 32, M = 8;

torch::Tensor digit_like(int n, int64_t seed) {
  torch::manual_seed(seed);
  // Sparse strokes in [0, 1], reaching the window's edge so shifts lose ink.
  return torch::rand({n, 1, S, S}, torch::kFloat64) * (torch::rand({n, 1, S, S}, torch::kFloat64) < 0.25);
}

std::vector<float> as_floats(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}
}  // namespace

TEST_CASE("shift_images equals the naive per-pixel loop for every shift in [-8, 8]^2") {
  const auto images = digit_like(1, 1).to(torch::kFloat32).repeat({289, 1, 1, 1});
  std::vector<int64_t> xy;
  for (int dy = -M; dy <= M; ++dy)
    for (int dx = -M; dx <= M; ++dx) xy.insert(xy.end(), {dx, dy});
  const auto shifted = tiae::shift_images(images, torch::from_blob(xy.data(), {289, 2}, torch::kLong));
  const auto src = as_floats(images[0]);
  std::vector<float> expected(S * S);
  for (int i = 0; i < 289; ++i) {
    tiae::shift_image(src.data(), expected.data(), S, 1, int(xy[2 * i]), int(xy[2 * i + 1]));
    REQUIRE(as_floats(shifted[i]) == expected);
  }
}

TEST_CASE("exact restoration term equals the brute-force minimum over all 289 shifts (to 1e-4)") {
  const int n = 6;
  const auto target = digit_like(n, 2);
  const auto recon = torch::sigmoid(torch::randn({n, 1, S, S}, torch::kFloat64) * 2 - 2);
  const auto fast = tiae::restoration_term(recon, target, M);
  const auto loop = tiae::restoration_term_by_loop(recon, target, M);
  for (int i = 0; i < n; ++i) {
    // against the LibTorch loop over shifts on the extended canvas
    CHECK(fast.distance[i].item<double>() == Approx(loop.distance[i].item<double>()).margin(1e-4));
    CHECK(fast.shift[i][0].item<int64_t>() == loop.shift[i][0].item<int64_t>());
    CHECK(fast.shift[i][1].item<int64_t>() == loop.shift[i][1].item<int64_t>());
    // and against the portable core's plain loops
    const auto r = as_floats(recon[i]), t = as_floats(target[i]);
    const auto est = tiae::estimate_shift(r.data(), t.data(), S, 1, M);
    CHECK(fast.distance[i].item<double>() == Approx(est.distance).epsilon(1e-5));
    CHECK(fast.shift[i][0].item<int64_t>() == est.dx);
    CHECK(fast.shift[i][1].item<int64_t>() == est.dy);
  }
  // In float32, as training runs it, the relative error stays small.
  const auto fast32 = tiae::restoration_term(recon.to(torch::kFloat32), target.to(torch::kFloat32), M);
  CHECK(torch::allclose(fast32.distance.to(torch::kFloat64), loop.distance, 1e-5, 1e-3));
}

TEST_CASE("with 2 and 3 channels, one shift for all channels: the restoration term is the brute-force minimum") {
  for (int channels : {2, 3}) {
    const int n = 4;
    torch::manual_seed(40 + channels);
    const auto target = torch::rand({n, channels, S, S}, torch::kFloat64) * (torch::rand({n, channels, S, S}, torch::kFloat64) < 0.25);
    const auto recon = torch::sigmoid(torch::randn({n, channels, S, S}, torch::kFloat64) * 2 - 2);
    const auto fast = tiae::restoration_term(recon, target, M);
    for (int i = 0; i < n; ++i) {
      // the portable core's plain loops over every shift, summing the channels' errors
      const auto r = as_floats(recon[i]), t = as_floats(target[i]);
      const auto est = tiae::estimate_shift(r.data(), t.data(), S, channels, M);
      CHECK(fast.distance[i].item<double>() == Approx(est.distance).epsilon(1e-5));
      CHECK(fast.shift[i][0].item<int64_t>() == est.dx);
      CHECK(fast.shift[i][1].item<int64_t>() == est.dy);
      // and the channels' own best shifts are not what it found: they share one
      double separate = 0;
      for (int c = 0; c < channels; ++c) {
        const auto rc = as_floats(recon[i][c]), tc = as_floats(target[i][c]);
        separate += tiae::estimate_shift(rc.data(), tc.data(), S, 1, M).distance;
      }
      CHECK(separate <= est.distance + 1e-6);
    }
    const auto shifted = tiae::shift_images(target, torch::tensor({{3, -2}, {0, 0}, {-8, 8}, {5, 5}}, torch::kLong));
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < channels; ++c) {
        std::vector<float> expected(S * S);
        const auto src = as_floats(target[i][c]);
        const int64_t dx[] = {3, 0, -8, 5}, dy[] = {-2, 0, 8, 5};
        tiae::shift_image(src.data(), expected.data(), S, 1, int(dx[i]), int(dy[i]));
        CHECK(as_floats(shifted[i][c]) == expected);  // every channel moved alike
      }
  }
}

TEST_CASE("the exact restoration term's gradient is the brute-force minimum's gradient") {
  const int n = 6;
  const auto target = digit_like(n, 31);
  const auto start = torch::sigmoid(torch::randn({n, 1, S, S}, torch::kFloat64) * 2 - 2);
  const auto a = start.clone().requires_grad_(true), b = start.clone().requires_grad_(true);
  tiae::restoration_term(a, target, M).distance.sum().backward();
  tiae::restoration_term_by_loop(b, target, M).distance.sum().backward();  // through torch::where over every shift
  CHECK(b.grad().abs().max().item<double>() > 0);
  CHECK((a.grad() - b.grad()).abs().max().item<double>() < 1e-9);
}

TEST_CASE("the restoration term of a shifted copy of the reconstruction is zero at the right shift") {
  const auto canon = torch::zeros({1, 1, S, S}, torch::kFloat64);
  canon.narrow(2, 10, 12).narrow(3, 12, 8).uniform_(0.3, 1.0);
  std::vector<int64_t> xy = {5, -7};
  const auto input = tiae::shift_images(canon, torch::from_blob(xy.data(), {1, 2}, torch::kLong));
  const auto r = tiae::restoration_term(canon, input, M);
  CHECK(r.distance.item<double>() == Approx(0).margin(1e-9));
  CHECK(r.shift[0][0].item<int64_t>() == -5);  // shifting the input by (-5, 7) restores the canonical image
  CHECK(r.shift[0][1].item<int64_t>() == 7);
}

TEST_CASE("the code's invariance term is the views' squared distances over different digits', loop by loop, whatever the code's scale") {
  const int64_t views = 3, n = 4, dim = 5;
  const auto codes = torch::randn({views * n, dim}, torch::kFloat64);
  double same = 0, different = 0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 1; k < views; ++k) same += (codes[k * n + i] - codes[i]).pow(2).sum().item<double>();
    different += (codes[i] - codes[(i + n - 1) % n]).pow(2).sum().item<double>();
  }
  const double expected = (same / double((views - 1) * n)) / (different / double(n));
  CHECK(tiae::code_invariance_term(codes, views).item<double>() == Approx(expected));
  CHECK(tiae::code_invariance_term(codes * 0.01, views).item<double>() == Approx(expected));  // shrinking the code gains nothing
  CHECK(tiae::code_invariance_term(codes.narrow(0, 0, n).repeat({views, 1}), views).item<double>() == 0);
  CHECK_THROWS(tiae::code_invariance_term(codes.narrow(0, 0, n), 1));
}

TEST_CASE("the clustering term: Student's t assignments, DEC's sharpened targets and KL(p || q), loop by loop") {
  const int64_t views = 2, n = 5, k = 3, dim = 4;
  torch::manual_seed(3);
  const auto codes = torch::randn({views * n, dim}, torch::kFloat64), centres = torch::randn({k, dim}, torch::kFloat64);
  const auto q = tiae::soft_assignment(codes, centres);
  std::vector<double> column(k, 0.0);  // f_j over the first n rows, the set the targets are made of
  for (int64_t i = 0; i < views * n; ++i) {
    double total = 0;
    for (int64_t j = 0; j < k; ++j) total += 1 / (1 + (codes[i] - centres[j]).pow(2).sum().item<double>());
    for (int64_t j = 0; j < k; ++j) {
      const double expected = 1 / (1 + (codes[i] - centres[j]).pow(2).sum().item<double>()) / total;
      CHECK(q[i][j].item<double>() == Approx(expected));
      if (i < n) column[size_t(j)] += expected;
    }
  }
  const auto p = tiae::sharpened_targets(q.narrow(0, 0, n));
  double kl = 0;
  for (int64_t i = 0; i < n; ++i) {
    double total = 0;
    for (int64_t j = 0; j < k; ++j) total += std::pow(q[i][j].item<double>(), 2) / column[size_t(j)];
    for (int64_t j = 0; j < k; ++j) {
      const double expected = std::pow(q[i][j].item<double>(), 2) / column[size_t(j)] / total;
      CHECK(p[i][j].item<double>() == Approx(expected));
      for (int64_t v = 0; v < views; ++v) kl += expected * std::log(expected / q[v * n + i][j].item<double>());
    }
  }
  CHECK(tiae::clustering_term(codes, centres, p, views).item<double>() == Approx(kl / double(views * n)));
  // Its own targets sharpened are more confident than the assignments they came from.
  CHECK(std::get<0>(p.max(1)).mean().item<double>() > std::get<0>(q.narrow(0, 0, n).max(1)).mean().item<double>());
  CHECK_THROWS(tiae::clustering_term(codes, centres, p, 3));
}

TEST_CASE("invariance and sparseness terms match their formulas") {
  const auto ref = torch::rand({3, 1, 4, 4}, torch::kFloat64);
  const auto views = torch::rand({2, 3, 1, 4, 4}, torch::kFloat64);
  const auto inv = tiae::invariance_term(ref, views);
  for (int i = 0; i < 3; ++i) {
    double expected = 0;
    for (int k = 0; k < 2; ++k) expected += (views[k][i] - ref[i]).pow(2).sum().item<double>();
    CHECK(inv[i].item<double>() == Approx(expected));
  }
  CHECK(tiae::invariance_term(ref, ref.unsqueeze(0).repeat({4, 1, 1, 1, 1})).abs().max().item<double>() == 0);
  const auto d = torch::tensor({{3.0, -4.0, 0.0}, {1.0, 1.0, 1.0}}, torch::kFloat64);
  const auto spa = tiae::sparseness_term(d);
  CHECK(spa[0].item<double>() == Approx(49.0 / 25.0));  // (3+4)^2 / (9+16)
  CHECK(spa[1].item<double>() == Approx(3.0));          // dense: ||.||_1^2/||.||_2^2 = dimension
}

TEST_CASE("gradients of C_inv and C_res reach every parameter, those of C_spa every encoder parameter") {
  torch::manual_seed(3);
  tiae::NetworkShape shape;
  shape.hidden1 = 64, shape.hidden2 = 32, shape.descriptor = 8;
  tiae::AutoEncoder model(shape);
  const auto digits = digit_like(4, 4).to(torch::kFloat32);
  std::vector<int64_t> xy = {0, 0, 3, -2, -8, 8, 5, 1, 2, 2, -3, 4, 0, -6, 7, 7};
  const auto views = tiae::shift_images(digits.repeat({2, 1, 1, 1}), torch::from_blob(xy.data(), {8, 2}, torch::kLong));
  auto grads_after = [&](const std::string& term) {
    model->zero_grad();
    const auto desc = model->encoder->forward(views);
    const auto recon = model->decoder->forward(desc);
    torch::Tensor loss;
    if (term == "inv") loss = tiae::invariance_term(recon.narrow(0, 0, 4), recon.narrow(0, 4, 4).unsqueeze(0)).mean();
    if (term == "res") loss = tiae::restoration_term(recon, views, M).distance.mean();
    if (term == "spa") loss = tiae::sparseness_term(desc).mean();
    loss.backward();
    std::map<std::string, double> norms;
    for (const auto& p : model->named_parameters())
      norms[p.key()] = p.value().grad().defined() ? p.value().grad().norm().item<double>() : 0.0;
    return norms;
  };
  for (const std::string term : {"inv", "res"})
    for (const auto& [name, norm] : grads_after(term)) {
      INFO(term << " -> " << name);
      CHECK(norm > 0);
    }
  for (const auto& [name, norm] : grads_after("spa")) {
    INFO("spa -> " << name);
    if (name.rfind("encoder.", 0) == 0) CHECK(norm > 0);
    else CHECK(norm == 0);  // the sparseness term depends on E(I) alone
  }
}

TEST_CASE("composite: the formula per pixel, paper where there is no ink, the ink level under full ink") {
  const int n = 4;
  const auto digits = digit_like(n, 9).to(torch::kFloat32);
  torch::manual_seed(10);
  const auto backgrounds = torch::rand({n, 1, S, S});
  const auto look = torch::tensor({0.9f, 0.1f, 0.4f, 0.05f, 0.6f, 1.0f, 1.0f, 0.0f, 0.3f, 0.2f, 0.7f, 0.9f}).view({n, 3});
  const auto c = tiae::composite(digits, backgrounds, look);
  CHECK(torch::equal(c.truth, digits));
  const auto d = as_floats(digits), b = as_floats(backgrounds), img = as_floats(c.image), a = as_floats(look);
  for (int i = 0; i < n; ++i)
    for (int p = 0; p < S * S; ++p) {
      const float ink = a[3 * i], low = a[3 * i + 1], high = a[3 * i + 2], dd = d[i * S * S + p];
      const float paper = low + (high - low) * b[i * S * S + p];
      REQUIRE(img[i * S * S + p] == Approx((1 - dd) * paper + dd * ink).margin(1e-6));
    }
}

TEST_CASE("foreground batches: K background replacements of the same digits, with the digits alone as targets") {
  tiae::TrainConfig config;
  config.kind = tiae::Kind::fg;
  config.views = 3;
  config.max_shift = 0;
  const auto digits = digit_like(5, 11).to(torch::kFloat32);
  const tiae::BackgroundSource noise("noise");
  std::mt19937_64 rng(1);
  const auto batch = tiae::draw_batch(digits, rng, config, &noise);
  REQUIRE(batch.views == 4);
  CHECK(torch::equal(batch.targets, digits.repeat({4, 1, 1, 1})));
  CHECK(batch.inputs.min().item<float>() >= 0);
  CHECK(batch.inputs.max().item<float>() <= 1);
  // every view of a digit has another background
  for (int v = 1; v < 4; ++v) CHECK((batch.inputs.narrow(0, 5 * v, 5) - batch.inputs.narrow(0, 0, 5)).abs().max().item<float>() > 0.1);
  // with shifts, the targets are the shifted digits, and the same generator gives the same batch
  config.max_shift = 8;
  std::mt19937_64 r1(2), r2(2);
  const auto s1 = tiae::draw_batch(digits, r1, config, &noise), s2 = tiae::draw_batch(digits, r2, config, &noise);
  CHECK(torch::equal(s1.inputs, s2.inputs));
  CHECK(s1.targets.sum().item<float>() <= digits.sum().item<float>() * 4 + 1e-3);
  CHECK_FALSE(torch::equal(s1.targets, digits.repeat({4, 1, 1, 1})));
}

TEST_CASE("text windows: lines of the batch's glyphs at any offset, the same in every view") {
  // Glyphs: filled 10x20 boxes placed as MNIST centres its digits.
  const int n = 256;
  auto glyphs = torch::zeros({n, 1, S, S});
  glyphs.narrow(2, 6, 20).narrow(3, 11, 10).fill_(1);
  std::mt19937_64 r1(5), r2(5);
  const auto windows = tiae::text_windows(glyphs, n, r1);
  REQUIRE(windows.sizes() == glyphs.sizes());
  CHECK(torch::equal(windows, tiae::text_windows(glyphs, n, r2)));
  CHECK(windows.min().item<float>() >= 0);
  CHECK(windows.max().item<float>() <= 1);
  // Ink reaches the borders about as often as the middle (centred glyphs never do), and
  // some windows are bare background.
  auto border_ink = [](const torch::Tensor& w) { return w.narrow(3, 0, 4).mean().item<double>() + w.narrow(3, S - 4, 4).mean().item<double>(); };
  auto middle_ink = [](const torch::Tensor& w) { return 2 * w.narrow(2, 12, 8).narrow(3, 12, 8).mean().item<double>(); };
  CHECK(border_ink(glyphs) == 0);
  CHECK(border_ink(windows) > 0.5 * middle_ink(windows));
  const double empty = (windows.flatten(1).amax(1) == 0).to(torch::kFloat64).mean().item<double>();
  CHECK(empty > 0.03);
  CHECK(empty < 0.2);
  // In a foreground batch the window is kept in every view and in the target.
  tiae::TrainConfig config;
  config.kind = tiae::Kind::fg;
  config.layout = tiae::Layout::text;
  config.max_shift = 0;
  const tiae::BackgroundSource noise("noise");
  std::mt19937_64 r3(6);
  const auto batch = tiae::draw_batch(glyphs.narrow(0, 0, 8), r3, config, &noise);
  CHECK(torch::equal(batch.targets.narrow(0, 0, 8), batch.targets.narrow(0, 8, 8)));
  CHECK(batch.targets.narrow(2, 0, 4).sum().item<double>() + batch.targets.narrow(2, S - 4, 4).sum().item<double>() > 0);
}

TEST_CASE("text windows with letters: the asked fraction of glyphs comes from the letters") {
  // Digits are boxes of ink 1, letters boxes of ink 0.5: the share of half-ink pixels in
  // the windows follows the fraction of letters.
  const int n = 128;
  auto digits = torch::zeros({n, 1, S, S}), letters = torch::zeros({40, 1, S, S});
  digits.narrow(2, 6, 20).narrow(3, 11, 10).fill_(1);
  letters.narrow(2, 6, 20).narrow(3, 11, 10).fill_(0.5);
  tiae::TrainConfig config;
  config.kind = tiae::Kind::fg;
  config.layout = tiae::Layout::text;
  config.max_shift = 0;
  const tiae::BackgroundSource noise("noise");
  auto letter_share = [&](double fraction) {
    config.letters = fraction;
    double half = 0, full = 0;
    for (int seed = 0; seed < 4; ++seed) {
      std::mt19937_64 rng(30 + uint64_t(seed));
      const auto t = tiae::draw_batch(digits, rng, config, &noise, letters).targets;
      half += ((t > 0.45) & (t < 0.55)).sum().item<double>();
      full += (t > 0.95).sum().item<double>();
    }
    return half / (half + full);
  };
  const double none = letter_share(0), half = letter_share(0.5), most = letter_share(0.75);
  INFO("share of half-ink pixels: " << none << " " << half << " " << most);
  CHECK(none < 0.25);  // only the edges of the resized digit boxes
  CHECK(half == Approx(0.5).margin(0.1));
  CHECK(most == Approx(0.75).margin(0.1));
  // letters asked for but not given is a programming error, not a silent digit-only batch
  std::mt19937_64 rng(1);
  CHECK_THROWS(tiae::draw_batch(digits, rng, config, &noise));
}

#ifdef TIAE_HAVE_OPENCV
TEST_CASE("font letters: MNIST-sized glyphs from fonts the flyers do not use") {
  const auto fonts = tiae::training_fonts();
  REQUIRE(fonts.size() >= 5);
  // No training font comes from a folder (a Debian package) of the flyers' fonts.
  for (const auto& f : fonts)
    for (const auto& g : tiae::flyer_fonts())
      CHECK(std::filesystem::path(f).parent_path() != std::filesystem::path(g).parent_path());
  const std::string chars = tiae::kTrainingCharacters;
  const auto all = tiae::render_glyphs(fonts, chars);
  const size_t count = all.size() / (S * S);
  CHECK(all.size() % (S * S) == 0);
  CHECK(count >= fonts.size() * chars.size() * 9 / 10);  // fonts lack a few characters at most
  CHECK(*std::min_element(all.begin(), all.end()) >= 0);
  CHECK(*std::max_element(all.begin(), all.end()) <= 1);
  // The box of any ink of each glyph: inside the middle 28 x 28, centred.
  struct Box { int x0 = S, y0 = S, x1 = -1, y1 = -1; };
  auto box_of = [](const float* g, float threshold) {
    Box b;
    for (int y = 0; y < S; ++y)
      for (int x = 0; x < S; ++x)
        if (g[y * S + x] > threshold) b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x), b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y);
    return b;
  };
  for (size_t i = 0; i < count; ++i) {
    const Box b = box_of(&all[i * S * S], 0);
    REQUIRE(b.x1 >= 0);
    CHECK(b.x0 >= 2);
    CHECK(b.y0 >= 2);
    CHECK(b.x1 <= S - 3);
    CHECK(b.y1 <= S - 3);
    CHECK(std::abs((b.x0 + b.x1) - (S - 1)) <= 1);
    CHECK(std::abs((b.y0 + b.y1) - (S - 1)) <= 1);
  }
  // Capitals are about MNIST's 20 px high in every font; a dash keeps its size.
  for (const auto& f : fonts) {
    const auto big = tiae::render_glyphs({f}, "H"), small = tiae::render_glyphs({f}, "-");
    REQUIRE(big.size() == S * S);
    REQUIRE(small.size() == S * S);
    const Box h = box_of(big.data(), 0.5f), o = box_of(small.data(), 0.5f);
    INFO(f << ": H " << h.y1 - h.y0 + 1 << " px, - " << o.y1 - o.y0 + 1 << " px");
    CHECK(h.y1 - h.y0 + 1 >= 18);
    CHECK(h.y1 - h.y0 + 1 <= 22);
    CHECK(o.y1 - o.y0 + 1 <= 6);
  }
}
#endif

TEST_CASE("on CUDA, the objective and its gradients equal the CPU's (skipped without a GPU)") {
  if (!torch::cuda::is_available()) {
    WARN("SKIPPED: no CUDA device, nothing compared");  // ctest counts it as skipped (tests/CMakeLists.txt)
    return;
  }
  const torch::Device gpu(torch::kCUDA);
  // Full float32 on both sides (Hopper's default TF32 convolutions round to 10 bits).
  at::globalContext().setAllowTF32CuDNN(false);
  at::globalContext().setAllowTF32CuBLAS(false);
  torch::manual_seed(9);
  tiae::NetworkShape shape;
  shape.hidden1 = 64, shape.hidden2 = 32, shape.descriptor = 8;
  tiae::AutoEncoder cpu_model(shape), gpu_model(shape);
  {
    torch::NoGradGuard no_grad;
    auto source = cpu_model->parameters(), target = gpu_model->parameters();
    for (size_t i = 0; i < source.size(); ++i) target[i].copy_(source[i]);
  }
  gpu_model->to(gpu);
  const auto digits = digit_like(6, 12).to(torch::kFloat32);
  const tiae::BackgroundSource noise("noise");
  for (const auto kind : {tiae::Kind::tiae, tiae::Kind::fg}) {
    tiae::TrainConfig config;
    config.kind = kind;
    config.max_shift = kind == tiae::Kind::tiae ? 8 : 0;
    if (kind == tiae::Kind::fg) config.layout = tiae::Layout::text;
    // The same generator state gives the same batch on either device.
    std::mt19937_64 r1(4), r2(4);
    const auto on_cpu = tiae::draw_batch(digits, r1, config, &noise);
    const auto on_gpu = tiae::draw_batch(digits.to(gpu), r2, config, &noise);
    REQUIRE(on_gpu.inputs.device().is_cuda());
    CHECK((on_gpu.inputs.cpu() - on_cpu.inputs).abs().max().item<double>() < 1e-6);
    cpu_model->zero_grad(), gpu_model->zero_grad();
    const auto a = tiae::objective(cpu_model, on_cpu, config), b = tiae::objective(gpu_model, on_gpu, config);
    a.loss.backward(), b.loss.backward();
    INFO(tiae::to_string(kind) << ": loss " << a.loss.item<double>() << " vs " << b.loss.item<double>());
    CHECK(std::abs(a.loss.item<double>() - b.loss.item<double>()) < 1e-4 * std::abs(a.loss.item<double>()));
    auto ga = cpu_model->parameters(), gb = gpu_model->parameters();
    for (size_t i = 0; i < ga.size(); ++i)
      CHECK((ga[i].grad() - gb[i].grad().cpu()).abs().max().item<double>() < 1e-3 * (ga[i].grad().abs().max().item<double>() + 1e-6));
  }
  // The exact restoration term's argmin shifts agree too.
  const auto recon = digit_like(6, 13).to(torch::kFloat32), target = digit_like(6, 14).to(torch::kFloat32);
  const auto rc = tiae::restoration_term(recon, target, M), rg = tiae::restoration_term(recon.to(gpu), target.to(gpu), M);
  CHECK(torch::equal(rc.shift, rg.shift.cpu()));
  CHECK((rc.distance - rg.distance.cpu()).abs().max().item<double>() < 1e-3);
}

TEST_CASE("layout text weighs both terms by extract's window weights") {
  const auto w = tiae::extraction_weights(S);
  CHECK(std::abs(w.mean().item<double>() - 1) < 1e-6);
  // the product of sin^2 profiles: high in the middle, near 0 at the border
  const double profile = std::pow(std::sin(M_PI * 15.5 / S), 2), edge = std::pow(std::sin(M_PI * 0.5 / S), 2);
  CHECK(w[15][0].item<double>() / w[15][15].item<double>() == Approx(edge / profile).epsilon(1e-5));
  torch::manual_seed(5);
  tiae::NetworkShape shape;
  shape.hidden1 = 64, shape.hidden2 = 32, shape.descriptor = 8;
  tiae::AutoEncoder model(shape);
  tiae::TrainConfig config;
  config.kind = tiae::Kind::fg;
  config.layout = tiae::Layout::text;
  config.max_shift = 0;
  tiae::Batch batch;
  batch.views = 2;
  batch.inputs = torch::rand({6, 1, S, S});
  batch.targets = digit_like(3, 21).to(torch::kFloat32).repeat({2, 1, 1, 1});
  const auto o = tiae::objective(model, batch, config);
  const auto recon = model->decoder->forward(model->encoder->forward(batch.inputs));
  const auto res = (w * (recon - batch.targets).pow(2)).flatten(1).sum(1).mean();
  const auto inv = (w * (recon.narrow(0, 3, 3) - recon.narrow(0, 0, 3)).pow(2)).flatten(1).sum(1).mean();
  CHECK(o.c_res.item<double>() == Approx(res.item<double>()).epsilon(1e-5));
  CHECK(o.c_inv.item<double>() == Approx(inv.item<double>()).epsilon(1e-5));
}

TEST_CASE("objective equals its formula for each kind, each term under its own lambda weight") {
  // Distinct weights, so that a term under another's weight changes the loss.
  const double l_inv = 0.3, l_res = 2.0, l_spa = 0.05, l_code = 0.7, l_cluster = 1.3;
  using tiae::Kind, tiae::Layout;
  struct Case {
    Kind kind;
    Layout layout;
    int max_shift;
  };
  for (const Case& c : {Case{Kind::tiae, Layout::centred, 8}, Case{Kind::fg, Layout::centred, 0}, Case{Kind::fg, Layout::centred, 8},
                        Case{Kind::fg, Layout::text, 0}, Case{Kind::ae, Layout::centred, 8}}) {
    INFO(tiae::to_string(c.kind) << ", layout " << tiae::to_string(c.layout) << ", max shift " << c.max_shift);
    torch::manual_seed(17);
    tiae::NetworkShape shape;
    shape.hidden1 = 64, shape.hidden2 = 32, shape.descriptor = 8;
    tiae::AutoEncoder model(shape);
    tiae::TrainConfig config;
    config.kind = c.kind;
    config.layout = c.layout;
    config.max_shift = c.max_shift;
    config.lambda_inv = l_inv, config.lambda_res = l_res, config.lambda_spa = l_spa, config.lambda_code = l_code;
    config.lambda_cluster = c.kind == Kind::tiae ? l_cluster : 0;
    const int64_t b = 3, views = c.kind == Kind::ae ? 1 : 3;
    tiae::Batch batch;
    batch.views = views;
    batch.centres = torch::randn({4, shape.descriptor});
    batch.cluster_targets = torch::softmax(torch::randn({b, 4}), 1);
    batch.inputs = torch::rand({views * b, 1, S, S});
    batch.targets = c.kind == Kind::fg ? digit_like(int(b), 40).to(torch::kFloat32).repeat({views, 1, 1, 1}) : batch.inputs;
    const auto o = tiae::objective(model, batch, config);

    const auto desc = model->encoder->forward(batch.inputs).to(torch::kFloat64);
    const auto recon = model->decoder->forward(model->encoder->forward(batch.inputs)).to(torch::kFloat64);
    const auto target = batch.targets.to(torch::kFloat64);
    if (c.kind == Kind::ae) {
      const double rec = (recon - target).pow(2).sum().item<double>() / double(b);
      CHECK(o.c_rec.item<double>() == Approx(rec).epsilon(1e-4));
      CHECK(o.loss.item<double>() == Approx(rec).epsilon(1e-4));
      continue;
    }
    // Each pixel's weight: 1, or extract's window weight for layout text.
    const auto w = c.layout == Layout::text ? tiae::extraction_weights(S).to(torch::kFloat64) : torch::ones({S, S}, torch::kFloat64);
    double inv = 0, res = 0, spa = 0;
    for (int64_t i = 0; i < b; ++i)
      for (int64_t v = 1; v < views; ++v) inv += (w * (recon[v * b + i] - recon[i]).pow(2)).sum().item<double>();
    const auto res_each = c.max_shift > 0 ? tiae::restoration_term_by_loop(recon, target, c.max_shift).distance
                                          : (w * (recon - target).pow(2)).flatten(1).sum(1);
    res = res_each.sum().item<double>();
    for (int64_t i = 0; i < views * b; ++i) {
      const double l1 = desc[i].abs().sum().item<double>(), l2 = desc[i].pow(2).sum().item<double>();
      spa += l1 * l1 / l2;
    }
    inv /= double(b), res /= double(views * b), spa /= double(views * b);
    double same = 0, apart = 0;  // the code's invariance: views against view 0, view 0 against the previous digit's
    for (int64_t i = 0; i < b; ++i) {
      for (int64_t v = 1; v < views; ++v) same += (desc[v * b + i] - desc[i]).pow(2).sum().item<double>();
      apart += (desc[i] - desc[(i + b - 1) % b]).pow(2).sum().item<double>();
    }
    const double code = (same / double((views - 1) * b)) / (apart / double(b));
    double cluster = 0;  // KL(p || q) of every view against its digit's target, q by Student's t
    for (int64_t i = 0; i < views * b; ++i) {
      const auto kernel = 1 / (1 + (desc[i].unsqueeze(0) - batch.centres.to(torch::kFloat64)).pow(2).sum(1));
      const auto q = kernel / kernel.sum(), p = batch.cluster_targets[i % b].to(torch::kFloat64);
      cluster += (p * (p / q).log()).sum().item<double>();
    }
    cluster = c.kind == Kind::tiae ? cluster / double(views * b) : 0;
    CHECK(o.c_inv.item<double>() == Approx(inv).epsilon(1e-4));
    CHECK(o.c_res.item<double>() == Approx(res).epsilon(1e-4));
    CHECK(o.c_spa.item<double>() == Approx(spa).epsilon(1e-4));
    CHECK(o.c_code.item<double>() == Approx(code).epsilon(1e-4));
    CHECK(o.c_cluster.item<double>() == Approx(cluster).epsilon(1e-4));
    CHECK(o.loss.item<double>() == Approx(l_inv * inv + l_res * res + l_spa * spa + l_code * code + l_cluster * cluster).epsilon(1e-4));
  }
}

TEST_CASE("foreground composites: ink at its level under full ink, in both polarities, paper elsewhere") {
  // A digit of full ink in a known square: there the input is the ink level; outside, the paper.
  auto digits = torch::zeros({64, 1, S, S});
  digits.narrow(2, 10, 12).narrow(3, 10, 12).fill_(1);
  tiae::TrainConfig config;
  config.kind = tiae::Kind::fg;
  config.views = 1;
  config.max_shift = 0;
  const tiae::BackgroundSource noise("noise");
  std::mt19937_64 rng(8), replay(8);
  const auto batch = tiae::draw_batch(digits, rng, config, &noise);
  // The same draws, replayed as draw_batch makes them: a background, then an appearance.
  int dark_ink = 0, light_ink = 0;
  std::vector<float> bg(S * S);
  for (int64_t i = 0; i < batch.inputs.size(0); ++i) {
    noise.draw(replay, bg.data(), S);
    const auto a = tiae::random_appearance(replay);
    const auto img = batch.inputs[i][0];
    REQUIRE(img[16][16].item<float>() == Approx(a.ink).margin(1e-6));
    const float paper = a.paper_low + (a.paper_high - a.paper_low) * bg[2 * S + 3];
    REQUIRE(img[2][3].item<float>() == Approx(paper).margin(1e-6));
    // at least 0.3 from the paper's middle level, on either side
    const float middle = (a.paper_low + a.paper_high) / 2;
    CHECK(std::abs(a.ink - middle) >= 0.3f - 1e-6f);
    (a.ink < middle ? dark_ink : light_ink) += 1;
  }
  CHECK(dark_ink > 16);
  CHECK(light_ink > 16);
}

TEST_CASE("bfloat16 network arithmetic: the terms stay float32 and near float32's, the gradients point the same way") {
  torch::manual_seed(23);
  tiae::AutoEncoder model(tiae::NetworkShape{});  // the released network: the products autocast takes
  tiae::TrainConfig config;
  const int64_t b = 16, views = 3;
  tiae::Batch batch;
  batch.views = views;
  batch.inputs = batch.targets = tiae::shift_images(digit_like(int(b), 3).to(torch::kFloat32).repeat({views, 1, 1, 1}),
                                                    torch::randint(-8, 9, {views * b, 2}, torch::kLong));
  const auto run = [&](tiae::Precision p) {
    config.precision = p;
    model->zero_grad();
    const auto o = tiae::objective(model, batch, config);
    o.loss.backward();
    return std::pair{o, model->encoder->named_parameters()["fc1.weight"].grad().clone()};
  };
  const auto [wide, wide_grad] = run(tiae::Precision::float32);
  const auto [narrow, narrow_grad] = run(tiae::Precision::bfloat16);
  CHECK(narrow.loss.scalar_type() == torch::kFloat32);
  CHECK(narrow.c_res.scalar_type() == torch::kFloat32);
  CHECK(narrow.loss.item<double>() == Approx(wide.loss.item<double>()).epsilon(0.02));
  CHECK(narrow.c_res.item<double>() == Approx(wide.c_res.item<double>()).epsilon(0.02));
  CHECK(narrow.loss.item<double>() != wide.loss.item<double>());  // bfloat16 did run
  const double cosine = (wide_grad * narrow_grad).sum().item<double>() / (wide_grad.norm() * narrow_grad.norm()).item<double>();
  CHECK(cosine > 0.99);
  CHECK(!at::autocast::is_cpu_enabled());  // and is off again after the objective
}
