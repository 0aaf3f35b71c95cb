import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCLUDE_GLOB, isIgnored, MAX_MARKER_FILE_BYTES, MAX_WORKSPACE_FILES, SKIPPED_DIRS } from '../../src/shared/limits';

// The language server's walker is the one source of these limits; this file is bundled
// to editors/vscode/out/unit/, four levels below the repository root.
const FILES_RS = join(__dirname, '..', '..', '..', '..', 'crates', 'testany-lsp', 'src', 'files.rs');

/** The value of `const NAME: TYPE = EXPR;` in files.rs (integer products only). */
function rustConst(source: string, name: string): number {
  const m = new RegExp(`const ${name}: \\w+ = ([0-9_ *]+);`).exec(source);
  assert.ok(m, `${name} is defined in files.rs`);
  return m[1].split('*').reduce((acc, f) => acc * Number(f.trim().replace(/_/g, '')), 1);
}

test('the workspace walk follows the language server: one limit, one skip rule', () => {
  const source = readFileSync(FILES_RS, 'utf8');
  assert.equal(MAX_WORKSPACE_FILES, rustConst(source, 'MAX_FILES'));
  assert.equal(MAX_WORKSPACE_FILES, 200_000);
  assert.equal(MAX_MARKER_FILE_BYTES, rustConst(source, 'MAX_MARKER_FILE'));
  const dirs = /const SKIPPED_DIRS: \[&str; \d+\] = \[([^\]]*)\]/.exec(source);
  assert.ok(dirs, 'SKIPPED_DIRS is defined in files.rs');
  const names = [...dirs[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
  assert.deepEqual([...SKIPPED_DIRS], names);
  assert.equal(EXCLUDE_GLOB, '{**/.*/**,**/target/**,**/node_modules/**,**/venv/**,**/__pycache__/**,**/build/**,**/dist/**}');
});

test('isIgnored: the server`s is_ignored table', () => {
  const table: [string, boolean][] = [
    ['tests/test_cart.py', false],
    ['src/build.py', false],
    ['target', true],
    ['web/node_modules', true],
    ['.env', true],
    ['target/debug/x.rs', true],
    ['a/.git/HEAD', true],
    ['web/node_modules/y/i.js', true],
    ['pkg/__pycache__/m.pyc', true],
    ['builds/x.py', false],
  ];
  for (const [rel, want] of table) assert.equal(isIgnored(rel), want, rel);
});
