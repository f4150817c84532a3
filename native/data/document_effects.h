// What old paper, pens and scanners do to a document, for the training pages that look like
// real documents (training_pages.h): joined-up handwriting, inks of documents, ruled and
// squared paper, stains, foxing, show-through, a scanner. Every random draw comes from
// `rng`, in a fixed order. Images are CV_32FC3 BGR in [0, 1] unless said otherwise.
#pragma once
#include <opencv2/core.hpp>
#include <random>

namespace tiae {

// Lines of joined-up handwriting on a w x h canvas: a pen that runs right along each line in
// loops, arcs, ascenders and descenders (Catmull-Rom curves through random points), words
// `glyph` px high with a pen `pen` px wide. CV_32F ink coverage in [0, 1].
cv::Mat cursive_ink(int w, int h, double glyph, double pen, std::mt19937_64& rng);

// How much light an ink lets through, per colour (BGR, multiplied into the paper): iron-gall
// brown, blue, black, pencil gray, or any of them faded toward the paper.
cv::Vec3f document_ink(std::mt19937_64& rng);

// Ruled (or squared) paper: thin faint blue, red or gray lines about 1.5 to 3 glyphs apart.
void add_ruling(cv::Mat& paper, double glyph, std::mt19937_64& rng);
// Water stains and tide lines (large soft blobs) and foxing (small brown spots).
void add_stains(cv::Mat& paper, std::mt19937_64& rng);
// Writing from the other side of the sheet seen through it: `ink` (coverage, CV_32F) mirrored,
// blurred, darkening the paper by a fraction of a real ink's strength. Not ink of this page.
void add_show_through(cv::Mat& paper, const cv::Mat& ink, std::mt19937_64& rng);

// What a flatbed scanner makes of a page: a little blur and sensor noise, and JPEG at high
// quality half the time; 8-bit BGR.
cv::Mat scanned(cv::Mat page, std::mt19937_64& rng);

}  // namespace tiae
