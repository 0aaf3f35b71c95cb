// Entry point: wires the toolbar and keys, and talks to the host.
// In VS Code the host posts the language server's reading of a log
// ({type: 'view', title, view}: `testany/logView`'s result, rendered as it is; the
// server's `firstFailure` is made current and scrolled to) and frame links post
// {type: 'openLocation', uri, line} (the workspace file and its 0-based line). On a plain
// page, `?log=URL`, the file input or `window.testanyViewer.load(text)` provide raw text,
// read by testany-wasm, and `window.testanyViewer.onOpenLocation` receives the links.
import init from 'testany-wasm';
import type { LogViewResult } from './computed';
import { type Failure, type Location, Viewer } from './viewer';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The plain page's API (also used by the tests and the benchmark). */
export interface TestanyViewerApi {
  /** Show `text`; `line` (0-based) becomes the current line and is scrolled to. */
  load(text: string, line?: number): Promise<void>;
  /** Show a `testany/logView` result (what the VS Code host posts). */
  loadView(view: LogViewResult): Promise<void>;
  whenReady(): Promise<void>;
  onOpenLocation?: (loc: { path: string; line: number; column: number | null }) => void;
  state(): {
    ready: boolean;
    lineCount: number;
    topLine: number;
    currentLine: number;
    timings: { firstPaint: number; ready: number };
    wasmMemoryBytes: number;
  };
  failures(): Failure[];
  locations(): Location[];
  search(pattern: string, regex: boolean): Promise<number>;
  nextFailure(): number | undefined;
  previousFailure(): number | undefined;
  scrollToEnd(): void;
}

declare global {
  interface Window {
    testanyViewer: TestanyViewerApi;
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page lacks #${id}`);
  return el as T;
}

const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
let memory: WebAssembly.Memory | undefined;
let wasmReady: Promise<void> | undefined;
/** The wasm is fetched only when raw text is to be read (never for a server's log view). */
function ensureWasm(): Promise<void> {
  wasmReady ??= init({ module_or_path: new URL('testany_wasm_bg.wasm', import.meta.url) }).then((out) => {
    memory = out.memory;
  });
  return wasmReady;
}

const viewer = new Viewer(
  {
    scroller: byId('scroller'),
    spacer: byId('spacer'),
    lines: byId('lines'),
    status: byId('status'),
    count: byId('count'),
    failCount: byId('fail-count'),
  },
  (loc) => {
    // A frame the server resolved names its file; the host opens it at the 0-based line.
    if (vscode && loc.uri) vscode.postMessage({ type: 'openLocation', uri: loc.uri, line: loc.line - 1 });
    else if (!vscode) api.onOpenLocation?.({ path: loc.path, line: loc.line, column: loc.column });
  },
);

async function load(text: string, line?: number): Promise<void> {
  await ensureWasm();
  await viewer.load(text, line);
}

const api: TestanyViewerApi = {
  load,
  loadView: (view) => viewer.loadView(view),
  whenReady: () => viewer.whenReady(),
  state: () => ({
    ready: viewer.isReady,
    lineCount: viewer.lineCount,
    topLine: viewer.topLine(),
    currentLine: viewer.currentLine,
    timings: { ...viewer.timings },
    wasmMemoryBytes: memory?.buffer.byteLength ?? 0,
  }),
  failures: () => viewer.failureList(),
  locations: () => viewer.locations(),
  search: (pattern, regex) => viewer.search(pattern, regex),
  nextFailure: () => viewer.jumpFailure(true),
  previousFailure: () => viewer.jumpFailure(false),
  scrollToEnd: () => viewer.scrollToEnd(),
};
window.testanyViewer = api;

// Toolbar.
const searchBox = byId<HTMLInputElement>('search');
const regexBox = byId<HTMLInputElement>('regex');
let searchTimer = 0;
let pending: Promise<number> = Promise.resolve(0);
const runSearch = (): Promise<number> => {
  clearTimeout(searchTimer);
  searchTimer = 0;
  pending = viewer.search(searchBox.value, regexBox.checked);
  return pending;
};
searchBox.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void runSearch(), 250);
});
regexBox.addEventListener('change', () => void runSearch());
searchBox.addEventListener('keydown', async (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  if (searchTimer) runSearch();
  if ((await pending) >= 0) viewer.jumpMatch(!e.shiftKey);
});
byId('next-match').addEventListener('click', () => viewer.jumpMatch(true));
byId('prev-match').addEventListener('click', () => viewer.jumpMatch(false));
byId('next-fail').addEventListener('click', () => viewer.jumpFailure(true));
byId('prev-fail').addEventListener('click', () => viewer.jumpFailure(false));
byId<HTMLInputElement>('file').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) await load(await file.text());
});

// Keys: n / N and F8 / Shift+F8 for failures (not while typing), Ctrl/Cmd+F to search.
document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement;
  if (e.key === 'F8') {
    e.preventDefault();
    viewer.jumpFailure(!e.shiftKey);
  } else if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'n' || e.key === 'N')) {
    e.preventDefault();
    viewer.jumpFailure(e.key === 'n');
  } else if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
    e.preventDefault();
    searchBox.focus();
    searchBox.select();
  } else if (!typing && e.key === 'End' && e.ctrlKey) {
    e.preventDefault();
    viewer.scrollToEnd();
  }
});

// Sources of text.
if (vscode) {
  window.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as { type?: unknown; view?: unknown } | null;
    if (data && data.type === 'view' && isLogView(data.view)) void viewer.loadView(data.view);
  });
  vscode.postMessage({ type: 'ready' });
} else {
  const url = new URLSearchParams(location.search).get('log');
  if (url) {
    // connect-src 'self' limits this to the page's own origin.
    void fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        return r.text();
      })
      .then(load)
      .catch((err: unknown) => {
        byId('status').textContent = `Cannot load ${url}: ${String(err)}`;
      });
  }
}

/** The shape of a `testany/logView` result, checked before it is rendered. */
function isLogView(v: unknown): v is LogViewResult {
  const r = v as Partial<LogViewResult> | null;
  return (
    !!r &&
    typeof r.text === 'string' &&
    Array.isArray(r.styles) &&
    Array.isArray(r.failureLines) &&
    typeof r.firstFailure === 'number' &&
    Array.isArray(r.frames)
  );
}
