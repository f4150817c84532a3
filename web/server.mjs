// Serves the demo page on 127.0.0.1 with the COOP/COEP headers that wasm threads need and a
// strict Content-Security-Policy. Everything comes from the page's own origin, and only what
// the page loads: its files in web/ (PAGE_FILES: not this server, its tests or the
// benchmark), the released models (models/), ONNX Runtime Web's files for the two backends,
// and the wasm builds of the core and the canvas app (build-wasm/wasm).
// Usage: node web/server.mjs [--port 8080] | node web/server.mjs --precompress
// Hostile requests must never end the process: every request's errors are caught and
// answered (400/403/404/405/500), and every answer, Node's own included, has the headers.
// Caching: every file goes out with a strong ETag, the hash of its content, and
// `Cache-Control: no-cache`, so a second visit revalidates each file and gets 304s.
// Compressed transfer: a browser that accepts brotli gets a compressed copy when one was made
// ahead (`--precompress`, run by scripts/demo.sh), named by the content's hash in
// build/web-cache/: a changed file can never be answered with an old file's copy.
import crypto from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const defaults = { modelsDir: path.join(root, 'models'), cacheDir: path.join(root, 'build', 'web-cache') };

// What the page is made of: the only files of web/ that are served.
export const PAGE_FILES = ['index.html', 'page.css', 'main.js', 'tiae.js', 'engine.js', 'card.js', 'app.js', 'bridge.js',
                           'input.js', 'draw.js', 'image_tabs.js', 'extract.js', 'documents.js', 'grasp.js', 'depth.js',
                           'examples/flyer.png', 'examples/page.png'];
// ONNX Runtime Web's module and binary for each backend (web/engine.js loads one pair).
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm',
                   'ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

// URL prefix -> folder and which relative paths in it may be served; the first match wins.
function mounts({ modelsDir }) {
  return [
    { prefix: '/models/', dir: modelsDir, allows: (rel) => /^[^/]+\/[^/]+$/.test(rel) },  // <model>/<file>
    { prefix: '/ort/', dir: path.join(root, 'node_modules/onnxruntime-web/dist'), allows: (rel) => ORT_FILES.includes(rel) },
    { prefix: '/wasm/', dir: path.join(root, 'build-wasm/wasm'), allows: (rel) => /^tiae-(app|core)\.(mjs|wasm)$/.test(rel) },
    // the Depth tab's real frames (data/real-depth/README.md: source and licence)
    { prefix: '/depth/', dir: path.join(root, 'data/real-depth'), allows: (rel) => /^[0-9_-]+\.png$/.test(rel) },
    { prefix: '/', dir: path.join(root, 'web'), allows: (rel) => PAGE_FILES.includes(rel) },
  ];
}

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml',
};
// The page's scripts and styles are its own files; 'wasm-unsafe-eval' lets it compile
// WebAssembly and nothing else that eval would; data: is the page's empty icon, blob: its
// downloads.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "connect-src 'self'",
  "img-src 'self' data: blob:", "style-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');
const security = {  // on every answer, errors included
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};
const headers = { ...security, 'Cache-Control': 'no-cache' };
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.onnx', '.svg']);
// fs error codes that mean "nothing to serve there" or "not allowed to read it".
const errorStatus = { ENOENT: 404, ENOTDIR: 404, EISDIR: 404, ELOOP: 404, ENAMETOOLONG: 404,
                      EACCES: 403, EPERM: 403 };
// O_NONBLOCK: opening a FIFO must not block a worker thread forever (fstat then refuses it);
// O_NOFOLLOW: the last component cannot have become a symlink since realpath checked it.
const openFlags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);

function reply(res, status, text, extra = {}) {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8',
                          'Content-Length': Buffer.byteLength(text), ...extra }).end(text);
}

// Writes a whole answer on a raw socket, for the paths where Node gives us no response object.
function replyRaw(socket, status, extra = {}) {
  const lines = Object.entries({ ...headers, ...extra, 'Content-Length': 0, Connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${lines}\r\n`);
  socket.setTimeout(2000, () => socket.destroy());  // a peer that never closes its side
}

// The request's path, percent-decoded, or null if it cannot name a file: the target must be
// origin-form ('/...'; new URL() would read '//etc' as a host), decode cleanly, and hold no NUL
// byte (fs throws on it) nor backslash (a separator on Windows, and in WHATWG URLs).
function decodePath(target) {
  if (!target.startsWith('/')) return null;
  try {
    const p = decodeURIComponent(target.split(/[?#]/, 1)[0]);
    return /[\0\\]/.test(p) ? null : p;
  } catch {
    return null;
  }
}

const isInside = (dir, file) => file.startsWith(dir + path.sep);

// The model folders the page can load; no models folder at all means none.
export async function modelNames(dir) {
  let names;
  try {
    names = await fsp.readdir(dir);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  const has = await Promise.all(names.map((d) => fsp.stat(path.join(dir, d, 'model.json'))
    .then((s) => s.isFile(), () => false)));
  return names.filter((_, i) => has[i]).sort();
}

// Pipes a file's body into the response. pipeline destroys both sides on an error (a read
// error, or the client gone) and hands it to the callback, so it never becomes an uncaught
// 'error' event; the status line is already sent, so cutting the connection is all we can do.
export function sendBody(res, body) {
  pipeline(body, res, () => {});
}

// ---- content hashes and compressed copies

// SHA-256 of an open file's bytes, remembered while the file is unchanged. The change time
// moves on every write, rename or utimes (unlike mtime, which a copy or a `touch -d` can set
// back), so together with the inode and size it tells when to hash again.
const hashes = new Map();  // real path -> { version, hash }
async function contentHash(file, fh, stat) {
  const version = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  const known = hashes.get(file);
  if (known?.version === version) return known.hash;
  const hash = crypto.createHash('sha256'), buffer = Buffer.alloc(1 << 20);
  for (let at = 0; at < stat.size;) {
    const { bytesRead } = await fh.read(buffer, 0, buffer.length, at);
    if (!bytesRead) break;
    hash.update(buffer.subarray(0, bytesRead));
    at += bytesRead;
  }
  hashes.set(file, { version, hash: hash.digest('hex') });
  return hashes.get(file).hash;
}

// A file's content hash by its real path, as a request for it finds it (then not read again).
async function fileHash(file) {
  const real = await fsp.realpath(file), fh = await fsp.open(real, fs.constants.O_RDONLY);
  try {
    return await contentHash(real, fh, await fh.stat());
  } finally {
    await fh.close();
  }
}

const copyPath = (cacheDir, hash) => path.join(cacheDir, `${hash}.br`);

// Whether the request accepts brotli ("br" listed, and not with q=0).
function acceptsBrotli(req) {
  const offer = String(req.headers['accept-encoding'] ?? '').split(',').map((s) => s.trim().split(/\s*;\s*/));
  return offer.some(([coding, q]) => coding === 'br' && !/^q=0(\.0*)?$/.test(q ?? ''));
}

// Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET).
function notModified(req, etag) {
  const offered = String(req.headers['if-none-match'] ?? '');
  return offered.trim() === '*' || offered.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

// The body to send and its headers: the compressed copy when there is one for this content
// and the browser takes it, else the file. The ETag names the content and its coding.
async function chooseBody(req, file, fh, stat, { cacheDir }) {
  const type = types[path.extname(file)] || 'application/octet-stream';
  const hash = await contentHash(file, fh, stat);
  const plain = { fh, size: stat.size, etag: `"${hash.slice(0, 32)}"`, extra: { 'Content-Type': type } };
  if (!compressible.has(path.extname(file))) return plain;
  plain.extra.Vary = 'Accept-Encoding';
  if (!acceptsBrotli(req)) return plain;
  let packed;
  try {
    packed = await fsp.open(copyPath(cacheDir, hash), fs.constants.O_RDONLY);
  } catch {
    return plain;  // none made for this content
  }
  await fh.close();
  // The decoded length, for the page's byte count while it loads (Content-Length is the
  // compressed one).
  return { fh: packed, size: (await packed.stat()).size, etag: `"${hash.slice(0, 32)}-br"`,
           extra: { ...plain.extra, 'Content-Encoding': 'br', 'X-Decoded-Length': stat.size } };
}

// The brotli settings for a file: the strongest for code and text (made once, read by every
// visit), a fast one for networks' weights, which it shrinks by about a tenth either way
// (quality 11 took 20 s for a 3.7 MB model here, quality 5 0.4 s, 3.09 MB against 3.24 MB).
function brotliParams(file, size) {
  const quality = path.extname(file) === '.onnx' ? 5 : 11;
  return { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
           [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size };
}

const brotli = promisify(zlib.brotliCompress);

// The compressed copies `files` want (copy's name -> the first file with that content) and
// those not made yet, the largest first.
export async function plannedCopies(files, { cacheDir = defaults.cacheDir } = {}) {
  const wanted = new Map();
  for (const file of files.filter((f) => compressible.has(path.extname(f)))) {
    const name = path.basename(copyPath(cacheDir, await fileHash(file)));
    if (!wanted.has(name)) wanted.set(name, file);
  }
  const missing = [];
  for (const [name, file] of wanted)
    if (!(await fsp.stat(path.join(cacheDir, name)).then(() => true, () => false))) missing.push([name, file, fs.statSync(file).size]);
  return { wanted, missing: missing.sort((a, b) => b[2] - a[2]) };
}

// Makes the compressed copy of each content that lacks one (kept only when smaller), as many
// at once as there are cores (the strongest setting takes a 14 MB wasm file about 35 s), the
// largest first so that no core is left with a long one at the end; removes the copies of
// contents no longer among `files` when `prune`. Returns the copies made.
export async function precompress(files, { cacheDir = defaults.cacheDir, prune = false, log = () => {} } = {}) {
  await fsp.mkdir(cacheDir, { recursive: true });
  const { wanted, missing } = await plannedCopies(files, { cacheDir });
  let made = 0;
  const worker = async () => {
    for (let job = missing.shift(); job; job = missing.shift()) {
      const one = await compressOne(path.join(cacheDir, job[0]), job[1], log);  // then added: no update lost
      made += one;
    }
  };
  await Promise.all(Array.from({ length: os.availableParallelism() }, worker));
  if (prune)
    for (const name of await fsp.readdir(cacheDir))
      if (!wanted.has(name)) await fsp.rm(path.join(cacheDir, name), { recursive: true, force: true });  // older copies' folders too
  return made;
}

// Writes file's compressed copy to `copy` (whole or not at all); 1 when made, 0 when no smaller.
async function compressOne(copy, file, log) {
  const data = await fsp.readFile(file);
  log(`compressing ${path.relative(root, file)} (${(data.length / 1e6).toFixed(1)} MB)`);
  const packed = await brotli(data, { params: brotliParams(file, data.length) });
  if (packed.length >= data.length) return 0;
  const tmp = `${copy}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, packed);
  await fsp.rename(tmp, copy);
  return 1;
}

// Every compressible file the page can load: its own, the wasm builds, ONNX Runtime's, and
// each model's JSON files and the networks it loads (its web copy, else its own; and every
// other network its card names: the shift regressor, the robot hand's regressor).
export async function loadableFiles({ modelsDir = defaults.modelsDir } = {}) {
  const files = [];
  for (const { prefix, dir, allows } of mounts({ modelsDir }).filter((m) => m.prefix !== '/models/')) {
    const names = prefix === '/' ? PAGE_FILES : await fsp.readdir(dir).catch(() => []);
    files.push(...names.filter(allows).map((f) => path.join(dir, f)));
  }
  for (const name of await modelNames(modelsDir)) {
    const dir = path.join(modelsDir, name);
    for (const f of await fsp.readdir(dir)) if (f.endsWith('.json')) files.push(path.join(dir, f));
    const card = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    const nets = { ...(card.files ?? {}), ...(card.web ?? {}) };  // the web copies in place of the encoder and decoder
    for (const f of Object.values(nets)) if (typeof f === 'string' && f.endsWith('.onnx') && !f.includes('/')) files.push(path.join(dir, f));
  }
  return files.filter((f) => compressible.has(path.extname(f)) && fs.existsSync(f));
}

// ---- answering

async function sendFile(req, res, file, options) {
  const fh = await fsp.open(file, openFlags);
  let body;
  try {
    const stat = await fh.stat();  // of the opened file: stat and read see the same file
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    body = await chooseBody(req, file, fh, stat, options);
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
  const validators = { ETag: body.etag, ...(body.extra.Vary ? { Vary: body.extra.Vary } : {}) };
  if (notModified(req, body.etag)) {
    await body.fh.close();
    return res.writeHead(304, { ...headers, ...validators }).end();
  }
  res.writeHead(200, { ...headers, ...body.extra, ...validators, 'Content-Length': body.size });
  if (req.method === 'HEAD' || body.size === 0) {
    await body.fh.close();
    res.end();
  } else {  // read no more than announced, even if the file grows meanwhile
    sendBody(res, body.fh.createReadStream({ start: 0, end: body.size - 1 }));
  }
}

async function handle(req, res, options) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return reply(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  }
  // Node answers this itself without our headers unless requireHostHeader is off.
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    return reply(res, 400, 'no host', { Connection: 'close' });
  }
  let urlPath = decodePath(req.url);
  if (urlPath === null) return reply(res, 400, 'bad request');
  if (urlPath === '/') urlPath = '/index.html';
  if (urlPath === '/models/index.json') {
    const body = JSON.stringify({ models: await modelNames(options.modelsDir) });
    return res.writeHead(200, { ...headers, 'Content-Type': types['.json'],
                                'Content-Length': Buffer.byteLength(body) }).end(body);
  }
  const { prefix, dir, allows } = mounts(options).find((m) => urlPath.startsWith(m.prefix));
  const file = path.resolve(dir, '.' + urlPath.slice(prefix.length - 1));
  if (!isInside(dir, file)) return reply(res, 403, 'forbidden');  // '..' out of the folder
  if (!allows(path.relative(dir, file).split(path.sep).join('/'))) return reply(res, 404, 'not found');
  // The same check on real paths: no symlink may lead out of the mounted folder.
  const [realDir, realFile] = await Promise.all([fsp.realpath(dir), fsp.realpath(file)]);
  if (!isInside(realDir, realFile)) return reply(res, 403, 'forbidden');
  await sendFile(req, res, realFile, options);
}

// Answers a request whose handling threw: by the fs error code, else 500.
function fail(res, err) {
  if (res.headersSent) return res.destroy();  // mid-body: only cutting it short is left
  const status = errorStatus[err.code] ?? 500;
  if (status === 500) console.error('server error:', err);
  reply(res, status, status === 404 ? 'not found' : status === 403 ? 'forbidden' : 'server error');
}

// modelsDir: the released models (another folder for tests); cacheDir: the compressed copies.
export function createServer(options = {}) {
  const settings = { ...defaults, ...options };
  // The second catch: should answering the error fail too, drop the connection.
  const server = http.createServer({ requireHostHeader: false }, (req, res) =>
    handle(req, res, settings).catch((err) => fail(res, err)).catch(() => res.destroy()));
  server.on('checkExpectation', (req, res) => reply(res, 417, 'expectation failed'));
  server.on('connect', (req, socket) => {  // CONNECT: Node would just drop the socket
    socket.on('error', () => socket.destroy());  // Node no longer listens on it
    replyRaw(socket, 405, { Allow: 'GET, HEAD' });
  });
  // Malformed requests (bad request line, headers too large, timeouts): Node's default answer
  // lacks our headers. Only answer when no response of ours is half-written on the socket.
  server.on('clientError', (err, socket) => {
    if (!socket.writable || socket._httpMessage?.headersSent || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = { HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
                     ERR_HTTP_REQUEST_TIMEOUT: 408 }[err.code] ?? 400;
    replyRaw(socket, status);
  });
  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--precompress')) {
  const made = await precompress(await loadableFiles(), { prune: true, log: console.log });
  console.log(`compressed copies: ${made} made, the others were current (${path.relative(root, defaults.cacheDir)}/)`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT || 8080);
  createServer().listen(port, '127.0.0.1', () => console.log(`TIAE demo: http://127.0.0.1:${port}/`));
  // Without the copies a visit downloads twice the bytes, and a browser may not cache the largest.
  const { missing } = await plannedCopies(await loadableFiles());
  if (missing.length)
    console.log(`${missing.length} of the page's files have no compressed copy and go out whole; ` +
                'make them with node web/server.mjs --precompress (scripts/demo.sh does)');
}
