#include "model/adaptation.h"

#include <algorithm>
#include <chrono>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "data/mnist_data.h"
#include "data/training_pages.h"
#include "io/progress_bar.h"
#include "model/precision.h"
#include "model/terms.h"

namespace tiae {

namespace {

// The planes (gray, or R, G, B and perhaps the paper plane) as 8-bit BGR at `scale`.
cv::Mat rescaled_bgr(const std::vector<float>& planes, int width, int height, int channels, double scale) {
  const size_t n = size_t(width) * height;
  std::vector<cv::Mat> bgr;  // B, G, R: the colour planes backwards, or gray three times
  for (int c = 2; c >= 0; --c) bgr.push_back(cv::Mat(height, width, CV_32F, const_cast<float*>(planes.data() + size_t(channels > 1 ? c : 0) * n)));
  cv::Mat merged, out;
  cv::merge(bgr, merged);
  cv::resize(merged, out, {0, 0}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  out.convertTo(out, CV_8UC3, 255.0);
  return out;
}

// The photo's paper (its ink and a rim painted over) and what its ink lets through: the
// quartiles, per colour, of image / paper over the pixels the model calls ink.
ImagePaper photo_paper(const cv::Mat& bgr8, const cv::Mat& soft) {
  cv::Mat ink_mask, hole, paper8;
  cv::compare(soft, 0.3, hole, cv::CMP_GE);
  cv::dilate(hole, hole, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  cv::inpaint(bgr8, hole, paper8, 3, cv::INPAINT_TELEA);
  ImagePaper p;
  p.width = bgr8.cols, p.height = bgr8.rows;
  cv::Mat paper;
  paper8.convertTo(paper, CV_32FC3, 1.0 / 255);
  p.bgr.assign(reinterpret_cast<float*>(paper.data), reinterpret_cast<float*>(paper.data) + paper.total() * 3);
  std::vector<float> through[3];
  for (int r = 0; r < soft.rows; ++r)
    for (int c = 0; c < soft.cols; ++c)
      if (soft.at<float>(r, c) >= 0.6f)
        for (int k = 0; k < 3; ++k)
          through[k].push_back(std::min(1.f, bgr8.at<cv::Vec3b>(r, c)[k] / std::max(1.f, float(paper8.at<cv::Vec3b>(r, c)[k]))));
  if (through[0].size() < 50) return p;  // too little ink to tell its colour: documents' inks
  for (double q : {0.25, 0.5, 0.75}) {
    std::array<float, 3> ink{};
    for (int k = 0; k < 3; ++k) {
      auto& v = through[k];
      std::nth_element(v.begin(), v.begin() + long(q * double(v.size() - 1)), v.end());
      ink[size_t(k)] = v[size_t(q * double(v.size() - 1))];
    }
    p.inks.push_back(ink);
  }
  return p;
}

}  // namespace

int adapt_to_image(AutoEncoder& network, torch::Device device, const TrainConfig& config, const std::vector<float>& image,
                   const std::vector<float>& soft, int width, int height, double glyph_size, double model_glyph_size,
                   const AdaptOptions& options, bool progress) {
  const auto start = std::chrono::steady_clock::now();
  const double scale = model_glyph_size / glyph_size;
  const int channels = network->shape.channels;
  const cv::Mat bgr8 = rescaled_bgr(image, width, height, channels, scale);
  cv::Mat soft_small;
  cv::resize(cv::Mat(height, width, CV_32F, const_cast<float*>(soft.data())), soft_small, bgr8.size(), 0, 0, cv::INTER_AREA);
  PageBankOptions bank_options;
  bank_options.count = options.pages, bank_options.views = 2, bank_options.side = 2 * config.network.size;
  bank_options.model_glyph = model_glyph_size, bank_options.channels = channels, bank_options.seed = options.seed;
  const PageBank bank = make_paper_bank(photo_paper(bgr8, soft_small), bank_options, load_mnist_split(find_mnist_package()).train);
  TrainConfig tuning = config;
  tuning.views = 1;
  tuning.network.size = std::min(config.network.size, bank.side);
  torch::optim::Adam optimizer(network->parameters(), torch::optim::AdamOptions(options.lr));
  network->train();
  std::mt19937_64 rng(options.seed);
  int steps = 0;
  ProgressBar bar("adapt", long(options.seconds * 10), progress);
  for (;;) {
    const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (spent >= options.seconds) break;
    bar.update(long(spent * 10));
    Batch batch = draw_page_batch(bank, options.batch, rng, tuning);
    batch.inputs = batch.inputs.to(device), batch.targets = batch.targets.to(device);
    optimizer.zero_grad();
    objective(network, batch, tuning).loss.backward();
    optimizer.step();
    ++steps;
  }
  bar.finish();
  network->eval();
  return steps;
}

}  // namespace tiae
