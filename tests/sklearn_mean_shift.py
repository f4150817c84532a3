"""scikit-learn's MeanShift and estimate_bandwidth on points from a file, for
tests/test_mean_shift_sklearn.cpp: reads n x d whitespace-separated values and a quantile,
writes the bandwidth on the first line and the labels on the second."""
import sys

import numpy as np
from sklearn.cluster import MeanShift, estimate_bandwidth

points = np.loadtxt(sys.argv[1], ndmin=2)
bandwidth = estimate_bandwidth(points, quantile=float(sys.argv[2]))
labels = MeanShift(bandwidth=bandwidth).fit(points).labels_
print(repr(bandwidth))
print(" ".join(str(v) for v in labels))
