// `tiae extract` end to end, through the real program: good photos of every pixel type give
// a foreground of the input's size; every kind of bad file gives one clear message, a
// non-zero exit and no output file. Likewise bad settings of `tiae train`.
#include <cstddef>
#include <cstdio>

#include <jpeglib.h>  // needs size_t and FILE declared first
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli_run.h"
#include "process_folder.h"

namespace fs = std::filesystem;

namespace {

// A tiny foreground run (one epoch on 64 digits): these tests are about files, not quality.
const fs::path& work() {
  static const ProcessFolder folder("tiae-extract-test");
  static const fs::path dir = [] {
    const fs::path& d = folder.path();
    const auto r = run_cli("train --kind fg --background noise --max-shift 0 --layout text --epochs 1 --train-samples 64 --batch 64 "
                       "--threads 1 --no-progress -o " + (d / "run").string());
    REQUIRE(r.status == 0);
    return d;
  }();
  return dir;
}

cv::Mat flyer(int w, int h) {  // dark strokes on a light textured page
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(200, 210, 220));
  cv::randu(img, cv::Scalar(170, 180, 190), cv::Scalar(230, 240, 250));
  cv::putText(img, "Hello 42", {10, h / 2 + 8}, cv::FONT_HERSHEY_SCRIPT_SIMPLEX, 0.8, cv::Scalar(30, 30, 30), 2);
  return img;
}

CliResult extract(const fs::path& in, const fs::path& out) {
  return run_cli("extract " + in.string() + " -o " + out.string() + " -m " + (work() / "run").string() + " --glyph-size 20 --no-progress");
}

void write_bytes(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A CMYK JPEG as Adobe's software writes it (inverted: 255 = no ink), decoded back with
// libjpeg itself, and the gray a viewer shows for it: C K / 255 per RGB channel, all equal
// here (no colour ink).
void write_adobe_cmyk_jpeg(const fs::path& p, const cv::Mat& gray) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  FILE* f = fopen(p.c_str(), "wb");
  jpeg_stdio_dest(&c, f);
  c.image_width = JDIMENSION(gray.cols);
  c.image_height = JDIMENSION(gray.rows);
  c.input_components = 4;
  c.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 98, TRUE);
  c.write_Adobe_marker = TRUE;
  jpeg_start_compress(&c, TRUE);
  std::vector<JSAMPLE> row(size_t(gray.cols) * 4);
  while (c.next_scanline < c.image_height) {
    for (int x = 0; x < gray.cols; ++x) {
      row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = 255;
      row[4 * x + 3] = gray.at<uint8_t>(int(c.next_scanline), x);
    }
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  fclose(f);
}

cv::Mat gray_of_cmyk_jpeg(const fs::path& p) {
  jpeg_decompress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_decompress(&c);
  FILE* f = fopen(p.c_str(), "rb");
  jpeg_stdio_src(&c, f);
  jpeg_read_header(&c, TRUE);
  c.out_color_space = JCS_CMYK;
  jpeg_start_decompress(&c);
  cv::Mat gray(int(c.output_height), int(c.output_width), CV_8U);
  std::vector<JSAMPLE> row(size_t(c.output_width) * 4);
  while (c.output_scanline < c.output_height) {
    const int y = int(c.output_scanline);
    JSAMPROW r = row.data();
    jpeg_read_scanlines(&c, &r, 1);
    for (int x = 0; x < gray.cols; ++x) {
      const double rgb[3] = {row[4 * x] * row[4 * x + 3] / 255.0, row[4 * x + 1] * row[4 * x + 3] / 255.0,
                             row[4 * x + 2] * row[4 * x + 3] / 255.0};
      gray.at<uint8_t>(y, x) = cv::saturate_cast<uint8_t>(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
    }
  }
  jpeg_finish_decompress(&c);
  jpeg_destroy_decompress(&c);
  fclose(f);
  return gray;
}

// The JPEG's bytes with an EXIF block (APP1) after SOI whose only entry is the orientation.
std::string with_exif_orientation(const std::string& jpeg, uint16_t orientation) {
  std::string tiff = std::string("II*\0", 4) + std::string("\x08\0\0\0", 4)  // little-endian, first IFD at 8
                     + std::string("\x01\0", 2)                               // one entry
                     + std::string("\x12\x01\x03\0\x01\0\0\0", 8)             // tag 0x0112, SHORT, count 1
                     + std::string(1, char(orientation)) + std::string("\0\0\0", 3) + std::string("\0\0\0\0", 4);
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t len = payload.size() + 2;
  return jpeg.substr(0, 2) + "\xFF\xE1" + char(len >> 8) + char(len & 255) + payload + jpeg.substr(2);
}

// Runs the released page model on an image file; its 8-bit foreground.
cv::Mat released_extract(const fs::path& in) {
  const fs::path out = in.string() + "-fg.png";
  const auto r = run_cli("extract " + in.string() + " -o " + out.string() + " -m " + TIAE_MODELS_DIR "/mnist-fg-photo-text --glyph-size 20 --no-progress");
  INFO(in << ": " << r.output);
  REQUIRE(r.status == 0);
  return cv::imread(out.string(), cv::IMREAD_UNCHANGED);
}

double max_difference(const cv::Mat& a, const cv::Mat& b) {
  REQUIRE(a.size() == b.size());
  return cv::norm(a, b, cv::NORM_INF);
}

}  // namespace

TEST_CASE("tiae extract: colour, alpha, CMYK and EXIF-rotated photos give the foreground of the equivalent gray image") {
  const auto& d = work();
  // Coloured ink on a colour photo-like page.
  cv::Mat rgb(60, 130, CV_8UC3);
  cv::randu(rgb, cv::Scalar(120, 160, 200), cv::Scalar(200, 230, 255));
  cv::putText(rgb, "Hi 37", {8, 44}, cv::FONT_HERSHEY_SCRIPT_SIMPLEX, 1.1, cv::Scalar(140, 40, 20), 2);
  REQUIRE(cv::imwrite((d / "colour.png").string(), rgb));
  cv::Mat rgb_gray;
  cv::cvtColor(rgb, rgb_gray, cv::COLOR_BGR2GRAY);  // OpenCV's Rec. 601 luma
  REQUIRE(cv::imwrite((d / "colour-gray.png").string(), rgb_gray));
  const cv::Mat reference = released_extract(d / "colour-gray.png");
  double lo, hi;
  cv::minMaxLoc(reference, &lo, &hi);
  REQUIRE(hi - lo > 50);  // the model finds ink: the comparisons below are not of blanks
  CHECK(max_difference(released_extract(d / "colour.png"), reference) <= 3);

  // Alpha from 0 to 255 across the image: composited over white paper.
  cv::Mat rgba, over_white(rgb.size(), CV_8U);
  cv::cvtColor(rgb, rgba, cv::COLOR_BGR2BGRA);
  for (int y = 0; y < rgba.rows; ++y)
    for (int x = 0; x < rgba.cols; ++x) {
      const int alpha = 255 * x / (rgba.cols - 1);
      rgba.at<cv::Vec4b>(y, x)[3] = uint8_t(alpha);
      over_white.at<uint8_t>(y, x) = cv::saturate_cast<uint8_t>((alpha * double(rgb_gray.at<uint8_t>(y, x)) + (255 - alpha) * 255.0) / 255);
    }
  REQUIRE(cv::imwrite((d / "alpha.png").string(), rgba));
  REQUIRE(cv::imwrite((d / "alpha-gray.png").string(), over_white));
  CHECK(max_difference(released_extract(d / "alpha.png"), released_extract(d / "alpha-gray.png")) <= 3);

  // CMYK: against libjpeg's own decoding of the same file.
  write_adobe_cmyk_jpeg(d / "cmyk.jpg", rgb_gray);
  REQUIRE(cv::imwrite((d / "cmyk-gray.png").string(), gray_of_cmyk_jpeg(d / "cmyk.jpg")));
  CHECK(max_difference(released_extract(d / "cmyk.jpg"), released_extract(d / "cmyk-gray.png")) <= 3);

  // EXIF orientation 6 (turn 90 degrees clockwise to view): the foreground of the turned picture.
  REQUIRE(cv::imwrite((d / "plain.jpg").string(), rgb, {cv::IMWRITE_JPEG_QUALITY, 95}));
  write_bytes(d / "exif.jpg", with_exif_orientation(read_bytes(d / "plain.jpg"), 6));
  cv::Mat turned;
  cv::rotate(cv::imread((d / "plain.jpg").string(), cv::IMREAD_COLOR), turned, cv::ROTATE_90_CLOCKWISE);
  REQUIRE(cv::imwrite((d / "turned.png").string(), turned));
  const cv::Mat exif = released_extract(d / "exif.jpg");
  CHECK(exif.cols == 60);
  CHECK(exif.rows == 130);
  CHECK(max_difference(exif, released_extract(d / "turned.png")) == 0);
}

TEST_CASE("tiae extract: 8-bit gray, RGB, RGBA, 16-bit, CMYK, WebP, TIFF, JPEG 2000 and BMP photos give a foreground of their size") {
  const auto& d = work();
  const cv::Mat rgb = flyer(120, 50);
  cv::Mat gray, rgba, gray16;
  cv::cvtColor(rgb, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(rgb, rgba, cv::COLOR_BGR2BGRA);
  gray.convertTo(gray16, CV_16U, 257);  // the same picture with 16 bits per pixel
  REQUIRE(cv::imwrite((d / "gray.png").string(), gray));
  REQUIRE(cv::imwrite((d / "rgb.jpg").string(), rgb));
  REQUIRE(cv::imwrite((d / "rgba.png").string(), rgba));
  REQUIRE(cv::imwrite((d / "gray16.png").string(), gray16));
  cv::Mat pattern(40, 90, CV_8U);  // a checked pattern of dark ink on light paper
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 90; ++x) pattern.at<uint8_t>(y, x) = (x / 6 + y / 6) % 5 == 0 ? 25 : 235;
  write_adobe_cmyk_jpeg(d / "cmyk.jpg", pattern);
  // the other formats whose headers are checked before decoding
  REQUIRE(cv::imwrite((d / "gray.webp").string(), gray, {cv::IMWRITE_WEBP_QUALITY, 101}));
  for (const char* name : {"gray.tif", "gray.jp2", "gray.bmp"}) REQUIRE(cv::imwrite((d / name).string(), gray));
  for (const std::string name : {"gray.png", "rgb.jpg", "rgba.png", "gray16.png", "cmyk.jpg", "gray.webp", "gray.tif", "gray.jp2", "gray.bmp"}) {
    const auto out = d / ("fg-" + name + ".png");
    const auto r = extract(d / name, out);
    INFO(name << ": " << r.output);
    REQUIRE(r.status == 0);
    const cv::Mat fg = cv::imread(out.string(), cv::IMREAD_UNCHANGED);
    REQUIRE(!fg.empty());
    CHECK(fg.type() == CV_8UC1);
    CHECK(fg.cols == (name == "cmyk.jpg" ? 90 : 120));
    CHECK(fg.rows == (name == "cmyk.jpg" ? 40 : 50));
  }
  // 16 bits of the same picture, and opaque RGBA, give the 8-bit result exactly
  const cv::Mat a = cv::imread((d / "fg-gray.png.png").string(), cv::IMREAD_UNCHANGED);
  CHECK(cv::norm(a, cv::imread((d / "fg-gray16.png.png").string(), cv::IMREAD_UNCHANGED), cv::NORM_INF) == 0);
  // and so does the same picture stored losslessly in another format; OpenCV's JPEG 2000 at its
  // default rate gave a foreground 1/255 off here: within 3/255, as the other formats' checks
  for (const char* name : {"fg-gray.webp.png", "fg-gray.tif.png", "fg-gray.bmp.png"}) {
    INFO(name);
    CHECK(cv::norm(a, cv::imread((d / name).string(), cv::IMREAD_UNCHANGED), cv::NORM_INF) == 0);
  }
  CHECK(cv::norm(a, cv::imread((d / "fg-gray.jp2.png").string(), cv::IMREAD_UNCHANGED), cv::NORM_INF) <= 3);
}

TEST_CASE("tiae extract: bad files end in one clear message, exit status 1, and no output") {
  const auto& d = work();
  REQUIRE(cv::imwrite((d / "good.png").string(), flyer(100, 40)));
  REQUIRE(cv::imwrite((d / "good.jpg").string(), flyer(100, 40)));
  const std::string png = read_bytes(d / "good.png"), jpg = read_bytes(d / "good.jpg");
  const auto with_size = [&](uint32_t w, uint32_t h) {  // the PNG header's width and height replaced
    std::string b = png;
    for (int i = 0; i < 4; ++i) b[16 + i] = char(w >> (24 - 8 * i)), b[20 + i] = char(h >> (24 - 8 * i));
    return b;
  };
  std::string scrambled = png;  // header and end intact, compressed data garbage
  for (size_t i = 41; i + 20 < scrambled.size(); ++i) scrambled[i] = char(scrambled[i] * 7 + 3);
  write_bytes(d / "notes.png", "these are my notes, not a picture\n");
  write_bytes(d / "empty.png", "");
  write_bytes(d / "truncated.png", png.substr(0, png.size() / 2));
  write_bytes(d / "truncated.jpg", jpg.substr(0, jpg.size() / 2));
  write_bytes(d / "scrambled.png", scrambled);
  write_bytes(d / "zero.png", with_size(0, 40));
  write_bytes(d / "huge.png", with_size(100000, 100000));
  struct Case {
    std::string file, message;
  };
  for (const auto& c : {Case{"notes.png", "not an image"}, Case{"empty.png", "empty"}, Case{"missing.png", "cannot open"},
                        Case{"truncated.png", "truncated"}, Case{"truncated.jpg", "truncated"},
                        Case{"scrambled.png", "could not be decoded"}, Case{"zero.png", "zero size"},
                        Case{"huge.png", "too large"}}) {
    const auto out = d / ("out-" + c.file + ".png");
    const auto r = extract(d / c.file, out);
    INFO(c.file << ": " << r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("tiae: error: ") != std::string::npos);
    CHECK(r.output.find(c.message) != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
  // a model folder that is not one
  const auto r = run_cli("extract " + (d / "good.png").string() + " -o " + (d / "x.png").string() + " -m " + d.string());
  CHECK(r.status == 1);
  CHECK(r.output.find("neither a model folder") != std::string::npos);
}

TEST_CASE("tiae flyers: the same flyers every time, dark ink exactly where the true mask says") {
  const auto& d = work();
  REQUIRE(run_cli("flyers --count 2 -o " + (d / "flyers-a").string()).status == 0);
  REQUIRE(run_cli("flyers --count 2 -o " + (d / "flyers-b").string()).status == 0);
  for (const std::string name : {"flyer-0.png", "flyer-0-ink.png", "flyer-1.png", "flyer-1-ink.png"})
    CHECK(read_bytes(d / "flyers-a" / name) == read_bytes(d / "flyers-b" / name));
  const cv::Mat img = cv::imread((d / "flyers-a" / "flyer-0.png").string(), cv::IMREAD_GRAYSCALE);
  const cv::Mat ink = cv::imread((d / "flyers-a" / "flyer-0-ink.png").string(), cv::IMREAD_GRAYSCALE);
  REQUIRE(img.size() == ink.size());
  const double inked = cv::mean(img, ink > 230)[0], bare = cv::mean(img, ink == 0)[0];
  CHECK(cv::countNonZero(ink > 230) > 500);
  CHECK(inked < 0.25 * 255);
  CHECK(bare > 0.45 * 255);
}

TEST_CASE("tiae train: bad foreground settings end in a message naming the setting, before any run folder") {
  const fs::path d = work() / "bad-settings";
  const std::string base = "train --kind fg --max-shift 0 --epochs 1 --train-samples 64 --no-progress -o " + d.string();
  const std::pair<std::string, std::string> cases[] = {
      {"--layout text --letters 1.5", "letters must be a number in [0, 1)"},
      {"--layout centred --letters 0.5", "letters are a setting of layouts \"text\" and \"document\""},
      {"--layout document", "layout \"document\" is a setting of kinds tiae and ae"},
      {"--data grasp", "data grasp is for kinds tiae, ae and pca with layout centred"},
      {"--data digits", "data must be one of mnist, grasp"},
      {"--background plaid", "background must be"},
      {"--layout pages", "layout must be"},
      {"--layout page --letters 0.5", "letters are a setting of layouts \"text\" and \"document\""}};
  for (const auto& [flags, message] : cases) {
    INFO(flags);
    const auto r = run_cli(base + " " + flags);
    CHECK(r.status != 0);
    CHECK_THAT(r.output, Catch::Contains(message));
    CHECK_FALSE(fs::exists(d));
  }
}

TEST_CASE("tiae extract from any folder finds the released model, --mask writes only ink or paper, bad glyph sizes are refused") {
  const auto& d = work();
  REQUIRE(cv::imwrite((d / "page.png").string(), flyer(160, 60)));
  const std::string in = (d / "page.png").string(), out = (d / "page-mask.png").string();
  const auto r = run_cli("extract " + in + " -o " + out + " --glyph-size 24 --mask --no-progress", "cd / &&");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("pages-fg-documents") == std::string::npos);  // no note about a non-fg model
  const cv::Mat mask = cv::imread(out, cv::IMREAD_UNCHANGED);
  REQUIRE(mask.size() == cv::Size(160, 60));
  CHECK(cv::countNonZero((mask != 0) & (mask != 255)) == 0);
  CHECK(cv::countNonZero(mask == 255) > 0);
  for (const std::string bad : {"twenty", "20px", ""}) {
    const auto b = run_cli("extract " + in + " -o " + (d / "never.png").string() + " --glyph-size '" + bad + "' --no-progress");
    INFO(bad << ": " << b.output);
    CHECK(b.status == 1);
    CHECK(b.output.find("--glyph-size must be a number of px in [2, 2000] or auto or measured") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(d / "never.png"));
}

// Debian's LibTorch starts with one thread: a command that set none ran on one core of many.
TEST_CASE("tiae extract and tiae document run on every core unless --threads says otherwise, and say so") {
  const auto& d = work();
  REQUIRE(cv::imwrite((d / "threads.png").string(), flyer(160, 60)));
  const std::string in = (d / "threads.png").string(), cores = std::to_string(std::max(1u, std::thread::hardware_concurrency()));
  const std::string all = cores == "1" ? "on 1 CPU thread " : "on " + cores + " CPU threads ";
  for (const std::string command : {"extract", "document"}) {
    const std::string out = (d / ("threads-" + command + (command == "extract" ? ".png" : ""))).string();
    const std::string args = command + " " + in + " -o " + out + " --glyph-size 24 --no-progress --device cpu";
    const auto every = run_cli(args), one = run_cli(args + " --threads 1"), bad = run_cli(args + " --threads -2");
    INFO(every.output << one.output << bad.output);
    CHECK(every.status == 0);
    CHECK_THAT(every.output, Catch::Contains(all));
    CHECK(one.status == 0);
    CHECK_THAT(one.output, Catch::Contains("on 1 CPU thread "));
    CHECK(bad.status != 0);
  }
}

// pages-fg-mean on this flyer: 0.09/255 on average, ink masks at IoU 0.999 (pages-fg-hues
// 0.37/255, IoU 0.999; pages-fg-colour 0.07/255, IoU 0.995; pages-fg-conv 1.24/255, IoU 0.990;
// the 32x32 network 0.03/255)
TEST_CASE("tiae extract --precision bfloat16: the released model's foreground within 2/255 on average of float32's, the same ink") {
  const auto& d = work();
  REQUIRE(cv::imwrite((d / "precision.png").string(), flyer(320, 120)));
  const std::string in = (d / "precision.png").string();
  cv::Mat outputs[2];
  for (int i = 0; i < 2; ++i) {
    const std::string out = (d / (i ? "bf16.png" : "f32.png")).string();
    const auto r = run_cli("extract " + in + " -o " + out + " --glyph-size 24 --no-progress --precision " + (i ? "bfloat16" : "float32"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    outputs[i] = cv::imread(out, cv::IMREAD_GRAYSCALE);
  }
  REQUIRE(outputs[0].size() == outputs[1].size());
  cv::Mat diff;
  cv::absdiff(outputs[0], outputs[1], diff);
  const cv::Mat ink32 = outputs[0] >= 128, ink16 = outputs[1] >= 128;
  const double iou = double(cv::countNonZero(ink32 & ink16)) / std::max(1, cv::countNonZero(ink32 | ink16));
  CHECK(cv::mean(diff)[0] <= 2.0);
  CHECK(iou >= 0.97);
  CHECK(cv::countNonZero(diff) > 0);  // bfloat16 did run
  CHECK(cv::countNonZero(outputs[0] >= 128) > 0);
  CHECK(run_cli("extract " + in + " -o " + (d / "never.png").string() + " --precision half --no-progress").status == 1);
}

TEST_CASE("tiae pages: a file of training pages that a run reads instead of drawing them, and the wrong views are refused") {
  const fs::path d = work() / "page-file";
  fs::create_directories(d);
  const std::string pages = (d / "pages.bin").string();
  auto r = run_cli("pages -o " + pages + " --count 3 --views 3");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string base = "train --kind fg --layout page --max-shift 0 --epochs 1 --train-samples 32 --batch 16 --no-progress "
                           "--pages-file " + pages + " -o ";
  r = run_cli(base + (d / "wrong").string() + " --views 1");  // needs pages of 2 views
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("this run needs 2 views"));
  r = run_cli(base + (d / "run").string() + " --views 2");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("training pages: 3 of 192 px, 3 views each, from " + pages));
  CHECK(fs::exists(d / "run" / "log.jsonl"));
}

// docs/method.md, "Glyph size chosen by the model": on hard page 0 (57 px red ink on a
// painting) the marks' estimate says 14.7 px, and pages-fg-mean reads it at 36.6 px (the
// search, with the model it was measured on; the default, pages-fg-documents, chooses 23.4 px
// there, where its mask reaches ink IoU 0.05).
TEST_CASE("tiae extract --glyph-size auto: the model's choice, one of its candidates, reads a busy photo better than the measured size") {
  const auto& d = work();
  REQUIRE(run_cli("flyers --hard --count 1 -o " + (d / "hard").string()).status == 0);
  const std::string in = (d / "hard" / "hard-0.png").string();
  const cv::Mat truth = cv::imread((d / "hard" / "hard-0-ink.png").string(), cv::IMREAD_GRAYSCALE) >= 128;
  const auto run = [&](const std::string& glyph, const std::string& how, double& size) {
    const std::string out = (d / ("hard-0-" + glyph + ".png")).string();
    const auto r = run_cli("extract " + in + " -o " + out + " -m " + TIAE_MODELS_DIR "/pages-fg-mean --mask --no-progress --glyph-size " + glyph);
    INFO(r.output);
    REQUIRE(r.status == 0);
    const auto at = r.output.find(" px (" + how + ")");
    REQUIRE(at != std::string::npos);
    size = std::stod(r.output.substr(r.output.rfind("glyph size ", at) + 11));
    const cv::Mat ink = cv::imread(out, cv::IMREAD_GRAYSCALE) >= 128;
    return double(cv::countNonZero(ink & truth)) / cv::countNonZero(ink | truth);
  };
  double chosen = 0, measured = 0;
  const double iou_chosen = run("auto", "chosen by the model", chosen), iou_measured = run("measured", "measured", measured);
  INFO("chosen " << chosen << " px: IoU " << iou_chosen << "; measured " << measured << " px: IoU " << iou_measured);
  const double k = std::log(chosen / 12) / std::log(1.25);
  CHECK(std::abs(k - std::round(k)) < 0.01);  // 12 x 1.25^k, printed to one decimal
  CHECK(chosen > 1.5 * measured);
  CHECK(iou_chosen > iou_measured + 0.1);
}

// The default model on a plain page with one handwritten word, rescaled to several of its
// 256 px windows: the paper stays paper everywhere, and no column or row of the soft map
// (where windows meet) is lighter than the paper around it.
TEST_CASE("tiae extract's soft map of a plain page with one word shows the word and no window grid") {
  const auto& d = work();
  cv::Mat page(900, 1400, CV_8UC3, cv::Scalar(200, 228, 240));  // cream paper (B, G, R)
  cv::Mat grain(page.size(), CV_8UC3);
  cv::randn(grain, cv::Scalar::all(0), cv::Scalar::all(3));
  page += grain;
  cv::putText(page, "Thursday", {300, 480}, cv::FONT_HERSHEY_SCRIPT_SIMPLEX, 4.0, cv::Scalar(120, 60, 40), 5, cv::LINE_AA);
  const cv::Rect word(250, 340, 600, 240);  // the word, its descender and a margin
  REQUIRE(cv::imwrite((d / "word.png").string(), page));
  const auto r = run_cli("extract " + (d / "word.png").string() + " -o " + (d / "word-soft.png").string() + " --glyph-size 40 --no-progress");
  INFO(r.output);
  REQUIRE(r.status == 0);
  cv::Mat soft = cv::imread((d / "word-soft.png").string(), cv::IMREAD_GRAYSCALE);
  REQUIRE(soft.size() == page.size());
  CHECK(cv::countNonZero(soft(word) > 128) > 2000);  // the word's strokes
  soft(word).setTo(0);
  double most = 0;
  cv::minMaxLoc(soft, nullptr, &most);
  CHECK(most < 64);  // paper everywhere else
  // Each column's and row's mean against the median of its neighbours (a window's width):
  // a line where windows meet would stand out of them.
  const auto worst_line = [](const cv::Mat& soft, int axis) {
    cv::Mat profile;
    cv::reduce(soft, profile, axis, cv::REDUCE_AVG, CV_32F);
    profile = profile.reshape(1, 1);
    std::pair<double, int> worst{0, -1};  // how much, where
    for (int i = 0; i < profile.cols; ++i) {
      std::vector<float> around;
      for (int j = std::max(0, i - 64); j < std::min(profile.cols, i + 65); ++j) around.push_back(profile.at<float>(0, j));
      std::nth_element(around.begin(), around.begin() + long(around.size() / 2), around.end());
      worst = std::max(worst, std::pair<double, int>{profile.at<float>(0, i) - around[around.size() / 2], i});
    }
    return worst;
  };
  const cv::Mat inner = soft(cv::Rect(8, 8, soft.cols - 16, soft.rows - 16));  // the image's own edge aside
  const auto column = worst_line(inner, 0), row = worst_line(inner, 1);
  INFO("column " << column.second << ", row " << row.second);
  CHECK(column.first < 1.0);  // in 8-bit levels
  CHECK(row.first < 1.0);
}
