// Issue 18: with no native `testany` (none bundled, none on PATH), the desktop entry's
// server-start logic (src/desktop/server.ts chooseServer, src/node/host.ts) runs the
// bundled WASM language server in a Node worker thread, and it gives the lenses for
// examples/shop against the emulator over the desktop's file: URIs (the files answered
// from Node's fs, as workspace.fs does in the extension). With TESTANY_VSIX (cargo xtask
// test sets it) the worker and the .wasm come from that universal .vsix, unpacked, and its
// extension folder is the one searched for a bundled server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  answerFiles,
  binary,
  bundleHost,
  copyShop,
  extensionDist,
  recordingConnection,
  scriptedSession,
  startMock,
} from './session.mjs';

let tmp;
let mock;
let server;
let host;

before(async () => {
  assert.ok(existsSync(binary), `${binary} is missing: run \`cargo build -p testany-cli\` (or set TESTANY_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'testany-fallback-'));
  host = await bundleHost(tmp);
});

after(() => {
  server?.worker.terminate();
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

test('no testany on PATH: the WASM server in a worker thread gives the lenses for examples/shop', async () => {
  // The extension: an unpacked universal .vsix, or this checkout's dist/ (no server/ at tmp).
  let extensionPath = tmp;
  let dist = extensionDist;
  if (process.env.TESTANY_VSIX) {
    execFileSync('unzip', ['-q', process.env.TESTANY_VSIX, '-d', join(tmp, 'vsix')]);
    extensionPath = join(tmp, 'vsix', 'extension');
    dist = join(extensionPath, 'dist');
  }
  // PATH without any directory that holds `testany`.
  const pathEnv = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d && !isExecutable(join(d, 'testany')))
    .join(delimiter);
  const { choice, notice, warn } = host.chooseServer({
    setting: undefined,
    extensionPath,
    pathEnv,
    platform: process.platform,
    isExecutable,
  });
  assert.deepEqual(choice, { kind: 'wasm' });
  assert.equal(warn, false);
  assert.equal(
    notice,
    'Testany: running the bundled WASM language server: no native `testany` binary is bundled or on PATH. Install `testany` or set testany.serverPath for the native server (faster).',
  );

  let url;
  ({ child: mock, url } = await startMock());
  const { root } = copyShop(tmp, url);
  server = await host.startWasmServer(dist);
  const { conn, received } = recordingConnection(server.reader, server.writer);
  answerFiles(conn, host);
  conn.onRequest(() => null);
  conn.onNotification(() => {});
  conn.listen();
  const answers = await scriptedSession(conn, received, root);
  assert.deepEqual(
    // The case markers' lenses (per-test lenses follow once the logs are read: issue 15).
    answers.codeLens
      .filter((l) => l.range.start.line === 9 || l.range.start.line === 15)
      .map((l) => [l.range.start.line, l.command.title, l.command.command]),
    [
      [9, '✓ PASSED 2s · SHP-0601-0000C · staging', 'testany.showExecution'],
      [9, '↻ Re-run', 'testany.runPipeline'],
      [15, '✗ FAILED 3s · SHP-0601-0000C · staging', 'testany.openLog'],
      [15, '↻ Re-run', 'testany.runPipeline'],
    ],
  );
  // The failure log came through the worker's fetch from the emulator's log proxy
  // (`{uuid}.tr.testany.localhost`) into the in-memory cache.
  assert.match(answers.openLog.uri, /^testany-cache:\/testany\/logs\/[0-9a-f]{12}\/[^/]+\/4\.log$/);
  conn.dispose();
});
