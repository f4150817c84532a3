// The paper-normalised plane of a document extractor's input (docs/method.md, "Real
// documents"): how far each pixel's luma lies from its paper, in units of the image's
// strongest ink contrast. It tells the network what it cannot see through its 33 px reach:
// the paper's level a few glyphs around and how dark the page's own ink is, which is what
// makes Otsu and Sauvola strong on scans. It knows no polarity: dark ink goes toward 0,
// light ink toward 1, the paper sits at 0.5. Computed on the image at the model's glyph size
// (inside ForegroundExtraction, and on the training pages), so its windows are the same
// number of glyphs on every page:
//   cells    kPaperCell x kPaperCell px, each the mean of its luma (the last ones partial)
//   paper    per cell the median of the kPaperWindow x kPaperWindow cells around it (edges
//            repeated), per pixel interpolated bilinearly between cell centres (clamped)
//   d        luma - paper; S = the kPaperQuantile quantile over cells of each cell's largest
//            |d| (at least kPaperMinContrast)
//   plane    clamp(0.5 + 0.5 d / S, 0, 1)
#pragma once
#include <vector>

namespace tiae {

constexpr int kPaperCell = 8;        // px at the model's glyph size of 20 px: 0.4 glyph
constexpr int kPaperWindow = 11;     // cells: the paper is the median over 4.4 glyphs
constexpr double kPaperQuantile = 0.97;
constexpr float kPaperMinContrast = 0.02f;

// `luma`: width x height values in [0, 1]. Throws std::invalid_argument for an empty size.
std::vector<float> paper_normalised(const float* luma, int width, int height);

}  // namespace tiae
