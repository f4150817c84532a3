// The staged document analysis of shared/document.h driven by a LibTorch network: shared
// by `tiae document` (commands/document.h) and its evaluation (evaluate/evaluate_document.h).
#pragma once
#include <memory>
#include <vector>

#include "document.h"
#include "model/network.h"

namespace tiae {

struct DocumentReport {
  std::unique_ptr<DocumentAnalysis> job;  // heat map, peaks, the rescaled ink page
  MeanShiftResult clusters;               // of the peaks' descriptors
  std::vector<float> canonicals;          // D(E(I)) of each peak's window, patch x patch each
};

// Both stages: the scan (encoder and decoder on every window), then the peaks' windows
// (encoder for the clusters, decoder for the gallery). Throws std::invalid_argument as
// DocumentAnalysis for bad input.
DocumentReport analyse_document(AutoEncoder& network, torch::Device device, std::vector<float> gray, int width,
                                int height, const DocumentOptions& options, bool progress);

}  // namespace tiae
