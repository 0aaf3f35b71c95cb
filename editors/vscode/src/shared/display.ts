// Service text (case names, errors, environments) made safe to show in VS Code's views,
// as testany-core's `sanitize::for_display` does (issue 17). Pure: no `vscode` import.
// Only for what the server passes on as the service gave it: caseStates names and the
// results of showExecution, pipelineHealth and recentFailures (lens titles, diagnostics,
// hovers, errors and log views arrive sanitised). It goes when the server sanitises
// those too (issue 16: no TypeScript copy of core's escape handling).
//
// Escape sequences are read with vte's state machine (the parser core uses), on the
// text's UTF-8 bytes, and removed: OSC titles, clipboard writes and links, CSI cursor
// moves, erases and SGR, DCS, SOS/PM/APC; a sequence cut by the line end is removed and
// marked `␛`. Non-printing characters are made visible: C0 controls other than `\n` and
// `\t` as Control Pictures (U+2400 + code: ESC `␛`, CR `␍`), DEL `␡`, C1 controls
// U+0080–U+009F and bidi, line-separator and interlinear format characters as
// `<U+202E>`. A CRLF line end becomes `\n`. test/unit/display.test.ts holds it to core's
// cases.

const ESC = 0x1b;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Whether code point `cp` must not reach a view as is (core's `is_unsafe_char`). */
export function isUnsafe(cp: number): boolean {
  return (
    (cp < 0x20 && cp !== 0x09 && cp !== 0x0a) ||
    cp === 0x7f ||
    (cp >= 0x80 && cp <= 0x9f) ||
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x206f) ||
    (cp >= 0xfff9 && cp <= 0xfffb)
  );
}

/** How an unsafe code point is shown: `␛`, `␡`, `<U+202E>`. */
function shown(cp: number): string {
  if (cp < 0x20) return String.fromCodePoint(0x2400 + cp);
  if (cp === 0x7f) return '\u2421';
  return `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Characters that can start something to change: ESC and the unsafe ones; a lone surrogate. */
// The control characters are what this pattern is for.
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u206f\ufff9-\ufffb\ud800-\udfff]/;

/** `text` as core's `sanitize::for_display` shows it. */
export function forDisplay(text: string): string {
  if (!SPECIAL.test(text)) return text;
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    let line = text.slice(start, nl < 0 ? text.length : nl);
    if (nl >= 0 && line.endsWith('\r')) line = line.slice(0, -1);
    out.push(SPECIAL.test(line) ? displayLine(line) : line);
    if (nl < 0) break;
    start = nl + 1;
  }
  return out.join('\n');
}

/** The UTF-8 character at `i`: its code point and length, or no code point and the length of the invalid prefix. */
function decode(b: Uint8Array, i: number): [number | undefined, number] {
  const x = b[i];
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  let cp: number;
  if (x < 0x80) return [x, 1];
  if (x >= 0xc2 && x <= 0xdf) {
    need = 1;
    cp = x - 0xc0;
  } else if (x >= 0xe0 && x <= 0xef) {
    need = 2;
    cp = x - 0xe0;
    if (x === 0xe0) lo = 0xa0;
    if (x === 0xed) hi = 0x9f;
  } else if (x >= 0xf0 && x <= 0xf4) {
    need = 3;
    cp = x - 0xf0;
    if (x === 0xf0) lo = 0x90;
    if (x === 0xf4) hi = 0x8f;
  } else return [undefined, 1];
  for (let k = 1; k <= need; k++) {
    const c = b[i + k];
    if (c === undefined || c < lo || c > hi) return [undefined, k];
    cp = cp * 64 + (c - 0x80);
    lo = 0x80;
    hi = 0xbf;
  }
  return [cp, need + 1];
}

type State =
  | 'ground'
  | 'esc'
  | 'escInter'
  | 'csi'
  | 'csiInter'
  | 'csiIgnore'
  | 'osc'
  | 'dcs'
  | 'dcsInter'
  | 'dcsIgnore'
  | 'dcsPass'
  | 'sos';

/** One line (no `\n`): vte's states over its UTF-8 bytes, every sequence removed. */
function displayLine(line: string): string {
  const b = encoder.encode(line); // lone surrogates become U+FFFD, as Rust's lossy conversion
  const out: string[] = [];
  let state: State = 'ground';
  let entry = false; // at the first byte of a CSI / DCS (where a private marker may stand)
  const anywhere = (x: number) => {
    if (x === 0x18 || x === 0x1a) {
      out.push(shown(x));
      state = 'ground';
    } else if (x === ESC) state = 'esc';
  };
  const executes = (x: number) => x < 0x20 && x !== 0x18 && x !== 0x1a && x !== ESC;
  // A C0 control executed inside a CSI or ESC sequence: shown, except a tab, which stays.
  const execute = (x: number) => out.push(x === 0x09 ? '\t' : shown(x));
  let i = 0;
  while (i < b.length) {
    const x = b[i];
    if (state === 'ground') {
      if (x === ESC) {
        state = 'esc';
        i++;
      } else if (x < 0x80) {
        if (isUnsafe(x)) {
          out.push(shown(x));
          i++;
        } else {
          let j = i + 1;
          while (j < b.length && b[j] < 0x80 && !isUnsafe(b[j]) && b[j] !== ESC) j++;
          out.push(decoder.decode(b.subarray(i, j)));
          i = j;
        }
      } else {
        const [cp, len] = decode(b, i);
        if (cp === undefined) out.push(len === 1 && x <= 0x9f ? shown(x) : '\ufffd');
        else out.push(isUnsafe(cp) ? shown(cp) : String.fromCodePoint(cp));
        i += len;
      }
      continue;
    }
    switch (state) {
      case 'esc':
        if (executes(x)) execute(x);
        else if (x >= 0x20 && x <= 0x2f) state = 'escInter';
        else if (x === 0x50)
          [state, entry] = ['dcs', true]; // P
        else if (x === 0x58 || x === 0x5e || x === 0x5f)
          state = 'sos'; // X ^ _
        else if (x === 0x5b)
          [state, entry] = ['csi', true]; // [
        else if (x === 0x5d)
          state = 'osc'; // ]
        else if (x >= 0x30 && x <= 0x7e) state = 'ground';
        else if (x === 0x18 || x === 0x1a) anywhere(x);
        break;
      case 'escInter':
        if (executes(x)) execute(x);
        else if (x >= 0x30 && x <= 0x7e) state = 'ground';
        else if (!(x >= 0x20 && x <= 0x2f) && x !== 0x7f) anywhere(x);
        break;
      case 'csi':
      case 'csiInter':
        if (executes(x)) execute(x);
        else if (x >= 0x40 && x <= 0x7e) state = 'ground';
        else if (x >= 0x20 && x <= 0x2f) [state, entry] = ['csiInter', false];
        else if (x >= 0x30 && x <= 0x3f) {
          if (state === 'csiInter' || (x >= 0x3c && !entry)) state = 'csiIgnore';
          entry = false;
        } else if (x !== 0x7f) anywhere(x);
        break;
      case 'csiIgnore':
        if (executes(x)) execute(x);
        else if (x >= 0x40 && x <= 0x7e) state = 'ground';
        else if (!(x >= 0x20 && x <= 0x3f) && x !== 0x7f) anywhere(x);
        break;
      case 'osc':
        if (x === 0x07) state = 'ground';
        else if (x === 0x18 || x === 0x1a || x === ESC) anywhere(x);
        break;
      case 'dcs':
      case 'dcsInter':
        // C0 controls are ignored inside DCS (not executed, unlike CSI).
        if (x >= 0x40 && x <= 0x7e) state = 'dcsPass';
        else if (x >= 0x20 && x <= 0x2f) state = 'dcsInter';
        else if (x >= 0x30 && x <= 0x3f) {
          if (state === 'dcsInter' || (x >= 0x3c && !entry)) state = 'dcsIgnore';
        } else if (x === 0x18 || x === 0x1a || x === ESC || x >= 0x80) anywhere(x);
        if (x >= 0x20 && x <= 0x7e) entry = false;
        break;
      case 'dcsPass':
        if (x === 0x9c) state = 'ground';
        else if (x === 0x18 || x === 0x1a || x === ESC) anywhere(x);
        break;
      default: // dcsIgnore, sos
        anywhere(x);
    }
    i++;
  }
  if (state !== 'ground') out.push('\u241b'); // a sequence cut by the line end
  return out.join('');
}
