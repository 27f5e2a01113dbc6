/**
 * Resume bookkeeping, per topic: the last `{epoch, seq}` the app has seen, which resumes the topic
 * on the next session and drops events it has already seen, so the app sees each seq exactly once.
 */
import type { Frame } from './frames.js';
import { applyMergePatch } from './merge-patch.js';
import type { Subscription } from './subscription.js';
import type { Position, Snapshot, SubscriptionHandlers, TandemEvent } from './types.js';

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
