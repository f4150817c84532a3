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
