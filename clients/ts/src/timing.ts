/** Reconnect backoff and heartbeat timing. */

/** Heartbeat period assumed when `welcome` does not announce one (ms). */
const DEFAULT_HEARTBEAT_MS = 20000;

/** Exponential backoff from `minMs`, capped at `maxMs`, jittered ±30% so clients do not reconnect in step. */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** attempt) * (0.7 + Math.random() * 0.6);
}

/** A socket that hears nothing (not even a ping) for two heartbeats, plus slack, is dead. */
export function idleTimeoutMs(heartbeatMs: unknown): number {
  const heartbeat = typeof heartbeatMs === 'number' ? heartbeatMs : DEFAULT_HEARTBEAT_MS;
  return heartbeat * 2 + 5000;
}
