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
 */

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

/** A typed failure: a server error frame (`code` as in the protocol) or a client-side one. */
export class TandemError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TandemError';
    this.code = code;
  }
}

/** Error codes after which reconnecting cannot help. */
const FATAL_CODES = new Set(['unauthorized', 'token_expired']);

/** RFC 7396 JSON merge patch. Returns the patched value; `target` is not modified. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

type Frame = { type: string; id?: string; [key: string]: unknown };

interface PendingRequest {
  frame: Frame;
  resolve(frame: Frame): void;
  reject(error: TandemError): void;
  timer: ReturnType<typeof setTimeout>;
  /** Session the frame was sent on; undefined while it waits in the queue. */
  sentOn?: string;
}

interface TopicState {
  topic: string;
  handlers: SubscriptionHandlers<any>;
  subscription: Subscription;
  position: Position | null;
  kind: 'log' | 'state' | null;
  state: unknown;
}

/** A live subscription to one topic. */
export class Subscription<T = unknown> {
  /** Resolves when the server has acknowledged the first subscribe. */
  readonly ready: Promise<void>;
  private settle!: { resolve(): void; reject(e: TandemError): void; done: boolean };

  constructor(readonly topic: string, private readonly client: TandemClient) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject, done: false };
    });
    this.ready.catch(() => undefined); // the app may not await it
  }

  /** Last `{epoch, seq}` the app has seen on this topic. */
  get position(): Position | null {
    return this.client['topicState'](this.topic)?.position ?? null;
  }

  /** State channels: the current value (snapshot with every merge patch applied). */
  get state(): T | undefined {
    return this.client['topicState'](this.topic)?.state as T | undefined;
  }

  unsubscribe(): Promise<void> {
    return this.client['unsubscribe'](this.topic);
  }

  /** @internal */
  _settle(error?: TandemError): void {
    if (this.settle.done) return;
    this.settle.done = true;
    if (error) this.settle.reject(error);
    else this.settle.resolve();
  }
}

// --- transports ------------------------------------------------------------------------------------

interface ConnectionListener {
  frame(conn: Connection, frame: Frame): void;
  /** The connection is over for good (the client decides what comes next). */
  closed(conn: Connection, info: { welcomed: boolean; code?: number; reason?: string; error?: TandemError }): void;
  /** SSE only: the browser is re-establishing the stream by itself. */
  interrupted(conn: Connection): void;
  /** SSE only: the upstream POST found the session gone; `unsent` were not accepted. */
  sessionGone(conn: Connection, unsent: Frame[]): void;
}

interface Connection {
  readonly kind: TransportKind;
  send(frames: Frame[]): void;
  /** Closes without telling the listener (the client already moved on). */
  close(): void;
  /** Simulates a network drop: the listener hears about it as if the network failed. */
  drop(): void;
}

class WsConnection implements Connection {
  readonly kind = 'websocket' as const;
  private ws: WebSocket;
  private welcomed = false;
  private done = false;
  private welcomeTimer?: ReturnType<typeof setTimeout>;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private idleMs = 0;
  private fatal?: TandemError;

  constructor(url: string, private readonly listener: ConnectionListener, welcomeTimeoutMs: number) {
    this.ws = new WebSocket(url);
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
      const heartbeat = typeof frame.heartbeatMs === 'number' ? frame.heartbeatMs : 20000;
      this.idleMs = heartbeat * 2 + 5000;
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

class SseConnection implements Connection {
  readonly kind = 'sse' as const;
  private es: EventSource;
  private done = false;
  private welcomed = false;
  session?: string;
  lastEventId?: string;
  private queue: Frame[] = [];
  private posting = false;
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly base: string, private readonly token: string, resume: string | undefined,
              private readonly listener: ConnectionListener) {
    this.lastEventId = resume;
    let url = `${base}/api/realtime/sse?token=${encodeURIComponent(token)}`;
    if (resume) url += `&resume=${encodeURIComponent(resume)}`;
    this.es = new EventSource(url);
    this.es.onmessage = (e) => this.onMessage(e);
    this.es.onerror = () => this.onError();
  }

  private onMessage(e: MessageEvent): void {
    if (this.done) return;
    if (e.lastEventId) this.lastEventId = e.lastEventId;
    for (const frame of parseFrames(e.data)) {
      if (this.done) return;
      if (frame.type === 'welcome') {
        this.welcomed = true;
        this.session = String(frame.session);
      }
      this.listener.frame(this, frame);
      if (frame.type === 'welcome') this.flush();
    }
  }

  private onError(): void {
    if (this.done) return;
    if (this.es.readyState === EventSource.CLOSED) {
      // The browser gave up (HTTP error status, wrong content type): find out whether the token is the reason.
      void this.diagnose().then((error) => this.finish({ error }));
    } else {
      // EventSource reconnects by itself and sends Last-Event-ID: the session continues.
      this.listener.interrupted(this);
    }
  }

  /** A stream the browser refused to continue: a 401/403 means reconnecting is pointless. */
  private async diagnose(): Promise<TandemError | undefined> {
    const ctrl = new AbortController();
    try {
      const res = await fetch(`${this.base}/api/realtime/sse?token=${encodeURIComponent(this.token)}&probe=1`,
        { headers: { Accept: 'text/event-stream' }, signal: ctrl.signal, cache: 'no-store' });
      if (res.status === 401 || res.status === 403) {
        const body = await res.json().catch(() => ({}));
        return new TandemError(String(body.code ?? 'unauthorized'), String(body.message ?? `HTTP ${res.status}`));
      }
      return new TandemError('unavailable', `event stream failed (HTTP ${res.status})`);
    } catch {
      return new TandemError('unavailable', 'event stream failed');
    } finally {
      ctrl.abort();
    }
  }

  private finish(info: { error?: TandemError; code?: number; reason?: string }): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.retryTimer);
    this.es.close();
    this.listener.closed(this, { welcomed: this.welcomed, ...info });
  }

  send(frames: Frame[]): void {
    if (this.done) return;
    this.queue.push(...frames);
    this.flush();
  }

  /** One POST at a time keeps upstream frames in order; whatever queued meanwhile goes as one array. */
  private flush(): void {
    if (this.done || this.posting || !this.session || this.queue.length === 0) return;
    const batch = this.queue.splice(0);
    const session = this.session;
    this.posting = true;
    fetch(`${this.base}/api/realtime/sse/${encodeURIComponent(session)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(batch.length === 1 ? batch[0] : batch),
      cache: 'no-store',
    }).then((res) => {
      this.posting = false;
      if (this.done) return;
      if (res.status === 404) {
        // The session is gone: these frames were not accepted.
        this.sessionGone(batch.concat(this.queue.splice(0)));
        return;
      }
      // 202, or 400 (the error frames arrive on the stream): either way the server has the batch.
      this.flush();
    }, () => {
      // Network failure: retry the same batch (in front of anything newer) shortly.
      this.posting = false;
      if (this.done) return;
      this.queue.unshift(...batch);
      this.retryTimer = setTimeout(() => this.flush(), 500);
    });
  }

  private sessionGone(unsent: Frame[]): void {
    if (this.done) return;
    this.done = true;
    this.es.close();
    this.listener.sessionGone(this, unsent);
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.retryTimer);
    this.es.close();
  }

  drop(): void {
    this.finish({ code: 1006, reason: 'dropped by the client' });
  }
}

// --- the client ----------------------------------------------------------------------------------

type Listener<T> = (value: T) => void;

interface ClientEvents {
  status: Status;
  welcome: Welcome;
  /** Error frames not tied to a request, and fatal connection errors. */
  error: TandemError;
  bye: { code: string; message?: string; reconnect: boolean };
}

export class TandemClient {
  private readonly base: string;
  private readonly token: string;
  private readonly option: TransportOption;
  private readonly websocketTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly log: (...args: unknown[]) => void;

  private conn: Connection | null = null;
  private fellBack = false;
  private everConnected = false;
  private ready = false;
  private closedByUser = false;
  private sessionId?: string;
  private identityValue?: string;
  private welcomeValue?: Welcome;
  private attempt = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private lastSseEventId?: string;
  private statusValue: Status = { state: 'idle', transport: null, attempt: 0 };
  private nextId = 1;
  private readonly pending = new Map<string, PendingRequest>();
  /** Requests waiting for a ready connection, in call order. */
  private queued: PendingRequest[] = [];
  private readonly topics = new Map<string, TopicState>();
  private readonly listeners = new Map<keyof ClientEvents, Set<Listener<any>>>();
  private connectWaiters: { resolve(): void; reject(e: TandemError): void }[] = [];
  private onlineHandler?: () => void;

  constructor(options: TandemClientOptions) {
    if (!options || !options.token) throw new TandemError('bad_request', 'a join token is required');
    const origin = typeof location !== 'undefined' ? location.origin : '';
    this.base = (options.url ?? origin).replace(/\/+$/, '');
    this.token = options.token;
    this.option = options.transport ?? 'auto';
    this.websocketTimeoutMs = options.websocketTimeoutMs ?? 5000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10000;
    this.minDelay = options.minReconnectDelayMs ?? 250;
    this.maxDelay = options.maxReconnectDelayMs ?? 10000;
    this.log = options.log ?? (() => undefined);
  }

  /** Current connection status. */
  get status(): Status {
    return { ...this.statusValue };
  }

  /** The transport in use, or null before the first attempt. */
  get transport(): TransportKind | null {
    return this.statusValue.transport;
  }

  get identity(): string | undefined {
    return this.identityValue;
  }

  /** The last `welcome` (identity, rooms, role, session), once connected. */
  get welcome(): Welcome | undefined {
    return this.welcomeValue;
  }

  on<K extends keyof ClientEvents>(name: K, listener: Listener<ClientEvents[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  private emit<K extends keyof ClientEvents>(name: K, value: ClientEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(value);
      } catch (e) {
        console.error('tandem: listener failed', e);
      }
    }
  }

  /** Opens the connection; resolves at the first `welcome`, rejects on a refused token. */
  connect(): Promise<void> {
    if (this.ready) return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (!this.conn && !this.reconnectTimer) {
      this.closedByUser = false;
      if (typeof window !== 'undefined' && !this.onlineHandler) {
        this.onlineHandler = () => this.reconnectNow();
        window.addEventListener('online', this.onlineHandler);
      }
      this.open();
    }
    return promise;
  }

  /** Closes the connection for good; pending requests are rejected. */
  close(): void {
    this.shutDown();
    if (this.onlineHandler) window.removeEventListener('online', this.onlineHandler);
    this.onlineHandler = undefined;
    this.failRequests(new TandemError('closed', 'the client was closed'), () => true);
    this.settleConnect(new TandemError('closed', 'the client was closed'));
    this.setStatus('closed');
  }

  /**
   * Drops the current connection as a network failure would (for tests and demos): the client
   * reconnects and resumes like after a real drop.
   */
  dropConnection(): void {
    this.conn?.drop();
  }

  subscribe<T = unknown>(topic: string, handlers: SubscriptionHandlers<T> = {}): Subscription<T> {
    if (this.topics.has(topic)) throw new TandemError('bad_request', `already subscribed to ${topic}`);
    const subscription = new Subscription<T>(topic, this);
    const state: TopicState = { topic, handlers, subscription, position: null, kind: null, state: undefined };
    this.topics.set(topic, state);
    // Sent now when connected, else queued for the next welcome (a new session re-sends every topic).
    this.sendSubscribe(state);
    return subscription;
  }

  /** Publishes `data`; resolves with the assigned `{epoch, seq}` or rejects with a TandemError. */
  publish(topic: string, data: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    const frame: Frame = { type: 'publish', topic, data };
    if (options.to) frame.to = options.to;
    return this.request(frame, options.timeoutMs).then((ack) => ({
      topic: String(ack.topic ?? topic), epoch: String(ack.epoch), seq: Number(ack.seq),
    }));
  }

  // --- requests --------------------------------------------------------------------------------

  private request(frame: Frame, timeoutMs = this.requestTimeoutMs): Promise<Frame> {
    if (this.closedByUser) return Promise.reject(new TandemError('closed', 'the client was closed'));
    const id = String(this.nextId++);
    frame.id = id;
    return new Promise<Frame>((resolve, reject) => {
      const pending: PendingRequest = {
        frame, resolve, reject,
        timer: setTimeout(() => {
          this.pending.delete(id);
          this.queued = this.queued.filter((p) => p !== pending);
          reject(new TandemError('timeout', `no answer to ${frame.type} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.pending.set(id, pending);
      if (this.ready && this.conn) {
        pending.sentOn = this.sessionId;
        this.conn.send([frame]);
      } else {
        this.queued.push(pending);
      }
    });
  }

  private failRequests(error: TandemError, which: (p: PendingRequest) => boolean): void {
    for (const [id, p] of [...this.pending]) {
      if (!which(p)) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(error);
    }
    this.queued = this.queued.filter((p) => this.pending.has(String(p.frame.id)));
  }

  private sendSubscribe(state: TopicState): void {
    const frame: Frame = { type: 'subscribe', topic: state.topic };
    if (state.position) frame.since = { epoch: state.position.epoch, seq: state.position.seq };
    this.request(frame).then(() => state.subscription._settle(), (error: TandemError) => {
      if (error.code === 'disconnected' || error.code === 'closed') return; // re-sent on the next session
      if (this.topics.get(state.topic) !== state) return;
      if (error.code === 'timeout' && !this.closedByUser) {
        // Lost with its connection: the next session subscribes again; a live one retries now.
        if (this.ready) this.sendSubscribe(state);
        return;
      }
      this.topics.delete(state.topic);
      state.subscription._settle(error);
      state.handlers.onError?.(error);
    });
  }

  private unsubscribe(topic: string): Promise<void> {
    if (!this.topics.delete(topic)) return Promise.resolve();
    // Drop any subscribe still waiting for a connection.
    this.queued = this.queued.filter((p) => p.frame.type !== 'subscribe' || p.frame.topic !== topic);
    if (!this.ready) return Promise.resolve();
    return this.request({ type: 'unsubscribe', topic }).then(() => undefined);
  }

  private topicState(topic: string): TopicState | undefined {
    return this.topics.get(topic);
  }

  // --- connection lifecycle ----------------------------------------------------------------------

  private currentKind(): TransportKind {
    if (this.option === 'sse' || (this.option === 'auto' && this.fellBack)) return 'sse';
    return 'websocket';
  }

  private open(): void {
    this.reconnectTimer = undefined;
    if (this.closedByUser) return;
    const kind = this.currentKind();
    this.ready = false;
    this.setStatus(this.everConnected ? 'reconnecting' : 'connecting', kind);
    const listener: ConnectionListener = {
      frame: (conn, frame) => { if (conn === this.conn) this.onFrame(frame); },
      closed: (conn, info) => { if (conn === this.conn) this.onClosed(conn, info); },
      interrupted: (conn) => {
        if (conn !== this.conn) return;
        this.log('tandem: event stream interrupted; the browser reconnects');
        this.setStatus('reconnecting');
      },
      sessionGone: (conn, unsent) => { if (conn === this.conn) this.onSessionGone(conn as SseConnection, unsent); },
    };
    this.log('tandem: opening', kind);
    if (kind === 'websocket') {
      const wsBase = this.base.replace(/^http/, 'ws');
      this.conn = new WsConnection(`${wsBase}/api/realtime?token=${encodeURIComponent(this.token)}`, listener,
        this.websocketTimeoutMs);
    } else {
      this.conn = new SseConnection(this.base, this.token, this.lastSseEventId, listener);
    }
  }

  private onFrame(frame: Frame): void {
    if (this.conn instanceof SseConnection && this.conn.lastEventId) this.lastSseEventId = this.conn.lastEventId;
    switch (frame.type) {
      case 'welcome': return this.onWelcome(frame as unknown as Welcome & Frame);
      case 'ack': return this.onReply(frame, null);
      case 'pong': return this.onReply(frame, null);
      case 'error': {
        const error = new TandemError(String(frame.code ?? 'internal'), String(frame.message ?? frame.code));
        if (frame.id != null && this.pending.has(String(frame.id))) return this.onReply(frame, error);
        this.log('tandem: error frame', frame);
        this.emit('error', error);
        return;
      }
      case 'snapshot': return this.onSnapshot(frame as unknown as Snapshot);
      case 'event': return this.onEvent(frame as unknown as TandemEvent);
      case 'reset': return this.onReset(frame as unknown as Reset);
      case 'bye': {
        const bye = { code: String(frame.code), message: frame.message as string | undefined, reconnect: frame.reconnect === true };
        this.log('tandem: bye', bye);
        this.emit('bye', bye);
        if (!bye.reconnect) {
          this.stop(new TandemError(bye.code, bye.message ?? bye.code));
        } else if (this.conn?.kind === 'websocket') {
          // The server closes right after; start over now (a new session resumes every topic).
          this.conn.drop();
        }
        // SSE: the server ends the stream and EventSource resumes the session by Last-Event-ID.
        return;
      }
      case 'ping':
        return; // heartbeats need no answer
      default:
        this.log('tandem: ignoring frame', frame.type);
    }
  }

  private onWelcome(welcome: Welcome & Frame): void {
    const newSession = welcome.session !== this.sessionId || !welcome.resumed;
    this.log('tandem: welcome', welcome.session, welcome.resumed ? '(resumed)' : '(new session)');
    this.sessionId = welcome.session;
    this.everConnected = true;
    this.welcomeValue = welcome;
    this.identityValue = welcome.identity;
    this.attempt = 0;
    if (newSession) {
      // Requests sent on an earlier session will never be answered.
      this.failRequests(new TandemError('disconnected', 'the connection was lost before the answer'),
        (p) => p.sentOn !== undefined && p.sentOn !== welcome.session);
      // Every topic starts over on this session: replay from our position, or a fresh snapshot.
      // Subscribes queued meanwhile are replaced by these, which go first, before the app's requests.
      const appRequests = this.queued.filter((p) => {
        if (p.frame.type !== 'subscribe') return true;
        clearTimeout(p.timer);
        this.pending.delete(String(p.frame.id));
        return false;
      });
      this.queued = [];
      for (const state of this.topics.values()) this.sendSubscribe(state);
      this.queued.push(...appRequests);
    }
    this.ready = true;
    const queued = this.queued;
    this.queued = [];
    const frames: Frame[] = [];
    for (const p of queued) {
      if (!this.pending.has(String(p.frame.id))) continue;
      p.sentOn = welcome.session;
      frames.push(p.frame);
    }
    if (frames.length) this.conn?.send(frames);
    this.setStatus('connected');
    this.emit('welcome', welcome);
    this.settleConnect();
  }

  private onReply(frame: Frame, error: TandemError | null): void {
    const id = String(frame.id);
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(frame);
  }

  private onSnapshot(snapshot: Snapshot): void {
    const state = this.topics.get(snapshot.topic);
    if (!state) return;
    state.position = { epoch: snapshot.epoch, seq: snapshot.seq };
    state.kind = snapshot.kind;
    if (snapshot.kind === 'state') state.state = snapshot.state;
    state.subscription._settle();
    state.handlers.onSnapshot?.(snapshot);
  }

  private onEvent(event: TandemEvent): void {
    const state = this.topics.get(event.topic);
    if (!state) return;
    const last = state.position;
    if (last && last.epoch === event.epoch && event.seq <= last.seq) {
      this.log('tandem: duplicate dropped', event.topic, event.seq);
      return;
    }
    state.position = { epoch: event.epoch, seq: event.seq };
    if (state.kind === 'state' && !event.redacted) state.state = applyMergePatch(state.state, event.data);
    state.handlers.onEvent?.(event);
  }

  private onReset(reset: Reset): void {
    const state = this.topics.get(reset.topic);
    if (!state) return;
    state.position = null; // the snapshot that follows sets it
    state.state = undefined;
    state.handlers.onReset?.(reset);
  }

  private onClosed(conn: Connection, info: { welcomed: boolean; code?: number; reason?: string; error?: TandemError }): void {
    this.conn = null;
    this.ready = false;
    this.log('tandem: connection closed', conn.kind, info);
    if (info.error && FATAL_CODES.has(info.error.code)) {
      this.stop(info.error);
      return;
    }
    if (conn.kind === 'websocket') {
      // A new WebSocket is a new session: what was in flight is lost (the new session resubscribes).
      this.failRequests(new TandemError('disconnected', 'the connection was lost before the answer'),
        (p) => p.sentOn !== undefined);
      if (!info.welcomed && this.option === 'auto') {
        // WebSocket looks blocked: fall back to SSE right away.
        this.log('tandem: WebSocket failed before welcome; falling back to SSE');
        this.fellBack = true;
        this.open();
        return;
      }
    }
    this.scheduleReconnect(info.error);
  }

  private onSessionGone(conn: SseConnection, unsent: Frame[]): void {
    this.log('tandem: session gone; opening a new one');
    this.conn = null;
    this.ready = false;
    this.lastSseEventId = undefined;
    // The unsent app requests go again on the new session (subscribes are redone anyway).
    for (const frame of unsent) {
      const p = this.pending.get(String(frame.id));
      if (!p) continue;
      if (frame.type === 'subscribe') {
        clearTimeout(p.timer);
        this.pending.delete(String(frame.id));
        continue;
      }
      p.sentOn = undefined;
      this.queued.push(p);
    }
    this.sessionId = undefined;
    void conn;
    this.open();
  }

  private scheduleReconnect(error?: TandemError): void {
    if (this.closedByUser) return;
    const delay = Math.min(this.maxDelay, this.minDelay * 2 ** this.attempt) * (0.7 + Math.random() * 0.6);
    this.attempt++;
    this.setStatus('reconnecting', this.currentKind(), error);
    this.log(`tandem: reconnecting in ${Math.round(delay)} ms (attempt ${this.attempt})`);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private reconnectNow(): void {
    if (this.reconnectTimer && !this.closedByUser) {
      clearTimeout(this.reconnectTimer);
      this.open();
    }
  }

  /** Stops reconnecting and closes the current connection (close() and fatal errors). */
  private shutDown(): void {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.conn?.close();
    this.conn = null;
    this.ready = false;
  }

  private stop(error: TandemError): void {
    this.shutDown();
    this.failRequests(error, () => true);
    this.settleConnect(error);
    this.emit('error', error);
    this.setStatus('closed', undefined, error);
  }

  private settleConnect(error?: TandemError): void {
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  private setStatus(state: ConnectionState, transport?: TransportKind, error?: TandemError): void {
    const prev = this.statusValue;
    const next: Status = {
      state,
      transport: transport ?? this.conn?.kind ?? this.statusValue.transport,
      session: this.sessionId,
      identity: this.identityValue,
      attempt: this.attempt,
      error: error ?? (state === prev.state ? prev.error : undefined),
    };
    if (next.state === prev.state && next.transport === prev.transport && next.session === prev.session
        && next.attempt === prev.attempt && next.error === prev.error) {
      return; // nothing new for the app
    }
    this.statusValue = next;
    this.emit('status', this.status);
  }
}

/** A message or SSE event carries one frame, or under load a JSON array of frames in order. */
function parseFrames(data: unknown): Frame[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(data));
  } catch {
    return [];
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.filter((f): f is Frame => typeof f === 'object' && f !== null && typeof (f as Frame).type === 'string');
}
