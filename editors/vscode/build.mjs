// Bundles the desktop entry, the web entry with its language server worker and the unit
// tests with esbuild, and copies the log viewer (editors/vscode/webview, built by its own
// package) and the language server's wasm (testany-wasm's `server` build) into dist/.
// `node build.mjs --production` minifies.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const repo = join(here, '..', '..');

/**
 * Where the wasm-bindgen `--target web` output (testany_wasm.js + _bg.wasm) of the
 * language server (`cargo xtask wasm`: target/wasm-pkg-server) is.
 */
export function findWasmPkg() {
  const candidates = [process.env.TESTANY_WASM_PKG, join(repo, 'target', 'wasm-pkg-server')].filter(Boolean);
  // The worker needs the server build (LspWorker), not the viewer's.
  return candidates.find(
    (d) =>
      existsSync(join(d, 'testany_wasm_bg.wasm')) &&
      existsSync(join(d, 'testany_wasm.js')) &&
      readFileSync(join(d, 'testany_wasm.js'), 'utf8').includes('LspWorker'),
  );
}

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  target: 'es2022',
  external: ['vscode'],
  logLevel: 'warning',
};

rmSync(join(here, 'dist'), { recursive: true, force: true });
mkdirSync(join(here, 'dist', 'webview'), { recursive: true });

const wasmPkg = findWasmPkg();
await build({
  ...common,
  entryPoints: [join(here, 'src', 'extension.ts')],
  outfile: join(here, 'dist', 'extension.js'),
  platform: 'node',
  format: 'cjs',
});
await build({
  ...common,
  entryPoints: [join(here, 'src', 'web', 'extension.ts')],
  outfile: join(here, 'dist', 'web', 'extension.js'),
  platform: 'browser',
  format: 'cjs',
  mainFields: ['browser', 'module', 'main'],
});
// The worker the web entry starts: a classic script (VS Code loads it from a blob URL).
await build({
  ...common,
  entryPoints: [join(here, 'src', 'web', 'server.ts')],
  outfile: join(here, 'dist', 'web', 'server.js'),
  platform: 'browser',
  format: 'iife',
  alias: { 'testany-wasm': wasmPkg ? join(wasmPkg, 'testany_wasm.js') : join(here, 'src', 'web', 'nowasm.ts') },
  // The .wasm comes as bytes in the first message, never by URL.
  define: { 'import.meta.url': '""' },
});
// The same worker script for the desktop entry's fallback in a Node worker thread
// (src/node/server.ts: `self` made of the thread's parent port).
await build({
  ...common,
  entryPoints: [join(here, 'src', 'node', 'server.ts')],
  outfile: join(here, 'dist', 'node', 'server.js'),
  platform: 'node',
  format: 'cjs',
  alias: { 'testany-wasm': wasmPkg ? join(wasmPkg, 'testany_wasm.js') : join(here, 'src', 'web', 'nowasm.ts') },
  define: { 'import.meta.url': '""' },
});

// The log viewer's own build output, embedded as is.
const viewerDist = join(here, 'webview', 'dist');
if (existsSync(viewerDist)) cpSync(viewerDist, join(here, 'dist', 'webview'), { recursive: true });
else console.warn('build: editors/vscode/webview/dist is missing; the log viewer is not embedded');
if (wasmPkg) {
  cpSync(join(wasmPkg, 'testany_wasm_bg.wasm'), join(here, 'dist', 'web', 'testany_wasm_bg.wasm'));
} else {
  console.warn('build: the language server wasm is not built (cargo xtask wasm); the web entry will report it');
}

// Unit tests: each test/unit/*.test.ts becomes out/unit/*.test.js for `node --test`.
const unitDir = join(here, 'test', 'unit');
const tests = readdirSync(unitDir).filter((f) => f.endsWith('.test.ts'));
rmSync(join(here, 'out'), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: tests.map((f) => join(unitDir, f)),
  outdir: join(here, 'out', 'unit'),
  platform: 'node',
  format: 'cjs',
  sourcemap: true,
  minify: false,
});
