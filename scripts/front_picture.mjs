// The README's picture, docs/front.png: the demo page with a drawn digit (the screenshot the
// browser tests keep, build/browser-test/page-after-drawing.png), a photo and the ink
// `tiae extract` takes from it, and a page with the heat map of `tiae document`, laid out
// in headless Chromium (Debian's, driven by playwright-core as the browser tests drive it).
// Run by scripts/front_picture.sh, which names the program and the files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [tiae, screenshot, photo, page, out] = process.argv.slice(2);
if (!out) throw new Error('usage: node scripts/front_picture.mjs TIAE SCREENSHOT PHOTO PAGE OUT.png');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tiae-front-'));
const ink = path.join(tmp, 'ink.png'), analysis = path.join(tmp, 'document');
execFileSync(tiae, ['extract', photo, '-o', ink, '--no-progress'], { stdio: 'inherit' });
execFileSync(tiae, ['document', page, '-o', analysis, '--no-progress'], { stdio: 'inherit' });

const url = (file) => 'data:image/png;base64,' + fs.readFileSync(file).toString('base64');
const panel = (file, caption, crop = false) =>
  `<figure>${crop ? '<div class="crop">' : ''}<img src="${url(file)}">${crop ? '</div>' : ''}<figcaption>${caption}</figcaption></figure>`;
const html = `<!doctype html><meta charset="utf-8"><style>
  body { margin: 0; background: #1e1e1e; font: 15px sans-serif; color: #ddd; }
  #all { display: inline-block; padding: 10px; width: 880px; }
  figure { margin: 0; display: inline-block; vertical-align: top; }
  figcaption { padding: 4px 2px 8px; }
  .top .crop { width: 880px; overflow: hidden; }  /* the page's left 910 of 1280 px hold the Draw tab */
  .top img { width: 1238px; display: block; }
  .row { white-space: nowrap; }
  .row figure { white-space: normal; width: 213px; }
  .row img { width: 213px; }
  .row figure + figure { margin-left: 9px; }
</style><div id="all">
  <div class="top">${panel(screenshot, 'The demo page: a drawn 7. The TIAE draws its shape in a place of its own and finds where the 7 sits; the ordinary auto-encoder draws it where it is', true)}</div>
  <div class="row">${panel(photo, 'A photo')}${panel(ink, 'its ink: <code>tiae extract</code>')}${panel(page, 'A page')}${panel(path.join(analysis, 'heatmap-overlay.png'), 'where windows point: <code>tiae document</code>')}</div>
</div>`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox'] });
try {
  const tab = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await tab.setContent(html);
  await tab.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
  await tab.locator('#all').screenshot({ path: out });
} finally {
  await browser.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${out}: ${fs.statSync(out).size} bytes`);
