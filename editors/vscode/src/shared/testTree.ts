// The Test Explorer's per-test tree (issue 15): pipeline → case (by name) → file → test,
// built from the test entries of `testany/caseStates` (the ones with a `testId`). Pure: no `vscode` import, so the unit tests and the
// native e2e apply it to the server's answers; ui.ts turns the nodes into TestItems.
// Names and messages arrive as display text (the server's convert::display): shown as given.
import { resultWord } from './cases';
import type { CaseState, TestDetail, TestFailure, TestRef, TestState } from './protocol';

/** A caseStates entry that is one test of a case's log (it has the flattened `TestDetail`). */
export type TestEntry = CaseState & TestDetail & { execution: string };

export function isTestEntry(s: CaseState): s is TestEntry {
  return typeof s.testId === 'string' && typeof s.caseIndex === 'number' && typeof s.execution === 'string';
}

/** A failed test's message: where VS Code shows it and, when both were printed, the diff's sides. */
export interface TreeMessage {
  text: string;
  expected?: string;
  actual?: string;
  uri: string;
  /** 0-based; the test's definition. */
  line: number;
  /** The server's diagnostic of the failure (caseStates `failure`): where the message goes when given. */
  failure?: TestFailure;
}

export interface TreeNode {
  kind: 'pipeline' | 'case' | 'file' | 'test';
  /** Unique in the tree; a test's is stable across refreshes of the same pipeline and case. */
  id: string;
  label: string;
  description?: string;
  uri?: string;
  /** 0-based definition line (tests only). */
  line?: number;
  /** The pipeline key caseStates gave the entry (`pipeline`); absent when it gave none. */
  pipeline?: string;
  /** Tests only. */
  state?: TestState;
  message?: TreeMessage;
  /** Tests only: what `testany.runLocally` takes. */
  ref?: TestRef;
  /** Tests only: `testany.openLog`'s `line`. */
  logLine?: number;
  children: TreeNode[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The per-test tree of caseStates' test entries (case entries are ignored: ui.ts keeps
 * showing them as before), grouped by each entry's `pipeline` as the server gives it (its
 * execution's pipeline from the polled data; never cut out of the execution key). The
 * protocol leaves `pipeline` out only when there is no execution, which a test entry
 * always has; an entry without one anyway is grouped under its execution, with no
 * pipeline to re-run. `relPath` names a file item (VS Code's `asRelativePath`). A test
 * listed twice in a case keeps its first entry.
 */
export function testTree(states: readonly CaseState[], relPath: (uri: string) => string): TreeNode[] {
  const pipelines = new Map<string, TreeNode>();
  const seen = new Set<string>();
  for (const s of states) {
    if (!isTestEntry(s)) continue;
    const pipeline = s.pipeline;
    const groupId = pipeline !== undefined ? `pipeline:${pipeline}` : `execution:${s.execution}`;
    let p = pipelines.get(groupId);
    if (!p) {
      p = { kind: 'pipeline', id: groupId, label: pipeline ?? s.execution, pipeline, children: [] };
      pipelines.set(groupId, p);
    }
    const caseId = `${p.id}/case:${s.key}`;
    let c = p.children.find((n) => n.id === caseId);
    if (!c) {
      c = {
        kind: 'case',
        id: caseId,
        label: s.caseName || s.key,
        description: [s.caseName ? s.key : undefined, s.execution].filter((x) => !!x).join(' · '),
        pipeline,
        children: [],
      };
      p.children.push(c);
    }
    const fileId = `${caseId}/file:${s.uri}`;
    let f = c.children.find((n) => n.id === fileId);
    if (!f) {
      f = { kind: 'file', id: fileId, label: relPath(s.uri), uri: s.uri, pipeline, children: [] };
      c.children.push(f);
    }
    const id = `${caseId}/test:${s.testId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const failed = s.state === 'failed' || s.state === 'error' || s.state === 'timeout';
    const message: TreeMessage | undefined = failed
      ? {
          text: s.message || `${resultWord(s.state)} ${s.name ?? ''}`,
          ...(s.expected !== undefined && s.actual !== undefined ? { expected: s.expected, actual: s.actual } : {}),
          uri: s.uri,
          line: s.line,
          ...(s.failure ? { failure: s.failure } : {}),
        }
      : undefined;
    f.children.push({
      kind: 'test',
      id,
      label: s.name ?? '',
      description: [resultWord(s.state), s.execution, s.stale ? 'stale' : undefined].filter((x) => !!x).join(' · '),
      uri: s.uri,
      line: s.line,
      pipeline,
      state: s.state,
      ...(message ? { message } : {}),
      ref: { execution: s.execution, caseIndex: s.caseIndex, testId: s.testId },
      logLine: s.logLine,
      children: [],
    });
  }
  const sorted = (nodes: TreeNode[]): TreeNode[] =>
    nodes
      .map((n) => ({ ...n, children: n.kind === 'file' ? n.children : sorted(n.children) }))
      .sort((a, b) => byText(a.label, b.label));
  // Tests keep their order in the file (by line).
  for (const p of pipelines.values()) {
    for (const c of p.children) for (const f of c.children) f.children.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }
  return sorted([...pipelines.values()]);
}

/**
 * The display name of the test a `testany.runLocally` argument (`{execution, caseIndex,
 * testId}`, a test lens's) names: its tree item's label, the caseStates `name` (display
 * text). Undefined when the tree has no such test; the raw `testId` is data and is never
 * shown (a terminal's name).
 */
export function testLabel(nodes: Iterable<TreeNode>, arg: unknown): string | undefined {
  const ref = (arg ?? {}) as Partial<TestRef>;
  for (const n of nodes) {
    if (
      n.kind === 'test' &&
      n.ref !== undefined &&
      n.ref.execution === ref.execution &&
      n.ref.caseIndex === ref.caseIndex &&
      n.ref.testId === ref.testId
    ) {
      return n.label;
    }
  }
  return undefined;
}

/** Every node of a tree, depth first. */
export function* walk(nodes: readonly TreeNode[]): Generator<TreeNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}
