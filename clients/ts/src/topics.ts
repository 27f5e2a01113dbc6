/**
 * The client's topics: subscriptions and their resume bookkeeping, per topic the last `{epoch, seq}` the
 * app has seen, which resumes the topic on the next session and drops events it has already seen, so the
 * app sees each seq exactly once.
 */
import { TandemError } from './errors.js';
import type { Frame } from './frames.js';
import { applyMergePatch } from './merge-patch.js';
import { Subscription } from './subscription.js';
import type { Position, Reset, Snapshot, SubscriptionHandlers, TandemEvent } from './types.js';

/** How topics reach the connection; implemented by the client. */
export interface TopicLink {
  request(frame: Frame): Promise<Frame>;
  /** Whether a session is ready now. */
  isConnected(): boolean;
  /** Whether the app closed the client. */
  isClosed(): boolean;
  /** Forgets queued requests `which` selects. */
  dropQueued(which: (frame: Frame) => boolean): void;
  log(...args: unknown[]): void;
}

export class Topics {
  private readonly states = new Map<string, TopicState>();

  constructor(private readonly link: TopicLink) {}

  subscribe<T>(topic: string, handlers: SubscriptionHandlers<T>): Subscription<T> {
    if (this.states.has(topic)) throw new TandemError('bad_request', `already subscribed to ${topic}`);
    const subscription = new Subscription<T>(topic, this);
    const state: TopicState = { topic, handlers, subscription, position: null, kind: null, state: undefined };
    this.states.set(topic, state);
    // Sent now when connected, else queued for the next welcome (a new session re-sends every topic).
    this.sendSubscribe(state);
    return subscription;
  }

  unsubscribe(topic: string): Promise<void> {
    if (!this.states.delete(topic)) return Promise.resolve();
    // Drop any subscribe still waiting for a connection.
    this.link.dropQueued((f) => f.type === 'subscribe' && f.topic === topic);
    if (!this.link.isConnected()) return Promise.resolve();
    return this.link.request({ type: 'unsubscribe', topic }).then(() => undefined);
  }

  get(topic: string): TopicState | undefined {
    return this.states.get(topic);
  }

  /** A new session: every topic starts over, replaying from its position or with a fresh snapshot. */
  onNewSession(): void {
    for (const state of this.states.values()) this.sendSubscribe(state);
  }

  onSnapshot(snapshot: Snapshot): void {
    const state = this.states.get(snapshot.topic);
    if (!state) return;
    applySnapshot(state, snapshot);
    state.subscription._settle();
    state.handlers.onSnapshot?.(snapshot);
  }

  onEvent(event: TandemEvent): void {
    const state = this.states.get(event.topic);
    if (!state) return;
    if (!applyEvent(state, event)) {
      this.link.log('tandem: duplicate dropped', event.topic, event.seq);
      return;
    }
    state.handlers.onEvent?.(event);
  }

  onReset(reset: Reset): void {
    const state = this.states.get(reset.topic);
    if (!state) return;
    applyReset(state); // the snapshot that follows sets the position again
    state.handlers.onReset?.(reset);
  }

  private sendSubscribe(state: TopicState): void {
    this.link.request(subscribeFrame(state)).then(() => state.subscription._settle(), (error: TandemError) => {
      if (error.code === 'disconnected' || error.code === 'closed') return; // re-sent on the next session
      if (this.states.get(state.topic) !== state) return;
      if (error.code === 'timeout' && !this.link.isClosed()) {
        // Lost with its connection: the next session subscribes again; a live one retries now.
        if (this.link.isConnected()) this.sendSubscribe(state);
        return;
      }
      this.states.delete(state.topic);
      state.subscription._settle(error);
      state.handlers.onError?.(error);
    });
  }
}

export interface TopicState {
  topic: string;
  handlers: SubscriptionHandlers<any>;
  subscription: Subscription;
  position: Position | null;
  kind: 'log' | 'state' | null;
  state: unknown;
}

/** Replays from the topic's position, or asks for a fresh snapshot when it has none. */
export function subscribeFrame(state: TopicState): Frame {
  const frame: Frame = { type: 'subscribe', topic: state.topic };
  if (state.position) frame.since = { epoch: state.position.epoch, seq: state.position.seq };
  return frame;
}

/** A snapshot replaces whatever the topic held and sets its position. */
export function applySnapshot(state: TopicState, snapshot: Snapshot): void {
  state.position = { epoch: snapshot.epoch, seq: snapshot.seq };
  state.kind = snapshot.kind;
  if (snapshot.kind === 'state') state.state = snapshot.state;
}

/** Advances the topic past `event`; false when the event was already seen (the app must not see it again). */
export function applyEvent(state: TopicState, event: TandemEvent): boolean {
  const last = state.position;
  if (last && last.epoch === event.epoch && event.seq <= last.seq) return false;
  state.position = { epoch: event.epoch, seq: event.seq };
  if (state.kind === 'state' && !event.redacted) state.state = applyMergePatch(state.state, event.data);
  return true;
}

/** History could not cover a gap: forget the topic's state; the snapshot that follows sets it again. */
export function applyReset(state: TopicState): void {
  state.position = null;
  state.state = undefined;
}
