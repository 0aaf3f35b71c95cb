import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, findServer, parseMockBanner } from '../../src/desktop/server';

const lookup = (setting: string | undefined, existing: string[]) =>
  findServer({
    setting,
    extensionPath: '/ext',
    pathEnv: '/usr/local/bin:/usr/bin/',
    platform: 'linux',
    isExecutable: (p) => existing.includes(p),
  });

test('findServer: setting, else bundled, else PATH, else nothing', () => {
  const all = ['/opt/testany', '/ext/server/testany', '/usr/bin/testany'];
  assert.deepEqual(lookup('/opt/testany', all), { command: '/opt/testany', source: 'setting' });
  assert.deepEqual(lookup('', all), { command: '/ext/server/testany', source: 'bundled' });
  assert.deepEqual(lookup('  ', ['/usr/bin/testany']), { command: '/usr/bin/testany', source: 'path' });
  assert.equal(lookup(undefined, []), undefined);
  // A setting that points nowhere is reported, not silently replaced by PATH.
  assert.equal(lookup('/missing/testany', all), undefined);
});

test('findServer on Windows looks for testany.exe with ; separated PATH', () => {
  const found = findServer({
    setting: '',
    extensionPath: 'C:\\ext',
    pathEnv: 'C:\\a;C:\\tools\\',
    platform: 'win32',
    isExecutable: (p) => p === 'C:\\tools\\testany.exe',
  });
  assert.deepEqual(found, { command: 'C:\\tools\\testany.exe', source: 'path' });
});

test('Backoff doubles up to the cap and resets after a quiet period', () => {
  const b = new Backoff(1000, 8000, 60_000);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((t) => b.next(t * 1000)),
    [1000, 2000, 4000, 8000, 8000, 8000],
  );
  assert.equal(b.next(5000 + 60_001), 1000);
  b.reset();
  assert.equal(b.next(0), 1000);
});

test('parseMockBanner reads the URL testany mock prints first', () => {
  assert.equal(
    parseMockBanner('testany mock listening on http://testany.localhost:41234/api/v2/mcp/'),
    'http://testany.localhost:41234/api/v2/mcp/',
  );
  assert.equal(parseMockBanner('something else'), undefined);
});
