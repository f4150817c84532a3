// window.tiae: the page's API, and the one code path its UI uses.
//   tiae.ready            Promise of { backend: 'webgpu' | 'wasm', models: [folder names] }
//   tiae.analyze(pixels, model = 'mnist-shift-tiae')
//       pixels: Float32Array(1024), row-major 32x32 in [0, 1]
//       -> Promise of { descriptor: Float32Array, canonical: Float32Array(1024),
//                       shift: [dx, dy], restored: Float32Array(1024) }
//       canonical = D(E(I)); shift = where the input sits relative to the canonical shape
//       (-theta_hat, with theta_hat = argmin ||D(E(I)) - T_theta I||^2 on the extended
//       canvas, computed by the C++ core compiled to wasm); restored = T_shift(canonical).
// Backend: WebGPU when an adapter exists and is not a software fallback, wasm otherwise;
// ?backend=wasm or ?backend=webgpu forces one. Everything loads from the page's origin.
import createTiaeCore from '/wasm/tiae-core.mjs';

const SIZE = 32, PIXELS = SIZE * SIZE, MAX_SHIFT = 8;
const listeners = [];
const notes = [];  // in-page messages: failures to load, fallbacks

function note(kind, text) {
  notes.push({ kind, text });
  for (const fn of listeners) fn({ kind, text });
}

async function chooseBackend() {
  const forced = new URLSearchParams(location.search).get('backend');
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

async function loadOrt(backend) {
  // The WebGPU build also runs the wasm provider; the wasm build is half the download.
  const ort = await import(backend === 'webgpu' ? '/ort/ort.webgpu.min.mjs' : '/ort/ort.wasm.min.mjs');
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  return ort;
}

async function loadModel(ort, name, backend) {
  const base = `/models/${name}/`;
  const response = await fetch(base + 'model.json');
  if (!response.ok) throw new Error(`model ${name}: model.json not found (HTTP ${response.status})`);
  const card = await response.json();
  const options = { executionProviders: [backend] };
  // One after the other: the WebGPU provider refuses to create two sessions at once.
  const encoder = await ort.InferenceSession.create(base + card.files.encoder, options);
  const decoder = await ort.InferenceSession.create(base + card.files.decoder, options);
  return { name, card, encoder, decoder };
}

async function start() {
  const core = await createTiaeCore();
  const index = await (await fetch('/models/index.json')).json();
  let backend = await chooseBackend();
  for (;;) {
    const ort = await loadOrt(backend);
    const models = new Map();
    let gpuFailure = null;
    for (const name of index.models) {
      try {
        models.set(name, await loadModel(ort, name, backend));
      } catch (e) {
        if (backend === 'webgpu') {
          gpuFailure = `WebGPU could not load ${name} (${e.message}): running on wasm`;
          break;
        }
        note('error', `could not load model ${name}: ${e.message}`);
      }
    }
    if (!gpuFailure) return { core, ort, backend, models };
    note('warning', gpuFailure);
    backend = 'wasm';
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

const state = start();

// Calls run one at a time, in order: ONNX Runtime's WebGPU provider breaks on concurrent
// runs, and the canvas app and scripts may call at the same time.
let queue = Promise.resolve();
function analyze(pixels, model = 'mnist-shift-tiae') {
  const job = queue.then(() => analyzeNow(pixels, model));
  queue = job.catch(() => {});
  return job;
}

async function analyzeNow(pixels, model) {
  const { core, ort, models } = await state;
  if (!(pixels instanceof Float32Array) || pixels.length !== PIXELS)
    throw new TypeError(`analyze: pixels must be a Float32Array of ${PIXELS} values`);
  const m = models.get(model);
  if (!m) throw new Error(`analyze: no model '${model}' (loaded: ${[...models.keys()].join(', ')})`);
  const input = new ort.Tensor('float32', pixels.slice(), [1, 1, SIZE, SIZE]);
  const { descriptor } = await m.encoder.run({ image: input });
  const { image } = await m.decoder.run({ descriptor });
  const desc = new Float32Array(await descriptor.getData());
  const canonical = new Float32Array(await image.getData());
  const restored = new Float32Array(PIXELS);
  const shift = withHeap(core, [canonical, pixels, restored, new Float32Array(2)], ([c, p, r, s]) => {
    core._tiae_estimate_shift(c, p, SIZE, 1, MAX_SHIFT, s);
    const theta = [core.HEAP32[s >> 2], core.HEAP32[(s >> 2) + 1]];
    const where = [-theta[0], -theta[1]];
    core._tiae_shift_image(c, r, SIZE, 1, where[0], where[1]);
    restored.set(core.HEAPF32.subarray(r >> 2, (r >> 2) + PIXELS));
    return where;
  });
  return { descriptor: desc, canonical, shift, restored };
}

window.tiae = {
  ready: state.then(({ backend, models }) => ({ backend, models: [...models.keys()] })),
  analyze,
  notes,
  onNote: (fn) => listeners.push(fn),
};
