import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseServer } from '../../src/desktop/server';

const choose = (setting: string | undefined, existing: string[]) =>
  chooseServer({
    setting,
    extensionPath: '/ext',
    pathEnv: '/usr/local/bin:/usr/bin/',
    platform: 'linux',
    isExecutable: (p) => existing.includes(p),
  });

test('chooseServer: the native server when one is found, with the notice saying where from', () => {
  assert.deepEqual(choose(undefined, ['/usr/bin/testany']), {
    choice: { kind: 'native', location: { command: '/usr/bin/testany', source: 'path' } },
    notice: 'Testany: running the native language server /usr/bin/testany (found on PATH).',
    warn: false,
  });
  assert.equal(
    choose('', ['/ext/server/testany']).notice,
    'Testany: running the native language server /ext/server/testany (bundled with the extension).',
  );
});

test('chooseServer: the bundled WASM server when none is found, saying why', () => {
  assert.deepEqual(choose(undefined, []), {
    choice: { kind: 'wasm' },
    notice:
      'Testany: running the bundled WASM language server: no native `testany` binary is bundled or on PATH. Install `testany` or set testany.serverPath for the native server (faster).',
    warn: false,
  });
  // A setting that points nowhere: still a working server, and a warning naming the setting.
  assert.deepEqual(choose('/opt/nothing', ['/usr/bin/testany']), {
    choice: { kind: 'wasm' },
    notice:
      'Testany: running the bundled WASM language server: testany.serverPath (/opt/nothing) is not an executable file. Install `testany` or set testany.serverPath for the native server (faster).',
    warn: true,
  });
});
