// Called by Maven (generate-resources): compiles the client and the demo into <outDir>/js for the WAR,
// with the browser build of @automerge/automerge (the demo's canvas) in <outDir>/js/vendor/automerge.
// Installs the dev dependencies first (npm ci) when node_modules is missing, e.g. on a fresh clone.
//   node scripts/build-webapp.mjs <outDir>
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vendorAutomerge } from './vendor-automerge.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node scripts/build-webapp.mjs <outDir>');
  process.exit(2);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args) => {
  console.log(`[clients/ts] ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: here, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!existsSync(join(here, 'node_modules', 'typescript', 'bin', 'tsc'))
    || !existsSync(join(here, 'node_modules', '@automerge', 'automerge', 'package.json'))) {
  run(npm, ['ci', '--no-audit', '--no-fund']);
}
run(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json',
  '--outDir', join(resolve(outDir), 'js'), '--declaration', 'false']);
vendorAutomerge(join(resolve(outDir), 'js'));
