// The canvas app's module (wasm/app.cpp, set once it runs) and what each tab's page side
// (web/draw.js, extract.js, documents.js, grasp.js) uses to talk to it: copies into its
// heap, strings, the page's live line, and files offered to the visitor.
export let app = null;
export function setApp(module) {
  app = module;
}

// fn(...pointers) over heap copies of Float32Arrays (Int32Arrays as such).
export function withCopies(arrays, fn) {
  const ptrs = arrays.map((a) => {
    const p = app._malloc(a.length * 4);
    (a instanceof Int32Array ? app.HEAP32 : app.HEAPF32).set(a, p >> 2);
    return p;
  });
  try {
    return fn(...ptrs);
  } finally {
    ptrs.forEach((p) => app._free(p));
  }
}

export function withString(text, fn) {
  const n = app.lengthBytesUTF8(text) + 1, p = app._malloc(n);
  app.stringToUTF8(text, p, n);
  try {
    return fn(p);
  } finally {
    app._free(p);
  }
}

// RGBA bytes into the heap for fn(pointer).
export function withBytes(bytes, fn) {
  const p = app._malloc(bytes.length);
  app.HEAPU8.set(bytes, p);
  try {
    return fn(p);
  } finally {
    app._free(p);
  }
}

// The latest result in words, in the page's live line (#live) that screen readers read.
// tab: the tab the result belongs to. A tab not shown keeps its latest words until it comes
// forward, so that a result that arrives late (the Draw tab's first digit, an extraction
// finished after the visitor moved on) does not speak over the tab the visitor looks at, and
// words said as a file opens, a frame before its tab is shown, are not lost.
let shownTab = 'draw';
const held = new Map();  // tab -> its latest words said while another tab was shown
export function setShownTab(name) {
  shownTab = name;
  if (held.has(name)) speak(held.get(name));
  held.delete(name);
}
export function say(text, tab) {
  if (tab && tab !== shownTab) held.set(tab, text);
  else speak(text);
}
function speak(text) {
  const live = document.getElementById('live');
  if (live) live.textContent = text;
}

// A file for the visitor to keep.
export function offer(name, blob) {
  const url = URL.createObjectURL(blob);
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export const asJson = (value) => new Blob([JSON.stringify(value)], { type: 'application/json' });

export async function asPng(image) {
  const canvas = new OffscreenCanvas(image.width, image.height);
  canvas.getContext('2d').putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

// Where the app last drew a control (its remember() names), in the viewport's CSS px, or null.
export function rect(name) {
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

// Whether a point of the viewport is inside one of the named controls.
export function inside(names, x, y) {
  return names.some((name) => {
    const r = app && rect(name);
    return r && x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
  });
}
