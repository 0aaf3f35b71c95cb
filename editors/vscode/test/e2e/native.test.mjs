// The desktop entry's reading of the native server, end to end below the UI: `testany lsp`
// (the binary the desktop entry runs) against `testany mock` serving a copy of
// examples/shop, driven over stdio with vscode-jsonrpc, and the shared modules the Test
// Explorer, the status bar and the log viewer use (src/shared/cases.ts, protocol.ts,
// webview/src/computed.ts) applied to its answers. VS Code desktop cannot run in CI; this
// checks that what it would show comes from caseStates and logView as the server sends them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { extensionRoot } from './workbench.mjs';

const require = createRequire(join(extensionRoot, 'package.json'));
const rpc = require('vscode-jsonrpc/node');
const repo = join(extensionRoot, '..', '..');
const binary = process.env.TESTANY_BIN ?? join(repo, 'target', 'debug', 'testany');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 60_000);

let tmp;
let mock;
let lsp;
let conn;
let root;
let shared;

/** The shared modules as one ESM bundle (they are TypeScript; no `vscode` import). */
async function bundleShared(dir) {
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export * from ${JSON.stringify(join(extensionRoot, 'src', 'shared', 'cases.ts'))};`,
      `export * from ${JSON.stringify(join(extensionRoot, 'src', 'shared', 'protocol.ts'))};`,
      `export * from ${JSON.stringify(join(extensionRoot, 'webview', 'src', 'computed.ts'))};`,
    ].join('\n'),
  );
  const out = join(dir, 'shared.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: out,
    logLevel: 'warning',
  });
  return import(pathToFileURL(out).href);
}

function startMock() {
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

before(async () => {
  assert.ok(existsSync(binary), `${binary} is missing: run \`cargo build -p testany-cli\` (or set TESTANY_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'testany-native-'));
  shared = await bundleShared(tmp);
  let url;
  ({ child: mock, url } = await startMock());
  const project = join(tmp, 'shop');
  cpSync(join(repo, 'examples', 'shop'), project, { recursive: true });
  const toml = join(project, 'testany.toml');
  writeFileSync(toml, readFileSync(toml, 'utf8').replace(/^url = .*$/m, `url = "${url}"`));
  root = pathToFileURL(project).href;
  lsp = spawn(binary, ['lsp'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CACHE_HOME: join(tmp, 'cache'), TESTANY_LOG: 'warn' },
  });
  conn = rpc.createMessageConnection(new rpc.StreamMessageReader(lsp.stdout), new rpc.StreamMessageWriter(lsp.stdin));
  conn.onRequest(() => null);
  conn.onNotification(() => {});
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root,
    capabilities: {},
    workspaceFolders: [{ uri: root, name: 'shop' }],
  });
  conn.sendNotification('initialized', {});
});

after(() => {
  conn?.dispose();
  lsp?.kill();
  mock?.kill();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** caseStates once the first poll has results (the Test Explorer asks again on each change). */
async function statesWithResults() {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const states = await shared.caseStates(conn, {});
    if (states.some((s) => s.execution) || Date.now() > deadline) return states;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('Test Explorer items and the status bar from caseStates and showExecution', async () => {
  const states = await statesWithResults();
  const rows = states.map((s) => [
    s.uri.slice(root.length),
    s.line,
    s.key,
    shared.resultWord(s.state),
    s.name,
    s.stale,
  ]);
  assert.deepEqual(rows, [
    ['/inventory/stock_test.go', 4, '3DA06B1E', 'PASSED', 'TestReserveStock', false],
    ['/inventory/stock_test.go', 15, '4EB17C2F', 'FAILED', 'TestReleaseStockTwice', false],
    ['/src/test/java/com/acme/shop/OrderTest.java', 10, '1B8E4FAC', 'PASSED', 'orderTotalIncludesTax', false],
    ['/src/test/java/com/acme/shop/OrderTest.java', 17, '2C9F5A0D', 'ERROR', 'orderIsPersisted', false],
    ['/tests/test_cart.py', 5, 'A1B2C3D4', 'PASSED', 'test_add_item_updates_total', false],
    ['/tests/test_cart.py', 13, 'B7E4C2A9', 'FAILED', 'test_discount_applies_once', false],
    ['/tests/test_cart.py', 22, 'C3D9E5F1', 'PASSED', 'test_cart_rejects_negative_quantity', false],
    ['/tests/test_login.py', 9, 'D4A8B6C2', 'PASSED', 'test_login_with_valid_password', false],
    ['/tests/test_login.py', 15, 'E5B1C7D3', 'FAILED', 'test_login_lockout_after_three_attempts', false],
    ['/web/tests/checkout.spec.ts', 2, 'F6C2D8E4', 'PASSED', 'checkout shows the order summary', false],
    ['/web/tests/checkout.spec.ts', 9, '0A7D3E9B', 'TIMEOUT', 'checkout completes the payment', false],
  ]);
  const executions = [...new Set(states.map((s) => s.execution))];
  assert.equal(executions.length, 1);
  const info = shared.executionInfo(
    await shared.executeCommand(conn, 'testany.showExecution', { execution: executions[0] }),
  );
  assert.equal(info.pipeline, 'SHP-0601');
  assert.equal(info.caseIndex.get('E5B1C7D3'), 4);
  const groups = shared.byPipeline(states, () => info.pipeline);
  assert.deepEqual([...groups.keys()], ['SHP-0601']);
  assert.equal(
    shared.statusText('SHP-0601', shared.countStates(groups.get('SHP-0601').states)),
    '$(error) SHP-0601 5 failed, 6 passed',
  );
  // One document only: what Open Failure Log asks for the editor's file.
  const login = await shared.caseStates(conn, { uri: `${root}/tests/test_login.py` });
  assert.deepEqual(
    login.map((s) => [s.line, s.key]),
    [
      [9, 'D4A8B6C2'],
      [15, 'E5B1C7D3'],
    ],
  );
});

test('the log viewer renders logView: failure lines, the first failure, a frame resolved to the source', async () => {
  const states = await statesWithResults();
  const failed = states.find((s) => s.key === 'E5B1C7D3');
  const view = await shared.logView(conn, { execution: failed.execution, caseIndex: 4 });
  assert.equal(view.firstFailure, 24);
  assert.deepEqual(view.failureLines, [22, 24, 26, 28]);
  assert.deepEqual(view.frames, [{ logLine: 24, uri: `${root}/tests/test_login.py`, line: 20, column: null }]);
  const log = new shared.ComputedLog(view);
  assert.equal(
    log.renderLines(24, 25),
    '<div class="l fail" data-line="24"><span class="g">25</span><span class="t"><span class="loc" role="link" tabindex="0" data-loc="0"><span class="ansi-fg-1 ansi-bold">/builds/acme/shop/tests/test_login.py</span>:21: AssertionError</span></span></div>',
  );
  assert.equal(
    shared.logExcerpt(view, 3),
    [
      'E       AssertionError: account should be locked after 3 failures',
      '',
      '/builds/acme/shop/tests/test_login.py:21: AssertionError',
    ].join('\n'),
  );
});
