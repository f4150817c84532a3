// `tiae eval` of depth models (data depth: the TIAE, its ordinary auto-encoder, PCA), each
// with its robot hand regressor (`tiae pose`), under one protocol (docs/depth.md,
// "Evaluation"):
//   rendered test hands   2,000 hands rendered from the protocol's seed (apart from the
//                         training and validation hands), each at a random shift in
//                         [-max_shift, max_shift]^2:
//     restoration_error   squared error of the restoration summed over the input's 32 x 32
//                         pixels, mean over images: the TIAE's canonical image moved by its
//                         own estimated shift (zero filled), the others' D(E(I)) as it is;
//                         restoration_error_extended_canvas: the TIAE's C_res, the exact
//                         minimum over shifts on the extended canvas (what the shift pushes
//                         out of the window counts too), the others' the same as above;
//     angle_error_degrees mean absolute error of the regressor's joint angles, over the 20
//                         joints (and by joint);
//   the real frames       data/real-depth's 19 frames, cut out with the card's settings and
//                         the camera of that folder:
//     restoration error per frame, and its mean;
//     move_ratio          mean distance between the descriptors of consecutive frames of a
//                         sequence / mean distance between frames of different sequences;
//     loo_1nn             the share of frames whose nearest other frame (descriptors,
//                         Euclidean) is of their own sequence.
// Writes <out>/metrics.json, depth-test.png (test hands, restorations, robot hands: the
// true pose and each model's) and depth-real.png (the real frames, the same).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evaluate/evaluate.h"

namespace tiae {

nlohmann::json evaluate_depth(const std::vector<std::string>& runs, const EvalOptions& options);

}  // namespace tiae
