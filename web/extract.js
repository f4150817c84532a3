// The Extract tab's page side (wasm/extract_tab.cpp): the photo (picked, dropped or the
// example) shown in the app, its glyph size chosen, tiae.extract run with the tab's settings
// and the foreground shown beside it; what the tab shows (the soft map, the mask at its
// threshold, or the ink over the photo) offered as a PNG at the photo's full size.
import { app, asPng, offer, say, withBytes, withString } from './bridge.js';
import { glyphSizeInto, measureRate, modelGlyphSizeInto, PREVIEW, reportRate, sayEstimate } from './image_tabs.js';

const tiae = window.tiae;
let photo = null, photoName = '', photoSize = [0, 0], foreground = null, running = null;

// The foreground models for the tab's chooser, tiae.extract's default first, and their
// reaches (the app counts a fully convolutional model's windows by it).
export async function listForegroundModels() {
  const { available, extractModel } = await tiae.ready;
  const models = [];
  for (const name of available) {
    const card = await (await fetch(`/models/${name}/model.json`)).json().catch(() => ({}));
    if (card.kind === 'fg' || card.kind === 'foreground') models.push({ name, reach: tiae.modelReach(card) });
  }
  models.sort((a, b) => (b.name === extractModel) - (a.name === extractModel) || a.name.localeCompare(b.name));
  withString(models.map((m) => m.name).join('\n'), (s) => app._app_extract_models(s));
  models.forEach((m, i) => app._app_extract_model_reach(i, m.reach));
}

// An ImageData or ImageBitmap, scaled to fit PREVIEW, into the app as image `which` (0 the
// photo, 1 the foreground).
function showImage(which, source, name = '') {
  const full = [source.width, source.height];
  const scale = Math.min(1, PREVIEW / Math.max(source.width, source.height));
  const w = Math.max(1, Math.round(source.width * scale)), h = Math.max(1, Math.round(source.height * scale));
  const ctx = new OffscreenCanvas(w, h).getContext('2d');
  if (source instanceof ImageData) {
    const whole = new OffscreenCanvas(source.width, source.height);
    whole.getContext('2d').putImageData(source, 0, 0);
    ctx.drawImage(whole, 0, 0, w, h);
  } else {
    ctx.drawImage(source, 0, 0, w, h);
  }
  withBytes(ctx.getImageData(0, 0, w, h).data, (p) => withString(name, (s) => app._app_extract_image(which, p, w, h, s, ...full)));
}

function done(message, failed) {
  withString(message, (s) => app._app_extract_done(s, failed ? 1 : 0));
  say(`extract: ${message}`, 'extract');
}

// A new photo: a run on the last one stops (its result would not be this photo's).
export async function openPhoto(file, preset) {
  running?.abort();
  photo = file;
  photoName = file.name ?? '';
  foreground = null;
  try {
    const bitmap = await createImageBitmap(file);
    photoSize = [bitmap.width, bitmap.height];
    showImage(0, bitmap, photoName);
    const message = await glyphSizeInto(0, file, photoName, preset);
    await measureRate(0);
    sayEstimate(0, message);
  } catch {
    // No preview: Extract still runs and names the problem (tiae.extract checks the file).
    showImage(0, new ImageData(1, 1), photoName);
    done(`${photoName}: not an image file this browser can read (Extract names the problem)`, true);
  }
}

export const openExample = async () => {
  const response = await fetch('/examples/flyer.png');  // a flyer past the evaluation's six (`tiae flyers --count 7`)
  if (response.ok) await openPhoto(new File([await response.blob()], 'flyer.png'), 22);  // its capitals' height
};

export async function runExtract(glyphSize, stride, model) {
  const t0 = performance.now(), controller = new AbortController();
  running = controller;
  try {
    const result = await tiae.extract(photo, {
      model: model || undefined, glyphSize, stride, onProgress: (f) => app._app_extract_progress(f), signal: controller.signal,
    });
    foreground = result;
    showImage(1, result);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const card = await modelGlyphSizeInto(0, model);
    reportRate(0, ...photoSize, glyphSize, stride, Number(seconds), tiae.modelReach(card));
    done(`${photoName}: ${result.width}x${result.height} px at ${result.glyphSize.toFixed(0)} px glyphs in ${seconds} s` +
         inkWarning(result), false);
  } catch (e) {
    if (e.name === 'AbortError') done(`${photoName}: cancelled`, false);
    else done(`${photoName}: ${e.message}`, true);
  } finally {
    if (running === controller) running = null;
  }
}

// The tab's Cancel: stops the run going on, if any (a click that comes after its end does nothing).
export const cancel = () => running?.abort();

// A word when almost nothing came out as ink: the usual cause is a glyph size far from the
// photo's, or a photo without writing.
function inkWarning(image) {
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4) ink += image.data[i] >= 128;
  const share = ink / (image.width * image.height);
  return share < 0.002 ? `; almost no ink found (${(100 * share).toFixed(2)} % of the pixels): is the glyph size ` +
                         'the height of the capitals in pixels, and is there writing?' : '';
}

// What the tab shows, at the photo's size. view: 0 the soft map, 1 the mask (white where the
// soft map reaches `threshold`, as the app draws it), 2 the ink in red over the photo dimmed.
async function composed(view, threshold) {
  if (view === 0) return foreground;
  const { width, height } = foreground, out = new ImageData(width, height), cut = Math.round(threshold * 255);
  let under = null;
  if (view === 2) {
    const ctx = new OffscreenCanvas(width, height).getContext('2d');
    ctx.drawImage(await createImageBitmap(photo), 0, 0);
    under = ctx.getImageData(0, 0, width, height).data;
  }
  for (let i = 0; i < width * height; ++i) {
    const ink = foreground.data[4 * i] >= cut;
    const rgb = under ? (ink ? [255, 40, 40] : [0, 1, 2].map((c) => Math.floor((under[4 * i + c] * 2) / 5)))
                      : [ink ? 255 : 0, ink ? 255 : 0, ink ? 255 : 0];
    out.data.set([...rgb, 255], 4 * i);
  }
  return out;
}

export async function download(view, threshold) {
  if (!foreground) return;
  const stem = photoName.replace(/\.[^.]*$/, '') || 'photo';
  offer(`${stem}-${['foreground', 'mask', 'overlay'][view]}.png`, await asPng(await composed(view, threshold)));
}

// For tests: the last foreground (ImageData), or null.
export const lastForeground = () => foreground;
