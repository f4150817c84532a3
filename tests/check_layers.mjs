// The include graph of native/: a file includes headers of its own layer and of the layers
// before it (native/CMakeLists.txt lists them in order), never of a later one; and the
// commands that do not train (infer, extract, export) never include the trainer.
// Usage: node check_layers.mjs NATIVE_DIR
import fs from 'node:fs';
import path from 'node:path';

const layers = ['io', 'data', 'model', 'artifacts', 'train', 'evaluate', 'commands', 'cli'];
const native = process.argv[2];
const problems = [];
let files = 0;
for (const layer of fs.readdirSync(native).filter((d) => fs.statSync(path.join(native, d)).isDirectory())) {
  if (!layers.includes(layer)) problems.push(`${layer}/: a folder that is no layer`);
  for (const file of fs.readdirSync(path.join(native, layer))) {
    files++;
    const text = fs.readFileSync(path.join(native, layer, file), 'utf8');
    for (const [, included] of text.matchAll(/#include "([^"]+)"/g)) {
      const [to] = included.split('/');
      if (!included.includes('/')) continue;  // the portable core (shared/)
      if (layers.indexOf(to) > layers.indexOf(layer)) problems.push(`${layer}/${file} includes ${included}: a later layer`);
      if (included === 'train/trainer.h' && /^(infer|extract_photo|onnx_export|model_folder)\./.test(file))
        problems.push(`${layer}/${file} includes the trainer`);
    }
  }
}
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`${problems.length ? 0 : 1} passed, ${problems.length ? 1 : 0} failed (${files} files, ${problems.length} problems)`);
process.exit(problems.length ? 1 : 0);
