#include "train_config.h"

#include <stdexcept>

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

void from_json(const nlohmann::json& j, TrainConfig& c) {
  if (!j.is_object()) throw std::runtime_error("a training config must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& k = it.key();
    const auto& v = it.value();
    if (k == "kind") c.kind = v.get<std::string>();
    else if (k == "background") c.background = v.get<std::string>();
    else if (k == "network") c.network = v.get<NetworkShape>();
    else if (k == "epochs") c.epochs = v.get<int>();
    else if (k == "batch") c.batch = v.get<int>();
    else if (k == "lr") c.lr = v.get<double>();
    else if (k == "lr_final") c.lr_final = v.get<double>();
    else if (k == "views") c.views = v.get<int>();
    else if (k == "max_shift") c.max_shift = v.get<int>();
    else if (k == "layout") c.layout = v.get<std::string>();
    else if (k == "letters") c.letters = v.get<double>();
    else if (k == "init") c.init = v.get<std::string>();
    else if (k == "lambda_inv") c.lambda_inv = v.get<double>();
    else if (k == "lambda_res") c.lambda_res = v.get<double>();
    else if (k == "lambda_spa") c.lambda_spa = v.get<double>();
    else if (k == "seed") c.seed = v.get<uint64_t>();
    else if (k == "train_samples") c.train_samples = v.get<int>();
    else if (k == "threads") c.threads = v.get<int>();
    else if (k == "comment") continue;
    else throw std::runtime_error("unknown training setting '" + k + "'");
  }
  if (c.kind != "tiae" && c.kind != "ae" && c.kind != "fg") throw std::runtime_error("kind must be \"tiae\", \"ae\" or \"fg\"");
  if (c.background != "noise" && c.background != "white-noise" && c.background != "photo")
    throw std::runtime_error("background must be \"noise\", \"white-noise\" or \"photo\"");
  if (c.kind == "tiae" && c.max_shift < 1) throw std::runtime_error("kind tiae needs max_shift >= 1");
  if (c.epochs < 1 || c.batch < 1 || c.views < 1 || c.max_shift < 0 || c.lr <= 0 || c.lr_final <= 0)
    throw std::runtime_error("epochs, batch and views must be >= 1, max_shift >= 0, learning rates > 0");
  if (c.max_shift > c.network.size) throw std::runtime_error("max_shift larger than the image");
  if (c.layout != "centred" && c.layout != "text") throw std::runtime_error("layout must be \"centred\" or \"text\"");
  if (c.layout == "text" && (c.kind != "fg" || c.max_shift != 0))
    throw std::runtime_error("layout \"text\" is a setting of kind fg without shifts (max_shift 0)");
  if (c.letters < 0 || c.letters >= 1) throw std::runtime_error("letters must be in [0, 1)");
  if (c.letters > 0 && c.layout != "text") throw std::runtime_error("letters are a setting of layout \"text\"");
}

}  // namespace tiae
