// The Depth tab's page side (wasm/depth_tab.cpp): a real frame of data/real-depth (served
// under /depth/, the ones the depth-hand-tiae card was evaluated on) or the visitor's 16-bit
// PNG goes through tiae.depth, with the hand's crop where the app's arrows moved it; the
// frame, the crop and both models' answers go back into the app; the answer can be kept as JSON.
import { app, asJson, offer, say, withCopies, withString } from './bridge.js';

const tiae = window.tiae;
const MODEL = 'depth-hand-tiae';
const state = { frames: [], index: -1, bytes: null, name: '', offset: [0, 0], busy: false, again: false, last: null };

const status = (text) => withString(text, (s) => app._app_depth_status(s));

// The real frames the card names, their count told to the app.
export async function listFrames() {
  const response = await fetch(`/models/${MODEL}/model.json`);
  if (!response.ok) return 0;
  state.frames = (await response.json()).metrics?.protocol?.real_frames ?? [];
  app._app_depth_frames(state.frames.length);
  if (state.waiting !== undefined) await openFrame(state.waiting);  // asked for before the list came
  return state.frames.length;
}

// Real frame i (wrapped), with the crop where the cut-out puts it.
export async function openFrame(i) {
  if (!state.frames.length) return void (state.waiting = i);
  delete state.waiting;
  state.index = ((i % state.frames.length) + state.frames.length) % state.frames.length;
  const name = state.frames[state.index];
  const response = await fetch(`/depth/${name}.png`);
  if (!response.ok) return status(`frame ${name} not found (HTTP ${response.status})`);
  open(new Uint8Array(await response.arrayBuffer()), name, state.index);
}

export const frameIndex = () => state.index;

// The visitor's file (picked or dropped on the tab).
export async function openFile(file) {
  open(new Uint8Array(await file.arrayBuffer()), file.name, -1);
}

function open(bytes, name, index) {
  Object.assign(state, { bytes, name, offset: [0, 0] });
  app._app_depth_opened(index);
  analyze();
}

// The crop moved by whole input pixels (the app's arrows), within the core's bounds.
export function move(dx, dy) {
  if (!state.bytes) return;
  state.offset = state.offset.map((v, k) => Math.max(-16, Math.min(16, v + (k ? dy : dx))));
  analyze();
}

// One analysis at a time; a move meanwhile runs once the current one ends, at the newest offset.
async function analyze() {
  if (state.busy) return void (state.again = true);
  state.busy = true;
  const { bytes, name, offset } = state;
  try {
    status(`reading ${name} ...`);
    const r = await tiae.depth(bytes, { offset });
    show(r);
    state.last = { ...r, frame: name };  // the frame's name, not its picture
    say(`depth frame ${name}: hand at ${r.crop.depth.toFixed(2)} m; restoration error PCA ${r.pca.restorationError.toFixed(2)}, ` +
        `TIAE ${r.tiae.restorationError.toFixed(2)} (shift ${r.tiae.shift[0]}, ${r.tiae.shift[1]})`, 'depth');
  } catch (e) {
    state.last = null;
    app._app_depth_clear();
    status(`${name}: ${e.message}`);
  } finally {
    state.busy = false;
    if (state.again) {
      state.again = false;
      analyze();
    }
  }
}

function show(r) {
  const [x0, y0, side] = r.crop.window;
  withCopies([r.frame, r.crop.input], (f, input) => app._app_depth_frame(f, r.width, r.height, x0, y0, side, input));
  for (const [k, m] of [r.pca, r.tiae].entries()) {
    const shift = m.shift ?? [0, 0];
    withCopies([m.canonical, m.restored, Float32Array.from(m.angles)],
               (c, s, a) => app._app_depth_result(k, c, s, a, m.angles.length, m.restorationError, shift[0], shift[1]));
  }
  status(`${state.name}: hand at ${r.crop.depth.toFixed(2)} m, crop moved by (${r.crop.offset.join(', ')}) px`);
}

export function download() {
  const r = state.last;
  if (!r) return;
  const plain = (m) => ({ ...m, canonical: [...m.canonical], restored: [...m.restored] });
  offer(`depth-${r.frame.replace(/\.png$/i, '')}.json`,
        asJson({ frame: r.frame, crop: { ...r.crop, input: [...r.crop.input] }, pca: plain(r.pca), tiae: plain(r.tiae) }));
}

export const lastAnalysis = () => state.last && { frame: state.last.frame, crop: state.last.crop, pca: state.last.pca, tiae: state.last.tiae };
