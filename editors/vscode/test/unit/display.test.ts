import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forDisplay } from '../../src/shared/display';
import { renderExecution } from '../../src/shared/render';

// The cases of testany-core's sanitize.rs tests, with `for_display`'s expected output.
const CASES: [string, string][] = [
  // Clean text is returned as is.
  ['plain', 'plain'],
  ['tab\there\n', 'tab\there\n'],
  ['© 2026 ✓ 漢字 🎉 — ‘q’ …', '© 2026 ✓ 漢字 🎉 — ‘q’ …'],
  ['👨\u200d👩', '👨\u200d👩'],
  // SGR is removed: editors render text.
  ['\x1b[31mred\x1b[0m', 'red'],
  ['\x1b[mreset', 'reset'],
  ['\x1b[38:2::1:2:3mX', 'X'],
  ['\x1b[>4;1mX', 'X'],
  // OSC 52 clipboard writes, titles, links; CSI moves and erases; DCS, APC, PM, SOS; ESC.
  ['a\x1b]52;c;cm0gLXJmIH4=\x07b', 'ab'],
  ['a\x1b]52;c;cm0gLXJmIH4=\x1b\\b', 'ab'],
  ['\x1b]0;pwned\x07ok', 'ok'],
  ['\x1b]2;pwned\x1b\\ok', 'ok'],
  ['\x1b]8;;file:///etc/passwd\x1b\\click\x1b]8;;\x1b\\', 'click'],
  ['\x1b]8;;javascript:alert(1)\x07x\x1b]8;;\x07', 'x'],
  ['fake\x1b[2K\x1b[1Greal', 'fakereal'],
  ['\x1b[2J\x1b[Hclear', 'clear'],
  ['\x1b[10A\x1b[3;5Hup', 'up'],
  ['\x1b[?1049hx\x1b[?25l', 'x'],
  ['\x1b[1;24rs', 's'],
  ['\x1bP1$r0m\x1b\\dcs', 'dcs'],
  ['\x1bPq#0;2;0;0;0#0~~\x1b\\six', 'six'],
  ['\x1b_Gf=24;AAAA\x1b\\apc', 'apc'],
  ['\x1b^privacy\x1b\\pm', 'pm'],
  ['\x1bXsos\x1b\\x', 'x'],
  ['\x1b(Bcs\x1b7\x1b8\x1bc\x1b=', 'cs'],
  // C0 controls as Control Pictures, DEL as ␡; a bare CR shown, CRLF a line break.
  ['nul\0x', 'nul␀x'],
  ['bell\x07', 'bell␇'],
  ['back\x08\x08xx', 'back␈␈xx'],
  ['vt\x0bff\x0c', 'vt␋ff␌'],
  ['del\x7f', 'del␡'],
  ['can\x18sub\x1a', 'can␘sub␚'],
  ['tab\tline\n', 'tab\tline\n'],
  ['PASSED\rFAILED', 'PASSED␍FAILED'],
  ['end\r', 'end␍'],
  ['a\r\r\nb', 'a␍\nb'],
  ['one\r\ntwo\r\n', 'one\ntwo\n'],
  ['x\x07\r\ny\r\n', 'x␇\ny\n'],
  // A sequence cut by the line end is removed and marked; it never swallows the next line.
  ['cut \x1b', 'cut ␛'],
  ['cut \x1b[3', 'cut ␛'],
  ['title \x1b]0;never ends\nnext', 'title ␛\nnext'],
  ['\x1b\n^', '␛\n^'],
  ['\x1bP dcs\nafter\n', '␛\nafter\n'],
  // C1 controls (8-bit CSI, OSC) and bidi / format characters as <U+XXXX>.
  ['a\x9b2Jb', 'a<U+009B>2Jb'],
  ['\x9d52;c;eA==\x9cx', '<U+009D>52;c;eA==<U+009C>x'],
  ['\x80\x85\x90\x9f', '<U+0080><U+0085><U+0090><U+009F>'],
  ['\xa0©', '\xa0©'],
  ['access\u202enimda', 'access<U+202E>nimda'],
  ['\u202a\u202b\u202c\u202d', '<U+202A><U+202B><U+202C><U+202D>'],
  ['\u2066a\u2067b\u2068c\u2069', '<U+2066>a<U+2067>b<U+2068>c<U+2069>'],
  ['\u200e\u200f\u061c', '<U+200E><U+200F><U+061C>'],
  ['line\u2028sep', 'line<U+2028>sep'],
  ['\ufff9hidden\ufffb', '<U+FFF9>hidden<U+FFFB>'],
  ['مرحبا 👩\u200d💻', 'مرحبا 👩\u200d💻'],
  // Everything at once.
  ['ok \x1b[32mPASS\x1b[0m\x1b]52;c;ZWNobyBwd25lZA==\x07\r\x1b[2K\u202e\0\n', 'ok PASS␍<U+202E>␀\n'],
  ['\uf8ff\x07', '\uf8ff␇'],
  ['\x07\uf8ff\x1b[2Kx', '␇\uf8ffx'],
  ['first ✓\nsecond \x1b[31mred\nthird\n', 'first ✓\nsecond red\nthird\n'],
  // A lone surrogate (JSON.stringify writes these for broken text) becomes U+FFFD.
  ['a\ud800b', 'a\ufffdb'],
];

test('forDisplay matches testany-core sanitize::for_display', () => {
  for (const [input, want] of CASES) assert.equal(forDisplay(input), want, JSON.stringify(input));
});

test('forDisplay is idempotent', () => {
  for (const [input] of CASES) assert.equal(forDisplay(forDisplay(input)), forDisplay(input), JSON.stringify(input));
});

test('service text in views: the execution document', () => {
  const md = renderExecution({
    key: 'E-\x1b]0;t\x071',
    cases: [{ index: 0, case_key: 'K\u202e1', name: 'n\x9b2J', result: 'FAILED', error: 'boom\x1b[2K\rok' }],
  });
  assert.match(md, /^# Execution E-1\n/);
  assert.ok(md.includes('| 0 | K<U+202E>1 | n<U+009B>2J | FAILED |  | boom␍ok |'), md);
});

// The tables of core's own sanitize tests, read from the source: when core's behaviour
// changes, this port fails here rather than drifting. Bundled to out/unit/, four levels
// below the repository root.
const SANITIZE_RS = join(__dirname, '..', '..', '..', '..', 'crates', 'testany-core', 'src', 'sanitize.rs');

/** The value of a Rust string literal body (escapes and line continuations). */
function rustString(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|\n\s*|[nrt0\\"'])/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e[0] === '\n') return '';
    return { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', '"': '"', "'": "'" }[e] ?? '';
  });
}

/** `(input, display)` pairs of every `let cases: &[(&str, ...)]` table in sanitize.rs. */
function coreCases(source: string): [string, string][] {
  const out: [string, string][] = [];
  for (const table of source.matchAll(/let cases: &\[\((&str, )+&str\)\] = &\[([\s\S]*?)\n\s*\];/g)) {
    for (const tuple of table[2].matchAll(/\(\s*((?:"(?:[^"\\]|\\[\s\S])*"\s*,?\s*)+)\)/g)) {
      const strings = [...tuple[1].matchAll(/"((?:[^"\\]|\\[\s\S])*)"/g)].map((m) => rustString(m[1]));
      // (input, want) tables hold for every mode; (input, coloured, stripped): stripped.
      if (strings.length === 2 || strings.length === 3) out.push([strings[0], strings[strings.length - 1]]);
    }
  }
  return out;
}

test('forDisplay passes the tables of core`s sanitize tests (read from sanitize.rs)', () => {
  const cases = coreCases(readFileSync(SANITIZE_RS, 'utf8'));
  assert.ok(cases.length >= 50, `read ${cases.length} cases from sanitize.rs`);
  for (const [input, want] of cases) assert.equal(forDisplay(input), want, JSON.stringify(input));
});
