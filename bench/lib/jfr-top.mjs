// Summarises a JFR recording's execution samples: hottest top frames and hottest dev.tandem /
// container frames anywhere on the stack. usage: node lib/jfr-top.mjs file.jfr [topN]
import { execFileSync } from 'node:child_process';
const [file, topArg] = process.argv.slice(2);
const top = Number(topArg || 25);
const text = execFileSync('jfr', ['print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', file],
  { encoding: 'utf8', maxBuffer: 1 << 30 });
const events = text.split(/^jdk\.ExecutionSample/m).slice(1);
const self = new Map(), incl = new Map(), threads = new Map();
for (const ev of events) {
  const frames = [...ev.matchAll(/^\s+([\w$.<>/]+\([^)]*\))\s+line:/gm)].map((m) => m[1].replace(/\(.*\)/, ''));
  const th = /sampledThread = "([^"]+)"/.exec(ev)?.[1]?.replace(/\d+/g, 'N') || '?';
  threads.set(th, (threads.get(th) || 0) + 1);
  if (frames.length) self.set(frames[0], (self.get(frames[0]) || 0) + 1);
  for (const f of new Set(frames)) incl.set(f, (incl.get(f) || 0) + 1);
}
const n = events.length;
const show = (title, m, filter = () => true) => {
  console.log(`\n## ${title} (of ${n} samples)`);
  [...m.entries()].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top)
    .forEach(([k, v]) => console.log(`${(100 * v / n).toFixed(1).padStart(5)}%  ${v.toString().padStart(6)}  ${k}`));
};
show('threads', threads);
show('self (top frame)', self);
show('inclusive, dev.tandem', incl, (k) => k.startsWith('dev.tandem'));
show('inclusive, all', incl);
