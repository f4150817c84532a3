// Benchmark of the page (not a test): for each backend, page load to tiae.ready, bytes
// downloaded, and ms per tiae.analyze (one 32x32 digit, mean over repeated calls after a
// warm-up), in headless Chromium. Usage: node web/bench.mjs [out.json]
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { createServer } from './server.mjs';

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
await browser.close();
server.close();
if (process.argv[2]) fs.writeFileSync(process.argv[2], JSON.stringify(results, null, 2) + '\n');
