// src/shared/protocol.ts against crates/testany-lsp/src/ext.rs (as rust-analyzer checks
// lsp_ext.ts against its lsp/ext.rs): every type the extension reads has the wire field
// names ext.rs gives it, the methods are the same strings, TestState has the same words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_STATES, LIST_FILES, LOG_VIEW, PIPELINE_STATES, READ_FILE, RUN_LOCALLY } from '../../src/shared/protocol';

const root = join(__dirname, '..', '..');
const extRs = readFileSync(join(root, '..', '..', 'crates', 'testany-lsp', 'src', 'ext.rs'), 'utf8');
// The core types ext.rs flattens into its views (`CaseResult`, `SlowCase`): their fields
// are wire fields too (model JSON keeps the Rust names).
const coreRs = ['model.rs', 'health.rs'].map((f) =>
  readFileSync(join(root, '..', '..', 'crates', 'testany-core', 'src', f), 'utf8'),
);
const protocolTs = readFileSync(join(root, 'src', 'shared', 'protocol.ts'), 'utf8');

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * A struct's wire field names: `pub name: Type` lines, renamed as its serde attribute
 * says; a `#[serde(flatten ...)]` field (`pub test: Option<TestDetail>`) gives the
 * flattened struct's fields instead.
 */
function rustFields(name: string): string[] {
  const src = [extRs, ...coreRs].find((s) => s.includes(`pub struct ${name} {`)) ?? '';
  const at = src.indexOf(`pub struct ${name} {`);
  assert.ok(at >= 0, `ext.rs (or the core types it flattens) has no struct ${name}`);
  const attrs = src.slice(src.lastIndexOf('}', at), at);
  const body = src.slice(at, src.indexOf('\n}', at));
  const camelCase = attrs.includes('rename_all = "camelCase"');
  const out: string[] = [];
  for (const m of body.matchAll(/^\s*pub (\w+): ([^,\n]+),/gm)) {
    const before = body.slice(0, m.index);
    const attr = before.slice(before.lastIndexOf('\n    pub ') + 1);
    const flattened = /#\[serde\([^)]*flatten/.test(attr) ? /(\w+)>?$/.exec(m[2])?.[1] : undefined;
    if (flattened) out.push(...rustFields(flattened));
    else out.push(camelCase ? camel(m[1]) : m[1]);
  }
  return out;
}

/** An interface's field names in protocol.ts. */
function tsFields(name: string): string[] {
  const at = protocolTs.indexOf(`export interface ${name} {`);
  assert.ok(at >= 0, `protocol.ts has no interface ${name}`);
  const body = protocolTs.slice(at, protocolTs.indexOf('\n}', at));
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
}

test('protocol.ts has the wire fields of every ext.rs type the extension reads', () => {
  for (const name of [
    'CaseStatesParams',
    'CaseState',
    'TestDetail',
    'TestFailure',
    'PipelineState',
    'CaseRef',
    'OpenLogArgs',
    'OpenLogResult',
    'TestRef',
    'LocalCommandResult',
    'LineStyle',
    'LogFrame',
    'LogViewResult',
    'ListFilesParams',
    'ListFilesResult',
    'ReadFileParams',
    'ReadFileResult',
    'ExecutionView',
    'CaseView',
    'PipelineHealthView',
    'SlowCaseView',
  ]) {
    assert.deepEqual(tsFields(name).sort(), rustFields(name).sort(), name);
  }
  // Spot checks of the reading above, with the names written out.
  assert.deepEqual(rustFields('LogViewResult'), ['uri', 'text', 'styles', 'failureLines', 'firstFailure', 'frames']);
  assert.deepEqual(rustFields('CaseState'), [
    'uri',
    'line',
    'key',
    'name',
    'state',
    'execution',
    'pipeline',
    'stale',
    'testId',
    'caseIndex',
    'caseName',
    'message',
    'expected',
    'actual',
    'logLine',
    'failure',
  ]);
  assert.deepEqual(rustFields('PipelineState'), [
    'pipeline',
    'execution',
    'state',
    'passed',
    'failed',
    'running',
    'other',
    'text',
    'stale',
  ]);
  assert.deepEqual(rustFields('TestRef'), ['execution', 'caseIndex', 'testId']);
  assert.deepEqual(rustFields('SlowCaseView'), [
    'case_key',
    'name',
    'runs',
    'mean_ms',
    'max_ms',
    'mean_text',
    'max_text',
  ]);
});

test('protocol.ts names the methods and TestState words of ext.rs', () => {
  const method = (request: string) =>
    new RegExp(`impl Request for ${request} \\{[^}]*METHOD: &'static str = "([^"]+)"`).exec(extRs)?.[1];
  assert.equal(method('CaseStates'), CASE_STATES);
  assert.equal(method('LogView'), LOG_VIEW);
  assert.equal(method('PipelineStates'), PIPELINE_STATES);
  assert.equal(method('ListFiles'), LIST_FILES);
  assert.equal(method('ReadFile'), READ_FILE);
  assert.equal(/impl Command for RunLocally \{[^}]*NAME: &'static str = "([^"]+)"/.exec(extRs)?.[1], RUN_LOCALLY);
  const variants = /pub enum TestState \{([^}]*)\}/.exec(extRs)?.[1] ?? '';
  const words = [...variants.matchAll(/^\s*(\w+),/gm)].map((m) => m[1].toLowerCase());
  const union = /export type TestState =([^;]*);/.exec(protocolTs)?.[1] ?? '';
  assert.deepEqual(
    [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]),
    words,
  );
  assert.deepEqual(words, ['passed', 'failed', 'error', 'timeout', 'running', 'pending', 'skipped', 'unknown']);
});
