#!/usr/bin/env bash
# Makes docs/front.png, the README's picture: the demo page with a drawn digit, a photo and
# its extracted ink (tiae extract), a page and its heat map (tiae document).
#   scripts/front_picture.sh [SCREENSHOT] [OUT]
# SCREENSHOT: the page with a drawn digit; by default the one the browser tests keep,
# build/browser-test/page-after-drawing.png (scripts/test.sh, or node --test web/browser.test.mjs).
# TIAE names the program (default build/native/tiae).
set -euo pipefail
cd "$(dirname "$0")/.."
shot=${1:-build/browser-test/page-after-drawing.png}
out=${2:-docs/front.png}
tiae=${TIAE:-build/native/tiae}
[ -f "$shot" ] || { echo "no $shot: run the browser tests first (node --test web/browser.test.mjs)" >&2; exit 1; }
[ -x "$tiae" ] || { echo "no $tiae: run scripts/build.sh first" >&2; exit 1; }
node scripts/front_picture.mjs "$tiae" "$shot" web/examples/flyer.png web/examples/page.png "$out"
