/**
 * The transport contract: a connection carries frames both ways and reports to one listener. The
 * WebSocket and SSE transports are thin adapters behind it; the client decides what comes next.
 */
import type { TandemError } from './errors.js';
import type { Frame } from './frames.js';
import type { TransportKind } from './types.js';

export interface ClosedInfo {
  welcomed: boolean;
  code?: number;
  reason?: string;
  error?: TandemError;
  /** SSE: frames queued for the session that were never POSTed (the session may be resumed). */
  unsent?: Frame[];
}

export interface ConnectionListener {
  frame(conn: Connection, frame: Frame): void;
  /** The connection is over for good (the client decides what comes next). */
  closed(conn: Connection, info: ClosedInfo): void;
  /** SSE only: the browser is re-establishing the stream by itself. */
  interrupted(conn: Connection): void;
  /** SSE only: the upstream POST found the session gone; `unsent` were not accepted. */
  sessionGone(conn: Connection, unsent: Frame[]): void;
  /** SSE only: an upstream body was refused as a whole (none of `frames` was handled). */
  refused(conn: Connection, frames: Frame[], error: TandemError): void;
  /** SSE only: the stream came back with a new session; `stale` were queued for the old one and not sent. */
  staleFrames(conn: Connection, stale: Frame[]): void;
}

export interface Connection {
  readonly kind: TransportKind;
  send(frames: Frame[]): void;
  /** Closes without telling the listener (the client already moved on). */
  close(): void;
  /** Simulates a network drop: the listener hears about it as if the network failed. */
  drop(): void;
}
