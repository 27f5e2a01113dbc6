/**
 * Requests (publish, subscribe, unsubscribe) carry ids and settle on the matching `ack` or `error`,
 * on a timeout, or when the session they were sent on is lost. While there is no ready connection
 * they wait in a queue, in call order.
 */
import { TandemError } from './errors.js';
import type { Frame } from './frames.js';

export interface PendingRequest {
  frame: Frame;
  resolve(frame: Frame): void;
  reject(error: TandemError): void;
  timer: ReturnType<typeof setTimeout>;
  /** Session the frame was sent on; undefined while it waits in the queue. */
  sentOn?: string;
}

export class Requests {
  private nextId = 1;
  private readonly pending = new Map<string, PendingRequest>();
  /** Requests waiting for a ready connection, in call order. */
  private queued: PendingRequest[] = [];

  /**
   * Gives `frame` an id and tracks it until answered or `timeoutMs` passes. `sendNow` sends it (and
   * records `sentOn`) when a connection is ready, or returns false to queue it for the next welcome.
   */
  start(frame: Frame, timeoutMs: number, sendNow: (pending: PendingRequest) => boolean): Promise<Frame> {
    const id = String(this.nextId++);
    frame.id = id;
    return new Promise<Frame>((resolve, reject) => {
      const pending: PendingRequest = {
        frame, resolve, reject,
        timer: setTimeout(() => {
          this.pending.delete(id);
          this.queued = this.queued.filter((p) => p !== pending);
          reject(new TandemError('timeout', `no answer to ${frame.type} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.pending.set(id, pending);
      if (!sendNow(pending)) this.queued.push(pending);
    });
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Settles the request `frame` answers (an `ack`, or an `error` when `error` is given). */
  settle(frame: Frame, error: TandemError | null): void {
    const id = String(frame.id);
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(frame);
  }

  /** Rejects every request `which` selects, sent or queued. */
  fail(error: TandemError, which: (p: PendingRequest) => boolean): void {
    for (const [id, p] of [...this.pending]) {
      if (!which(p)) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(error);
    }
    this.queued = this.queued.filter((p) => this.pending.has(String(p.frame.id)));
  }

  /** Takes the requests `which` selects out of the queue; they are not sent, yet still time out. */
  unqueue(which: (p: PendingRequest) => boolean): void {
    this.queued = this.queued.filter((p) => !which(p));
  }

  /** Empties the queue: the requests `keep` selects are returned, the others dropped without an answer. */
  takeQueued(keep: (p: PendingRequest) => boolean): PendingRequest[] {
    const kept = this.queued.filter((p) => {
      if (keep(p)) return true;
      clearTimeout(p.timer);
      this.pending.delete(String(p.frame.id));
      return false;
    });
    this.queued = [];
    return kept;
  }

  /** Puts requests back at the end of the queue. */
  requeue(requests: PendingRequest[]): void {
    this.queued.push(...requests);
  }

  /** Frames the server did not accept go again on the next session; subscribes are dropped (redone anyway). */
  requeueUnsent(unsent: Frame[]): void {
    for (const frame of unsent) {
      const p = this.pending.get(String(frame.id));
      if (!p) continue;
      if (isSubscribe(frame)) {
        clearTimeout(p.timer);
        this.pending.delete(String(frame.id));
        continue;
      }
      p.sentOn = undefined;
      this.queued.push(p);
    }
  }

  /** Empties the queue into frames to send on `session`, marking each request as sent on it. */
  drainQueued(session: string): Frame[] {
    const queued = this.queued;
    this.queued = [];
    const frames: Frame[] = [];
    for (const p of queued) {
      if (!this.pending.has(String(p.frame.id))) continue;
      p.sentOn = session;
      frames.push(p.frame);
    }
    return frames;
  }
}

/** Subscribes (topics and documents) are redone from the client's own state on every new session, never replayed. */
export function isSubscribe(frame: Frame): boolean {
  return frame.type === 'subscribe' || frame.type === 'doc.subscribe';
}
