// What N connections cost, per class: the difference of two `jcmd <pid> GC.class_histogram` outputs
// (BENCH_HISTO=1 writes them at the idle baseline and with the N connections open), per connection.
//   node lib/histo-diff.mjs <baseline.txt> <loaded.txt> <N> [top=40]
import fs from 'node:fs';

const [base, loaded, n, top = '40'] = process.argv.slice(2);
if (!n) {
  console.error('usage: node lib/histo-diff.mjs <baseline.txt> <loaded.txt> <N> [top]');
  process.exit(2);
}
const read = (file) => new Map(fs.readFileSync(file, 'utf8').split('\n')
  .map((line) => line.match(/^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/)).filter(Boolean)
  .map((m) => [m[3], { count: Number(m[1]), bytes: Number(m[2]) }]));
const before = read(base);
const rows = [...read(loaded)].map(([name, after]) => {
  const was = before.get(name) || { count: 0, bytes: 0 };
  return { name, count: after.count - was.count, bytes: after.bytes - was.bytes };
}).sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((sum, r) => sum + r.bytes, 0);
const N = Number(n);
console.log(`total delta ${Math.round(total / 1024)} KB = ${(total / N / 1024).toFixed(2)} KB/conn`);
for (const r of rows.slice(0, Number(top))) {
  console.log(`${(r.bytes / N).toFixed(0).padStart(8)} B/conn ${(r.count / N).toFixed(2).padStart(6)} inst/conn  ${r.name}`);
}
