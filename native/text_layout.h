// Training windows that look like what `tiae extract` slides over a page: lines of
// glyphs (digits of the batch) at a random size, with word and letter gaps, cut by the
// window's borders at any offset, sometimes an isolated glyph or no ink at all. A model
// restored to these windows keeps ink where it is, which is what averaging overlapping
// windows needs; one trained on centred digits draws a centred digit into every window.
#pragma once
#include <torch/torch.h>

#include <random>

namespace tiae {

// digits [N, 1, S, S] in [0, 1] (glyphs on a zero background, any device) ->
// [N, 1, S, S] windows on the same device, each made of digits of the batch drawn at
// random; all randomness comes from `rng`.
torch::Tensor text_windows(const torch::Tensor& digits, std::mt19937_64& rng);

}  // namespace tiae
