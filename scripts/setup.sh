#!/usr/bin/env bash
# Installs what the build and the tests need, each thing only once: Debian packages
# (apt, only those missing) and the npm packages of package-lock.json (only when changed).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  build-essential cmake git pkg-config
  libtorch-dev libopenblas0-pthread  # LibTorch; without OpenBLAS it uses a reference BLAS (~20x slower)
  libgloo-dev                        # headers LibTorch's CMake config expects
  libopencv-dev libjpeg-dev          # image files and pictures; libjpeg writes a CMYK JPEG in a test
  opencv-doc python3-skimage         # photographs: backgrounds for foreground extraction, test photos, a scanned page
  python3-sklearn                    # the independent mean shift the core's is tested against; the held-out UCI digits
  fonts-bwht fonts-klee              # handwriting fonts of the synthetic flyers
  fonts-dkg-handwriting fonts-breip fonts-femkeklaver fonts-humor-sans fonts-comic-neue fonts-rufscript  # letters for training (not the flyers')
  fonts-dejavu-core fonts-liberation # print of the document evaluation's touching pages
  libonnx-dev libprotobuf-dev protobuf-compiler  # writing ONNX files
  zlib1g-dev                         # CRC-32 checksums of checkpoints and model files
  catch2 libcli11-dev nlohmann-json3-dev libfmt-dev
  emscripten dpkg-dev                # the core and the canvas app as WebAssembly; apt-get source
  chromium                           # headless browser for the page's end-to-end tests
  clang libclang-rt-14-dev           # scripts/fuzz.sh: libFuzzer and the sanitizers' runtimes
)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# Dear ImGui: Debian's libimgui-dev ships no sources, its source package does. Enable source
# packages with the machine's own apt sources (deb -> deb-src), then fetch them once.
if ! [ -f third_party/imgui/imgui.cpp ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  if ! grep -rqsE '^(Types: deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $sudo tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
    else
      sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $sudo tee /etc/apt/sources.list.d/debian-src.list >/dev/null
    fi
    $sudo apt-get update -qq
  fi
  echo "setup: fetching the Dear ImGui sources (Debian source package imgui)"
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt's download user must be able to write there
  (cd "$tmp" && apt-get source -qq imgui >/dev/null)
  mkdir -p third_party
  rm -rf third_party/imgui
  mv "$tmp"/imgui-*/ third_party/imgui
  rm -rf "$tmp"
fi

# npm writes node_modules/.package-lock.json on each install: newer than the lock file
# means the installed packages are current.
if ! [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "setup: installing npm packages"
  # onnxruntime-node ships its CPU binaries; skip its post-install download of GPU ones.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi
