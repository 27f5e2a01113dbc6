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
export declare class TandemError extends Error {
    readonly code: string;
    constructor(code: string, message: string);
}
/** RFC 7396 JSON merge patch. Returns the patched value; `target` is not modified. */
export declare function applyMergePatch(target: unknown, patch: unknown): unknown;
/** A live subscription to one topic. */
export declare class Subscription<T = unknown> {
    readonly topic: string;
    private readonly client;
    /** Resolves when the server has acknowledged the first subscribe. */
    readonly ready: Promise<void>;
    private settle;
    constructor(topic: string, client: TandemClient);
    /** Last `{epoch, seq}` the app has seen on this topic. */
    get position(): Position | null;
    /** State channels: the current value (snapshot with every merge patch applied). */
    get state(): T | undefined;
    unsubscribe(): Promise<void>;
    /** @internal */
    _settle(error?: TandemError): void;
}
type Listener<T> = (value: T) => void;
interface ClientEvents {
    status: Status;
    welcome: Welcome;
    /** Error frames not tied to a request, and fatal connection errors. */
    error: TandemError;
    bye: {
        code: string;
        message?: string;
        reconnect: boolean;
    };
}
export declare class TandemClient {
    private readonly base;
    private readonly token;
    private readonly option;
    private readonly websocketTimeoutMs;
    private readonly requestTimeoutMs;
    private readonly minDelay;
    private readonly maxDelay;
    private readonly log;
    private conn;
    private fellBack;
    private everConnected;
    private ready;
    private closedByUser;
    private sessionId?;
    private identityValue?;
    private welcomeValue?;
    private attempt;
    private reconnectTimer?;
    private lastSseEventId?;
    private statusValue;
    private nextId;
    private readonly pending;
    /** Requests waiting for a ready connection, in call order. */
    private queued;
    private readonly topics;
    private readonly listeners;
    private connectWaiters;
    private onlineHandler?;
    constructor(options: TandemClientOptions);
    /** Current connection status. */
    get status(): Status;
    /** The transport in use, or null before the first attempt. */
    get transport(): TransportKind | null;
    get identity(): string | undefined;
    /** The last `welcome` (identity, rooms, role, session), once connected. */
    get welcome(): Welcome | undefined;
    on<K extends keyof ClientEvents>(name: K, listener: Listener<ClientEvents[K]>): () => void;
    private emit;
    /** Opens the connection; resolves at the first `welcome`, rejects on a refused token. */
    connect(): Promise<void>;
    /** Closes the connection for good; pending requests are rejected. */
    close(): void;
    /**
     * Drops the current connection as a network failure would (for tests and demos): the client
     * reconnects and resumes like after a real drop.
     */
    dropConnection(): void;
    subscribe<T = unknown>(topic: string, handlers?: SubscriptionHandlers<T>): Subscription<T>;
    /** Publishes `data`; resolves with the assigned `{epoch, seq}` or rejects with a TandemError. */
    publish(topic: string, data: unknown, options?: PublishOptions): Promise<PublishResult>;
    private request;
    private failRequests;
    private sendSubscribe;
    private unsubscribe;
    private topicState;
    private currentKind;
    private open;
    private onFrame;
    private onWelcome;
    private onReply;
    private onSnapshot;
    private onEvent;
    private onReset;
    private onClosed;
    private onSessionGone;
    private scheduleReconnect;
    private reconnectNow;
    private stop;
    private settleConnect;
    private setStatus;
}
export {};
