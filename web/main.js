// The page's start: its header (where the networks run, the bytes of the models loading,
// messages) and the canvas app (web/app.js) over window.tiae (web/tiae.js).
import './tiae.js';
import { startApp } from './app.js';

const status = document.getElementById('status'), bar = document.getElementById('loading');
const megabytes = (n) => (n / 1e6).toFixed(1);

function show({ kind, text }) {
  const div = document.createElement('div');
  div.className = kind;
  div.textContent = text;
  document.getElementById('notes').append(div);
}

window.tiae.notes.forEach(show);
window.tiae.onNote(show);
let started = false;  // later loads (a tab's models) leave the header as it is
window.tiae.onLoading(({ received, total }) => {
  if (started) return;
  bar.max = Math.max(total, received, 1);
  bar.value = received;
  status.textContent = `loading the networks: ${megabytes(received)} of ${megabytes(Math.max(total, received))} MB`;
});
window.tiae.ready.then(
  ({ backend }) => {
    performance.mark('tiae-ready');  // how long a visit took to be ready (the browser tests read it)
    started = true;
    bar.hidden = true;
    status.textContent = `ready: the networks run on ${backend === 'webgpu' ? 'the GPU (WebGPU)' : 'the CPU (WebAssembly)'}`;
  },
  (e) => {
    started = true;
    bar.hidden = true;
    status.textContent = 'failed to start';
    show({ kind: 'error', text: e.message });
  });
startApp(document.getElementById('canvas')).catch(
  (e) => show({ kind: 'error', text: `the drawing app could not start: ${e.message}` }));
