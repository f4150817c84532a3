// window.tiae: the page's API, and the one code path its UI uses. The work runs in a Worker
// (web/engine.js): the page's main thread only posts the calls and takes the answers, so it
// keeps drawing and taking input during a long extraction.
//   tiae.ready            Promise of { backend: 'webgpu' | 'wasm', models: [loaded at start], available: [all],
//                                      extractModel: extract()'s default model }
//   tiae.analyze(pixels, model = 'mnist-shift-tiae')
//       pixels: Float32Array(C x 1024), C row-major 32x32 planes in [0, 1] (C: the model
//       card's channels; 2 for grasp models: hand, then object)
//       -> Promise of { descriptor: Float32Array, canonical: Float32Array(C x 1024),
//                       shift: [dx, dy], restored: Float32Array(C x 1024) }
//       canonical = D(E(I)); shift = where the input sits relative to the canonical shape
//       (-theta_hat, with theta_hat = argmin ||D(E(I)) - T_theta I||^2 on the extended
//       canvas, computed by the C++ core compiled to wasm); restored = T_shift(canonical).
//   tiae.extract(image, { model = 'pages-fg-documents', glyphSize = 20 | 'auto' | 'measured', stride = 8, mask = false,
//                         onProgress, signal })
//       image: ImageData, ImageBitmap or Blob (a file) -> Promise of ImageData, the
//       foreground (ink white on black) at the image's size, calibrated so that 0.5 means
//       ink (the card's ink_threshold), or with mask the ink alone in white; the staged core of
//       shared/extract.h (compiled to wasm) tiles, batches and composites, ONNX Runtime
//       runs each batch. The default model: the first of the engine's EXTRACT_MODELS
//       (pages-fg-documents, pages-fg-mean, ...) the page has. Windows as `tiae extract` takes them: a dense
//       model's 32x32 every `stride` px; a fully convolutional model's (card network.arch
//       'conv') whole 256 px ones overlapping by twice its reach (1 + the sum of its
//       dilations), stride ignored. onProgress(fraction) after each batch, 1 when the result
//       is ready; an aborted `signal` (AbortController) rejects with an AbortError. Bad files
//       reject with the same messages as `tiae extract`. glyphSize 'auto': chosen by the
//       model first (chooseGlyphSize), 'measured': measureGlyphSize's; the result's
//       glyphSize says which size it ran at.
//   tiae.modelReach(card)  a model card's reach (0: dense), as extract takes its windows
//   tiae.document(image, { model = 'page-shift-tiae', glyphSize = 20, stride = 4, onProgress, signal })
//       image as for extract -> Promise of { width, height, heatmap: Float32Array (votes per
//       page pixel), peaks: [[x, y, score], ...] (strongest first), clusters: [{ id,
//       members: [[x, y], ...], canonical: Float32Array(1024) }] }: where windows' shifts
//       put the canonical shape's centre, and mean-shift clusters of the descriptors of the
//       windows on the peaks, as `tiae document` (the staged core of shared/document.h).
//   tiae.measureGlyphSize(image) -> Promise of the height of the image's writing in px, as
//       `tiae extract --glyph-size measured` measures it (shared/glyph_size.h), or null when it
//       shows no writing. document() takes glyphSize: 'auto' for the same.
//   tiae.chooseGlyphSize(image, { model, onProgress, signal }) -> Promise of the glyph size
//       the extraction model reads best, as `tiae extract --glyph-size auto` chooses it
//       (shared/glyph_search.h): the model tried on a centre crop at a few sizes.
//   tiae.depth(file, { offset = [0, 0] }) -> Promise of `tiae depth`'s answer for a 16-bit depth
//       PNG (a Blob or its bytes; metres by the depth-hand-tiae card's camera): { width, height,
//       frame: Float32Array (the frame as a picture, nearer brighter), crop: { input: Float32Array(1024),
//       centre, depth, nearest, area, window: [x0, y0, side], offset }, pca and tiae: { descriptor,
//       canonical, restored, restorationError, angles (20 joint angles in degrees), shift (the
//       TIAE's) } }; offset moves the hand's crop by [dx, dy] input pixels. Bad frames reject
//       with `tiae depth`'s messages.
//   tiae.onLoading(fn)  fn({ received, total }) in bytes while the start-up models load
// Calls run one at a time, in order. Models for extraction, documents, grasp and depth load on
// first use; the others at start. Backend: WebGPU when an adapter exists and is not a
// software fallback, wasm otherwise; ?backend=wasm or ?backend=webgpu forces one.
// Everything loads from the page's origin.
import { modelReach } from '/card.js';

const engine = new Worker('/engine.js', { type: 'module', name: 'tiae-engine' });
const notes = [], noteListeners = [], loadingListeners = [];
const pending = new Map();  // call id -> { resolve, reject, onProgress }
let nextId = 0, settle;

const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });

// An error as the engine threw it: an AbortError, a TypeError or an Error, with its message.
function rebuild({ name, message }) {
  if (name === 'AbortError') return new DOMException(message, 'AbortError');
  return name === 'TypeError' ? new TypeError(message) : new Error(message);
}

// The engine's answers, as each call's settled promise.
const onAnswer = {
  note: ({ kind, text }) => {
    notes.push({ kind, text });
    for (const fn of noteListeners) fn({ kind, text });
  },
  loading: ({ received, total }) => loadingListeners.forEach((fn) => fn({ received, total })),
  ready: ({ backend, models, available, extractModel }) => settle.resolve({ backend, models, available, extractModel }),
  failed: ({ message }) => settle.reject(new Error(message)),
  progress: ({ id, fraction }) => pending.get(id)?.onProgress?.(fraction),
  done: ({ id, result }) => pending.get(id)?.resolve(result),
  error: ({ id, error }) => pending.get(id)?.reject(rebuild(error)),
};
engine.onmessage = ({ data }) => {
  onAnswer[data.type](data);
  if (data.type === 'done' || data.type === 'error') pending.delete(data.id);
};
// The engine failed (its script, or out of memory): start-up and every call waiting end with it.
engine.onerror = (e) => {
  const error = new Error(`the engine stopped: ${e.message ?? 'script error'}`);
  settle.reject(error);
  for (const { reject } of pending.values()) reject(error);
  pending.clear();
};
engine.postMessage({ type: 'start', backend: new URLSearchParams(location.search).get('backend') });

// Posts a call; `options` (extract, document, chooseGlyphSize) travel without their
// functions: progress comes back as messages, and the signal's abort goes over as one.
function call(name, args, options) {
  return new Promise((resolve, reject) => {
    const { onProgress, signal, ...rest } = options ?? {};
    if (signal?.aborted) return reject(new DOMException('cancelled', 'AbortError'));
    const id = ++nextId;
    pending.set(id, { resolve, reject, onProgress });
    signal?.addEventListener('abort', () => engine.postMessage({ type: 'abort', id }), { once: true });
    engine.postMessage({ type: 'call', id, name, args: options ? [...args, rest] : args, progress: !!onProgress });
  });
}

// The extraction's image with the size it ran at, as the engine reported it.
async function extract(image, options = {}) {
  const { image: out, glyphSize } = await call('extract', [image], options);
  out.glyphSize = glyphSize;
  return out;
}

window.tiae = {
  ready,
  analyze: (pixels, model = 'mnist-shift-tiae', options) => call('analyze', [pixels, model], options),
  placement: (pixels, model = 'mnist-shift-tiae', options) => call('placement', [pixels, model], options),
  extract,
  document: (image, options = {}) => call('document', [image], options),
  modelReach,
  measureGlyphSize: (image) => call('measureGlyphSize', [image]),
  chooseGlyphSize: (image, options = {}) => call('chooseGlyphSize', [image], options),
  depth: (file, options = {}) => call('depth', [file], options),
  notes,
  onNote: (fn) => noteListeners.push(fn),
  onLoading: (fn) => loadingListeners.push(fn),
};
