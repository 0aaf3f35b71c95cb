// What the Test Explorer and the status bar show, from `testany/caseStates` answers
// (the server's typed reading of each case; nothing here reads lens titles). Pure: no
// `vscode` import.
import type { CaseState, LogViewResult, TestState } from './protocol';

/** The result word a test item's description shows: `FAILED`, `PASSED`, ..., `NO RESULT`. */
export function resultWord(state: TestState): string {
  return state === 'unknown' ? 'NO RESULT' : state.toUpperCase();
}

/** Whether a state counts as a failure (status bar count, Test Explorer failed mark). */
export function isFailed(state: TestState): boolean {
  return state === 'failed' || state === 'error' || state === 'timeout';
}

/** Counts per kind of state, for the status bar. */
export interface Counts {
  passed: number;
  failed: number;
  running: number;
  /** Skipped, or no result yet. */
  other: number;
}

export function countStates(states: Iterable<TestState>): Counts {
  const c: Counts = { passed: 0, failed: 0, running: 0, other: 0 };
  for (const s of states) {
    if (s === 'passed') c.passed++;
    else if (isFailed(s)) c.failed++;
    else if (s === 'running' || s === 'pending') c.running++;
    else c.other++;
  }
  return c;
}

/** Status bar text for one pipeline, e.g. `$(error) SHP-0601 2 failed, 3 passed`. */
export function statusText(pipeline: string, c: Counts): string {
  if (c.running > 0) return `$(sync~spin) ${pipeline} running ${c.running}`;
  if (c.failed > 0) return `$(error) ${pipeline} ${c.failed} failed, ${c.passed} passed`;
  if (c.passed > 0) return `$(pass) ${pipeline} ${c.passed} passed`;
  return `$(circle-outline) ${pipeline}`;
}

/** What the UI knows of an execution from its `testany.showExecution` result. */
export interface ExecutionInfo {
  pipeline?: string;
  /** Case key -> the case's index in the execution (`caseIndex` of openLog and logView). */
  caseIndex: Map<string, number>;
}

/** Reads a `testany.showExecution` result (model JSON, snake_case); untrusted, so every field is checked. */
export function executionInfo(value: unknown): ExecutionInfo {
  const e = value && typeof value === 'object' ? (value as { pipeline_key?: unknown; cases?: unknown }) : {};
  const caseIndex = new Map<string, number>();
  if (Array.isArray(e.cases)) {
    for (const c of e.cases) {
      if (!c || typeof c !== 'object') continue;
      const { case_key: key, index } = c as { case_key?: unknown; index?: unknown };
      if (typeof key === 'string' && typeof index === 'number' && Number.isInteger(index) && index >= 0) {
        if (!caseIndex.has(key)) caseIndex.set(key, index);
      }
    }
  }
  return { pipeline: typeof e.pipeline_key === 'string' && e.pipeline_key ? e.pipeline_key : undefined, caseIndex };
}

/**
 * Per pipeline: the states of its cases and its newest execution (keys of one pipeline sort
 * by time). A case shown at two places (a marker and its trigger file) counts once.
 */
export function byPipeline(
  cases: readonly (Pick<CaseState, 'state' | 'execution'> & { key?: string })[],
  pipelineOf: (execution: string) => string | undefined,
): Map<string, { states: TestState[]; execution?: string }> {
  const out = new Map<string, { states: TestState[]; execution?: string }>();
  const seen = new Set<string>();
  for (const c of cases) {
    const pipeline = c.execution ? pipelineOf(c.execution) : undefined;
    if (!pipeline || !c.execution) continue;
    if (c.key !== undefined) {
      const id = `${c.execution}\u0000${c.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
    }
    const entry = out.get(pipeline) ?? { states: [] };
    entry.states.push(c.state);
    if (!entry.execution || c.execution > entry.execution) entry.execution = c.execution;
    out.set(pipeline, entry);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A few lines of a log view for a Test Explorer message: from just before the line
 * `testany.openLog` selects; `undefined` when the log is empty.
 */
export function logExcerpt(view: Pick<LogViewResult, 'text' | 'firstFailure'>, maxLines = 12): string | undefined {
  const lines = view.text.split('\n');
  const start = Math.max(0, Math.min(view.firstFailure, lines.length - 1) - 2);
  const excerpt = lines
    .slice(start, start + maxLines)
    .join('\n')
    .trimEnd();
  return excerpt || undefined;
}
