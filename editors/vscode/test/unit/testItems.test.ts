import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testItemText } from '../../src/shared/testItems';

test('testItemText: the case name labels the item, its key leads the description', () => {
  assert.deepEqual(testItemText('B7E4C2A9', 'test_discount_applies_once', 'FAILED', 'SHP-0601-0000C'), {
    label: 'test_discount_applies_once',
    description: 'B7E4C2A9 · FAILED · SHP-0601-0000C',
  });
  assert.deepEqual(testItemText('B7E4C2A9', undefined, 'NO RESULT', undefined), {
    label: 'B7E4C2A9',
    description: 'NO RESULT',
  });
  assert.deepEqual(testItemText('B7E4C2A9', '', 'PASSED', 'E-1'), { label: 'B7E4C2A9', description: 'PASSED · E-1' });
  // A state from a failed poll says so.
  assert.deepEqual(testItemText('K1', 'n', 'PASSED', 'E-1', true), {
    label: 'n',
    description: 'K1 · PASSED · E-1 · stale',
  });
  // Names arrive as display text from the server (convert::display): shown as given.
  assert.deepEqual(testItemText('K1', 'test_<U+202E>eurt␍', 'FAILED', 'E-1'), {
    label: 'test_<U+202E>eurt␍',
    description: 'K1 · FAILED · E-1',
  });
});
