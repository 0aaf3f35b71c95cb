// The web entry's own copy of executions, hovers and health (src/shared/executions.ts):
// these tests go with that file when the web entry runs the language server (issue 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderExecution, renderHealth } from '../../src/shared/render';
import { health, hoverMarkdown, newestFirst } from '../../src/shared/executions';

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

test('hoverMarkdown: newest first with pass rate', () => {
  const older = {
    ...EXEC,
    key: 'SHP-0601-00011',
    started_at: '2026-11-25T05:00:00Z',
    cases: [{ index: 1, case_key: 'B2', result: 'PASSED', duration_ms: 1000 }],
  };
  const md = hoverMarkdown('B2', [older, EXEC], 10) ?? '';
  assert.equal(
    md,
    [
      '**Testany B2**: 50% passed (1 of 2)',
      '',
      '| result | duration | execution | environment | trigger |',
      '|---|---|---|---|---|',
      '| ✗ FAILED | 3s | SHP-0601-00012 | staging |  |',
      '| ✓ PASSED | 1s | SHP-0601-00011 | staging |  |',
    ].join('\n'),
  );
  assert.equal(hoverMarkdown('ZZ', [EXEC], 10), undefined);
  assert.deepEqual(
    newestFirst([older, EXEC]).map((e) => e.key),
    ['SHP-0601-00012', 'SHP-0601-00011'],
  );
});

test('health: pass rate, flaky and slowest cases within the window', () => {
  const now = Date.parse('2026-11-26T06:00:00Z');
  const pass = {
    ...EXEC,
    key: 'E-2',
    result: 'PASSED',
    started_at: '2026-11-25T06:00:00Z',
    cases: [{ case_key: 'B2', result: 'PASSED', duration_ms: 1000 }],
  };
  const ancient = { ...EXEC, key: 'E-0', started_at: '2026-10-01T06:00:00Z' };
  const h = health([EXEC, pass, ancient], 7, now);
  assert.equal(h.runs, 2);
  assert.equal(h.pass_rate, 0.5);
  // B2 passed, then failed: a new failure, not flaky (issue 17).
  assert.deepEqual(h.flaky, []);
  assert.deepEqual(
    h.slowest.map((s) => [s.case_key, s.mean_ms]),
    [
      ['A1', 2000],
      ['B2', 2000],
    ],
  );
  assert.match(renderHealth('SHP-0601', h), /\*\*50\.0%\*\* pass rate over 2 runs/);
});

test('health: flaky only when the result flipped more than once, in time order (issue 17)', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const run = (key: string, hour: number, result: string) => ({
    key,
    status: 'COMPLETED',
    result,
    started_at: `2026-11-26T0${hour}:00:00Z`,
    cases: [{ case_key: 'K', name: 'k', result, duration_ms: 1000 }],
  });
  // Given newest first, as the service lists them: pass, fail, pass in time order.
  const flipped = health([run('E-3', 3, 'PASSED'), run('E-2', 2, 'FAILED'), run('E-1', 1, 'PASSED')], 7, now);
  assert.deepEqual(flipped.flaky, [{ case_key: 'K', name: 'k', runs: 3, passed: 2, failed: 1, flips: 2 }]);
  // Failed only in the latest of three runs: one flip.
  const fresh = health([run('E-3', 3, 'FAILED'), run('E-2', 2, 'PASSED'), run('E-1', 1, 'PASSED')], 7, now);
  assert.deepEqual(fresh.flaky, []);
  assert.match(renderHealth('P', fresh), /pass rate over 3 runs \(2 passed, 1 failed\)/);
});

test('renderExecution and renderHealth: counts of one are singular', () => {
  const one = { ...EXEC, cases: [EXEC.cases[1]] };
  assert.match(renderExecution(one), /\n1 case: 0 passed, 1 not passed\n/);
  const now = Date.parse('2026-11-26T06:00:00Z');
  assert.match(
    renderHealth('SHP-0601', health([EXEC], 7, now)),
    /\*\*0\.0%\*\* pass rate over 1 run \(0 passed, 1 failed\)\./,
  );
});

test('service text in views: the hover', () => {
  const hover = hoverMarkdown(
    'K1',
    [{ key: 'E-1', environment: 'st\u202eg', trigger: 'ci\x07', cases: [{ case_key: 'K1', result: 'PASSED' }] }],
    10,
  );
  assert.ok(hover?.includes('| ✓ PASSED |  | E-1 | st<U+202E>g | ci␇ |'), hover);
});
