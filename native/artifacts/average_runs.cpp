#include "artifacts/average_runs.h"

#include <cmath>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include "artifacts/run_folder.h"
#include "io/files.h"
#include "io/folder_lock.h"
#include "io/output_path.h"
#include "model/weights_file.h"

namespace tiae {
namespace fs = std::filesystem;

namespace {

std::vector<double> normalised_weights(const AverageOptions& options) {
  const size_t n = options.runs.size();
  if (n < 2) throw std::runtime_error("average: give two or more runs");
  std::vector<double> w = options.weights.empty() ? std::vector<double>(n, 1.0) : options.weights;
  if (w.size() != n) throw std::runtime_error("average: give one weight per run (" + std::to_string(n) + ")");
  // A run of weight 0 is no run of the mean; inf or nan would make every weight nan.
  for (const double x : w)
    if (!(std::isfinite(x) && x > 0)) throw std::runtime_error("average: weights must be finite numbers > 0, not " + std::to_string(x));
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  if (!std::isfinite(sum)) throw std::runtime_error("average: the weights' sum is not finite");
  for (double& x : w) x /= sum;
  return w;
}

// Every run's tensors must have the first run's names and shapes.
void check_same_tensors(const WeightMap& first, const WeightMap& other, const std::string& run) {
  if (other.size() != first.size()) throw std::runtime_error(run + " has other tensors than the first run");
  for (const auto& [name, t] : first) {
    const auto it = other.find(name);
    if (it == other.end() || it->second.dims != t.dims) throw std::runtime_error(run + "'s " + name + " differs in shape or name");
  }
}

}  // namespace

void average_runs(const AverageOptions& options) {
  const auto w = normalised_weights(options);
  make_parent_folders(options.out_dir);
  const FolderLock lock(options.out_dir);
  const TrainConfig config = read_run_config(options.runs[0]);
  const auto first = last_checkpoint(options.runs[0]);
  if (!first) throw std::runtime_error(options.runs[0] + " is not a training run with a checkpoint");
  WeightMap mean;
  for (size_t r = 0; r < options.runs.size(); ++r) {
    const std::string& run = options.runs[r];
    if (nlohmann::json(read_run_config(run).network) != nlohmann::json(config.network))
      throw std::runtime_error(run + "'s network differs from " + options.runs[0] + "'s");
    const WeightMap weights = read_weights_file(run_weights_path(run));
    if (r == 0) {
      mean = weights;
      for (auto& [name, t] : mean) std::fill(t.data.begin(), t.data.end(), 0.0f);
    }
    check_same_tensors(mean, weights, run);
    for (auto& [name, t] : mean) {
      const auto& x = weights.at(name).data;
      for (size_t i = 0; i < x.size(); ++i) t.data[i] += float(w[r] * x[i]);
    }
  }
  prepare_new_run_folder(options.out_dir);
  write_run_config(options.out_dir, config);
  write_json_file((fs::path(options.out_dir) / "averaged.json").string(), {{"runs", options.runs}, {"weights", w}});
  save_checkpoint(options.out_dir, first->epochs_done, first->steps_done,
                  [&](const std::string& dir) { write_weights_file((fs::path(dir) / "weights.bin").string(), mean); });
}

}  // namespace tiae
