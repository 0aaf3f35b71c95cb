import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureItems, formatDuration, renderExecution, viewerHtml } from '../../src/shared/render';

test('formatDuration prints as core plan::format_duration: cut down, no zero tail', () => {
  const table: [unknown, string][] = [
    [850, '850ms'],
    [999.9, '999ms'],
    [1500, '1s'],
    [12_000, '12s'],
    [59_999, '59s'],
    [120_000, '2m'],
    [135_000, '2m 15s'],
    [3_600_000, '1h'],
    [3_720_000, '1h 2m'],
    [3_659_000, '1h'],
    [-1, ''],
    ['x', ''],
    [Number.NaN, ''],
  ];
  for (const [ms, want] of table) assert.equal(formatDuration(ms), want, String(ms));
});
const EXEC = {
  key: 'SHP-0601-00012',
  status: 'COMPLETED',
  result: 'FAILED',
  pipeline_key: 'SHP-0601',
  environment: 'staging',
  started_at: '2026-11-26T05:00:00Z',
  duration_ms: 135_000,
  cases: [
    { index: 0, case_key: 'A1', name: 'ok', result: 'PASSED', duration_ms: 2000 },
    {
      index: 1,
      case_key: 'B2',
      name: 'bad|pipe',
      result: 'FAILED',
      duration_ms: 3000,
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
  assert.doesNotThrow(() => renderExecution(null));
  assert.doesNotThrow(() => renderExecution({ cases: 'nope' }));
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
