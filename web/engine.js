// The page's engine, in a Worker (started by web/tiae.js, which forwards window.tiae's calls
// here): the C++ core compiled to wasm and ONNX Runtime Web with the models. Long work
// (extraction, documents) runs here, off the page's main thread, so the page keeps drawing
// and taking input. Calls run one at a time, in order; each answers with a 'done' or an
// 'error' message, long ones with 'progress' messages meanwhile, and an 'abort' message
// cancels one between two batches. While the models load, 'loading' messages count the bytes.
// The contract of each call is window.tiae's (web/tiae.js).
import createTiaeCore from '/wasm/tiae-core.mjs';
import { DEFAULT_GLYPH_SIZE, modelReach } from '/card.js';

const SIZE = 32, PIXELS = SIZE * SIZE;

// An in-page message: a failure to load, a fallback.
function note(kind, text) {
  postMessage({ type: 'note', kind, text });
}

// forced: the page's ?backend= ('wasm', 'webgpu', or null to choose).
async function chooseBackend(forced) {
  if (forced && forced !== 'wasm' && forced !== 'webgpu') note('warning', `unknown backend '${forced}': choosing automatically`);
  if (forced === 'wasm') return 'wasm';
  if (!navigator.gpu) {
    if (forced === 'webgpu') note('warning', 'WebGPU is not available in this browser: running on wasm');
    return 'wasm';
  }
  try {
    const adapter = await navigator.gpu.requestAdapter();
    const fallback = adapter && (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter);
    if (adapter && (!fallback || forced === 'webgpu')) return 'webgpu';
    if (forced === 'webgpu') note('warning', 'no WebGPU adapter: running on wasm');
  } catch (e) {
    note('warning', `WebGPU failed (${e.message}): running on wasm`);
  }
  return 'wasm';
}

// ONNX Runtime Web's module and its WebAssembly binary, fetched side by side (and beside the
// models' files: start()) rather than when the first session asks for it.
// The WebGPU build also runs the wasm provider; the wasm build is half the download.
const ORT_FILES = {
  wasm: ['/ort/ort.wasm.min.mjs', '/ort/ort-wasm-simd-threaded.wasm'],
  webgpu: ['/ort/ort.webgpu.min.mjs', '/ort/ort-wasm-simd-threaded.asyncify.wasm'],
};
async function loadOrt(backend) {
  const [module, binary] = ORT_FILES[backend];
  const [ort, wasm] = await Promise.all([import(module), download(binary, `ONNX Runtime's ${binary}`)]);
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.wasm.wasmBinary = wasm;
  // One core left to the page, so that it draws and takes input during a long run (on these 2
  // cores, with other work running: 27 frames a second during a 1 MP extraction instead of 18,
  // the run 6.0 s instead of 4.6 s).
  const cores = navigator.hardwareConcurrency || 1;
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, cores - 1)) : 1;
  return ort;
}

// Bytes received so far and expected in all by download(), posted to the page (the progress
// bar of the models loading) at most every 50 ms and at the end of each file.
const loading = { received: 0, total: 0, posted: 0 };
function reportLoading(now = false) {
  if (!now && performance.now() - loading.posted < 50) return;
  loading.posted = performance.now();
  postMessage({ type: 'loading', received: loading.received, total: loading.total });
}

// A file's bytes, counted as they arrive. Its size: the server's X-Decoded-Length when it
// sends a compressed copy (Content-Length then counts the compressed bytes), else
// Content-Length; a file of unknown size counts when it ends.
async function download(url, what) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${what} not found (HTTP ${response.status})`);
  const encoded = response.headers.has('Content-Encoding');
  const size = Number(response.headers.get('X-Decoded-Length') ?? (encoded ? 0 : response.headers.get('Content-Length')) ?? 0);
  loading.total += size;
  const chunks = [], reader = response.body.getReader();
  let length = 0;
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    chunks.push(part.value);
    length += part.value.length;
    loading.received += part.value.length;
    reportLoading();
  }
  if (!size) loading.total += length;
  reportLoading(true);
  const bytes = new Uint8Array(length);
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  return bytes;
}

async function readCard(name) {
  const response = await fetch(`/models/${name}/model.json`);
  if (!response.ok) throw new Error(`model ${name}: model.json not found (HTTP ${response.status})`);
  return response.json();
}

const fetchBytes = (name, file) => download(`/models/${name}/${file}`, `model ${name}: ${file}`);

// A model's two sessions. Both files download at once, while ONNX Runtime loads
// (`ortLoading`: its promise at start, or the loaded module later); the sessions are then
// made one after the other (WebGPU's provider refuses to create two at once).
async function loadModel(ortLoading, name, backend, card) {
  card ??= await readCard(name);
  if (card instanceof Error) throw card;
  // The page's copy when the card names one (`tiae compact`: int8 matrices, a quarter of the
  // bytes; tests/web_copy_parity.mjs bounds how far its outputs move), else the model's own.
  const files = card.web ?? card.files;
  const [encoderBytes, decoderBytes, ort] = await Promise.all([fetchBytes(name, files.encoder), fetchBytes(name, files.decoder),
                                                               ortLoading]);
  // ONNX Runtime's threads wait for work without spinning: a spinning thread takes a core the
  // page needs to draw (on two cores, half the machine).
  const options = { executionProviders: [backend], extra: { session: { intra_op: { allow_spinning: '0' } } } };
  const encoder = await ort.InferenceSession.create(encoderBytes, options);
  const decoder = await ort.InferenceSession.create(decoderBytes, options);
  // the shift regressor R, when the model has one (tiae card --regressor)
  const regressor = card.files.regressor && await ort.InferenceSession.create(await fetchBytes(name, card.files.regressor), options);
  // the robot hand's regressor of a depth model (tiae pose): descriptor -> joint angles
  const pose = card.files.pose && await ort.InferenceSession.create(await fetchBytes(name, card.files.pose), options);
  return { name, card, encoder, decoder, regressor, pose };
}

// Extraction, document, grasp, depth and rotation models: not needed by the Draw tab, loaded when
// first asked for.
function lazy(card) {
  if (card instanceof Error) return false;  // its error is reported at start
  const config = card.training?.config;
  return card.kind === 'foreground' || card.kind === 'fg' || config?.layout === 'document' || config?.data === 'grasp' ||
         config?.data === 'depth' || Boolean(card.transform?.angles);  // depth, rotation and scale: not the Draw tab's two
}

// Everything the Draw tab needs, fetched at once: the core, the cards, ONNX Runtime and the
// start-up models (on wasm side by side; on WebGPU one after the other). forced: as
// chooseBackend's.
async function start(forced) {
  const corePromise = createTiaeCore(), backendPromise = chooseBackend(forced);
  let ortLoading = backendPromise.then(loadOrt);  // beside the cards, not after them
  const index = await (await fetch('/models/index.json')).json();
  const cards = await Promise.all(index.models.map((name) => readCard(name).catch((e) => e)));  // a card or why not
  const startup = index.models.map((name, i) => [name, cards[i]]).filter(([, card]) => !lazy(card));
  let backend = await backendPromise;
  for (;;) {
    ortLoading.catch(() => {});  // its failure is reported by the models that wait for it
    const models = new Map();
    let gpuFailure = null;
    const load = ([name, card]) => loadModel(ortLoading, name, backend, card).then((m) => models.set(name, m), (e) => {
      if (backend === 'webgpu') throw new Error(`WebGPU could not load ${name} (${e.message}): running on wasm`);
      note('error', `could not load model ${name}: ${e.message}`);
    });
    try {
      if (backend === 'wasm') await Promise.all(startup.map(load));
      else for (const entry of startup) await load(entry);
    } catch (e) {
      gpuFailure = e.message;
    }
    if (!gpuFailure) {
      const cardOf = new Map(index.models.map((name, i) => [name, cards[i]]));  // for the models loaded later
      return { core: await corePromise, ort: await ortLoading, backend, models, cardOf, available: index.models };
    }
    note('warning', gpuFailure);
    backend = 'wasm';
    ortLoading = loadOrt(backend);
  }
}

// Runs a function of the core on heap copies of Float32Arrays.
function withHeap(core, arrays, fn) {
  const ptrs = arrays.map((a) => {
    const p = core._malloc(a.length * 4);
    core.HEAPF32.set(a, p >> 2);
    return p;
  });
  try {
    return fn(ptrs);
  } finally {
    ptrs.forEach((p) => core._free(p));
  }
}

// The settings a reader needs come from the model's card (model.json). Cards written before
// they were recorded: the values every model then had (shifts of 8 px; card.js: 20 px glyphs).
const DEFAULT_MAX_SHIFT = 8;
function maxShift(card) {
  return card.transform?.max_shift ?? card.training?.config?.max_shift ?? DEFAULT_MAX_SHIFT;
}

let state;  // start()'s promise, begun by the page's 'start' message (the end of this file)

// Calls run one at a time, in order: ONNX Runtime's WebGPU provider breaks on concurrent
// runs, and the canvas app and scripts may call at the same time.
let queue = Promise.resolve();
function queued(fn) {
  return (...args) => {
    const job = queue.then(() => fn(...args));
    queue = job.catch(() => {});
    return job;
  };
}

// theta_hat = (dx, dy, angle, scale) over the card's rotations and scales (shared/transform_search.h).
function estimateTransform(core, canonical, pixels, channels, card) {
  const { angles, scales } = card.transform;
  return withHeap(core, [canonical, pixels, Float32Array.from(angles), Float32Array.from(scales), new Float32Array(4)], ([c, p, a, s, o]) => {
    if (core._tiae_estimate_transform(c, p, SIZE, channels, maxShift(card), a, angles.length, s, scales.length, o))
      throw new Error(`analyze: ${coreError(core)}`);
    return Array.from(core.HEAPF32.subarray(o >> 2, (o >> 2) + 4));
  });
}

// The input's pose for theta_hat and the canonical image put there: shift(w) turn(-angle, 1/scale),
// i.e. turn(-angle, 1/scale) of the canonical image shifted by (-dx, -dy).
function restoreTurned(core, canonical, theta, channels) {
  const size = channels * PIXELS, restored = new Float32Array(size);
  const pose = withHeap(core, [canonical, new Float32Array(size), restored, Float32Array.from(theta), new Float32Array(4)], ([c, t, r, th, o]) => {
    core._tiae_shift_image(c, t, SIZE, channels, -Math.round(theta[0]), -Math.round(theta[1]));
    core._tiae_turn_image(t, SIZE, channels, -theta[2], 1 / theta[3], r, SIZE);
    restored.set(core.HEAPF32.subarray(r >> 2, (r >> 2) + size));
    core._tiae_input_pose(th, o);
    return Array.from(core.HEAPF32.subarray(o >> 2, (o >> 2) + 4));
  });
  return { pose, restored };
}

async function analyzeNow(pixels, model = 'mnist-shift-tiae', options = {}) {
  const { core, ort } = await state;
  const m = await lazyModel(model, 'analyze');
  const channels = m.card.channels ?? 1, size = channels * PIXELS;
  if (!(pixels instanceof Float32Array) || pixels.length !== size)
    throw new TypeError(`analyze: pixels must be a Float32Array of ${size} values (${channels} x 32 x 32) for ${model}`);
  const bad = pixels.findIndex((v) => !(v >= 0 && v <= 1));  // NaN fails both comparisons
  if (bad >= 0) throw new TypeError(`analyze: pixels must be finite numbers in [0, 1] (pixel ${bad} is ${pixels[bad]})`);
  const input = new ort.Tensor('float32', pixels.slice(), [1, channels, SIZE, SIZE]);
  const { descriptor } = await m.encoder.run({ image: input });
  const { image } = await m.decoder.run({ descriptor });
  const desc = new Float32Array(await descriptor.getData());
  const canonical = new Float32Array(await image.getData());
  if (options.regressor && !m.regressor) throw new Error(`analyze: ${model} has no shift regressor`);
  const regressed = options.regressor && Array.from(await (await m.regressor.run({ image: input })).shift.getData());
  if (m.card.transform?.angles) {  // shift x rotation x scale: the pose of the input, and the canonical image put there
    const theta = regressed || estimateTransform(core, canonical, pixels, channels, m.card);
    const { pose, restored } = restoreTurned(core, canonical, theta, channels);
    return { descriptor: desc, canonical, shift: pose.slice(0, 2), angle: pose[2], scale: pose[3], restored, theta };
  }
  if (regressed) {  // R's shift, to the nearest pixel for the restored image
    const restored = new Float32Array(size), where = regressed.map((v) => -v);
    withHeap(core, [canonical, restored], ([c, r]) => {
      core._tiae_shift_image(c, r, SIZE, channels, Math.round(where[0]), Math.round(where[1]));
      restored.set(core.HEAPF32.subarray(r >> 2, (r >> 2) + size));
    });
    return { descriptor: desc, canonical, shift: where, restored, theta: regressed };
  }
  const restored = new Float32Array(size);
  const shift = withHeap(core, [canonical, pixels, restored, new Float32Array(2)], ([c, p, r, s]) => {
    // one shift for all channels: the errors of every channel summed (shared/shift_search.h)
    if (core._tiae_estimate_shift(c, p, SIZE, channels, maxShift(m.card), s)) throw new Error(`analyze: ${coreError(core)}`);  // a NaN canonical image
    const theta = [core.HEAP32[s >> 2], core.HEAP32[(s >> 2) + 1]];
    const where = [0 - theta[0], 0 - theta[1]];  // 0 - 0 is 0, where -0 would be -0
    core._tiae_shift_image(c, r, SIZE, channels, where[0], where[1]);
    restored.set(core.HEAPF32.subarray(r >> 2, (r >> 2) + size));
    return where;
  });
  return { descriptor: desc, canonical, shift, restored };
}

function throwIfAborted(signal) {
  if (signal?.aborted) throw new DOMException('cancelled', 'AbortError');
}

// Between two batches of a long job: take the messages that came meanwhile (an 'abort'; the
// network's promise alone resolves as a microtask), then stop if the caller cancelled.
async function betweenBatches(signal) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  throwIfAborted(signal);
}

// ---- whole-image foreground extraction

const EXTRACT_BATCH = 256;  // windows per call of a dense model (a conv model's: the core's)
// tiae.extract's default: the first of these the page has.
const EXTRACT_MODELS = ['pages-fg-documents', 'pages-fg-mean', 'pages-fg-hues', 'pages-fg-colour', 'pages-fg-conv', 'mnist-fg-photo-text'];
const extractModel = (available) => EXTRACT_MODELS.find((name) => available.includes(name)) ?? EXTRACT_MODELS.at(-1);

// theta_hat alone, [dx, dy] (and angle, scale for a model with turns), as `tiae infer` gives
// it: from the shift regressor R in one run ({ regressor: true }), or from the encoder, the
// decoder and the exact search.
async function placementNow(pixels, model = 'mnist-shift-tiae', options = {}) {
  const { core, ort } = await state;
  const m = await lazyModel(model, 'placement');
  const channels = m.card.channels ?? 1;
  if (!(pixels instanceof Float32Array) || pixels.length !== channels * PIXELS || pixels.some((v) => !(v >= 0 && v <= 1)))
    throw new TypeError(`placement: pixels must be a Float32Array of ${channels * PIXELS} values in [0, 1]`);
  const input = new ort.Tensor('float32', pixels.slice(), [1, channels, SIZE, SIZE]);
  if (options.regressor) {
    if (!m.regressor) throw new Error(`placement: ${model} has no shift regressor`);
    return Array.from(await (await m.regressor.run({ image: input })).shift.getData());
  }
  const { descriptor } = await m.encoder.run({ image: input });
  const canonical = new Float32Array(await (await m.decoder.run({ descriptor })).image.getData());
  if (m.card.transform?.angles) return estimateTransform(core, canonical, pixels, channels, m.card);
  return withHeap(core, [canonical, pixels, new Float32Array(2)], ([c, p, s]) => {
    if (core._tiae_estimate_shift(c, p, SIZE, channels, maxShift(m.card), s)) throw new Error(`placement: ${coreError(core)}`);
    return [core.HEAP32[s >> 2], core.HEAP32[(s >> 2) + 1]];
  });
}

async function lazyModel(name, caller) {
  const s = await state;
  if (!s.models.has(name)) {
    if (!s.available.includes(name)) throw new Error(`${caller}: no model '${name}' (models: ${s.available.join(', ')})`);
    s.models.set(name, await loadModel(s.ort, name, s.backend, s.cardOf.get(name)));
  }
  return s.models.get(name);
}

function coreError(core) {
  return core.UTF8ToString(core._tiae_last_error());
}

// The image as 8-bit RGBA, refusing bad files with the command line's messages.
async function toImageData(core, image) {
  if (image instanceof ImageData) return image;
  let bitmap = image;
  if (image instanceof Blob) {
    const bytes = new Uint8Array(await image.arrayBuffer());
    const p = core._malloc(Math.max(1, bytes.length)), size = core._malloc(8);
    try {
      if (!p || !size) throw new Error(`the file is too large for this browser's memory (${bytes.length} bytes)`);
      core.HEAPU8.set(bytes, p);
      if (core._tiae_check_image(p, bytes.length, size)) throw new Error(coreError(core));
    } finally {
      core._free(p);
      core._free(size);
    }
    try {
      bitmap = await createImageBitmap(image, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    } catch (e) {
      throw new Error('the image could not be decoded (not an image, corrupt, or a format this browser cannot read)');
    }
  }
  if (!(bitmap instanceof ImageBitmap)) throw new TypeError('extract: image must be an ImageData, ImageBitmap or Blob');
  if (bitmap.width * bitmap.height === 0) throw new Error(`the image has zero size (${bitmap.width}x${bitmap.height})`);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

// The image's planes in the core's heap, as a model with `channels` inputs reads them: gray,
// or R, G, B (planes_from_rgba8, shared/extract.h). The caller frees the pointer.
function planesInHeap(core, data, channels = 1) {
  const { width, height } = data, n = width * height;
  const rgba = core._malloc(n * 4), planes = core._malloc(channels * n * 4);
  try {
    if (!rgba || !planes) throw new Error(`the image is too large (${width}x${height} pixels) for this browser's memory`);
    core.HEAPU8.set(data.data, rgba);
    if (core._tiae_planes_from_rgba8(rgba, width, height, channels, planes)) throw new Error(coreError(core));
    return planes;
  } catch (e) {
    core._free(planes);
    throw e;
  } finally {
    core._free(rgba);  // free(0) is a no-op
  }
}

// The writing's height in px, or null; `data`: ImageData.
function measure(core, data) {
  if (core._tiae_extract_check(data.width, data.height, DEFAULT_GLYPH_SIZE, DEFAULT_GLYPH_SIZE, 8, EXTRACT_BATCH, 0, 1))
    throw new Error(coreError(core));
  const gray = planesInHeap(core, data);
  try {
    const size = core._tiae_estimate_glyph_size(gray, data.width, data.height);
    return size > 0 ? size : null;
  } finally {
    core._free(gray);
  }
}

async function measureNow(image) {
  const { core } = await state;
  return measure(core, await toImageData(core, image));
}

// The options the core cannot check itself. Whole numbers only: the core takes an int, and
// JS would wrap 2^32 + 8 to 8 on the way in. `words`: the glyph sizes named, not numbers.
function checkOptions(caller, stride, glyphSize, words = ['auto']) {
  if ((stride | 0) !== stride) throw new TypeError(`${caller}: stride must be a whole number of px (got ${stride})`);
  if (typeof glyphSize !== 'number' && !words.includes(glyphSize))
    throw new TypeError(`${caller}: glyphSize must be a number of px or ${words.map((w) => `'${w}'`).join(' or ')} (got ${glyphSize})`);
}

// glyphSize 'auto' (document) or 'measured' (extract): measured, or the model's own when
// the image shows no writing.
function resolveGlyphSize(core, data, glyphSize, card) {
  if (typeof glyphSize === 'number') return glyphSize;
  return measure(core, data) ?? card.glyph_size ?? DEFAULT_GLYPH_SIZE;
}

// The box (x, y, width, height) of an ImageData.
function cropImageData(data, [x, y, width, height]) {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let r = 0; r < height; ++r) out.set(data.data.subarray(((y + r) * data.width + x) * 4, ((y + r) * data.width + x + width) * 4), r * width * 4);
  return new ImageData(out, width, height);
}

// The glyph size the model reads best, as `tiae extract --glyph-size auto` chooses it
// (shared/glyph_search.h): of the core's candidates, the one whose calibrated output over
// the core's centre crop is most decided, tried in search_candidates' order (every other
// one, then the best's two neighbours); `stride` as the extraction's (a dense model's).
async function chooseGlyphSize(core, ort, m, data, onProgress, signal, stride = 8) {
  const modelGlyph = m.card.glyph_size ?? DEFAULT_GLYPH_SIZE;
  const sizes = inHeap(core, 8 * 64, (p) => {
    const count = Math.min(64, core._tiae_glyph_size_candidates(data.width, data.height, p, 64));
    return Array.from(core.HEAPF64.subarray(p >> 3, (p >> 3) + count));
  });
  const coarse = sizes.map((_, k) => k).filter((k) => k % 2 === 0);
  const runs = coarse.length + 2;
  let best = 0, bestScore = -1, done = 0;
  const consider = async (k) => {
    const box = inHeap(core, 16, (p) => {
      core._tiae_search_crop(data.width, data.height, sizes[k], modelGlyph, p);
      return Array.from(core.HEAP32.subarray(p >> 2, (p >> 2) + 4));
    });
    const fg = await extractValues(core, ort, m, cropImageData(data, box), sizes[k], stride, null, signal);
    const score = inHeap(core, fg.length * 4, (p) => {
      core.HEAPF32.set(fg, p >> 2);
      return core._tiae_ink_decidedness(p, fg.length);
    });
    if (score > bestScore) [best, bestScore] = [k, score];
    onProgress?.(++done / runs);
  };
  for (const k of coarse) await consider(k);
  for (const k of [best - 1, best + 1].filter((k) => k >= 0 && k < sizes.length)) await consider(k);
  return sizes[best];
}

// fn(pointer) over `bytes` of the core's heap, freed after.
function inHeap(core, bytes, fn) {
  const p = core._malloc(bytes);
  if (!p) throw new Error('out of memory in the core');
  try {
    return fn(p);
  } finally {
    core._free(p);
  }
}

async function chooseNow(image, { model, onProgress, signal } = {}) {
  throwIfAborted(signal);
  const { core, ort, available } = await state;
  const m = await lazyModel(model ?? extractModel(available), 'extract');
  return chooseGlyphSize(core, ort, m, await toImageData(core, image), onProgress, signal);
}

async function extractNow(image, { model, glyphSize = 20, stride = 8, mask = false, onProgress, signal } = {}) {
  throwIfAborted(signal);
  const { core, ort, available } = await state;
  const m = await lazyModel(model ?? extractModel(available), 'extract');
  checkOptions('extract', stride, glyphSize, ['auto', 'measured']);
  const data = await toImageData(core, image);
  let progress = onProgress;
  if (glyphSize === 'auto') {  // the search, then the run: half of the progress bar each
    glyphSize = await chooseGlyphSize(core, ort, m, data, (f) => onProgress?.(f / 2), signal, stride);
    progress = (f) => onProgress?.(0.5 + f / 2);
  }
  glyphSize = resolveGlyphSize(core, data, glyphSize, m.card);
  const fg = await extractValues(core, ort, m, data, glyphSize, stride, progress, signal);
  const pixels = new Uint8ClampedArray(fg.length * 4);
  for (let i = 0; i < fg.length; ++i) {
    const v = mask ? (fg[i] >= 0.5 ? 255 : 0) : Math.round(fg[i] * 255);
    pixels[4 * i] = pixels[4 * i + 1] = pixels[4 * i + 2] = v;
    pixels[4 * i + 3] = 255;
  }
  const out = new ImageData(pixels, data.width, data.height);
  out.glyphSize = glyphSize;  // the size it ran at: given, measured or chosen
  progress?.(1);
  return out;
}

// The calibrated foreground of `data` (ImageData) at `glyphSize`, as `tiae extract` computes
// it: a Float32Array of width x height values (the card's ink threshold moved to 0.5).
async function extractValues(core, ort, m, data, glyphSize, stride, onProgress, signal) {
  const { width, height } = data;
  const n = width * height;
  const channels = m.card.channels ?? 1;  // 3: a colour model reads R, G, B
  const windows = [glyphSize, m.card.glyph_size ?? DEFAULT_GLYPH_SIZE, stride, EXTRACT_BATCH, modelReach(m.card), channels];  // the core picks a conv model's
  if (core._tiae_extract_check(width, height, ...windows)) throw new Error(coreError(core));
  const planes = planesInHeap(core, data, channels);
  let job = 0;
  try {
    job = core._tiae_extract_begin(planes, width, height, ...windows);  // copies the planes
  } finally {
    core._free(planes);
  }
  if (!job) throw new Error(coreError(core));
  try {
    const batches = core._tiae_extract_batches(job), patch = core._tiae_extract_patch(job), pixels = patch * patch;
    const buffer = core._malloc(core._tiae_extract_batch_size(job, 0) * channels * pixels * 4);  // the first batch is the largest
    try {
      for (let b = 0; b < batches; ++b) {
        const count = core._tiae_extract_batch_size(job, b);
        core._tiae_extract_inputs(job, b, buffer);
        const input = new ort.Tensor('float32', core.HEAPF32.slice(buffer >> 2, (buffer >> 2) + count * channels * pixels), [count, channels, patch, patch]);
        const { descriptor } = await m.encoder.run({ image: input });
        const { image: out } = await m.decoder.run({ descriptor });
        core.HEAPF32.set(await out.getData(), buffer >> 2);  // the heap may have grown: index afresh
        core._tiae_extract_accept(job, b, buffer);
        onProgress?.((b + 1) / (batches + 1));  // the last step: the result, composited
        await betweenBatches(signal);
      }
    } finally {
      core._free(buffer);
    }
    // Calibrated as `tiae extract` does: the card's ink threshold becomes 0.5.
    return inHeap(core, n * 4, (result) => {
      if (core._tiae_extract_result(job, m.card.ink_threshold ?? 0.5, result)) throw new Error(coreError(core));
      return core.HEAPF32.slice(result >> 2, (result >> 2) + n);
    });
  } finally {
    core._tiae_extract_end(job);
  }
}

// ---- documents

// Runs the encoder (and decoder) on `count` windows at `buffer` in the core's heap.
async function runWindows(core, ort, m, buffer, count) {
  const input = new ort.Tensor('float32', core.HEAPF32.slice(buffer >> 2, (buffer >> 2) + count * PIXELS), [count, 1, SIZE, SIZE]);
  const { descriptor } = await m.encoder.run({ image: input });
  const { image } = await m.decoder.run({ descriptor });
  return { descriptors: new Float32Array(await descriptor.getData()), canonicals: new Float32Array(await image.getData()) };
}

// The core's job over the image's gray values, or an error with the command line's message.
function beginDocument(core, data, glyphSize, m, stride) {
  const { width, height } = data;
  const args = [glyphSize, m.card.glyph_size ?? DEFAULT_GLYPH_SIZE, stride, EXTRACT_BATCH, maxShift(m.card), m.card.cluster_quantile ?? 0.1];
  if (core._tiae_document_check(width, height, ...args)) throw new Error(coreError(core));
  const gray = planesInHeap(core, data);
  try {
    const job = core._tiae_document_begin(gray, width, height, ...args);  // copies gray
    if (!job) throw new Error(coreError(core));
    return job;
  } finally {
    core._free(gray);
  }
}

// Stage 1: every window's canonical shape votes; onProgress over both stages.
async function scanDocument(core, ort, m, job, buffer, onProgress, signal) {
  const batches = core._tiae_document_scan_batches(job);
  for (let b = 0; b < batches; ++b) {
    const count = core._tiae_document_scan_batch_size(job, b);
    core._tiae_document_scan_inputs(job, b, buffer);
    const { canonicals } = await runWindows(core, ort, m, buffer, count);
    core.HEAPF32.set(canonicals, buffer >> 2);  // the heap may have grown: index afresh
    core._tiae_document_accept_scan(job, b, buffer);
    onProgress?.((b + 1) / (batches + 1));
    await betweenBatches(signal);
  }
}

// Stage 2: the peaks' descriptors, clustered; each cluster's canonical shape is its
// representative's D(E(I)).
async function clusterPeaks(core, ort, m, job, buffer, peakCount) {
  const canonicals = new Float32Array(peakCount * PIXELS);
  for (let b = 0; b < core._tiae_document_peak_batches(job); ++b) {
    const count = core._tiae_document_peak_batch_size(job, b);
    core._tiae_document_peak_inputs(job, b, buffer);
    const r = await runWindows(core, ort, m, buffer, count);
    canonicals.set(r.canonicals, b * EXTRACT_BATCH * PIXELS);
    const dims = r.descriptors.length / count;
    withHeap(core, [r.descriptors], ([d]) => core._tiae_document_accept_peaks(job, b, d, dims));
  }
  const labels = core._malloc(Math.max(1, peakCount) * 4), reps = core._malloc(Math.max(1, peakCount) * 4);
  try {
    const k = core._tiae_document_clusters(job, labels, reps);
    if (k < 0) throw new Error(coreError(core));
    const label = core.HEAP32.slice(labels >> 2, (labels >> 2) + peakCount);
    const rep = core.HEAP32.slice(reps >> 2, (reps >> 2) + k);
    return [...rep].map((r, id) => ({ id, members: [], canonical: canonicals.slice(r * PIXELS, (r + 1) * PIXELS), label }));
  } finally {
    core._free(labels);
    core._free(reps);
  }
}

async function documentNow(image, { model = 'page-shift-tiae', glyphSize = 20, stride = 4, onProgress, signal } = {}) {
  throwIfAborted(signal);
  const { core, ort } = await state;
  const m = await lazyModel(model, 'document');
  checkOptions('document', stride, glyphSize);
  const data = await toImageData(core, image);
  glyphSize = resolveGlyphSize(core, data, glyphSize, m.card);
  const { width, height } = data;
  const job = beginDocument(core, data, glyphSize, m, stride);
  const buffer = core._malloc(EXTRACT_BATCH * PIXELS * 4);
  try {
    await scanDocument(core, ort, m, job, buffer, onProgress, signal);
    const heatmap = new Float32Array(width * height), peakCount = core._tiae_document_peak_count(job);
    let peaks = [];
    withHeap(core, [heatmap, new Float32Array(Math.max(1, 3 * peakCount))], ([h, p]) => {
      core._tiae_document_heatmap(job, h);
      heatmap.set(core.HEAPF32.subarray(h >> 2, (h >> 2) + width * height));
      core._tiae_document_peaks(job, p);
      const flat = core.HEAPF32.slice(p >> 2, (p >> 2) + 3 * peakCount);
      peaks = Array.from({ length: peakCount }, (_, i) => [flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]]);
    });
    const clusters = await clusterPeaks(core, ort, m, job, buffer, peakCount);
    for (const c of clusters) {
      c.members = peaks.filter((_, i) => c.label[i] === c.id).map(([x, y]) => [x, y]);
      delete c.label;
    }
    onProgress?.(1);
    return { width, height, heatmap, peaks, clusters };
  } finally {
    core._free(buffer);
    core._tiae_document_end(job);
  }
}

// ---- depth frames (the Depth tab), as `tiae depth` (native/commands/depth_frame.h)

const DEPTH_MODELS = { tiae: 'depth-hand-tiae', pca: 'depth-hand-pca' };
// The card's depth.cut settings in the order tiae_cut_out_hand takes them (wasm/core_bindings.cpp).
const CUT_FIELDS = ['surface_jump_m', 'min_surface_cm2', 'gap_m', 'band_m', 'min_hand_cm2', 'max_hand_cm2', 'max_continued',
                    'hole_m', 'centre_radius_m', 'window_m', 'level_span_m', 'floor'];

// fn(pointer) over a copy of `bytes` (a Uint8Array) in the core's heap.
function withBytes(core, bytes, fn) {
  return inHeap(core, Math.max(1, bytes.length), (p) => {
    core.HEAPU8.set(bytes, p);
    return fn(p);
  });
}

// A 16-bit depth PNG in metres, never through 8 bits: its chunks read by the core
// (shared/png16.h), the image data inflated by the browser, the rows unfiltered by the core.
// Refusals in `tiae depth`'s words.
async function readDepthPng(core, bytes, unitM) {
  const { width, height, data } = withBytes(core, bytes, (p) => inHeap(core, 12, (o) => {
    if (core._tiae_png16_layout(p, bytes.length, o)) throw new Error(coreError(core));
    const [w, h, length] = core.HEAP32.subarray(o >> 2, (o >> 2) + 3);
    const out = inHeap(core, Math.max(1, length), (d) => (core._tiae_png16_data(p, bytes.length, d), core.HEAPU8.slice(d, d + length)));
    return { width: w, height: h, data: out };
  }));
  let inflated;
  try {
    const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate'));
    inflated = new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error('the PNG\'s image data is damaged (it does not inflate)');
  }
  const metres = new Float32Array(width * height);
  withBytes(core, inflated, (p) => inHeap(core, metres.length * 4, (m) => {
    if (core._tiae_png16_metres(p, inflated.length, width, height, unitM, m)) throw new Error(coreError(core));
    metres.set(core.HEAPF32.subarray(m >> 2, (m >> 2) + metres.length));
  }));
  return { width, height, metres };
}

// The hand cut out of the frame with the card's settings, moved by `offset` input pixels, and
// the frame as `tiae depth` pictures it.
function cutOutHand(core, frame, card, offset) {
  const cut = card.depth.cut, options = Float32Array.from([card.training?.config?.network?.size ?? SIZE, card.depth.camera.focal_px,
                                                           ...CUT_FIELDS.map((k) => cut[k])]);
  const { width, height } = frame;
  return withHeap(core, [frame.metres, options, new Float32Array(PIXELS), new Float32Array(8), new Float32Array(width * height)],
                  ([m, o, image, info, picture]) => {
    if (core._tiae_cut_out_hand(m, width, height, o, offset[0], offset[1], image, info, picture)) throw new Error(coreError(core));
    const [cx, cy, depth, nearest, area, side, x0, y0] = core.HEAPF32.subarray(info >> 2, (info >> 2) + 8);
    return { input: core.HEAPF32.slice(image >> 2, (image >> 2) + PIXELS), picture: core.HEAPF32.slice(picture >> 2, (picture >> 2) + width * height),
             centre: [cx, cy], depth, nearest, area, window: [x0, y0, side] };
  });
}

// One model on the input, as `tiae depth` runs it: the TIAE's restoration is its canonical
// image moved by its own estimated shift (analyze's); PCA's is D(E(I)) as it is.
async function depthModel(ort, name, input) {
  const m = await lazyModel(name, 'depth');
  if (!m.pose) throw new Error(`depth: ${name} has no robot hand regressor (pose.onnx)`);
  const r = await analyzeNow(input, name);
  const descriptor = new ort.Tensor('float32', r.descriptor, [1, r.descriptor.length]);
  const angles = Array.from(await (await m.pose.run({ descriptor })).angles.getData());
  const out = { model: name, kind: m.card.kind, descriptor: Array.from(r.descriptor), canonical: r.canonical, angles, restored: r.canonical };
  if (m.card.kind === 'tiae') Object.assign(out, { restored: r.restored, shift: r.shift });
  out.restorationError = out.restored.reduce((sum, v, i) => sum + (v - input[i]) ** 2, 0);  // over the input's window
  return out;
}

// file: a Blob or the PNG's bytes; offset: the crop moved by [dx, dy] input pixels.
async function depthNow(file, { offset = [0, 0] } = {}) {
  const { core, ort } = await state;
  if (!(offset instanceof Array) || offset.length !== 2 || offset.some((v) => !(Math.abs(v) <= 16)))
    throw new TypeError('depth: offset must be [dx, dy], each within [-16, 16] input pixels');
  const card = (await lazyModel(DEPTH_MODELS.tiae, 'depth')).card;
  const bytes = file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array(file);
  const frame = await readDepthPng(core, bytes, card.depth.camera.unit_m);
  const crop = cutOutHand(core, frame, card, offset);
  const pca = await depthModel(ort, DEPTH_MODELS.pca, crop.input);
  const tiae = await depthModel(ort, DEPTH_MODELS.tiae, crop.input);
  const { picture, ...where } = crop;
  return { width: frame.width, height: frame.height, frame: picture, crop: { ...where, offset }, pca, tiae };
}

// ---- the page's messages

const calls = { analyze: queued(analyzeNow), placement: queued(placementNow), extract: queued(extractNow), document: queued(documentNow),
                measureGlyphSize: queued(measureNow), chooseGlyphSize: queued(chooseNow), depth: queued(depthNow) };
const running = new Map();  // call id -> its AbortController

// A call's answer and the buffers it can hand over rather than copy.
function transferable(name, result) {
  if (name === 'analyze') return [result, [result.descriptor.buffer, result.canonical.buffer, result.restored.buffer]];
  if (name === 'extract') return [{ image: result, glyphSize: result.glyphSize }, [result.data.buffer]];
  if (name === 'document') return [result, [result.heatmap.buffer, ...result.clusters.map((c) => c.canonical.buffer)]];
  if (name === 'depth') return [result, [result.frame.buffer, result.crop.input.buffer]];
  return [result, []];
}

// args: as window.tiae's; an options argument (the second) came without its functions:
// `progress` says whether the page wants progress messages.
async function run({ id, name, args, progress }) {
  const controller = new AbortController();
  running.set(id, controller);
  if (typeof args[1] === 'object' && args[1] !== null) {
    const onProgress = progress ? (fraction) => postMessage({ type: 'progress', id, fraction }) : undefined;
    args[1] = { ...args[1], onProgress, signal: controller.signal };
  }
  try {
    const [result, transfer] = transferable(name, await calls[name](...args));
    postMessage({ type: 'done', id, result }, transfer);
  } catch (e) {
    postMessage({ type: 'error', id, error: { name: e.name, message: e.message } });
  } finally {
    running.delete(id);
  }
}

onmessage = ({ data }) => {
  if (data.type === 'start') {
    state = start(data.backend);
    state.then(({ backend, models, available }) => postMessage({
      type: 'ready', backend, models: [...models.keys()], available, extractModel: extractModel(available) }),
    (e) => postMessage({ type: 'failed', message: e.message }));
  } else if (data.type === 'abort') {
    running.get(data.id)?.abort();
  } else if (data.type === 'call') {
    run(data);
  }
};
