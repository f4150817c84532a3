// Man-made structure behind the ink of a training page (training_pages.h): bricks and tiles,
// lattices, stripes, wires and edges, rings, star bursts of light. Photos of walls, towers and
// façades are full of thin straight strokes of either polarity that are not ink; drawn into
// the background of one view and not the other, they are part of the background change the
// extractor learns to ignore (docs/method.md, "Clutter and colour").
#pragma once
#include <opencv2/core.hpp>
#include <random>

namespace tiae {

// Draws one random kind of structure into `paper` (float BGR in [0, 1]) of a page whose
// glyphs are `glyph` px high: strokes of 4% to 25% of the glyph size, spaced 1 to 5 glyphs,
// in a dark or light colour, over all of the page or a part of it, then seen in perspective.
void add_clutter(cv::Mat& paper, double glyph, std::mt19937_64& rng);

}  // namespace tiae
