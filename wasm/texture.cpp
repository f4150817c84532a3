#include "texture.h"

#include <algorithm>
#include <cmath>
#include <vector>

void Texture::upload_rgba(const unsigned char* rgba, int w, int h, bool smooth) {
  if (!id) glGenTextures(1, &id);
  glBindTexture(GL_TEXTURE_2D, id);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, smooth ? GL_LINEAR : GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, smooth ? GL_LINEAR : GL_NEAREST);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

void Texture::upload_gray(const float* values, int w, int h, bool smooth) {
  std::vector<unsigned char> rgba(size_t(w) * h * 4);
  for (int i = 0; i < w * h; ++i) {
    const auto v = (unsigned char)std::lround(std::clamp(values[i], 0.f, 1.f) * 255);
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  upload_rgba(rgba.data(), w, h, smooth);
}

void Texture::clear() {
  if (id) glDeleteTextures(1, &id);
  id = 0;
}
