// The Documents tab's page side (wasm/document_tab.cpp): the page (picked, dropped or the
// example) shown in the app, its glyph size measured, tiae.document run with the tab's
// settings, and its heat map (drawn over the page), peaks and clusters handed to the app;
// the heat map over the page (PNG) and the peaks and clusters (JSON) offered as files.
import { app, asJson, asPng, offer, say, withBytes, withCopies, withString } from './bridge.js';
import { glyphSizeInto, measureRate, PREVIEW, reportRate, sayEstimate } from './image_tabs.js';

const tiae = window.tiae;
let page = null, pageName = '', pageBitmap = null, lastDocument = null, lastGlyphSize = 0, running = null;

// Box blur of radius r along rows then columns, three times: about a Gaussian of sigma r.
function smooth(values, w, h, r) {
  let a = Float32Array.from(values), b = new Float32Array(values.length);
  for (let pass = 0; pass < 3; ++pass)
    for (const [n, m, step, line] of [[w, h, 1, w], [h, w, w, 1]]) {  // along x, then along y
      for (let j = 0; j < m; ++j) {
        const base = j * line;
        let sum = 0;
        for (let i = -r; i < n + r; ++i) {
          if (i + r < n) sum += a[base + (i + r) * step];
          if (i - r - 1 >= 0) sum -= a[base + (i - r - 1) * step];
          if (i >= 0 && i < n) b[base + i * step] = sum / (2 * r + 1);
        }
      }
      [a, b] = [b, a];
    }
  return a;
}

// Blue (rare) to red (frequent), as the CLI's heatmap-overlay.png (OpenCV's jet).
function jet(v) {
  const c = (x) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - x))));
  return [c(3), c(2), c(1)];
}

// The page (fitted to `limit` px) as an ImageData, with the heat map over it when given:
// votes blurred to a tenth of a glyph, a third of the most votes at full colour, as
// `tiae document` draws heatmap-overlay.png.
function pageImage(bitmap, heat, glyphSize, limit = PREVIEW) {
  const scale = Math.min(1, limit / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = new OffscreenCanvas(w, h).getContext('2d');
  ctx.filter = 'grayscale(1)';
  ctx.drawImage(bitmap, 0, 0, w, h);
  ctx.filter = 'none';
  if (heat) {
    const blurred = smooth(heat.heatmap, heat.width, heat.height, Math.max(1, Math.round(glyphSize / 10)));
    const most = blurred.reduce((a, v) => Math.max(a, v), 0) || 1;
    const layer = new ImageData(heat.width, heat.height);
    for (let i = 0; i < blurred.length; ++i) {
      const v = Math.min(1, (3 * blurred[i]) / most);
      layer.data.set([...jet(v), Math.round(170 * Math.min(1, 2 * v))], 4 * i);  // the writing shows through
    }
    const full = new OffscreenCanvas(heat.width, heat.height);
    full.getContext('2d').putImageData(layer, 0, 0);
    ctx.drawImage(full, 0, 0, w, h);
  }
  return ctx.getImageData(0, 0, w, h);
}

function showPage(heat, glyphSize, fresh) {
  const { data, width, height } = pageImage(pageBitmap, heat, glyphSize);
  withBytes(data, (p) => withString(pageName, (s) =>
    app._app_document_image(p, width, height, pageBitmap.width, pageBitmap.height, s, fresh ? 1 : 0)));
}

function done(message, failed) {
  withString(message, (s) => app._app_document_done(s, failed ? 1 : 0));
  say(`find characters: ${message}`, 'documents');
}

// A new page: an analysis of the last one stops.
export async function openPage(file, preset) {
  running?.abort();
  page = file;
  pageName = file.name ?? '';
  lastDocument = null;
  try {
    pageBitmap = await createImageBitmap(file);
  } catch {
    pageBitmap = await createImageBitmap(new ImageData(1, 1));  // Find characters still runs and names the problem
  }
  showPage(null, 0, true);
  const message = await glyphSizeInto(1, file, pageName, preset);
  await measureRate(1);
  sayEstimate(1, message);
}

export const openExample = async () => {
  const response = await fetch('/examples/page.png');  // a tuning page (`tiae flyers --documents --first 104 --count 1`)
  if (response.ok) await openPage(new File([await response.blob()], 'page.png'), 27);  // its capitals' height
};

export async function runDocument(glyphSize, stride) {
  const t0 = performance.now(), controller = new AbortController();
  running = controller;
  try {
    const r = await tiae.document(page, { glyphSize, stride, onProgress: (f) => app._app_document_progress(f),
                                          signal: controller.signal });
    [lastDocument, lastGlyphSize] = [r, glyphSize];
    reportRate(1, pageBitmap.width, pageBitmap.height, glyphSize, stride, (performance.now() - t0) / 1000);
    showPage(r, glyphSize, false);
    withCopies([new Float32Array(r.peaks.flatMap(([x, y]) => [x, y]))], (p) => app._app_document_peaks(p, r.peaks.length));
    for (const c of r.clusters)
      withCopies([c.canonical, new Float32Array(c.members.flat())], (k, m) => app._app_document_cluster(k, m, c.members.length));
    done(`${pageName}: ${r.peaks.length} characters found, ${r.clusters.length} kinds, in ` +
         `${((performance.now() - t0) / 1000).toFixed(1)} s; click a kind to see where it is`, false);
  } catch (e) {
    if (e.name === 'AbortError') done(`${pageName}: cancelled`, false);
    else done(`${pageName}: ${e.message}`, true);
  } finally {
    if (running === controller) running = null;
  }
}

export const cancel = () => running?.abort();

// what 0: the heat map over the page at its size (PNG); 1: the peaks and the clusters
// (JSON: tiae.document's peaks, and each cluster's members and canonical 32x32 shape).
export async function download(what) {
  if (!lastDocument) return;
  const stem = pageName.replace(/\.[^.]*$/, '') || 'page';
  if (what === 0) return offer(`${stem}-heatmap.png`, await asPng(pageImage(pageBitmap, lastDocument, lastGlyphSize, Infinity)));
  const { width, height, peaks, clusters } = lastDocument;
  offer(`${stem}-characters.json`, asJson({ width, height, glyph_size: lastGlyphSize, peaks,
    clusters: clusters.map(({ id, members, canonical }) => ({ id, members, canonical: [...canonical] })) }));
}

// For tests: the last analysis, or null.
export const lastAnalysis = () => lastDocument;
