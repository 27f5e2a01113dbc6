// Summarises a JFR recording's execution samples: hottest top frames and hottest dev.tandem /
// container frames anywhere on the stack. usage: node lib/jfr-top.mjs file.jfr [topN] [--alloc]
// --alloc: allocation samples (jdk.ObjectAllocationSample) weighted by the bytes they stand for.
import { execFileSync } from 'node:child_process';
const args = process.argv.slice(2);
const alloc = args.includes('--alloc');
const [file, topArg] = args.filter((a) => a !== '--alloc');
const top = Number(topArg || 25);
const eventType = alloc ? 'jdk.ObjectAllocationSample' : 'jdk.ExecutionSample';
const text = execFileSync('jfr', ['print', '--events', eventType, '--stack-depth', '64', file],
  { encoding: 'utf8', maxBuffer: 1 << 30 });
const events = text.split(new RegExp(`^${eventType.replace('.', '\\.')}`, 'm')).slice(1);
const units = { bytes: 1, byte: 1, kB: 1024, MB: 1 << 20, GB: 1 << 30 };
const weightOf = (ev) => {
  if (!alloc) return 1;
  const m = /weight = ([\d.,]+) (\w+)/.exec(ev);
  return m ? Number(m[1].replace(/,/g, '')) * (units[m[2]] || 1) : 0;
};
const self = new Map(), incl = new Map(), threads = new Map();
let n = 0;
for (const ev of events) {
  const w = weightOf(ev);
  n += w;
  const frames = [...ev.matchAll(/^\s+([\w$.<>/]+\([^)]*\))\s+line:/gm)].map((m) => m[1].replace(/\(.*\)/, ''));
  const th = /(?:sampledThread|eventThread) = "([^"]+)"/.exec(ev)?.[1]?.replace(/\d+/g, 'N') || '?';
  threads.set(th, (threads.get(th) || 0) + w);
  const cls = alloc ? /objectClass = ([\w$.\[\]]+)/.exec(ev)?.[1] : null;
  const key0 = frames.length ? (cls ? `${cls} @ ${frames[0]}` : frames[0]) : null;
  if (key0) self.set(key0, (self.get(key0) || 0) + w);
  for (const f of new Set(frames)) incl.set(f, (incl.get(f) || 0) + w);
}
const show = (title, m, filter = () => true) => {
  console.log(`\n## ${title} (of ${alloc ? `${(n / (1 << 20)).toFixed(0)} MB sampled` : `${n} samples`})`);
  [...m.entries()].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top)
    .forEach(([k, v]) => console.log(`${(100 * v / n).toFixed(1).padStart(5)}%  ${(alloc ? `${(v / (1 << 20)).toFixed(0)}M` : v.toString()).padStart(6)}  ${k}`));
};
show('threads', threads);
show('self (top frame)', self);
show('inclusive, dev.tandem', incl, (k) => k.startsWith('dev.tandem'));
show('inclusive, all', incl);
