// Training windows that look like what `tiae extract` slides over a page: lines of
// glyphs (digits of the batch, and font letters if asked) at a random size, with word and
// letter gaps, cut by the window's borders at any offset, sometimes an isolated glyph or
// no ink at all. A model restored to these windows keeps ink where it is, which is what
// averaging overlapping windows needs; one trained on centred digits draws a centred
// digit into every window.
#pragma once
#include <torch/torch.h>

#include <random>

namespace tiae {

// glyphs [G, 1, S, S] in [0, 1] (digits or letters on a zero background, any device) ->
// [count, 1, S, S] windows on the same device, each made of glyphs drawn at random;
// all randomness comes from `rng`.
torch::Tensor text_windows(const torch::Tensor& glyphs, int64_t count, std::mt19937_64& rng);

}  // namespace tiae

namespace tiae {

// Layout "document": windows over lines of glyphs as `tiae document` slides them over a
// page, each image centred on one glyph of a line (its centre of mass at the window's
// centre, neighbours on its line and lines above and below), cut from the page
// at each view's shift: view v of image n is window(y, x) = page(y - dy, x - dx) for
// shifts[v * count + n] = (dx, dy), i.e. T(dx, dy) of the centred window, with real
// neighbours instead of zeros where the shift uncovers the border. A fraction `touching`
// of the lines (the centre glyph's among them) set their glyphs closer than touching, their
// boxes overlapping by up to a sixth of a glyph, as tight print and hurried hands do.
// glyphs [G, 1, S, S]; shifts [views * count, 2] int64 -> [views * count, 1, S, S],
// view-major, on the glyphs' device.
torch::Tensor centred_glyph_windows(const torch::Tensor& glyphs, int64_t count, const torch::Tensor& shifts, double touching,
                                    std::mt19937_64& rng);

}  // namespace tiae
