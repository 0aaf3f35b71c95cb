// The web entry's answers to testany/listFiles and testany/readFile (src/web/files.ts, walk.ts)
// follow the native server's walker (crates/testany-lsp/src/files.rs): the same file
// limit, size cap and skipped directories. Read as text on both sides (files.ts imports
// `vscode`, which node:test cannot load; walk.ts's behaviour is webWalk.test.ts), so a change on either side fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const filesRs = readFileSync(join(root, '..', '..', 'crates', 'testany-lsp', 'src', 'files.rs'), 'utf8');
const filesTs = readFileSync(join(root, 'src', 'web', 'files.ts'), 'utf8');
const walkTs = readFileSync(join(root, 'src', 'web', 'walk.ts'), 'utf8');

/** A numeric constant's value: `1_000`, `2 * 1024 * 1024` and the like. */
function value(source: string, re: RegExp): number {
  const m = re.exec(source);
  assert.ok(m, `no match for ${re}`);
  return m[1]
    .replace(/_/g, '')
    .split('*')
    .map((n) => Number(n.trim()))
    .reduce((a, b) => a * b, 1);
}

/** The string literals of a list. */
function names(source: string, re: RegExp): string[] {
  const m = re.exec(source);
  assert.ok(m, `no match for ${re}`);
  return [...m[1].matchAll(/['"]([^'"]+)['"]/g)].map((x) => x[1]);
}

test('the file limit is files.rs MAX_FILES', () => {
  const rs = value(filesRs, /pub const MAX_FILES: usize = ([\d_ *]+);/);
  assert.equal(rs, 200_000);
  assert.equal(value(walkTs, /export const MAX_FILES = ([\d_ *]+);/), rs);
});

test('the size cap is files.rs MAX_MARKER_FILE', () => {
  const rs = value(filesRs, /pub const MAX_MARKER_FILE: u64 = ([\d_ *]+);/);
  assert.equal(rs, 2 * 1024 * 1024);
  assert.equal(value(filesTs, /export const MAX_FILE_BYTES = ([\d_ *]+);/), rs);
});

test('the skipped directories are files.rs SKIPPED_DIRS, and hidden ones', () => {
  const rs = names(filesRs, /const SKIPPED_DIRS: \[&str; \d+\] = \[([^\]]*)\]/);
  assert.deepEqual(rs, ['target', 'node_modules', 'venv', '__pycache__', 'build', 'dist']);
  assert.deepEqual(names(walkTs, /export const SKIPPED_DIRS = \[([^\]]*)\]/), rs);
  assert.match(filesRs, /name\.starts_with\('\.'\) \|\| SKIPPED_DIRS\.contains\(&name\)/);
  assert.match(walkTs, /return !name\.startsWith\('\.'\) && !SKIPPED_DIRS\.includes\(name\);/);
});
