// The virtual-scrolling log view: only the visible window of lines is ever DOM. In VS
// Code the language server has read the log (`testany/logView`) and `ComputedLog`
// renders its result; on the plain page the text lives in wasm (testany-wasm's LogView).
// Both render windows as escaped HTML with the same markup.
import { LogView } from 'testany-wasm';
import { ComputedLog, type LogViewResult } from './computed';

/** Fixed row height in px; must match `--line-height` in viewer.css. */
export const LINE_HEIGHT = 18;
/** Browsers cap element heights (Chromium near 33.5M px, Firefox near 17.9M px); beyond
 * this the scrollbar maps proportionally onto lines instead of 1 px = 1 px. */
const MAX_SPACER = 8_000_000;
/** The first chunk is indexed before the first paint; the rest follows in tasks. */
const FIRST_CHUNK = 256 * 1024;
const CHUNK = 2 * 1024 * 1024;
const ANALYZE_BUDGET = 4 * 1024 * 1024;
const OVERSCAN = 8;

export interface Location {
  /** The workspace file, when the language server resolved the frame. */
  uri?: string;
  path: string;
  line: number;
  column: number | null;
  logLine: number;
}

export interface Failure {
  line: number;
  message: string;
  category: string;
}

export interface Elements {
  scroller: HTMLElement;
  spacer: HTMLElement;
  lines: HTMLElement;
  status: HTMLElement;
  count: HTMLElement;
  failCount: HTMLElement;
}

export interface Timings {
  /** ms from `load` to the first painted frame. */
  firstPaint: number;
  /** ms from `load` until text is indexed and analysed. */
  ready: number;
}

/** Yield to the event loop without the 4 ms clamp of nested `setTimeout`. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** First index in sorted `a` whose value is >= `x`. */
function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** End of the chunk starting at `pos`: after a line break when there is one, never
 * between the halves of a surrogate pair. */
function chunkEnd(text: string, pos: number, size: number): number {
  if (pos + size >= text.length) return text.length;
  const nl = text.lastIndexOf('\n', pos + size - 1);
  if (nl >= pos) return nl + 1;
  let end = pos + size;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return end;
}

/** What the viewer reads a log through: the wasm LogView or the server's ComputedLog. */
interface LogSource {
  free(): void;
  lineCount(): number;
  failureLines(): Uint32Array;
  renderLines(start: number, end: number): string;
  searchRange(pattern: string, regex: boolean, from: number, to: number): Uint32Array;
  locations(): unknown;
  failures(): unknown;
}

export class Viewer {
  private view: LogSource | undefined;
  private text = '';
  private appended = 0;
  private complete = false;
  private generation = 0;
  private failures: Uint32Array = new Uint32Array(0);
  private matches: Uint32Array = new Uint32Array(0);
  private locationCache: Location[] | undefined;
  private query: { pattern: string; regex: boolean } | undefined;
  private current = -1;
  /** A line `load` was asked to reveal that is not indexed yet (-1: none). */
  private reveal = -1;
  /** The line revealed while the log was still loading (its scroll is redone once the
   * line count is final, since big logs map the scrollbar proportionally). */
  private revealedEarly = -1;
  private searchGeneration = 0;
  private frame = 0;
  private readyWaiters: Array<() => void> = [];
  timings: Timings = { firstPaint: 0, ready: 0 };

  constructor(
    private readonly el: Elements,
    private readonly openLocation: (loc: Location) => void,
  ) {
    el.scroller.addEventListener('scroll', () => this.requestRender(), { passive: true });
    new ResizeObserver(() => this.requestRender()).observe(el.scroller);
    el.lines.addEventListener('click', (e) => this.onLinkEvent(e));
    el.lines.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.onLinkEvent(e);
    });
  }

  /** Show `text`; resolves once the first window is painted. Indexing and analysis of
   * the rest continue in the background (see `whenReady`). `line` (0-based), when given,
   * becomes the current line and is scrolled to as soon as it is indexed (the host
   * passes the first failure's line). */
  async load(text: string, line?: number): Promise<void> {
    const started = performance.now();
    const generation = ++this.generation;
    this.view?.free();
    this.text = text;
    this.complete = false;
    this.failures = new Uint32Array(0);
    this.matches = new Uint32Array(0);
    this.locationCache = undefined;
    this.current = -1;
    this.reveal = line !== undefined && Number.isInteger(line) && line >= 0 ? line : -1;
    this.revealedEarly = -1;
    // UTF-8 bytes equal the UTF-16 length for ASCII; leave a little room for the odd
    // non-ASCII character so the buffer is allocated once.
    const wasm = LogView.withCapacity(text.length + (text.length >> 6) + 4096);
    this.view = wasm;
    this.appended = chunkEnd(text, 0, FIRST_CHUNK);
    wasm.append(text.slice(0, this.appended));
    this.el.scroller.scrollTop = 0;
    this.el.scroller.scrollLeft = 0;
    this.renderNow();
    this.revealIfIndexed();
    this.status('Loading…');
    // Busy until indexed and analysed: screen readers wait, and so can tests (lines
    // are re-rendered as failures and frame links become known).
    this.el.lines.setAttribute('aria-busy', 'true');
    await nextFrame();
    this.timings = { firstPaint: performance.now() - started, ready: 0 };
    void this.continueLoading(generation, started, wasm);
  }

  /** Show the language server's reading of a log (`testany/logView`): nothing to index
   * or analyse, so it is complete at once; the line `testany.openLog` selects
   * (`firstFailure`) becomes current, and the server's `failureLines` are the failure
   * marks and the n/F8 stops. */
  async loadView(result: LogViewResult): Promise<void> {
    const started = performance.now();
    ++this.generation;
    this.view?.free();
    this.view = new ComputedLog(result);
    this.text = result.text;
    this.appended = this.text.length;
    this.complete = true;
    this.matches = new Uint32Array(0);
    this.locationCache = undefined;
    this.current = -1;
    const first = result.firstFailure;
    this.reveal = Number.isInteger(first) && first >= 0 ? first : -1;
    this.revealedEarly = -1;
    this.el.scroller.scrollTop = 0;
    this.el.scroller.scrollLeft = 0;
    this.refreshAnalysis();
    this.renderNow();
    this.revealIfIndexed();
    this.el.lines.setAttribute('aria-busy', 'false');
    await nextFrame();
    const ms = performance.now() - started;
    this.timings = { firstPaint: ms, ready: ms };
    if (this.current < 0) this.status(`${this.view.lineCount().toLocaleString('en')} lines`);
    if (this.query) void this.search(this.query.pattern, this.query.regex);
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  /** Make the line `load` was asked for current once it is indexed (clamped to the
   * last line when the text is complete). */
  private revealIfIndexed(): void {
    const view = this.view;
    if (!view || this.reveal < 0) return;
    const done = this.appended >= this.text.length;
    const known = view.lineCount();
    if (!done && this.reveal >= known) return;
    if (known === 0) {
      this.reveal = -1;
      return;
    }
    this.current = Math.min(this.reveal, known - 1);
    this.reveal = -1;
    if (!done) this.revealedEarly = this.current;
    this.scrollToLine(this.current);
    this.status(`Line ${this.current + 1}`);
  }

  /** Resolves when the current log is fully indexed and analysed. */
  whenReady(): Promise<void> {
    if (this.complete) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  get isReady(): boolean {
    return this.complete;
  }

  private async continueLoading(generation: number, started: number, view: LogView): Promise<void> {
    let lastPaint = performance.now();
    while (this.appended < this.text.length) {
      await nextTask();
      if (generation !== this.generation) return;
      const end = chunkEnd(this.text, this.appended, CHUNK);
      view.append(this.text.slice(this.appended, end));
      this.appended = end;
      this.revealIfIndexed();
      if (performance.now() - lastPaint > 100) {
        lastPaint = performance.now();
        this.status(`Indexing ${Math.round((100 * this.appended) / this.text.length)}%`);
        this.requestRender();
      }
    }
    view.finish();
    this.revealIfIndexed();
    if (this.revealedEarly >= 0 && this.current === this.revealedEarly) {
      this.scrollToLine(this.current);
    }
    this.revealedEarly = -1;
    this.requestRender();
    while (!view.analyze(ANALYZE_BUDGET)) {
      await nextTask();
      if (generation !== this.generation) return;
      if (performance.now() - lastPaint > 250) {
        lastPaint = performance.now();
        this.refreshAnalysis();
        this.status(`Analysing ${Math.round((100 * view.analyzedLines()) / view.lineCount())}%`);
      }
    }
    this.complete = true;
    this.refreshAnalysis();
    this.timings.ready = performance.now() - started;
    // Not busy after the frame that re-renders the lines with every failure and link.
    await nextFrame();
    if (generation !== this.generation) return;
    this.el.lines.setAttribute('aria-busy', 'false');
    this.status(`${view.lineCount().toLocaleString('en')} lines`);
    if (this.query) void this.search(this.query.pattern, this.query.regex);
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  private refreshAnalysis(): void {
    if (!this.view) return;
    this.failures = this.view.failureLines();
    this.locationCache = undefined;
    const n = this.failures.length;
    this.el.failCount.textContent = n === 1 ? '1 failure' : `${n} failures`;
    this.requestRender();
  }

  /** Lines known so far, or an estimate from the share of text indexed. */
  get lineCount(): number {
    const view = this.view;
    if (!view) return 0;
    const known = view.lineCount();
    if (this.appended >= this.text.length || this.appended === 0) return known;
    return Math.ceil((known * this.text.length) / this.appended);
  }

  private rows(): number {
    return Math.max(1, Math.floor(this.el.scroller.clientHeight / LINE_HEIGHT));
  }

  /** The first fully visible line for the current scroll position. */
  topLine(): number {
    const n = this.lineCount;
    const full = n * LINE_HEIGHT;
    const top = this.el.scroller.scrollTop;
    if (full <= MAX_SPACER) return Math.floor(top / LINE_HEIGHT);
    const maxScroll = this.el.spacer.offsetHeight - this.el.scroller.clientHeight;
    const frac = maxScroll > 0 ? Math.min(1, top / maxScroll) : 0;
    return Math.round(frac * Math.max(0, n - this.rows()));
  }

  /** Scroll so that `line` sits a third of the way down the viewport. */
  scrollToLine(line: number): void {
    const n = this.lineCount;
    const target = Math.max(0, line - Math.floor(this.rows() / 3));
    const full = n * LINE_HEIGHT;
    if (full <= MAX_SPACER) {
      this.el.scroller.scrollTop = target * LINE_HEIGHT;
    } else {
      const maxScroll = this.el.spacer.offsetHeight - this.el.scroller.clientHeight;
      const span = Math.max(1, n - this.rows());
      this.el.scroller.scrollTop = Math.ceil((Math.min(target, span) / span) * maxScroll);
    }
    this.renderNow();
  }

  scrollToEnd(): void {
    this.el.scroller.scrollTop = this.el.scroller.scrollHeight;
    this.renderNow();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  private renderNow(): void {
    const view = this.view;
    if (!view) return;
    const n = this.lineCount;
    const full = n * LINE_HEIGHT;
    const spacerHeight = Math.min(full, MAX_SPACER);
    this.el.spacer.style.height = `${spacerHeight}px`;
    const rows = this.rows();
    const first = this.topLine();
    let start: number;
    let offset: number;
    if (full <= MAX_SPACER) {
      start = Math.max(0, first - OVERSCAN);
      offset = start * LINE_HEIGHT;
    } else {
      // Scaled: the window is pinned to the viewport's top.
      start = first;
      offset = this.el.scroller.scrollTop;
    }
    const end = Math.min(view.lineCount(), first + rows + OVERSCAN + 1);
    this.el.lines.style.transform = `translateY(${offset}px)`;
    // renderLines escapes every byte of log text; its markup is the wasm's own.
    this.el.lines.innerHTML = view.renderLines(start, end);
    this.decorate(start, end);
  }

  /** Mark search matches and the current line in the rendered window. */
  private decorate(start: number, end: number): void {
    const rowsEl = this.el.lines.children;
    let m = lowerBound(this.matches, start);
    for (let i = 0; i < rowsEl.length; i++) {
      const line = start + i;
      const row = rowsEl[i];
      while (m < this.matches.length && this.matches[m] < line) m++;
      if (m < this.matches.length && this.matches[m] === line) row.classList.add('match');
      if (line === this.current) row.classList.add('current');
    }
    void end;
  }

  /** Move to the next (or previous) failure after the current line, wrapping around. */
  jumpFailure(forward: boolean): number | undefined {
    const f = this.failures;
    if (f.length === 0) {
      this.status('No failures found');
      return undefined;
    }
    const from = this.current >= 0 ? this.current : forward ? this.topLine() - 1 : this.topLine();
    let i: number;
    if (forward) {
      i = lowerBound(f, from + 1);
      if (i >= f.length) i = 0;
    } else {
      i = lowerBound(f, from) - 1;
      if (i < 0) i = f.length - 1;
    }
    this.current = f[i];
    this.scrollToLine(this.current);
    this.status(`Failure ${i + 1} of ${f.length} (line ${this.current + 1})`);
    return this.current;
  }

  jumpMatch(forward: boolean): number | undefined {
    const m = this.matches;
    if (m.length === 0) return undefined;
    const from = this.current >= 0 ? this.current : this.topLine() - 1;
    let i = forward ? lowerBound(m, from + 1) : lowerBound(m, from) - 1;
    if (i >= m.length) i = 0;
    if (i < 0) i = m.length - 1;
    this.current = m[i];
    this.scrollToLine(this.current);
    this.el.count.textContent = `${i + 1} of ${this.matchLabel()}`;
    return this.current;
  }

  private matchLabel(): string {
    const n = this.matches.length;
    const lines = n === 1 ? '1 matching line' : `${n.toLocaleString('en')} matching lines`;
    return this.complete ? lines : `${lines} so far`;
  }

  /** Lines matching `pattern`, searched in slices of about 12 ms so the page stays
   * responsive on big logs; an invalid regex shows its error instead of a count.
   * Resolves to the number of matching lines (-1 when superseded by a newer search). */
  async search(pattern: string, regex: boolean): Promise<number> {
    const generation = ++this.searchGeneration;
    this.query = pattern ? { pattern, regex } : undefined;
    this.el.count.classList.remove('error');
    const view = this.view;
    if (!view || !pattern) {
      this.matches = new Uint32Array(0);
      this.el.count.textContent = '';
      this.renderNow();
      return 0;
    }
    const total = view.lineCount();
    const parts: Uint32Array[] = [];
    let found = 0;
    let step = 20_000;
    for (let from = 0, to = 0; to < total || from === 0; from = to) {
      to = Math.min(total, from + step);
      const t0 = performance.now();
      let part: Uint32Array;
      try {
        part = view.searchRange(pattern, regex, from, to);
      } catch (e) {
        this.matches = new Uint32Array(0);
        this.el.count.textContent = String(e);
        this.el.count.classList.add('error');
        this.renderNow();
        return 0;
      }
      parts.push(part);
      found += part.length;
      if (to >= total) break;
      const spent = Math.max(0.5, performance.now() - t0);
      step = Math.max(1_000, Math.min(1_000_000, Math.round((step * 12) / spent)));
      this.el.count.textContent = `Searching… ${Math.round((100 * to) / total)}%`;
      await nextTask();
      if (generation !== this.searchGeneration || view !== this.view) return -1;
    }
    const all = new Uint32Array(found);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    this.matches = all;
    this.el.count.textContent = this.matchLabel();
    this.renderNow();
    return found;
  }

  locations(): Location[] {
    if (!this.locationCache && this.view) this.locationCache = this.view.locations() as Location[];
    return this.locationCache ?? [];
  }

  failureList(): Failure[] {
    return this.view ? (this.view.failures() as Failure[]) : [];
  }

  get currentLine(): number {
    return this.current;
  }

  private onLinkEvent(e: Event): void {
    const target = e.target instanceof Element ? e.target.closest('.loc') : null;
    if (!(target instanceof HTMLElement)) return;
    e.preventDefault();
    const loc = this.locations()[Number(target.dataset.loc)];
    if (loc) this.openLocation(loc);
  }

  private status(text: string): void {
    this.el.status.textContent = text;
  }
}
