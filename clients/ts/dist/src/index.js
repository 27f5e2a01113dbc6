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
/** A typed failure: a server error frame (`code` as in the protocol) or a client-side one. */
export class TandemError extends Error {
    constructor(code, message) {
        super(message);
        this.name = 'TandemError';
        this.code = code;
    }
}
/** Error codes after which reconnecting cannot help. */
const FATAL_CODES = new Set(['unauthorized', 'token_expired']);
/** RFC 7396 JSON merge patch. Returns the patched value; `target` is not modified. */
export function applyMergePatch(target, patch) {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
        return patch;
    }
    const result = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
    for (const [key, value] of Object.entries(patch)) {
        if (value === null) {
            delete result[key];
        }
        else {
            result[key] = applyMergePatch(result[key], value);
        }
    }
    return result;
}
/** A live subscription to one topic. */
export class Subscription {
    constructor(topic, client) {
        this.topic = topic;
        this.client = client;
        this.ready = new Promise((resolve, reject) => {
            this.settle = { resolve, reject, done: false };
        });
        this.ready.catch(() => undefined); // the app may not await it
    }
    /** Last `{epoch, seq}` the app has seen on this topic. */
    get position() {
        return this.client['topicState'](this.topic)?.position ?? null;
    }
    /** State channels: the current value (snapshot with every merge patch applied). */
    get state() {
        return this.client['topicState'](this.topic)?.state;
    }
    unsubscribe() {
        return this.client['unsubscribe'](this.topic);
    }
    /** @internal */
    _settle(error) {
        if (this.settle.done)
            return;
        this.settle.done = true;
        if (error)
            this.settle.reject(error);
        else
            this.settle.resolve();
    }
}
class WsConnection {
    constructor(url, listener, welcomeTimeoutMs) {
        this.listener = listener;
        this.kind = 'websocket';
        this.welcomed = false;
        this.done = false;
        this.idleMs = 0;
        this.ws = new WebSocket(url);
        this.welcomeTimer = setTimeout(() => this.finish({ error: new TandemError('timeout', `no welcome within ${welcomeTimeoutMs} ms`) }), welcomeTimeoutMs);
        this.ws.onmessage = (e) => this.onMessage(e);
        this.ws.onclose = (e) => this.finish({ code: e.code, reason: e.reason });
        this.ws.onerror = () => { };
    }
    onMessage(e) {
        if (this.done)
            return;
        let frame;
        try {
            frame = JSON.parse(String(e.data));
        }
        catch {
            return;
        }
        if (frame.type === 'welcome') {
            this.welcomed = true;
            clearTimeout(this.welcomeTimer);
            const heartbeat = typeof frame.heartbeatMs === 'number' ? frame.heartbeatMs : 20000;
            this.idleMs = heartbeat * 2 + 5000;
        }
        else if (frame.type === 'error' && !this.welcomed && FATAL_CODES.has(String(frame.code))) {
            this.fatal = new TandemError(String(frame.code), String(frame.message ?? frame.code));
        }
        this.armIdle();
        this.listener.frame(this, frame);
    }
    /** A socket that hears nothing (not even a ping) for two heartbeats is dead: reconnect. */
    armIdle() {
        if (!this.idleMs)
            return;
        clearTimeout(this.idleTimer);
        this.idleTimer = setTimeout(() => this.finish({ error: new TandemError('timeout', 'no heartbeat from the server') }), this.idleMs);
    }
    finish(info) {
        if (this.done)
            return;
        this.done = true;
        clearTimeout(this.welcomeTimer);
        clearTimeout(this.idleTimer);
        try {
            this.ws.close();
        }
        catch { /* ignore */ }
        this.listener.closed(this, { welcomed: this.welcomed, ...info, error: this.fatal ?? info.error });
    }
    send(frames) {
        if (this.done || this.ws.readyState !== WebSocket.OPEN)
            return;
        for (const frame of frames)
            this.ws.send(JSON.stringify(frame));
    }
    close() {
        if (this.done)
            return;
        this.done = true;
        clearTimeout(this.welcomeTimer);
        clearTimeout(this.idleTimer);
        try {
            this.ws.close(1000, 'client closed');
        }
        catch { /* ignore */ }
    }
    drop() {
        this.finish({ code: 1006, reason: 'dropped by the client' });
    }
}
class SseConnection {
    constructor(base, token, resume, listener) {
        this.base = base;
        this.token = token;
        this.listener = listener;
        this.kind = 'sse';
        this.done = false;
        this.welcomed = false;
        this.queue = [];
        this.posting = false;
        this.lastEventId = resume;
        let url = `${base}/api/realtime/sse?token=${encodeURIComponent(token)}`;
        if (resume)
            url += `&resume=${encodeURIComponent(resume)}`;
        this.es = new EventSource(url);
        this.es.onmessage = (e) => this.onMessage(e);
        this.es.onerror = () => this.onError();
    }
    onMessage(e) {
        if (this.done)
            return;
        if (e.lastEventId)
            this.lastEventId = e.lastEventId;
        let frame;
        try {
            frame = JSON.parse(String(e.data));
        }
        catch {
            return;
        }
        if (frame.type === 'welcome') {
            this.welcomed = true;
            this.session = String(frame.session);
        }
        this.listener.frame(this, frame);
        if (frame.type === 'welcome')
            this.flush();
    }
    onError() {
        if (this.done)
            return;
        if (this.es.readyState === EventSource.CLOSED) {
            // The browser gave up (HTTP error status, wrong content type): find out whether the token is the reason.
            void this.diagnose().then((error) => this.finish({ error }));
        }
        else {
            // EventSource reconnects by itself and sends Last-Event-ID: the session continues.
            this.listener.interrupted(this);
        }
    }
    /** A stream the browser refused to continue: a 401/403 means reconnecting is pointless. */
    async diagnose() {
        const ctrl = new AbortController();
        try {
            const res = await fetch(`${this.base}/api/realtime/sse?token=${encodeURIComponent(this.token)}&probe=1`, { headers: { Accept: 'text/event-stream' }, signal: ctrl.signal, cache: 'no-store' });
            if (res.status === 401 || res.status === 403) {
                const body = await res.json().catch(() => ({}));
                return new TandemError(String(body.code ?? 'unauthorized'), String(body.message ?? `HTTP ${res.status}`));
            }
            return new TandemError('unavailable', `event stream failed (HTTP ${res.status})`);
        }
        catch {
            return new TandemError('unavailable', 'event stream failed');
        }
        finally {
            ctrl.abort();
        }
    }
    finish(info) {
        if (this.done)
            return;
        this.done = true;
        clearTimeout(this.retryTimer);
        this.es.close();
        this.listener.closed(this, { welcomed: this.welcomed, ...info });
    }
    send(frames) {
        if (this.done)
            return;
        this.queue.push(...frames);
        this.flush();
    }
    /** One POST at a time keeps upstream frames in order; whatever queued meanwhile goes as one array. */
    flush() {
        if (this.done || this.posting || !this.session || this.queue.length === 0)
            return;
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
            if (this.done)
                return;
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
            if (this.done)
                return;
            this.queue.unshift(...batch);
            this.retryTimer = setTimeout(() => this.flush(), 500);
        });
    }
    sessionGone(unsent) {
        if (this.done)
            return;
        this.done = true;
        this.es.close();
        this.listener.sessionGone(this, unsent);
    }
    close() {
        if (this.done)
            return;
        this.done = true;
        clearTimeout(this.retryTimer);
        this.es.close();
    }
    drop() {
        this.finish({ code: 1006, reason: 'dropped by the client' });
    }
}
export class TandemClient {
    constructor(options) {
        this.conn = null;
        this.fellBack = false;
        this.everConnected = false;
        this.ready = false;
        this.closedByUser = false;
        this.attempt = 0;
        this.statusValue = { state: 'idle', transport: null, attempt: 0 };
        this.nextId = 1;
        this.pending = new Map();
        /** Requests waiting for a ready connection, in call order. */
        this.queued = [];
        this.topics = new Map();
        this.listeners = new Map();
        this.connectWaiters = [];
        if (!options || !options.token)
            throw new TandemError('bad_request', 'a join token is required');
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
    get status() {
        return { ...this.statusValue };
    }
    /** The transport in use, or null before the first attempt. */
    get transport() {
        return this.statusValue.transport;
    }
    get identity() {
        return this.identityValue;
    }
    /** The last `welcome` (identity, rooms, role, session), once connected. */
    get welcome() {
        return this.welcomeValue;
    }
    on(name, listener) {
        let set = this.listeners.get(name);
        if (!set)
            this.listeners.set(name, (set = new Set()));
        set.add(listener);
        return () => set.delete(listener);
    }
    emit(name, value) {
        for (const listener of this.listeners.get(name) ?? []) {
            try {
                listener(value);
            }
            catch (e) {
                console.error('tandem: listener failed', e);
            }
        }
    }
    /** Opens the connection; resolves at the first `welcome`, rejects on a refused token. */
    connect() {
        if (this.ready)
            return Promise.resolve();
        const promise = new Promise((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
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
    close() {
        this.closedByUser = true;
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = undefined;
        this.conn?.close();
        this.conn = null;
        this.ready = false;
        if (this.onlineHandler)
            window.removeEventListener('online', this.onlineHandler);
        this.onlineHandler = undefined;
        this.failRequests(new TandemError('closed', 'the client was closed'), () => true);
        this.settleConnect(new TandemError('closed', 'the client was closed'));
        this.setStatus('closed');
    }
    /**
     * Drops the current connection as a network failure would (for tests and demos): the client
     * reconnects and resumes like after a real drop.
     */
    dropConnection() {
        this.conn?.drop();
    }
    subscribe(topic, handlers = {}) {
        if (this.topics.has(topic))
            throw new TandemError('bad_request', `already subscribed to ${topic}`);
        const subscription = new Subscription(topic, this);
        const state = { topic, handlers, subscription, position: null, kind: null, state: undefined };
        this.topics.set(topic, state);
        // Sent now when connected, else queued for the next welcome (a new session re-sends every topic).
        this.sendSubscribe(state);
        return subscription;
    }
    /** Publishes `data`; resolves with the assigned `{epoch, seq}` or rejects with a TandemError. */
    publish(topic, data, options = {}) {
        const frame = { type: 'publish', topic, data };
        if (options.to)
            frame.to = options.to;
        return this.request(frame, options.timeoutMs).then((ack) => ({
            topic: String(ack.topic ?? topic), epoch: String(ack.epoch), seq: Number(ack.seq),
        }));
    }
    // --- requests --------------------------------------------------------------------------------
    request(frame, timeoutMs = this.requestTimeoutMs) {
        if (this.closedByUser)
            return Promise.reject(new TandemError('closed', 'the client was closed'));
        const id = String(this.nextId++);
        frame.id = id;
        return new Promise((resolve, reject) => {
            const pending = {
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
            }
            else {
                this.queued.push(pending);
            }
        });
    }
    failRequests(error, which) {
        for (const [id, p] of [...this.pending]) {
            if (!which(p))
                continue;
            clearTimeout(p.timer);
            this.pending.delete(id);
            p.reject(error);
        }
        this.queued = this.queued.filter((p) => this.pending.has(String(p.frame.id)));
    }
    sendSubscribe(state) {
        const frame = { type: 'subscribe', topic: state.topic };
        if (state.position)
            frame.since = { epoch: state.position.epoch, seq: state.position.seq };
        this.request(frame).then(() => state.subscription._settle(), (error) => {
            if (error.code === 'disconnected' || error.code === 'closed')
                return; // re-sent on the next session
            if (this.topics.get(state.topic) !== state)
                return;
            if (error.code === 'timeout' && !this.closedByUser) {
                // Lost with its connection: the next session subscribes again; a live one retries now.
                if (this.ready)
                    this.sendSubscribe(state);
                return;
            }
            this.topics.delete(state.topic);
            state.subscription._settle(error);
            state.handlers.onError?.(error);
        });
    }
    unsubscribe(topic) {
        if (!this.topics.delete(topic))
            return Promise.resolve();
        // Drop any subscribe still waiting for a connection.
        this.queued = this.queued.filter((p) => p.frame.type !== 'subscribe' || p.frame.topic !== topic);
        if (!this.ready)
            return Promise.resolve();
        return this.request({ type: 'unsubscribe', topic }).then(() => undefined);
    }
    topicState(topic) {
        return this.topics.get(topic);
    }
    // --- connection lifecycle ----------------------------------------------------------------------
    currentKind() {
        if (this.option === 'sse' || (this.option === 'auto' && this.fellBack))
            return 'sse';
        return 'websocket';
    }
    open() {
        this.reconnectTimer = undefined;
        if (this.closedByUser)
            return;
        const kind = this.currentKind();
        this.ready = false;
        this.setStatus(this.everConnected ? 'reconnecting' : 'connecting', kind);
        const listener = {
            frame: (conn, frame) => { if (conn === this.conn)
                this.onFrame(frame); },
            closed: (conn, info) => { if (conn === this.conn)
                this.onClosed(conn, info); },
            interrupted: (conn) => {
                if (conn !== this.conn)
                    return;
                this.log('tandem: event stream interrupted; the browser reconnects');
                this.setStatus('reconnecting');
            },
            sessionGone: (conn, unsent) => { if (conn === this.conn)
                this.onSessionGone(conn, unsent); },
        };
        this.log('tandem: opening', kind);
        if (kind === 'websocket') {
            const wsBase = this.base.replace(/^http/, 'ws');
            this.conn = new WsConnection(`${wsBase}/api/realtime?token=${encodeURIComponent(this.token)}`, listener, this.websocketTimeoutMs);
        }
        else {
            this.conn = new SseConnection(this.base, this.token, this.lastSseEventId, listener);
        }
    }
    onFrame(frame) {
        if (this.conn instanceof SseConnection && this.conn.lastEventId)
            this.lastSseEventId = this.conn.lastEventId;
        switch (frame.type) {
            case 'welcome': return this.onWelcome(frame);
            case 'ack': return this.onReply(frame, null);
            case 'pong': return this.onReply(frame, null);
            case 'error': {
                const error = new TandemError(String(frame.code ?? 'internal'), String(frame.message ?? frame.code));
                if (frame.id != null && this.pending.has(String(frame.id)))
                    return this.onReply(frame, error);
                this.log('tandem: error frame', frame);
                this.emit('error', error);
                return;
            }
            case 'snapshot': return this.onSnapshot(frame);
            case 'event': return this.onEvent(frame);
            case 'reset': return this.onReset(frame);
            case 'bye': {
                const bye = { code: String(frame.code), message: frame.message, reconnect: frame.reconnect === true };
                this.log('tandem: bye', bye);
                this.emit('bye', bye);
                if (!bye.reconnect) {
                    this.stop(new TandemError(bye.code, bye.message ?? bye.code));
                }
                else if (this.conn?.kind === 'websocket') {
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
    onWelcome(welcome) {
        const newSession = welcome.session !== this.sessionId || !welcome.resumed;
        this.log('tandem: welcome', welcome.session, welcome.resumed ? '(resumed)' : '(new session)');
        this.sessionId = welcome.session;
        this.everConnected = true;
        this.welcomeValue = welcome;
        this.identityValue = welcome.identity;
        this.attempt = 0;
        if (newSession) {
            // Requests sent on an earlier session will never be answered.
            this.failRequests(new TandemError('disconnected', 'the connection was lost before the answer'), (p) => p.sentOn !== undefined && p.sentOn !== welcome.session);
            // Every topic starts over on this session: replay from our position, or a fresh snapshot.
            // Subscribes queued meanwhile are replaced by these, which go first, before the app's requests.
            const appRequests = this.queued.filter((p) => {
                if (p.frame.type !== 'subscribe')
                    return true;
                clearTimeout(p.timer);
                this.pending.delete(String(p.frame.id));
                return false;
            });
            this.queued = [];
            for (const state of this.topics.values())
                this.sendSubscribe(state);
            this.queued.push(...appRequests);
        }
        this.ready = true;
        const queued = this.queued;
        this.queued = [];
        const frames = [];
        for (const p of queued) {
            if (!this.pending.has(String(p.frame.id)))
                continue;
            p.sentOn = welcome.session;
            frames.push(p.frame);
        }
        if (frames.length)
            this.conn?.send(frames);
        this.setStatus('connected');
        this.emit('welcome', welcome);
        this.settleConnect();
    }
    onReply(frame, error) {
        const id = String(frame.id);
        const p = this.pending.get(id);
        if (!p)
            return;
        this.pending.delete(id);
        clearTimeout(p.timer);
        if (error)
            p.reject(error);
        else
            p.resolve(frame);
    }
    onSnapshot(snapshot) {
        const state = this.topics.get(snapshot.topic);
        if (!state)
            return;
        state.position = { epoch: snapshot.epoch, seq: snapshot.seq };
        state.kind = snapshot.kind;
        if (snapshot.kind === 'state')
            state.state = snapshot.state;
        state.subscription._settle();
        state.handlers.onSnapshot?.(snapshot);
    }
    onEvent(event) {
        const state = this.topics.get(event.topic);
        if (!state)
            return;
        const last = state.position;
        if (last && last.epoch === event.epoch && event.seq <= last.seq) {
            this.log('tandem: duplicate dropped', event.topic, event.seq);
            return;
        }
        state.position = { epoch: event.epoch, seq: event.seq };
        if (state.kind === 'state' && !event.redacted)
            state.state = applyMergePatch(state.state, event.data);
        state.handlers.onEvent?.(event);
    }
    onReset(reset) {
        const state = this.topics.get(reset.topic);
        if (!state)
            return;
        state.position = null; // the snapshot that follows sets it
        state.state = undefined;
        state.handlers.onReset?.(reset);
    }
    onClosed(conn, info) {
        this.conn = null;
        this.ready = false;
        this.log('tandem: connection closed', conn.kind, info);
        if (info.error && FATAL_CODES.has(info.error.code)) {
            this.stop(info.error);
            return;
        }
        if (conn.kind === 'websocket') {
            // A new WebSocket is a new session: what was in flight is lost (the new session resubscribes).
            this.failRequests(new TandemError('disconnected', 'the connection was lost before the answer'), (p) => p.sentOn !== undefined);
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
    onSessionGone(conn, unsent) {
        this.log('tandem: session gone; opening a new one');
        this.conn = null;
        this.ready = false;
        this.lastSseEventId = undefined;
        // The unsent app requests go again on the new session (subscribes are redone anyway).
        for (const frame of unsent) {
            const p = this.pending.get(String(frame.id));
            if (!p)
                continue;
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
    scheduleReconnect(error) {
        if (this.closedByUser)
            return;
        const delay = Math.min(this.maxDelay, this.minDelay * 2 ** this.attempt) * (0.7 + Math.random() * 0.6);
        this.attempt++;
        this.setStatus('reconnecting', this.currentKind(), error);
        this.log(`tandem: reconnecting in ${Math.round(delay)} ms (attempt ${this.attempt})`);
        this.reconnectTimer = setTimeout(() => this.open(), delay);
    }
    reconnectNow() {
        if (this.reconnectTimer && !this.closedByUser) {
            clearTimeout(this.reconnectTimer);
            this.open();
        }
    }
    stop(error) {
        this.closedByUser = true;
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = undefined;
        this.conn?.close();
        this.conn = null;
        this.ready = false;
        this.failRequests(error, () => true);
        this.settleConnect(error);
        this.emit('error', error);
        this.setStatus('closed', undefined, error);
    }
    settleConnect(error) {
        const waiters = this.connectWaiters;
        this.connectWaiters = [];
        for (const w of waiters) {
            if (error)
                w.reject(error);
            else
                w.resolve();
        }
    }
    setStatus(state, transport, error) {
        this.statusValue = {
            state,
            transport: transport ?? this.conn?.kind ?? this.statusValue.transport,
            session: this.sessionId,
            identity: this.identityValue,
            attempt: this.attempt,
            error,
        };
        this.emit('status', this.status);
    }
}
