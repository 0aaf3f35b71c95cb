// The desktop WASM fallback's worker gets the extension host's TESTANY_* variables and the
// token in its start message, beside the .wasm (review round 2, findings 3 and 6), and no
// other variable of the environment. A stand-in worker script echoes that message back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWasmServer } from '../../src/node/host';
import { serverStart } from '../../src/shared/serverStart';

test('the Node worker host posts the .wasm with TESTANY_URL, TESTANY_PIPELINES and the token, nothing else', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'testany-host-'));
  try {
    mkdirSync(join(dist, 'node'));
    mkdirSync(join(dist, 'web'));
    writeFileSync(join(dist, 'web', 'testany_wasm_bg.wasm'), Buffer.from([0, 97, 115, 109]));
    writeFileSync(
      join(dist, 'node', 'server.js'),
      `const { parentPort } = require('node:worker_threads');
parentPort.once('message', (m) => {
  const { testanyWasm, ...rest } = m;
  parentPort.postMessage({ wasmBytes: [...new Uint8Array(testanyWasm)], ...rest });
});`,
    );
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/dev',
      AWS_SECRET_ACCESS_KEY: 'not-for-the-worker',
      TESTANY_URL: 'https://testany.example',
      TESTANY_PIPELINES: 'SHP-0603',
    };
    const server = await startWasmServer(dist, serverStart({}, env, 'SECRET123').workerVars);
    try {
      const first = await new Promise((resolve) => server.reader.listen(resolve));
      assert.deepEqual(first, {
        wasmBytes: [0, 97, 115, 109],
        vars: { TESTANY_URL: 'https://testany.example', TESTANY_PIPELINES: 'SHP-0603', TESTANY_TOKEN: 'SECRET123' },
      });
    } finally {
      await server.worker.terminate();
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
