/** The client's events for the app, and a small typed emitter for them. */
import type { TandemError } from './errors.js';
import type { Status, Welcome } from './types.js';

export type Listener<T> = (value: T) => void;

export interface ClientEvents {
  status: Status;
  welcome: Welcome;
  /** Error frames not tied to a request, and fatal connection errors. */
  error: TandemError;
  bye: { code: string; message?: string; reconnect: boolean };
}

export class Emitter<E> {
  private readonly listeners = new Map<keyof E, Set<Listener<any>>>();

  /** Adds `listener`; returns the function that removes it. */
  on<K extends keyof E>(name: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  /** Calls every listener of `name`; one that throws is logged and does not stop the others. */
  emit<K extends keyof E>(name: K, value: E[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(value);
      } catch (e) {
        console.error('tandem: listener failed', e);
      }
    }
  }
}
