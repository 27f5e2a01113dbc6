// Lines up a Java server's GC pauses and safepoints with each fan-out measurement of a run: which pauses fell
// into a system's 20 s window, and when its slowest messages were published. The log must carry wall-clock
// times: run the bench with BENCH_JVM_OPTS="-Xlog:gc,safepoint:file=/tmp/gc-%p.log:utctime,uptime,level,tags".
//   node lib/gc-windows.mjs results/<run> /tmp/gc-*.log
import fs from 'node:fs';
import path from 'node:path';

const [runDir, ...logs] = process.argv.slice(2);
if (!runDir || !logs.length) {
  console.error('usage: node lib/gc-windows.mjs results/<run> <gc log>...');
  process.exit(2);
}

/** [{at (epoch ms, pause start), ms, what}] of one unified-logging file with utctime decorations. */
function pausesOf(file) {
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d{4})\]/.exec(line);
    if (!m) continue;
    const end = Date.parse(`${m[1]}${m[2].slice(0, 3)}:${m[2].slice(3)}`);
    const gc = / (Pause \w+ \([^)]*\)).* ([\d.]+)ms$/.exec(line);
    const sp = /Safepoint "(\w+)".*Total: (\d+) ns/.exec(line);
    if (gc) out.push({ at: end - Number(gc[2]), ms: Number(gc[2]), what: gc[1] });
    else if (sp && Number(sp[2]) >= 500_000 && !sp[1].startsWith('G1')) out.push({ at: end - Number(sp[2]) / 1e6, ms: Number(sp[2]) / 1e6, what: `safepoint ${sp[1]}` });
  }
  return out;
}

const pauses = logs.map((f) => ({ log: path.basename(f), events: pausesOf(f) }));
for (const file of fs.readdirSync(runDir).filter((f) => /^(interleaved|fanout)-.*\.json$/.test(f)).sort()) {
  const { result } = JSON.parse(fs.readFileSync(path.join(runDir, file), 'utf8'));
  const stalls = result?.stalls;
  if (!stalls?.publishStart) continue;
  const t0 = Date.parse(stalls.publishStart);
  const t1 = t0 + 21_000; // the 20 s of publishing and a second of delivery
  console.log(`${file}: p99 ${result.latencyMs.p99} ms, ${stalls.over5ms} messages late > 5 ms`);
  for (const { log, events } of pauses) {
    const inside = events.filter((e) => e.at >= t0 && e.at <= t1);
    if (inside.length) console.log(`  ${log}: ${inside.map((e) => `${((e.at - t0) / 1000).toFixed(2)} s ${e.what} ${e.ms.toFixed(1)} ms`).join('; ')}`);
  }
  console.log(`  slowest messages (published at s: ms): ${stalls.slowest.map((m) => `${m.atS}: ${m.ms}`).join(', ')}`);
}
