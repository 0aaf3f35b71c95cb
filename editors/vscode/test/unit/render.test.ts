import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureItems, renderExecution, renderHealth, viewerHtml } from '../../src/shared/render';

const EXEC = {
  key: 'SHP-0601-00012',
  status: 'COMPLETED',
  result: 'FAILED',
  pipeline_key: 'SHP-0601',
  environment: 'staging',
  started_at: '2026-11-26T05:00:00Z',
  duration_ms: 135_000,
  duration_text: '2m 15s',
  cases: [
    { index: 0, case_key: 'A1', name: 'ok', result: 'PASSED', duration_ms: 1500, duration_text: '1s' },
    {
      index: 1,
      case_key: 'B2',
      name: 'bad|pipe',
      result: 'FAILED',
      duration_ms: 3000,
      duration_text: '3s',
      error: 'x.py:20: AssertionError\nmore',
    },
  ],
};

test('renderExecution: summary and one escaped row per case', () => {
  const md = renderExecution(EXEC);
  assert.match(md, /^# Execution SHP-0601-00012\n/);
  assert.match(md, /\*\*COMPLETED \/ FAILED\*\* · pipeline SHP-0601 · environment staging/);
  assert.match(md, /2 cases: 1 passed, 1 not passed/);
  assert.match(md, /\| 1 \| B2 \| bad\\\|pipe \| FAILED \| 3s \| x\.py:20: AssertionError more \|/);
  assert.match(md, / · 2m 15s\n/);
  assert.doesNotThrow(() => renderExecution(null));
  assert.doesNotThrow(() => renderExecution({ cases: 'nope' }));
});

// Issue 16: durations are the server's text (core's plan::format_duration), shown as
// given; the extension formats no milliseconds (it printed `2s` for 1,500 ms, `2m 0s`).
test('renderExecution shows the durations as the server wrote them, and none it did not', () => {
  const md = renderExecution({
    key: 'E-2',
    status: 'COMPLETED',
    duration_ms: 120_000,
    duration_text: '2m',
    cases: [
      { index: 0, case_key: 'A1', result: 'PASSED', duration_ms: 1500, duration_text: '1s' },
      { index: 1, case_key: 'B2', result: 'PASSED', duration_text: '1h 3m' },
      { index: 2, case_key: 'C3', result: 'PASSED', duration_ms: 4000 },
    ],
  });
  assert.equal(
    md,
    [
      '# Execution E-2',
      '',
      '**COMPLETED** · 2m',
      '',
      '3 cases: 3 passed, 0 not passed',
      '',
      '| # | case | name | result | duration | error |',
      '|---|---|---|---|---|---|',
      '| 0 | A1 |  | PASSED | 1s |  |',
      '| 1 | B2 |  | PASSED | 1h 3m |  |',
      '| 2 | C3 |  | PASSED |  |  |',
      '',
    ].join('\n'),
  );
});

test("renderHealth shows the slowest cases' mean and max as the server wrote them", () => {
  const md = renderHealth('SHP-0601', {
    days: 7,
    from: '2026-11-20',
    to: '2026-11-26',
    runs: 3,
    passed: 2,
    failed: 1,
    pass_rate: 2 / 3,
    flaky: [],
    slowest: [
      { case_key: 'K1', name: 'pay', runs: 3, mean_ms: 1500, max_ms: 120_000, mean_text: '1s', max_text: '2m' },
      { case_key: 'K2', name: 'cart', runs: 1, mean_text: '850ms', max_text: '12s' },
    ],
  });
  assert.match(
    md,
    /\| case \| name \| mean \| max \|\n\|---\|---\|---\|---\|\n\| K1 \| pay \| 1s \| 2m \|\n\| K2 \| cart \| 850ms \| 12s \|\n/,
  );
});

test('failureItems reads the recentFailures rows of the server', () => {
  const items = failureItems([
    {
      execution: 'E-1',
      caseKey: 'B2',
      caseIndex: 1,
      result: 'FAILED',
      error: 'boom\nx',
      locations: [{ uri: 'file:///w/tests/a.py', path: 'tests/a.py', line: 19 }],
    },
    'garbage',
  ]);
  assert.equal(items.length, 2);
  assert.deepEqual(items[0], {
    label: 'FAILED B2',
    detail: 'E-1 · tests/a.py:20 · boom',
    execution: 'E-1',
    caseIndex: 1,
    path: 'tests/a.py',
    uri: 'file:///w/tests/a.py',
    line: 19,
  });
  assert.deepEqual(items[1], {
    label: 'FAILED ',
    detail: '',
    execution: undefined,
    caseIndex: undefined,
    path: undefined,
    uri: undefined,
    line: undefined,
  });
  assert.deepEqual(failureItems({ failures: [] }), []);
  assert.deepEqual(failureItems(null), []);
});

test('viewerHtml points the viewer page at webview URIs and the webview CSP source', () => {
  const page = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'">
<link rel="icon" href="data:,"><link rel="stylesheet" href="viewer.css"><script type="module" src="viewer.js"></script>`;
  const out = viewerHtml(page, 'https://res.vscode-cdn.net', (f) => `https://res.vscode-cdn.net/ext/dist/webview/${f}`);
  assert.equal(
    out,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src https://res.vscode-cdn.net 'wasm-unsafe-eval'; connect-src https://res.vscode-cdn.net">
<link rel="icon" href="data:,"><link rel="stylesheet" href="https://res.vscode-cdn.net/ext/dist/webview/viewer.css"><script type="module" src="https://res.vscode-cdn.net/ext/dist/webview/viewer.js"></script>`,
  );
});
