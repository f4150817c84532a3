// Serves the demo page on 127.0.0.1 with the COOP/COEP headers that wasm threads need.
// Everything comes from the page's own origin: the page (web/), the released models
// (models/), ONNX Runtime Web's files (node_modules/onnxruntime-web/dist) and the wasm
// build of the core (build-wasm/wasm). Usage: node web/server.mjs [--port 8080]
// Hostile requests must never end the process: every request's errors are caught and
// answered (400/403/404/405/500), and every answer, Node's own included, has the headers.
// Compressed transfer: a browser that accepts brotli gets text, wasm, JSON and ONNX files
// brotli-compressed from a cache of compressed copies (build/web-cache/), made once per file
// version: by `node web/server.mjs --precompress` (scripts/demo.sh runs it) or, for a file
// not yet there, in the background after it went out plain.
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mounts = [  // URL prefix -> folder; the first match wins
  ['/models/', path.join(root, 'models')],
  ['/ort/', path.join(root, 'node_modules/onnxruntime-web/dist')],
  ['/wasm/', path.join(root, 'build-wasm/wasm')],
  ['/', path.join(root, 'web')],
];
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml',
};
const security = {  // on every answer, errors included
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};
const headers = { ...security, 'Cache-Control': 'no-cache' };
const cacheDir = path.join(root, 'build', 'web-cache');
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

// ---- compressed copies

const brotli = promisify(zlib.brotliCompress);
const cachePath = (file) => path.join(cacheDir, path.relative(root, file) + '.br');

// Whether the request accepts brotli ("br" listed, and not with q=0).
function acceptsBrotli(req) {
  const offer = String(req.headers['accept-encoding'] ?? '').split(',').map((s) => s.trim().split(/\s*;\s*/));
  return offer.some(([coding, q]) => coding === 'br' && !/^q=0(\.0*)?$/.test(q ?? ''));
}

// The compressed copy of `file` if it is at least as new as the file, else null.
async function freshCopy(file, stat) {
  const copy = cachePath(file);
  try {
    return (await fsp.stat(copy)).mtimeMs >= stat.mtimeMs ? copy : null;
  } catch {
    return null;
  }
}

// Writes the compressed copy (quality 11: made once, read by every visit); one at a time.
let compressing = Promise.resolve();
const pending = new Set();
export function compress(file) {
  if (pending.has(file)) return compressing;
  pending.add(file);
  compressing = compressing.then(async () => {
    const data = await fsp.readFile(file);
    const packed = await brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
                                                  [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
                                                  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
    const copy = cachePath(file), tmp = `${copy}.${process.pid}.tmp`;
    await fsp.mkdir(path.dirname(copy), { recursive: true });
    await fsp.writeFile(tmp, packed);
    await fsp.rename(tmp, copy);
  }).catch((err) => console.error(`could not compress ${file}: ${err.message}`)).finally(() => pending.delete(file));
  return compressing;
}

// The file to send and its headers: the compressed copy when there is a fresh one and the
// browser takes it; else the file (and, when it could be compressed, a copy is made).
async function chooseBody(req, file, fh, stat, options) {
  const type = { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' };
  if (!compressible.has(path.extname(file))) return { fh, size: stat.size, extra: type };
  const vary = { ...type, Vary: 'Accept-Encoding' };
  const copy = await freshCopy(file, stat);
  if (!copy) {
    if (options.compressLater) compress(file);
    return { fh, size: stat.size, extra: vary };
  }
  if (!acceptsBrotli(req)) return { fh, size: stat.size, extra: vary };
  const packed = await fsp.open(copy, fs.constants.O_RDONLY);
  await fh.close();
  return { fh: packed, size: (await packed.stat()).size, extra: { ...vary, 'Content-Encoding': 'br' } };
}

// The compressed copies of what the page loads before a visitor can draw: the page, the
// wasm builds, ONNX Runtime's files for both backends, every card and JSON of the models, and
// the networks the page loads at start (the models with a web copy); the other models' are
// made when first asked for. Returns the number of copies made.
export async function precompress(log = console.log) {
  const ort = mounts.find(([p]) => p === '/ort/')[1];
  const files = [
    ...['ort.wasm.min.mjs', 'ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm',
        'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'].map((f) => path.join(ort, f)),
  ];
  for (const [, dir] of mounts.filter(([p]) => p === '/' || p === '/wasm/'))
    for (const f of await fsp.readdir(dir).catch(() => [])) files.push(path.join(dir, f));
  const models = mounts.find(([p]) => p === '/models/')[1];
  for (const name of await modelNames(models)) {
    const dir = path.join(models, name);
    for (const f of await fsp.readdir(dir)) if (f.endsWith('.json')) files.push(path.join(dir, f));
    const card = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    if (card.web) files.push(path.join(dir, card.web.encoder), path.join(dir, card.web.decoder));
  }
  let made = 0;
  for (const file of files) {
    const stat = await fsp.stat(file).catch(() => null);
    if (!stat?.isFile() || !compressible.has(path.extname(file)) || await freshCopy(file, stat)) continue;
    log(`compressing ${path.relative(root, file)} (${(stat.size / 1e6).toFixed(1)} MB)`);
    await compress(file);
    made++;
  }
  return made;
}

async function sendFile(req, res, file, options) {
  const fh = await fsp.open(file, openFlags);
  let stat;
  try {
    stat = await fh.stat();  // of the opened file: stat and read see the same file
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
  } catch (err) {
    await fh.close();
    throw err;
  }
  let body;
  try {
    body = await chooseBody(req, file, fh, stat, options);
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
  res.writeHead(200, { ...headers, ...body.extra, 'Content-Length': body.size });
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
    const models = await modelNames(path.join(root, 'models'));
    const body = JSON.stringify({ models });
    return res.writeHead(200, { ...headers, 'Content-Type': types['.json'],
                                'Content-Length': Buffer.byteLength(body) }).end(body);
  }
  const [prefix, dir] = mounts.find(([p]) => urlPath.startsWith(p));
  const file = path.resolve(dir, '.' + urlPath.slice(prefix.length - 1));
  if (!isInside(dir, file)) return reply(res, 403, 'forbidden');  // '..' out of the folder
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

// compressLater: make the compressed copy of a file that went out plain, in the background
// (off for the browser tests: 2 cores' worth of brotli beside the page under test).
export function createServer({ compressLater = true } = {}) {
  // The second catch: should answering the error fail too, drop the connection.
  const server = http.createServer({ requireHostHeader: false }, (req, res) =>
    handle(req, res, { compressLater }).catch((err) => fail(res, err)).catch(() => res.destroy()));
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
  const made = await precompress();
  console.log(`compressed copies: ${made} made, the others were current (${path.relative(root, cacheDir)}/)`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT || 8080);
  createServer().listen(port, '127.0.0.1', () => console.log(`TIAE demo: http://127.0.0.1:${port}/`));
}
