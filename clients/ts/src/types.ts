/** The client's public data types: options, status, and what the server hands to the app. */
import type { TandemError } from './errors.js';

export type TransportKind = 'websocket' | 'sse';
export type TransportOption = 'auto' | TransportKind;
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface Position {
  epoch: string;
  seq: number;
}

export interface TandemEvent<T = unknown> {
  topic: string;
  epoch: string;
  seq: number;
  data?: T;
  from?: string;
  ts?: number;
  redacted?: boolean;
}

export interface SnapshotEntry<T = unknown> {
  seq: number;
  data?: T;
  from?: string;
  ts?: number;
  redacted?: boolean;
}

export interface Snapshot<T = unknown> {
  topic: string;
  epoch: string;
  seq: number;
  kind: 'log' | 'state';
  /** Log channels: the last events, oldest first. */
  events?: SnapshotEntry<T>[];
  /** State channels: the current JSON value. */
  state?: unknown;
}

export interface Reset {
  topic: string;
  epoch: string;
  seq: number;
  reason: string;
}

export interface Welcome {
  session: string;
  identity: string;
  name?: string;
  rooms: string[];
  role: string;
  resumed: boolean;
  heartbeatMs?: number;
  maxFrameBytes?: number;
  /** The largest doc.sync / doc.ops frame (a sync message cannot be split). */
  maxDocumentFrameBytes?: number;
  /** The most frames one SSE upstream POST may carry. */
  maxFramesPerPost?: number;
  expiresAt?: number;
}

export interface Status {
  state: ConnectionState;
  /** The transport in use (or being tried). */
  transport: TransportKind | null;
  session?: string;
  identity?: string;
  /** Reconnect attempt (0 when connected). */
  attempt: number;
  /** Why the client is reconnecting or closed, when known. */
  error?: TandemError;
}

export interface SubscriptionHandlers<T = unknown> {
  /** The topic's state at `seq`; replaces whatever the app held for the topic. */
  onSnapshot?(snapshot: Snapshot<T>): void;
  /** A live (or replayed) event, each seq exactly once. */
  onEvent?(event: TandemEvent<T>): void;
  /** History could not cover a gap: drop the topic's state, a snapshot follows. */
  onReset?(reset: Reset): void;
  /** The server refused the subscription (forbidden, bad topic...). */
  onError?(error: TandemError): void;
}

export interface PublishOptions {
  /** Only these identities receive the data; others get a redacted event with the same seq. */
  to?: string[];
  timeoutMs?: number;
}

export interface PublishResult {
  topic: string;
  epoch: string;
  seq: number;
}

export interface TandemClientOptions {
  /** Base URL of the Tandem server, e.g. `http://127.0.0.1:8080` (default: the page's origin). */
  url?: string;
  /** Join token minted by your backend. */
  token: string;
  /** `auto` (default): WebSocket, falling back to SSE when WebSocket is blocked. */
  transport?: TransportOption;
  /** How long a WebSocket may take to deliver `welcome` before `auto` falls back to SSE (ms). */
  websocketTimeoutMs?: number;
  /** Timeout for requests (publish, subscribe, unsubscribe) in ms. */
  requestTimeoutMs?: number;
  /** Reconnect backoff bounds in ms. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Debug logging. */
  log?: (...args: unknown[]) => void;
}
