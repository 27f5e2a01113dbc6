/**
 * The client's documents: opens them in either mode, routes the server's document frames to them,
 * and subscribes every open document again on a new session.
 */
import { DocumentBase, type DocumentHandlers, type DocumentLink } from './document.js';
import { TandemError } from './errors.js';
import type { Frame } from './frames.js';
import { JsonDocument } from './json-document.js';
import { type AutomergeApi, SyncDocument } from './sync-document.js';

export interface JsonDocumentOptions<V> extends DocumentHandlers<V> {
  mode: 'json';
}

export interface SyncDocumentOptions<T> extends DocumentHandlers<T> {
  mode: 'sync';
  /** The app's `@automerge/automerge` module (3.x). */
  automerge: AutomergeApi;
  /** Longest wait for the server's answer before more changes go out (ms, default 100). */
  syncWindowMs?: number;
}

export type DocumentOptions = JsonDocumentOptions<any> | SyncDocumentOptions<any>;

/** Document ids are `<room>/<name>` with one or two name segments (docs/documents.md). */
const DOC_ID = /^[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-]{1,64}(\/[A-Za-z0-9_-]{1,64})?$/;

export class Documents {
  private readonly open = new Map<string, DocumentBase<any>>();

  constructor(private readonly link: Omit<DocumentLink, 'forget'>) {}

  openDocument(id: string, options: DocumentOptions): JsonDocument | SyncDocument {
    if (!DOC_ID.test(id)) throw new TandemError('bad_request', `not a document id: ${id} (expected <room>/<name>)`);
    if (this.open.has(id)) throw new TandemError('bad_request', `document ${id} is already open`);
    const link: DocumentLink = { ...this.link, forget: (doc) => this.forget(doc) };
    const doc = options.mode === 'sync'
      ? new SyncDocument(id, link, options, options.automerge, options.syncWindowMs)
      : options.mode === 'json' ? new JsonDocument(id, link, options) : null;
    if (!doc) throw new TandemError('bad_request', `unknown document mode ${(options as { mode?: unknown })?.mode}`);
    this.open.set(id, doc);
    doc._subscribe();
    return doc;
  }

  /** `doc.snapshot`, `doc.sync`, `doc.patch`. */
  onFrame(frame: Frame): void {
    this.open.get(String(frame.doc))?._onFrame(frame);
  }

  /**
   * An error without a pending request that names an open document (a refused `doc.sync`): the app hears
   * it, and a sync document subscribes again, because Automerge counts a refused message as sent and would
   * never send its changes again. Not for `too_large` (the same message would be refused again) nor
   * `forbidden` (a read-only role): the document stops syncing until the next session.
   */
  onError(frame: Frame, error: TandemError): boolean {
    const doc = typeof frame.doc === 'string' ? this.open.get(frame.doc) : undefined;
    if (!doc) return false;
    doc._onError(error);
    if (doc.mode === 'sync' && error.code !== 'too_large' && error.code !== 'forbidden') doc._subscribe();
    return true;
  }

  /** A new session: every document subscribes again (a fresh snapshot merges what changed meanwhile). */
  onNewSession(): void {
    for (const doc of this.open.values()) {
      doc._detached();
      doc._subscribe();
    }
  }

  /** A resumed session: documents detached meanwhile (our connection closed) subscribe again. */
  onResumed(): void {
    for (const doc of this.open.values()) if (!doc._isAttached()) doc._subscribe();
  }

  /** The client is closed for good: every document ends, a pending `ready` rejects with `error`. */
  onClientClosed(error: TandemError): void {
    for (const doc of this.open.values()) doc._end(error);
    this.open.clear();
  }

  /** A session is ready (new or resumed): documents send what they could not send meanwhile. */
  onReady(): void {
    for (const doc of this.open.values()) doc._connected();
  }

  /** The session is gone (a WebSocket closed, an SSE session expired): a new one subscribes again. */
  onDisconnected(): void {
    for (const doc of this.open.values()) doc._detached();
  }

  private forget(doc: DocumentBase<any>): void {
    if (this.open.get(doc.id) === doc) this.open.delete(doc.id);
  }
}
