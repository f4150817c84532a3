// Paper as pages come, for the document evaluation's grainy pages (document_pages.h): a
// tone, grain (fibres a pixel or two across and sensor noise), water stains and foxing, a
// ramp of light with a shadow, and JPEG. Every random draw comes from `rng`, in a fixed order.
#pragma once
#include <opencv2/core.hpp>
#include <random>
#include <vector>

namespace tiae {

// `ink`: CV_32F coverage in [0, 1]; returns the page's gray (dark ink on the paper), in [0, 1].
std::vector<float> on_grainy_paper(const cv::Mat& ink, std::mt19937_64& rng);

}  // namespace tiae
