/**
 * WebSocket transport: one socket carries frames both ways; a silent socket is declared dead. The join
 * token goes in a `hello` frame, not the URL: it stays out of proxy and access logs, and the server
 * does not keep it (with the request URI) for the connection's lifetime.
 */
import { FATAL_CODES, TandemError } from './errors.js';
import { type Frame, parseFrames } from './frames.js';
import { idleTimeoutMs } from './timing.js';
import type { Connection, ConnectionListener } from './transport.js';

export class WsConnection implements Connection {
  readonly kind = 'websocket' as const;
  private ws: WebSocket;
  private welcomed = false;
  private done = false;
  private welcomeTimer?: ReturnType<typeof setTimeout>;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private idleMs = 0;
  private fatal?: TandemError;

  constructor(url: string, token: string, private readonly listener: ConnectionListener, welcomeTimeoutMs: number) {
    this.ws = new WebSocket(url);
    this.ws.onopen = () => this.ws.send(JSON.stringify({ type: 'hello', id: 'hello', token }));
    this.welcomeTimer = setTimeout(
      () => this.finish({ error: new TandemError('timeout', `no welcome within ${welcomeTimeoutMs} ms`) }),
      welcomeTimeoutMs);
    this.ws.onmessage = (e) => this.onMessage(e);
    this.ws.onclose = (e) => this.finish({ code: e.code, reason: e.reason });
    this.ws.onerror = () => { /* a close event follows */ };
  }

  private onMessage(e: MessageEvent): void {
    if (this.done) return;
    for (const frame of parseFrames(e.data)) {
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Frame): void {
    if (this.done) return;
    if (frame.type === 'welcome') {
      this.welcomed = true;
      clearTimeout(this.welcomeTimer);
      this.idleMs = idleTimeoutMs(frame.heartbeatMs);
    } else if (frame.type === 'error' && !this.welcomed && FATAL_CODES.has(String(frame.code))) {
      this.fatal = new TandemError(String(frame.code), String(frame.message ?? frame.code));
    }
    this.armIdle();
    this.listener.frame(this, frame);
  }

  /** A socket that hears nothing (not even a ping) for two heartbeats is dead: reconnect. */
  private armIdle(): void {
    if (!this.idleMs) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.finish({ error: new TandemError('timeout', 'no heartbeat from the server') }), this.idleMs);
  }

  private finish(info: { code?: number; reason?: string; error?: TandemError }): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.welcomeTimer);
    clearTimeout(this.idleTimer);
    try { this.ws.close(); } catch { /* ignore */ }
    this.listener.closed(this, { welcomed: this.welcomed, ...info, error: this.fatal ?? info.error });
  }

  send(frames: Frame[]): void {
    if (this.done || this.ws.readyState !== WebSocket.OPEN) return;
    for (const frame of frames) this.ws.send(JSON.stringify(frame));
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.welcomeTimer);
    clearTimeout(this.idleTimer);
    try { this.ws.close(1000, 'client closed'); } catch { /* ignore */ }
  }

  drop(): void {
    this.finish({ code: 1006, reason: 'dropped by the client' });
  }
}
