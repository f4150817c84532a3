// The Draw tab's page side (wasm/draw_tab.cpp): each new 32x32 drawing goes through
// tiae.analyze for the ordinary AE and the TIAE (the API's own code path) and the results
// go back into the app; the descriptor spaces and example digits come from the models'
// evaluation files; the results can be kept as JSON.
import { app, asJson, offer, say, withCopies, withString } from './bridge.js';

// The app's model 0 and model 1 for each of its choices: trained for shifts, or for shifts,
// turns and sizes (loaded when first chosen).
export const FAMILIES = [['mnist-shift-ae', 'mnist-shift-tiae'], ['mnist-affine-ae', 'mnist-affine-tiae']];
export const MODELS = FAMILIES[0];
const tiae = window.tiae;
const last = { input: null, results: {} };  // the latest analysis, for the download and tests
export const lastAnalysis = () => last;

export function setStatus(text) {
  withString(text, (p) => app._app_set_status(p));
  say(text);
}

export let analyses = 0;  // for tests: how many drawings were sent to tiae.analyze
let loading = -1;  // the family being loaded, while it is
export async function analyze(pixels, family = 0) {
  analyses++;
  try {
    // the start-up pair: those that loaded (the others are named missing at start); the
    // other pair loads when first asked for
    const { models, available } = await tiae.ready;
    const words = [], results = {};
    for (const [k, name] of FAMILIES[family].entries()) {
      if (!(family === 0 ? models : available).includes(name)) continue;
      const r = await tiae.analyze(pixels, name);
      const pose = Float32Array.from(r.angle === undefined ? r.shift : [...r.shift, r.angle, r.scale]);
      withCopies([r.descriptor, r.canonical, r.restored, pose], (d, c, s, p) =>
        app._app_set_result(family, k, d, r.descriptor.length, c, s, p, pose.length));
      words.push(r.angle === undefined ? `${name}: estimated shift (${r.shift[0]}, ${r.shift[1]})`
                                       : `${name}: at (${r.shift.map((v) => v.toFixed(1)).join(', ')}), turned ` +
                                         `${r.angle.toFixed(0)} degrees, scale ${r.scale.toFixed(2)}`);
      results[name] = r;
    }
    Object.assign(last, { input: pixels, family, results });
    if (loading === family) {
      loading = -1;
      setStatus(`running on ${(await tiae.ready).backend}`);
    }
    say(`drawing analysed; ${words.join('; ')}`, 'draw');
  } catch (e) {
    setStatus(`analysis failed: ${e.message}`);
  } finally {
    app._app_analysis_done();
  }
}

// The app chose a family: its spaces, and a word while a pair not loaded yet loads (its
// first analysis loads it, and says when it is in).
export async function chooseFamily(family) {
  const { models } = await tiae.ready;
  if (FAMILIES[family].some((name) => !models.includes(name))) {
    setStatus(`loading ${FAMILIES[family].join(' and ')}...`);
    loading = family;
  }
  await loadSpaces(family);
}

// The turns pair's grid, from its TIAE's card: the app's turn and size steps and its words.
export async function loadTurnGrid() {
  const { transform } = await (await fetch(`/models/${FAMILIES[1][1]}/model.json`)).json();
  withCopies([Float32Array.from(transform.angles), Float32Array.from(transform.scales)], (a, s) =>
    app._app_set_turn_grid(a, transform.angles.length, s, transform.scales.length, transform.max_shift));
}

// The descriptor spaces of a family's two models (the app's panels of test digits).
export async function loadSpaces(family = 0) {
  for (const [k, name] of FAMILIES[family].entries()) {
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
    descriptor: [...r.descriptor], canonical: [...r.canonical], shift: r.shift,
    ...(r.angle === undefined ? {} : { angle: r.angle, scale: r.scale }), restored: [...r.restored] }]));
  return asJson({ input: [...input], models });
}

export function download() {
  if (last.input) offer('digit-analysis.json', resultsJson(last.input, last.results));
}
