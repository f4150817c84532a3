// tiae bench's count of a training step's floating-point operations against a count made
// from the built network itself: every weight of a fully connected layer is one multiply-add
// per image, every weight of the first convolution one per image and output pixel (found by
// running the layer), and the shift search one per image, shift and pixel, by definition.
#include <catch2/catch.hpp>

#include "model/network.h"
#include "train/benchmark.h"

using namespace tiae;

TEST_CASE("the bench's FLOP count of a step equals a count from the network's own layers") {
  for (const int descriptor : {30, 12}) {
    NetworkShape shape;
    shape.descriptor = descriptor;
    AutoEncoder model(shape);
    const int64_t images = 9 * 128, max_shift = 8;
    double dense = 0, conv = 0;
    for (const auto& p : model->named_parameters()) {
      if (p.key().find("weight") == std::string::npos) continue;
      const auto& w = p.value();
      if (w.dim() == 2) dense += 2.0 * images * double(w.numel());
      if (w.dim() == 4) {  // the encoder's convolution: its output's pixels, as the layer makes them
        const auto out = model->encoder->conv->forward(torch::zeros({1, shape.channels, shape.size, shape.size}));
        conv += 2.0 * images * double(w.numel()) * double(out.size(2) * out.size(3));
      }
    }
    const double search = 2.0 * images * double((2 * max_shift + 1) * (2 * max_shift + 1)) * shape.size * shape.size;
    const auto f = step_flops(shape, images, max_shift);
    using Catch::Matchers::WithinRel;
    CHECK_THAT(f["forward"].get<double>(), WithinRel(conv + dense, 1e-12));
    CHECK_THAT(f["backward"].get<double>(), WithinRel(conv + 2 * dense, 1e-12));
    CHECK_THAT(f["shift_search"].get<double>(), WithinRel(search, 1e-12));
    CHECK_THAT(f["total"].get<double>(), WithinRel(2 * conv + 3 * dense + search, 1e-12));
  }
}
