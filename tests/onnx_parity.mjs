// Exported ONNX files run in onnxruntime-node give the descriptors and canonical images
// that LibTorch (`tiae infer`) gives for the same inputs, for 1-channel (MNIST) and
// 2-channel (grasp pair) models and the fully convolutional extractor, gray and colour (on
// 64x64 inputs, its descriptor a map of 16 x 64 x 64 values; the colour one takes R, G, B and
// answers with 1 plane), and the depth models: PCA as a linear auto-encoder and the TIAE,
// each with its robot hand regressor (pose.onnx: angles in degrees, within 100 times the
// tolerance): max abs diff <= 1e-4 for float32 weights, <= 1e-3 for float16 weights; and a
// shift regressor's regressor.onnx against `tiae infer --regressor` (1e-4).
// Usage: node onnx_parity.mjs TIAE_BINARY WORK_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const [tiae, work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const run = path.join(work, 'run');
// maxBuffer: a convolutional model's descriptors are maps, tens of MB of JSON
const sh = (args) => execFileSync(tiae, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 }).toString();

// For each kind of model, a short real training run (so the weights are not just their
// initialisation) on N x C x S x S inputs: random sparse strokes and a blank image.
const n = 5;
let seed = 12345, failures = 0, checks = 0;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const configs = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'configs');
const conv = JSON.parse(fs.readFileSync(path.join(configs, 'pages-fg-conv.json')));
const colourConfig = path.join(work, 'colour.json');
fs.writeFileSync(colourConfig, JSON.stringify({ ...conv, network: { ...conv.network, channels: 3 } }));
const pages = ['--pages', '4', '--precision', 'float32'];
const depthPca = path.join(configs, 'depth-hand-pca.json');
const kinds = [['mnist', 1, 1, 32, ['--data', 'mnist']], ['grasp', 2, 2, 32, ['--data', 'grasp']],
               ['depth-tiae', 1, 1, 32, ['--data', 'depth']], ['depth-pca', 1, 1, 32, ['-c', depthPca]],
               ['conv', 1, 1, 64, ['-c', path.join(configs, 'pages-fg-conv.json'), ...pages]],
               ['colour', 3, 1, 64, ['-c', colourConfig, ...pages]]];
for (const [data, channels, outputs, side, trainArgs] of kinds) {
  const run = path.join(work, `run-${data}`), inPixels = channels * side * side, pixels = outputs * side * side;
  sh(['train', '-o', run, ...trainArgs, '--epochs', '1', '--train-samples', '256', '--batch', '64', '--no-progress']);
  if (data.startsWith('depth')) sh(['pose', run, '--hands', '64', '--epochs', '1', '--threads', '1']);
  const input = new Float32Array(n * inPixels);
  for (let i = 0; i < (n - 1) * inPixels; i++) input[i] = rand() < 0.2 ? rand() : 0;
  const inputFile = path.join(work, `input-${data}.f32`);
  fs.writeFileSync(inputFile, Buffer.from(input.buffer));
  const torchOut = JSON.parse(sh(['infer', run, '--raw', inputFile]));
  for (const [variant, tolerance, flags] of [['float32', 1e-4, []], ['float16', 1e-3, ['--weights', 'float16']]]) {
    const dir = path.join(work, `${data}-${variant}`);
    sh(['export', run, '-o', dir, ...flags]);
    const card = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
    const enc = await ort.InferenceSession.create(path.join(dir, card.files.encoder));
    const dec = await ort.InferenceSession.create(path.join(dir, card.files.decoder));
    const desc = (await enc.run({ image: new ort.Tensor('float32', input, [n, channels, side, side]) })).descriptor;
    const canon = (await dec.run({ descriptor: desc })).image;
    let dDesc = 0, dCanon = 0, dAngles = 0;
    if (card.files.pose) {
      const pose = await ort.InferenceSession.create(path.join(dir, card.files.pose));
      const angles = (await pose.run({ descriptor: desc })).angles;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < 20; j++) dAngles = Math.max(dAngles, Math.abs(angles.data[i * 20 + j] - torchOut.angles[i][j]));
    }
    for (let i = 0; i < n; i++) {
      const d = desc.data.length / n;
      for (let j = 0; j < d; j++) dDesc = Math.max(dDesc, Math.abs(desc.data[i * d + j] - torchOut.descriptors[i][j]));
      for (let j = 0; j < pixels; j++) dCanon = Math.max(dCanon, Math.abs(canon.data[i * pixels + j] - torchOut.canonical[i][j]));
    }
    const ok = dDesc <= tolerance && dCanon <= tolerance && canon.dims.join() === `${n},${outputs},${side},${side}` &&
               card.channels === channels && torchOut.canonical[0].length === pixels &&
               dAngles <= 100 * tolerance && Boolean(card.files.pose) === data.startsWith('depth');
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${data} (${channels} channel${channels > 1 ? 's' : ''}) ${variant}: ` +
                `max |descriptor diff| ${dDesc.toExponential(2)}, max |canonical diff| ${dCanon.toExponential(2)}` +
                (card.files.pose ? `, max |angle diff| ${dAngles.toExponential(2)} degrees` : '') + ` (tolerance ${tolerance})`);
    checks++;
    if (!ok) failures++;
  }
}
// The shift regressor R (tiae regressor, then tiae card --regressor): regressor.onnx against
// `tiae infer --regressor`, which runs R in LibTorch from the same file's weights.
{
  const model = path.join(work, 'mnist-float32'), rrun = path.join(work, 'regressor');
  sh(['regressor', model, '-o', rrun, '--epochs', '1', '--no-progress']);
  sh(['card', model, '--regressor', rrun]);
  const card = JSON.parse(fs.readFileSync(path.join(model, 'model.json')));
  const input = new Float32Array(n * 1024);
  for (let i = 0; i < (n - 1) * 1024; i++) input[i] = rand() < 0.2 ? rand() : 0;
  const inputFile = path.join(work, 'input-regressor.f32');
  fs.writeFileSync(inputFile, Buffer.from(input.buffer));
  const torchOut = JSON.parse(sh(['infer', model, '--regressor', '--raw', inputFile]));
  const r = await ort.InferenceSession.create(path.join(model, card.files.regressor));
  const shift = (await r.run({ image: new ort.Tensor('float32', input, [n, 1, 32, 32]) })).shift;
  let d = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) d = Math.max(d, Math.abs(shift.data[i * 2 + j] - torchOut.shifts[i][j]));
  const ok = d <= 1e-4 && shift.dims.join() === `${n},2` && torchOut.estimated_by === 'regressor';
  console.log(`${ok ? 'ok  ' : 'FAIL'} regressor: max |shift diff| ${d.toExponential(2)} (tolerance 1e-4)`);
  checks++;
  if (!ok) failures++;
}
console.log(`${checks - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
