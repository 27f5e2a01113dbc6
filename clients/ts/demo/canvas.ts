/**
 * The demo's shared canvas and widgets, both in the room's canvas document: draw strokes with the
 * pointer (one shape per stroke, its points appended as the pointer moves, at most one change per
 * animation frame), clear your own strokes, a counter whose concurrent increments add up, and a
 * focus timer.
 */
import type { TandemClient } from '../src/index.js';
import {
  type CanvasModel, type CanvasView, type Stroke, type TimerState, counterTotal, jsonCanvas, loadAutomerge, syncCanvas, tallies,
} from './canvas-model.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 1000;
const HEIGHT = 420;

export interface CanvasPanel {
  model: CanvasModel;
  /** Number of strokes drawn on screen (for tests). */
  strokeCount(): number;
}

export async function setupCanvas(client: TandemClient, room: string, me: string, colour: string,
                                  flash: (message: string) => void, forceJson: boolean): Promise<CanvasPanel> {
  const $ = <T extends Element = HTMLElement>(selector: string): T => {
    const el = document.querySelector<T>(selector);
    if (!el) throw new Error(`missing ${selector}`);
    return el;
  };
  const svg = $<SVGSVGElement>('#canvas');
  const count = $('#canvas-count');
  const modeEl = $('#canvas-mode');
  const counterEl = $('#counter');
  const timerEl = $('#timer');
  const toggle = $<HTMLButtonElement>('#timer-toggle');
  const byEl = $('#ui-by');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);

  let frame = 0;
  const scheduleRender = () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); });
  };
  const id = `${room}/canvas`;
  const readOnly = client.welcome?.role === 'viewer';
  let model: CanvasModel;
  if (forceJson || readOnly) {
    model = jsonCanvas(client, id, me, scheduleRender, flash);
  } else {
    try {
      model = syncCanvas(client, id, await loadAutomerge(), me, scheduleRender);
    } catch (e) {
      flash('Automerge did not load: using JSON operations');
      console.error('tandem demo: Automerge did not load', e);
      model = jsonCanvas(client, id, me, scheduleRender, flash);
    }
  }
  modeEl.textContent = model.mode === 'sync' ? 'Automerge sync' : 'JSON operations';
  modeEl.title = model.mode === 'sync'
    ? 'This page holds an Automerge replica and talks the Automerge sync protocol with the server'
    : 'This page holds no Automerge: it sends JSON operations and applies the server\'s JSON patches';

  // --- rendering ---------------------------------------------------------------------------------

  const paths = new Map<string, SVGPathElement>();
  function render(): void {
    const view = model.view();
    const shapes = Object.entries(view.shapes ?? {})
      .filter(([, s]) => String(s.kind) === 'stroke' && Array.isArray(s.points))
      .sort(([a, x], [b, y]) => Number(x.z ?? 0) - Number(y.z ?? 0) || (a < b ? -1 : 1));
    const seen = new Set<string>();
    for (const [shapeId, shape] of shapes) {
      seen.add(shapeId);
      let path = paths.get(shapeId);
      if (!path) {
        path = document.createElementNS(SVG_NS, 'path');
        path.dataset.id = shapeId;
        paths.set(shapeId, path);
      }
      path.setAttribute('d', pathOf(shape.points));
      path.setAttribute('stroke', String(shape.style?.color ?? '#fff'));
      path.setAttribute('stroke-width', String(Number(shape.style?.width ?? 3)));
      svg.append(path); // (re)appended in z order
    }
    for (const [shapeId, path] of paths) {
      if (!seen.has(shapeId)) {
        path.remove();
        paths.delete(shapeId);
      }
    }
    count.textContent = String(seen.size);
    renderWidgets(view);
  }

  const timerOf = (view: CanvasView) => view.widgets?.timer as TimerState | undefined;
  const elapsed = (view: CanvasView) => {
    const t = timerOf(view);
    if (!t) return 0;
    return Number(t.elapsedMs ?? 0) + (t.running && t.startedAt ? Date.now() - Number(t.startedAt) : 0);
  };
  function renderWidgets(view: CanvasView): void {
    counterEl.textContent = String(counterTotal(view));
    const secs = Math.floor(elapsed(view) / 1000);
    timerEl.textContent = `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
    const running = !!timerOf(view)?.running;
    toggle.textContent = running ? 'Pause' : 'Start';
    timerEl.classList.toggle('running', running);
    const counts = [...tallies(view)].map(([owner, clicks]) => `${owner} ${clicks}`).join(', ');
    const timerBy = timerOf(view)?.by;
    byEl.textContent = [counts && `clicks: ${counts}`, timerBy && `timer by ${String(timerBy)}`].filter(Boolean).join(' · ');
  }
  setInterval(() => renderWidgets(model.view()), 500);

  // Input only once the document is there: before its snapshot there is nothing to change (sync mode)
  // or to read (JSON mode, where the counter would be created over an existing tally).
  await model.ready;
  render();

  // --- drawing -----------------------------------------------------------------------------------

  let drawing: { id: string; pending: number[] } | null = null;
  let flushFrame = 0;
  // Screen to canvas coordinates through the SVG's own transform (the card may not have the canvas's aspect
  // ratio: the drawing is centred, as `viewBox` does, and every page maps points the same way).
  const point = (e: PointerEvent): number[] => {
    const matrix = svg.getScreenCTM();
    if (!matrix) return [0, 0];
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(matrix.inverse());
    return [Math.round(Math.min(WIDTH, Math.max(0, p.x))), Math.round(Math.min(HEIGHT, Math.max(0, p.y)))];
  };
  const flush = () => {
    flushFrame = 0;
    if (drawing && drawing.pending.length) {
      model.extendStroke(drawing.id, drawing.pending);
      drawing.pending = [];
    }
  };
  svg.addEventListener('pointerdown', (e) => {
    if (readOnly) return flash('viewers cannot draw');
    svg.setPointerCapture(e.pointerId);
    const stroke: Stroke = { kind: 'stroke', points: point(e), style: { color: colour, width: 3 }, z: Date.now() };
    drawing = { id: `${me}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`, pending: [] };
    model.addStroke(drawing.id, stroke);
  });
  svg.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    drawing.pending.push(...point(e));
    if (!flushFrame) flushFrame = requestAnimationFrame(flush);
  });
  const end = () => {
    if (!drawing) return;
    cancelAnimationFrame(flushFrame);
    flush();
    drawing = null;
  };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointercancel', end);

  $('#canvas-clear').addEventListener('click', () => {
    const mine = Object.entries(model.view().shapes ?? {}).filter(([, s]) => String(s.by) === me).map(([shapeId]) => shapeId);
    model.removeShapes(mine);
  });

  // --- widgets -----------------------------------------------------------------------------------

  const writable = (action: () => void) => () => (readOnly ? flash('viewers cannot change the room') : action());
  $('#counter-inc').addEventListener('click', writable(() => model.increment(1)));
  $('#counter-dec').addEventListener('click', writable(() => model.increment(-1)));
  toggle.addEventListener('click', writable(() => {
    const view = model.view();
    if (timerOf(view)?.running) model.setTimer({ running: false, elapsedMs: elapsed(view) });
    else model.setTimer({ running: true, startedAt: Date.now(), elapsedMs: Number(timerOf(view)?.elapsedMs ?? 0) });
  }));
  $('#timer-reset').addEventListener('click', writable(() => model.setTimer({ running: false, elapsedMs: 0 })));

  return { model, strokeCount: () => paths.size };
}

function pathOf(points: number[]): string {
  let d = '';
  for (let i = 0; i + 1 < points.length; i += 2) d += `${i ? 'L' : 'M'}${Number(points[i])} ${Number(points[i + 1])} `;
  // A single point (a click) still shows as a dot.
  if (points.length === 2) d += `l0.1 0`;
  return d.trim();
}
