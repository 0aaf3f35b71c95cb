// testany/readFile and testany/listFiles answer only inside the workspace folders: the
// server may ask for any URI (it probes each parent folder for testany.toml), and the
// extension reads nothing for it elsewhere. Through web/files.ts with a stand-in
// `workspace.fs` (test/unit/fakeVscode.ts) that records every call.
import { files, fsCalls, Uri, workspace } from './fakeVscode';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inWorkspace, listFiles, readFile } from '../../src/web/files';

const FOLDER = 'vscode-test-web://mount/shop';

test('readFile answers inside the workspace folders and null elsewhere, without reading', async () => {
  workspace.workspaceFolders = [{ uri: Uri.parse(FOLDER), name: 'shop', index: 0 }];
  files.clear();
  fsCalls.length = 0;
  files.set(`${FOLDER}/testany.toml`, 'url = "https://x"\n');
  files.set(`${FOLDER}/tests/a.py`, '# testany: K1\n');
  files.set('vscode-test-web://mount/testany.toml', 'parent\n');
  files.set('vscode-test-web://mount/secret.txt', 'secret\n');
  files.set('vscode-test-web://mount/shop-old/testany.toml', 'sibling\n');
  files.set('file:///shop/testany.toml', 'other scheme\n');
  files.set('vscode-test-web://other/shop/testany.toml', 'other authority\n');

  const text = async (uri: string) => (await readFile({ uri })).text;
  assert.equal(await text(`${FOLDER}/testany.toml`), 'url = "https://x"\n');
  assert.equal(await text(`${FOLDER}/tests/a.py`), '# testany: K1\n');
  // The server's probe of the parent folder: outside, so nothing there.
  assert.equal(await text('vscode-test-web://mount/testany.toml'), null);
  assert.equal(await text('vscode-test-web://mount/secret.txt'), null);
  // A sibling whose name starts with the folder's, dot segments (also encoded), other schemes and hosts.
  assert.equal(await text('vscode-test-web://mount/shop-old/testany.toml'), null);
  assert.equal(await text(`${FOLDER}/../secret.txt`), null);
  assert.equal(await text(`${FOLDER}/tests/%2e%2e/../secret.txt`), null);
  assert.equal(await text('file:///shop/testany.toml'), null);
  assert.equal(await text('vscode-test-web://other/shop/testany.toml'), null);
  assert.equal(await text('not a uri'), null);
  // Only the two files inside were touched.
  assert.deepEqual(fsCalls, [
    `stat ${FOLDER}/testany.toml`,
    `readFile ${FOLDER}/testany.toml`,
    `stat ${FOLDER}/tests/a.py`,
    `readFile ${FOLDER}/tests/a.py`,
  ]);
});

test('listFiles lists nothing for a root outside the workspace folders', async () => {
  workspace.workspaceFolders = [{ uri: Uri.parse(FOLDER), name: 'shop', index: 0 }];
  fsCalls.length = 0;
  assert.deepEqual(await listFiles({ root: 'vscode-test-web://mount' }), { files: [], truncated: false });
  assert.deepEqual(await listFiles({ root: 'vscode-test-web://mount/shop-old' }), { files: [], truncated: false });
  assert.deepEqual(fsCalls, []);
  // Inside: the folder's files.
  assert.deepEqual(await listFiles({ root: FOLDER }), { files: ['testany.toml', 'tests/a.py'], truncated: false });
});

test('inWorkspace: the folder itself and what lies below it, in any of several folders', () => {
  const folders = [{ uri: Uri.parse(FOLDER) }, { uri: Uri.parse('file:///home/u/api/') }];
  const inside = (u: string) => inWorkspace(Uri.parse(u) as never, folders as never);
  assert.equal(inside(FOLDER), true);
  assert.equal(inside(`${FOLDER}/a/b.py`), true);
  assert.equal(inside('file:///home/u/api/testany.toml'), true);
  assert.equal(inside('file:///home/u/testany.toml'), false);
  assert.equal(inside('file:///home/u/apis/x'), false);
  assert.equal(inside('vscode-test-web://MOUNT/shop/x'), true);
});
