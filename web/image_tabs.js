// What the Extract and Documents tabs' page sides (web/extract.js, web/documents.js) share,
// as wasm/image_tab.cpp does for the app: the glyph size of a newly opened image, the rate
// this device runs at and the estimate before a run, and the preview size.
import { app, say, withString } from './bridge.js';

const tiae = window.tiae;
const TAB = ['extract', 'documents'];  // the live line's name of tab `which` (bridge.js, say)
export const PREVIEW = 2048;  // previews at most this wide or high (the texture, not the work)

// A newly opened image's glyph size: in the Extract tab chosen by the default extraction
// model (as `tiae extract --glyph-size auto`), in the Documents tab measured from its marks
// (as `tiae document --glyph-size auto`). The tab's slider starts there, a message says so,
// and the tab cannot run until it is known (the app says why). preset: an example's size.
export async function glyphSizeInto(which, file, name, preset) {
  const tell = (size, message) => {
    withString(message, (s) => app._app_set_glyph_size(which, size ?? 0, s));
    say(message, TAB[which]);
    return message;
  };
  if (preset) return tell(preset, `${name}: glyph size ${preset} px`);
  app._app_set_choosing(which, 1);
  try {
    if (which === 0) say(`${name}: choosing the glyph size the model reads best…`, TAB[which]);
    const size = which === 0 ? await tiae.chooseGlyphSize(file) : await tiae.measureGlyphSize(file);
    const how = which === 0 ? 'chosen by the model' : 'measured';
    return tell(size, size === null ? `${name}: no writing found to measure; set the glyph size (the height of its capitals)`
                                    : `${name}: glyph size ${how}, ${size.toFixed(0)} px; change it if its capitals are another height`);
  } catch {
    return '';  // not an image: the Extract or Find characters button names the problem
  } finally {
    app._app_set_choosing(which, 0);
  }
}

// The glyph size of the model a tab runs, from its card, for the tab's estimate (a card
// without one keeps the app's default); returns the card.
const DEFAULT_MODELS = [null, 'page-shift-tiae'];  // tiae.extract's (tiae.ready says which) and tiae.document's
export async function modelGlyphSizeInto(which, model) {
  const name = model || DEFAULT_MODELS[which] || (await tiae.ready).extractModel;
  const card = await fetch(`/models/${name}/model.json`).then((r) => r.json()).catch(() => ({}));
  if (card.glyph_size) app._app_set_model_glyph_size(which, card.glyph_size);
  return card;
}

// Windows per second on this device, before the tab's first run: a small blank image through
// the same call (it also loads the model). Later runs replace it with their own rate.
const measured = [false, false];
export async function measureRate(which) {
  if (measured[which]) return;
  measured[which] = true;
  const card = await modelGlyphSizeInto(which);
  const side = 160, blank = new ImageData(side, side).data.fill(255);
  const t0 = performance.now();
  try {
    await (which === 0 ? tiae.extract : tiae.document)(new ImageData(blank, side, side), { glyphSize: 20, stride: which === 0 ? 8 : 4 });
    reportRate(which, side, side, 20, which === 0 ? 8 : 4, (performance.now() - t0) / 1000, tiae.modelReach(card));
  } catch {
    measured[which] = false;  // the model did not load: its own message comes with the run
  }
}

// reach: the model's (modelReach); the rate holds for models of that reach.
export function reportRate(which, w, h, glyphSize, stride, seconds, reach = 0) {
  app._app_set_rate(which, app._app_windows(which, w, h, glyphSize, stride, reach) / Math.max(seconds, 1e-3), reach);
}

// What a run of tab `which` at its current settings would take: { windows, seconds } (seconds
// 0 before the rate is known), or null without an image.
export function estimate(which) {
  const out = app._malloc(8);
  try {
    return app._app_estimate(which, out) ? { windows: app.HEAPF32[out >> 2], seconds: app.HEAPF32[(out >> 2) + 1] } : null;
  } finally {
    app._free(out);
  }
}

// The glyph-size message and, once the rate is known, the estimate, in the live line.
export function sayEstimate(which, message) {
  const e = estimate(which);
  if (e?.seconds) say(`${message}; about ${e.windows} windows at these settings, about ${e.seconds} s on this device`, TAB[which]);
}

// For tests: tab `which`'s run as the app holds it.
export function runState(which) {
  const out = app._malloc(16);
  try {
    app._app_run_state(which, out);
    const [busy, choosing, progress, glyphSize] = app.HEAPF32.subarray(out >> 2, (out >> 2) + 4);
    return { busy: !!busy, choosing: !!choosing, progress, glyphSize };
  } finally {
    app._free(out);
  }
}
