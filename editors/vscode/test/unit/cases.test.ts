// The Test Explorer and status bar read `testany/caseStates`: these are the pieces that
// turn its answers (and showExecution results) into what they show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executionInfo, isFailed, logExcerpt, resultWord, statusItem } from '../../src/shared/cases';
import type { PipelineState, TestState } from '../../src/shared/protocol';

const ALL: TestState[] = ['passed', 'failed', 'error', 'timeout', 'running', 'pending', 'skipped', 'unknown'];

test('resultWord and isFailed for every TestState of ext.rs', () => {
  assert.deepEqual(
    ALL.map((s) => [resultWord(s), isFailed(s)]),
    [
      ['PASSED', false],
      ['FAILED', true],
      ['ERROR', true],
      ['TIMEOUT', true],
      ['RUNNING', false],
      ['PENDING', false],
      ['SKIPPED', false],
      ['NO RESULT', false],
    ],
  );
});

test("a status bar item is the server's text with the icon of its state", () => {
  const p = (state: TestState, text: string, failed = 0): PipelineState => ({
    pipeline: 'SHP-0601',
    execution: 'SHP-0601-0000C',
    state,
    passed: 1,
    failed,
    running: 0,
    other: 0,
    text,
    stale: false,
  });
  assert.deepEqual(
    [
      p('failed', 'SHP-0601 2 failed, 1 passed', 2),
      p('passed', 'SHP-0601 1 passed'),
      p('running', 'SHP-0601 running 1', 1),
      p('unknown', 'SHP-0601'),
    ].map((x) => [statusItem(x).text, statusItem(x).failed]),
    [
      ['$(error) SHP-0601 2 failed, 1 passed', true],
      ['$(pass) SHP-0601 1 passed', false],
      // Running with a failure: the spinner, on the error background as before.
      ['$(sync~spin) SHP-0601 running 1', true],
      ['$(circle-outline) SHP-0601', false],
    ],
  );
  assert.equal(
    statusItem(p('passed', 'SHP-0601 1 passed')).tooltip,
    'Testany SHP-0601: latest execution SHP-0601-0000C (1 passed, 0 failed, 0 running). Click to show the execution.',
  );
});

test('executionInfo reads pipeline and case indices from a showExecution result', () => {
  const info = executionInfo({
    key: 'SHP-0601-0000C',
    pipeline_key: 'SHP-0601',
    cases: [
      { index: 0, case_key: 'A1B2C3D4' },
      { index: 3, case_key: 'B7E4C2A9' },
      { index: 4, case_key: 'B7E4C2A9' },
      { index: -1, case_key: 'NEG' },
      { index: 1.5, case_key: 'HALF' },
      { case_key: 'NOINDEX' },
      'junk',
      null,
    ],
  });
  assert.equal(info.pipeline, 'SHP-0601');
  assert.deepEqual(
    [...info.caseIndex],
    [
      ['A1B2C3D4', 0],
      ['B7E4C2A9', 3],
    ],
  );
  assert.deepEqual(executionInfo(null), { pipeline: undefined, caseIndex: new Map() });
  assert.deepEqual(executionInfo({ pipeline_key: 7, cases: 'x' }), { pipeline: undefined, caseIndex: new Map() });
});

test('logExcerpt starts two lines before the line openLog selects', () => {
  const text = [
    'collected 1 item',
    '',
    '    def test_x():',
    '>       assert 1 == 2',
    'E       AssertionError: assert 1 == 2',
    'tests/test_x.py:5: AssertionError',
  ].join('\n');
  assert.equal(
    logExcerpt({ text, firstFailure: 4 }, 3),
    ['    def test_x():', '>       assert 1 == 2', 'E       AssertionError: assert 1 == 2'].join('\n'),
  );
  assert.equal(logExcerpt({ text, firstFailure: 0 }, 2), 'collected 1 item');
  assert.equal(logExcerpt({ text: 'a\nb', firstFailure: 99 }, 5), 'a\nb');
  assert.equal(logExcerpt({ text: '', firstFailure: 0 }), undefined);
});
