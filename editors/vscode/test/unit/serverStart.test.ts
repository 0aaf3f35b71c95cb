// The token never travels in JSON-RPC (review round 2, finding 6: vscode-jsonrpc's verbose
// trace prints initialize's params in the Output panel): the native server gets it as
// TESTANY_TOKEN in its environment, the WASM worker in its start message with the host's
// other TESTANY_* variables (finding 3) and nothing else of the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverStart } from '../../src/shared/serverStart';

const ENV = {
  PATH: '/usr/bin',
  HOME: '/home/dev',
  TESTANY_URL: 'https://testany.example',
  TESTANY_PIPELINES: 'SHP-0603',
  TESTANY_LOG: undefined,
};

test('serverStart: the token is in the native env and the worker vars, never in initializationOptions', () => {
  assert.deepEqual(serverStart({ url: 'https://settings.example', history: 5 }, ENV, 'SECRET123'), {
    initializationOptions: { url: 'https://settings.example', history: 5 },
    nativeEnv: {
      PATH: '/usr/bin',
      HOME: '/home/dev',
      TESTANY_URL: 'https://testany.example',
      TESTANY_PIPELINES: 'SHP-0603',
      TESTANY_LOG: 'info',
      TESTANY_TOKEN: 'SECRET123',
    },
    workerVars: {
      TESTANY_URL: 'https://testany.example',
      TESTANY_PIPELINES: 'SHP-0603',
      TESTANY_TOKEN: 'SECRET123',
    },
  });
});

test('serverStart: without a stored token the environment TESTANY_TOKEN stays; the web (no env) gets only the token', () => {
  const env = { ...ENV, TESTANY_TOKEN: 'from-env', TESTANY_LOG: 'debug' };
  assert.deepEqual(serverStart({}, env, undefined), {
    initializationOptions: {},
    nativeEnv: {
      PATH: '/usr/bin',
      HOME: '/home/dev',
      TESTANY_URL: 'https://testany.example',
      TESTANY_PIPELINES: 'SHP-0603',
      TESTANY_LOG: 'debug',
      TESTANY_TOKEN: 'from-env',
    },
    workerVars: {
      TESTANY_URL: 'https://testany.example',
      TESTANY_PIPELINES: 'SHP-0603',
      TESTANY_LOG: 'debug',
      TESTANY_TOKEN: 'from-env',
    },
  });
  assert.deepEqual(serverStart({}, {}, 'SECRET123').workerVars, { TESTANY_TOKEN: 'SECRET123' });
});
