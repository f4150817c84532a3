#include "data/document_sources.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

namespace tiae {

namespace {

DocumentSource take_apart(const RealPage& p) {
  const Flyer& f = p.page;
  const double glyph = f.glyph_size > 0 ? f.glyph_size : kSourceGlyphSize;
  const double scale = std::min(1.0, kSourceGlyphSize / glyph);
  cv::Mat bgr(f.height, f.width, CV_8UC3, const_cast<uint8_t*>(f.bgr.data()));
  cv::Mat truth(f.height, f.width, CV_32F, const_cast<float*>(f.ink.data()));
  if (scale < 1) {
    cv::resize(bgr, bgr, {0, 0}, scale, scale, cv::INTER_AREA);
    cv::resize(truth, truth, bgr.size(), 0, 0, cv::INTER_AREA);
  } else {
    bgr = bgr.clone(), truth = truth.clone();
  }
  DocumentSource s;
  s.name = p.name;
  s.glyph_size = glyph * scale;
  cv::threshold(truth, s.ink, 0.5, 1.0, cv::THRESH_BINARY);
  // Paint over the ink and its anti-aliased rim, from the paper around it.
  cv::Mat hole, paper8;
  s.ink.convertTo(hole, CV_8U, 255);
  cv::dilate(hole, hole, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  cv::inpaint(bgr, hole, paper8, 5, cv::INPAINT_TELEA);
  paper8.convertTo(s.paper, CV_32FC3, 1.0 / 255);
  cv::Mat image;
  bgr.convertTo(image, CV_32FC3, 1.0 / 255);
  s.through = cv::Mat(image.size(), CV_32FC3, cv::Scalar::all(1));
  for (int r = 0; r < image.rows; ++r)
    for (int c = 0; c < image.cols; ++c) {
      if (s.ink.at<float>(r, c) < 0.5f) continue;
      const auto& i = image.at<cv::Vec3f>(r, c);
      const auto& q = s.paper.at<cv::Vec3f>(r, c);
      for (int k = 0; k < 3; ++k) s.through.at<cv::Vec3f>(r, c)[k] = std::min(1.f, i[k] / std::max(q[k], 0.05f));
    }
  return s;
}

}  // namespace

std::vector<DocumentSource> document_sources(const std::vector<RealPage>& pages) {
  std::vector<DocumentSource> out;
  for (const auto& p : pages)
    if (!p.validation) out.push_back(take_apart(p));
  return out;
}

}  // namespace tiae
