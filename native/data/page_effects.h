// What light and a camera do to a page, shared by the hard evaluation pages (flyers.h) and
// the training pages (training_pages.h). Every random draw comes from `rng`, in a fixed order.
#pragma once
#include <opencv2/core.hpp>
#include <random>

namespace tiae {

// The light on a page of w x h: a ramp across it and one soft shadow (float, about 0.3..1.1).
cv::Mat page_light(int w, int h, std::mt19937_64& rng);

// What a camera makes of the lit page (float BGR): blur, sensor noise (seeded by
// `noise_seed`), JPEG; 8-bit BGR.
cv::Mat photographed(cv::Mat lit, int noise_seed, std::mt19937_64& rng);

}  // namespace tiae
