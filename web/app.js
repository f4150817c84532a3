// Bridge between the ImGui canvas app (wasm/app.cpp) and window.tiae: the app hands over
// each new 32x32 drawing; this runs tiae.analyze for the ordinary AE and the TIAE (the
// API's own code path) and hands the results back into the app's memory. For the Extract
// tab it picks or receives (drag and drop) the photo, runs tiae.extract, shows previews
// and progress, and downloads the result. For the Documents tab it runs tiae.document on a
// page and hands the heat map (drawn over the page), the peaks and the clusters to the app.
// For the Grasp tab it runs tiae.analyze with both grasp models on each painted pair, and
// hands the app example pairs of the test set (models/grasp-shift-tiae/examples.json).
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

function withString(text, fn) {
  const n = app.lengthBytesUTF8(text) + 1, p = app._malloc(n);
  app.stringToUTF8(text, p, n);
  try {
    return fn(p);
  } finally {
    app._free(p);
  }
}

function setStatus(text) {
  withString(text, (p) => app._app_set_status(p));
  say(text);
}

// The latest result in words, in the page's live line (#live) that screen readers read.
function say(text) {
  const live = document.getElementById('live');
  if (live) live.textContent = text;
}

let analyses = 0;  // for tests: how many drawings were sent to tiae.analyze
async function analyze(pixels) {
  analyses++;
  try {
    const { models } = await tiae.ready;
    const words = [];
    for (const [k, name] of MODELS.entries()) {
      if (!models.includes(name)) continue;
      const r = await tiae.analyze(pixels, name);
      withCopies([r.descriptor, r.canonical, r.restored], (d, c, s) =>
        app._app_set_result(k, d, r.descriptor.length, c, s, r.shift[0], r.shift[1]));
      words.push(`${name}: estimated shift (${r.shift[0]}, ${r.shift[1]})`);
    }
    say(`drawing analysed; ${words.join('; ')}`);
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

// ---- Grasp tab

const GRASP_MODELS = ['grasp-shift-ae', 'grasp-shift-tiae'];  // the tab's model 0 and model 1

async function analyzeGrasp(pixels) {
  try {
    const { available } = await tiae.ready;
    for (const [k, name] of GRASP_MODELS.entries()) {
      if (!available.includes(name)) continue;
      const r = await tiae.analyze(pixels, name);
      withCopies([r.canonical, r.restored], (c, s) => app._app_grasp_result(k, c, s, r.shift[0], r.shift[1]));
      say(`grasp pair analysed; ${name}: estimated shift (${r.shift[0]}, ${r.shift[1]})`);
    }
  } catch (e) {
    withString(`analysis failed: ${e.message}`, (s) => app._app_grasp_status(s));
  } finally {
    app._app_grasp_done();
  }
}

// A test image of each class, written by `tiae eval` (examples.json): the Draw tab's
// example digits and the Grasp tab's example pairs. None recorded: drawing only.
async function loadExamples(model, add) {
  const response = await fetch(`/models/${model}/examples.json`);
  if (!response.ok) return;
  const { images } = await response.json();
  for (const image of images) withCopies([new Float32Array(image)], (p) => add(p));
}

// ---- Extract tab

// How far a fully convolutional model's output pixel sees (0: a dense model), as tiae.js
// reads it from the card: the app counts such a model's windows and shows its stride.
const modelReach = (card) => tiae.modelReach(card);

// The foreground models for the tab's chooser, tiae.extract's default first, and their reaches.
async function listForegroundModels() {
  const { available, extractModel } = await tiae.ready;
  const models = [];
  for (const name of available) {
    const card = await (await fetch(`/models/${name}/model.json`)).json().catch(() => ({}));
    if (card.kind === 'fg' || card.kind === 'foreground') models.push({ name, reach: modelReach(card) });
  }
  models.sort((a, b) => (b.name === extractModel) - (a.name === extractModel) || a.name.localeCompare(b.name));
  withString(models.map((m) => m.name).join('\n'), (s) => app._app_extract_models(s));
  models.forEach((m, i) => app._app_extract_model_reach(i, m.reach));
}

const PREVIEW = 1024;  // previews at most this wide or high (the texture, not the work)
let photo = null, photoName = '', photoSize = [0, 0], foreground = null;

// An ImageData or ImageBitmap, scaled to fit PREVIEW, into the app as texture `which`.
function showImage(which, source, name = '') {
  const full = [source.width, source.height];
  const scale = Math.min(1, PREVIEW / Math.max(source.width, source.height));
  const w = Math.max(1, Math.round(source.width * scale)), h = Math.max(1, Math.round(source.height * scale));
  const canvas = new OffscreenCanvas(w, h), ctx = canvas.getContext('2d');
  if (source instanceof ImageData) {
    const full = new OffscreenCanvas(source.width, source.height);
    full.getContext('2d').putImageData(source, 0, 0);
    ctx.drawImage(full, 0, 0, w, h);
  } else {
    ctx.drawImage(source, 0, 0, w, h);
  }
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const p = app._malloc(rgba.length);
  app.HEAPU8.set(rgba, p);
  withString(name, (s) => app._app_extract_image(which, p, w, h, s, ...full));
  app._free(p);
}

function done(message, failed) {
  withString(message, (s) => app._app_extract_done(s, failed ? 1 : 0));
  say(`extract: ${message}`);
}

// A newly opened image's glyph size: in the Extract tab chosen by the default extraction
// model (as `tiae extract --glyph-size auto`), in the Documents tab measured from its marks
// (as `tiae document --glyph-size auto`). The tab's slider starts there, and a message says so.
async function glyphSizeOfImageInto(which, file, name) {
  try {
    if (which === 0) say(`${name}: choosing the glyph size the model reads best…`);
    const size = which === 0 ? await tiae.chooseGlyphSize(file) : await tiae.measureGlyphSize(file);
    const how = which === 0 ? 'chosen by the model' : 'measured';
    const message = size === null ? `${name}: no writing found to measure; set the glyph size (the height of its capitals)`
                                  : `${name}: glyph size ${how}, ${size.toFixed(0)} px; change it if its capitals are another height`;
    withString(message, (s) => app._app_set_glyph_size(which, size ?? 0, s));
    say(message);
    return message;
  } catch {
    return '';  // not an image: the Extract or Find characters button names the problem
  }
}

// The example photo and page of the Extract and Documents tabs (web/examples/), with the
// height of their capitals: a flyer past the evaluation's six (`tiae flyers --count 7`,
// flyer-6) and a tuning page (`tiae flyers --documents --first 104 --count 1`).
const EXAMPLES = [
  { url: '/examples/flyer.png', glyphSize: 22, open: (f, g) => openPhoto(f, g) },
  { url: '/examples/page.png', glyphSize: 27, open: (f, g) => openPage(f, g) },
];

async function openExample(which) {
  const { url, glyphSize, open } = EXAMPLES[which];
  const response = await fetch(url);
  if (!response.ok) return setStatus(`the example ${url} is missing (HTTP ${response.status})`);
  await open(new File([await response.blob()], url.split('/').pop()), glyphSize);
}

// A glyph size given (an example's) or measured, into tab `which`'s slider.
function glyphSizeInto(which, file, name, preset) {
  if (!preset) return glyphSizeOfImageInto(which, file, name);
  const message = `${name}: glyph size ${preset} px`;
  withString(message, (s) => app._app_set_glyph_size(which, preset, s));
  say(message);
  return message;
}

// The glyph size of the model a tab runs, from its card, for the tab's estimate (a card
// without one keeps the app's default); returns the card.
const DEFAULT_MODELS = [null, 'page-shift-tiae'];  // tiae.extract's (tiae.ready says which) and tiae.document's
async function modelGlyphSizeInto(which, model) {
  const name = model || DEFAULT_MODELS[which] || (await tiae.ready).extractModel;
  const card = await fetch(`/models/${name}/model.json`).then((r) => r.json()).catch(() => ({}));
  if (card.glyph_size) app._app_set_model_glyph_size(which, card.glyph_size);
  return card;
}

// Windows per second on this device, before the tab's first run: a small blank image through
// the same call (it also loads the model). Later runs replace it with their own rate.
const measured = [false, false];
async function measureRate(which) {
  if (measured[which]) return;
  measured[which] = true;
  const card = await modelGlyphSizeInto(which);
  const side = 160, blank = new ImageData(side, side).data.fill(255);
  const t0 = performance.now();
  try {
    await (which === 0 ? tiae.extract : tiae.document)(new ImageData(blank, side, side), { glyphSize: 20, stride: which === 0 ? 8 : 4 });
    reportRate(which, side, side, 20, which === 0 ? 8 : 4, (performance.now() - t0) / 1000, modelReach(card));
  } catch {
    measured[which] = false;  // the model did not load: its own message comes with the run
  }
}

// reach: the model's (modelReach); the rate holds for models of that reach.
function reportRate(which, w, h, glyphSize, stride, seconds, reach = 0) {
  app._app_set_rate(which, app._app_windows(which, w, h, glyphSize, stride, reach) / Math.max(seconds, 1e-3), reach);
}

// What a run of tab `which` at its current settings would take: { windows, seconds } (seconds
// 0 before the rate is known), or null without an image.
function estimate(which) {
  const out = app._malloc(8);
  try {
    return app._app_estimate(which, out) ? { windows: app.HEAPF32[out >> 2], seconds: app.HEAPF32[(out >> 2) + 1] } : null;
  } finally {
    app._free(out);
  }
}

// The glyph-size message and, once the rate is known, the estimate, in the live line.
function sayEstimate(which, message) {
  const e = estimate(which);
  if (e?.seconds) say(`${message}; about ${e.windows} windows at these settings, about ${e.seconds} s on this device`);
}

async function openPhoto(file, preset) {
  photo = file;
  photoName = file.name ?? '';
  foreground = null;
  try {
    const bitmap = await createImageBitmap(file);
    photoSize = [bitmap.width, bitmap.height];
    showImage(0, bitmap, photoName);
    const message = await glyphSizeInto(0, file, photoName, preset);
    await measureRate(0);
    sayEstimate(0, message);
  } catch {
    // No preview: Extract still runs and names the problem (tiae.extract checks the file).
    const blank = new ImageData(1, 1);
    showImage(0, blank, photoName);
    done(`${photoName}: not an image file this browser can read (Extract names the problem)`, true);
  }
}

// The running extraction's and document analysis's cancel switches (the tabs' Cancel).
const running = { extract: null, document: null };

async function runExtract(glyphSize, stride, model) {
  const t0 = performance.now();
  running.extract = new AbortController();
  try {
    foreground = await tiae.extract(photo, {
      model: model || undefined, glyphSize, stride, onProgress: (f) => app._app_extract_progress(f), signal: running.extract.signal,
    });
    showImage(1, foreground);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const card = await modelGlyphSizeInto(0, model);
    reportRate(0, ...photoSize, glyphSize, stride, Number(seconds), modelReach(card));
    done(`${photoName}: ${foreground.width}x${foreground.height} px in ${seconds} s` + inkWarning(foreground), false);
  } catch (e) {
    if (e.name === 'AbortError') done(`${photoName}: cancelled`, false);
    else done(`${photoName}: ${e.message}`, true);
  }
}

// A word when almost nothing came out as ink: the usual cause is a glyph size far from the
// photo's, or a photo without writing.
function inkWarning(image) {
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4) ink += image.data[i] >= 128;
  const share = ink / (image.width * image.height);
  return share < 0.002 ? `; almost no ink found (${(100 * share).toFixed(2)} % of the pixels): is the glyph size ` +
                         'the height of the capitals in pixels, and is there writing?' : '';
}

async function download() {
  if (!foreground) return;
  const canvas = new OffscreenCanvas(foreground.width, foreground.height);
  canvas.getContext('2d').putImageData(foreground, 0, 0);
  const url = URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
  const a = Object.assign(document.createElement('a'), {
    href: url, download: `${photoName.replace(/\.[^.]*$/, '') || 'photo'}-foreground.png`,
  });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- Documents tab

let page = null, pageName = '', pageBitmap = null, lastDocument = null;

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

// The page's preview (fitted to PREVIEW) as RGBA, with the heat map over it when given:
// votes blurred to a tenth of a glyph, a third of the most votes at full colour, as
// `tiae document` draws heatmap-overlay.png.
function pagePreview(bitmap, heat, glyphSize) {
  const scale = Math.min(1, PREVIEW / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(w, h), ctx = canvas.getContext('2d');
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
  return { rgba: ctx.getImageData(0, 0, w, h).data, w, h };
}

function showPage(heat, glyphSize, fresh) {
  const { rgba, w, h } = pagePreview(pageBitmap, heat, glyphSize);
  const p = app._malloc(rgba.length);
  app.HEAPU8.set(rgba, p);
  withString(pageName, (s) => app._app_document_image(p, w, h, pageBitmap.width, pageBitmap.height, s, fresh ? 1 : 0));
  app._free(p);
}

function documentDone(message, failed) {
  withString(message, (s) => app._app_document_done(s, failed ? 1 : 0));
  say(`find characters: ${message}`);
}

async function openPage(file, preset) {
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

async function runDocument(glyphSize, stride) {
  const t0 = performance.now();
  running.document = new AbortController();
  try {
    const r = await tiae.document(page, { glyphSize, stride, onProgress: (f) => app._app_document_progress(f),
                                          signal: running.document.signal });
    lastDocument = r;
    reportRate(1, pageBitmap.width, pageBitmap.height, glyphSize, stride, (performance.now() - t0) / 1000);
    showPage(r, glyphSize, false);
    withCopies([new Float32Array(r.peaks.flatMap(([x, y]) => [x, y]))], (p) => app._app_document_peaks(p, r.peaks.length));
    for (const c of r.clusters)
      withCopies([c.canonical, new Float32Array(c.members.flat())], (k, m) => app._app_document_cluster(k, m, c.members.length));
    documentDone(`${pageName}: ${r.peaks.length} characters found, ${r.clusters.length} kinds, in ` +
                 `${((performance.now() - t0) / 1000).toFixed(1)} s; click a cluster to see its members`, false);
  } catch (e) {
    if (e.name === 'AbortError') documentDone(`${pageName}: cancelled`, false);
    else documentDone(`${pageName}: ${e.message}`, true);
  }
}

function acceptDrops() {
  const pick = (id, open) => {
    const picker = Object.assign(document.createElement('input'), { type: 'file', accept: 'image/*', hidden: true, id });
    picker.addEventListener('change', () => picker.files[0] && open(picker.files[0]));
    document.body.append(picker);
    return picker;
  };
  const pickers = { photo: pick('photo-picker', openPhoto), page: pick('page-picker', openPage) };
  // Anywhere on the page: a file dropped beside the canvas must not navigate away.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files?.[0];
    if (file) (app._app_document_active() ? openPage : openPhoto)(file);
  });
  return pickers;
}

// The canvas fills the page's width at the device's pixel ratio (the app draws in device
// pixels, wasm/screen.h); on a wide window it fills the height below the header, on a narrow
// one (columns stacked) it is as tall as the app's contents, and the page scrolls.
const layout = { contentHeight: 0 };
function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1, width = document.documentElement.clientWidth;
  let height = Math.max(560, window.innerHeight - document.querySelector('header').offsetHeight);
  if (app._app_resize(width, height, dpr) && layout.contentHeight) {
    height = layout.contentHeight;
    app._app_resize(width, height, dpr);
  }
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
}

// Where the app last drew a control, in page coordinates (for tests), or null.
function rect(name) {
  const out = app._malloc(16);
  try {
    if (!withString(name, (s) => app._app_rect(s, out))) return null;
    const [x, y, width, height] = app.HEAPF32.subarray(out >> 2, (out >> 2) + 4);
    const box = app.canvas.getBoundingClientRect();
    return { x: box.left + x, y: box.top + y, width, height };
  } finally {
    app._free(out);
  }
}

// A finger on a painting area draws; anywhere else it scrolls the page (the canvas may be
// taller than a phone's screen).
function paintsAt(touch) {
  return ['draw-canvas', 'grasp-canvas'].some((name) => {
    const r = rect(name);
    return r && touch.clientX >= r.x && touch.clientX < r.x + r.width && touch.clientY >= r.y && touch.clientY < r.y + r.height;
  });
}

export async function startApp(canvas) {
  let pendingPixels = null;
  const pickers = acceptDrops();
  // A stroke ends wherever the button is released: while it is down the canvas holds the
  // pointer, so the release reaches it (GLFW listens on the canvas) even outside its box.
  canvas.addEventListener('pointerdown', (e) => canvas.setPointerCapture(e.pointerId));
  // A finger draws as the mouse does: Emscripten's GLFW listens to mouse events only, and a
  // browser turns a touch into mouse events for a tap at most, never for a drag.
  const asMouse = { pointerdown: 'mousedown', pointermove: 'mousemove', pointerup: 'mouseup', pointercancel: 'mouseup' };
  for (const type of Object.keys(asMouse))
    canvas.addEventListener(type, (e) => {
      if (e.pointerType !== 'touch') return;
      e.preventDefault();
      const mouse = new MouseEvent(asMouse[type], {
        clientX: e.clientX, clientY: e.clientY, screenX: e.screenX, screenY: e.screenY,
        button: 0, buttons: type === 'pointerup' || type === 'pointercancel' ? 0 : 1, bubbles: true, cancelable: true,
      });
      // GLFW places the pointer by pageX/pageY, which a constructed event leaves unscrolled.
      Object.defineProperties(mouse, { pageX: { value: e.pageX }, pageY: { value: e.pageY } });
      canvas.dispatchEvent(mouse);
    });
  // Keys pressed in the app stay there: Ctrl+A selects in ImGui, not the page's text, and the
  // arrows, space and page keys move ImGui's focus, not the page (GLFW listens on window).
  const appKeys = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', ' ', 'PageUp', 'PageDown', 'Home', 'End']);
  window.addEventListener('keydown', (e) => {
    if (document.activeElement !== canvas) return;
    if (appKeys.has(e.key) || ((e.ctrlKey || e.metaKey) && 'acvxyz'.includes(e.key.toLowerCase()) && e.key.length === 1)) e.preventDefault();
  }, true);
  canvas.addEventListener('touchstart', (e) => { if (app && paintsAt(e.touches[0])) e.preventDefault(); }, { passive: false });
  // The app's WebGL context, made here to keep its drawing buffer: the app draws only after
  // a change, and the canvas must go on showing the last picture, whatever the browser
  // composites meanwhile (Emscripten's GLFW then finds this context and uses it).
  canvas.getContext('webgl2', { alpha: false, antialias: false, depth: true, stencil: true, preserveDrawingBuffer: true });
  app = await createTiaeApp({
    canvas,
    // Called by the app (EM_ASM) with a copy of the 32x32 input.
    tiaeAnalyze: (pixels) => {
      if (app) analyze(pixels);
      else pendingPixels = pixels;  // the first frame can run before the factory resolves
    },
    tiaeOpenPhoto: () => pickers.photo.click(),
    tiaeOpenPage: () => pickers.page.click(),
    tiaeDocument: (glyphSize, stride) => runDocument(glyphSize, stride),
    tiaeExtract: (glyphSize, stride, model) => runExtract(glyphSize, stride, model),
    tiaeDownload: () => download(),
    tiaeAnalyzeGrasp: (pixels) => analyzeGrasp(pixels),
    tiaeCancel: (which) => running[which === 0 ? 'extract' : 'document']?.abort(),
    tiaeExample: (which) => openExample(which),
    tiaeContentHeight: (height) => {
      layout.contentHeight = height;
      fitCanvas(canvas);
    },
  });
  // The app draws only after something changed (wasm/app.cpp, app_wake): input on the page,
  // or any call into it (a result, progress, a resize).
  for (const key of Object.keys(app))
    if (key.startsWith('_app_') && key !== '_app_wake' && typeof app[key] === 'function') {
      const call = app[key];
      app[key] = (...args) => {
        const result = call(...args);
        app._app_wake();
        return result;
      };
    }
  for (const type of ['pointerdown', 'pointermove', 'pointerup', 'keydown', 'keyup', 'wheel', 'focusin', 'focusout', 'scroll', 'visibilitychange'])
    window.addEventListener(type, () => app._app_wake(), { passive: true, capture: true });
  fitCanvas(canvas);
  window.addEventListener('resize', () => fitCanvas(canvas));
  if (pendingPixels) analyze(pendingPixels);
  tiae.ready.then(
    ({ backend, models }) => {
      const missing = MODELS.filter((m) => !models.includes(m));
      setStatus(`running on ${backend}` + (missing.length ? `; missing: ${missing.join(', ')}` : ''));
      return Promise.all([loadSpaces(), loadExamples(MODELS[1], (p) => app._app_digit_example(p)),
                          loadExamples(GRASP_MODELS[1], (p) => app._app_grasp_example(p)), listForegroundModels()]);
    },
    (e) => setStatus(`could not start: ${e.message}`));
  window.tiaeApp = {
    canonicalSum: (model) => app._app_canonical_sum(model),
    analyses: () => analyses,
    openPhoto,  // for tests: what a drop or the picker does with a File
    foreground: () => foreground,
    openPage,  // for tests: what a drop on the Documents tab or its picker does
    document: () => lastDocument,
    selectCluster: (c) => app._app_document_select(c),
    loadGraspExample: (i) => app._app_grasp_load_example(i),
    graspTiaeShift: () => app._app_grasp_tiae_shift(),
    rect,  // for tests: where a control is (wasm/app.cpp's remember() names)
    estimate,  // for tests: the Extract (0) or Documents (1) tab's estimate
  };
}
