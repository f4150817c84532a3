#include "train_config.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace tiae {

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = {{"kind", c.kind},
       {"background", c.background},
       {"network", c.network},
       {"epochs", c.epochs},
       {"batch", c.batch},
       {"lr", c.lr},
       {"lr_final", c.lr_final},
       {"views", c.views},
       {"max_shift", c.max_shift},
       {"layout", c.layout},
       {"letters", c.letters},
       {"init", c.init},
       {"lambda_inv", c.lambda_inv},
       {"lambda_res", c.lambda_res},
       {"lambda_spa", c.lambda_spa},
       {"seed", c.seed},
       {"train_samples", c.train_samples},
       {"threads", c.threads}};
}

namespace {
// A finite JSON number in [lo, hi], either end open when asked.
double checked_number(const nlohmann::json& v, const std::string& key, double lo, double hi, bool open_low = false,
                      bool open_high = false) {
  const double x = v.is_number() ? v.get<double>() : NAN;
  if (!std::isfinite(x) || x < lo || x > hi || (open_low && x == lo) || (open_high && x == hi))
    throw std::runtime_error(fmt::format("{} must be a number in {}{:g}, {:g}{}, not {}", key, open_low ? "(" : "[", lo, hi,
                                         open_high ? ")" : "]", v.dump()));
  return x;
}

std::string checked_choice(const nlohmann::json& v, const std::string& key, const std::vector<std::string>& choices) {
  if (v.is_string())
    for (const auto& c : choices)
      if (v.get<std::string>() == c) return c;
  throw std::runtime_error(key + " must be one of " + fmt::format("{}", fmt::join(choices, ", ")) + ", not " + v.dump());
}
}  // namespace

// The one place where settings are checked, whether they come from a config file, a
// run's config.json, a model card or a command-line flag (main.cpp puts flags into JSON).
void from_json(const nlohmann::json& j, TrainConfig& c) {
  if (!j.is_object()) throw std::runtime_error("a training config must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& k = it.key();
    const auto& v = it.value();
    if (k == "kind") c.kind = checked_choice(v, k, {"tiae", "ae", "fg"});
    else if (k == "background") c.background = checked_choice(v, k, {"noise", "white-noise", "photo"});
    else if (k == "network") c.network = v.get<NetworkShape>();
    else if (k == "epochs") c.epochs = int(checked_integer(v, k, 1, 100000));
    else if (k == "batch") c.batch = int(checked_integer(v, k, 1, 65536));
    else if (k == "lr") c.lr = checked_number(v, k, 0, 10, true);
    else if (k == "lr_final") c.lr_final = checked_number(v, k, 0, 10, true);
    else if (k == "views") c.views = int(checked_integer(v, k, 1, 64));
    else if (k == "max_shift") c.max_shift = int(checked_integer(v, k, 0, 128));
    else if (k == "layout") c.layout = checked_choice(v, k, {"centred", "text"});
    else if (k == "letters") c.letters = checked_number(v, k, 0, 1, false, true);
    else if (k == "init") c.init = v.get<std::string>();
    else if (k == "lambda_inv") c.lambda_inv = checked_number(v, k, 0, 1e6);
    else if (k == "lambda_res") c.lambda_res = checked_number(v, k, 0, 1e6);
    else if (k == "lambda_spa") c.lambda_spa = checked_number(v, k, 0, 1e6);
    else if (k == "seed") c.seed = uint64_t(checked_integer(v, k, 0, INT64_MAX));
    else if (k == "train_samples") c.train_samples = int(checked_integer(v, k, 0, 1000000));
    else if (k == "threads") c.threads = int(checked_integer(v, k, 0, 1024));
    else if (k == "comment") continue;
    else throw std::runtime_error("unknown training setting '" + k + "'");
  }
  if (c.kind == "tiae" && c.max_shift < 1) throw std::runtime_error("kind tiae needs max_shift >= 1");
  if (2 * c.max_shift > c.network.size) throw std::runtime_error("max_shift must be at most half the image size");
  if (c.layout == "text" && (c.kind != "fg" || c.max_shift != 0))
    throw std::runtime_error("layout \"text\" is a setting of kind fg without shifts (max_shift 0)");
  if (c.letters > 0 && c.layout != "text") throw std::runtime_error("letters are a setting of layout \"text\"");
}

}  // namespace tiae
