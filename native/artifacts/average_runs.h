// `tiae average`: a run whose weights are a weighted mean of other runs' weights, tensor by
// tensor (docs/method.md, "Averaged weights"). Fine-tunes of one parent, and the parent
// itself, lie in one basin of the loss, and their mean is often better than each on data
// unlike the training data (Wortsman et al., "Robust fine-tuning of zero-shot models" and
// "Model soups", 2022). The result is a run folder that eval, export and extract read;
// averaged.json names its runs and weights, and it has no optimizer state to resume.
#pragma once
#include <string>
#include <vector>

namespace tiae {

struct AverageOptions {
  std::vector<std::string> runs;  // two or more training runs of the same network
  std::vector<double> weights;    // one per run, finite and > 0, normalised to sum 1; empty: equal
  std::string out_dir;            // a new run folder
};

// Throws, writing nothing, when the runs differ in network or tensors, or a weight is invalid.
void average_runs(const AverageOptions& options);

}  // namespace tiae
