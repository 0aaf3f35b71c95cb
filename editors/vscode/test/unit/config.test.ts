import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeConfig, parseToml, pipelineOf, readConfig } from '../../src/shared/config';

const SHOP = `# Points the editor at the local emulator
url = "http://testany.localhost:7357/api/v2/mcp/"
workspace = "SHP"
pipelines = ["SHP-0601", 'SHP-0602'] # two
environment = "staging"
log_domain = "testany.localhost"
history = 10

[poll]
running_secs = 2
idle_secs = 30

[cases]
A1B2C3D4 = "tests/test_login.py"
"X#1" = "a # not a comment.py"
`;

test('readConfig reads every key of design.md section 3', () => {
  const { config, problems } = readConfig(SHOP);
  assert.deepEqual(problems, []);
  assert.deepEqual(config, {
    url: 'http://testany.localhost:7357/api/v2/mcp/',
    workspace: 'SHP',
    pipelines: ['SHP-0601', 'SHP-0602'],
    environment: 'staging',
    log_domain: 'testany.localhost',
    history: 10,
    poll: { running_secs: 2, idle_secs: 30 },
    cases: { A1B2C3D4: 'tests/test_login.py', 'X#1': 'a # not a comment.py' },
  });
});

test('readConfig: a token key is a problem that says where the token belongs', () => {
  const { config, problems } = readConfig('url = "u"\ntoken = "secret"\n');
  assert.equal(config.url, 'u');
  assert.equal(problems.length, 1);
  assert.equal(problems[0].line, 1);
  assert.match(problems[0].message, /Set API Token/);
  assert.doesNotMatch(problems[0].message, /secret/);
});

test('parseToml never throws and reports unreadable lines', () => {
  const table: [string, number[]][] = [
    ['', []],
    ['just words', [0]],
    ['a = \nb = 1', [0]],
    ['a = [1, "x"', [0]],
    ['a = "unterminated', [0]],
    ['[t]\nx = true\r\ny = -3', []],
  ];
  for (const [text, lines] of table) {
    const { problems } = parseToml(text);
    assert.deepEqual(
      problems.map((p) => p.line),
      lines,
      text,
    );
  }
  assert.deepEqual(parseToml('[t]\nx = true\r\ny = -3').value, { t: { x: true, y: -3 } });
});

test('mergeConfig: set settings override the file key by key, poll per field', () => {
  const file = readConfig(SHOP).config;
  const merged = mergeConfig(file, { url: 'http://127.0.0.1:9/api/v2/mcp/', poll: { idle_secs: 5 } });
  assert.equal(merged.url, 'http://127.0.0.1:9/api/v2/mcp/');
  assert.equal(merged.workspace, 'SHP');
  assert.deepEqual(merged.poll, { running_secs: 2, idle_secs: 5 });
  assert.deepEqual(mergeConfig({ url: 'a' }, { url: undefined }), { url: 'a' });
});

test('pipelineOf picks the longest configured pipeline, else strips the run number', () => {
  const table: [string, string[], string | undefined][] = [
    ['SHP-0601-00012', ['SHP-0601'], 'SHP-0601'],
    ['Y2K-0601-0000A', ['Y2K', 'Y2K-0601'], 'Y2K-0601'],
    ['ABC-1-2', [], 'ABC-1'],
    ['nodash', [], undefined],
  ];
  for (const [execution, pipelines, want] of table) assert.equal(pipelineOf(execution, pipelines), want, execution);
});
