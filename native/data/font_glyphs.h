// Letters of handwriting-style fonts as MNIST-like glyph images, so that a page model
// (layout "text") sees letters as well as digits: the flyers it is measured on are mostly
// letters. The training fonts come from other Debian packages than the flyers' fonts
// (flyers.h), so the flyers stay unseen. Needs OpenCV's freetype module.
#pragma once
#include <string>
#include <vector>

namespace tiae {

// Font files of the training letters. Missing files are an error naming the package.
std::vector<std::string> training_fonts();

// The characters drawn from each training font.
extern const char* const kTrainingCharacters;

// Each character of `characters` in each font, white on black, as a 32x32 image in
// [0, 1] (count x 32 x 32 values, font-major): capitals about 20 px high (MNIST's digit
// height), the ink box centred, anything wider or taller than 28 px scaled down to fit.
// Characters a font lacks (no ink) are left out.
std::vector<float> render_glyphs(const std::vector<std::string>& fonts, const std::string& characters);

}  // namespace tiae
