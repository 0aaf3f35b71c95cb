// src/web/walk.ts: the walk behind testany/listFiles, over a fake directory tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIRECTORY, FILE, SYMBOLIC_LINK, walk } from '../../src/web/walk';

/** A reader over `tree` (directory -> entries); unknown directories throw, as a real one would. */
function reader(tree: Record<string, [string, number][]>) {
  const reads: string[] = [];
  const read = async (rel: string) => {
    reads.push(rel);
    const entries = tree[rel];
    if (!entries) throw new Error(`ENOENT ${rel}`);
    return entries;
  };
  return { read, reads };
}

const TREE: Record<string, [string, number][]> = {
  '': [
    ['testany.toml', FILE],
    ['tests', DIRECTORY],
    ['.git', DIRECTORY],
    ['node_modules', DIRECTORY],
    ['loop', DIRECTORY | SYMBOLIC_LINK],
    ['link.py', FILE | SYMBOLIC_LINK],
    ['gone', DIRECTORY],
    ['README.md', FILE],
  ],
  tests: [
    ['test_b.py', FILE],
    ['test_a.py', FILE],
    ['build', DIRECTORY],
    ['api', DIRECTORY],
  ],
  'tests/api': [['test_orders.py', FILE]],
};

test('files breadth first, sorted per directory; skipped, hidden and linked entries left out', async () => {
  const { read, reads } = reader(TREE);
  const listed = await walk(read);
  assert.deepEqual(listed, {
    files: ['README.md', 'testany.toml', 'tests/test_a.py', 'tests/test_b.py', 'tests/api/test_orders.py'],
    truncated: false,
  });
  // A symbolic link to a directory (here a loop) is never entered; an unreadable one is skipped.
  assert.deepEqual(reads.sort(), ['', 'gone', 'tests', 'tests/api']);
});

test('the listing stops at the limit and says so', async () => {
  const { read } = reader(TREE);
  assert.deepEqual(await walk(read, 3), {
    files: ['README.md', 'testany.toml', 'tests/test_a.py'],
    truncated: true,
  });
});

test("the FileType bits are VS Code's", () => {
  const dts = readFileSync(join(__dirname, '..', '..', 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const bit = (name: string) =>
    Number(new RegExp(`export enum FileType \\{[^}]*?\\b${name} = (\\d+)`, 's').exec(dts)?.[1]);
  assert.deepEqual([bit('File'), bit('Directory'), bit('SymbolicLink')], [FILE, DIRECTORY, SYMBOLIC_LINK]);
});
