// `tiae bench --search MODEL`: the cost of combining transforms (the slides' open problem),
// a benchmark, not a test. On MODEL's canonical images D(E(I)) of MNIST test digits at random
// placements of its family (protocol seed 7), for grids of growing size over its rotation and
// scale ranges: ms per image of the exact search with LibTorch (restoration_term: one turn per
// grid point and one grouped convolution) and with the core's plain loops (estimate_transform,
// what the page runs in wasm), and of the core's coarse-to-fine search, with how often it
// gives the exact search's transform and its mean excess distance.
// With a shift regressor R in the folder (tiae card --regressor), also R as a proposal
// checked exactly at its grid neighbours, on the model's own grid.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace tiae {

struct SearchCostOptions {
  std::string model;
  int images = 200;
  int threads = 0;
};

nlohmann::json search_cost(const SearchCostOptions& options);

}  // namespace tiae
