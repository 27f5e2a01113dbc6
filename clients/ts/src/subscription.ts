/** The app's handle on one subscribed topic. */
import type { TandemError } from './errors.js';
import type { Topics } from './topics.js';
import type { Position } from './types.js';

/** A live subscription to one topic. */
export class Subscription<T = unknown> {
  /** Resolves when the server has acknowledged the first subscribe. */
  readonly ready: Promise<void>;
  private settle!: { resolve(): void; reject(e: TandemError): void; done: boolean };

  constructor(readonly topic: string, private readonly topics: Topics) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject, done: false };
    });
    this.ready.catch(() => undefined); // the app may not await it
  }

  /** Last `{epoch, seq}` the app has seen on this topic. */
  get position(): Position | null {
    return this.topics.get(this.topic)?.position ?? null;
  }

  /** State channels: the current value (snapshot with every merge patch applied). */
  get state(): T | undefined {
    return this.topics.get(this.topic)?.state as T | undefined;
  }

  unsubscribe(): Promise<void> {
    return this.topics.unsubscribe(this.topic);
  }

  /** @internal */
  _settle(error?: TandemError): void {
    if (this.settle.done) return;
    this.settle.done = true;
    if (error) this.settle.reject(error);
    else this.settle.resolve();
  }
}
