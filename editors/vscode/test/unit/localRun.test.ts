// "Run locally" runs the server's argv as the terminal's process, with no shell between
// (review round 2, finding 2): nothing is quoted, so PowerShell's split of `-Da.b=c` at the
// dot, typographic quotes ending a PowerShell string and fish's escapes cannot apply.
import './fakeVscode';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { env, terminalCalls } from './fakeVscode';
import { openLocalRun } from '../../src/shared/localRun';

beforeEach(() => {
  terminalCalls.length = 0;
});

test('Run locally: a Maven argv reaches the terminal process unchanged (PowerShell would split -Dsurefire.x)', () => {
  env.shell = 'C:\\Program Files\\PowerShell\\7\\pwsh.exe';
  openLocalRun(
    {
      argv: ['mvn', '-Dtest=OrderTest#orderTotalIncludesTax', '-Dsurefire.failIfNoSpecifiedTests=false', 'test'],
      cwd: 'C:\\w\\shop',
    },
    'OrderTest#orderTotalIncludesTax',
  );
  assert.deepEqual(terminalCalls, [
    [
      'createTerminal',
      {
        name: 'Testany: OrderTest#orderTotalIncludesTax',
        shellPath: 'mvn',
        shellArgs: ['-Dtest=OrderTest#orderTotalIncludesTax', '-Dsurefire.failIfNoSpecifiedTests=false', 'test'],
        cwd: 'C:\\w\\shop',
      },
    ],
    ['show'],
  ]);
});

test('Run locally: a test name with typographic quotes and shell syntax is one argument, nothing typed (fish)', () => {
  env.shell = '/usr/bin/fish';
  const name = "it\u2019s fine\u2019; Start-Process calc; \u2019 a\\'; touch /tmp/pwned; echo '";
  openLocalRun({ argv: ['npx', 'jest', '-t', name], cwd: '/w/shop' }, 'it’s fine');
  assert.deepEqual(terminalCalls, [
    [
      'createTerminal',
      { name: 'Testany: it’s fine', shellPath: 'npx', shellArgs: ['jest', '-t', name], cwd: '/w/shop' },
    ],
    ['show'],
  ]);
});

test('Run locally: an empty argv is refused with a sentence, no terminal opened', () => {
  assert.throws(() => openLocalRun({ argv: [], cwd: '/w' }, 'x'), { message: 'runLocally gave no command to run.' });
  assert.deepEqual(terminalCalls, []);
});
