// Pages of glyphs with known truth, for measuring `tiae document` (evaluate/evaluate_document.h):
// lines of glyphs, each a character of a font the page model never saw or an MNIST test
// digit, dark on paper, with every glyph's centre and identity written out. Three kinds:
//   clean     glyphs set apart on clean paper (the first release's pages);
//   grainy    hand-lettered capitals and handwritten digits set apart as on the clean
//             pages, on paper with grain, stains, uneven light and JPEG (grainy_paper.h);
//   touching  neighbours that touch or overlap: joined-up handwriting, tightly set print,
//             kerning capitals, digits run together (touching_lines.h), on clean paper.
// Which indices are tuned on and which are held out: configs/document-pages-split.json.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "data/mnist_data.h"

namespace tiae {

enum class DocumentPageKind { clean, grainy, touching };
DocumentPageKind parse_document_page_kind(const std::string& name);  // throws naming the kinds
const char* document_page_kind_name(DocumentPageKind kind);

struct PlacedGlyph {
  float x = 0, y = 0;  // the centre of mass of its ink, page px (pixel i spans [i, i + 1))
  std::string identity;  // the character ("A"), or the digit ("digit 7")
};

struct DocumentPage {
  int width = 0, height = 0;
  std::vector<float> gray;  // dark writing on light paper, in [0, 1]
  double glyph_size = 20;   // height of capitals and digits, px
  std::vector<PlacedGlyph> glyphs;
  double tolerance = 3;     // px: how near a glyph's centre a peak finds it
  std::vector<std::array<float, 4>> regions;  // where peaks are scored (x0, y0, x1, y1); none: everywhere
};

// Page `index` of a kind (deterministic), 480x360. Clean: glyphs 16 to 28 px, a few lines
// of one flyer font's characters (a small alphabet, so that characters repeat), every
// fourth glyph an MNIST test digit, apart by a fifth to two thirds of a glyph. Grainy: the
// same at 18 to 24 px with capitals only and every third glyph a digit. Touching: 18 to
// 26 px, style index % 4 of touching_lines.h.
DocumentPage make_document_page(DocumentPageKind kind, int index, const DigitSet& test_digits);

// Real print with glyphs annotated by hand (data/real-print-glyphs.json: how it was
// annotated is written in it), its page read from `real_pages_dir`; its glyphs all lie in its
// regions, and peaks are scored there only.
DocumentPage read_real_print(const std::string& glyphs_file, const std::string& real_pages_dir);
// The project's data/real-print-glyphs.json, or "" when there is none.
std::string find_real_print();

// The split of configs/document-pages-split.json: per kind, the page indices tuned on and
// those held out (only reported).
struct DocumentPageSplit {
  DocumentPageKind kind;
  std::vector<int> tuning, held_out;
};
// The project's split file (found as the real pages' split is), or an error saying where it was looked for.
std::string find_document_pages_split();
// Throws naming the file for a missing kind, a page in both parts or an empty part.
std::vector<DocumentPageSplit> read_document_pages_split(const std::string& path);

// Writes document-<i>.png and document-<i>.json (glyph_size, glyphs: [{x, y, identity}])
// for i in [first, first + count) into `dir`.
void write_document_pages(const std::string& dir, DocumentPageKind kind, int first, int count);

}  // namespace tiae
