/**
 * What both document modes share: the handle's lifecycle (ready, closed), its handlers, and the
 * link to the client that carries its frames. `JsonDocument` and `SyncDocument` hold the modes.
 */
import { TandemError } from './errors.js';
import type { Frame } from './frames.js';

export type DocumentMode = 'json' | 'sync';

/** What changed a document, for `onChange`. */
export interface DocumentChange {
  /** `snapshot`: the server's state arrived (first subscribe, or again after a lost session);
   *  `remote`: changes from others; `local`: this client's own change (sync mode). */
  origin: 'snapshot' | 'remote' | 'local';
  heads: string[];
}

export interface DocumentHandlers<D> {
  /** The document changed; `doc` is its current value (the JSON view, or the Automerge document). */
  onChange?(doc: D, change: DocumentChange): void;
  /** The server refused the subscription, or a frame about this document. */
  onError?(error: TandemError): void;
}

/** How a document reaches the connection; implemented by the client. */
export interface DocumentLink {
  /** A request with an id: resolves on its `ack`, rejects on its `error` (queued while disconnected). */
  request(frame: Frame, timeoutMs?: number): Promise<Frame>;
  /** A frame without an answer (`doc.sync`): sent now, or false when no session is ready. */
  sendNow(frame: Frame): boolean;
  /** Whether a session is ready now. */
  isConnected(): boolean;
  /** Forgets a `doc.subscribe` of `doc` still waiting for a connection. */
  dropQueued(doc: string): void;
  /** The document was closed by the app: forget it. */
  forget(doc: DocumentBase<unknown>): void;
  log(...args: unknown[]): void;
}

/** How long a `doc.subscribe` may wait for its snapshot and ack (a large document on a slow link). */
const SUBSCRIBE_TIMEOUT_MS = 60_000;

export abstract class DocumentBase<D> {
  abstract readonly mode: DocumentMode;
  /** Resolves when the server has delivered the document's state the first time. */
  readonly ready: Promise<void>;
  private settle!: { resolve(): void; reject(e: TandemError): void; done: boolean };
  protected closed = false;
  /** Snapshots received so far (a subscribe that times out after one arrived is not retried). */
  protected snapshots = 0;
  /** The current session has delivered our snapshot (sync messages may flow). */
  protected attached = false;
  protected headsValue: string[] = [];

  constructor(readonly id: string, protected readonly link: DocumentLink, protected readonly handlers: DocumentHandlers<D>) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject, done: false };
    });
    this.ready.catch(() => undefined); // the app may not await it
  }

  /** The heads (sorted hex change hashes) of the state the app sees. */
  get heads(): string[] {
    return [...this.headsValue];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Stops receiving the document; the server frees this connection's state of it. While disconnected
   * nothing is sent: a new session does not subscribe it again.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this._end(new TandemError('closed', `document ${this.id} was closed`));
    this.link.forget(this);
    this.link.dropQueued(this.id);
    if (!this.link.isConnected()) return Promise.resolve();
    return this.link.request({ type: 'doc.unsubscribe', doc: this.id }).then(() => undefined, () => undefined);
  }

  /** @internal The document is over (closed by the app, or its client closed): `ready` rejects if still pending. */
  _end(error: TandemError): void {
    this.closed = true;
    this.attached = false;
    this.settleReady(error);
  }

  /** @internal Subscribes on the current (or next) session. */
  _subscribe(): void {
    if (this.closed) return;
    this.attached = false;
    const snapshotsBefore = this.snapshots;
    // A large document's snapshot may take long on a slow link: a generous timeout, and no retry once a
    // snapshot has arrived (a retry would download the whole document again).
    this.link.request({ type: 'doc.subscribe', doc: this.id, mode: this.mode }, SUBSCRIBE_TIMEOUT_MS).then(
      () => this.settleReady(),
      (error: TandemError) => {
        if (this.closed) return;
        if (error.code === 'closed') {
          // The client was closed: no session will come.
          this._end(error);
          this.link.forget(this);
          return;
        }
        if (error.code === 'disconnected') return; // the next session subscribes again
        if (error.code === 'timeout') {
          if (this.snapshots === snapshotsBefore) this._subscribe();
          return;
        }
        this.closed = true;
        this.link.forget(this);
        this.settleReady(error);
        this.handlers.onError?.(error);
      });
  }

  /** @internal Whether the current session delivered this document's snapshot. */
  _isAttached(): boolean {
    return this.attached;
  }

  /** @internal The session this document was attached on is gone; a new one subscribes again. */
  _detached(): void {
    this.attached = false;
  }

  /** @internal A session is ready again (a resumed SSE session keeps the subscription). */
  _connected(): void {
    // JSON mode has nothing of its own to send: its ops are requests, queued while disconnected.
  }

  /** @internal A frame about this document from the server. */
  abstract _onFrame(frame: Frame): void;

  /** @internal An error frame without a request id that names this document. */
  _onError(error: TandemError): void {
    this.link.log('tandem: document error', this.id, error.code, error.message);
    this.handlers.onError?.(error);
  }

  protected settleReady(error?: TandemError): void {
    if (this.settle.done) return;
    this.settle.done = true;
    if (error) this.settle.reject(error);
    else this.settle.resolve();
  }

  protected notify(doc: D, origin: DocumentChange['origin']): void {
    try {
      this.handlers.onChange?.(doc, { origin, heads: this.heads });
    } catch (e) {
      console.error('tandem: onChange failed', e);
    }
  }
}

// --- base64 (frames carry binary data as base64) -------------------------------------------------

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Sorted copy of a heads array, as the server sends them. */
export function sortedHeads(heads: unknown): string[] {
  return Array.isArray(heads) ? heads.map(String).sort() : [];
}
