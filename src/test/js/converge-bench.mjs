// Convergence through a running Tandem server: N real @automerge/automerge clients, each in its own
// Node process (server-clients.mjs), append S strokes each concurrently to <room>/canvas; measures
// the time until every replica and the server have the same heads.
//   node converge-bench.mjs --base http://127.0.0.1:8080/ --key KEY [--clients 10] [--strokes 200]
//        [--procs 10] [--sse 0] [--pid SERVER_PID]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) =>
  (v.startsWith("--") ? [...a, [v.slice(2), all[i + 1]]] : a), []));
const base = args.base || "http://127.0.0.1:8080/";
const key = args.key || process.env.TANDEM_API_KEY;
const N = +(args.clients || 10), S = +(args.strokes || 200), P = Math.min(+(args.procs || N), N);
const SSE = +(args.sse || 0);
const room = "bench" + Date.now().toString(36);
const doc = room + "/canvas";

const cpuOf = (pid) => {
  if (!pid) return 0;
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (+f[11] + +f[12]) * 10; // clock ticks (100/s) → ms
};

async function rest(path, init = {}) {
  const res = await fetch(base + path, { ...init, headers: { Authorization: "Bearer " + key, ...(init.headers || {}) } });
  if (!res.ok) throw new Error(path + ": " + res.status + " " + await res.text());
  return res.json();
}

function proc() {
  const child = spawn(process.execPath, [new URL("./server-clients.mjs", import.meta.url).pathname], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = new Map();
  let rid = 0;
  createInterface({ input: child.stdout }).on("line", (line) => {
    const m = JSON.parse(line);
    const w = waiting.get(m.rid);
    waiting.delete(m.rid);
    if (w) m.error ? w.reject(new Error(m.error)) : w.resolve(m);
  });
  return {
    child,
    call(cmd, a = {}) {
      const r = ++rid;
      return new Promise((resolve, reject) => {
        waiting.set(r, { resolve, reject });
        child.stdin.write(JSON.stringify({ cmd, rid: r, ...a }) + "\n");
      });
    },
  };
}

const procs = Array.from({ length: P }, proc);
const owner = (i) => procs[i % P];
const t00 = performance.now();
await Promise.all(Array.from({ length: N }, async (_, i) => {
  const { token } = await rest("api/v1/tokens", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ identity: "c" + i, rooms: [room] }) });
  await owner(i).call("open", { c: "c" + i, base, token, doc, transport: i < SSE ? "sse" : "ws" });
}));
console.log(`opened ${N} clients in ${P} processes in ${(performance.now() - t00).toFixed(0)} ms`);

const serverCpu0 = cpuOf(args.pid);
const t0 = performance.now();
let editsDone = 0;
const edits = Promise.all(Array.from({ length: N }, (_, i) => owner(i).call("strokes", { c: "c" + i, n: S })))
  .then(() => { editsDone = performance.now() - t0; });
let lastPrint = 0;
while (true) {
  const server = await rest(`api/v1/rooms/${room}/docs/canvas`, { headers: { Accept: "application/json" } });
  const heads = JSON.stringify(server.heads);
  const states = await Promise.all(procs.map((p) => p.call("state")));
  const all = states.flatMap((s) => Object.entries(s.clients));
  const behind = all.filter(([, c]) => JSON.stringify(c.heads) !== heads);
  const errors = all.flatMap(([id, c]) => c.errors.map((e) => id + ": " + e));
  if (errors.length) { console.log("errors:", errors.slice(0, 5)); process.exitCode = 1; break; }
  const now = performance.now() - t0;
  if (editsDone && !behind.length && Object.keys(server.view.shapes).length === N * S) {
    const cpu = states.reduce((a, s) => a + s.cpuMs, 0);
    const prof = states.reduce((a, s) => { for (const k in s.prof) a[k] = (a[k] || 0) + s.prof[k]; return a; }, {});
    console.log(`converged: ${N} clients x ${S} strokes in ${now.toFixed(0)} ms (edits done at ${editsDone.toFixed(0)} ms); ` +
      `server CPU ${args.pid ? cpuOf(args.pid) - serverCpu0 + " ms" : "n/a"}; clients CPU ${cpu.toFixed(0)} ms ` +
      `(change ${prof.change.toFixed(0)}, receive ${prof.receive.toFixed(0)}, generate ${prof.generate.toFixed(0)} ms; ` +
      `${prof.received} msgs in, ${prof.sent} out, ${(prof.bytesIn / 1024).toFixed(0)} KiB in)`);
    break;
  }
  if (now - lastPrint > 2000) {
    lastPrint = now;
    console.log(`${(now / 1000).toFixed(1)} s: server ${Object.keys(server.view.shapes).length} shapes; ` +
      `replicas ${all.map(([, c]) => c.shapes).join(",")}`);
  }
  if (now > +(args.timeout || 180000)) { console.log("TIMEOUT"); process.exitCode = 1; break; }
  await new Promise((r) => setTimeout(r, 100));
}
await edits.catch(() => {});
for (const p of procs) { p.child.stdin.end(); }
