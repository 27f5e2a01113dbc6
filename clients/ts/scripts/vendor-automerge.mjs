// Copies the browser build of @automerge/automerge (its ES modules and its WebAssembly, nothing for
// Node or bundlers) into <jsDir>/vendor/automerge, where the demo loads it from:
//   import('<jsDir>/vendor/automerge/entrypoints/slim.js') + initializeWasm('<...>/automerge_wasm_bg.wasm')
// The Tandem client itself does not need it: apps pass their own Automerge module to openDocument().
//   node scripts/vendor-automerge.mjs <jsDir>
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(here, 'node_modules', '@automerge', 'automerge');
const mjs = join(pkg, 'dist', 'mjs');

export function vendorAutomerge(jsDir) {
  if (!existsSync(mjs)) throw new Error(`${mjs} is missing: run npm ci in clients/ts`);
  const out = join(resolve(jsDir), 'vendor', 'automerge');
  rmSync(out, { recursive: true, force: true });
  const copy = (from, to = from) => {
    mkdirSync(dirname(join(out, to)), { recursive: true });
    copyFileSync(join(mjs, from), join(out, to));
  };
  for (const f of readdirSync(mjs)) if (f.endsWith('.js')) copy(f);
  for (const f of readdirSync(join(mjs, 'generated'))) if (f.endsWith('.js')) copy(join('generated', f));
  copy(join('entrypoints', 'slim.js'));
  copy(join('wasm_bindgen_output', 'web', 'automerge_wasm.js'));
  copy(join('wasm_bindgen_output', 'web', 'automerge_wasm_bg.wasm'));
  copyFileSync(join(pkg, 'LICENSE'), join(out, 'LICENSE'));
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const jsDir = process.argv[2];
  if (!jsDir) {
    console.error('usage: node scripts/vendor-automerge.mjs <jsDir>');
    process.exit(2);
  }
  console.log(`[clients/ts] @automerge/automerge → ${vendorAutomerge(jsDir)}`);
}
