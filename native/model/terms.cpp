#include "model/terms.h"

#include "model/digit_styles.h"
#include "model/precision.h"

#include "extract.h"
#include "data/text_layout.h"

namespace tiae {

torch::Tensor shift_images(const torch::Tensor& images, const torch::Tensor& shifts) {
  const int64_t n = images.size(0), c = images.size(1), s = images.size(2);
  const int64_t side = 3 * s;  // pad by S on every side: any |shift| <= S stays inside
  auto padded = torch::constant_pad_nd(images, {s, s, s, s}).reshape({n, c, side * side});
  const auto opts = torch::TensorOptions().dtype(torch::kLong).device(images.device());
  auto ys = torch::arange(s, opts).view({1, s, 1});
  auto xs = torch::arange(s, opts).view({1, 1, s});
  auto sh = shifts.to(images.device(), torch::kLong);
  auto dx = sh.select(1, 0).view({n, 1, 1}), dy = sh.select(1, 1).view({n, 1, 1});
  // Source pixel of out(y, x) is (y - dy, x - dx), at (y - dy + S, x - dx + S) when padded.
  auto index = ((ys - dy + s) * side + (xs - dx + s)).reshape({n, 1, s * s}).expand({n, c, s * s});
  return padded.gather(2, index).view({n, c, s, s});
}

torch::Tensor random_shifts(int64_t n, int max_shift, std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> shift(-max_shift, max_shift);
  std::vector<int64_t> xy(size_t(n) * 2);
  for (auto& v : xy) v = shift(rng);
  return torch::from_blob(xy.data(), {n, 2}, torch::kLong).clone();
}

torch::Tensor invariance_term(const torch::Tensor& reference, const torch::Tensor& views) {
  return (views - reference.unsqueeze(0)).pow(2).flatten(2).sum(std::vector<int64_t>{0, 2});
}

torch::Tensor code_invariance_term(const torch::Tensor& descriptors, int64_t views) {
  const int64_t n = descriptors.size(0) / views;
  if (views < 2 || n < 2) throw std::invalid_argument("code_invariance_term: needs 2 views of 2 digits or more");
  const auto codes = descriptors.reshape({views, n, -1});
  const auto reference = codes.select(0, 0);
  const auto same = (codes.narrow(0, 1, views - 1) - reference.unsqueeze(0)).pow(2).sum(-1).mean();
  const auto different = (reference - reference.roll(1, 0)).pow(2).sum(-1).mean();
  return same / different.clamp_min(1e-12);
}

torch::Tensor soft_assignment(const torch::Tensor& descriptors, const torch::Tensor& centres) {
  const auto kernel = 1.0 / (1.0 + torch::cdist(descriptors, centres).pow(2));
  return kernel / kernel.sum(1, true);
}

torch::Tensor sharpened_targets(const torch::Tensor& q) {
  const auto weighed = q.pow(2) / q.sum(0, true);
  return weighed / weighed.sum(1, true);
}

torch::Tensor clustering_term(const torch::Tensor& descriptors, const torch::Tensor& centres, const torch::Tensor& targets,
                              int64_t views) {
  const int64_t n = targets.size(0);
  if (descriptors.size(0) != views * n) throw std::invalid_argument("clustering_term: a target for every digit of every view");
  const auto q = soft_assignment(descriptors, centres).clamp_min(1e-12);
  const auto p = targets.repeat({views, 1});
  return (p * (p.clamp_min(1e-12).log() - q.log())).sum(1).mean();
}

Restoration restoration_term(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift) {
  const int64_t n = reconstruction.size(0), c = reconstruction.size(1), s = reconstruction.size(2);
  const int64_t m = max_shift, side = 2 * m + 1;
  Restoration r;
  {
    // The best shift of each image: <D, T I> for every shift is one grouped convolution
    // (groups = N: image n's padded input meets only its own reconstruction as the kernel).
    // No gradient flows through it: autograd's backward of a convolution with N groups was
    // the costliest op of a training step (docs/method.md, "Exact restoration on the extended canvas").
    torch::NoGradGuard no_grad;
    auto input = torch::constant_pad_nd(target, {m, m, m, m}).reshape({1, n * c, s + 2 * m, s + 2 * m});
    auto corr = torch::nn::functional::conv2d(input, reconstruction, torch::nn::functional::Conv2dFuncOptions().groups(n)).view({n, side * side});
    // out(i, j) = sum D(u, v) I(u + i - m, v + j - m) = <D, T I> with dy = m - i, dx = m - j.
    const auto best_index = corr.argmax(1);
    const auto row = best_index.floor_divide(side), col = best_index - row * side;
    r.shift = torch::stack({m - col, m - row}, 1);
  }
  // The minimum itself, at that shift: ||D||^2 + ||I||^2 - 2 <D, T I> on the extended canvas
  // (D is zero outside the window, so <D, T I> needs T I inside it only). Its value and its
  // gradient are those of the minimum over all shifts, which routes the gradient to the
  // best shift alone.
  const auto energy = reconstruction.pow(2).flatten(1).sum(1) + target.pow(2).flatten(1).sum(1);
  r.distance = energy - 2 * (reconstruction * shift_images(target, r.shift)).flatten(1).sum(1);
  return r;
}

torch::Tensor turn_images(const torch::Tensor& images, const torch::Tensor& angles, const torch::Tensor& scales, int64_t out_side) {
  const int64_t n = images.size(0), s = images.size(2);
  const auto opts = images.options().dtype(torch::kFloat32);
  const double c = (s - 1) / 2.0, o = (out_side - s) / 2.0;
  // q - c for every output pixel, in window coordinates; then p = c + M(-angle) (q - c) / scale.
  const auto axis = torch::arange(out_side, opts) - (o + c);
  const auto qx = axis.view({1, 1, out_side}), qy = axis.view({1, out_side, 1});
  const auto a = (angles.to(opts) * (M_PI / 180)).view({n, 1, 1}), k = scales.to(opts).view({n, 1, 1}).reciprocal();
  const auto px = c + (a.cos() * qx - a.sin() * qy) * k, py = c + (a.sin() * qx + a.cos() * qy) * k;
  // grid_sample with align_corners: -1 and 1 are the centres of the first and last pixels.
  const auto grid = torch::stack({px, py}, 3) * (2.0 / (s - 1)) - 1;
  namespace F = torch::nn::functional;
  return F::grid_sample(images, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
}

Restoration restoration_term(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift,
                             const TransformGrid& grid) {
  if (grid.identity()) {
    auto r = restoration_term(reconstruction, target, max_shift);
    r.transform = torch::zeros({reconstruction.size(0)}, torch::kLong);
    return r;
  }
  const int64_t n = reconstruction.size(0), c = reconstruction.size(1), s = reconstruction.size(2);
  const int64_t m = max_shift, w = 2 * m + 1;
  const int64_t side = std::max<int64_t>(turned_canvas_side(int(s), *std::max_element(grid.scales.begin(), grid.scales.end())), s + 2 * m);
  const int64_t o = (side - s) / 2;
  const auto energy = reconstruction.pow(2).flatten(1).sum(1);
  const auto opts = target.options().dtype(torch::kFloat32);
  Restoration r;
  {
    // Every transform's distance, [N, G * w^2] in transform_distances' order: per grid point
    // one turn of the targets, the energy of all of it, and the grouped convolution of
    // restoration_term over the extended canvas's middle (S + 2m)^2.
    torch::NoGradGuard no_grad;
    const auto kernel = reconstruction.detach();
    std::vector<torch::Tensor> all;
    for (int g = 0; g < grid.size(); ++g) {
      const auto turned = turn_images(target, torch::full({n}, grid.angle(g), opts), torch::full({n}, grid.scale(g), opts), side);
      const auto middle = turned.narrow(2, o - m, s + 2 * m).narrow(3, o - m, s + 2 * m).reshape({1, n * c, s + 2 * m, s + 2 * m});
      // out(i, j) = <D, shift(m - j, m - i) turned>: flipped, the index is (dy + m) w + dx + m.
      const auto corr = torch::nn::functional::conv2d(middle, kernel, torch::nn::functional::Conv2dFuncOptions().groups(n))
                            .view({n, w, w}).flip({1, 2}).reshape({n, w * w});
      all.push_back(energy.detach().view({n, 1}) + turned.pow(2).flatten(1).sum(1, true) - 2 * corr);
    }
    const auto best = torch::cat(all, 1).argmin(1);
    r.transform = best.floor_divide(w * w);
    const auto rest = best - r.transform * (w * w), row = rest.floor_divide(w);
    r.shift = torch::stack({rest - row * w - m, row - m}, 1);
  }
  // The minimum at the best transform, with its gradient through D (as restoration_term).
  std::vector<float> angle(static_cast<size_t>(n)), scale(static_cast<size_t>(n));
  const auto t = r.transform.to(torch::kCPU).contiguous();
  for (int64_t i = 0; i < n; ++i) angle[size_t(i)] = grid.angle(int(t[i].item<int64_t>())), scale[size_t(i)] = grid.scale(int(t[i].item<int64_t>()));
  const auto turned = turn_images(target, torch::from_blob(angle.data(), {n}).clone().to(opts.device()),
                                  torch::from_blob(scale.data(), {n}).clone().to(opts.device()), side);
  const auto window = shift_images(turned, r.shift).narrow(2, o, s).narrow(3, o, s);
  r.distance = energy + turned.pow(2).flatten(1).sum(1) - 2 * (reconstruction * window).flatten(1).sum(1);
  return r;
}

Restoration restoration_term_by_loop(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift,
                                     const TransformGrid& grid) {
  const int64_t n = reconstruction.size(0), c = reconstruction.size(1), s = reconstruction.size(2), m = max_shift;
  const int64_t side = turned_canvas_side(int(s), *std::max_element(grid.scales.begin(), grid.scales.end())) + 2 * m;
  const int64_t o = (side - s) / 2;
  const auto canvas_d = torch::constant_pad_nd(reconstruction, {o, o, o, o});
  const auto opts = target.options().dtype(torch::kFloat64);
  torch::Tensor best, best_shift, best_g;
  for (int g = 0; g < grid.size(); ++g)
    for (int64_t dy = -m; dy <= m; ++dy)
      for (int64_t dx = -m; dx <= m; ++dx) {
        // T I on the canvas: p_n = 2 M(-a) (k x_n - d) / ((S - 1) s) with k = (side - 1) / 2,
        // x_n the canvas's normalised coordinates (docs/method.md, "Rotation and scale").
        const double a = grid.angle(g) * M_PI / 180, ca = std::cos(a), sa = std::sin(a), f = 2.0 / ((s - 1) * grid.scale(g));
        const double k = (side - 1) / 2.0;
        const double theta[6] = {f * k * ca, -f * k * sa, -f * (ca * dx - sa * dy), f * k * sa, f * k * ca, -f * (sa * dx + ca * dy)};
        const auto affine = torch::from_blob(const_cast<double*>(theta), {1, 2, 3}, torch::kFloat64).to(opts).expand({n, 2, 3});
        const auto sample = torch::nn::functional::affine_grid(affine, {n, c, side, side}, true);
        const auto moved = torch::nn::functional::grid_sample(
            target.to(torch::kFloat64), sample,
            torch::nn::functional::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
        const auto d = (canvas_d.to(torch::kFloat64) - moved).pow(2).flatten(1).sum(1);
        const auto here = torch::tensor({dx, dy}, torch::kLong).view({1, 2}).expand({n, 2});
        if (!best.defined()) {
          best = d, best_shift = here.clone(), best_g = torch::full({n}, int64_t(g), torch::kLong);
        } else {
          const auto better = d < best;
          best = torch::where(better, d, best);
          best_shift = torch::where(better.view({n, 1}), here, best_shift);
          best_g = torch::where(better, torch::full({n}, int64_t(g), torch::kLong), best_g);
        }
      }
  return {best.to(torch::kFloat32), best_shift, best_g};
}

Restoration restoration_term_by_loop(const torch::Tensor& reconstruction, const torch::Tensor& target, int max_shift) {
  const int64_t n = reconstruction.size(0), s = reconstruction.size(2), m = max_shift;
  // Both images on the extended canvas: the reconstruction is zero outside the window.
  auto canvas_d = torch::constant_pad_nd(reconstruction, {m, m, m, m});
  auto canvas_i = torch::constant_pad_nd(target, {2 * m, 2 * m, 2 * m, 2 * m});
  torch::Tensor best, best_dx, best_dy;
  for (int64_t dy = -m; dy <= m; ++dy)
    for (int64_t dx = -m; dx <= m; ++dx) {
      // T(dx, dy) I on the extended canvas: I(y - dy, x - dx).
      auto shifted = canvas_i.narrow(2, m - dy, s + 2 * m).narrow(3, m - dx, s + 2 * m);
      auto d = (canvas_d - shifted).pow(2).flatten(1).sum(1);
      if (!best.defined()) {
        best = d;
        best_dx = torch::full({n}, dx, torch::kLong);
        best_dy = torch::full({n}, dy, torch::kLong);
      } else {
        auto better = d < best;
        best = torch::where(better, d, best);
        best_dx = torch::where(better.cpu(), torch::full({n}, dx, torch::kLong), best_dx);
        best_dy = torch::where(better.cpu(), torch::full({n}, dy, torch::kLong), best_dy);
      }
    }
  return {best, torch::stack({best_dx, best_dy}, 1), torch::zeros({n}, torch::kLong)};
}

torch::Tensor sparseness_term(const torch::Tensor& descriptors) {
  return descriptors.abs().sum(1).pow(2) / (descriptors.pow(2).sum(1) + 1e-8);
}

Composite composite(const torch::Tensor& digits, const torch::Tensor& backgrounds, const torch::Tensor& appearance) {
  const auto a = appearance.to(digits.device(), torch::kFloat32).view({-1, 3, 1, 1});
  const auto ink = a.select(1, 0).unsqueeze(1), low = a.select(1, 1).unsqueeze(1), high = a.select(1, 2).unsqueeze(1);
  const auto paper = low + (high - low) * backgrounds.to(digits.device());
  return {(1 - digits) * paper + digits * ink, digits};
}

namespace {
// Each image turned by its own random angle in [-max_rotation, max_rotation] and scale
// max_scale^u, u uniform in [-1, 1], within its window (then shifted as any view).
torch::Tensor turn_at_random(const torch::Tensor& images, std::mt19937_64& rng, const TrainConfig& config) {
  const int64_t n = images.size(0);
  std::uniform_real_distribution<double> unit(-1, 1);
  std::vector<float> angle(static_cast<size_t>(n)), scale(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    angle[size_t(i)] = float(config.max_rotation * unit(rng));
    scale[size_t(i)] = float(std::pow(config.max_scale, unit(rng)));
  }
  const auto on = [&](std::vector<float>& v) { return torch::from_blob(v.data(), {n}).clone().to(images.device()); };
  return turn_images(images, on(angle), on(scale), images.size(2));
}
}  // namespace

Batch draw_batch(const torch::Tensor& digits, std::mt19937_64& rng, const TrainConfig& config,
                 const BackgroundSource* backgrounds, const torch::Tensor& letters) {
  const int64_t bs = digits.size(0), s = digits.size(2);
  Batch batch;
  batch.views = config.kind == Kind::ae ? 1 : config.views + 1;
  std::vector<int64_t> shift_values(size_t(batch.views * bs * 2), 0);
  std::uniform_int_distribution<int64_t> shift_dist(-config.max_shift, config.max_shift);
  if (config.max_shift > 0)
    for (auto& v : shift_values) v = shift_dist(rng);
  // Layouts "text" and "document": windows over lines of glyphs (text_layout.h). With
  // letters, the glyphs are the batch's digits and enough random letters to make up the
  // asked fraction of them.
  auto glyphs = digits;
  if (config.layout != Layout::centred && config.letters > 0) {
    if (!letters.defined() || letters.size(0) == 0) throw std::logic_error("draw_batch: letters asked for but none given");
    const auto count = int64_t(std::lround(double(bs) * config.letters / (1 - config.letters)));
    std::vector<int64_t> pick(static_cast<size_t>(count));
    for (auto& i : pick) i = int64_t(rng() % uint64_t(letters.size(0)));
    const auto index = torch::from_blob(pick.data(), {count}, torch::kLong).clone().to(letters.device());
    glyphs = torch::cat({digits, letters.index_select(0, index).to(digits.device())});
  }
  const auto shifts = torch::from_blob(shift_values.data(), {batch.views * bs, 2}, torch::kLong).clone();
  torch::Tensor shifted;
  if (config.layout == Layout::document) {  // each view cut from the page at its shift
    shifted = centred_glyph_windows(glyphs, bs, shifts, config.touching, rng);
  } else {  // the same window in every view and in the target, shifted with zero fill
    const auto placed =
        config.layout == Layout::text ? text_windows(glyphs, bs, rng) : restyle_digits(digits, config.digit_styles, rng);
    shifted = placed.repeat({batch.views, 1, 1, 1});
    if (!transform_grid(config).identity()) shifted = turn_at_random(shifted, rng, config);
    if (config.max_shift > 0) shifted = shift_images(shifted, shifts);
  }
  if (config.kind != Kind::fg) {
    batch.inputs = batch.targets = shifted;
    return batch;
  }
  if (!backgrounds) throw std::logic_error("draw_batch: kind fg needs backgrounds");
  const int64_t n = batch.views * bs;
  std::vector<float> bg(size_t(n * s * s)), look(size_t(n * 3));
  for (int64_t i = 0; i < n; ++i) {
    backgrounds->draw(rng, &bg[size_t(i * s * s)], int(s));
    const Appearance a = random_appearance(rng);
    look[size_t(3 * i)] = a.ink;
    look[size_t(3 * i + 1)] = a.paper_low;
    look[size_t(3 * i + 2)] = a.paper_high;
  }
  const auto c = composite(shifted, torch::from_blob(bg.data(), {n, 1, s, s}).clone(), torch::from_blob(look.data(), {n, 3}).clone());
  batch.inputs = c.image;
  batch.targets = c.truth;
  return batch;
}

TrainConfig protocol_placements(const TrainConfig& model) {
  TrainConfig one = model;
  one.kind = Kind::ae, one.layout = Layout::centred, one.digit_styles = 0;
  return one;
}

Batch draw_page_batch(const PageBank& pages, int64_t count, std::mt19937_64& rng, const TrainConfig& config) {
  const int s = config.network.size, side = pages.side, views = pages.views, channels = pages.channels;
  if (s > side) throw std::logic_error("draw_page_batch: crops larger than the bank's pages");
  const size_t crop = size_t(s) * s;
  std::vector<float> in(size_t(views * count) * channels * crop), truth(size_t(count) * crop);
  for (int64_t i = 0; i < count; ++i) {
    const int p = int(rng() % uint64_t(pages.count));
    const int x0 = int(rng() % uint64_t(side - s + 1)), y0 = int(rng() % uint64_t(side - s + 1));
    const int turn = int(rng() % 4);
    const bool mirror = rng() & 1;
    // Output (y, x) reads the page at the crop's (u, v): turned, then mirrored.
    const auto source = [&](int y, int x) {
      if (mirror) x = s - 1 - x;
      const int u = turn == 0 ? x : turn == 1 ? s - 1 - y : turn == 2 ? s - 1 - x : y;
      const int v = turn == 0 ? y : turn == 1 ? x : turn == 2 ? s - 1 - y : s - 1 - x;
      return size_t(y0 + v) * side + x0 + u;
    };
    for (int y = 0; y < s; ++y)
      for (int x = 0; x < s; ++x) {
        const size_t from = source(y, x), to = size_t(y) * s + x;
        truth[size_t(i) * crop + to] = pages.truth(p)[from] / 255.0f;
        for (int v = 0; v < views; ++v)
          for (int c = 0; c < channels; ++c)
            in[(size_t(v * count + i) * channels + c) * crop + to] = pages.image(p, v)[c * pages.plane() + from] / 255.0f;
      }
  }
  Batch batch;
  batch.views = views;
  batch.inputs = torch::from_blob(in.data(), {views * count, channels, s, s}).clone();
  batch.targets = torch::from_blob(truth.data(), {count, 1, s, s}).clone().repeat({views, 1, 1, 1});
  return batch;
}

torch::Tensor extraction_weights(int64_t size) {
  std::vector<float> w(static_cast<size_t>(size));
  for (int64_t i = 0; i < size; ++i) w[size_t(i)] = window_weight(int(i), int(size));
  const auto axis = torch::from_blob(w.data(), {size}).clone();
  const auto plane = axis.view({size, 1}) * axis.view({1, size});
  return plane / plane.mean();
}

Objective objective(AutoEncoder& model, const Batch& batch, const TrainConfig& config) {
  const auto& inputs = batch.inputs;
  const int64_t views = batch.views, bs = inputs.size(0) / views, s = inputs.size(2);
  torch::Tensor descriptors, recon;
  {
    const NetworkPrecision precision(config.precision, inputs.device());
    descriptors = model->encoder->forward(inputs);
    recon = model->decoder->forward(descriptors);
  }
  // The terms in float32 whatever the network's arithmetic: the exact shift search must
  // not decide between shifts on bfloat16 correlations.
  descriptors = descriptors.to(torch::kFloat32);
  recon = recon.to(torch::kFloat32);
  Objective o;
  if (config.kind == Kind::ae) {
    o.c_rec = (recon - inputs).pow(2).flatten(1).sum(1).mean();
    o.loss = o.c_rec;
    return o;
  }
  // Layout "text": errors weighted as `extract` weighs a window's outputs (window_weight,
  // mean 1), so the network spends itself on the middle, which decides the page.
  torch::Tensor out = recon, targets = batch.targets;
  if (config.layout == Layout::text || (config.layout == Layout::page && config.network.arch == Architecture::dense)) {
    const auto root = extraction_weights(s).to(recon.device()).sqrt();
    out = recon * root;
    targets = targets * root;
  }
  const auto reference = out.narrow(0, 0, bs);
  o.c_inv = invariance_term(reference, out.narrow(0, bs, (views - 1) * bs).view({views - 1, bs, -1, s, s})).mean();
  o.c_res = config.max_shift > 0 ? restoration_term(out, targets, config.max_shift, transform_grid(config)).distance.mean()
                                 : (out - targets).pow(2).flatten(1).sum(1).mean();
  o.c_spa = sparseness_term(descriptors.flatten(1)).mean();
  // only when weighed: the slides' objective pays nothing for it (a last batch of one digit has no pair)
  o.c_code = config.lambda_code > 0 && views > 1 && bs > 1 ? code_invariance_term(descriptors, views) : torch::zeros({}, o.c_spa.options());
  o.c_cluster = config.lambda_cluster > 0 ? clustering_term(descriptors, batch.centres, batch.cluster_targets, views)
                                          : torch::zeros({}, o.c_spa.options());
  o.loss = config.lambda_inv * o.c_inv + config.lambda_res * o.c_res + config.lambda_spa * o.c_spa + config.lambda_code * o.c_code +
           config.lambda_cluster * o.c_cluster;
  return o;
}

}  // namespace tiae
