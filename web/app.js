// Bridge between the ImGui canvas app (wasm/app.cpp) and window.tiae: the app hands over
// each new 32x32 drawing; this runs tiae.analyze for the ordinary AE and the TIAE (the
// API's own code path) and hands the results back into the app's memory. For the Extract
// tab it picks or receives (drag and drop) the photo, runs tiae.extract, shows previews
// and progress, and downloads the result.
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
    fn(p);
  } finally {
    app._free(p);
  }
}

function setStatus(text) {
  withString(text, (p) => app._app_set_status(p));
}

let analyses = 0;  // for tests: how many drawings were sent to tiae.analyze
async function analyze(pixels) {
  analyses++;
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

// ---- Extract tab

const PREVIEW = 1024;  // previews at most this wide or high (the texture, not the work)
let photo = null, photoName = '', foreground = null;

// An ImageData or ImageBitmap, scaled to fit PREVIEW, into the app as texture `which`.
function showImage(which, source, name = '') {
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
  withString(name, (s) => app._app_extract_image(which, p, w, h, s));
  app._free(p);
}

function done(message, failed) {
  withString(message, (s) => app._app_extract_done(s, failed ? 1 : 0));
}

async function openPhoto(file) {
  photo = file;
  photoName = file.name ?? '';
  foreground = null;
  try {
    showImage(0, await createImageBitmap(file), photoName);
  } catch {
    // No preview: Extract still runs and names the problem (tiae.extract checks the file).
    const blank = new ImageData(1, 1);
    showImage(0, blank, photoName);
    done(`${photoName}: no preview (this browser cannot decode it); Extract says why`, true);
  }
}

async function runExtract(glyphSize, stride) {
  const t0 = performance.now();
  try {
    foreground = await tiae.extract(photo, {
      glyphSize, stride, onProgress: (f) => app._app_extract_progress(f),
    });
    showImage(1, foreground);
    done(`${photoName}: ${foreground.width}x${foreground.height} px in ${((performance.now() - t0) / 1000).toFixed(1)} s`, false);
  } catch (e) {
    done(`${photoName}: ${e.message}`, true);
  }
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

function acceptDrops(canvas) {
  const picker = Object.assign(document.createElement('input'), { type: 'file', accept: 'image/*', hidden: true });
  picker.id = 'photo-picker';
  picker.addEventListener('change', () => picker.files[0] && openPhoto(picker.files[0]));
  document.body.append(picker);
  canvas.addEventListener('dragover', (e) => e.preventDefault());
  canvas.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files?.[0];
    if (file) openPhoto(file);
  });
  return picker;
}

export async function startApp(canvas) {
  let pendingPixels = null;
  const picker = acceptDrops(canvas);
  // A stroke ends wherever the button is released: while it is down the canvas holds the
  // pointer, so the release reaches it (GLFW listens on the canvas) even outside its box.
  canvas.addEventListener('pointerdown', (e) => canvas.setPointerCapture(e.pointerId));
  app = await createTiaeApp({
    canvas,
    // Called by the app (EM_ASM) with a copy of the 32x32 input.
    tiaeAnalyze: (pixels) => {
      if (app) analyze(pixels);
      else pendingPixels = pixels;  // the first frame can run before the factory resolves
    },
    tiaeOpenPhoto: () => picker.click(),
    tiaeExtract: (glyphSize, stride) => runExtract(glyphSize, stride),
    tiaeDownload: () => download(),
  });
  if (pendingPixels) analyze(pendingPixels);
  tiae.ready.then(
    ({ backend, models }) => {
      const missing = MODELS.filter((m) => !models.includes(m));
      setStatus(`running on ${backend}` + (missing.length ? `; missing: ${missing.join(', ')}` : ''));
      return loadSpaces();
    },
    (e) => setStatus(`could not start: ${e.message}`));
  window.tiaeApp = {
    canonicalSum: (model) => app._app_canonical_sum(model),
    analyses: () => analyses,
    openPhoto,  // for tests: what a drop or the picker does with a File
    foreground: () => foreground,
  };
}
