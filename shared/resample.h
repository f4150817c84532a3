// Resampling a drawing (or any grayscale image) of any size to the network's square input
// by area averaging: each output pixel is the mean of the input area it covers, so a
// brush stroke about 1/13 of the canvas wide becomes ~2.5 px, as thick as MNIST's strokes.
// The position of the drawing is kept (the demo is about shifts), the aspect ratio too:
// the longer side fills the output, the shorter one is centred with zero margins.
#pragma once
#include <vector>

namespace tiae {

// `pixels`: width x height row-major values in [0, 1]. Returns size x size values.
std::vector<float> resample_area(const float* pixels, int width, int height, int size = 32);

}  // namespace tiae
