// The Grasp tab's page side (wasm/grasp_tab.cpp): each painted pair goes through tiae.analyze
// with both grasp models and their answers go back into the app; example pairs come from
// models/grasp-shift-tiae/examples.json; the results can be kept as JSON.
import { app, offer, say, withCopies, withString } from './bridge.js';
import { resultsJson } from './draw.js';

export const GRASP_MODELS = ['grasp-shift-ae', 'grasp-shift-tiae'];  // the tab's model 0 and model 1
const tiae = window.tiae;
const last = { input: null, results: {} };

export async function analyzeGrasp(pixels) {
  try {
    const { available } = await tiae.ready;
    const results = {};
    for (const [k, name] of GRASP_MODELS.entries()) {
      if (!available.includes(name)) continue;
      const r = await tiae.analyze(pixels, name);
      withCopies([r.canonical, r.restored], (c, s) => app._app_grasp_result(k, c, s, r.shift[0], r.shift[1]));
      say(`grasp pair analysed; ${name}: estimated shift (${r.shift[0]}, ${r.shift[1]})`, 'grasp');
      results[name] = r;
    }
    Object.assign(last, { input: pixels, results });
  } catch (e) {
    withString(`analysis failed: ${e.message}`, (s) => app._app_grasp_status(s));
  } finally {
    app._app_grasp_done();
  }
}

export function download() {
  if (last.input) offer('grasp-analysis.json', resultsJson(last.input, last.results));
}
