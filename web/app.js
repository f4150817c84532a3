// The canvas app (wasm/app.cpp) in the page: starts it, sizes the canvas, answers its calls
// through each tab's page side (web/draw.js, extract.js, documents.js, grasp.js, depth.js, all over
// window.tiae), takes dropped and picked files, and keeps the page's URL naming the tab and
// the example shown, so that a link reproduces the view: ?tab=draw&example=3 (a test digit),
// ?tab=extract&example=flyer, ?tab=documents&example=page, ?tab=grasp&example=6 (a test pair),
// ?tab=depth&example=3 (a real depth frame).
import createTiaeApp from '/wasm/tiae-app.mjs';
import { app, rect, setApp, setShownTab } from './bridge.js';
import * as depth from './depth.js';
import * as documents from './documents.js';
import * as draw from './draw.js';
import * as extract from './extract.js';
import * as grasp from './grasp.js';
import { estimate, runState } from './image_tabs.js';
import { routeInput } from './input.js';

const tiae = window.tiae;
const TABS = ['draw', 'extract', 'documents', 'grasp', 'depth'];  // the app's tabs, in order (wasm/app.cpp)
const FIRST_DIGIT = 2;  // the example the Draw tab opens with, analysed: results from the start

// What to look for, above the canvas, for the tab shown.
const LEAD = {
  draw: 'Draw a digit, then move it with the arrows under the drawing: the TIAE draws the same shape in the same ' +
        'place (it learned the shape, not where it is), while the ordinary auto-encoder\'s drawing and code move with your digit.',
  extract: 'Give it a photo of handwriting: the same kind of network, trained to ignore a changing background rather ' +
           'than a shift, keeps only the ink.',
  documents: 'Give it a page: each small window says where the shape in it is centred; where many agree there is a ' +
             'character, found without being told what one is, and the characters are sorted into kinds.',
  grasp: 'Paint a hand holding an object, then move the pair: the TIAE draws the same pair in the same place wherever ' +
         'it is, so its code names the grasp, not the place.',
  drawTurns: 'Draw a digit, then turn or resize it with the buttons under the drawing: this TIAE, trained for turns ' +
             'and sizes too, draws much the same shape and finds the turn and size at which your digit sits.',
  depth: 'A depth camera sees a hand: PCA and the TIAE each restore it and pose a robot hand from what they read. Move the ' +
         'crop: the TIAE\'s hand and robot hand stay put, PCA\'s change.',
};

// ---- the URL

const view = { tab: 'draw', example: {}, pair: 0 };  // the example shown per tab (absent: none); the Draw tab's pair
const requested = new URLSearchParams(location.search);  // as the page was opened (the app rewrites it)

function writeUrl() {
  const params = new URLSearchParams(location.search);
  params.set('tab', view.tab);
  if (view.example[view.tab] !== undefined) params.set('example', view.example[view.tab]);
  else params.delete('example');
  if (view.tab === 'draw' && view.pair === 1) params.set('pair', 'turns');  // the models trained for turns and sizes
  else params.delete('pair');
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

// What to look for, for the tab shown (and the Draw tab's pair).
function showLead() {
  document.getElementById('lead').textContent = LEAD[view.tab === 'draw' && view.pair === 1 ? 'drawTurns' : view.tab];
}

function tabShown(name) {
  view.tab = name;
  setShownTab(name);
  showLead();
  writeUrl();
  if (name === 'depth' && !depthOpened && !requested.has('example')) openDepthFrame(0);  // results from the first look
}

// tab: the app's tab index; i: the example's number, or -1 when the visitor changed it.
function exampleShown(tab, i) {
  const name = TABS[tab];
  if (i < 0) delete view.example[name];
  else view.example[name] = tab === 1 ? 'flyer' : tab === 2 ? 'page' : String(i);
  if (name === view.tab) writeUrl();
}

// A photo or page opened: the example (which 0: Extract, 1: Documents), named in the URL, or
// a visitor's file (dropped or picked), which the URL cannot name.
function openExample(which) {
  exampleShown(which + 1, 0);
  return which === 0 ? extract.openExample() : documents.openExample();
}
const openPhoto = (file, preset) => (exampleShown(1, -1), extract.openPhoto(file, preset));
const openPage = (file, preset) => (exampleShown(2, -1), documents.openPage(file, preset));
let depthOpened = false;  // the Depth tab shows a frame once it is first shown
const openDepthFrame = (i) => ((depthOpened = true), depth.openFrame(i));
const openDepth = (file) => ((depthOpened = true), depth.openFile(file));

// The view the URL names: its tab forward, its example loaded; the Draw tab shows a digit
// in any case (`digits`: how many examples there are).
async function openUrlView(digits) {
  const tab = TABS.indexOf(requested.get('tab')), example = requested.get('example');
  if (tab > 0) app._app_select_tab(tab);
  const number = Number(example ?? NaN);
  app._app_show_digit(tab <= 0 && Number.isInteger(number) && number >= 0 && number < digits ? number : FIRST_DIGIT);
  if (requested.get('pair') === 'turns') app._app_draw_family(1);  // when the page has that pair
  if (example === null) return;
  if (tab === 1 || tab === 2) await openExample(tab - 1);
  if (tab === 3 && Number.isInteger(number)) app._app_grasp_load_example(number);
  if (tab === 4 && Number.isInteger(number)) await openDepthFrame(number);
}

// ---- files: picked, dropped

function acceptDrops() {
  const pick = (id, open, accept = 'image/*') => {
    const picker = Object.assign(document.createElement('input'), { type: 'file', accept, hidden: true, id });
    picker.addEventListener('change', () => picker.files[0] && open(picker.files[0]));
    document.body.append(picker);
    return picker;
  };
  const pickers = { photo: pick('photo-picker', openPhoto), page: pick('page-picker', openPage),
                    depth: pick('depth-picker', openDepth, 'image/png') };
  // Anywhere on the page: a file dropped beside the canvas must not navigate away.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files?.[0];
    if (file) (app._app_depth_active() ? openDepth : app._app_document_active() ? openPage : openPhoto)(file);
  });
  return pickers;
}

// ---- the canvas

// The canvas fills the page's width at the device's pixel ratio (the app draws in device
// pixels, wasm/screen.h); on a wide window it fills the height below what is above it, on a
// narrow one (columns stacked) it is as tall as the app's contents, and the page scrolls.
const layout = { contentHeight: 0 };
function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1, width = document.documentElement.clientWidth;
  let height = Math.max(560, window.innerHeight - (canvas.getBoundingClientRect().top + window.scrollY));
  if (app._app_resize(width, height, dpr) && layout.contentHeight) {
    height = layout.contentHeight;
    app._app_resize(width, height, dpr);
  }
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  showView(canvas);
}

// The band of the canvas in the browser's window, which is all the app draws.
function showView(canvas) {
  const box = canvas.getBoundingClientRect();
  app._app_view(Math.max(0, -box.top), Math.min(box.height, window.innerHeight - box.top));
}

// The calls the app makes (EM_ASM in wasm/*.cpp).
function callsFromApp(canvas, pickers, early) {
  const downloads = [draw.download, extract.download, () => documents.download(0), () => documents.download(1), grasp.download,
                     depth.download];
  return {
    tiaeAnalyze: (pixels, family) => (app ? draw.analyze(pixels, family) : early.push([pixels, family])),  // the first frame can come first
    tiaeDrawFamily: (family) => {
      view.pair = family;
      showLead();
      writeUrl();
      draw.chooseFamily(family).catch((e) => draw.setStatus(`could not load: ${e.message}`));
    },
    tiaeAnalyzeGrasp: (pixels) => grasp.analyzeGrasp(pixels),
    tiaeOpenPhoto: () => pickers.photo.click(),
    tiaeOpenPage: () => pickers.page.click(),
    tiaeOpenDepth: () => pickers.depth.click(),
    tiaeDepthStep: (by) => openDepthFrame(depth.frameIndex() + by),
    tiaeDepthMove: (dx, dy) => depth.move(dx, dy),
    tiaeExample: (which) => openExample(which),
    tiaeExtract: (glyphSize, stride, model) => extract.runExtract(glyphSize, stride, model),
    tiaeDocument: (glyphSize, stride) => documents.runDocument(glyphSize, stride),
    tiaeCancel: (which) => (which === 0 ? extract.cancel() : documents.cancel()),
    tiaeDownload: (what, ...args) => downloads[what](...args),
    tiaeTabShown: (name) => tabShown(name),
    tiaeExampleShown: (tab, i) => exampleShown(tab, i),
    tiaeContentHeight: (height) => {
      layout.contentHeight = height;
      fitCanvas(canvas);
    },
  };
}

// The app draws only after something changed (wasm/app.cpp, app_wake): input on the page,
// or any call into it (a result, progress, a resize).
function wakeOnCalls() {
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
}

// The models' files for the tabs: descriptor spaces, examples, the foreground models' list;
// then the view the URL names.
async function whenReady() {
  const { backend, models, available } = await tiae.ready;
  const missing = draw.MODELS.filter((m) => !models.includes(m));
  draw.setStatus(`running on ${backend}` + (missing.length ? `; missing: ${missing.join(', ')}` : ''));
  const [, digits] = await Promise.all([draw.loadSpaces(), draw.loadExamples(draw.MODELS[1], (p) => app._app_digit_example(p)),
                                        draw.loadExamples(grasp.GRASP_MODELS[1], (p) => app._app_grasp_example(p)),
                                        extract.listForegroundModels(), depth.listFrames(),
                                        // the Draw tab's second pair, when the page has it (a link may name it)
                                        draw.FAMILIES[1].every((m) => available.includes(m)) && draw.loadTurnGrid().catch(() => {})]);
  await openUrlView(digits);
}

export async function startApp(canvas) {
  routeInput(canvas);  // before the app: its listeners run before GLFW's
  const pickers = acceptDrops(), early = [];
  // The app's WebGL context, made here to keep its drawing buffer: the app draws only after
  // a change, and then only the part of the canvas in the window, and the canvas must go on
  // showing the last picture everywhere else, whatever the browser composites meanwhile
  // (Emscripten's GLFW then finds this context and uses it).
  canvas.getContext('webgl2', { alpha: false, antialias: false, depth: true, stencil: true, preserveDrawingBuffer: true });
  setApp(await createTiaeApp({ canvas, ...callsFromApp(canvas, pickers, early) }));
  wakeOnCalls();
  fitCanvas(canvas);
  window.addEventListener('resize', () => fitCanvas(canvas));
  window.addEventListener('scroll', () => showView(canvas), { passive: true });
  early.forEach(([pixels, family]) => draw.analyze(pixels, family));
  whenReady().catch((e) => draw.setStatus(`could not start: ${e.message}`));
  window.tiaeApp = {  // for tests and scripts: the app's state, and what a drop or a picker does
    canonicalSum: (model) => app._app_canonical_sum(model),
    analyses: () => draw.analyses,
    drawing: draw.lastAnalysis,  // the Draw tab's latest input and answers
    openPhoto,
    foreground: extract.lastForeground,
    openPage,
    document: documents.lastAnalysis,
    selectCluster: (c) => app._app_document_select(c),
    loadGraspExample: (i) => app._app_grasp_load_example(i),
    graspTiaeShift: () => app._app_grasp_tiae_shift(),
    openDepthFrame,
    openDepth,
    moveDepthCrop: (dx, dy) => depth.move(dx, dy),
    depth: depth.lastAnalysis,
    rect,  // where a control is (wasm/*.cpp's remember() names)
    estimate,  // the Extract (0) or Documents (1) tab's estimate
    runState,  // the Extract (0) or Documents (1) tab's run: busy, choosing, progress, glyph size
    frames: () => app._app_frames(),
    wake: () => app._app_wake(),
    tab: () => view.tab,
  };
}
