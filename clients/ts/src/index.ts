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
 * `subscription`, `frames`, `timing` (backoff, heartbeat), `emitter`, `errors`, `merge-patch`, `types`;
 * documents: `documents` (open documents, routing, re-subscribe), `document` (what both modes share),
 * `sync-document` (an Automerge replica and the sync protocol), `json-document` + `doc-patch` (JSON mode).
 * Relative imports end in `.js`: tsc emits them unchanged and the browser loads these modules as is.
 */

export type {
  ConnectionState, Position, PublishOptions, PublishResult, Reset, Snapshot, SnapshotEntry, Status,
  SubscriptionHandlers, TandemClientOptions, TandemEvent, TransportKind, TransportOption, Welcome,
} from './types.js';
export type { DocOp, DocPatch, PathSegment } from './doc-patch.js';
export type { DocumentChange, DocumentHandlers, DocumentMode } from './document.js';
export type { DocumentOptions, JsonDocumentOptions, SyncDocumentOptions } from './documents.js';
export type { AutomergeApi } from './sync-document.js';
export { applyDocPatches } from './doc-patch.js';
export { JsonDocument } from './json-document.js';
export { SyncDocument } from './sync-document.js';
export { TandemError } from './errors.js';
export { applyMergePatch } from './merge-patch.js';
export { Subscription } from './subscription.js';
export { TandemClient } from './client.js';
