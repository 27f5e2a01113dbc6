// Repro (not part of npm test) for a server problem seen from the client: resuming an SSE session whose
// outbox overflowed while it was detached. Needs a running server with the default session TTL (60 s):
//   TANDEM_PORT=18180 TANDEM_API_KEY=devkey123 bin/run      (then, in clients/ts:)
//   npm run build && node test/repro-sse-overflow-resume.mjs sse 1100
// Observed (Payara Micro, defaults): welcome -> bye slow_consumer repeated ~7 times on resume, then
// nine `reset gap_too_large` frames for one topic followed by a single snapshot. (Since session 15 a gap
// is replayed from the history in pages: no `gap_too_large` any more.)
// Set TANDEM_TEST_URL / TANDEM_TEST_API_KEY to point elsewhere.
import { startBrowser, openClient, mintToken, restPublish, events, recorded, sleep, until } from './harness.mjs';
const server = { url: process.env.TANDEM_TEST_URL ?? 'http://127.0.0.1:18180', apiKey: process.env.TANDEM_TEST_API_KEY ?? 'devkey123' };
const browser = await startBrowser(server);
const room = 'ov' + Date.now(); const topic = room + '/chat';
const transport = process.argv[2] || 'sse';
const bob = await openClient(browser, server, 'bob', { token: await mintToken(server, 'bob', room), transport, topics: [topic], beforeLoad: (p) => p.addInitScript(() => {
  window.raw = []; const ES = window.EventSource;
  window.EventSource = class extends ES { constructor(u) { super(u); window.raw.push('OPEN ' + u.replace(/token=[^&]*/, '')); this.addEventListener('message', (e) => { const f = JSON.parse(e.data); window.raw.push(e.lastEventId.split(':')[1] + ' ' + f.type + ' ' + (f.seq ?? '') + ' ' + (f.reason ?? f.code ?? '') + (f.type === 'ack' ? ' rec=' + f.recovered : '')); }); this.addEventListener('error', () => window.raw.push('ERROR rs=' + this.readyState)); } };
}) });
await restPublish(server, room, 'chat', { i: 0 });
await until('first', async () => (await events(bob, topic)).length === 1);
if (transport === 'sse') await bob.page.route('**/api/realtime/sse**', (r) => r.abort('connectionrefused'));
else await bob.page.routeWebSocket(() => true, (ws) => ws.close());
await bob.page.evaluate(() => window.client.dropConnection());
const N = Number(process.argv[3] || 1100); let k = 1; const t0 = Date.now();
await Promise.all(Array.from({ length: 16 }, async () => { while (k <= N) { const i = k++; await restPublish(server, room, 'chat', { i }); } }));
console.log('published', N, 'in', Date.now() - t0, 'ms');
if (transport === 'sse') await bob.page.unroute('**/api/realtime/sse**'); else await bob.page.unrouteAll();
try { await until('all', async () => { const e = await events(bob, topic); return e.length && e.at(-1).seq >= N + 1; }, 30000); } catch (e) { console.log(String(e)); }
await sleep(1000);
const r = await recorded(bob, topic);
const seqs = r.events.map((e) => e.seq);
let dups = seqs.length - new Set(seqs).size;
console.log('events', seqs.length, 'first', seqs.slice(0, 3), 'last', seqs.slice(-3), 'dups', dups, 'resets', r.resets, 'snapshots', r.snapshots.map(s => [s.seq, s.seqs.length]));
let gaps = []; for (let i = 1; i < seqs.length; i++) if (seqs[i] !== seqs[i-1] + 1) gaps.push([seqs[i-1], seqs[i]]);
console.log('gaps', JSON.stringify(gaps).slice(0, 300));
console.log(r.statuses.join(' '));
console.log((await bob.page.evaluate(() => window.rec.logs)).filter(l => !l.includes('duplicate')).slice(-12).join('\n'));
const raw = await bob.page.evaluate(() => window.raw);
const out = []; for (const l of raw) { if (/ event /.test(l) && out.length && / event /.test(out.at(-1)) ) { out[out.length-1] = out.at(-1).replace(/( \.\.\..*)?$/, ' ... ' + l); } else out.push(l); }
console.log(out.join('\n'));
await browser.close();
