// Issue 16: the language server is the one engine; the extension shows what it returns.
// No source file may hold a second copy of its rules (the twin of editors/nvim/tests/unit.lua's
// "the plugin carries no second engine"). Each pattern is a piece of what the deleted
// copies held: display.ts's sanitiser, the web engine's TOML reader, marker scanner,
// frame resolver and poller, the pipeline cut out of an execution key, render.ts's duration
// formatter, the status bar's per-pipeline counts (`byPipeline`) and the Test Explorer's
// match of a test to its diagnostic (`failureLocations`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const FORBIDDEN: [string, RegExp][] = [
  ['an escape byte (ANSI parsing)', /\\x1b|\\u001b|\\u\{1b\}|\\x9b|\\u009b|fromCharCode\(27\)/i],
  ['SGR handling', /sgr/i],
  ['a second sanitiser', /forDisplay|sanitiz|Control Pictures|\\u2400/i],
  ['TOML parsing', /parseToml|toml\.parse|key = value/i],
  ['marker scanning', /testany:\\s|scanMarkers/i],
  ['frame resolution', /resolveFrame|suffix/i],
  ['a failure-line rule', /Traceback|AssertionError|--- FAIL/],
  ['polling', /setInterval/],
  ['an execution key taken apart', /execution\w*\.(lastIndexOf|split|slice|replace)\(|pipelineOfExecution/],
  ['duration formatting (the server sends `duration_text`)', /formatDuration|\.(duration|mean|max)_ms\b/],
  [
    'counting cases per pipeline (the server sends `testany/pipelineStates`)',
    /byPipeline|countStates|statusText|(passed|failed|running)\s*(\+\+|\+=)|\} failed, \$\{[^}]*\} passed/,
  ],
  [
    "matching diagnostics to tests (a failed test's caseStates entry has its `failure`)",
    /failureLocations|failureAt\b/,
  ],
];

/** Files that turn caseStates and pipelineStates answers into items: they read no diagnostics. */
const FROM_ANSWERS_ONLY = ['cases.ts', 'testTree.ts', 'testMessage.ts', 'testItems.ts'];

test('the extension carries no second engine', () => {
  const files = sources(join(root, 'src'));
  assert.ok(files.length > 20, `only ${files.length} sources found`);
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [what, re] of FORBIDDEN) {
      if (re.test(text)) found.push(`${relative(root, file)}: ${what} (${re.source})`);
    }
  }
  assert.deepEqual(found, []);
});

test("the status bar counts and the per-test tree read the server's answers, not its diagnostics", () => {
  const found: string[] = [];
  for (const name of FROM_ANSWERS_ONLY) {
    const text = readFileSync(join(root, 'src', 'shared', name), 'utf8');
    const m = /getDiagnostics|relatedInformation|\bDiagnostic\b/.exec(text);
    if (m) found.push(`src/shared/${name}: ${m[0]}`);
  }
  assert.deepEqual(found, []);
});
