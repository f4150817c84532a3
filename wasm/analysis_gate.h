// One analysis in flight at a time for a tab whose drawing changes faster than the models
// answer: a request made while one runs is kept (only the latest drawing matters) and sent
// when the answer comes, so strokes never queue up behind each other.
#pragma once

struct AnalysisGate {
  bool in_flight = false, pending = false;
  // true: send the request now; false: it waits for the answer in flight.
  bool start() {
    if (in_flight) {
      pending = true;
      return false;
    }
    in_flight = true;
    pending = false;
    return true;
  }
  // The answer came: true when a request waits and should be sent now.
  bool finish() {
    in_flight = false;
    return pending;
  }
};
