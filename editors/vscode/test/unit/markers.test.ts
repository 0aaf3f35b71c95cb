import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveBySuffix, scanMarkers } from '../../src/shared/markers';

test('scanMarkers finds every marker with its line and UTF-16 column', () => {
  const text = 'import x\n# testany: A1B2C3D4\r\n// 日本 testany:B7.E4-C2_A9 and testany:  Z9\n\ttestany: -bad\n';
  assert.deepEqual(scanMarkers(text), [
    { key: 'A1B2C3D4', line: 1, column: 11 },
    { key: 'B7.E4-C2_A9', line: 2, column: 14 },
    { key: 'Z9', line: 2, column: 40 },
  ]);
  assert.deepEqual(scanMarkers(''), []);
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
