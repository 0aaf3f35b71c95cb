// Case markers (design.md section 4) and lens titles (section 5), read back from text.
// Pure: no `vscode` import.

/** A `testany: KEY` marker on a 0-based line. */
export interface Marker {
  key: string;
  line: number;
  /** UTF-16 column of the key. */
  column: number;
}

const MARKER = /testany:\s*([A-Za-z0-9][A-Za-z0-9._-]*)/g;

/** Every marker of a document, in order; several per line are allowed. */
export function scanMarkers(text: string): Marker[] {
  const out: Marker[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let line = 0; line < lines.length; line++) {
    MARKER.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = MARKER.exec(lines[line])) !== null) {
      out.push({ key: m[1], line, column: m.index + m[0].length - m[1].length });
    }
  }
  return out;
}

export type CaseState = 'passed' | 'failed' | 'running' | 'unknown';

/** What a lens title says: `✗ FAILED 2m 15s · Y2K-0601-0000A · staging`. */
export interface LensInfo {
  state: CaseState;
  /** The result word as shown (FAILED, ERROR, TIMEOUT, PASSED, RUNNING, ...). */
  result: string;
  execution?: string;
  stale: boolean;
}

/** Reads a status lens title; `undefined` for other lenses (e.g. `↻ Re-run`). */
export function parseLensTitle(title: string): LensInfo | undefined {
  const stale = /\(stale\)/.test(title);
  if (title.startsWith('?')) return { state: 'unknown', result: 'NO RESULT', stale };
  const m = /^\s*(\S+)\s+([A-Z_]+)\b(.*)$/.exec(title);
  if (!m) return undefined;
  const result = m[2];
  const parts = m[3].split('·').map((s) => s.trim());
  const execution = parts.length > 1 && parts[1] ? parts[1].replace(/\s*\(stale\)$/, '') : undefined;
  let state: CaseState;
  if (result === 'PASSED' || result === 'SKIPPED') state = 'passed';
  else if (result === 'RUNNING' || result === 'PENDING') state = 'running';
  else if (['FAILED', 'ERROR', 'TIMEOUT', 'CANCELLED', 'CANCELED'].includes(result)) state = 'failed';
  else return undefined;
  return { state, result, execution, stale };
}

/** Counts per state, for the status bar. */
export interface Counts {
  passed: number;
  failed: number;
  running: number;
  unknown: number;
}

export function countStates(states: Iterable<CaseState>): Counts {
  const c: Counts = { passed: 0, failed: 0, running: 0, unknown: 0 };
  for (const s of states) c[s]++;
  return c;
}

/** Status bar text for one pipeline, e.g. `$(error) SHP-0601 2✗ 3✓`. */
export function statusText(pipeline: string, c: Counts): string {
  if (c.running > 0) return `$(sync~spin) ${pipeline} running ${c.running}`;
  if (c.failed > 0) return `$(error) ${pipeline} ${c.failed} failed, ${c.passed} passed`;
  if (c.passed > 0) return `$(pass) ${pipeline} ${c.passed} passed`;
  return `$(circle-outline) ${pipeline}`;
}

/**
 * Longest matching path suffix (design.md section 4): a CI path like
 * `/builds/x/repo/tests/a.py` maps to the workspace file `tests/a.py`.
 */
export function resolveBySuffix(path: string, files: readonly string[]): string | undefined {
  const want = path.replace(/\\/g, '/').split('/').filter((s) => s && s !== '.');
  let best: string | undefined;
  let bestLen = 0;
  for (const f of files) {
    const have = f.split('/').filter(Boolean);
    let n = 0;
    while (n < want.length && n < have.length && want[want.length - 1 - n] === have[have.length - 1 - n]) n++;
    if (n > 0 && (n === have.length || n === want.length) && n > bestLen) {
      best = f;
      bestLen = n;
    }
  }
  return best;
}

/**
 * What of a file's lenses the Test Explorer and the status bar show: line, command,
 * result and execution of each. A running lens's elapsed time is left out, so lenses
 * that only tick do not count as a change.
 */
export function lensSignature(lenses: readonly { line: number; title: string; command?: string }[]): string {
  return JSON.stringify(
    lenses.map((l) => {
      const info = parseLensTitle(l.title);
      return [l.line, l.command ?? '', info ? [info.result, info.execution ?? '', info.stale] : l.title];
    }),
  );
}
