// The page's input into the canvas app (Emscripten's GLFW listens to the mouse on the canvas
// and to keys on the window): a finger as a mouse, keys only while the canvas has the focus
// (Tab always moving it on), and the wheel to the app only where it zooms or scrolls a list.
// Every listener here is added before the app starts, so it runs before GLFW's.
import { app, inside } from './bridge.js';

const PAINT = ['draw-canvas', 'grasp-canvas', 'pan-photo', 'pan-result', 'pan-page'];  // a finger draws or pans there

// The app's next frame (woken to draw it), for ImGui to see one state before the next: the
// app's animation-frame callback comes before this one's, registered later.
function nextFrame() {
  return new Promise((resolve) => {
    app?._app_wake();
    requestAnimationFrame(() => resolve());
  });
}

// A finger as the mouse: ImGui's tabs take a press only from a pointer that was on them the
// frame before, and a hover must not stay where the finger left; so a touch comes as the
// pointer arriving, a frame, the press, the moves, the release, a frame, and the pointer
// leaving. A touch the browser takes over to scroll the page (pointercancel) leaves before it
// lets go, so that it clicks nothing (on a drawing, it ends the stroke where it was). GLFW's own reading of touch events (a press at the
// mouse's last place, at once) never sees them.
function touchAsMouse(canvas) {
  let queue = Promise.resolve();
  const later = (fn) => { queue = queue.then(fn); };
  const send = (type, at, buttons) => {
    const mouse = new MouseEvent(type, { ...at, button: 0, buttons, bubbles: true, cancelable: true });
    // GLFW places the pointer by pageX/pageY, which a constructed event leaves unscrolled.
    Object.defineProperties(mouse, { pageX: { value: at.pageX }, pageY: { value: at.pageY } });
    canvas.dispatchEvent(mouse);
  };
  const where = (e) => ({ clientX: e.clientX, clientY: e.clientY, screenX: e.screenX, screenY: e.screenY, pageX: e.pageX, pageY: e.pageY });
  const away = { clientX: -1e4, clientY: -1e4, screenX: -1e4, screenY: -1e4, pageX: -1e4, pageY: -1e4 };
  const touch = (handle) => (e) => {
    if (e.pointerType !== 'touch') return;
    e.preventDefault();
    handle(where(e));
  };
  canvas.addEventListener('pointerdown', touch((at) => {
    later(() => send('mousemove', at, 0));
    later(nextFrame);
    later(() => send('mousedown', at, 1));
  }));
  canvas.addEventListener('pointermove', touch((at) => later(() => send('mousemove', at, 1))));
  const release = (at) => {
    later(() => send('mouseup', at, 0));
    later(nextFrame);
    later(() => send('mousemove', away, 0));
    later(() => app?._app_wake());
  };
  canvas.addEventListener('pointerup', touch(release));
  canvas.addEventListener('pointercancel', touch((at) => {
    if (inside(PAINT, at.clientX, at.clientY)) return release(at);  // a stroke ends where it was
    later(() => send('mousemove', away, 1));
    later(nextFrame);
    later(() => send('mouseup', away, 0));
    later(() => app?._app_wake());
  }));
  // On a drawing (or a zoomed picture) a finger draws (or pans) and does not scroll the page;
  // elsewhere it scrolls.
  for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'])
    canvas.addEventListener(type, (e) => {
      if (type === 'touchstart' && e.touches.length === 1 && inside(PAINT, e.touches[0].clientX, e.touches[0].clientY)) e.preventDefault();
      e.stopImmediatePropagation();
    }, { capture: true, passive: false });
}

// Keys reach the app only while the canvas has the focus; Tab never does (GLFW would cancel
// it, so the focus could not leave), it moves the focus on. Keys the app uses do not also
// scroll the page or select its text. Focus by keyboard shows ImGui's keyboard cursor.
function keysToFocusedApp(canvas) {
  const appKeys = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', ' ', 'Enter', 'PageUp', 'PageDown', 'Home', 'End']);
  for (const type of ['keydown', 'keypress'])
    window.addEventListener(type, (e) => {
      if (e.key === 'Tab' || document.activeElement !== canvas) return e.stopImmediatePropagation();
      if (appKeys.has(e.key) || ((e.ctrlKey || e.metaKey) && 'acvxyz'.includes(e.key.toLowerCase()) && e.key.length === 1)) e.preventDefault();
    }, true);
  window.addEventListener('keyup', (e) => { if (e.key === 'Tab') e.stopImmediatePropagation(); }, true);
  canvas.addEventListener('focus', () => { if (canvas.matches(':focus-visible')) app?._app_keyboard_focus(); });
}

// The wheel scrolls the page, except over the list of kinds of character (it scrolls the
// list) and Ctrl + wheel over a picture (it zooms the picture; the browser's zoom stays). The
// app gets it in notches: GLFW (Emscripten 3.1.6) would pass the pixel delta, sign reversed.
function wheelWhereUseful(canvas) {
  canvas.addEventListener('wheel', (e) => {
    e.stopImmediatePropagation();
    const zooms = e.ctrlKey && inside(['pane-photo', 'pane-result', 'pane-page'], e.clientX, e.clientY);
    if (!zooms && !inside(['clusters'], e.clientX, e.clientY)) return;
    e.preventDefault();
    app?._app_wheel(-e.deltaY / (e.deltaMode === 0 ? 100 : 3));
  }, { capture: true, passive: false });
}

export function routeInput(canvas) {
  // A stroke ends wherever the button is released: while it is down the canvas holds the
  // pointer, so the release reaches it (GLFW listens on the canvas) even outside its box.
  canvas.addEventListener('pointerdown', (e) => canvas.setPointerCapture(e.pointerId));
  touchAsMouse(canvas);
  keysToFocusedApp(canvas);
  wheelWhereUseful(canvas);
}
