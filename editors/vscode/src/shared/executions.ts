// Views over executions in testany-core's canonical JSON shape (snake_case), for the web
// entry's hovers, health and recent failures. Pure: no `vscode` import.
import { formatDuration } from './render';
import { forDisplay } from './display';

/** Service text for a Markdown table cell: non-printing characters visible, no `|` or line break. */
const cell = (v: string | null | undefined): string => forDisplay(v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export interface CaseJson {
  index?: number;
  case_key?: string;
  name?: string | null;
  status?: string | null;
  result?: string | null;
  duration_ms?: number | null;
  error?: string | null;
}

export interface ExecutionJson {
  key?: string;
  status?: string;
  result?: string | null;
  pipeline_key?: string | null;
  environment?: string | null;
  trigger?: string | null;
  started_at?: string | null;
  duration_ms?: number | null;
  cases?: CaseJson[];
}

const FAILED = new Set(['FAILED', 'ERROR', 'TIMEOUT']);

/** Newest first, by start time, then by key. */
export function newestFirst(execs: readonly ExecutionJson[]): ExecutionJson[] {
  return [...execs].sort((a, b) => {
    const t = (b.started_at ?? '').localeCompare(a.started_at ?? '');
    return t !== 0 ? t : (b.key ?? '').localeCompare(a.key ?? '');
  });
}

export function isActive(e: ExecutionJson): boolean {
  return e.status === 'PENDING' || e.status === 'RUNNING';
}

/** A case's result word: its result, else its status (RUNNING, TIMEOUT ...). */
export function caseResult(c: CaseJson): string {
  return (c.result ?? c.status ?? 'UNKNOWN').toUpperCase();
}

export function caseFailed(c: CaseJson): boolean {
  return FAILED.has(caseResult(c)) || c.status === 'TIMEOUT';
}

/** Hover text for a marker: the last `history` results, newest first, and the pass rate. */
export function hoverMarkdown(caseKey: string, execs: readonly ExecutionJson[], history: number): string | undefined {
  const rows: string[] = [];
  let passed = 0;
  let counted = 0;
  for (const e of newestFirst(execs)) {
    const c = e.cases?.find((x) => x.case_key === caseKey);
    if (!c) continue;
    if (rows.length >= history) break;
    const r = caseResult(c);
    if (r === 'PASSED') passed++;
    if (r === 'PASSED' || caseFailed(c)) counted++;
    const icon = r === 'PASSED' ? '✓' : caseFailed(c) ? '✗' : '⟳';
    rows.push(
      `| ${icon} ${cell(r)} | ${formatDuration(c.duration_ms)} | ${cell(e.key)} | ${cell(e.environment)} | ${cell(e.trigger)} |`,
    );
  }
  if (rows.length === 0) return undefined;
  const rate = counted > 0 ? `${Math.round((passed / counted) * 100)}% passed (${passed} of ${counted})` : 'no finished runs';
  return [`**Testany ${cell(caseKey)}**: ${rate}`, '', '| result | duration | execution | environment | trigger |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Changes between passed and failed from one finished run to the next, oldest first
 * (a stable sort: equal times keep their order, as in core's health). */
function flips(finished: [number, boolean][]): number {
  const ordered = [...finished].sort((a, b) => a[0] - b[0]);
  let n = 0;
  for (let i = 1; i < ordered.length; i++) if (ordered[i][1] !== ordered[i - 1][1]) n++;
  return n;
}

/** Pass rate, runs, flaky and slowest cases over `days` before `nowMs`. */
export function health(execs: readonly ExecutionJson[], days: number, nowMs: number) {
  const from = nowMs - days * 86_400_000;
  const inRange = execs.filter((e) => {
    const t = Date.parse(e.started_at ?? '');
    return Number.isFinite(t) && t >= from && t <= nowMs && !isActive(e);
  });
  let passed = 0;
  let failed = 0;
  // `finished`: (start time, failed) of each passed or failed run, for the flip count.
  const perCase = new Map<string, { name?: string | null; runs: number; passed: number; failed: number; total: number; max: number; finished: [number, boolean][] }>();
  for (const e of inRange) {
    if (e.result === 'PASSED') passed++;
    else if (e.result === 'FAILED' || e.result === 'ERROR') failed++;
    for (const c of e.cases ?? []) {
      if (!c.case_key) continue;
      const s = perCase.get(c.case_key) ?? { name: c.name, runs: 0, passed: 0, failed: 0, total: 0, max: 0, finished: [] };
      s.runs++;
      const at = Date.parse(e.started_at ?? '');
      if (caseResult(c) === 'PASSED') {
        s.passed++;
        s.finished.push([at, false]);
      } else if (caseFailed(c)) {
        s.failed++;
        s.finished.push([at, true]);
      }
      const d = c.duration_ms ?? 0;
      s.total += d;
      s.max = Math.max(s.max, d);
      perCase.set(c.case_key, s);
    }
  }
  // Flaky as core's health says it (issue 17): the result flipped more than once in time
  // order; a case that started failing and stayed failing is a regression, not flaky.
  const flaky = [...perCase]
    .map(([case_key, s]) => ({ case_key, name: s.name ?? null, runs: s.runs, passed: s.passed, failed: s.failed, flips: flips(s.finished) }))
    .filter((f) => f.flips >= 2)
    .sort((a, b) => b.failed - a.failed || a.case_key.localeCompare(b.case_key));
  const slowest = [...perCase]
    .map(([case_key, s]) => ({ case_key, name: s.name ?? null, runs: s.runs, mean_ms: Math.round(s.total / Math.max(s.runs, 1)), max_ms: s.max }))
    .sort((a, b) => b.mean_ms - a.mean_ms || a.case_key.localeCompare(b.case_key))
    .slice(0, 5);
  const finished = passed + failed;
  return {
    days,
    from: new Date(from).toISOString().slice(0, 10),
    to: new Date(nowMs).toISOString().slice(0, 10),
    runs: inRange.length,
    passed,
    failed,
    other: inRange.length - finished,
    pass_rate: finished > 0 ? passed / finished : null,
    flaky,
    slowest,
  };
}
