//! The normaliser as it was before the one-pass fast paths (0439935), kept for tests only:
//! the oracle that property tests compare [`super::Normalizer`] with on arbitrary input,
//! so that a fast path can never change what a line becomes.

#![allow(dead_code)]
use std::borrow::Cow;

/// How many non-empty lines at the start of a log decide whether a learnt prefix shape
/// is removed.
pub const SAMPLE: u32 = 64;

/// Longest service, package or workspace name read in a prefix.
const MAX_NAME: usize = 128;
/// Longest run of padding spaces read in a prefix.
const MAX_PAD: usize = 64;

/// Streaming normaliser: feed every line of one log in order to [`Normalizer::line`].
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    /// Non-empty lines counted so far (at most [`SAMPLE`]).
    sampled: u32,
    /// Of those, lines that started with a learnable prefix shape.
    learnable: u32,
    /// A richgo label was seen: its blank label `     | ` is a prefix too.
    richgo: bool,
    /// Reused for ANSI stripping.
    scratch: String,
    /// Reused for removing ESC-lost SGR sequences ([`strip_lost_sgr`]).
    lost: String,
}

/// What [`Normalizer::apply`] may remove besides the families that are always removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Enabled {
    learnt: bool,
    richgo: bool,
}

impl Normalizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Normalise the next line of the log (without its `\n`) and learn from it. The
    /// result borrows from `line` (prefixes and CRs are cut off by slicing) unless escapes
    /// had to be removed.
    pub fn line<'a>(&mut self, line: &'a str) -> Cow<'a, str> {
        if !line.bytes().any(crate::ansi::is_dirty) && !has_lost_sgr(line.as_bytes()) {
            return Cow::Borrowed(self.clean_line(line));
        }
        match self.dirty_line(line) {
            // Only harmless bytes such as the `©` lead byte made the line look dirty.
            out if out == line => Cow::Borrowed(line),
            out => Cow::Owned(out.to_owned()),
        }
    }

    /// [`Normalizer::line`] without a copy: a line whose escapes were removed is
    /// returned from the normaliser's own buffer (valid until the next line), so a log
    /// costs no allocation per line.
    pub fn line_ref<'a>(&'a mut self, line: &'a str) -> &'a str {
        if !line.bytes().any(crate::ansi::is_dirty) && !has_lost_sgr(line.as_bytes()) {
            return self.clean_line(line);
        }
        self.dirty_line(line)
    }

    /// An escape-free line: a slice of it.
    fn clean_line<'a>(&mut self, line: &'a str) -> &'a str {
        match self.learn_and_strip(line) {
            None => line,
            Some((start, end)) => line.get(start..end).unwrap_or(""),
        }
    }

    /// A line with escapes (or ESC-lost SGR sequences): stripped into the scratch
    /// buffer, then normalised there.
    fn dirty_line(&mut self, line: &str) -> &str {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        if !strip_csi(line, &mut scratch) {
            scratch.clear();
            crate::ansi::strip_into(line, &mut scratch);
        }
        // After the real escapes, so that `ESC[31m` is never read as a lost `[31m`.
        if has_lost_sgr(scratch.as_bytes()) {
            let mut lost = std::mem::take(&mut self.lost);
            lost.clear();
            strip_lost_sgr_into(&scratch, &mut lost);
            self.lost = std::mem::replace(&mut scratch, lost);
        }
        let range = self.learn_and_strip(&scratch);
        self.scratch = scratch;
        match range {
            None => &self.scratch,
            Some((start, end)) => self.scratch.get(start..end).unwrap_or(""),
        }
    }

    /// Normalise a line with what has been learnt so far, without learning from it.
    /// Idempotent: `apply(&apply(x)) == apply(x)`.
    pub fn apply<'a>(&self, line: &'a str) -> Cow<'a, str> {
        let enabled = self.enabled();
        if !line.bytes().any(crate::ansi::is_dirty) && !has_lost_sgr(line.as_bytes()) {
            let (start, end) = strip_range(line, enabled);
            return Cow::Borrowed(line.get(start..end).unwrap_or(""));
        }
        let clean = crate::ansi::strip(line);
        let clean = strip_lost_sgr(&clean);
        let (start, end) = strip_range(&clean, enabled);
        Cow::Owned(clean.get(start..end).unwrap_or("").to_owned())
    }

    /// Whether the learnt prefix shapes are being removed now.
    pub fn learnt(&self) -> bool {
        self.enabled().learnt
    }

    fn enabled(&self) -> Enabled {
        Enabled {
            learnt: self.learnable * 2 > self.sampled,
            richgo: self.richgo,
        }
    }

    /// Learn from an escape-free line and return the range to keep, `None` for all of it.
    fn learn_and_strip(&mut self, line: &str) -> Option<(usize, usize)> {
        let bytes = line.as_bytes();
        // Fast path: nothing can start here (the first byte is the dispatch key of every
        // prefix) and no CR ends the line.
        let plain_end = bytes.last() != Some(&b'\r');
        if plain_end && bytes.first().is_none_or(|&b| !may_start_prefix(b)) {
            self.count(false, line.is_empty());
            return None;
        }
        let end = without_cr(bytes);
        let body = bytes.get(..end).unwrap_or(&[]);
        // Learn from what is left after the prefixes that are always removed, then go on
        // with the learnt ones (trying the fixed families first at every position makes
        // this the same as stripping with both from the start).
        let fixed = Enabled {
            learnt: false,
            richgo: self.richgo,
        };
        let (mut start, saw_richgo) = strip_known(body, fixed);
        self.richgo |= saw_richgo;
        let rest = body.get(start..).unwrap_or(&[]);
        if self.sampled < SAMPLE && !rest.is_empty() {
            self.count(learnable_prefix(rest).is_some(), false);
        }
        let enabled = self.enabled();
        if enabled.learnt && learnable_prefix(rest).is_some() {
            start += strip_known(rest, enabled).0;
        }
        if start == 0 && end == line.len() {
            None
        } else {
            Some((start, end))
        }
    }

    fn count(&mut self, learnable: bool, empty: bool) {
        if self.sampled < SAMPLE && !empty {
            self.sampled += 1;
            self.learnable += u32::from(learnable);
        }
    }
}

/// Removes the escapes of a line whose only control bytes start CSI sequences with
/// numeric parameters (`ESC [ 1;32 m`: the colours of nearly every coloured CI line)
/// and returns true; returns false, with `out` partly written, for anything else, which
/// then goes to `vte` ([`crate::ansi::strip_into`]). `vte` drops such a sequence whole, so
/// the output is the same (a test and a property check this); the parser costs about
/// ten times more per coloured line, which made it the normaliser's largest cost.
pub(super) fn strip_csi(line: &str, out: &mut String) -> bool {
    let b = line.as_bytes();
    let mut copied = 0;
    loop {
        let rest = b.get(copied..).unwrap_or(&[]);
        let esc = memchr::memchr(0x1b, rest).map_or(b.len(), |p| copied + p);
        let text = line.get(copied..esc).unwrap_or("");
        // Any other byte `ansi` treats as a control (0xC2 may lead a C1 control).
        if text.bytes().any(crate::ansi::is_dirty) {
            return false;
        }
        out.push_str(text);
        if esc == b.len() {
            return true;
        }
        if b.get(esc + 1) != Some(&b'[') {
            return false;
        }
        let params = run(b, esc + 2, usize::MAX, |p| {
            matches!(p, b'0'..=b'9' | b';' | b':')
        });
        let end = esc + 2 + params;
        if !matches!(b.get(end), Some(0x40..=0x7e)) {
            return false;
        }
        copied = end + 1;
    }
}

/// Longest parameter list read in an ESC-lost SGR sequence (`39;49;00`, `38;5;196`).
const MAX_SGR_PARAMS: usize = 16;

/// Removes SGR sequences whose ESC byte was lost: colour codes that survive as text when
/// coloured output is pasted from a terminal or a CI page (`[31mFAILED[0m tests/x.py`,
/// `[1m[31mtests/x.py[0m:57: AssertionError`), which hide frames and ids. Only where
/// the reading is unambiguous: `[`, a digit, digits and `;`, `m` ([`MAX_SGR_PARAMS`] at
/// most), not followed by `]` (`test_timeout[5m]`, `retry in [1m]`), and at a token
/// boundary: after the start, a space or punctuation, or, after a letter, digit or `_`,
/// only a reset code (`PASSED[0m`, `@pytest[39;49;00m`) or one directly next to another
/// sequence (`fixture[90m[39;49;00m`, `FAILED[0m[31m`), so `test_x[5m-300]` stays.
/// A sequence is also kept where removing it would glue `[3` and `1m` into a new one,
/// which makes this idempotent and one left-to-right pass. Text without such a sequence
/// is borrowed.
pub fn strip_lost_sgr(text: &str) -> Cow<'_, str> {
    if !has_lost_sgr(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    strip_lost_sgr_into(text, &mut out);
    Cow::Owned(out)
}

/// [`strip_lost_sgr`] appending to `out`.
fn strip_lost_sgr_into(text: &str, out: &mut String) {
    let b = text.as_bytes();
    let start = out.len();
    let mut copied = 0;
    // End of the last sequence removed: one right after it goes too (`[0m[31m`).
    let mut removed_to = None;
    for at in memchr::memchr_iter(b'[', b) {
        let Some(len) = sgr_len(b, at) else {
            continue;
        };
        out.push_str(text.get(copied..at).unwrap_or(""));
        let end = at + len;
        let before = out.as_bytes().get(start..).unwrap_or(&[]);
        if lost_sgr_goes(before, b, at, end, removed_to == Some(at)) {
            removed_to = Some(end);
        } else {
            out.push_str(text.get(at..end).unwrap_or(""));
        }
        copied = end;
    }
    out.push_str(text.get(copied..).unwrap_or(""));
}

/// Whether `b` holds a `[params m` shape at all (one `memchr` per `[`).
fn has_lost_sgr(b: &[u8]) -> bool {
    memchr::memchr_iter(b'[', b).any(|at| sgr_len(b, at).is_some())
}

/// Length of `[params m` at `at` (a digit first, then digits and `;`).
fn sgr_len(b: &[u8], at: usize) -> Option<usize> {
    if b.get(at) != Some(&b'[') || !b.get(at + 1)?.is_ascii_digit() {
        return None;
    }
    let p = run(b, at + 1, MAX_SGR_PARAMS + 1, |c| {
        c.is_ascii_digit() || c == b';'
    });
    (p <= MAX_SGR_PARAMS && b.get(at + 1 + p) == Some(&b'm')).then_some(p + 2)
}

/// The rules of [`strip_lost_sgr`] for the sequence `b[at..end]`, with `before` the text
/// kept before it and `chained` when a removed sequence ends where it starts.
fn lost_sgr_goes(before: &[u8], b: &[u8], at: usize, end: usize, chained: bool) -> bool {
    if b.get(end) == Some(&b']') {
        return false;
    }
    // `[3` before it: removing it could make `[3` + `1m` a sequence.
    let open = before
        .iter()
        .rev()
        .take(MAX_SGR_PARAMS + 1)
        .take_while(|c| c.is_ascii_digit() || **c == b';')
        .count();
    let open_at = before.len().checked_sub(open + 1);
    if open <= MAX_SGR_PARAMS && open_at.and_then(|i| before.get(i)) == Some(&b'[') {
        return false;
    }
    match before.last() {
        Some(c) if !chained && (c.is_ascii_alphanumeric() || *c == b'_') => {
            let params = b.get(at + 1..end - 1).unwrap_or(&[]);
            params.split(|&c| c == b';').all(|p| {
                matches!(
                    p,
                    b"" | b"0" | b"00" | b"22" | b"23" | b"24" | b"27" | b"39" | b"49"
                )
            }) || sgr_len(b, end).is_some_and(|n| b.get(end + n) != Some(&b']'))
        }
        _ => true,
    }
}

/// Normalise one line on its own: the families that are always removed, and a learnable
/// prefix too (a single line is its own majority).
pub fn normalize_line(line: &str) -> Cow<'_, str> {
    Normalizer::new().line(line)
}

/// Normalise every line of `text` (split at `\n`) and join them with `\n`.
pub fn normalize_text(text: &str) -> String {
    let mut n = Normalizer::new();
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&n.line(line));
    }
    out
}

/// Bytes that can start a prefix: BOM, digits (timestamps), `[` (stamps, xdist), `#`
/// (BuildKit), `➤` (yarn), `@`, letters (names), a space (richgo's blank label).
fn may_start_prefix(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'[' | b'#' | b'@' | b' ' | 0xEF | 0xE2)
}

/// The range of an escape-free line left after removing trailing CRs and every prefix
/// `enabled` allows.
fn strip_range(line: &str, enabled: Enabled) -> (usize, usize) {
    let end = without_cr(line.as_bytes());
    let (start, _) = strip_known(line.as_bytes().get(..end).unwrap_or(&[]), enabled);
    (start, end)
}

/// Length of `b` without its trailing CRs.
fn without_cr(b: &[u8]) -> usize {
    b.len() - b.iter().rev().take_while(|&&c| c == b'\r').count()
}

/// Remove prefixes until none matches; returns the bytes removed and whether a richgo
/// label was among them. Every match consumes at least two bytes or ends the search (a
/// kept richgo label), so this ends, and each attempt reads a bounded number of bytes,
/// so a line costs linear time.
fn strip_known(bytes: &[u8], mut enabled: Enabled) -> (usize, bool) {
    let mut at = 0;
    let mut saw_richgo = false;
    while let Some(rest) = bytes.get(at..)
        && let Some((n, richgo)) = one_prefix(rest, enabled)
    {
        if richgo {
            saw_richgo = true;
            enabled.richgo = true;
        }
        if n == 0 {
            break;
        }
        at += n;
    }
    (at, saw_richgo)
}

/// The length of one prefix at the start of `b`, and whether it was a richgo label.
fn one_prefix(b: &[u8], enabled: Enabled) -> Option<(usize, bool)> {
    let first = *b.first()?;
    let found = match first {
        0xEF => b.starts_with("\u{feff}".as_bytes()).then_some(3),
        b'0'..=b'9' => iso_timestamp(b)
            .and_then(|n| separator(b, n))
            .map(|n| n + gitlab_stream(b.get(n..).unwrap_or(&[])))
            .or_else(|| clock(b).and_then(|n| separator(b, n)))
            .or_else(|| learnt(b, enabled)),
        b'[' => bracketed(b)
            .or_else(|| xdist(b))
            .or_else(|| obs(b))
            .or_else(|| kubectl(b)),
        b'#' => buildkit(b),
        0xE2 => yarn(b),
        b' ' => (enabled.richgo && b.starts_with(b"     | ")).then_some(7),
        _ => {
            if let Some(n) = richgo_label(b) {
                return Some((n, true));
            }
            compose_service(b, true).or_else(|| learnt(b, enabled))
        }
    };
    found.map(|n| (n, false))
}

fn learnt(b: &[u8], enabled: Enabled) -> Option<usize> {
    if enabled.learnt {
        learnable_prefix(b)
    } else {
        None
    }
}

/// The shapes that are only removed once learnt: `name  | ` and `pkg:task: `.
fn learnable_prefix(b: &[u8]) -> Option<usize> {
    compose_service(b, false).or_else(|| turbo(b))
}

/// `n` plus the one space after a prefix of `n` bytes, or `n` at the end of the line.
fn separator(b: &[u8], n: usize) -> Option<usize> {
    match b.get(n) {
        None => Some(n),
        Some(b' ') => Some(n + 1),
        _ => None,
    }
}

/// Count of leading bytes of `b` (from `from`) that satisfy `f`, at most `max`. A
/// function pointer, not a generic: one copy of the loop in the wasm build.
fn run(b: &[u8], from: usize, max: usize, f: fn(u8) -> bool) -> usize {
    b.get(from..)
        .unwrap_or(&[])
        .iter()
        .take(max)
        .take_while(|&&c| f(c))
        .count()
}

fn digits(b: &[u8], from: usize, exact: usize) -> bool {
    b.get(from..from + exact)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

fn all_digits<const N: usize>(d: [&u8; N]) -> bool {
    d.iter().all(|c| c.is_ascii_digit())
}

/// `2023-06-28T21:11:43[.fff][Z|±hh:mm|±hhmm]` without the separator.
pub(super) fn iso_timestamp(b: &[u8]) -> Option<usize> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', time @ ..] = b else {
        return None;
    };
    if !all_digits([y0, y1, y2, y3, m0, m1, d0, d1]) {
        return None;
    }
    let time = clock(time)?;
    let mut n = 11 + time;
    match b.get(n) {
        Some(b'Z') => n += 1,
        Some(b'+' | b'-') => {
            let hh = digits(b, n + 1, 2);
            if hh && b.get(n + 3) == Some(&b':') && digits(b, n + 4, 2) {
                n += 6;
            } else if hh && digits(b, n + 3, 2) {
                n += 5;
            } else {
                return None;
            }
        }
        _ => {}
    }
    Some(n)
}

/// GitLab runner's stream marker after its timestamp (on by default since runner
/// 18.7): `00O ` / `01E ` (stream number, stdout or stderr), or `00O+` for a line that
/// continues the previous one, with its text right after the `+`. Returns its length, 0
/// when there is none.
fn gitlab_stream(b: &[u8]) -> usize {
    match b {
        [h0, h1, b'O' | b'E', b' ' | b'+', ..]
            if h0.is_ascii_hexdigit() && h1.is_ascii_hexdigit() =>
        {
            4
        }
        [h0, h1, b'O' | b'E'] if h0.is_ascii_hexdigit() && h1.is_ascii_hexdigit() => 3,
        _ => 0,
    }
}

/// `21:11:43[.fff]` (fraction after `.` or `,`, up to 9 digits) without the separator.
pub(super) fn clock(b: &[u8]) -> Option<usize> {
    let [h0, h1, b':', m0, m1, b':', s0, s1, ..] = b else {
        return None;
    };
    if !all_digits([h0, h1, m0, m1, s0, s1]) {
        return None;
    }
    let mut n = 8;
    if matches!(b.get(n), Some(b'.' | b',')) {
        let frac = run(b, n + 1, 9, |c| c.is_ascii_digit());
        if frac == 0 {
            return None;
        }
        n += 1 + frac;
    }
    // A longer number is not a clock.
    if b.get(n).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(n)
}

/// `[2023-06-28T21:11:43.165Z] ` or `[21:11:43] `.
fn bracketed(b: &[u8]) -> Option<usize> {
    let inner = b.get(1..)?;
    let n = iso_timestamp(inner).or_else(|| clock(inner))?;
    if b.get(1 + n) != Some(&b']') {
        return None;
    }
    separator(b, n + 2)
}

/// `[pod/shop-tests-7d9f/tests] `: `kubectl logs --prefix` (also `[job/...]`,
/// `[deployment/...]`): a resource kind, `/`, names without spaces.
fn kubectl(b: &[u8]) -> Option<usize> {
    let kind = run(b, 1, 32, |c| c.is_ascii_lowercase());
    if kind == 0 || b.get(1 + kind) != Some(&b'/') {
        return None;
    }
    let name = run(b, 2 + kind, MAX_NAME, |c| is_name_byte(c) || c == b'/');
    if name == 0 || b.get(2 + kind + name) != Some(&b']') {
        return None;
    }
    separator(b, 3 + kind + name)
}

/// `[gw0] `: pytest-xdist's worker id.
fn xdist(b: &[u8]) -> Option<usize> {
    if !b.starts_with(b"[gw") {
        return None;
    }
    let d = run(b, 3, 6, |c| c.is_ascii_digit());
    if d == 0 || b.get(3 + d) != Some(&b']') {
        return None;
    }
    separator(b, 4 + d)
}

/// `[   28s] `: Open Build Service's seconds since the build started.
fn obs(b: &[u8]) -> Option<usize> {
    let pad = run(b, 1, MAX_PAD, |c| c == b' ');
    let d = run(b, 1 + pad, 9, |c| c.is_ascii_digit());
    if d == 0 || b.get(1 + pad + d..3 + pad + d) != Some(b"s]") {
        return None;
    }
    separator(b, 3 + pad + d)
}

/// `#12 55.71 `: BuildKit's step number and seconds (plain progress output).
fn buildkit(b: &[u8]) -> Option<usize> {
    let step = run(b, 1, 6, |c| c.is_ascii_digit());
    if step == 0 || b.get(1 + step) != Some(&b' ') {
        return None;
    }
    let at = 2 + step;
    let secs = run(b, at, 9, |c| c.is_ascii_digit());
    if secs == 0 || b.get(at + secs) != Some(&b'.') {
        return None;
    }
    let frac = run(b, at + secs + 1, 9, |c| c.is_ascii_digit());
    if frac == 0 {
        return None;
    }
    separator(b, at + secs + 1 + frac)
}

/// `➤ YN0000: ` and what yarn berry nests after it: `[workspace]: ` or `│ `.
fn yarn(b: &[u8]) -> Option<usize> {
    let arrow = "➤ YN".as_bytes();
    if !b.starts_with(arrow) || !digits(b, arrow.len(), 4) {
        return None;
    }
    let code_end = arrow.len() + 4;
    if b.get(code_end) != Some(&b':') {
        return None;
    }
    let n = separator(b, code_end + 1)?;
    let rest = b.get(n..).unwrap_or(&[]);
    let pipe = "│".as_bytes();
    if rest.starts_with(pipe) {
        return separator(b, n + pipe.len()).or(Some(n));
    }
    if rest.first() == Some(&b'[') {
        let name = run(rest, 1, MAX_NAME, |c| c != b']' && c != b' ');
        if name > 0
            && rest.get(1 + name..3 + name) == Some(b"]:")
            && let Some(m) = separator(rest, 3 + name)
        {
            return Some(n + m);
        }
    }
    Some(n)
}

/// richgo's long labels: `BUILD| `, `START| `, `PASS | `, `FAIL | `, `SKIP | `, `COVER| `.
/// Length 0 (kept) where the label is all that says what the line is: `BUILD| pkg` (for
/// `# pkg`) and a test result (`PASS | SampleOK (0.00s)` for `--- PASS: TestSampleOK`).
fn richgo_label(b: &[u8]) -> Option<usize> {
    // Every label has its `|` sixth: most lines stop here.
    if b.get(5) != Some(&b'|') {
        return None;
    }
    const LABELS: [&[u8]; 6] = [
        b"BUILD|", b"START|", b"PASS |", b"FAIL |", b"SKIP |", b"COVER|",
    ];
    let result_label = [b"PASS | ", b"FAIL | ", b"SKIP | "]
        .iter()
        .any(|l| b.starts_with(*l));
    if b.starts_with(b"BUILD| ") || (result_label && richgo_result(b)) {
        return Some(0);
    }
    if LABELS.iter().any(|l| b.starts_with(l)) {
        separator(b, 6)
    } else {
        None
    }
}

/// After a label: spaces, a name without spaces, ` (`, a duration ending in `s)`.
fn richgo_result(b: &[u8]) -> bool {
    let Some(rest) = b.get(7..) else {
        return false;
    };
    let name_at = run(rest, 0, MAX_PAD, |c| c == b' ');
    let name = run(rest, name_at, MAX_NAME * 4, |c| c != b' ');
    let tail = rest.get(name_at + name..).unwrap_or(&[]);
    name > 0
        && tail.starts_with(b" (")
        && tail.ends_with(b"s)")
        && tail
            .get(2..tail.len().saturating_sub(2))
            .is_some_and(|d| !d.is_empty() && d.iter().all(|&c| c.is_ascii_digit() || c == b'.'))
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// docker-compose's `service  | `: a name (with a replica suffix `_1`/`-1` when
/// `indexed`), padding spaces, `|`, one space.
fn compose_service(b: &[u8], indexed: bool) -> Option<usize> {
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let name = run(b, 0, MAX_NAME, is_name_byte);
    if indexed {
        let name_bytes = b.get(..name)?;
        let replica = name_bytes
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if replica == 0 || !matches!(name_bytes.get(name - replica - 1), Some(b'_' | b'-')) {
            return None;
        }
    }
    let pad = run(b, name, MAX_PAD, |c| c == b' ');
    if pad == 0 || b.get(name + pad) != Some(&b'|') {
        return None;
    }
    separator(b, name + pad + 1)
}

/// turbo's and nx's `pkg:task: ` (also `@scope/pkg:task: ` and `pkg:test:unit: `): a
/// name, `:`, a task that starts with a letter (so `file.py:12: ` is never one), `: `.
fn turbo(b: &[u8]) -> Option<usize> {
    let first = *b.first()?;
    if !(first.is_ascii_alphanumeric() || first == b'@') {
        return None;
    }
    let name = run(b, 0, MAX_NAME, |c| {
        is_name_byte(c) || c == b'/' || c == b'@'
    });
    if b.get(name) != Some(&b':') || !b.get(name + 1)?.is_ascii_alphabetic() {
        return None;
    }
    let task = run(b, name + 1, MAX_NAME, |c| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b':')
    });
    // The task ends at its last colon, which must be followed by a space or the end.
    let end = name + 1 + task;
    if b.get(end - 1) != Some(&b':') {
        return None;
    }
    separator(b, end)
}
