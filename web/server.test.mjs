// The demo server (web/server.mjs): hostile requests each get an answer with the security
// headers (a strict Content-Security-Policy among them), none reads outside the page's own
// files, and the server survives them all; files go out with content-hash ETags and 304s, and
// brotli copies made ahead, named by their content. Raw sockets, because fetch normalises
// '..', '%2e' and backslashes away.
// Run: node --test web/server.test.mjs (traffic goes to 127.0.0.1 only)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { CONTENT_SECURITY_POLICY, createServer, loadableFiles, modelNames, PAGE_FILES, plannedCopies, precompress, sendBody } from './server.mjs';

const web = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(web);
const secret = fs.readFileSync(path.join(root, 'package.json'), 'utf8');  // outside every mount
const security = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
};
let server, port;

before(async () => {
  server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

// Sends `data` as is on a fresh connection; resolves with what came back once the server
// closes it (every request here says Connection: close, or is one the server rejects) or 3 s pass, parsed into status, lower-cased headers and body.
function raw(data, to = port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(to, '127.0.0.1');
    const chunks = [];
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});  // a reset after the answer still leaves the answer
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (!m) return reject(new Error(`no HTTP answer to ${JSON.stringify(data.slice(0, 80))}: ${JSON.stringify(text)}`));
      const headers = Object.fromEntries(lines.map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
      }));
      resolve({ status: Number(m[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(data);  // not end(): Node drops a request whose client half-closed
  });
}
const get = (target, method = 'GET', extra = '', to = port) =>
  raw(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`, to);

function assertSecure(res, what) {
  for (const [k, v] of Object.entries(security)) assert.equal(res.headers[k], v, `${what}: ${k}`);
}
function assertRefused(res, target) {
  assertSecure(res, target);
  assert.ok([400, 403, 404].includes(res.status), `${target}: status ${res.status}`);
  assert.ok(!res.body.includes('"name": "tiae"'), `${target}: leaked package.json`);
}

test('serves the page with its headers; HEAD has no body', async () => {
  const page = fs.readFileSync(path.join(web, 'index.html'));
  for (const target of ['/', '/index.html', '/index.html?x=1']) {
    const res = await get(target);
    assert.equal(res.status, 200, target);
    assertSecure(res, target);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(Number(res.headers['content-length']), page.length);
    assert.equal(res.body, page.toString('latin1'));
  }
  const head = await get('/index.html', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers['content-length']), page.length);
  assert.equal(head.body, '');
  const js = await get('/app.js');
  assert.equal(js.headers['content-type'], 'text/javascript');
});

// A models folder of the test's own (a toy model: its card and a script), served by a second
// server; `link`: the server is given a symlink to it, as when models/ is one. Removed after.
async function withToyModels(fn, { link = false, cacheDir } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiae-models-'));
  const toy = path.join(dir, 'toy');
  fs.mkdirSync(toy);
  fs.writeFileSync(path.join(toy, 'model.json'), JSON.stringify({ kind: 'toy', files: { encoder: 'e.onnx', decoder: 'd.onnx' } }));
  const linked = path.join(root, 'build', `.models-link-${process.pid}`);
  if (link) fs.symlinkSync(dir, linked);
  const modelsDir = link ? linked : dir;
  const other = createServer({ modelsDir, ...(cacheDir ? { cacheDir } : {}) });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    await fn({ toy, modelsDir, get: (target, method, extra) => get(target, method, extra, other.address().port) });
  } finally {
    other.closeAllConnections();
    other.close();
    fs.rmSync(linked, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const script = Buffer.from('export const answer = 42;\n'.repeat(400));

test('compressed transfer: brotli when accepted, from a copy made ahead; plain otherwise', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiae-cache-'));
  try {
    await withToyModels(async ({ toy, get }) => {
      fs.writeFileSync(path.join(toy, 'script.js'), script);
      assert.equal(await precompress([path.join(toy, 'script.js')], { cacheDir }), 1);
      const br = await get('/models/toy/script.js', 'GET', 'Accept-Encoding: gzip, deflate, br\r\n');
      assertSecure(br, 'br');
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(br.headers.vary, 'Accept-Encoding');
      assert.equal(Number(br.headers['x-decoded-length']), script.length);
      assert.ok(Number(br.headers['content-length']) < script.length / 10);
      assert.deepEqual(zlib.brotliDecompressSync(Buffer.from(br.body, 'latin1')), script);
      for (const offer of ['', 'Accept-Encoding: gzip\r\n', 'Accept-Encoding: gzip, br;q=0\r\n']) {
        const plain = await get('/models/toy/script.js', 'GET', offer);
        assert.equal(plain.headers['content-encoding'], undefined, offer);
        assert.equal(plain.body, script.toString('latin1'), offer);
      }
    }, { cacheDir });
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  // images are sent as they are
  const png = await get('/examples/page.png', 'GET', 'Accept-Encoding: br\r\n');
  assert.equal(png.headers['content-encoding'], undefined);
  assert.equal(Number(png.headers['content-length']), fs.statSync(path.join(web, 'examples/page.png')).size);
});

test("precompress: one copy per content, made several at once, each the file's bytes, and the count right", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiae-files-')), cacheDir = path.join(dir, 'cache');
  try {
    const files = Array.from({ length: 7 }, (_, i) => path.join(dir, `f${i}.js`));
    files.forEach((f, i) => fs.writeFileSync(f, `export const n = ${i % 5};\n`.repeat(300 + 100 * (i % 5))));  // f5, f6 as f0, f1
    assert.equal((await plannedCopies(files, { cacheDir })).missing.length, 5);
    assert.equal(await precompress(files, { cacheDir }), 5);
    assert.equal(fs.readdirSync(cacheDir).length, 5);
    for (const f of files) {
      const copy = path.join(cacheDir, `${crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')}.br`);
      assert.deepEqual(zlib.brotliDecompressSync(fs.readFileSync(copy)), fs.readFileSync(f));
    }
    assert.deepEqual((await plannedCopies(files, { cacheDir })).missing, []);
    assert.equal(await precompress(files, { cacheDir }), 0, 'made once');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file replaced by another with an older mtime is never answered with the old copy', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiae-cache-'));
  try {
    await withToyModels(async ({ toy, get }) => {
      const file = path.join(toy, 'script.js');
      fs.writeFileSync(file, script);
      await precompress([file], { cacheDir });
      assert.equal((await get('/models/toy/script.js', 'GET', 'Accept-Encoding: br\r\n')).headers['content-encoding'], 'br');
      const changed = Buffer.from('export const answer = 43;\n'.repeat(400));  // same size, same mtime
      const { mtime } = fs.statSync(file);
      fs.writeFileSync(file, changed);
      fs.utimesSync(file, mtime, new Date(mtime.getTime() - 60000));  // even older than the copy
      const res = await get('/models/toy/script.js', 'GET', 'Accept-Encoding: br\r\n');
      const body = res.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(Buffer.from(res.body, 'latin1'))
                                                             : Buffer.from(res.body, 'latin1');
      assert.deepEqual(body, changed);
    }, { cacheDir });
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('the compressed copies stay inside the project when models/ is a symlink out of it', async () => {
  const cacheDir = path.join(root, 'build', 'web-cache'), space = Buffer.from(JSON.stringify({ xy: Array(4000).fill(0.5) }));
  await withToyModels(async ({ toy, modelsDir, get }) => {
    fs.writeFileSync(path.join(toy, 'space.json'), space);
    const outside = path.dirname(fs.realpathSync(modelsDir));
    const before = fs.readdirSync(outside);
    const files = (await loadableFiles({ modelsDir })).filter((f) => f.startsWith(modelsDir));
    assert.deepEqual(files.map((f) => path.basename(f)).sort(), ['model.json', 'space.json']);  // no networks in the toy
    await precompress(files);
    assert.deepEqual(fs.readdirSync(outside), before, 'nothing written beside the models');
    const br = await get('/models/toy/space.json', 'GET', 'Accept-Encoding: br\r\n');
    assert.equal(br.headers['content-encoding'], 'br');
    const copy = (f) => path.join(cacheDir, `${crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')}.br`);
    assert.ok(fs.existsSync(copy(path.join(toy, 'space.json'))), 'the copy is in build/web-cache');
    for (const f of files) fs.rmSync(copy(f), { force: true });
  }, { link: true });
});

test('a request never starts a compression: the copies are made ahead, for every file the page can load', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiae-cache-'));
  try {
    await withToyModels(async ({ toy, get }) => {
      fs.writeFileSync(path.join(toy, 'script.js'), script);
      const res = await get('/models/toy/script.js', 'GET', 'Accept-Encoding: br\r\n');
      assert.equal(res.headers['content-encoding'], undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(fs.readdirSync(cacheDir), [], 'no copy made on the request');
    }, { cacheDir });
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  // what `--precompress` covers: the page's code, both wasm builds, ONNX Runtime's files, and
  // each model's JSON files and the networks the page loads (its web copy when the card names one)
  const files = new Set(await loadableFiles());
  for (const f of ['web/index.html', 'web/app.js', 'web/tiae.js', 'web/engine.js', 'build-wasm/wasm/tiae-app.wasm',
                   'build-wasm/wasm/tiae-core.mjs', 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'])
    assert.ok(files.has(path.join(root, f)), f);
  for (const name of await modelNames(path.join(root, 'models'))) {
    const card = JSON.parse(fs.readFileSync(path.join(root, 'models', name, 'model.json')));
    for (const f of Object.values({ ...(card.web ?? card.files), weights: undefined, checksums: undefined }).filter(Boolean))
      assert.ok(files.has(path.join(root, 'models', name, f)), `${name}/${f}`);
    assert.ok(files.has(path.join(root, 'models', name, 'model.json')));
  }
  for (const f of files) assert.ok(!/test|server|bench|\.png$/.test(path.basename(f)), `not the page's: ${f}`);
});

test('files carry their content hash as ETag: a revalidation gets 304 without a body', async () => {
  const first = await get('/app.js');
  assert.equal(first.status, 200);
  assert.match(first.headers.etag, /^"[0-9a-f]{32}"$/);
  const hash = crypto.createHash('sha256').update(fs.readFileSync(path.join(web, 'app.js'))).digest('hex');
  assert.equal(first.headers.etag, `"${hash.slice(0, 32)}"`);
  for (const offer of [first.headers.etag, `W/${first.headers.etag}`, `"other", ${first.headers.etag}`]) {
    const again = await get('/app.js', 'GET', `If-None-Match: ${offer}\r\n`);
    assert.equal(again.status, 304, offer);
    assertSecure(again, '304');
    assert.equal(again.body, '');
    assert.equal(again.headers.etag, first.headers.etag);
  }
  assert.equal((await get('/app.js', 'GET', 'If-None-Match: "other"\r\n')).status, 200);
  // a compressed copy is another representation, with its own tag
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiae-cache-'));
  try {
    await withToyModels(async ({ toy, get }) => {
      fs.writeFileSync(path.join(toy, 'script.js'), script);
      await precompress([path.join(toy, 'script.js')], { cacheDir });
      const br = await get('/models/toy/script.js', 'GET', 'Accept-Encoding: br\r\n');
      const plain = await get('/models/toy/script.js');
      assert.notEqual(br.headers.etag, plain.headers.etag);
      assert.equal((await get('/models/toy/script.js', 'GET', `Accept-Encoding: br\r\nIf-None-Match: ${br.headers.etag}\r\n`)).status, 304);
      assert.equal((await get('/models/toy/script.js', 'GET', `If-None-Match: ${br.headers.etag}\r\n`)).status, 200);
    }, { cacheDir });
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test("only the page's own files are served: not the server, its tests, the benchmark or build files", async () => {
  for (const target of ['/server.mjs', '/server.test.mjs', '/browser.test.mjs', '/bench.mjs', '/wasm/Makefile',
                        '/wasm/cmake_install.cmake', '/ort/ort.all.mjs', '/ort/ort.min.js.map'])
    assertRefused(await get(target), target);
  for (const f of PAGE_FILES) assert.equal((await get(`/${f}`, 'HEAD')).status, 200, f);
});

test('the Content-Security-Policy is strict: only the page\'s own scripts, wasm compiled, no eval or inline code', async () => {
  const policy = Object.fromEntries((await get('/')).headers['content-security-policy'].split(';')
    .map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  assert.deepEqual(policy['default-src'], ["'none'"]);
  assert.deepEqual(policy['script-src'].sort(), ["'self'", "'wasm-unsafe-eval'"]);
  for (const d of ['style-src', 'connect-src', 'worker-src'])
    assert.ok(policy[d].every((v) => v === "'self'"), `${d}: ${policy[d]}`);
  assert.deepEqual(policy['frame-ancestors'], ["'none'"]);
  assert.deepEqual(policy['base-uri'], ["'none'"]);
});

test('lists the models; a missing models folder is an empty list', async () => {
  const res = await get('/models/index.json');
  assert.equal(res.status, 200);
  assertSecure(res, 'index.json');
  assert.equal(res.headers['content-type'], 'application/json');
  const expected = fs.readdirSync(path.join(root, 'models'))
    .filter((d) => fs.existsSync(path.join(root, 'models', d, 'model.json'))).sort();
  assert.deepEqual(JSON.parse(res.body), { models: expected });
  assert.deepEqual(await modelNames(path.join(os.tmpdir(), `no-such-models-${process.pid}`)), []);
});

test('NUL bytes and bad percent-encoding are 400', async () => {
  for (const target of ['/index.html%00.png', '/%00', '/%E0%A4%A', '/%', '/%zz', '/models/%C0%AF']) {
    const res = await get(target);
    assert.equal(res.status, 400, target);
    assertSecure(res, target);
  }
});

test('no path leaves the served folders', async () => {
  const targets = [
    '/../package.json', '/%2e%2e/package.json', '/%2E%2E/%2e%2e/package.json',
    '/models/..%2f..%2fpackage.json', '/models/../../package.json', '/ort/../../../package.json',
    '/wasm/%2e%2e/%2e%2e/package.json', '//etc/passwd', '/..%2fpackage.json',
    '/..\\package.json', '/%5c..%5cpackage.json', '\\..\\package.json', '/models/..\\..\\package.json',
    'http://127.0.0.1/../package.json', '../package.json', '/models/', '/models', '/ort/', '/nonexistent',
  ];
  for (const target of targets) assertRefused(await get(target), target);
});

test('methods other than GET and HEAD are 405 with Allow', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT']) {
    const target = method === 'CONNECT' ? '127.0.0.1:80' : '/index.html';
    const res = await get(target, method, method === 'POST' ? 'Content-Length: 3\r\n\r\nabc' : '');
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.allow, 'GET, HEAD', method);
    assertSecure(res, method);
    assert.ok(!res.body.includes('<html'), `${method}: served the file`);
  }
});

test("Node's own error answers carry the headers", async () => {
  const cases = [
    [431, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`],
    [431, `GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`],
    [400, 'HELLO\r\n\r\n'],
    [400, '\x00\x01\x02garbage\r\n\r\n'],
    [400, 'GET / HTTP/9.9\r\nHost: x\r\n\r\n'],
    [400, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n'],
    [400, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'],
    [400, 'GET / HTTP/1.1\r\n\r\n'],  // no Host
    [417, 'GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nConnection: close\r\n\r\n'],
  ];
  for (const [status, data] of cases) {
    const res = await raw(data);
    assert.equal(res.status, status, JSON.stringify(data.slice(0, 40)));
    assertSecure(res, String(status));
  }
});

test('symlinks cannot lead out of a served folder', async () => {
  await withToyModels(async ({ toy, get }) => {
    const links = {  // name in the model folder -> target
      'out.json': path.join(root, 'package.json'),
      'in.json': path.join(toy, 'model.json'),  // stays inside: served
    };
    for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(toy, name));
    fs.symlinkSync(root, path.join(path.dirname(toy), 'rootlink'));
    const res = await get('/models/toy/out.json');
    assert.equal(res.status, 403);
    assertRefused(res, 'out.json');
    assertRefused(await get('/models/rootlink/package.json'), 'a folder link');
    assertRefused(await get('/models/rootlink/web/../package.json'), 'a folder link');
    assert.equal((await get('/models/toy/in.json')).status, 200);
  });
});

test('a FIFO is refused at once rather than hanging the server', async (t) => {
  await withToyModels(async ({ toy, get }) => {
    try {
      execFileSync('mkfifo', [path.join(toy, 'fifo.onnx')]);
    } catch {
      return t.skip('no mkfifo here');
    }
    assertRefused(await get('/models/toy/fifo.onnx'), 'fifo');
  });
});

// A read error while streaming cannot be provoked from outside (the server reads from the
// descriptor it opened and checked, so deleting the file meanwhile changes nothing); so this
// drives sendBody, the piece that streams, with a body that fails halfway.
test('a read error mid-body cuts the connection, and the process survives', async () => {
  const failing = new http.Server((req, res) => {
    res.writeHead(200, { 'Content-Length': 100 });
    let sent = false;
    sendBody(res, new Readable({
      read() {
        if (!sent) { sent = true; this.push('x'.repeat(10)); } else this.destroy(new Error('EIO, simulated'));
      },
    }));
  });
  await new Promise((resolve) => failing.listen(0, '127.0.0.1', resolve));
  try {
    const outcome = await new Promise((resolve) => {
      http.get(`http://127.0.0.1:${failing.address().port}/`, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('complete'));
        res.on('error', () => resolve('aborted'));
        res.on('aborted', () => resolve('aborted'));
      }).on('error', () => resolve('aborted'));
    });
    assert.equal(outcome, 'aborted');
  } finally {
    failing.closeAllConnections();
    failing.close();
  }
});

test('a burst of mixed hostile requests, then the page still loads', async () => {
  const targets = ['/%00', '/%E0%A4%A', '/../package.json', '//etc/passwd', '/index.html%00.png'];
  const bursts = [];
  for (let i = 0; i < 40; i++) bursts.push(get(targets[i % targets.length]));
  for (let i = 0; i < 10; i++) bursts.push(raw('NOT HTTP\r\n\r\n'));
  for (let i = 0; i < 10; i++) bursts.push(get('/index.html', 'DELETE'));
  const answers = await Promise.all(bursts);
  for (const res of answers) {
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    assertSecure(res, String(res.status));
  }
  // A client that hangs up mid-request or mid-answer must not hurt either.
  for (let i = 0; i < 5; i++) {
    const s = net.connect(port, '127.0.0.1', () => s.destroy());
    s.on('error', () => {});
    const r = http.get(`http://127.0.0.1:${port}/ort/ort.wasm.min.mjs`, (res) => res.destroy());
    r.on('error', () => {});
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const res = await get('/index.html');
  assert.equal(res.status, 200);
  assertSecure(res, 'final');
  assert.equal(res.headers['cache-control'], 'no-cache');
});
