// A log the language server already read (`testany/logView`, docs/protocol.md): escape-free
// text, style spans, failure lines and frames resolved to workspace files. This module
// only renders that result; it parses no escapes and decides no failure lines.

/** testany-core `ansi::Color` as the server sends it. */
export type Color =
  | { kind: 'basic'; index: number }
  | { kind: 'indexed'; index: number }
  | { kind: 'rgb'; r: number; g: number; b: number };

export interface Style {
  fg: Color | null;
  bg: Color | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

/** ext.rs `LogViewResult` (the extension's src/shared/protocol.ts, checked against ext.rs). */
export interface LogViewResult {
  uri: string;
  text: string;
  styles: { line: number; spans: { text: string; style: Style }[] }[];
  failureLines: number[];
  firstFailure: number;
  frames: { logLine: number; uri: string; line: number; column: number | null }[];
}

/** A frame link: the workspace file and its 1-based line (as the wasm viewer's locations). */
export interface ComputedLocation {
  uri: string;
  path: string;
  line: number;
  column: number | null;
  logLine: number;
}

/** Characters of a line rendered at most (the server cuts lines at 64 KiB already). */
const MAX_RENDERED_LINE = 64 * 1024;
/** Lines rendered per call at most, as the wasm view. */
const MAX_WINDOW = 10_000;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** A colour as an index of the xterm 256-colour palette (ansi.css has a class for each). */
export function paletteIndex(c: Color): number {
  if (c.kind === 'basic') return Math.min(15, Math.max(0, c.index));
  if (c.kind === 'indexed') return Math.min(255, Math.max(0, c.index));
  // xterm cube levels 0, 95, 135, 175, 215, 255 (a strict CSP forbids inline colours).
  const level = (v: number) => (v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40)));
  return 16 + 36 * level(c.r) + 6 * level(c.g) + level(c.b);
}

/** The CSS classes of a style: `ansi-fg-N`, `ansi-bg-N`, `ansi-bold`, ... */
export function styleClasses(s: Style): string {
  const out: string[] = [];
  if (s.fg) out.push(`ansi-fg-${paletteIndex(s.fg)}`);
  if (s.bg) out.push(`ansi-bg-${paletteIndex(s.bg)}`);
  if (s.bold) out.push('ansi-bold');
  if (s.dim) out.push('ansi-dim');
  if (s.italic) out.push('ansi-italic');
  if (s.underline) out.push('ansi-underline');
  if (s.inverse) out.push('ansi-inverse');
  return out.join(' ');
}

/** A regular expression from the search box: JavaScript syntax, a leading `(?i)` ignores case. */
function matcher(pattern: string, regex: boolean): (line: string) => boolean {
  if (!regex) return (line) => line.includes(pattern);
  const ignoreCase = pattern.startsWith('(?i)');
  const re = new RegExp(ignoreCase ? pattern.slice(4) : pattern, ignoreCase ? 'i' : '');
  return (line) => re.test(line);
}

/** The server's log view as the viewer's data source (the same calls as the wasm LogView). */
export class ComputedLog {
  private readonly lines: string[];
  private readonly styles = new Map<number, { text: string; style: Style }[]>();
  private readonly failing: Uint32Array;
  private readonly links: ComputedLocation[] = [];
  private readonly linkByLine = new Map<number, number>();

  constructor(readonly view: LogViewResult) {
    this.lines = view.text === '' ? [] : view.text.split('\n');
    for (const s of view.styles ?? []) this.styles.set(s.line, s.spans);
    const n = this.lines.length;
    const lines = new Set((view.failureLines ?? []).filter((l) => Number.isInteger(l) && l >= 0 && l < n));
    this.failing = Uint32Array.from(lines).sort();
    for (const f of view.frames ?? []) {
      if (!this.linkByLine.has(f.logLine)) this.linkByLine.set(f.logLine, this.links.length);
      this.links.push({ uri: f.uri, path: f.uri, line: f.line + 1, column: f.column, logLine: f.logLine });
    }
  }

  free(): void {}

  lineCount(): number {
    return this.lines.length;
  }

  /** The server's failure lines: the viewer's gutter marks and n/F8 stops. */
  failureLines(): Uint32Array {
    return this.failing;
  }

  failures(): { line: number; message: string; category: string }[] {
    return [...this.failing].map((line) => ({ line, message: this.lines[line] ?? '', category: '' }));
  }

  locations(): ComputedLocation[] {
    return this.links;
  }

  /** Lines `start..end` as the wasm view renders them (the same markup and classes). */
  renderLines(start: number, end: number): string {
    end = Math.min(end, this.lines.length);
    start = Math.min(start, end);
    end = Math.min(end, start + MAX_WINDOW);
    const out: string[] = [];
    for (let n = start; n < end; n++) {
      const fail = binarySearch(this.failing, n);
      out.push(`<div class="l${fail ? ' fail' : ''}" data-line="${n}"><span class="g">${n + 1}</span><span class="t">`);
      const link = this.linkByLine.get(n);
      if (link !== undefined) out.push(`<span class="loc" role="link" tabindex="0" data-loc="${link}">`);
      out.push(this.renderText(n));
      if (link !== undefined) out.push('</span>');
      out.push('</span></div>');
    }
    return out.join('');
  }

  private renderText(n: number): string {
    const line = this.lines[n] ?? '';
    const spans = this.styles.get(n) ?? [{ text: line, style: undefined }];
    let left = MAX_RENDERED_LINE;
    let html = '';
    for (const { text, style } of spans) {
      if (left <= 0) break;
      const shown = text.length > left ? text.slice(0, left) : text;
      left -= shown.length;
      const classes = style ? styleClasses(style) : '';
      html += classes ? `<span class="${classes}">${escapeHtml(shown)}</span>` : escapeHtml(shown);
    }
    if (line.length > MAX_RENDERED_LINE)
      html += `<span class="cut">… (${line.length - MAX_RENDERED_LINE} more characters)</span>`;
    return html;
  }

  /** 0-based lines `from..to` whose text contains `pattern` (or matches it as a regex). */
  searchRange(pattern: string, regex: boolean, from: number, to: number): Uint32Array {
    if (!pattern) return new Uint32Array(0);
    const test = matcher(pattern, regex);
    const hits: number[] = [];
    to = Math.min(to, this.lines.length);
    for (let n = Math.min(from, to); n < to; n++) if (test(this.lines[n])) hits.push(n);
    return Uint32Array.from(hits);
  }
}

function binarySearch(a: Uint32Array, x: number): boolean {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < a.length && a[lo] === x;
}
