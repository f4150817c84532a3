// The 19 real depth frames of data/real-depth (Intel RealSense SR305; from the repository
// LadaOndris/hand-recognition, MIT License: source, licence and units in its README): two
// sequences of a right hand in front of the body, an open palm turning in the image plane
// (8 frames) and fingers apart but bent (11). No joint angles: they show and check, on a
// real sensor, what the models trained on rendered hands do.
#pragma once
#include <string>
#include <vector>

namespace tiae {

struct RealDepthFrame {
  std::string file;      // the path
  std::string sequence;  // the part of the name before '_'
  int number = 0;        // the frame's number in its sequence, after '_'
};

// The folder data/real-depth of the project (TIAE_REAL_DEPTH names another), or "".
std::string find_real_depth();

// Its frames (SEQUENCE_NUMBER.png), by sequence and then by number. Throws when the folder
// holds none.
std::vector<RealDepthFrame> list_real_depth(const std::string& dir);

}  // namespace tiae
