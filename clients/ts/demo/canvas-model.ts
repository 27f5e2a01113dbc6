/**
 * The demo's canvas document (`ROOM/canvas`, docs/documents.md "Canvas"): strokes in `shapes`, the
 * counter and the focus timer in `widgets`. Two implementations of one small model:
 *
 * - sync mode: the page runs Automerge (loaded from /js/vendor/automerge) and edits its replica;
 * - JSON mode: no Automerge in the page; edits are JSON operations and the view comes from the
 *   server's patches. Read-only roles (viewers) always use it, and `?docs=json` forces it.
 *
 * Both converge on one document. The counter is made of Automerge counters, one per page (created by
 * that page only, so two creations never conflict, even for one person in two tabs), so concurrent
 * increments add up instead of overwriting each other.
 */
import type * as Automerge from '@automerge/automerge';
import type { JsonDocument, SyncDocument, TandemClient } from '../src/index.js';

export interface Stroke {
  kind: string;
  points: number[];
  style?: { color?: string; width?: number };
  z?: number;
  by?: string;
}

export interface TimerState {
  kind?: string;
  running: boolean;
  startedAt?: number;
  elapsedMs: number;
  by?: string;
}

/** One page's clicks on the shared counter (`widgets["counter-<identity>-<tab>"]`). */
export interface CounterTally {
  kind: 'counter';
  owner: string;
  value: number;
}

export interface CanvasView {
  shapes?: Record<string, Stroke>;
  /** `timer`, and a counter tally per page (tab): only that page creates it, so no two creations conflict. */
  widgets?: Record<string, TimerState | CounterTally | undefined>;
}

/** The shared counter: every person's tally added up. */
export function counterTotal(view: CanvasView): number {
  return Object.values(view.widgets ?? {}).reduce((sum, w) => sum + (String(w?.kind) === 'counter' ? Number((w as CounterTally).value ?? 0) : 0), 0);
}

/** Clicks per person (a person's tabs added up). */
export function tallies(view: CanvasView): Map<string, number> {
  const byOwner = new Map<string, number>();
  for (const w of Object.values(view.widgets ?? {})) {
    if (String(w?.kind) !== 'counter') continue;
    const owner = String((w as CounterTally).owner);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + Number((w as CounterTally).value ?? 0));
  }
  return byOwner;
}

/** This page's tally key: the identity and a tab id kept for the tab's life (sessionStorage). */
function tallyKey(me: string): string {
  let tab = sessionStorage.getItem('tandem-demo-tab');
  if (!tab) {
    tab = Math.random().toString(36).slice(2, 8);
    sessionStorage.setItem('tandem-demo-tab', tab);
  }
  return `counter-${me}-${tab}`;
}

export interface CanvasModel {
  readonly mode: 'sync' | 'json';
  readonly ready: Promise<void>;
  /** The document as plain data (scalar strings and counters read as strings and numbers). */
  view(): CanvasView;
  addStroke(id: string, stroke: Stroke): void;
  extendStroke(id: string, points: number[]): void;
  removeShapes(ids: string[]): void;
  increment(by: number): void;
  setTimer(timer: TimerState): void;
}

type OnChange = () => void;
type OnFailure = (message: string) => void;

/** Loads the browser build of Automerge that the WAR serves beside the demo. */
export async function loadAutomerge(): Promise<typeof Automerge> {
  const base = new URL('../vendor/automerge/', import.meta.url);
  const A = (await import(new URL('entrypoints/slim.js', base).href)) as typeof Automerge;
  await A.initializeWasm(new URL('wasm_bindgen_output/web/automerge_wasm_bg.wasm', base).href);
  return A;
}

export function syncCanvas(client: TandemClient, id: string, A: typeof Automerge, me: string, onChange: OnChange): CanvasModel {
  const doc: SyncDocument<any> = client.openDocument(id, { mode: 'sync', automerge: A, onChange });
  const scalar = (s: string) => new A.ImmutableString(s);
  return {
    mode: 'sync',
    ready: doc.ready,
    view: () => (doc.doc ?? {}) as CanvasView,
    addStroke(shapeId, s) {
      doc.change((d) => {
        d.shapes[shapeId] = defined({
          kind: scalar(s.kind), points: s.points, z: s.z, by: scalar(me),
          style: { color: scalar(s.style?.color ?? '#fff'), width: s.style?.width ?? 3 },
        });
      });
    },
    extendStroke(shapeId, points) {
      doc.change((d) => { d.shapes[shapeId]?.points.push(...points); });
    },
    removeShapes(ids) {
      doc.change((d) => { for (const shapeId of ids) delete d.shapes[shapeId]; });
    },
    increment(by) {
      doc.change((d) => {
        const tally = d.widgets[tallyKey(me)];
        if (tally?.value instanceof A.Counter) tally.value.increment(by);
        else d.widgets[tallyKey(me)] = { kind: scalar('counter'), owner: scalar(me), value: new A.Counter(by) };
      });
    },
    setTimer(t) {
      doc.change((d) => { d.widgets.timer = defined({ ...t, kind: scalar('timer'), by: scalar(me) }); });
    },
  };
}

export function jsonCanvas(client: TandemClient, id: string, me: string, onChange: OnChange, onFailure: OnFailure): CanvasModel {
  const doc: JsonDocument<CanvasView> = client.openDocument(id, { mode: 'json', onChange });
  const send = (ops: Parameters<JsonDocument['ops']>[0]) =>
    doc.ops(ops).then(() => true, (e: { code?: string }) => {
      onFailure(`canvas change refused: ${e.code ?? e}`);
      return false;
    });
  // Our tally is being created: increments sent meanwhile go after it on the connection, and find it.
  let creatingTally = false;
  return {
    mode: 'json',
    ready: doc.ready,
    view: () => doc.view ?? {},
    addStroke(shapeId, s) {
      send([{ op: 'put', path: ['shapes', shapeId], value: { ...s, by: me } }]);
    },
    extendStroke(shapeId, points) {
      send([{ op: 'insert', path: ['shapes', shapeId, 'points', '-'], values: points }]);
    },
    removeShapes(ids) {
      if (ids.length) send(ids.map((shapeId) => ({ op: 'delete' as const, path: ['shapes', shapeId] })));
    },
    increment(by) {
      const key = tallyKey(me);
      if (creatingTally || typeof (doc.view?.widgets?.[key] as CounterTally | undefined)?.value === 'number') {
        send([{ op: 'increment', path: ['widgets', key, 'value'], by }]);
      } else {
        creatingTally = true;
        void send([{ op: 'put', path: ['widgets', key], value: { kind: 'counter', owner: me, value: { $counter: by } } }])
          .then(() => { creatingTally = false; });
      }
    },
    setTimer(t) {
      send([{ op: 'put', path: ['widgets', 'timer'], value: { ...t, kind: 'timer', by: me } }]);
    },
  };
}

/** Automerge refuses `undefined` values: leave such keys out. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
