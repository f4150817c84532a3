// Hostile requests against the demo server (web/server.mjs): each must get an answer with the
// security headers, none may read outside the served folders, and the server must survive
// them all. Raw sockets, because fetch normalises '..', '%2e' and backslashes away.
// Run: node --test web/server.test.mjs (traffic goes to 127.0.0.1 only)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { compress, createServer, modelNames, sendBody } from './server.mjs';

const web = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(web);
const secret = fs.readFileSync(path.join(root, 'package.json'), 'utf8');  // outside every mount
const security = {
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
function raw(data) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
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
const get = (target, method = 'GET', extra = '') =>
  raw(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`);

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

test('compressed transfer: brotli when accepted, from a copy as new as the file; plain otherwise', async () => {
  const name = `.compress-test-${process.pid}.js`, file = path.join(web, name);
  const text = Buffer.from('export const answer = 42;\n'.repeat(400));
  fs.writeFileSync(file, text);
  try {
    await compress(file);  // as `--precompress` or a first request makes it
    const br = await get(`/${name}`, 'GET', 'Accept-Encoding: gzip, deflate, br\r\n');
    assertSecure(br, 'br');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.ok(Number(br.headers['content-length']) < text.length / 10);
    assert.deepEqual(zlib.brotliDecompressSync(Buffer.from(br.body, 'latin1')), text);
    for (const offer of ['', 'Accept-Encoding: gzip\r\n', 'Accept-Encoding: gzip, br;q=0\r\n']) {
      const plain = await get(`/${name}`, 'GET', offer);
      assert.equal(plain.headers['content-encoding'], undefined, offer);
      assert.equal(plain.body, text.toString('latin1'), offer);
    }
    // the file changed after its copy was made: the file goes out, not the old copy
    const changed = Buffer.from('export const answer = 43;\n');
    fs.writeFileSync(file, changed);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    const fresh = await get(`/${name}`, 'GET', 'Accept-Encoding: br\r\n');
    assert.equal(fresh.headers['content-encoding'], undefined);
    assert.equal(fresh.body, changed.toString('latin1'));
  } finally {
    await compress(file);  // the copy the plain answer scheduled, before both go
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(root, 'build/web-cache/web', `${name}.br`), { force: true });
  }
  // images are sent as they are
  const png = await get('/examples/page.png', 'GET', 'Accept-Encoding: br\r\n');
  assert.equal(png.headers['content-encoding'], undefined);
  assert.equal(Number(png.headers['content-length']), fs.statSync(path.join(web, 'examples/page.png')).size);
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
  const links = {  // name in web/ -> target
    [`.symlink-test-${process.pid}`]: path.join(root, 'package.json'),
    [`.symlink-dir-${process.pid}`]: root,
    [`.symlink-in-${process.pid}`]: path.join(web, 'index.html'),  // stays inside: served
  };
  try {
    for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(web, name));
    const [file, dir, inside] = Object.keys(links);
    const res = await get(`/${file}`);
    assert.equal(res.status, 403);
    assertRefused(res, file);
    assertRefused(await get(`/${dir}/package.json`), dir);
    assertRefused(await get(`/${dir}/web/../package.json`), dir);
    assert.equal((await get(`/${inside}`)).status, 200);
  } finally {
    for (const name of Object.keys(links)) fs.rmSync(path.join(web, name), { force: true });
  }
});

test('a FIFO is refused at once rather than hanging the server', async (t) => {
  const fifo = path.join(web, `.fifo-test-${process.pid}`);
  try {
    execFileSync('mkfifo', [fifo]);
  } catch {
    return t.skip('no mkfifo here');
  }
  try {
    assertRefused(await get(`/${path.basename(fifo)}`), 'fifo');
  } finally {
    fs.rmSync(fifo, { force: true });
  }
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
