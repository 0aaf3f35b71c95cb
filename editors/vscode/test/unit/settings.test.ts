import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameNotice, settingsToOptions } from '../../src/shared/settings';

test('settings named the VS Code way become testany.toml keys (snake_case)', () => {
  const set: Record<string, unknown> = {
    url: 'https://testany.example/api/v2/mcp/',
    workspace: null,
    pipelines: ['SHP-0601'],
    logDomain: 'testany.example',
    history: 12,
    'poll.runningSecs': 3,
    'poll.idleSecs': null,
    cases: { A1: 'tests/a.py' },
  };
  assert.deepEqual(
    settingsToOptions((k) => set[k]),
    {
      url: 'https://testany.example/api/v2/mcp/',
      pipelines: ['SHP-0601'],
      log_domain: 'testany.example',
      history: 12,
      poll: { running_secs: 3 },
      cases: { A1: 'tests/a.py' },
    },
  );
  assert.deepEqual(
    settingsToOptions(() => undefined),
    {},
  );
  assert.deepEqual(
    settingsToOptions((k) => ({ 'poll.runningSecs': 2, 'poll.idleSecs': 30 })[k]),
    { poll: { running_secs: 2, idle_secs: 30 } },
  );
});

test('the notice after old setting names were moved names each move', () => {
  assert.equal(renameNotice([]), undefined);
  assert.equal(
    renameNotice(['log_domain', 'poll.running_secs']),
    "Testany: settings renamed to VS Code's style and moved: testany.log_domain → testany.logDomain, testany.poll.running_secs → testany.poll.runningSecs.",
  );
});
