/**
 * A document in JSON mode (no Automerge on the client): the server sends the whole document as
 * JSON (`doc.snapshot` with `view`), then a `doc.patch` after every batch of changes from anyone;
 * the client sends `doc.ops`. Its own ops come back in a `doc.patch` like everyone else's, before
 * their `ack`, so the local view is always "the server's view + patches".
 */
import { type DocOp, type DocPatch, applyDocPatches } from './doc-patch.js';
import { DocumentBase, sortedHeads } from './document.js';
import { TandemError } from './errors.js';
import type { Frame } from './frames.js';

export class JsonDocument<V = any> extends DocumentBase<V> {
  readonly mode = 'json' as const;
  private viewValue: V | undefined;

  /** The document as JSON, kept current by the server's patches (updated in place). */
  get view(): V | undefined {
    return this.viewValue;
  }

  /**
   * Applies `ops` in one transaction on the server; resolves with the new heads once the change is
   * stored (the matching `doc.patch` has arrived by then). Rejects with the server's error code
   * (`bad_request`, `not_found`, `forbidden`, `too_large`...) and then nothing changed. A request
   * sent on a connection that dropped rejects with `disconnected`: it may or may not have been applied.
   */
  ops(ops: DocOp[], timeoutMs?: number): Promise<string[]> {
    if (this.closed) return Promise.reject(new TandemError('closed', `document ${this.id} was closed`));
    return this.link.request({ type: 'doc.ops', doc: this.id, ops }, timeoutMs).then((ack) => sortedHeads(ack.heads));
  }

  /** @internal */
  _onFrame(frame: Frame): void {
    if (this.closed) return;
    if (frame.type === 'doc.snapshot') {
      this.snapshots++;
      this.viewValue = frame.view as V;
      this.headsValue = sortedHeads(frame.heads);
      this.attached = true;
      this.notify(this.viewValue, 'snapshot');
    } else if (frame.type === 'doc.patch') {
      if (!this.attached) return; // belongs to a state we no longer hold; a snapshot follows
      try {
        applyDocPatches(this.viewValue, (frame.patches ?? []) as DocPatch[]);
      } catch (e) {
        // Cannot happen with a correct server; start over from a fresh snapshot rather than drift.
        this.link.log('tandem: a patch did not fit the view; subscribing again', this.id, e);
        this._subscribe();
        return;
      }
      this.headsValue = sortedHeads(frame.heads);
      this.notify(this.viewValue as V, 'remote');
    }
  }
}
