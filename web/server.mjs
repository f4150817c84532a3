// Serves the demo page on 127.0.0.1 with the COOP/COEP headers that wasm threads need.
// Everything comes from the page's own origin: the page (web/), the released models
// (models/), ONNX Runtime Web's files (node_modules/onnxruntime-web/dist) and the wasm
// build of the core (build-wasm/wasm). Usage: node web/server.mjs [--port 8080]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

export function createServer() {
  return http.createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    if (urlPath === '/') urlPath = '/index.html';
    if (urlPath === '/models/index.json') {  // the model folders the page can load
      const dir = path.join(root, 'models');
      const models = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'model.json'))).sort();
      res.writeHead(200, { ...headers, 'Content-Type': types['.json'] }).end(JSON.stringify({ models }));
      return;
    }
    const [prefix, dir] = mounts.find(([p]) => urlPath.startsWith(p));
    const file = path.resolve(dir, '.' + urlPath.slice(prefix.length - 1));
    if (!file.startsWith(dir + path.sep)) {  // no escaping the mounted folder
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${urlPath}`);
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': types[path.extname(file)] || 'application/octet-stream',
                           'Content-Length': stat.size });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT || 8080);
  createServer().listen(port, '127.0.0.1', () => console.log(`TIAE demo: http://127.0.0.1:${port}/`));
}
