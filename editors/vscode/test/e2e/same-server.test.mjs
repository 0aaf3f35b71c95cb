// Issue 16 "Done when": one scripted session (initialize, initialized, didOpen of
// examples/shop's tests/test_login.py, its results, codeLens, testany.openLog,
// testany.recentFailures, shutdown) against the native server (`testany lsp` over stdio)
// and the WASM server (the desktop fallback: testany-lsp for wasm32 in a Node worker
// thread, src/node/host.ts), both against one `testany mock` and the same copy of
// examples/shop, must receive the same LSP messages.
//
// Normalised, and only this, because it must differ between the hosts:
// - the WASM server's `testany/listFiles` and `testany/readFile` requests are dropped: it
//   cannot read files, so it asks the editor (Files::Client); the native server reads them
//   itself.
// - the log cache's root in openLog's `uri`: natively a file under $XDG_CACHE_HOME
//   (`file://<cache>/testany/logs/`), in the worker the in-memory cache
//   (`testany-cache:/testany/logs/`, env::WEB_LOG_ROOT); both become `<logs>/`.
// - how the server's own messages fall between two of the client's answers: the server
//   publishes in passes (publish.rs), each pass taking every event since the last, so
//   whether the poll and the log reads share a pass, and in which order a pass sends its
//   files (a HashMap, random per process: two native runs differ there too), depends on
//   the executor (tokio's threads natively, the worker's one thread in wasm). Between two
//   answers, each file keeps only its last publishDiagnostics (LSP: it replaces the
//   earlier ones), sorted by uri. `workspace/codeLens/refresh` requests are left out: they
//   carry no data, and how many come and where they fall among the client's requests
//   depends on when background jobs (log reads, per-test results) end; what a client
//   fetches on a refresh, the lenses, is compared (the codeLens answer). The session waits
//   for the results first (session.mjs), so the diagnostics compared are final on both.
// - the age in per-test lens titles (`· 44m 25s ago`): the clock moves between the runs.
// The workspace root needs no normalising (both serve the same folder, same file: URI)
// and the client's request ids are the same (one scripted sequence on each).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  answerFiles,
  binary,
  bundleHost,
  copyShop,
  extensionDist,
  recordingConnection,
  rpc,
  scriptedSession,
  startMock,
} from './session.mjs';

let tmp;
let mock;
let lsp;
let wasm;
let host;
let root;

before(async () => {
  assert.ok(existsSync(binary), `${binary} is missing: run \`cargo build -p testany-cli\` (or set TESTANY_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'testany-same-'));
  host = await bundleHost(tmp);
  let url;
  ({ child: mock, url } = await startMock());
  ({ root } = copyShop(tmp, url));
});

after(() => {
  lsp?.kill();
  wasm?.worker.terminate();
  mock?.kill();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function run(reader, writer, files) {
  const { conn, received } = recordingConnection(reader, writer);
  if (files) answerFiles(conn, host);
  conn.onRequest(() => null);
  conn.onNotification(() => {});
  conn.listen();
  await scriptedSession(conn, received, root);
  conn.sendNotification('exit');
  conn.dispose();
  return received;
}

const REFRESH = 'workspace/codeLens/refresh';
const PUBLISH = 'textDocument/publishDiagnostics';

/** The normalisation the header describes. */
function normalise(messages, logRoot) {
  const out = [];
  let publish = new Map();
  const flush = () => {
    out.push(...[...publish.values()].sort((x, y) => (x.params.uri < y.params.uri ? -1 : 1)));
    publish = new Map();
  };
  for (const m of messages) {
    if (m.method === 'testany/listFiles' || m.method === 'testany/readFile' || m.method === REFRESH) continue;
    if (m.method === PUBLISH) publish.set(m.params.uri, m);
    else {
      flush();
      out.push(m);
    }
  }
  flush();
  const text = JSON.stringify(out)
    .split(logRoot)
    .join('<logs>/')
    .replace(/ · (\d+[dhms] )*\d+[dhms] ago/g, ' · <age> ago');
  return JSON.parse(text);
}

test('the native and the WASM server send the same messages for one scripted session', async () => {
  const cache = join(tmp, 'cache');
  lsp = spawn(binary, ['lsp'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CACHE_HOME: cache, TESTANY_LOG: 'warn' },
  });
  const native = await run(new rpc.StreamMessageReader(lsp.stdout), new rpc.StreamMessageWriter(lsp.stdin), false);
  wasm = await host.startWasmServer(extensionDist);
  const web = await run(wasm.reader, wasm.writer, true);

  const a = normalise(native, `${pathToFileURL(join(cache, 'testany', 'logs')).href}/`);
  const b = normalise(web, 'testany-cache:/testany/logs/');
  // The session did reach results: a FAILED lens and a log were compared, not two empty runs.
  const codeLens = a.find((m) => Array.isArray(m.result) && m.result.some((l) => l.command?.title?.includes('FAILED')));
  assert.ok(codeLens, `no FAILED lens in the native session: ${JSON.stringify(a)}`);
  assert.ok(JSON.stringify(a).includes('<logs>/'), 'openLog answered no log URI');
  if (process.env.E2E_VERBOSE) {
    const line = (m) =>
      m.method
        ? `${m.method}${m.id !== undefined ? `#${m.id}` : ''} ${m.params?.uri ?? ''} ${m.params?.diagnostics?.length ?? ''}`
        : `answer#${m.id}`;
    console.log(`native:\n${a.map(line).join('\n')}\nwasm:\n${b.map(line).join('\n')}`);
    writeFileSync(join(tmpdir(), 'testany-same-native.json'), JSON.stringify(a, null, 1));
    writeFileSync(join(tmpdir(), 'testany-same-wasm.json'), JSON.stringify(b, null, 1));
  }
  assert.deepEqual(b, a);
});
