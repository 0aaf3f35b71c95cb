// The Test Explorer and status bar read `testany/caseStates`: these are the pieces that
// turn its answers (and showExecution results) into what they show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  byPipeline,
  countStates,
  executionInfo,
  isFailed,
  logExcerpt,
  resultWord,
  statusText,
} from '../../src/shared/cases';
import type { TestState } from '../../src/shared/protocol';

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

test('status bar text per pipeline from case states', () => {
  assert.deepEqual(countStates(ALL), { passed: 1, failed: 3, running: 2, other: 2 });
  assert.equal(
    statusText('SHP-0601', countStates(['passed', 'failed', 'timeout'])),
    '$(error) SHP-0601 2 failed, 1 passed',
  );
  assert.equal(statusText('SHP-0601', countStates(['passed', 'passed', 'skipped'])), '$(pass) SHP-0601 2 passed');
  assert.equal(statusText('SHP-0601', countStates(['passed', 'pending'])), '$(sync~spin) SHP-0601 running 1');
  assert.equal(statusText('SHP-0601', countStates(['unknown'])), '$(circle-outline) SHP-0601');
});

test('byPipeline counts a case shown at two places once per execution', () => {
  const got = byPipeline(
    [
      { key: '6B2DAF18', state: 'failed', execution: 'SHP-0603-0000C' },
      { key: '6B2DAF18', state: 'failed', execution: 'SHP-0603-0000C' },
      { key: '7C3EB029', state: 'failed', execution: 'SHP-0603-0000C' },
      { key: '6B2DAF18', state: 'passed', execution: 'SHP-0603-0000B' },
    ],
    () => 'SHP-0603',
  );
  assert.deepEqual([...got], [['SHP-0603', { states: ['failed', 'failed', 'passed'], execution: 'SHP-0603-0000C' }]]);
});

test('byPipeline groups states by the pipeline of their execution, newest execution kept', () => {
  const pipelines: Record<string, string> = {
    'SHP-0601-0000C': 'SHP-0601',
    'SHP-0601-0000D': 'SHP-0601',
    'Y2K-1-00001': 'Y2K-1',
  };
  const got = byPipeline(
    [
      { state: 'failed', execution: 'SHP-0601-0000C' },
      { state: 'passed', execution: 'SHP-0601-0000D' },
      { state: 'unknown' },
      { state: 'passed', execution: 'Y2K-1-00001' },
      { state: 'passed', execution: 'UNSEEN-1' },
    ],
    (e) => pipelines[e],
  );
  assert.deepEqual(
    [...got],
    [
      ['SHP-0601', { states: ['failed', 'passed'], execution: 'SHP-0601-0000D' }],
      ['Y2K-1', { states: ['passed'], execution: 'Y2K-1-00001' }],
    ],
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
