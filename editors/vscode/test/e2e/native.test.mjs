// The desktop entry's reading of the native server, end to end below the UI: `testany lsp`
// (the binary the desktop entry runs) against `testany mock` serving a copy of
// examples/shop, driven over stdio with vscode-jsonrpc, and the shared modules the Test
// Explorer, the status bar and the log viewer use (src/shared/cases.ts, protocol.ts,
// webview/src/computed.ts; testTree.ts for issue 15's per-test tree, on a second copy
// configured with the marker-free pipeline SHP-0603) applied to its answers. VS Code
// desktop cannot run in CI; this checks that what it would show comes from caseStates,
// logView and runLocally as the server sends them.
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
      `export * from ${JSON.stringify(join(extensionRoot, 'src', 'shared', 'testTree.ts'))};`,
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

/** A copy of examples/shop pointed at the emulator, its toml edited by `edit`; its file: URI. */
function copyShop(name, url, edit = (t) => t) {
  const project = join(tmp, name);
  cpSync(join(repo, 'examples', 'shop'), project, { recursive: true });
  cpSync(join(repo, 'tests', 'fixtures', 'shop-markers'), project, { recursive: true }); // the marker overlay
  const toml = join(project, 'testany.toml');
  writeFileSync(toml, edit(readFileSync(toml, 'utf8').replace(/^url = .*$/m, `url = "${url}"`)));
  return pathToFileURL(project).href;
}

/** `testany lsp` initialized on one workspace folder; its process and connection. */
async function startLsp(folder, name) {
  const child = spawn(binary, ['lsp'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CACHE_HOME: join(tmp, `cache-${name}`), TESTANY_LOG: 'warn' },
  });
  const c = rpc.createMessageConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  c.onRequest(() => null);
  c.onNotification(() => {});
  c.listen();
  await c.sendRequest('initialize', {
    processId: process.pid,
    rootUri: folder,
    capabilities: {},
    workspaceFolders: [{ uri: folder, name }],
  });
  c.sendNotification('initialized', {});
  return { child, conn: c };
}

let suitesLsp;
let suitesConn;
let suitesRoot;

before(async () => {
  assert.ok(existsSync(binary), `${binary} is missing: run \`cargo build -p testany-cli\` (or set TESTANY_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'testany-native-'));
  shared = await bundleShared(tmp);
  let url;
  ({ child: mock, url } = await startMock());
  root = copyShop('shop', url);
  ({ child: lsp, conn } = await startLsp(root, 'shop'));
  // The marker-free suites (issue 15): SHP-0603 "Shop suites" in this copy only (the
  // checks above read examples/shop as it is).
  suitesRoot = copyShop('suites', url, (t) => t.replace(/^pipelines = .*$/m, 'pipelines = ["SHP-0603"]'));
  ({ child: suitesLsp, conn: suitesConn } = await startLsp(suitesRoot, 'suites'));
});

after(() => {
  conn?.dispose();
  suitesConn?.dispose();
  lsp?.kill();
  suitesLsp?.kill();
  mock?.kill();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/**
 * caseStates' case entries (not the per-test ones, which come as logs are read) once the
 * first poll has results (the Test Explorer asks again on each change).
 */
async function statesWithResults() {
  const states = await statesUntil(conn, (all) => all.some((s) => s.execution));
  return states.filter((s) => s.testId === undefined);
}

/** caseStates of `c` once `done` holds of them (or the time is up: the checks then say what is missing). */
async function statesUntil(c, done) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const states = await shared.caseStates(c, {});
    if (done(states) || Date.now() > deadline) return states;
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
  // The status bar's counts and text, as the server gives them.
  const pipelines = await shared.pipelineStates(conn);
  assert.deepEqual(pipelines, [
    {
      pipeline: 'SHP-0601',
      execution: executions[0],
      state: 'failed',
      passed: 6,
      failed: 5,
      running: 0,
      other: 0,
      text: 'SHP-0601 5 failed, 6 passed',
      stale: false,
    },
  ]);
  assert.equal(shared.statusItem(pipelines[0]).text, '$(error) SHP-0601 5 failed, 6 passed');
  // One document only: what Open Failure Log asks for the editor's file.
  const login = await shared.caseStates(conn, { uri: `${root}/tests/test_login.py` });
  assert.deepEqual(
    login.filter((s) => s.testId === undefined).map((s) => [s.line, s.key]),
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

test('the per-test Test Explorer tree of the marker-free suites, with a diff for expected/actual', async () => {
  // Each case's tests arrive once its log is read, and a failed test's `failure` once its
  // diagnostic is published: wait for all four cases and every failure.
  const failed = (s) => s.testId !== undefined && (s.state === 'failed' || s.state === 'error');
  const states = await statesUntil(
    suitesConn,
    (all) =>
      new Set(all.filter((s) => s.testId !== undefined).map((s) => s.key)).size === 4 &&
      all.filter(failed).every((s) => s.failure !== undefined),
  );
  // Grouped by each entry's caseStates `pipeline`, as ui.ts does.
  const tree = shared.testTree(states, (uri) => uri.slice(suitesRoot.length + 1));
  const rows = (nodes, depth = 0) =>
    nodes.flatMap((n) => [
      `${'  '.repeat(depth)}${n.label}${n.description ? ` [${n.description}]` : ''}${n.state ? ` ${n.state}` : ''}${n.line !== undefined ? ` :${n.line}` : ''}`,
      ...rows(n.children, depth + 1),
    ]);
  assert.deepEqual(rows(tree), [
    'SHP-0603',
    '  API tests (pytest) [5A1C9E07 · SHP-0603-0000C]',
    '    tests/api/test_orders.py',
    '      test_create_order_returns_201 [PASSED · SHP-0603-0000C] passed :5',
    '      test_order_total_includes_tax [FAILED · SHP-0603-0000C] failed :11',
    '      test_list_orders_is_paginated [PASSED · SHP-0603-0000C] passed :17',
    '    tests/api/test_refunds.py',
    '      TestRefunds.test_refund_within_30_days [PASSED · SHP-0603-0000C] passed :6',
    '      TestRefunds.test_refund_of_a_gift_card_order [FAILED · SHP-0603-0000C] failed :10',
    '      TestRefunds.test_partial_refund [SKIPPED · SHP-0603-0000C] skipped :15',
    '  Shop API [7C3EB029 · SHP-0603-0000C]',
    '    api/shop-api.postman_collection.json',
    '      Status code is 201 [PASSED · SHP-0603-0000C] passed :15',
    '      Order has an id [PASSED · SHP-0603-0000C] passed :18',
    '      Status code is 200 [PASSED · SHP-0603-0000C] passed :41',
    '      Total includes tax [FAILED · SHP-0603-0000C] failed :44',
    '  Storefront e2e (Playwright) [6B2DAF18 · SHP-0603-0000C]',
    '    web/tests/e2e/storefront.spec.ts',
    '      storefront › lists the catalogue [PASSED · SHP-0603-0000C] passed :7',
    '      storefront › adds an item to the cart [FAILED · SHP-0603-0000C] failed :11',
    '      storefront › searches by name [PASSED · SHP-0603-0000C] passed :16',
    '  Unit tests (Maven) [8D4FC13A · SHP-0603-0000C]',
    '    src/test/java/com/acme/shop/OrderTest.java',
    '      orderTotalIncludesTax [FAILED · SHP-0603-0000C] failed :12',
    '      orderIsPersisted [PASSED · SHP-0603-0000C] passed :19',
    '    src/test/java/com/acme/shop/PriceCalculatorTest.java',
    '      appliesPercentageDiscount [PASSED · SHP-0603-0000C] passed :13',
    '      roundsHalfEven [FAILED · SHP-0603-0000C] failed :18',
    '      rejectsNegativeQuantity [PASSED · SHP-0603-0000C] passed :23',
  ]);
  const byId = new Map([...shared.walk(tree)].map((n) => [n.id, n]));
  // The diff VS Code shows: expectedOutput/actualOutput of the TestMessage at the test.
  const order = byId.get('pipeline:SHP-0603/case:8D4FC13A/test:com.acme.shop.OrderTest#orderTotalIncludesTax');
  assert.deepEqual(order.message, {
    text: 'org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98>',
    expected: '107.99',
    actual: '107.98',
    uri: `${suitesRoot}/src/test/java/com/acme/shop/OrderTest.java`,
    line: 12,
    // Where the server's diagnostic is: the failing assertEquals (line 15, no column in
    // the stack: from its first non-blank character), not the definition (issue 16).
    failure: {
      uri: `${suitesRoot}/src/test/java/com/acme/shop/OrderTest.java`,
      range: { start: { line: 14, character: 8 }, end: { line: 14, character: 62 } },
    },
  });
  const pytest = byId.get(
    'pipeline:SHP-0603/case:5A1C9E07/test:tests/api/test_orders.py::test_order_total_includes_tax',
  );
  assert.deepEqual(pytest.message, {
    text: "AssertionError: assert Decimal('107.98') == Decimal('107.99')",
    expected: "Decimal('107.99')",
    actual: "Decimal('107.98')",
    uri: `${suitesRoot}/tests/api/test_orders.py`,
    line: 11,
    failure: {
      uri: `${suitesRoot}/tests/api/test_orders.py`,
      range: { start: { line: 14, character: 4 }, end: { line: 14, character: 37 } },
    },
  });
  // No expected/actual printed: a plain message.
  assert.deepEqual(
    byId.get(
      'pipeline:SHP-0603/case:5A1C9E07/test:tests/api/test_refunds.py::TestRefunds::test_refund_of_a_gift_card_order',
    ).message,
    {
      text: 'AssertionError: refund rejected',
      uri: `${suitesRoot}/tests/api/test_refunds.py`,
      line: 10,
      failure: {
        uri: `${suitesRoot}/tests/api/test_refunds.py`,
        range: { start: { line: 12, character: 8 }, end: { line: 12, character: 57 } },
      },
    },
  );
  // "Run locally": the server's command for the test; the terminal runs this argv as is (localRun.ts).
  assert.deepEqual(pytest.ref, {
    execution: 'SHP-0603-0000C',
    caseIndex: 0,
    testId: 'tests/api/test_orders.py::test_order_total_includes_tax',
  });
  const local = await shared.runLocally(suitesConn, pytest.ref);
  assert.deepEqual(local, {
    argv: ['python', '-m', 'pytest', 'tests/api/test_orders.py::test_order_total_includes_tax'],
    cwd: suitesRoot.slice('file://'.length),
  });
  const postman = await shared.runLocally(
    suitesConn,
    byId.get('pipeline:SHP-0603/case:7C3EB029/test:Shop API / Get order / Total includes tax').ref,
  );
  assert.deepEqual(postman, {
    argv: ['newman', 'run', 'shop-api.postman_collection.json', '--folder', 'Get order'],
    cwd: `${suitesRoot.slice('file://'.length)}/api`,
  });
});
