// Shared by the WASM-server e2e tests (wasm.test.mjs, fallback.test.mjs): the emulator,
// a copy of examples/shop, the desktop entry's server-start modules bundled for Node, the
// editor's answers to the server's file requests, and one scripted LSP session.
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { extensionRoot } from './workbench.mjs';

const require = createRequire(join(extensionRoot, 'package.json'));
export const rpc = require('vscode-jsonrpc/node');
export const repo = join(extensionRoot, '..', '..');
export const binary = process.env.TESTANY_BIN ?? join(repo, 'target', 'debug', 'testany');
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 60_000);
/**
 * The extension's dist/ whose WASM server runs (node/server.js, web/testany_wasm_bg.wasm):
 * this checkout's build, or `TESTANY_EXTENSION_DIST`, e.g. `extension/dist` of an unpacked
 * universal .vsix.
 */
export const extensionDist = process.env.TESTANY_EXTENSION_DIST ?? join(extensionRoot, 'dist');

/** src/desktop/server.ts, src/node/host.ts and src/web/walk.ts as one ESM bundle (no `vscode`). */
export async function bundleHost(dir) {
  const entry = join(dir, 'host-entry.ts');
  writeFileSync(
    entry,
    ['desktop/server.ts', 'node/host.ts', 'web/walk.ts']
      .map((f) => `export * from ${JSON.stringify(join(extensionRoot, 'src', f))};`)
      .join('\n'),
  );
  const out = join(dir, 'host.cjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    outfile: out,
    logLevel: 'warning',
  });
  return require(out);
}

/** `testany mock --port 0` and the URL it prints. */
export function startMock() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`testany mock printed no URL: ${out}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`testany mock exited with ${code}`)));
  });
}

/**
 * The marker-based tests' files (SHP-0601's marked tests and its testany.toml), copied
 * over a copy of examples/shop, which itself carries no marker.
 */
export const shopMarkers = join(repo, 'tests', 'fixtures', 'shop-markers');

/** A copy of examples/shop with the marker overlay, pointed at the emulator; its folder's file: URI. */
export function copyShop(tmp, url) {
  const project = join(tmp, 'shop');
  cpSync(join(repo, 'examples', 'shop'), project, { recursive: true });
  cpSync(shopMarkers, project, { recursive: true });
  const toml = join(project, 'testany.toml');
  writeFileSync(toml, readFileSync(toml, 'utf8').replace(/^url = .*$/m, `url = "${url}"`));
  return { project, root: pathToFileURL(project).href };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The editor's answers to `testany/listFiles` and `testany/readFile` for file: URIs from
 * Node's fs, by the web entry's walk (src/web/walk.ts) and readFile rules (VS Code's
 * workspace.fs does this in the extension).
 */
export function answerFiles(conn, host) {
  conn.onRequest('testany/listFiles', ({ root }) => {
    const dir = fileURLToPath(root);
    return host.walk(async (rel) =>
      (await readdir(rel ? join(dir, rel) : dir, { withFileTypes: true })).map((e) => [
        e.name,
        e.isSymbolicLink() ? host.SYMBOLIC_LINK : e.isDirectory() ? host.DIRECTORY : e.isFile() ? host.FILE : 0,
      ]),
    );
  });
  conn.onRequest('testany/readFile', async ({ uri }) => {
    try {
      const path = fileURLToPath(uri);
      const s = await stat(path);
      if (!s.isFile() || s.size > 2 * 1024 * 1024) return { text: null };
      return { text: utf8.decode(await readFile(path)) };
    } catch {
      return { text: null };
    }
  });
}

/** A JSON-RPC connection that records every message the server sends, in order. */
let recentlyReceived;

export function recordingConnection(reader, writer) {
  const received = [];
  recentlyReceived = received;
  const origListen = reader.listen.bind(reader);
  reader.listen = (cb) => origListen((m) => (received.push(structuredClone(m)), cb(m)));
  const conn = rpc.createMessageConnection(reader, writer);
  return { conn, received };
}

/** Waits for a condition on the recorded messages. */
export async function until(what, f) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${process.env.E2E_VERBOSE ? `: ${JSON.stringify(recentlyReceived?.slice(-8))}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The scripted session: initialize, initialized, didOpen of tests/test_login.py, the
 * results (its diagnostics down to the failing line of the log), codeLens, testany.openLog of the failing case,
 * testany.recentFailures, shutdown. Returns the answers in order.
 */
export async function scriptedSession(conn, received, root) {
  const uri = `${root}/tests/test_login.py`;
  const text = readFileSync(fileURLToPath(uri), 'utf8');
  const answers = {};
  answers.initialize = await conn.sendRequest('initialize', {
    processId: null,
    rootUri: root,
    capabilities: { workspace: { codeLens: { refreshSupport: true } } },
    workspaceFolders: [{ uri: root, name: 'shop' }],
  });
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'python', version: 1, text },
  });
  // The results: the marker's diagnostics and the error at the failing line the case's
  // log names (tests/test_login.py:21), so the log was fetched and read.
  await until('diagnostics with results for test_login.py', () => {
    const latest = received.findLast((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri);
    return latest?.params.diagnostics.some((d) => d.source === 'testany' && d.range.start.line === 20);
  });
  answers.codeLens = await conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  const failed = answers.codeLens.find((l) => l.command?.command === 'testany.openLog');
  answers.openLog = failed
    ? await conn.sendRequest('workspace/executeCommand', {
        command: 'testany.openLog',
        arguments: failed.command.arguments,
      })
    : null;
  answers.recentFailures = await conn.sendRequest('workspace/executeCommand', {
    command: 'testany.recentFailures',
    arguments: [{ days: 30 }],
  });
  await conn.sendRequest('shutdown');
  return answers;
}
