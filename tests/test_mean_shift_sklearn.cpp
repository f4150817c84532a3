// The core's mean shift and bandwidth estimate (shared/mean_shift.h) against scikit-learn's
// MeanShift and estimate_bandwidth (Debian's python3-sklearn) on the same points: the same
// bandwidth, and the same partition of at least 99 % of the points up to relabelling.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "mean_shift.h"

namespace {

struct Sklearn {
  double bandwidth = 0;
  std::vector<int> labels;
};

Sklearn run_sklearn(const std::vector<float>& points, int dims, double quantile) {
  const std::string path = "mean-shift-points-" + std::to_string(dims) + ".txt";
  {
    std::ofstream out(path);
    out.precision(9);
    for (size_t i = 0; i < points.size(); ++i) out << points[i] << ((i + 1) % size_t(dims) ? ' ' : '\n');
  }
  const std::string command = "/usr/bin/python3 " TIAE_TESTS_DIR "/sklearn_mean_shift.py " + path + " " + std::to_string(quantile);
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
  REQUIRE(pclose(pipe) == 0);  // python3-sklearn missing: scripts/setup.sh installs it
  std::istringstream in(text);
  Sklearn s;
  in >> s.bandwidth;
  for (int v; in >> v;) s.labels.push_back(v);
  std::remove(path.c_str());
  return s;
}

// The share of points on which two labelings agree after mapping each of ours to the
// sklearn cluster it overlaps most (one to one, largest overlaps first).
double agreement(const std::vector<int>& ours, const std::vector<int>& theirs) {
  std::map<std::pair<int, int>, int> overlap;
  for (size_t i = 0; i < ours.size(); ++i) ++overlap[{ours[i], theirs[i]}];
  std::vector<std::pair<int, std::pair<int, int>>> order;
  for (const auto& [pair, n] : overlap) order.push_back({n, pair});
  std::sort(order.rbegin(), order.rend());
  std::map<int, int> used_ours, used_theirs;
  int agree = 0;
  for (const auto& [n, pair] : order)
    if (!used_ours.count(pair.first) && !used_theirs.count(pair.second)) used_ours[pair.first] = used_theirs[pair.second] = 1, agree += n;
  return double(agree) / double(ours.size());
}

// Groups of uneven size and spread, with stragglers between them.
std::vector<float> groups(int dims, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<std::vector<float>> centres(6, std::vector<float>(size_t(dims)));
  for (auto& c : centres)
    for (auto& v : c) v = 4 * normal(rng);
  std::vector<float> points;
  for (int i = 0; i < count; ++i) {
    const size_t g = size_t(rng() % 6);
    const float spread = 0.4f + 0.2f * float(g);
    for (int k = 0; k < dims; ++k) points.push_back(centres[g][size_t(k)] + spread * normal(rng));
  }
  return points;
}

}  // namespace

TEST_CASE("mean shift and its bandwidth are scikit-learn's on the same points") {
  for (const auto& [dims, count, quantile] : {std::tuple{2, 300, 0.2}, std::tuple{5, 400, 0.1}, std::tuple{30, 250, 0.05}}) {
    const auto points = groups(dims, count, unsigned(dims));
    const auto sk = run_sklearn(points, dims, quantile);
    REQUIRE(sk.labels.size() == size_t(count));
    const double bandwidth = tiae::estimate_bandwidth(points, dims, quantile);
    CHECK(bandwidth == Approx(sk.bandwidth).epsilon(1e-5));
    const auto ours = tiae::mean_shift(points, dims, sk.bandwidth);
    INFO("dims " << dims << ": " << ours.clusters() << " clusters");
    CHECK(ours.clusters() >= 3);  // a partition worth comparing
    CHECK(agreement(ours.labels, sk.labels) >= 0.99);
  }
}
