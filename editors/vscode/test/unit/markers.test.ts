import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countStates, parseLensTitle, resolveBySuffix, scanMarkers, statusText } from '../../src/shared/markers';

test('scanMarkers finds every marker with its line and UTF-16 column', () => {
  const text = 'import x\n# testany: A1B2C3D4\r\n// 日本 testany:B7.E4-C2_A9 and testany:  Z9\n\ttestany: -bad\n';
  assert.deepEqual(scanMarkers(text), [
    { key: 'A1B2C3D4', line: 1, column: 11 },
    { key: 'B7.E4-C2_A9', line: 2, column: 14 },
    { key: 'Z9', line: 2, column: 40 },
  ]);
  assert.deepEqual(scanMarkers(''), []);
});

test('parseLensTitle reads the lens texts of design.md section 5', () => {
  const table: [string, ReturnType<typeof parseLensTitle>][] = [
    ['✗ FAILED 2m 15s · Y2K-0601-0000A · staging', { state: 'failed', result: 'FAILED', execution: 'Y2K-0601-0000A', stale: false }],
    ['✓ PASSED 12s · SHP-0601-00012 · staging', { state: 'passed', result: 'PASSED', execution: 'SHP-0601-00012', stale: false }],
    ['⟳ RUNNING · SHP-0601-00013', { state: 'running', result: 'RUNNING', execution: 'SHP-0601-00013', stale: false }],
    ['✗ TIMEOUT 30s · E-1 · prod (stale)', { state: 'failed', result: 'TIMEOUT', execution: 'E-1', stale: true }],
    ['? no result yet', { state: 'unknown', result: 'NO RESULT', stale: false }],
    ['↻ Re-run', undefined],
    ['', undefined],
  ];
  for (const [title, want] of table) assert.deepEqual(parseLensTitle(title), want, title);
});

test('status bar text per pipeline', () => {
  assert.equal(statusText('SHP-0601', countStates(['passed', 'failed', 'failed'])), '$(error) SHP-0601 2 failed, 1 passed');
  assert.equal(statusText('SHP-0601', countStates(['passed', 'passed'])), '$(pass) SHP-0601 2 passed');
  assert.equal(statusText('SHP-0601', countStates(['passed', 'running'])), '$(sync~spin) SHP-0601 running 1');
  assert.equal(statusText('SHP-0601', countStates([])), '$(circle-outline) SHP-0601');
});

test('resolveBySuffix maps CI paths to workspace files by the longest suffix', () => {
  const files = ['tests/a.py', 'other/tests/a.py', 'a.py', 'web/tests/checkout.spec.ts'];
  const table: [string, string | undefined][] = [
    ['/builds/x/repo/tests/a.py', 'tests/a.py'],
    ['/builds/x/repo/other/tests/a.py', 'other/tests/a.py'],
    ['C:\\ci\\web\\tests\\checkout.spec.ts', 'web/tests/checkout.spec.ts'],
    ['checkout.spec.ts', 'web/tests/checkout.spec.ts'],
    ['/elsewhere/b.py', undefined],
  ];
  for (const [path, want] of table) assert.equal(resolveBySuffix(path, files), want, path);
});
