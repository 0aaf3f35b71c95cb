// Shared by the Playwright test and the benchmark: a tiny static server for dist/, the
// Debian Chromium launcher (no browser download, ever), and the log generator.
import { createServer } from 'node:http';
import { createReadStream, openSync, writeSync, closeSync, statSync, mkdirSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const here = dirname(fileURLToPath(import.meta.url));
export const dist = resolve(here, '../dist');
export const repoRoot = resolve(here, '../../../..');
export const artifacts = resolve(process.env.TESTANY_ARTIFACTS ?? join(repoRoot, 'target/artifacts'));
mkdirSync(artifacts, { recursive: true });

export const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.log': 'text/plain; charset=utf-8',
};

/** Serve dist/ plus `files` ({'/big.log': '/tmp/x.log'}) on a free loopback port. */
export async function serve(files = {}) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files[path] ?? join(dist, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dist) && !Object.values(files).includes(file)) {
      res.writeHead(403).end();
      return;
    }
    let size;
    try {
      size = statSync(file).size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'content-security-policy': CSP,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--enable-precise-memory-info',
    ],
  });
}

const ESC = '\x1b';
export const HOSTILE = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '</span></div><b onclick="window.__pwned = 3">not bold</b> &amp; &lt;',
];

/**
 * Write a log of about `bytes` bytes to `path`: timestamped lines with ANSI colours, a
 * Jest-style failure with two stack frames every `every` lines (distinct paths), the
 * hostile lines near the start and the end. Returns what the viewer must find.
 */
export function generateLog(path, bytes, every = Math.max(100, Math.floor(bytes / 90 / 20))) {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let buf = [];
  let bufLen = 0;
  let written = 0;
  let line = 0;
  const failures = [];
  const push = (text) => {
    buf.push(text, '\n');
    bufLen += text.length + 1;
    line++;
    if (bufLen > 1 << 20) flush();
  };
  const flush = () => {
    const chunk = buf.join('');
    written += Buffer.byteLength(chunk);
    writeSync(fd, chunk);
    buf = [];
    bufLen = 0;
  };
  const hostile = (at) => HOSTILE.forEach((h) => { at.push(line); push(h); });
  const hostileLines = [];
  push(`${ESC}[1mTestany run SHP-0601-00001${ESC}[0m`);
  hostile(hostileLines);
  let i = 0;
  let steps = 0;
  const target = bytes - 400;
  while (written + bufLen < target) {
    i++;
    if (i % every === 0) {
      const k = failures.length + 1;
      push(`${ESC}[31m✕ cart › adds item ${k}${ESC}[39m`);
      push(`Error: expect(received).toBe(expected) [needle-failure ${k}]`);
      failures.push({
        line,
        path: `/builds/acme/shop/tests/case_${k}.test.ts`,
        lineNo: 100 + k,
      });
      push(`    at Object.<anonymous> (${ESC}[36m/builds/acme/shop/tests/case_${k}.test.ts${ESC}[39m:${100 + k}:11)`);
      push(`    at helper (/builds/acme/shop/src/helper_${k}.ts:${k}:5)`);
      continue;
    }
    steps++;
    const s = String(i).padStart(7, '0');
    push(
      `2026-11-26 04:31:05 ${ESC}[32mINFO${ESC}[0m worker-${i % 4} step ${s} processed item ${s} in ${i % 97}.${i % 10} ms`,
    );
  }
  hostile(hostileLines);
  const last = `${ESC}[1;32mDone${ESC}[0m: ${failures.length} failed, ${line} lines`;
  push(last);
  flush();
  closeSync(fd);
  return { path, bytes: written, lines: line, steps, failures, hostileLines, lastLine: last.replace(/\x1b\[[0-9;]*m/g, '') };
}
