// What the Test Explorer and the status bar show, from `testany/caseStates` and
// `testany/pipelineStates` answers (the server's typed reading of each case and its
// counts per pipeline; nothing here reads lens titles or counts). Pure: no `vscode` import.
import type { LogViewResult, PipelineState, TestState } from './protocol';

/** The result word a test item's description shows: `FAILED`, `PASSED`, ..., `NO RESULT`. */
export function resultWord(state: TestState): string {
  return state === 'unknown' ? 'NO RESULT' : state.toUpperCase();
}

/** Whether a state counts as a failure (status bar count, Test Explorer failed mark). */
export function isFailed(state: TestState): boolean {
  return state === 'failed' || state === 'error' || state === 'timeout';
}

/**
 * A pipeline's status bar item from `testany/pipelineStates`: the server counts the cases
 * and writes the text; this adds the icon for its state and the tooltip.
 */
export function statusItem(p: PipelineState): { text: string; tooltip: string; failed: boolean } {
  const icon =
    p.state === 'running' || p.state === 'pending'
      ? '$(sync~spin)'
      : isFailed(p.state)
        ? '$(error)'
        : p.state === 'passed'
          ? '$(pass)'
          : '$(circle-outline)';
  return {
    text: `${icon} ${p.text}`,
    tooltip: `Testany ${p.pipeline}: latest execution ${p.execution} (${p.passed} passed, ${p.failed} failed, ${p.running} running${p.stale ? '; the last poll failed' : ''}). Click to show the execution.`,
    failed: p.failed > 0,
  };
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
