// The Draw tab's page side (wasm/draw_tab.cpp): each new 32x32 drawing goes through
// tiae.analyze for the ordinary AE and the TIAE (the API's own code path) and the results
// go back into the app; the descriptor spaces and example digits come from the models'
// evaluation files; the results can be kept as JSON.
import { app, asJson, offer, say, withCopies, withString } from './bridge.js';

export const MODELS = ['mnist-shift-ae', 'mnist-shift-tiae'];  // the app's model 0 and model 1
const tiae = window.tiae;
const last = { input: null, results: {} };  // the latest analysis, for the download

export function setStatus(text) {
  withString(text, (p) => app._app_set_status(p));
  say(text);
}

export let analyses = 0;  // for tests: how many drawings were sent to tiae.analyze
export async function analyze(pixels) {
  analyses++;
  try {
    const { models } = await tiae.ready;
    const words = [], results = {};
    for (const [k, name] of MODELS.entries()) {
      if (!models.includes(name)) continue;
      const r = await tiae.analyze(pixels, name);
      withCopies([r.descriptor, r.canonical, r.restored], (d, c, s) =>
        app._app_set_result(k, d, r.descriptor.length, c, s, r.shift[0], r.shift[1]));
      words.push(`${name}: estimated shift (${r.shift[0]}, ${r.shift[1]})`);
      results[name] = r;
    }
    Object.assign(last, { input: pixels, results });
    say(`drawing analysed; ${words.join('; ')}`, 'draw');
  } catch (e) {
    setStatus(`analysis failed: ${e.message}`);
  } finally {
    app._app_analysis_done();
  }
}

export async function loadSpaces() {
  for (const [k, name] of MODELS.entries()) {
    const response = await fetch(`/models/${name}/descriptor-space.json`);
    if (!response.ok) continue;  // a model without an evaluation: no panel points
    const s = await response.json();
    withCopies([new Float32Array(s.xy), new Int32Array(s.labels), new Float32Array(s.mean), new Float32Array(s.axes)],
               (xy, labels, mean, axes) => app._app_set_space(k, xy, labels, s.labels.length, mean, axes, s.dim));
  }
}

// A test image of each class, written by `tiae eval` (examples.json): the Draw tab's
// example digits and the Grasp tab's example pairs. None recorded: drawing only. Returns
// how many.
export async function loadExamples(model, add) {
  const response = await fetch(`/models/${model}/examples.json`);
  if (!response.ok) return 0;
  const { images } = await response.json();
  for (const image of images) withCopies([new Float32Array(image)], (p) => add(p));
  return images.length;
}

// The input and each model's answer as `tiae.analyze` gives it (shift: where the input sits
// relative to the drawing; `tiae infer` prints -shift as its theta).
export function resultsJson(input, results) {
  const models = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, {
    descriptor: [...r.descriptor], canonical: [...r.canonical], shift: r.shift, restored: [...r.restored] }]));
  return asJson({ input: [...input], models });
}

export function download() {
  if (last.input) offer('digit-analysis.json', resultsJson(last.input, last.results));
}
