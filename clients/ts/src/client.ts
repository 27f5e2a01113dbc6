/**
 * The client: one connection per client carries every topic. It picks the transport (WebSocket,
 * falling back to SSE when WebSocket is blocked), reconnects with backoff, resumes every topic on a
 * new session and hands each event to the app exactly once.
 */
import { Documents, type JsonDocumentOptions, type SyncDocumentOptions } from './documents.js';
import { type ClientEvents, Emitter, type Listener } from './emitter.js';
import { FATAL_CODES, TandemError } from './errors.js';
import type { Frame } from './frames.js';
import type { JsonDocument } from './json-document.js';
import { isSubscribe, Requests } from './requests.js';
import { SseConnection } from './sse.js';
import { Subscription } from './subscription.js';
import type { SyncDocument } from './sync-document.js';
import { reconnectDelay } from './timing.js';
import { Topics } from './topics.js';
import type { ClosedInfo, Connection, ConnectionListener } from './transport.js';
import type {
  ConnectionState, PublishOptions, PublishResult, Reset, Snapshot, Status, SubscriptionHandlers, TandemClientOptions,
  TandemEvent, TransportKind, TransportOption, Welcome,
} from './types.js';
import { WsConnection } from './websocket.js';

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
  /** A WebSocket of this client got a welcome once: WebSocket works here, a later failure is an outage. */
  private websocketWorked = false;
  private everConnected = false;
  private ready = false;
  private closedByUser = false;
  private sessionId?: string;
  private identityValue?: string;
  private welcomeValue?: Welcome;
  private attempt = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private lastSseEventId?: string;
  /** Frames an SSE connection closed on our side never sent: first out on the resumed session. */
  private sseUnsent: Frame[] = [];
  private statusValue: Status = { state: 'idle', transport: null, attempt: 0 };
  private readonly requests = new Requests();
  private readonly topics = new Topics({
    request: (frame) => this.request(frame),
    isConnected: () => this.ready && this.conn !== null,
    isClosed: () => this.closedByUser,
    dropQueued: (which) => this.requests.unqueue((p) => which(p.frame)),
    log: (...args) => this.log(...args),
  });
  private readonly documents = new Documents({
    request: (frame, timeoutMs) => this.request(frame, timeoutMs),
    sendNow: (frame) => this.sendNow(frame),
    isConnected: () => this.ready && this.conn !== null,
    dropQueued: (doc) => this.requests.unqueue((p) => p.frame.type === 'doc.subscribe' && p.frame.doc === doc),
    log: (...args) => this.log(...args),
  });
  private readonly events = new Emitter<ClientEvents>();
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
    return this.events.on(name, listener);
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
    this.requests.fail(new TandemError('closed', 'the client was closed'), () => true);
    this.documents.onClientClosed(new TandemError('closed', 'the client was closed'));
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
    return this.topics.subscribe(topic, handlers);
  }

  /** Publishes `data`; resolves with the assigned `{epoch, seq}` or rejects with a TandemError. */
  publish(topic: string, data: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    const frame: Frame = { type: 'publish', topic, data };
    if (options.to) frame.to = options.to;
    return this.request(frame, options.timeoutMs).then((ack) => ({
      topic: String(ack.topic ?? topic), epoch: String(ack.epoch), seq: Number(ack.seq),
    }));
  }

  /**
   * Opens the document `<room>/<name>` (docs/documents.md). `mode: 'sync'` keeps an Automerge replica
   * (pass your `@automerge/automerge` module as `automerge`); `mode: 'json'` needs no Automerge and
   * keeps a JSON view the server patches (read-only roles use it). Re-subscribed on every new session.
   */
  openDocument<T = any>(id: string, options: SyncDocumentOptions<T>): SyncDocument<T>;
  openDocument<V = any>(id: string, options: JsonDocumentOptions<V>): JsonDocument<V>;
  openDocument(id: string, options: SyncDocumentOptions<any> | JsonDocumentOptions<any>): SyncDocument | JsonDocument {
    return this.documents.openDocument(id, options);
  }

  // --- requests --------------------------------------------------------------------------------

  private request(frame: Frame, timeoutMs = this.requestTimeoutMs): Promise<Frame> {
    if (this.closedByUser) return Promise.reject(new TandemError('closed', 'the client was closed'));
    return this.requests.start(frame, timeoutMs, (pending) => {
      if (!this.ready || !this.conn) return false;
      pending.sentOn = this.sessionId;
      this.conn.send([frame]);
      return true;
    });
  }

  /** A frame that gets no answer (`doc.sync`): sent now, or false when no session is ready. */
  private sendNow(frame: Frame): boolean {
    if (!this.ready || !this.conn) return false;
    this.conn.send([frame]);
    return true;
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
      staleFrames: (conn, stale) => { if (conn === this.conn) this.requests.requeueUnsent(stale); },
      refused: (conn, frames, error) => { if (conn === this.conn) this.onRefused(frames, error); },
    };
    this.log('tandem: opening', kind);
    if (kind === 'websocket') {
      const wsBase = this.base.replace(/^http/, 'ws');
      this.conn = new WsConnection(`${wsBase}/api/realtime`, this.token, listener, this.websocketTimeoutMs);
    } else {
      this.conn = new SseConnection(this.base, this.token, this.lastSseEventId, listener);
    }
  }

  private onFrame(frame: Frame): void {
    if (this.conn instanceof SseConnection && this.conn.lastEventId) this.lastSseEventId = this.conn.lastEventId;
    switch (frame.type) {
      case 'welcome': return this.onWelcome(frame as unknown as Welcome & Frame);
      case 'ack': return this.requests.settle(frame, null);
      case 'pong': return this.requests.settle(frame, null);
      case 'error': {
        const error = new TandemError(String(frame.code ?? 'internal'), String(frame.message ?? frame.code));
        if (frame.id != null && this.requests.has(String(frame.id))) return this.requests.settle(frame, error);
        if (this.documents.onError(frame, error)) return;
        this.log('tandem: error frame', frame);
        this.events.emit('error', error);
        return;
      }
      case 'snapshot': return this.topics.onSnapshot(frame as unknown as Snapshot);
      case 'event': return this.topics.onEvent(frame as unknown as TandemEvent);
      case 'reset': return this.topics.onReset(frame as unknown as Reset);
      case 'doc.snapshot':
      case 'doc.sync':
      case 'doc.patch':
        return this.documents.onFrame(frame);
      case 'bye': {
        const bye = { code: String(frame.code), message: frame.message as string | undefined, reconnect: frame.reconnect === true };
        this.log('tandem: bye', bye);
        this.events.emit('bye', bye);
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
    if (this.conn?.kind === 'websocket') this.websocketWorked = true;
    this.welcomeValue = welcome;
    this.identityValue = welcome.identity;
    this.attempt = 0;
    const unsent = this.sseUnsent;
    this.sseUnsent = [];
    if (newSession) {
      // Frames a closed SSE connection never sent go on this session (subscribes are redone below).
      this.requests.requeueUnsent(unsent);
      // Requests sent on an earlier session will never be answered.
      this.requests.fail(new TandemError('disconnected', 'the connection was lost before the answer'),
        (p) => p.sentOn !== undefined && p.sentOn !== welcome.session);
      // Every topic starts over on this session: replay from our position, or a fresh snapshot.
      // Subscribes queued meanwhile are replaced by these, which go first, before the app's requests.
      const appRequests = this.requests.takeQueued((p) => !isSubscribe(p.frame));
      this.topics.onNewSession();
      this.documents.onNewSession();
      this.requests.requeue(appRequests);
    } else {
      // The session resumed after our SSE connection closed: documents whose sync messages may have been
      // lost subscribe again (a fresh snapshot and sync state); frames never sent go first.
      this.documents.onResumed();
    }
    this.ready = true;
    const frames = [...unsent.filter((f) => newSession ? false : f.type !== 'doc.sync'), ...this.requests.drainQueued(welcome.session)];
    if (frames.length) this.conn?.send(frames);
    this.documents.onReady();
    this.setStatus('connected');
    this.events.emit('welcome', welcome);
    this.settleConnect();
  }

  private onClosed(conn: Connection, info: ClosedInfo): void {
    this.conn = null;
    this.ready = false;
    this.log('tandem: connection closed', conn.kind, info);
    if (info.error && FATAL_CODES.has(info.error.code)) {
      this.stop(info.error);
      return;
    }
    if (conn.kind === 'sse') this.sseUnsent = [...this.sseUnsent, ...(info.unsent ?? [])];
    // Documents: a WebSocket's next session is new; an SSE session may resume, but sync messages in
    // flight may be lost: either way each document subscribes again.
    this.documents.onDisconnected();
    if (conn.kind === 'websocket') {
      // A new WebSocket is a new session: what was in flight is lost (the new session resubscribes).
      this.requests.fail(new TandemError('disconnected', 'the connection was lost before the answer'),
        (p) => p.sentOn !== undefined);
      if (!info.welcomed && this.option === 'auto' && !this.websocketWorked) {
        // WebSocket looks blocked (it never worked here): fall back to SSE right away. Once it has worked,
        // a failed reconnect is an outage (a restart, a network blip): retry WebSocket with backoff.
        this.log('tandem: WebSocket failed before welcome; falling back to SSE');
        this.fellBack = true;
        this.open();
        return;
      }
    }
    this.scheduleReconnect(info.error);
  }

  /** An SSE body the server (or a proxy) refused whole: its requests fail, its documents' sync is repaired. */
  private onRefused(frames: Frame[], error: TandemError): void {
    this.log('tandem: upstream body refused', error.code, error.message);
    for (const frame of frames) {
      if (frame.id != null && this.requests.has(String(frame.id))) this.requests.settle(frame, error);
      else if (frame.type === 'doc.sync') this.documents.onError({ ...frame, id: undefined }, error);
    }
  }

  private onSessionGone(conn: SseConnection, unsent: Frame[]): void {
    this.log('tandem: session gone; opening a new one');
    this.conn = null;
    this.ready = false;
    this.lastSseEventId = undefined;
    this.documents.onDisconnected();
    // The unsent app requests go again on the new session (subscribes are redone anyway).
    this.requests.requeueUnsent(unsent);
    this.sessionId = undefined;
    void conn;
    this.open();
  }

  private scheduleReconnect(error?: TandemError): void {
    if (this.closedByUser) return;
    const delay = reconnectDelay(this.attempt, this.minDelay, this.maxDelay);
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
    this.requests.fail(error, () => true);
    this.documents.onClientClosed(error);
    this.settleConnect(error);
    this.events.emit('error', error);
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
    this.events.emit('status', this.status);
  }
}
