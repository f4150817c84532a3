// An independent reader of a run's checkpoint/weights.bin, written from the format as
// native/model/weights_file.h documents it, and the network of native/model/network.h written out in
// plain JavaScript (float64) over those weights: its descriptors and canonical images must
// be those of LibTorch (`tiae infer`) on the same inputs, within 1e-4.
// Usage: node weights_file_reader.mjs TIAE_BINARY WORK_DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [tiae, work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const run = path.join(work, 'run');
const sh = (args) => execFileSync(tiae, args, { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
sh(['train', '-o', run, '--epochs', '1', '--train-samples', '128', '--batch', '64', '--no-progress']);

// Little-endian: "TIAEW1\n", uint32 count, then per tensor: uint32 name length, name,
// uint32 ndim, int64 dims[ndim], float32 data.
function readWeights(file) {
  const b = fs.readFileSync(file);
  if (b.subarray(0, 7).toString('latin1') !== 'TIAEW1\n') throw new Error(`${file}: bad magic`);
  let at = 7;
  const u32 = () => { const v = b.readUInt32LE(at); at += 4; return v; };
  const tensors = new Map();
  for (let count = u32(), i = 0; i < count; i++) {
    const len = u32(), name = b.subarray(at, at + len).toString('utf8');
    at += len;
    const dims = [];
    for (let ndim = u32(), d = 0; d < ndim; d++) { dims.push(Number(b.readBigInt64LE(at))); at += 8; }
    const numel = dims.reduce((a, d) => a * d, 1), data = new Float64Array(numel);
    for (let j = 0; j < numel; j++, at += 4) data[j] = b.readFloatLE(at);
    tensors.set(name, { dims, data });
  }
  if (at !== b.length) throw new Error(`${file}: ${b.length - at} bytes after the last tensor`);
  return tensors;
}

const W = readWeights(path.join(run, 'checkpoint', 'weights.bin'));
const get = (name) => { const t = W.get(name); if (!t) throw new Error(`no tensor ${name}`); return t; };
const relu = (v) => v.map((x) => Math.max(0, x));
function linear(name, x) {
  const w = get(`${name}.weight`), bias = get(`${name}.bias`).data, [out, inp] = w.dims;
  if (inp !== x.length) throw new Error(`${name}: ${inp} inputs, given ${x.length}`);
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = bias[o];
    for (let i = 0; i < inp; i++) s += w.data[o * inp + i] * x[i];
    y[o] = s;
  }
  return y;
}
// E: valid convolution, ReLU, 2x2 max pooling, then fully connected layers (ReLU, ReLU, linear).
function encode(img, size) {
  const w = get('encoder.conv.weight'), bias = get('encoder.conv.bias').data;
  const [outC, inC, k] = w.dims, conv = size - k + 1, pooled = Math.floor(conv / 2);
  const h = new Float64Array(outC * pooled * pooled).fill(-Infinity);
  for (let o = 0; o < outC; o++)
    for (let y = 0; y < conv; y++)
      for (let x = 0; x < conv; x++) {
        let s = bias[o];
        for (let c = 0; c < inC; c++)
          for (let v = 0; v < k; v++)
            for (let u = 0; u < k; u++) s += w.data[((o * inC + c) * k + v) * k + u] * img[(c * size + y + v) * size + x + u];
        const py = Math.floor(y / 2), px = Math.floor(x / 2);
        if (py < pooled && px < pooled) {
          const at = (o * pooled + py) * pooled + px;
          h[at] = Math.max(h[at], Math.max(0, s));
        }
      }
  return linear('encoder.fc3', relu(linear('encoder.fc2', relu(linear('encoder.fc1', h)))));
}
// D: fully connected layers (ReLU, ReLU, sigmoid).
const decode = (d) => linear('decoder.fc3', relu(linear('decoder.fc2', relu(linear('decoder.fc1', d))))).map((x) => 1 / (1 + Math.exp(-x)));

const n = 4, S = 32;
const input = new Float32Array(n * S * S);
let seed = 777;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let i = 0; i < input.length; i++) input[i] = rand() < 0.2 ? rand() : 0;
fs.writeFileSync(path.join(work, 'input.f32'), Buffer.from(input.buffer));
const torchOut = JSON.parse(sh(['infer', run, '--raw', path.join(work, 'input.f32')]));

let dDesc = 0, dCanon = 0;
for (let i = 0; i < n; i++) {
  const d = encode(input.subarray(i * S * S, (i + 1) * S * S), S), c = decode(d);
  if (d.length !== torchOut.descriptors[i].length) throw new Error('descriptor sizes differ');
  d.forEach((v, j) => { dDesc = Math.max(dDesc, Math.abs(v - torchOut.descriptors[i][j])); });
  c.forEach((v, j) => { dCanon = Math.max(dCanon, Math.abs(v - torchOut.canonical[i][j])); });
}
const ok = dDesc <= 1e-4 && dCanon <= 1e-4 && W.size === 14;  // conv, 3 encoder and 3 decoder layers: weight and bias each
console.log(`${ok ? 'ok  ' : 'FAIL'} weights.bin read in JavaScript (${W.size} tensors): max |descriptor diff| ` +
            `${dDesc.toExponential(2)}, max |canonical diff| ${dCanon.toExponential(2)} against tiae infer (tolerance 1e-4)`);
console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
