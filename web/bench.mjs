// Benchmark of the page (not a test): for each backend, page load to tiae.ready, bytes
// over the wire (brotli-compressed as scripts/demo.sh serves them), and ms per tiae.analyze (one 32x32 digit, mean over repeated calls after a
// warm-up), in headless Chromium; then seconds to extract the foreground of a 1 MP and a
// 12 MP photo-like image in the page (wasm; WebGPU only on a real adapter) and with the
// native `tiae extract` (build/native/tiae) on the same PNG files, at the drawn glyph size
// and with the glyph size chosen by the model (auto), both with tiae.extract's
// default model (the first of engine.js's EXTRACT_MODELS that models/ has), named in
// the results.
// Usage: node web/bench.mjs [out.json]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer, loadableFiles, precompress } from './server.mjs';

await precompress(await loadableFiles());  // the compressed copies the demo serves
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--disable-quic', '--no-first-run', '--enable-unsafe-webgpu'],
});
const results = { browser: browser.version(), backends: {} };
for (const backend of ['wasm', 'webgpu']) {
  const page = await browser.newPage();
  let bytes = 0;
  page.on('response', async (r) => { bytes += Number(r.headers()['content-length'] || 0); });
  const t0 = Date.now();
  await page.goto(`${origin}/?backend=${backend}`);
  const ready = await page.evaluate(() => window.tiae.ready);
  const loadMs = Date.now() - t0;
  const perCall = await page.evaluate(async (reps) => {
    const pixels = new Float32Array(1024);
    for (let y = 8; y < 24; y++) pixels[y * 32 + 15] = pixels[y * 32 + 16] = 1;  // a "1"
    for (let i = 0; i < 3; i++) await window.tiae.analyze(pixels);
    const t = performance.now();
    for (let i = 0; i < reps; i++) await window.tiae.analyze(pixels);
    return (performance.now() - t) / reps;
  }, backend === 'wasm' ? 50 : 10);
  results.backends[backend] = { active: ready.backend, load_to_ready_ms: loadMs, bytes_downloaded: bytes,
                                analyze_ms: Number(perCall.toFixed(2)) };
  console.log(`${backend}: ready in ${loadMs} ms, ${(bytes / 1e6).toFixed(1)} MB downloaded, ` +
              `${perCall.toFixed(2)} ms per analyze (ran on ${ready.backend})`);
  await page.close();
}
// ---- whole-photo extraction: a page of dark strokes on a textured background
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, 'build', 'bench');
fs.mkdirSync(work, { recursive: true });
results.extract = {};
const page = await browser.newPage();
await page.goto(`${origin}/?backend=wasm`);
const { extractModel } = await page.evaluate(() => window.tiae.ready);
for (const [name, w, h] of [['1MP', 1200, 833], ['12MP', 4000, 3000]]) {
  // The PNG stays in the page for its run (window.benchPng) and comes out as base64 for the
  // native one: a 12 MP file as a JSON array of numbers took the harness minutes.
  const png = Buffer.from(await page.evaluate(async ([w, h]) => {
    const canvas = new OffscreenCanvas(w, h), ctx = canvas.getContext('2d');
    const g = ctx.createLinearGradient(0, 0, w, h);
    g.addColorStop(0, '#d8d2c4');
    g.addColorStop(1, '#9aa4ad');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, w, h);
    ctx.font = `${Math.round(h / 40)}px serif`;
    ctx.fillStyle = '#222';
    for (let y = h / 30; y < h; y += h / 20) ctx.fillText('Meeting on Tuesday 7pm, room 12 - all welcome!', 20, y);
    window.benchPng = await canvas.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await window.benchPng.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, [w, h]), 'base64');
  const file = path.join(work, `photo-${name}.png`);
  fs.writeFileSync(file, png);
  const glyph = Math.round(h / 40);
  const t0 = Date.now();
  execFileSync(path.join(root, 'build/native/tiae'),
               ['extract', file, '-o', path.join(work, `fg-${name}.png`), '-m', path.join(root, 'models', extractModel),
                '--glyph-size', String(glyph), '--no-progress']);
  const nativeS = (Date.now() - t0) / 1000;
  const pageS = await page.evaluate(async ([glyph, model]) => {
    const t = performance.now();
    await window.tiae.extract(window.benchPng, { model, glyphSize: glyph });
    return (performance.now() - t) / 1000;
  }, [glyph, extractModel]);
  // The same with --glyph-size auto: the model's search over glyph sizes first.
  const t1 = Date.now();
  const line = execFileSync(path.join(root, 'build/native/tiae'),
                            ['extract', file, '-o', path.join(work, `fg-${name}-auto.png`), '-m', path.join(root, 'models', extractModel),
                             '--no-progress']).toString();
  const nativeAutoS = (Date.now() - t1) / 1000;
  const chosen = Number(line.match(/glyph size ([\d.]+) px/)[1]);
  const pageAutoS = await page.evaluate(async (model) => {
    const t = performance.now();
    await window.tiae.extract(window.benchPng, { model, glyphSize: 'auto' });
    return (performance.now() - t) / 1000;
  }, extractModel);
  results.extract[name] = { model: extractModel, width: w, height: h, glyph_size: glyph, native_s: nativeS,
                            page_wasm_s: Number(pageS.toFixed(2)), glyph_size_chosen: chosen, native_auto_s: nativeAutoS,
                            page_wasm_auto_s: Number(pageAutoS.toFixed(2)) };
  console.log(`extract ${name} (${w}x${h}, glyph ${glyph} px, ${extractModel}): native ${nativeS.toFixed(1)} s, ` +
              `page (wasm) ${pageS.toFixed(1)} s; glyph size auto (chosen ${chosen} px): native ${nativeAutoS.toFixed(1)} s, ` +
              `page (wasm) ${pageAutoS.toFixed(1)} s`);
}
await page.close();
await browser.close();
server.close();
if (process.argv[2]) fs.writeFileSync(process.argv[2], JSON.stringify(results, null, 2) + '\n');
