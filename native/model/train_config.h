// Everything a training run depends on, read from a JSON config file and overridden by
// command-line flags; stored beside the checkpoint so that --resume and export know it.
// Each setting is declared twice at most: its member (with its default) below, and its row
// in training_settings() (JSON key, flag, help, check), which the JSON reader and writer
// and the command line all go through.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/network_shape.h"
#include "data/depth_hands.h"
#include "depth_hand.h"
#include "transform_search.h"

namespace tiae {

// "tiae": shift invariance + restoration + sparseness; "ae": plain reconstruction; "fg":
// foreground extraction, invariance to background changes (and shifts when max_shift > 0)
// with the digit alone as the restoration target; "pca": principal component analysis of
// the shifted images, a linear auto-encoder (network.arch "linear") fitted in closed form
// instead of trained (train/pca_fit.h), the slides' baseline.
enum class Kind { tiae, ae, fg, pca };
// Kind fg: the backgrounds of data/backgrounds.h.
enum class Background { noise, white_noise, photo };
// "centred": one digit in the middle, as MNIST. Kind fg: "text", windows over lines of
// glyphs at any offset, as `tiae extract` sees a page. Kinds tiae and ae: "document",
// windows over lines of glyphs centred on one glyph and cut at the view's shift, as
// `tiae document` sees a page (data/text_layout.h). Kind fg: "page", crops of synthetic
// photographed pages (data/training_pages.h), for the convolutional extractor.
enum class Layout { centred, text, document, page };

// What the images are: "mnist" (digits, 1 channel), "grasp" (hand and object mask pairs, 2
// channels: data/grasp_masks.h) or "depth" (rendered depth frames of a hand cut out as the
// network's input, 1 channel: data/depth_hands.h).
enum class Dataset { mnist, grasp, depth };
// The network's arithmetic: float32, or bfloat16 matrix products and convolutions with
// float32 weights, optimizer and terms (autocast; model/terms.h).
enum class Precision { float32, bfloat16 };

// Each mode's name in configs, cards and messages, and back (one place for each; an
// unknown name is an error listing the valid ones).
std::string to_string(Kind k);
std::string to_string(Background b);
std::string to_string(Layout l);
std::string to_string(Dataset d);
std::string to_string(Precision p);
Kind parse_kind(const std::string& name);
Background parse_background(const std::string& name);
Layout parse_layout(const std::string& name);
Dataset parse_dataset(const std::string& name);
Precision parse_precision(const std::string& name);

// In JSON (configs, cards, metrics) a mode is its name, never its number.
inline void to_json(nlohmann::json& j, Kind k) { j = to_string(k); }
inline void to_json(nlohmann::json& j, Background b) { j = to_string(b); }
inline void to_json(nlohmann::json& j, Layout l) { j = to_string(l); }
inline void to_json(nlohmann::json& j, Dataset d) { j = to_string(d); }
inline void to_json(nlohmann::json& j, Precision p) { j = to_string(p); }

struct TrainConfig {
  Dataset data = Dataset::mnist;
  Kind kind = Kind::tiae;
  Background background = Background::noise;
  NetworkShape network;
  int epochs = 60;
  int batch = 128;
  double lr = 3e-4;
  double lr_final = 3e-5;   // cosine decay from lr to lr_final over the run
  int views = 2;            // K: random shifts (or backgrounds) per image per step for C_inv; kind pca: shifted copies of each image fitted
  int max_shift = 8;        // shifts dx, dy in [-max_shift, max_shift]; 0: no shifts
  // Rotation and scale (kinds tiae and ae, layout centred): each view turned by a random
  // angle in [-max_rotation, max_rotation] degrees and scaled by max_scale^u, u uniform in
  // [-1, 1]; C_res searches the grid of transform_grid() (shared/transform_search.h).
  double max_rotation = 0;
  int rotation_steps = 1;
  double max_scale = 1;
  int scale_steps = 1;
  Layout layout = Layout::centred;
  // Data mnist, layout centred: the fraction of training digits redrawn coarser or thicker
  // (model/digit_styles.h), for digits of other sources.
  double digit_styles = 0;
  // Data mnist, layout centred: this many of MNIST's training digits that the package
  // `mnist` leaves out (data/mnist_idx.h) added to the 8,000 training digits.
  int extra_digits = 0;
  // Layouts text and document: the fraction of glyphs that are letters of handwriting-style fonts
  // (data/font_glyphs.h) rather than MNIST digits, in [0, 1).
  double letters = 0;
  // Layout document: the fraction of lines whose neighbouring glyphs touch or overlap
  // (data/text_layout.h), in [0, 1].
  double touching = 0;
  int pages = 3000;         // layout page: synthetic training pages drawn at the start
  std::string pages_file;   // layout page: read them from this file (`tiae pages`) instead
  double page_clutter = 0;  // layout page: the fraction of views with structure behind the ink (data/page_clutter.h)
  double page_ink_hues = 0;  // layout page, colour: the fraction of views with ink of any hue and luma
  double page_documents = 0;  // layout page: the fraction of pages that look like real documents (training_pages.h)
  // Start from the weights of this training run or model folder instead of random ones
  // (fine-tuning): every parameter of the same name and shape is copied.
  std::string init;
  double lambda_inv = 1.0, lambda_res = 1.0, lambda_spa = 0.0;
  double lambda_code = 0.0;  // the code's own invariance (terms.h; 0: the slides' objective)
  double lambda_cluster = 0.0;  // the clustering term (terms.h; 0: the slides' objective)
  int clusters = 10;            // its k: the centres found by k-means at the start of every epoch
  uint64_t seed = 1;
  // Data depth: the side of the square cut out around the hand, in metres at its depth
  // (shared/depth_hand.h, step 5); recorded in the card's depth.cut.window_m.
  double depth_window_m = 0.26;
  int depth_hands = kDepthTrainHands;  // data depth: how many hands of the training stream (data/depth_hands.h) to train on
  int train_samples = 0;    // 0: all 8,000 training digits; else the first N (tests)
  int threads = 0;          // 0: all hardware threads
  Precision precision = Precision::float32;
};

enum class SettingType { integer, number, text, object };
struct Setting {
  std::string key, flag, help;  // flag empty: in configs only
  SettingType type;
  std::function<void(TrainConfig&, const nlohmann::json&)> read;  // checks, then sets; throws naming the key
  std::function<nlohmann::json(const TrainConfig&)> write;
};
// Every training setting, in the order configs list them.
const std::vector<Setting>& training_settings();

// How data depth's hands are cut out for this run: the defaults but for its window.
DepthCutOptions depth_cut_options(const TrainConfig& c);

// The rotations and scales C_res searches (the identity alone for shift models).
TransformGrid transform_grid(const TrainConfig& c);

void to_json(nlohmann::json& j, const TrainConfig& c);
// Unknown keys are an error (a typo must not silently train the wrong model); so are values
// out of range or of the wrong type, and settings that do not go together.
void from_json(const nlohmann::json& j, TrainConfig& c);

}  // namespace tiae
