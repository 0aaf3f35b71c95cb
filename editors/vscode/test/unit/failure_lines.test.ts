import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFailureLine, logExcerpt } from '../../src/shared/render';

// The cases of core's failure-line rule (testany-core tests/failure_line.rs reads the same
// file): this copy answers as core does until issue 16 removes it. Bundled to out/unit/,
// four levels below the repository root.
const TABLE = join(__dirname, '..', '..', '..', '..', 'crates', 'testany-core', 'tests', 'fixtures', 'failure_lines.txt');

test('isFailureLine answers as core on its table', () => {
  const rows = readFileSync(TABLE, 'utf8')
    .split('\n')
    .map((row) => /^(true|false)\|(.*)$/.exec(row))
    .filter((m): m is RegExpExecArray => m !== null);
  assert.equal(rows.length, 44);
  const differ = rows.filter(([, want, line]) => isFailureLine(line) !== (want === 'true')).map(([row]) => row);
  assert.deepEqual(differ, []);
});

// Regression (issue 16): the excerpt starts at core's first failure line; the pytest
// `=== FAILURES ===` heading and `--no-fail-fast` are none, Go's `--- FAIL` is one.
test('logExcerpt starts by the first failure line of core rule', () => {
  assert.equal(
    logExcerpt('$ go test --no-fail-fast\na\nb\nc\n    cart_test.go:12: got 2\n--- FAIL: TestReserve (0.00s)\nFAIL\n', 3),
    'c\n    cart_test.go:12: got 2\n--- FAIL: TestReserve (0.00s)',
  );
  assert.equal(logExcerpt('x\ny\n=== FAILURES ===\nok\n'), undefined);
});
