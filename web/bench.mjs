// Benchmark of the page (not a test): for each backend, page load to tiae.ready, bytes
// over the wire (brotli-compressed as scripts/demo.sh serves them), and ms per tiae.analyze (one 32x32 digit, mean over repeated calls after a
// warm-up), in headless Chromium; then seconds to extract the foreground of a 1 MP and a
// 12 MP photo-like image in the page (wasm; WebGPU only on a real adapter) and with the
// native `tiae extract` (build/native/tiae) on the same PNG files, at the drawn glyph size
// and with the glyph size chosen by the model (auto), both with tiae.extract's
// default model (the first of engine.js's EXTRACT_MODELS that models/ has), named in
// the results; last, the page's frames a second and click delays during a 1 MP extraction in
// the app (1280x720), against the same page idle.
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
results.responsiveness = await responsiveness();
await browser.close();
server.close();
if (process.argv[2]) {  // written beside, then renamed over: a killed run leaves the old figures whole
  fs.writeFileSync(`${process.argv[2]}.partial`, JSON.stringify(results, null, 2) + '\n');
  fs.renameSync(`${process.argv[2]}.partial`, process.argv[2]);
}

// The app's frames a second idle and during a 1 MP extraction, and how long after a click on a
// tab header the tab changes (four clicks during the run), on a 1280x720 page.
async function responsiveness() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${origin}/?backend=wasm`);
  await page.evaluate(() => window.tiae.ready);
  await page.waitForFunction(() => window.tiaeApp?.rect('tab-grasp'), null, { timeout: 60000 });
  await page.evaluate(async () => {
    const bitmap = await createImageBitmap(await (await fetch('/examples/flyer.png')).blob());
    const canvas = new OffscreenCanvas(1155, 866);  // 1 MP
    canvas.getContext('2d').drawImage(bitmap, 0, 0, 1155, 866);
    window.tiaeApp.openPhoto(new File([await canvas.convertToBlob()], 'flyer.png'), 20);
  });
  await page.waitForFunction(() => window.tiaeApp.estimate(0)?.seconds > 0, null, { timeout: 60000 });
  const click = async (name) => {  // as a person clicks: the pointer arrives, then the button
    const r = await page.evaluate((n) => window.tiaeApp.rect(n), name);
    await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2, { steps: 3 });
    await page.waitForTimeout(150);
    await page.mouse.down();
    await page.waitForTimeout(50);
    await page.mouse.up();
  };
  // the app's frames, asked for at every animation frame (it draws only after a change)
  const measure = () => page.evaluate((ms) => new Promise((resolve) => {
    const times = [];
    let last = window.tiaeApp.frames();
    const t0 = performance.now();
    const tick = (t) => {
      if (window.tiaeApp.frames() !== last) times.push(t), last = window.tiaeApp.frames();
      window.tiaeApp.wake();
      if (performance.now() - t0 < ms) requestAnimationFrame(tick);
      else resolve(times);
    };
    requestAnimationFrame(tick);
  }), 2000);
  const rate = (times) => (times.length - 1) / ((times.at(-1) - times[0]) / 1000);
  const idle = rate(await measure());
  await click('extract-button');
  await page.waitForFunction(() => window.tiaeApp.runState(0).busy, null, { timeout: 10000 });
  await page.evaluate(() => {
    window.presses = [];
    window.addEventListener('pointerdown', (e) => window.presses.push({ at: e.timeStamp, tab: window.tiaeApp.tab() }), true);
    window.switches = [];
    const watch = (t) => {
      if (window.switches.at(-1)?.tab !== window.tiaeApp.tab()) window.switches.push({ at: t, tab: window.tiaeApp.tab() });
      if (window.tiaeApp.runState(0).busy) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  const framesDuring = measure();
  for (const name of ['tab-document', 'tab-extract', 'tab-document', 'tab-extract']) {
    await page.waitForTimeout(250);
    await click(name);
  }
  const during = await framesDuring;
  const { presses, switches, busy } = await page.evaluate(() => ({ presses: window.presses, switches: window.switches,
                                                                  busy: window.tiaeApp.runState(0).busy }));
  await page.waitForFunction(() => !window.tiaeApp.runState(0).busy, null, { timeout: 120000 });
  await page.close();
  const delays = presses.map((p) => (switches.find((s) => s.at >= p.at && s.tab !== p.tab)?.at ?? NaN) - p.at);
  const r = { frames_per_s_idle: Number(idle.toFixed(1)), frames_per_s_during_run: Number(rate(during).toFixed(1)),
              click_to_tab_ms: delays.map((d) => Math.round(d)), run_outlasted_clicks: busy };
  console.log(`responsiveness: ${r.frames_per_s_during_run} frames/s during a 1 MP extraction (idle ` +
              `${r.frames_per_s_idle}); clicks taken after ${r.click_to_tab_ms.join(', ')} ms`);
  return r;
}
