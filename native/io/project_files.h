// Files of the project that commands use by default (the MNIST package, the released
// models), found wherever the program is run from: an environment variable first, then
// the folders above the program itself (build/native/tiae sits two below the project's
// root), then the folders above the current one.
#pragma once
#include <string>

namespace tiae {

// The first existing <folder>/<relative> (checked by the file `marker` inside it), or "" if
// none. `env`: the variable that names the path itself.
std::string find_project_path(const std::string& relative, const std::string& marker, const char* env);

// The released model folder models/<name>, or an error naming where it was looked for.
std::string find_released_model(const std::string& name);

}  // namespace tiae
