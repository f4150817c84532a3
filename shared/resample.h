// The one resampler of the core, for photos (extraction rescales them so their glyphs come
// out at the model's size, and back) and drawings (the canvas becomes the network's 32x32
// input). Area averaging when shrinking: each output pixel is the mean of the input area it
// covers, so a brush stroke about 1/13 of the canvas wide becomes ~2.5 px, as thick as
// MNIST's strokes. Bilinear (pixel centres aligned, edges clamped) when enlarging. Each axis
// on its own.
#pragma once
#include <vector>

namespace tiae {

// `pixels`: width x height row-major values. Returns out_width x out_height values.
// Throws std::invalid_argument for an empty size.
std::vector<float> resize_image(const float* pixels, int width, int height, int out_width, int out_height);

// A drawing of any size as the network's size x size input: resized so that its longer side
// fills the output, the shorter one centred (to the nearest input pixel) with zero margins,
// so the position of the drawing is kept (the demo is about shifts), and its aspect too.
std::vector<float> resample_area(const float* pixels, int width, int height, int size = 32);

}  // namespace tiae
