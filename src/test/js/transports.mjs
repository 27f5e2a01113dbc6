// Tandem's two client transports for the Node clients driven by the tests and the bench
// (server-clients.mjs: Automerge sync peers; json-clients.mjs: JSON-ops peers).
// WebSocket: the `ws` package (Node 20 has no WebSocket global). SSE: a streaming fetch GET, as
// EventSource does, plus POSTs of frame arrays upstream, one at a time.
// open*(cl, onFrame, wire) returns {send(frame), close(), onOpen}; the caller sets onOpen, which runs once
// the connection can take frames. Incoming frames go to onFrame(cl, frame); trouble goes to cl.errors.
// `wire` counts bytes and messages both ways (WebSocket messages / SSE stream chunks and POST bodies).
import WebSocket from "ws";

export function newWire() {
  return { bytesIn: 0, bytesOut: 0, received: 0, sent: 0 };
}

/** A WebSocket message or SSE event carries one frame or, under load, a JSON array of frames. */
export function framesOf(text) {
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

function counted(wire, text) {
  wire.sent++;
  wire.bytesOut += Buffer.byteLength(text);
  return text;
}

export function openWs(cl, onFrame, wire) {
  const url = cl.base.replace(/^http/, "ws") + "api/realtime?token=" + encodeURIComponent(cl.token);
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const conn = {
    send: (frame) => { if (ws.readyState === WebSocket.OPEN) ws.send(counted(wire, JSON.stringify(frame))); },
    close: () => ws.terminate(),
  };
  ws.on("open", () => conn.onOpen());
  ws.on("message", (data) => {
    wire.received++; wire.bytesIn += data.length;
    framesOf(data.toString()).forEach((frame) => onFrame(cl, frame));
  });
  ws.on("error", (e) => cl.errors.push("ws: " + e.message));
  return conn;
}

export function openSse(cl, onFrame, wire) {
  const abort = new AbortController();
  const queue = [];
  let session = null, pumping = false, closed = false, maxFramesPerPost = 250;
  const pump = async () => {
    if (pumping || !session) return;
    pumping = true;
    try {
      while (queue.length && !closed) {
        const frames = queue.splice(0, maxFramesPerPost); // the welcome's limit per body
        const res = await fetch(cl.base + "api/realtime/sse/" + session, {
          method: "POST", headers: { "Content-Type": "application/json" }, body: counted(wire, JSON.stringify(frames)),
        });
        if (res.status === 503) {
          // The stream overflowed and is being cut: send what was not handled again once it has resumed.
          const accepted = Number((await res.json().catch(() => ({}))).accepted ?? 0);
          queue.unshift(...frames.slice(accepted));
          await new Promise((r) => setTimeout(r, 200));
        } else if (res.status !== 202) cl.errors.push("sse post " + res.status + ": " + await res.text());
        else await res.arrayBuffer();
      }
    } catch (e) {
      if (!closed) cl.errors.push("sse post: " + e.message);
    } finally {
      pumping = false;
    }
  };
  const conn = {
    send: (frame) => { if (!closed) { queue.push(frame); pump(); } },
    close: () => { closed = true; abort.abort(); },
  };
  (async () => {
    try {
      const res = await fetch(cl.base + "api/realtime/sse?token=" + encodeURIComponent(cl.token), {
        headers: { Accept: "text/event-stream" }, signal: abort.signal,
      });
      if (res.status !== 200) throw new Error("sse status " + res.status);
      const decoder = new TextDecoder();
      let buf = "", data = [];
      for await (const chunk of res.body) {
        wire.received++; wire.bytesIn += chunk.length;
        buf += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, "");
          buf = buf.slice(nl + 1);
          if (line === "") {
            if (data.length) {
              const frames = framesOf(data.join("\n"));
              data = [];
              for (const frame of frames) {
                if (frame.type === "welcome") {
                  session = frame.session;
                  if (typeof frame.maxFramesPerPost === "number") maxFramesPerPost = frame.maxFramesPerPost;
                  conn.onOpen();
                }
                onFrame(cl, frame);
              }
            }
          } else if (line.startsWith("data:")) {
            data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
          }
        }
      }
    } catch (e) {
      if (!closed) cl.errors.push("sse: " + e.message);
    }
  })();
  return conn;
}

/** Opens cl.transport ("ws", default, or "sse"). */
export function openTransport(cl, onFrame, wire) {
  return cl.transport === "sse" ? openSse(cl, onFrame, wire) : openWs(cl, onFrame, wire);
}

/**
 * The frames that report trouble, the same for every client: an `error` (kept in cl.errors; one that
 * answers the subscribe fails it) or a `bye`. Other frames are left alone.
 */
export function noteTrouble(cl, f) {
  if (f.type === "error") {
    cl.errors.push(f.code + ": " + f.message);
    if (f.id === cl.subscribeId) cl.onSubscribed?.(new Error(f.code + ": " + f.message));
  } else if (f.type === "bye") {
    cl.errors.push("bye " + f.code);
  }
}
