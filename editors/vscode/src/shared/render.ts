// Markdown renderings of command results (design.md section 6) for read-only documents.
// Pure: no `vscode` import. Inputs are untrusted JSON, so every field is checked; names,
// errors and messages arrive as display text (the server's convert::display, see
// docs/protocol.md), keys, status words and times as data: both are shown as given.
// Durations too: each comes as text beside its milliseconds (`duration_text`,
// `mean_text`, `max_text`: core's plan::format_duration), and no milliseconds are
// formatted here (issue 16).

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const cell = (v: unknown): string => text(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** `1 case`, `2 cases`: the count and the right form of the noun. */
const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** One execution as a heading, a summary line and a table of its cases. */
export function renderExecution(value: unknown): string {
  const e = obj(value);
  const lines = [`# Execution ${text(e.key)}`, ''];
  const summary = [
    `**${text(e.status)}${e.result ? ` / ${text(e.result)}` : ''}**`,
    e.pipeline_key ? `pipeline ${text(e.pipeline_key)}` : '',
    e.environment ? `environment ${text(e.environment)}` : '',
    e.trigger ? `trigger ${text(e.trigger)}` : '',
    e.started_at ? `started ${text(e.started_at)}` : '',
    text(e.duration_text),
  ].filter(Boolean);
  lines.push(summary.join(' · '), '');
  const cases = arr(e.cases).map(obj);
  const passed = cases.filter((c) => text(c.result) === 'PASSED').length;
  lines.push(`${count(cases.length, 'case', 'cases')}: ${passed} passed, ${cases.length - passed} not passed`, '');
  lines.push('| # | case | name | result | duration | error |', '|---|---|---|---|---|---|');
  for (const c of cases) {
    lines.push(
      `| ${cell(c.index)} | ${cell(c.case_key)} | ${cell(c.name)} | ${cell(c.result ?? c.status)} | ${cell(c.duration_text)} | ${cell(c.error).slice(0, 200)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Pass rate, runs, flaky and slowest cases. */
export function renderHealth(pipeline: string, value: unknown): string {
  const h = obj(value);
  const rate = typeof h.pass_rate === 'number' ? `${(h.pass_rate * 100).toFixed(1)}%` : 'n/a';
  const lines = [
    `# Pipeline health: ${pipeline}`,
    '',
    `Last ${text(h.days) || '7'} days (${text(h.from)} to ${text(h.to)}): **${rate}** pass rate over ${count(Number(text(h.runs)) || 0, 'run', 'runs')} (${text(h.passed) || '0'} passed, ${text(h.failed) || '0'} failed).`,
    '',
    '## Flaky cases',
    '',
  ];
  const flaky = arr(h.flaky).map(obj);
  if (flaky.length === 0) lines.push('None.');
  else {
    lines.push('| case | name | failed | runs |', '|---|---|---|---|');
    for (const f of flaky)
      lines.push(`| ${cell(f.case_key)} | ${cell(f.name)} | ${cell(f.failed)} | ${cell(f.runs)} |`);
  }
  lines.push('', '## Slowest cases', '');
  const slow = arr(h.slowest).map(obj);
  if (slow.length === 0) lines.push('None.');
  else {
    lines.push('| case | name | mean | max |', '|---|---|---|---|');
    for (const s of slow) {
      lines.push(`| ${cell(s.case_key)} | ${cell(s.name)} | ${cell(s.mean_text)} | ${cell(s.max_text)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A failure as the Recent Failures pick shows it, with its first resolved location. */
export interface FailureItem {
  label: string;
  detail: string;
  execution?: string;
  caseIndex?: number;
  /** Workspace-relative path and absolute URI of the first location; `line` 0-based. */
  path?: string;
  uri?: string;
  line?: number;
}

/**
 * Reads `testany.recentFailures` results: rows of `{execution, caseKey, caseIndex, name,
 * result, error, locations: [{uri, path, line}]}` (lines 0-based), as the server sends them.
 */
export function failureItems(value: unknown): FailureItem[] {
  const list = Array.isArray(value) ? value : arr(obj(value).failures);
  return list.map(obj).map((f) => {
    const first = arr(f.locations).map(obj)[0];
    const line = first && typeof first.line === 'number' ? first.line : undefined;
    const path = first ? text(first.path) || undefined : undefined;
    const uri = first ? text(first.uri) || undefined : undefined;
    const execution = text(f.execution) || undefined;
    const index = f.caseIndex ?? f.case_index;
    const caseIndex = typeof index === 'number' ? index : undefined;
    const key = text(f.caseKey ?? f.case_key);
    return {
      label: `${text(f.result) || 'FAILED'} ${key}${f.name ? ` ${text(f.name)}` : ''}`,
      detail: [execution, path ? `${path}:${line !== undefined ? line + 1 : ''}` : '', text(f.error).split('\n')[0]]
        .filter(Boolean)
        .join(' · '),
      execution,
      caseIndex,
      path,
      uri,
      line,
    };
  });
}

/**
 * The viewer's own dist/index.html with its relative URLs turned into webview URIs and
 * its CSP's 'self' into the webview's source (the page fetches its .wasm from there).
 */
export function viewerHtml(page: string, cspSource: string, asUri: (file: string) => string): string {
  return page
    .replace(/'self'/g, cspSource)
    .replace(
      /\b(src|href)="(?!data:|https?:|#)([^"]+)"/g,
      (_m, attr: string, file: string) => `${attr}="${asUri(file)}"`,
    );
}
