// The Test Explorer's per-test tree (issue 15) from caseStates' test entries, the failure
// message VS Code shows as a diff, and the terminal line of "Run locally".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseState } from '../../src/shared/protocol';
import { testLabel, testTree, walk, type TreeNode } from '../../src/shared/testTree';

const ROOT = 'file:///w/shop';
const rel = (uri: string) => uri.slice(ROOT.length + 1);

const STATES: CaseState[] = [
  // A marker's case entry: not part of the per-test tree.
  {
    uri: `${ROOT}/tests/test_cart.py`,
    line: 13,
    key: 'B7E4C2A9',
    name: 'test_discount_applies_once',
    state: 'failed',
    execution: 'SHP-0601-0000C',
    pipeline: 'SHP-0601',
    stale: false,
  },
  {
    uri: `${ROOT}/src/test/java/com/acme/shop/OrderTest.java`,
    line: 17,
    key: '8D4FC13A',
    name: 'orderIsPersisted',
    state: 'passed',
    execution: 'SHP-0603-0000C',
    pipeline: 'SHP-0603',
    stale: false,
    testId: 'com.acme.shop.OrderTest#orderIsPersisted',
    caseIndex: 3,
    caseName: 'Shop Maven tests',
    logLine: 40,
  },
  {
    uri: `${ROOT}/src/test/java/com/acme/shop/OrderTest.java`,
    line: 10,
    key: '8D4FC13A',
    name: 'orderTotalIncludesTax',
    state: 'failed',
    execution: 'SHP-0603-0000C',
    pipeline: 'SHP-0603',
    stale: false,
    testId: 'com.acme.shop.OrderTest#orderTotalIncludesTax',
    caseIndex: 3,
    caseName: 'Shop Maven tests',
    message: 'expected: <107.99> but was: <107.98>',
    expected: '107.99',
    actual: '107.98',
    logLine: 52,
  },
  {
    uri: `${ROOT}/tests/api/test_refunds.py`,
    line: 12,
    key: '5A1C9E07',
    name: 'test_refund_of_a_gift_card_order',
    state: 'failed',
    execution: 'SHP-0603-0000C',
    pipeline: 'SHP-0603',
    stale: true,
    testId: 'tests/api/test_refunds.py::TestRefunds::test_refund_of_a_gift_card_order',
    caseIndex: 0,
    caseName: 'Shop API tests',
    message: 'AssertionError: refund rejected',
    logLine: 30,
  },
  {
    uri: `${ROOT}/tests/api/test_refunds.py`,
    line: 20,
    key: '5A1C9E07',
    name: 'test_partial_refund',
    state: 'skipped',
    execution: 'SHP-0603-0000C',
    pipeline: 'SHP-0603',
    stale: true,
    testId: 'tests/api/test_refunds.py::TestRefunds::test_partial_refund',
    caseIndex: 0,
    logLine: 33,
  },
  // Listed twice by the log: the first entry is kept.
  {
    uri: `${ROOT}/tests/api/test_refunds.py`,
    line: 12,
    key: '5A1C9E07',
    name: 'test_refund_of_a_gift_card_order',
    state: 'passed',
    execution: 'SHP-0603-0000C',
    pipeline: 'SHP-0603',
    stale: true,
    testId: 'tests/api/test_refunds.py::TestRefunds::test_refund_of_a_gift_card_order',
    caseIndex: 0,
    logLine: 31,
  },
];

/** The tree as rows: depth, label, description, state. */
function rows(nodes: TreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${'  '.repeat(depth)}${n.label}${n.description ? ` [${n.description}]` : ''}${n.state ? ` ${n.state}` : ''}${n.line !== undefined ? ` :${n.line}` : ''}`,
    ...rows(n.children, depth + 1),
  ]);
}

test('testTree: pipeline → case by name → file → test, from the test entries only', () => {
  const tree = testTree(STATES, rel);
  assert.deepEqual(rows(tree), [
    'SHP-0603',
    '  Shop API tests [5A1C9E07 · SHP-0603-0000C]',
    '    tests/api/test_refunds.py',
    '      test_refund_of_a_gift_card_order [FAILED · SHP-0603-0000C · stale] failed :12',
    '      test_partial_refund [SKIPPED · SHP-0603-0000C · stale] skipped :20',
    '  Shop Maven tests [8D4FC13A · SHP-0603-0000C]',
    '    src/test/java/com/acme/shop/OrderTest.java',
    '      orderTotalIncludesTax [FAILED · SHP-0603-0000C] failed :10',
    '      orderIsPersisted [PASSED · SHP-0603-0000C] passed :17',
  ]);
  const tests = [...walk(tree)].filter((n) => n.kind === 'test');
  assert.deepEqual(
    tests.map((n) => n.id),
    [
      'pipeline:SHP-0603/case:5A1C9E07/test:tests/api/test_refunds.py::TestRefunds::test_refund_of_a_gift_card_order',
      'pipeline:SHP-0603/case:5A1C9E07/test:tests/api/test_refunds.py::TestRefunds::test_partial_refund',
      'pipeline:SHP-0603/case:8D4FC13A/test:com.acme.shop.OrderTest#orderTotalIncludesTax',
      'pipeline:SHP-0603/case:8D4FC13A/test:com.acme.shop.OrderTest#orderIsPersisted',
    ],
  );
  assert.deepEqual(tests[2].ref, {
    execution: 'SHP-0603-0000C',
    caseIndex: 3,
    testId: 'com.acme.shop.OrderTest#orderTotalIncludesTax',
  });
  assert.equal(tests[2].logLine, 52);
  assert.equal(tests[2].pipeline, 'SHP-0603');
  // No test entries (markers only): no per-test tree.
  assert.deepEqual(testTree(STATES.slice(0, 1), rel), []);
});

test('testTree: a failure message at the definition, with expected/actual for the diff', () => {
  const tests = [...walk(testTree(STATES, rel))].filter((n) => n.kind === 'test');
  assert.deepEqual(tests[2].message, {
    text: 'expected: <107.99> but was: <107.98>',
    expected: '107.99',
    actual: '107.98',
    uri: `${ROOT}/src/test/java/com/acme/shop/OrderTest.java`,
    line: 10,
  });
  // No expected/actual printed: a plain message.
  assert.deepEqual(tests[0].message, {
    text: 'AssertionError: refund rejected',
    uri: `${ROOT}/tests/api/test_refunds.py`,
    line: 12,
  });
  assert.equal(tests[1].message, undefined);
  assert.equal(tests[3].message, undefined);
  // Names arrive as display text (the server's convert::display): shown as given; a missing
  // message names the test by that name, never by its raw testId (data, not display text).
  const [odd] = [
    ...walk(
      testTree(
        [{ ...STATES[2], message: undefined, name: 'x␛[2Jy', state: 'error', expected: undefined, actual: 'a' }],
        rel,
      ),
    ),
  ].filter((n) => n.kind === 'test');
  assert.equal(odd.label, 'x␛[2Jy');
  assert.deepEqual(odd.message, {
    text: 'ERROR x␛[2Jy',
    uri: `${ROOT}/src/test/java/com/acme/shop/OrderTest.java`,
    line: 10,
  });
});

test("testTree: groups by caseStates' pipeline, never cut out of the execution key", () => {
  // A pipeline key with no relation to the execution key's shape is used as given; no
  // showExecution lookup is needed (caseStates carries it).
  const named = testTree(
    STATES.map((s) => ({ ...s, pipeline: 'checkout-nightly' })),
    rel,
  );
  assert.deepEqual(
    named.map((n) => [n.id, n.label, n.pipeline]),
    [['pipeline:checkout-nightly', 'checkout-nightly', 'checkout-nightly']],
  );
  assert.ok([...walk(named)].every((n) => n.pipeline === 'checkout-nightly'));
  // An entry without one (the protocol omits it only without an execution): grouped by
  // the execution, no pipeline to re-run.
  const unknown = testTree(
    STATES.map((s) => ({ ...s, pipeline: undefined })),
    rel,
  );
  assert.deepEqual(
    unknown.map((n) => [n.id, n.label, n.pipeline]),
    [['execution:SHP-0603-0000C', 'SHP-0603-0000C', undefined]],
  );
  assert.ok([...walk(unknown)].every((n) => n.pipeline === undefined));
});

test("testLabel: a test lens's Run locally argument is named by its test's display name", () => {
  const nodes = [...walk(testTree([{ ...STATES[2], name: 'order total ␛[2J<U+202E>' }], rel))];
  const ref = { execution: 'SHP-0603-0000C', caseIndex: 3, testId: 'com.acme.shop.OrderTest#orderTotalIncludesTax' };
  assert.equal(testLabel(nodes, ref), 'order total ␛[2J<U+202E>');
  // Another case index, another test, no tree entry or no argument: no name (never the testId).
  assert.equal(testLabel(nodes, { ...ref, caseIndex: 4 }), undefined);
  assert.equal(testLabel(nodes, { ...ref, testId: 'x' }), undefined);
  assert.equal(testLabel([], ref), undefined);
  assert.equal(testLabel(nodes, undefined), undefined);
});
