import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseNames, testItemText } from '../../src/shared/testItems';
import { lensSignature } from '../../src/shared/markers';

test('caseNames: key -> name from a showExecution result', () => {
  const execution = {
    key: 'SHP-0601-0000C',
    cases: [
      { index: 0, case_key: 'A1B2C3D4', name: 'test_add_item_updates_total', result: 'PASSED' },
      { index: 1, case_key: 'B7E4C2A9', name: 'test_discount_applies_once', result: 'FAILED' },
      { index: 2, case_key: 'C3', name: null },
      { index: 3, case_key: 'D4', name: '  ' },
      'junk',
      { name: 'no key' },
    ],
  };
  assert.deepEqual(
    [...caseNames(execution)],
    [
      ['A1B2C3D4', 'test_add_item_updates_total'],
      ['B7E4C2A9', 'test_discount_applies_once'],
    ],
  );
  assert.deepEqual([...caseNames(null)], []);
  assert.deepEqual([...caseNames({ cases: 'nope' })], []);
});

test('testItemText: the case name labels the item, its key leads the description', () => {
  assert.deepEqual(testItemText('B7E4C2A9', 'test_discount_applies_once', 'FAILED', 'SHP-0601-0000C'), {
    label: 'test_discount_applies_once',
    description: 'B7E4C2A9 · FAILED · SHP-0601-0000C',
  });
  assert.deepEqual(testItemText('B7E4C2A9', undefined, 'NO RESULT', undefined), { label: 'B7E4C2A9', description: 'NO RESULT' });
  assert.deepEqual(testItemText('B7E4C2A9', '', 'PASSED', 'E-1'), { label: 'B7E4C2A9', description: 'PASSED · E-1' });
  // Service text: control and bidi characters are shown, escape sequences removed.
  assert.deepEqual(testItemText('K1', 'test_\u202eeurt\x1b]0;title\x07\r', 'FAILED', 'E-\x9b2J'), {
    label: 'test_<U+202E>eurt␍',
    description: 'K1 · FAILED · E-<U+009B>2J',
  });
});

test('lensSignature changes with results, not with a running lens ticking', () => {
  const at = (title: string, command = 'testany.openLog') => [{ line: 13, title, command }];
  const running = lensSignature(at('⟳ RUNNING 12s · SHP-0601-0000D · staging', 'testany.refreshExecution'));
  assert.equal(running, lensSignature(at('⟳ RUNNING 14s · SHP-0601-0000D · staging', 'testany.refreshExecution')));
  assert.notEqual(lensSignature(at('? no result yet', '')), lensSignature(at('✗ FAILED 3s · SHP-0601-0000C · staging')));
  assert.notEqual(
    lensSignature(at('✗ FAILED 3s · SHP-0601-0000C · staging')),
    lensSignature(at('✗ FAILED 3s · SHP-0601-0000D · staging')),
  );
  assert.equal(
    lensSignature(at('✓ PASSED 2s · SHP-0601-0000C · staging', 'testany.showExecution')),
    '[[13,"testany.showExecution",["PASSED","SHP-0601-0000C",false]]]',
  );
});
