/**
 * A document in sync mode: the client holds an Automerge replica and talks the Automerge sync
 * protocol with the server (`doc.sync` frames, base64). The app passes its own
 * `@automerge/automerge` module, so the client itself stays free of dependencies.
 *
 * - The first `doc.snapshot` is loaded (`load`), and the sync state starts at its heads, so the
 *   first round does not describe the whole history. A later snapshot (a new session after a drop,
 *   or a resume that lost frames) is merged into the replica (`loadIncremental`), which keeps the
 *   edits made meanwhile (offline edits), and the sync that follows sends them.
 * - Flow control, as docs/documents.md asks: at most one unanswered message that carries changes;
 *   changes made meanwhile go out together in the next one (after the server's answer, or after
 *   `syncWindowMs` at the latest, in case a message was lost).
 */
import { DocumentBase, type DocumentHandlers, type DocumentLink, fromBase64, sortedHeads, toBase64 } from './document.js';
import { TandemError } from './errors.js';
import type { Frame } from './frames.js';

/** The parts of `@automerge/automerge` (3.x) the client uses; pass the module itself. */
export interface AutomergeApi {
  load(data: Uint8Array): any;
  loadIncremental(doc: any, data: Uint8Array): any;
  change(doc: any, fn: (draft: any) => void): any;
  getHeads(doc: any): string[];
  initSyncState(): any;
  decodeSyncState(data: Uint8Array): any;
  generateSyncMessage(doc: any, state: any): [any, Uint8Array | null];
  receiveSyncMessage(doc: any, state: any, message: Uint8Array): [any, any, ...unknown[]];
}

/** How long a message that carries changes may stay unanswered before the next one goes anyway. */
const DEFAULT_SYNC_WINDOW_MS = 100;

export class SyncDocument<T = any> extends DocumentBase<T> {
  readonly mode = 'sync' as const;
  private replica: any = null;
  private syncState: any = null;
  /** Local changes not yet sent. */
  private dirty = false;
  /** A message that carries changes is out and unanswered since `sentAt`. */
  private awaiting = false;
  private sentAt = 0;
  private sendTimer?: ReturnType<typeof setTimeout>;

  constructor(id: string, link: DocumentLink, handlers: DocumentHandlers<T>, private readonly automerge: AutomergeApi,
              private readonly syncWindowMs = DEFAULT_SYNC_WINDOW_MS) {
    super(id, link, handlers);
    if (!automerge || typeof automerge.generateSyncMessage !== 'function') {
      throw new TandemError('bad_request', 'sync mode needs the @automerge/automerge module: { mode: "sync", automerge }');
    }
  }

  /** The replica (an Automerge document), once the first snapshot has arrived. */
  get doc(): T | undefined {
    return this.replica ?? undefined;
  }

  /**
   * Changes the replica (`Automerge.change`) and sends the change. Works offline too, once the
   * document has loaded: the change is sent when the connection is back.
   */
  change(fn: (draft: T) => void): void {
    if (this.closed) throw new TandemError('closed', `document ${this.id} was closed`);
    if (!this.replica) throw new TandemError('not_ready', `document ${this.id} has not loaded yet (await ready)`);
    const before = this.replica;
    this.replica = this.automerge.change(this.replica, fn as (draft: any) => void);
    if (this.replica === before) return; // nothing changed
    this.headsValue = sortedHeads(this.automerge.getHeads(this.replica));
    this.dirty = true;
    this.schedule();
    this.notify(this.replica, 'local');
  }

  /** @internal */
  _onFrame(frame: Frame): void {
    if (this.closed) return;
    if (frame.type === 'doc.snapshot') this.onSnapshot(fromBase64(String(frame.data)));
    else if (frame.type === 'doc.sync' && this.attached) this.onSync(fromBase64(String(frame.data)));
  }

  /** @internal */
  override _detached(): void {
    super._detached();
    this.awaiting = false;
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
  }

  /** @internal Changes made while no session was ready go out now (still attached after an SSE resume). */
  override _connected(): void {
    this.schedule();
  }

  override close(): Promise<void> {
    clearTimeout(this.sendTimer);
    return super.close();
  }

  private onSnapshot(data: Uint8Array): void {
    const A = this.automerge;
    this.snapshots++;
    if (this.replica) {
      this.replica = A.loadIncremental(this.replica, data);
      this.syncState = A.initSyncState();
      // Our own edits made while detached are not in the snapshot: the next sync sends them.
      this.dirty = true;
    } else {
      this.replica = A.load(data);
      this.syncState = syncStateAt(A, A.getHeads(this.replica));
    }
    this.attached = true;
    this.awaiting = false;
    this.headsValue = sortedHeads(A.getHeads(this.replica));
    this.notify(this.replica, 'snapshot');
    this.schedule();
  }

  private onSync(message: Uint8Array): void {
    const A = this.automerge;
    const before = this.replica;
    [this.replica, this.syncState] = A.receiveSyncMessage(this.replica, this.syncState, message);
    this.awaiting = false;
    if (this.replica !== before) {
      const heads = sortedHeads(A.getHeads(this.replica));
      if (heads.join() !== this.headsValue.join()) {
        this.headsValue = heads;
        this.notify(this.replica, 'remote');
      }
    }
    this.schedule();
  }

  /** Sends what the sync state calls for, once per turn of the event loop, respecting flow control. */
  private schedule(): void {
    if (this.sendTimer !== undefined || !this.attached || this.closed) return;
    const wait = this.awaiting ? Math.max(0, this.syncWindowMs - (Date.now() - this.sentAt)) : 0;
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      this.send();
    }, wait);
  }

  private send(): void {
    if (!this.attached || this.closed || !this.replica) return;
    if (this.awaiting && Date.now() - this.sentAt < this.syncWindowMs) {
      this.schedule();
      return;
    }
    const [next, message] = this.automerge.generateSyncMessage(this.replica, this.syncState);
    if (!message) {
      this.syncState = next;
      return;
    }
    if (!this.link.sendNow({ type: 'doc.sync', doc: this.id, data: toBase64(message) })) {
      // No session: keep the old sync state; the next session's snapshot starts the sync over.
      return;
    }
    this.syncState = next;
    this.awaiting = this.dirty;
    this.sentAt = Date.now();
    this.dirty = false;
  }
}

/** A sync state whose shared heads are `heads` (encoded: 0x43, count, 32-byte hashes): what a fresh load implies. */
function syncStateAt(A: AutomergeApi, heads: string[]): any {
  const bytes = new Uint8Array(2 + heads.length * 32);
  bytes[0] = 0x43;
  bytes[1] = heads.length; // a uleb128 count; one byte is enough below 128 heads
  if (heads.length >= 128) return A.initSyncState();
  heads.forEach((hex, i) => {
    for (let j = 0; j < 32; j++) bytes[2 + i * 32 + j] = parseInt(hex.substr(j * 2, 2), 16);
  });
  return A.decodeSyncState(bytes);
}
