// A texture the app's tabs draw with ImGui::Image: gray values or RGBA bytes uploaded to
// WebGL. Pixels are sharp (nearest) for the networks' 32x32 images, smooth for photos.
#pragma once
#include <GLES3/gl3.h>

#include "imgui.h"

struct Texture {
  GLuint id = 0;
  // values in [0, 1] (clamped), w x h, row-major.
  void upload_gray(const float* values, int w, int h, bool smooth = false);
  void upload_rgba(const unsigned char* rgba, int w, int h, bool smooth = true);
  void clear();  // no texture any more (id 0)
  ImTextureID imgui() const { return (ImTextureID)(intptr_t)id; }
  explicit operator bool() const { return id != 0; }
};
