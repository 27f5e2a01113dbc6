// Turns results/<run>/results.json into bench/RESULTS.md plus PNG charts (gnuplot) in results/<run>/.
// usage: node lib/report.mjs results/<run> [more runs...]   (the first run is the headline)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runDirs = process.argv.slice(2).map((d) => path.resolve(d));
if (!runDirs.length) { console.error('usage: node lib/report.mjs results/<run>...'); process.exit(2); }

const median = (a) => { const s = a.filter((x) => x != null).sort((x, y) => x - y); const m = s.length >> 1; return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : null; };
const fmt = (v, d = 1) => v == null || Number.isNaN(v) ? '–' : (Math.abs(v) >= 100 ? Math.round(v).toString() : v.toFixed(d));
// Latency percentiles: the histogram tops out at 10 s, so 10000 means "10 s or more".
const lat = (v, d = 2) => v != null && v >= 10000 ? '≥10000' : fmt(v, d);
const key = (r) => `${r.system}@${r.server}`;
const ORDER = ['ws-relay@ws-relay', 'socketio@socketio', 'tandem-ws@payara', 'tandem-sse@payara', 'tandem-ws@wildfly', 'tandem-sse@wildfly'];
const byOrder = (a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99);

function gnuplot(script, outPng) {
  try {
    execFileSync('gnuplot', [], { input: script, encoding: 'utf8', stdio: ['pipe', 'ignore', 'pipe'] });
    return fs.existsSync(outPng);
  } catch (e) { console.error('gnuplot failed: ' + (e.stderr || e.message)); return false; }
}

const nz = (a, f) => { const v = a.filter((x) => x != null); return v.length ? f(...v) : null; };
function fanoutSummary(res, scenario) {
  const groups = new Map();
  for (const r of res.runs.filter((x) => x.scenario === scenario)) {
    if (!groups.has(key(r))) groups.set(key(r), []);
    groups.get(key(r)).push(r);
  }
  const rows = [];
  for (const k of [...groups.keys()].sort(byOrder)) {
    const reps = groups.get(k).filter((r) => r.result);
    const errs = groups.get(k).filter((r) => r.error);
    if (!reps.length) { rows.push({ k, error: errs.map((e) => e.error).join('; ') }); continue; }
    const rr = reps.map((r) => r.result);
    rows.push({
      k, reps: rr.length,
      p50: median(rr.map((r) => r.latencyMs.p50)), p99: median(rr.map((r) => r.latencyMs.p99)),
      p99min: nz(rr.map((r) => r.latencyMs.p99), Math.min), p99max: nz(rr.map((r) => r.latencyMs.p99), Math.max),
      max: Math.max(...rr.map((r) => r.latencyMs.max)),
      lost: rr.reduce((a, r) => a + r.lost, 0), dup: rr.reduce((a, r) => a + r.duplicates, 0),
      expected: rr.reduce((a, r) => a + r.expectedDeliveries, 0),
      closes: rr.reduce((a, r) => a + r.client.closes, 0), closeCodes: rr.map((r) => r.client.closeCodes).filter((c) => c && Object.keys(c).length),
      cpu: median(rr.map((r) => r.server.cpuPct)), rss: Math.max(...rr.map((r) => r.server.rssPeakMb)),
      load: median(rr.map((r) => r.loadavgBefore[0])), cdf: rr[0].cdf, rr,
      late: rr.every((r) => r.stalls) ? rr.map((r) => r.stalls.over5ms).join(' / ') : null,
    });
  }
  return rows;
}

function fanoutSection(res, dir, out, scenario, title, intro, chart) {
  const fan = fanoutSummary(res, scenario);
  if (fan.length) {
    out.push(title, '');
    if (intro) out.push(intro, '');
    const any = fan.find((f) => f.rr)?.rr[0];
    if (any) out.push(`${any.subscribers} subscribers, ${any.ratePerRoom} msg/s for ${any.durationMs / 1000} s per repetition = ${any.expectedDeliveries} deliveries per repetition; latency = receive − send stamp (same monotonic clock). p50/p99 are medians over repetitions; "p99 spread" is min–max over repetitions; lost/dup summed over all repetitions; "late" is, per repetition, the number of messages whose slowest delivery took over 5 ms (of ${any.published} published; 1 % of the deliveries is ${any.published / 100} messages' worth).`, '');
    out.push('| system | reps | p50 ms | p99 ms | p99 spread | max ms | late > 5 ms | lost | dup | server CPU % | server RSS peak MB | load avg (1 min) | notes |');
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const f of fan) {
      if (f.error) { out.push(`| ${f.k} | 0 | – | – | – | – | – | – | – | – | – | – | ERROR: ${f.error.replace(/\|/g, '/')} |`); continue; }
      const empty = f.rr.filter((r) => r.received === 0).length;
      const notes = (empty ? `${empty} repetition(s) delivered nothing (percentiles over the others); ` : '') + (f.closeCodes.length ? `connections closed by server: ${JSON.stringify(Object.assign({}, ...f.closeCodes)).replace(/\|/g, '/')} (client auto-resumed)` : '');
      out.push(`| ${f.k} | ${f.reps} | ${lat(f.p50)} | ${lat(f.p99)} | ${lat(f.p99min, 1)}–${lat(f.p99max, 1)} | ${fmt(f.max)} | ${f.late ?? '–'} | ${f.lost} of ${f.expected} | ${f.dup} | ${fmt(f.cpu)} | ${fmt(f.rss)} | ${fmt(f.load)} | ${notes} |`);
    }
    out.push('');
    const relay = fan.find((f) => f.k === 'ws-relay@ws-relay' && !f.error);
    const sio = fan.find((f) => f.k === 'socketio@socketio' && !f.error);
    const tandem = fan.filter((f) => f.k.startsWith('tandem') && !f.error);
    if (tandem.length && (relay || sio)) {
      out.push('Ratios, same run (target: Tandem p99 ≤ ws relay p99, i.e. ratio ≤ 1.0; Socket.IO p99 ≥ 3× Tandem p99):', '');
      out.push('| Tandem system | p99 Tandem / ws relay | p99 Socket.IO / Tandem | p50 Tandem / ws relay | lost | verdict |');
      out.push('|---|---|---|---|---|---|');
      for (const t of tandem) {
        const has = t.p99 != null;
        const a = relay && has ? t.p99 / relay.p99 : null; const b = sio && has ? sio.p99 / t.p99 : null; const c = relay && has ? t.p50 / relay.p50 : null;
        const ok = has && (a == null || a <= 1) && (b == null || b >= 3) && t.lost === 0 && t.dup === 0;
        out.push(`| ${t.k} | ${fmt(a, 2)} | ${fmt(b, 2)} | ${fmt(c, 2)} | ${t.lost} | ${ok ? 'meets target' : 'misses target'} |`);
      }
      out.push('');
    }
    // chart: latency CDF
    const dat = path.join(dir, `${chart}-cdf.dat`);
    const series = fan.filter((f) => f.cdf);
    if (series.length) {
      fs.writeFileSync(dat, series.map((f) => `# ${f.k}\n` + f.cdf.filter(([, v]) => v != null).map(([q, v]) => `${Math.max(v, 0.01)} ${q * 100}`).join('\n')).join('\n\n\n') + '\n');
      const png = path.join(dir, `${chart}-latency.png`);
      const plots = series.map((f, i) => `'${dat}' index ${i} with linespoints title '${f.k}'`).join(', ');
      if (gnuplot(`set terminal pngcairo size 900,520 noenhanced\nset output '${png}'\nset logscale x\nset xlabel 'delivery latency (ms, log scale)'\nset ylabel 'percentile'\nset yrange [0:100]\nset key bottom right\nset grid\nset title '${title.replace(/^#+ /, '')}: latency distribution (first repetition), run ${res.runId}'\nplot ${plots}\n`, png)) {
        out.push(`![fan-out latency distribution](${path.relative(benchDir, png)})`, '');
      }
    }
  }
}

function buildRun(dir, headline) {
  const res = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
  const rel = path.relative(benchDir, dir);
  const out = [];
  out.push(`## Run \`${res.runId}\`${headline ? ' (headline)' : ''}`, '');
  out.push(`Scenarios: ${res.scenarios.join(', ')}; servers: ${res.servers.join(', ')}; Java servers on ${res.machine.java}; bench commit ${res.machine.gitCommit}; ` +
    `load average at start ${res.machine.loadavgAtStart.map((x) => x.toFixed(1)).join(' / ')}, at end ${(res.machine.loadavgAtEnd || []).map((x) => x.toFixed(1)).join(' / ')}.`, '');
  if (Object.keys(res.config || {}).length) out.push(`Settings: \`${Object.entries(res.config).map(([k, v]) => `${k}=${v}`).join(' ')}\``, '');
  const starts = res.runs.filter((r) => r.scenario === 'start');
  if (starts.length) out.push('Server start: ' + starts.map((s) => `${s.server?.name || s.server || s.system} ${s.result ? (s.result.startMs / 1000).toFixed(1) + ' s' : 'FAILED: ' + s.error}`).join(', '), '');

  fanoutSection(res, dir, out, 'interleaved', '### Fan-out, interleaved (all servers up; the systems take turns in every repetition)',
    'Every message server runs at once with 200 subscribers per system connected; each repetition runs every system for its 20 s in turn, starting one system further along each time, so the peers and Tandem meet the same background load. The ratios of this table are the ones to judge the fan-out target by.', 'interleaved');
  fanoutSection(res, dir, out, 'fanout', '### Fan-out (one topic, N subscribers, R msg/s)', null, 'fanout');

  // ---- idle
  const idle = res.runs.filter((r) => r.scenario === 'idle').sort((a, b) => byOrder(key(a), key(b)));
  if (idle.length) {
    out.push('### Idle connections (connected and subscribed to one topic, no traffic)', '');
    out.push('Per connection = (after N connections − baseline) / N, both after a full GC (`jcmd GC.run` ×2 for Java, `gc()` for Node).', '');
    out.push('| system | connected | heap KB/conn | RSS KB/conn | baseline heap MB | heap with N MB | baseline RSS MB | RSS with N MB | notes |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    const row = (name, x, note = '') => out.push(`| ${name} | ${x.connected}/${x.requested} | ${fmt(x.heapPerConnKb, 2)} | ${fmt(x.rssPerConnKb, 2)} | ${fmt(x.baseline.heapKb / 1024)} | ${fmt(x.loaded.heapKb / 1024)} | ${fmt(x.baseline.rssKb / 1024)} | ${fmt(x.loaded.rssKb / 1024)} | ${note}${x.failed ? `${x.failed} failed: ${x.firstErrors.join('; ')}` : ''}${x.externalPerConnKb ? ` external ${x.externalPerConnKb} KB/conn` : ''} |`);
    for (const r of idle) {
      if (r.error) { out.push(`| ${key(r)} | – | – | – | – | – | – | – | ERROR: ${r.error} |`); continue; }
      row(key(r), r.result);
      if (r.result.floor?.system === 'sse-floor') row(`SSE floor @${r.server}`, r.result.floor, 'bare async SSE servlet, same server process, measured after Tandem; RSS not comparable (heap already grown). ');
      else if (r.result.floor) row(`echo floor @${r.server}`, r.result.floor, 'bare JSR-356 echo endpoint, same server process, measured after Tandem; RSS not comparable (heap already grown). ');
    }
    out.push('');
    const floors = idle.filter((r) => r.result?.floor);
    if (floors.length) {
      out.push('The floor is what the container itself keeps per idle connection: the same N connections to a bare endpoint of the same transport (`bench/floor`), deployed beside Tandem: ' +
        'for WebSocket a JSR-356 echo endpoint, each connection sending one message and getting it back; for SSE an async servlet that writes one event and holds the stream open. ' +
        'Tandem over its floor (PRODUCT.md: Tandem adds at most 2 KB of its own): ' +
        floors.map((r) => `${key(r)} ${fmt(r.result.overFloorKb, 2)} KB (${fmt(r.result.heapPerConnKb, 2)} − ${fmt(r.result.floor.heapPerConnKb, 2)})`).join(', ') + '.', '');
    }
    const sio = idle.find((r) => r.system === 'socketio' && r.result);
    const wf = idle.find((r) => r.server === 'wildfly' && r.system === 'tandem-ws' && r.result);
    if (wf) out.push(`Target: < 10 KB heap per idle WS connection on WildFly → measured ${fmt(wf.result.heapPerConnKb, 2)} KB: ${wf.result.heapPerConnKb < 10 ? 'meets' : 'misses'} target${sio ? `; Socket.IO in the same run ${fmt(sio.result.heapPerConnKb, 2)} KB (ratio Tandem/Socket.IO ${fmt(wf.result.heapPerConnKb / sio.result.heapPerConnKb, 2)})` : ''}.`, '');
    const ok = idle.filter((r) => r.result);
    if (ok.length) {
      const dat = path.join(dir, 'idle-mem.dat');
      fs.writeFileSync(dat, ok.map((r, i) => `${i} "${key(r)}" ${r.result.heapPerConnKb} ${r.result.rssPerConnKb}`).join('\n') + '\n');
      const png = path.join(dir, 'idle-memory.png');
      if (gnuplot(`set terminal pngcairo size 900,480 noenhanced\nset output '${png}'\nset style data histogram\nset style histogram cluster gap 1\nset style fill solid 0.8 border -1\nset boxwidth 0.9\nset ylabel 'KB per idle connection'\nset grid ytics\nset key top left\nset title 'Memory per idle connection, run ${res.runId}'\nplot '${dat}' using 3:xtic(2) title 'heap', '' using 4 title 'RSS'\n`, png)) {
        out.push(`![memory per idle connection](${path.relative(benchDir, png)})`, '');
      }
    }
  }

  // ---- capacity
  const cap = res.runs.filter((r) => r.scenario === 'capacity');
  if (cap.length) {
    out.push('### Capacity (one topic; rate climbs until p99 > 50 ms or loss twice)', '');
    out.push('| system | subscribers | msg/s | deliveries/s | p50 ms | p99 ms | max ms | lost | dup | server closes | server CPU % | RSS MB | drain after last publish ms |');
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of cap.sort((a, b) => byOrder(key(a), key(b)))) {
      if (r.error) { out.push(`| ${key(r)} | ${r.label} | – | – | – | – | – | – | – | – | – | – | ERROR: ${r.error} |`); continue; }
      const x = r.result;
      out.push(`| ${key(r)} | ${x.subscribers} | ${x.ratePerRoom} | ${x.deliveriesPerSec} | ${lat(x.latencyMs.p50)} | ${lat(x.latencyMs.p99)} | ${fmt(x.latencyMs.max)} | ${x.lost} | ${x.duplicates} | ${x.client.closes} | ${fmt(x.server.cpuPct)} | ${fmt(x.server.rssPeakMb)} | ${x.drainMs} |`);
    }
    out.push('');
    const best = new Map();
    for (const r of cap.filter((r) => r.result)) {
      const x = r.result; const k = `${key(r)} @ ${x.subscribers}`;
      if (x.lost === 0 && x.latencyMs.p99 != null && x.latencyMs.p99 < 50) best.set(k, Math.max(best.get(k) || 0, x.ratePerRoom));
      else if (!best.has(k)) best.set(k, 0);
    }
    if (best.size) out.push('Highest rate with p99 < 50 ms and no loss: ' + [...best.entries()].map(([k, v]) => `${k} subs: ${v ? v + ' msg/s' : 'none of the tried rates'}`).join('; ') + '.', '');
  }

  // ---- storm
  const storm = res.runs.filter((r) => r.scenario === 'storm');
  if (storm.length) {
    out.push('### Resume storm (all subscribers cut at once, 5 s into a 20 s publish; WebSocket subscribers resume with `since`, SSE subscribers with `Last-Event-ID`)', '');
    out.push('| system | subscribers | msg/s | reconnected | acked recovered | reset | all re-subscribed ms | all caught up ms | lost | dup | seq gaps | seq dups |');
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of storm) {
      if (r.error) { out.push(`| ${key(r)} | ${r.label} | | | | | | | | | | ERROR: ${r.error} |`); continue; }
      const x = r.result; const s = x.resume || {};
      out.push(`| ${key(r)} | ${x.subscribers} | ${x.ratePerRoom} | ${s.reconnected ?? '–'} (${s.failed ?? '–'} failed) | ${s.recovered ?? '–'} | ${x.client.resets} | ${s.allResubscribedMs ?? '–'} | ${s.allCaughtUpMs ?? '–'} | ${x.lost} | ${x.duplicates} | ${x.client.seqGaps} | ${x.client.seqDups} |`);
    }
    out.push('');
  }

  // ---- rooms
  const rooms = res.runs.filter((r) => r.scenario === 'rooms');
  if (rooms.length) {
    out.push('### Many rooms', '');
    out.push('| system | rooms × subscribers | msg/s per room | deliveries/s | p50 ms | p99 ms | max ms | lost | dup | server CPU % | RSS MB |');
    out.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rooms.sort((a, b) => byOrder(key(a), key(b)))) {
      if (r.error) { out.push(`| ${key(r)} | ${r.label} | | | | | | | | | ERROR: ${r.error} |`); continue; }
      const x = r.result;
      out.push(`| ${key(r)} | ${x.rooms} × ${x.subscribers / x.rooms} | ${x.ratePerRoom} | ${x.deliveriesPerSec} | ${lat(x.latencyMs.p50)} | ${lat(x.latencyMs.p99)} | ${fmt(x.latencyMs.max)} | ${x.lost} | ${x.duplicates} | ${fmt(x.server.cpuPct)} | ${fmt(x.server.rssPeakMb)} |`);
    }
    out.push('');
  }
  // ---- documents
  const docs = res.runs.filter((r) => r.scenario === 'documents');
  if (docs.length) {
    out.push('### Documents (10 clients × 200 concurrent stroke appends to one document, time until all clients and the server agree)', '');
    out.push('| system | client processes | runs | converge ms (median, min–max) | edits done ms (median) | client CPU ms | server CPU ms | bytes to clients | bytes from clients | messages to / from clients |');
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    const groups = new Map();
    for (const r of docs) {
      const k = `${key(r)}|${r.label.replace(/-rep\d+$/, '')}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(r);
    }
    const med = (xs) => { const v = xs.filter((x) => x != null).sort((a, b) => a - b); return v.length ? v[Math.floor((v.length - 1) / 2)] : null; };
    const medians = new Map();
    const timedOut = new Map(); // groups without a converged run whose runs timed out: the shortest timeout (a lower bound)
    for (const [k, rs] of groups) {
      const [sys, procs] = k.split('|');
      const ok = rs.filter((r) => !r.error).map((r) => r.result);
      const errs = rs.filter((r) => r.error).map((r) => r.error);
      const conv = ok.map((x) => x.convergeMs);
      medians.set(k, med(conv));
      const bounds = errs.map((e) => /no convergence in (\d+) ms/.exec(e)).filter(Boolean).map((m) => Number(m[1]));
      if (!ok.length && bounds.length) timedOut.set(k, Math.min(...bounds));
      out.push(`| ${sys} | ${procs.replace('procs', '')} | ${ok.length}${errs.length ? ` (+${errs.length} failed: ${errs[0].slice(0, 120)})` : ''} | ` +
        `${fmt(med(conv))} (${conv.length ? Math.min(...conv) + '–' + Math.max(...conv) : '–'}) | ${fmt(med(ok.map((x) => x.editsDoneMs)))} | ` +
        `${fmt(med(ok.map((x) => x.clientCpuMs)))} | ${fmt(med(ok.map((x) => x.serverCpuMs)))} | ${fmt(med(ok.map((x) => x.wire.bytesIn)))} | ` +
        `${fmt(med(ok.map((x) => x.wire.bytesOut)))} | ${fmt(med(ok.map((x) => x.wire.messagesIn)))} / ${fmt(med(ok.map((x) => x.wire.messagesOut)))} |`);
    }
    const HP = 'hocuspocus@hocuspocus', AM = 'automerge-repo@automerge-repo';
    const ratios = [];
    for (const [k, v] of medians) {
      const [sys, procs] = k.split('|');
      const hp = medians.get(`${HP}|${procs}`);
      if (sys !== HP && v && hp) ratios.push(`${sys} (${procs.replace('procs', '')} processes) ${(v / hp).toFixed(1)}×`);
    }
    if (ratios.length) out.push('', 'Time to converge relative to Hocuspocus with the same client processes (lower is better, 1.0× = as fast): ' + ratios.join('; ') + '.');
    // Against automerge-repo the other way round (its time / the system's: how many times faster); if no
    // automerge-repo run converged before its timeout, the timeout gives a lower bound (≥).
    const speedups = [];
    for (const [k, v] of medians) {
      const [sys, procs] = k.split('|');
      const am = medians.get(`${AM}|${procs}`) ?? timedOut.get(`${AM}|${procs}`);
      const bound = medians.get(`${AM}|${procs}`) == null ? '≥ ' : '';
      if (sys !== AM && v && am) speedups.push(`${sys} (${procs.replace('procs', '')} processes) ${bound}${(am / v).toFixed(1)}×`);
    }
    if (speedups.length) out.push('', 'Speed-up over automerge-repo with the same client processes (automerge-repo\'s time to converge / the system\'s; ' +
      'higher is better, the target for Tandem is 20×): ' + speedups.join('; ') + '.');
    const floor = res.runs.find((r) => r.scenario === 'documents-floor' && !r.error)?.result;
    if (floor) {
      out.push('', `Client-side floor (\`lib/docs-floor.mjs\`: the same ${floor.clients} × ${floor.strokes} appends, every replica in one ` +
        `process, no server, no network): Automerge replicas ${floor.automerge.clientCpuMs} ms CPU (+ ${floor.automerge.hubCpuMs} ms for the hub replica), ` +
        `Yjs ${floor.yjs.clientCpuMs} ms (+ ${floor.yjs.hubCpuMs} ms): ${(floor.automerge.clientCpuMs / Math.max(1, floor.yjs.clientCpuMs)).toFixed(0)}× more client CPU ` +
        `before any server or network is involved; on ${res.machine.nproc} cores the Automerge clients alone need at least ` +
        `${(floor.automerge.clientCpuMs / res.machine.nproc / 1000).toFixed(1)} s of wall time.`);
      if (floor.automerge.localChangeMs != null) {
        out.push('', `Of the Automerge replicas' CPU: local changes ${floor.automerge.localChangeMs} ms, generating sync messages ` +
          `${floor.automerge.generateMs} ms, applying the hub's ${floor.automerge.applyRemoteMs} ms.`);
      }
      if (floor.changeCostBySize) {
        out.push('', 'CPU of one local change (one new shape) against the shapes already in the map, Automerge JS vs Yjs ' +
          '(Automerge copies the changed map into a new immutable object on every change): ' +
          floor.changeCostBySize.map((c) => `${c.shapes} shapes ${c.automergeMs} ms vs ${c.yjsMs} ms`).join('; ') + '.');
      }
    }
    out.push('');
  }
  const errors = res.runs.filter((r) => r.error && !['interleaved', 'fanout', 'idle', 'capacity', 'storm', 'rooms', 'documents'].includes(r.scenario));
  if (errors.length) { out.push('Errors:', ''); for (const e of errors) out.push(`- ${e.scenario} ${e.system}: ${e.error}`); out.push(''); }
  out.push(`Raw data: \`${rel}/\` (results.json and one JSON per measurement).`, '');
  return { text: out.join('\n'), res };
}

const first = JSON.parse(fs.readFileSync(path.join(runDirs[0], 'results.json'), 'utf8'));
const m = first.machine;
const head = [
  '# Tandem benchmark results', '',
  '_Generated by `bench/run.sh` (lib/report.mjs). Compare numbers only within one run: the machine is shared._', '',
  '## Machine', '',
  `- nproc: ${m.nproc} (${m.cpuModel}); memory ${m.memTotalGb} GiB; open files limit ${m.ulimitN}`,
  `- java (the first run's Java servers; each run names its own): ${m.java}; node: ${m.node}`,
  '- `free -h` at start:', '', '```', m.free, '```', '',
  '**Noise:** server, load clients (Node child processes) and other engineers\' builds/integration tests share the 2 cores. ' +
  'Each table gives the 1-minute load average seen at the start of the measurement; on an idle 2-core machine it would be ≤ 2. ' +
  'Anything above ~3 means the run competed for CPU and latencies are inflated for every system in it.', '',
];
const bodies = runDirs.map((d, i) => buildRun(d, i === 0).text);
const tail = [];
// Hand-written profiling findings (evidence in results/<run>/jfr-*.txt) are carried over verbatim.
const prof = path.join(benchDir, 'PROFILING.md');
const profText = fs.existsSync(prof) ? [fs.readFileSync(prof, 'utf8').replace(/^# /m, '## '), ''] : [];
fs.writeFileSync(path.join(benchDir, 'RESULTS.md'), [...head, ...bodies, ...profText, ...tail].join('\n'));
console.log(`wrote ${path.join(benchDir, 'RESULTS.md')}`);
