// Documents (docs/method.md, "Documents"): over a page, 32x32 windows at every place are
// given to a shift-invariant auto-encoder, staged as extraction is (extract.h) so that the
// network runs anywhere:
//   1. the page is rescaled so its glyphs come out at the model's glyph size, and turned
//      into ink (white on black, as the model's glyphs);
//   2. scan: windows every `stride` px; for each, the network's canonical shape D(E(I))
//      and the exact shift search (shift_search.h) say where in the window the canonical
//      shape's centre sits; windows with ink near their centre vote for that place;
//   3. the heat map counts the votes; its local maxima (peaks) are where typical patterns
//      (characters) are, found without being told what a character is; each settles on
//      the centre of mass of the ink around it;
//   4. windows centred on the peaks are encoded, and mean shift groups their descriptors:
//      clusters of the same character.
#pragma once
#include <string>
#include <vector>

#include "extract.h"
#include "mean_shift.h"

namespace tiae {

struct DocumentOptions {
  ExtractOptions window;  // glyph sizes, stride (default 4 here), batch, patch
  int max_shift = 8;      // the model's shift range
  double quantile = 0.1;  // mean shift bandwidth: estimate_bandwidth at this quantile
  DocumentOptions() { window.stride = 4; }
};

struct Peak {
  float x = 0, y = 0;  // page pixels
  float score = 0;     // votes under the smoothed maximum
};

class DocumentAnalysis {
 public:
  // `gray`: width x height values in [0, 1] (dark writing on light paper). Throws
  // std::invalid_argument with check()'s message, or for a value that is not finite.
  DocumentAnalysis(std::vector<float> gray, int width, int height, const DocumentOptions& options);
  // "" when such a job can be made, else why not (as ForegroundExtraction::check).
  static std::string check(int width, int height, const DocumentOptions& options);

  // Stage 1, the scan: batches of windows; accept_scan takes the network's canonical
  // shapes D(E(I)) for them (batch_size x patch x patch), in any order. A batch that does
  // not exist throws std::out_of_range, one given twice std::logic_error, one with a value
  // that is not finite std::invalid_argument (and counts nothing).
  int scan_batches() const { return batches(long(scan_.size())); }
  int scan_batch_size(int b) const { return batch_size(long(scan_.size()), b); }
  void scan_inputs(int b, float* out) const { cut(scan_, b, out); }
  void accept_scan(int b, const float* canonicals);
  bool scanned() const { return scan_done_ == scan_batches(); }

  // After the scan (std::logic_error before): the votes per page pixel (width x height),
  // and the peaks of the smoothed votes, strongest first.
  const std::vector<float>& heatmap() const;
  const std::vector<Peak>& peaks() const;

  // Stage 2: windows centred on the peaks; accept_peaks takes their descriptors E(I)
  // (batch_size x dims), refused as accept_scan's, and when dims differs between batches.
  int peak_batches() const { return batches(long(peaks().size())); }
  int peak_batch_size(int b) const { return batch_size(long(peaks().size()), b); }
  void peak_inputs(int b, float* out) const { cut(peak_windows_, b, out); }
  void accept_peaks(int b, const float* descriptors, int dims);
  // Mean shift of the peaks' descriptors (std::logic_error before every peak batch).
  MeanShiftResult clusters() const;
  // The peaks' descriptors, peaks x descriptor_size.
  const std::vector<float>& descriptors() const { return descriptors_; }
  int descriptor_size() const { return dims_; }

  int work_width() const { return work_w_; }
  int work_height() const { return work_h_; }
  const std::vector<float>& ink() const { return ink_; }  // the rescaled page as the network sees it
  long scan_windows() const { return long(scan_.size()); }

 private:
  int batches(long n) const { return int((n + options_.window.batch - 1) / options_.window.batch); }
  int batch_size(long n, int b) const;
  void cut(const std::vector<std::pair<int, int>>& corners, int b, float* out) const;
  void find_peaks();
  std::pair<double, double> settle_on_ink(double x, double y) const;
  // What the ink under a peak is: one character set apart (its ink's centre of mass in cx,
  // cy), characters that touch (a mark more than 1.4 glyphs wide or high), or neither.
  enum class Mark { one, touching, other };
  Mark mark_under(double x, double y, double& cx, double& cy) const;
  // x of the votes' centre near (x, y), along a horizontal line of touching characters
  double votes_centre_along_line(double x, double y) const;

  DocumentOptions options_;
  int width_, height_, work_w_, work_h_;
  std::vector<float> ink_;                          // work_w x work_h
  std::vector<std::pair<int, int>> scan_, peak_windows_;  // top-left corners
  std::vector<float> votes_;                        // work_w x work_h
  std::vector<float> heatmap_;                      // width x height
  std::vector<Peak> peaks_;
  std::vector<bool> scan_accepted_, peak_accepted_;
  int scan_done_ = 0, peak_done_ = 0, dims_ = 0;
  std::vector<float> descriptors_;
};

}  // namespace tiae
