// Case markers (design.md section 4) read from text.
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
