/**
 * SSE transport: `EventSource` downstream (the browser resumes it with `Last-Event-ID`), HTTP POST
 * upstream to the session, one request at a time.
 */
import { TandemError } from './errors.js';
import { type Frame, parseFrames } from './frames.js';
import type { Connection, ConnectionListener } from './transport.js';

export class SseConnection implements Connection {
  readonly kind = 'sse' as const;
  private es: EventSource;
  private done = false;
  private welcomed = false;
  session?: string;
  lastEventId?: string;
  private queue: Frame[] = [];
  private posting = false;
  /** Limits of one upstream body, from the welcome (defaults: the server's defaults). */
  private maxFramesPerPost = 250;
  private maxBodyBytes = 65536;
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
        if (this.session && this.session !== String(frame.session) && this.queue.length) {
          // EventSource reconnected by itself and the old session was gone: what was queued for it goes
          // back to the client (which sends it again on the new session, or drops it).
          this.listener.staleFrames(this, this.queue.splice(0));
        }
        this.session = String(frame.session);
        if (typeof frame.maxFramesPerPost === 'number') this.maxFramesPerPost = frame.maxFramesPerPost;
        if (typeof frame.maxFrameBytes === 'number') this.maxBodyBytes = frame.maxFrameBytes;
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
    // Frames never POSTed go back to the client: the next stream may resume this session.
    this.listener.closed(this, { welcomed: this.welcomed, ...info, unsent: this.queue.splice(0) });
  }

  send(frames: Frame[]): void {
    if (this.done) return;
    this.queue.push(...frames);
    this.flush();
  }

  /**
   * One POST at a time keeps upstream frames in order; what queued meanwhile goes as one array, within the
   * welcome's limits (frames per body, body bytes), and the rest in the next POST.
   */
  private flush(): void {
    if (this.done || this.posting || !this.session || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.batchLength());
    const session = this.session;
    this.posting = true;
    fetch(`${this.base}/api/realtime/sse/${encodeURIComponent(session)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(batch.length === 1 ? batch[0] : batch),
      cache: 'no-store',
    }).then(async (res) => {
      if (res.status === 503) {
        // The stream overflowed and is being cut: the frames after the accepted ones were not handled.
        // Send them again (in front of anything newer) once the stream has resumed.
        const accepted = Number((await res.json().catch(() => ({}))).accepted ?? 0);
        this.posting = false;
        if (this.done) return;
        this.queue.unshift(...batch.slice(accepted));
        this.retryTimer = setTimeout(() => this.flush(), 500);
        return;
      }
      this.posting = false;
      if (this.done) return;
      if (res.status === 404) {
        // The session is gone: these frames were not accepted.
        this.sessionGone(batch.concat(this.queue.splice(0)));
        return;
      }
      if (res.status !== 202) {
        // The body was refused as a whole (400, 413 from Tandem, or a proxy's own 413/502...): none of its
        // frames was handled. Their requests fail with that code rather than time out.
        const body = await res.json().catch(() => ({}));
        const code = typeof body.code === 'string' ? body.code : res.status === 413 ? 'too_large' : 'unavailable';
        this.listener.refused(this, batch, new TandemError(code, String(body.message ?? `upstream POST answered HTTP ${res.status}`)));
      }
      this.flush();
    }, () => {
      // Network failure: retry the same batch (in front of anything newer) shortly.
      this.posting = false;
      if (this.done) return;
      this.queue.unshift(...batch);
      this.retryTimer = setTimeout(() => this.flush(), 500);
    });
  }

  /** How many queued frames fit one body: at least one (an oversized frame gets its error on the stream). */
  private batchLength(): number {
    const encoder = new TextEncoder();
    let bytes = 2; // the array's brackets
    let count = 0;
    for (const frame of this.queue) {
      if (count === this.maxFramesPerPost) break;
      bytes += encoder.encode(JSON.stringify(frame)).length + (count > 0 ? 1 : 0);
      if (count > 0 && bytes > this.maxBodyBytes) break;
      count++;
    }
    return Math.max(1, count);
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
