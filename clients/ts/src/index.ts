/**
 * Tandem browser client.
 *
 * One connection per client carries every topic. WebSocket first; when WebSocket is blocked (the
 * socket fails or closes before `welcome`, or no `welcome` within a timeout) the client falls back
 * to Server-Sent Events by itself: `EventSource` downstream (resumed through `Last-Event-ID`), HTTP
 * POST upstream. After any drop it resumes every topic from its last `{epoch, seq}`, and it drops
 * events whose seq it has already seen, so the application sees each event exactly once.
 *
 * Wire protocol: docs/protocol.md in the Tandem repository.
 *
 * Modules: `client` (the public API and the connection state machine), `transport` (the contract
 * the transports implement), `websocket` and `sse` (the transports), `requests` (ids, acks,
 * timeouts, the queue while disconnected), `topics` (per-topic positions: resume and de-duplication),
 * `subscription`, `frames`, `timing` (backoff, heartbeat), `emitter`, `errors`, `merge-patch`, `types`.
 * Relative imports end in `.js`: tsc emits them unchanged and the browser loads these modules as is.
 */

export type {
  ConnectionState, Position, PublishOptions, PublishResult, Reset, Snapshot, SnapshotEntry, Status,
  SubscriptionHandlers, TandemClientOptions, TandemEvent, TransportKind, TransportOption, Welcome,
} from './types.js';
export { TandemError } from './errors.js';
export { applyMergePatch } from './merge-patch.js';
export { Subscription } from './subscription.js';
export { TandemClient } from './client.js';
