// Bridge between the ImGui canvas app (wasm/app.cpp) and window.tiae: the app hands over
// each new 32x32 drawing; this runs tiae.analyze for the ordinary AE and the TIAE (the
// API's own code path) and hands the results back into the app's memory.
import createTiaeApp from '/wasm/tiae-app.mjs';

const MODELS = ['mnist-shift-ae', 'mnist-shift-tiae'];  // the app's model 0 and model 1
const tiae = window.tiae;
let app;

function withCopies(arrays, fn) {
  const ptrs = arrays.map((a) => {
    const p = app._malloc(a.length * 4);
    (a instanceof Int32Array ? app.HEAP32 : app.HEAPF32).set(a, p >> 2);
    return p;
  });
  try {
    fn(...ptrs);
  } finally {
    ptrs.forEach((p) => app._free(p));
  }
}

function setStatus(text) {
  const n = app.lengthBytesUTF8(text) + 1, p = app._malloc(n);
  app.stringToUTF8(text, p, n);
  app._app_set_status(p);
  app._free(p);
}

async function analyze(pixels) {
  try {
    const { models } = await tiae.ready;
    for (const [k, name] of MODELS.entries()) {
      if (!models.includes(name)) continue;
      const r = await tiae.analyze(pixels, name);
      withCopies([r.descriptor, r.canonical, r.restored], (d, c, s) =>
        app._app_set_result(k, d, r.descriptor.length, c, s, r.shift[0], r.shift[1]));
    }
  } catch (e) {
    setStatus(`analysis failed: ${e.message}`);
  } finally {
    app._app_analysis_done();
  }
}

async function loadSpaces() {
  for (const [k, name] of MODELS.entries()) {
    const response = await fetch(`/models/${name}/descriptor-space.json`);
    if (!response.ok) continue;  // a model without an evaluation: no panel points
    const s = await response.json();
    withCopies([new Float32Array(s.xy), new Int32Array(s.labels), new Float32Array(s.mean), new Float32Array(s.axes)],
               (xy, labels, mean, axes) => app._app_set_space(k, xy, labels, s.labels.length, mean, axes, s.dim));
  }
}

export async function startApp(canvas) {
  let pendingPixels = null;
  app = await createTiaeApp({
    canvas,
    // Called by the app (EM_ASM) with a copy of the 32x32 input.
    tiaeAnalyze: (pixels) => {
      if (app) analyze(pixels);
      else pendingPixels = pixels;  // the first frame can run before the factory resolves
    },
  });
  if (pendingPixels) analyze(pendingPixels);
  tiae.ready.then(
    ({ backend, models }) => {
      const missing = MODELS.filter((m) => !models.includes(m));
      setStatus(`running on ${backend}` + (missing.length ? `; missing: ${missing.join(', ')}` : ''));
      return loadSpaces();
    },
    (e) => setStatus(`could not start: ${e.message}`));
  window.tiaeApp = { canonicalSum: (model) => app._app_canonical_sum(model) };
}
