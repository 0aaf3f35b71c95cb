// Issue 18, done when: the universal .vsix's own desktop entry (extension/dist/extension.js,
// with its bundled vscode-languageclient) loaded in plain Node, with no `testany` on PATH,
// runs the bundled WASM server in a worker thread and gets the lenses for examples/shop
// against the emulator. `vscode` is the stand-in of vscodeStub.mjs. Needs TESTANY_VSIX
// (skipped without it) and TESTANY_BIN (for `testany mock` only).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { binary, copyShop, startMock, TIMEOUT } from './session.mjs';
import { createStub, installStub, lensProviders, missing, notices, output, textDocument } from './vscodeStub.mjs';

const vsix = process.env.TESTANY_VSIX;
let tmp;
let mock;
let entry;
let context;

after(async () => {
  if (missing.size) console.log(`vscode stub: read but missing: ${[...missing].join(', ')}`);
  if (process.env.E2E_VERBOSE) console.log(JSON.stringify(output, null, 1));
  // As VS Code does on shutdown: deactivate (bounded), then dispose the subscriptions (the
  // UI's poll timer, the client, the worker), so nothing keeps the process alive.
  await Promise.race([entry?.deactivate().catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
  for (const d of context?.subscriptions ?? []) d.dispose?.();
  mock?.kill();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

test(
  'the .vsix desktop entry, no testany on PATH: lenses from the WASM server',
  { skip: !vsix && 'TESTANY_VSIX unset' },
  async () => {
    assert.ok(existsSync(binary), `${binary} is missing (set TESTANY_BIN)`);
    tmp = mkdtempSync(join(tmpdir(), 'testany-vsix-entry-'));
    execFileSync('unzip', ['-q', vsix, '-d', join(tmp, 'vsix')]);
    const extensionPath = join(tmp, 'vsix', 'extension');
    process.env.PATH = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((d) => d && !isExecutable(join(d, 'testany')))
      .join(delimiter);
    let url;
    ({ child: mock, url } = await startMock());
    const { project } = copyShop(tmp, url);
    const login = join(project, 'tests', 'test_login.py');
    const doc = await textDocument(login, 'python');
    installStub(createStub({ folder: project, documents: [doc] }));

    entry = createRequire(join(extensionPath, 'package.json'))('./dist/extension.js');
    context = {
      subscriptions: [],
      extensionPath,
      extensionUri: { fsPath: extensionPath, toString: () => `file://${extensionPath}` },
      secrets: {
        get: async () => undefined,
        store: async () => {},
        delete: async () => {},
        onDidChange: () => ({ dispose() {} }),
      },
      globalState: { get: (_k, d) => d, update: async () => {}, keys: () => [] },
      workspaceState: { get: (_k, d) => d, update: async () => {}, keys: () => [] },
    };
    await entry.activate(context);

    const want = [
      [9, '✓ PASSED 2s · SHP-0601-0000C · staging', 'testany.showExecution'],
      [9, '↻ Re-run', 'testany.runPipeline'],
      [15, '✗ FAILED 3s · SHP-0601-0000C · staging', 'testany.openLog'],
      [15, '↻ Re-run', 'testany.runPipeline'],
    ];
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    let got;
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      const lenses = lensProviders.length ? ((await lensProviders[0].provideCodeLenses(doc, token)) ?? []) : [];
      got = lenses
        .filter((l) => l.range.start.line === 9 || l.range.start.line === 15)
        .map((l) => [l.range.start.line, l.command?.title, l.command?.command]);
      if (got.length === want.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(got, want);
    assert.deepEqual(notices, [
      [
        'info',
        'Testany: running the bundled WASM language server: no native `testany` binary is bundled or on PATH. Install `testany` or set testany.serverPath for the native server (faster).',
      ],
    ]);
  },
);
