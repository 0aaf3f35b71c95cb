// A per-test failure as the Test Explorer shows it (issue 15): VS Code's diff
// (`expectedOutput`/`actualOutput`) when the log printed both, at the place of the
// failure's diagnostic that the server gives with the test (caseStates `failure`; issue 16:
// the client no longer matches diagnostics to tests by their related information).
import './fakeVscode';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseState } from '../../src/shared/protocol';
import { testMessageOf } from '../../src/shared/testMessage';
import { testTree, walk } from '../../src/shared/testTree';

const ORDER = 'file:///w/shop/src/test/java/com/acme/shop/OrderTest.java';
const REFUNDS = 'file:///w/shop/tests/api/test_refunds.py';

const STATES: CaseState[] = [
  {
    uri: ORDER,
    line: 12,
    key: '8D4FC13A',
    name: 'orderTotalIncludesTax',
    state: 'failed',
    execution: 'SHP-0603-0000C',
    pipeline: 'SHP-0603',
    stale: false,
    testId: 'com.acme.shop.OrderTest#orderTotalIncludesTax',
    caseIndex: 3,
    caseName: 'Unit tests (Maven)',
    message: 'org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98>',
    expected: '107.99',
    actual: '107.98',
    logLine: 52,
    failure: { uri: ORDER, range: { start: { line: 15, character: 8 }, end: { line: 15, character: 60 } } },
  },
  {
    uri: REFUNDS,
    line: 10,
    key: '5A1C9E07',
    name: 'TestRefunds.test_refund_of_a_gift_card_order',
    state: 'failed',
    execution: 'SHP-0603-0000C',
    pipeline: 'SHP-0603',
    stale: false,
    testId: 'tests/api/test_refunds.py::TestRefunds::test_refund_of_a_gift_card_order',
    caseIndex: 0,
    message: 'AssertionError: refund rejected',
    logLine: 19,
  },
];

test('testMessageOf: a diff for expected/actual at the failing line, else a message at the definition', () => {
  const tests = [...walk(testTree(STATES, (u) => u))];
  const order = tests.find((n) => n.label === 'orderTotalIncludesTax')!;
  const refund = tests.find((n) => n.label === 'TestRefunds.test_refund_of_a_gift_card_order')!;
  const diff = testMessageOf(order);
  assert.equal(diff.message, 'org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98>');
  assert.equal(diff.expectedOutput, '107.99');
  assert.equal(diff.actualOutput, '107.98');
  assert.equal(diff.location?.uri.toString(), ORDER);
  assert.deepEqual(diff.location?.range.start, { line: 15, character: 8 });
  assert.deepEqual(diff.location?.range.end, { line: 15, character: 60 });

  const plain = testMessageOf(refund);
  assert.equal(plain.message, 'AssertionError: refund rejected');
  assert.equal(plain.expectedOutput, undefined);
  assert.equal(plain.actualOutput, undefined);
  assert.equal(plain.location?.uri.toString(), REFUNDS);
  assert.deepEqual(plain.location?.range.start, { line: 10, character: 0 });
});
