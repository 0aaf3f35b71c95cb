//! The line normaliser (issue 14, item 1): run once on every log line before any parser,
//! so that frames hidden behind what CI runners and tools put in front of a line are
//! found again.
//!
//! Removed, in this order: ANSI escape sequences and control characters (what
//! [`crate::ansi::strip_into`], i.e. `vte`, removes; plain numeric CSI sequences, the
//! usual CI colours, without the parser), SGR sequences whose ESC byte was lost in a
//! paste (`[31mFAILED[0m`, see [`strip_lost_sgr`]), trailing carriage returns (CRLF and
//! a lone trailing CR), then, repeatedly from the start of the line while one matches:
//! - a UTF-8 byte-order mark;
//! - ISO 8601 timestamps, bare (GitHub Actions: `2023-06-28T21:11:43.1651496Z `; GitLab
//!   runner's, with the stream marker after it: `... 01E `, `... 00O+`) or in brackets
//!   (Jenkins: `[2023-06-28T21:11:43.165Z] `), and clock times (Jenkins timestamper:
//!   `21:11:43 `, `[21:11:43] `);
//! - Open Build Service stamps `[   28s] `;
//! - BuildKit step timings `#12 55.71 `;
//! - yarn berry `➤ YN0000: ` with a following `[workspace]: ` or `│ `;
//! - pytest-xdist workers `[gw0] `; `kubectl logs --prefix` (`[pod/name/container] `);
//! - richgo labels (`START| `, `FAIL | `, ... and, once a label was seen, `     | `);
//! - docker-compose services with a replica number (`web_1  | `, `web-1  | `);
//! - learnt prefixes: `name  | ` (docker-compose with `container_name`) and turbo/nx
//!   `pkg:task: ` / `@scope/pkg:task: `. Both shapes are ordinary enough to occur in any
//!   log, so they are only removed from a log where they start most lines: the
//!   [`Normalizer`] counts them over the first [`SAMPLE`] non-empty lines and removes them
//!   while they hold a majority of the lines seen so far. The rule only looks back, so a
//!   streamed log (the CLI's `analyze` reads 1 GiB in bounded memory) and a whole log
//!   give the same lines, and nothing is buffered.
//!
//! Exactly one separator space goes with each prefix: what follows keeps its indentation
//! (`  File "x.py", line 3`, `    at Foo (x.js:1:2)`), and no prefix shape can start with
//! the text of a frame (each needs a non-space first byte and a shape that paths, `at `
//! lines and `path:line:` lines do not have). All checks are byte comparisons on a few
//! dozen bytes at most; a line that needs nothing costs one scan for control bytes and is
//! returned borrowed.

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
    /// The line holds a `|` ([`Scan::pipe`]); true when not known.
    pipe: bool,
}

impl Normalizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Normalise the next line of the log (without its `\n`) and learn from it. The
    /// result borrows from `line` (prefixes and CRs are cut off by slicing) unless escapes
    /// had to be removed.
    pub fn line<'a>(&mut self, line: &'a str) -> Cow<'a, str> {
        let scan = scan(line.as_bytes());
        if !scan.strip {
            return Cow::Borrowed(self.clean_line(line, scan.pipe));
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
        let scan = scan(line.as_bytes());
        if !scan.strip {
            return self.clean_line(line, scan.pipe);
        }
        self.dirty_line(line)
    }

    /// An escape-free line: a slice of it.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn clean_line<'a>(&mut self, line: &'a str, pipe: bool) -> &'a str {
        match self.learn_and_strip(line, pipe) {
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
        // After the real escapes, so that `ESC[31m` is never read as a lost `[31m`. One
        // search finds both a lost sequence and a `|` (which removing one keeps).
        let b = scratch.as_bytes();
        let (mut lost_sgr, mut pipe) = (false, false);
        for at in crate::search::memchr2_iter(b'[', b'|', b) {
            if b.get(at) == Some(&b'|') {
                pipe = true;
            } else {
                lost_sgr = lost_sgr || sgr_len(b, at).is_some();
            }
            if lost_sgr && pipe {
                break;
            }
        }
        if lost_sgr {
            let mut lost = std::mem::take(&mut self.lost);
            lost.clear();
            strip_lost_sgr_into(&scratch, &mut lost);
            self.lost = std::mem::replace(&mut scratch, lost);
        }
        let range = self.learn_and_strip(&scratch, pipe);
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
        if !needs_strip(line.as_bytes()) {
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
            pipe: true,
        }
    }

    /// Learn from an escape-free line and return the range to keep, `None` for all of it.
    /// `pipe`: whether the line holds a `|` ([`Scan::pipe`]). Inlined: it is a few byte
    /// compares for most lines, less than a call costs.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn learn_and_strip(&mut self, line: &str, pipe: bool) -> Option<(usize, usize)> {
        let bytes = line.as_bytes();
        // An empty line is neither counted nor stripped.
        let (&first, &last) = bytes.first().zip(bytes.last())?;
        if last == b'\r' {
            return self.learn_and_strip_all(line, pipe);
        }
        // Nothing can start here (the first byte is the dispatch key of every prefix; a
        // space only starts richgo's blank label, once a label was seen).
        if !may_start_prefix(first) || (first == b' ' && !self.richgo) {
            self.count(false, false);
            return None;
        }
        // On wasm, the general path for every line: the shortcuts below give the same
        // result (see `settled_lines_are_normalised_as_before`) and only cost size there.
        if cfg!(target_family = "wasm") || !self.settled() {
            return self.learn_and_strip_all(line, pipe);
        }
        // Learning is over and no learnt shape is removed: only the families that are
        // always removed. A line led by a word (most lines) can only start with a
        // richgo label or an indexed docker-compose service, rejected in a few byte
        // compares.
        if word_led(first)
            && (!pipe || (bytes.get(5) != Some(&b'|') && compose_service(bytes, true).is_none()))
        {
            return None;
        }
        // A timestamp (every line of a CI log), when a word without `|` follows it: that
        // word starts no prefix, so the timestamp is all there is, found without the
        // general loop ([`one_prefix`] reads a timestamp the same way).
        let mut at = 0;
        if first.is_ascii_digit()
            && let Some(n) = iso_timestamp(bytes).and_then(|n| separator(bytes, n))
        {
            at = n + gitlab_stream(bytes.get(n..).unwrap_or(&[]));
            match bytes.get(at) {
                None => return Some((at, bytes.len())),
                Some(&c) if word_led(c) && !pipe => return Some((at, bytes.len())),
                _ => {}
            }
        }
        let fixed = Enabled {
            learnt: false,
            richgo: self.richgo,
            pipe,
        };
        let (start, saw_richgo) = strip_known(bytes.get(at..).unwrap_or(&[]), fixed);
        self.richgo |= saw_richgo;
        let start = at + start;
        (start > 0).then_some((start, bytes.len()))
    }

    /// Whether the sample is over and no learnt shape is removed: the state of nearly
    /// every line of nearly every log, where [`Normalizer::learn_and_strip`] does less.
    fn settled(&self) -> bool {
        self.sampled >= SAMPLE && !self.enabled().learnt
    }

    /// [`Normalizer::learn_and_strip`] in every state, for any line.
    #[inline(never)]
    fn learn_and_strip_all(&mut self, line: &str, pipe: bool) -> Option<(usize, usize)> {
        let bytes = line.as_bytes();
        let end = without_cr(bytes);
        let body = bytes.get(..end).unwrap_or(&[]);
        // Learn from what is left after the prefixes that are always removed, then go on
        // with the learnt ones (trying the fixed families first at every position makes
        // this the same as stripping with both from the start).
        let fixed = Enabled {
            learnt: false,
            richgo: self.richgo,
            pipe,
        };
        let (mut start, saw_richgo) = strip_known(body, fixed);
        self.richgo |= saw_richgo;
        let rest = body.get(start..).unwrap_or(&[]);
        if self.sampled < SAMPLE && !rest.is_empty() {
            self.count(learnable_prefix(rest).is_some(), false);
        }
        let enabled = Enabled {
            pipe,
            ..self.enabled()
        };
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
fn strip_csi(line: &str, out: &mut String) -> bool {
    let b = line.as_bytes();
    // Any control byte but ESC (0xC2 may lead a C1 control) is left to `vte`. Checked
    // once for the whole line (vectorised): the bytes inside a CSI sequence are never
    // controls, so this is the same as checking the text between the sequences.
    if b.iter().fold(false, |acc, &c| {
        acc | (c != 0x1b && crate::ansi::is_dirty(c))
    }) {
        return false;
    }
    let mut copied = 0;
    for esc in memchr::memchr_iter(0x1b, b) {
        if b.get(esc + 1) != Some(&b'[') {
            return false;
        }
        out.push_str(line.get(copied..esc).unwrap_or(""));
        let params = run(b, esc + 2, usize::MAX, |p| {
            matches!(p, b'0'..=b'9' | b';' | b':')
        });
        let end = esc + 2 + params;
        if !matches!(b.get(end), Some(0x40..=0x7e)) {
            return false;
        }
        copied = end + 1;
    }
    out.push_str(line.get(copied..).unwrap_or(""));
    true
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

/// What [`scan`] found in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scan {
    /// The line needs the slow path ([`Normalizer::dirty_line`]): the same as
    /// `ansi::has_escapes(line) || has_lost_sgr(line)`.
    strip: bool,
    /// The line holds a `|` (true whenever `strip` is): without one, no richgo label and
    /// no docker-compose service can lead it, the checks most lines would otherwise get.
    pipe: bool,
}

/// One pass over a line for everything the normaliser asks of all of it. Escapes and
/// ESC-lost SGR sequences are rare, so each block is first checked at once for any byte
/// that could start either (a control byte, DEL, 0xC2, `[`: vectorised, no branch per
/// byte), together with `|`; only a block with one of the former is looked at closely
/// ([`strip_block`]). A `[` near a block's end is read on into the next block (`sgr_len`
/// reads the whole line).
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn scan(b: &[u8]) -> Scan {
    /// Bit 0: a byte that may need stripping; bit 1: a `|`. Two folds of one bool each:
    /// each compiles to a few vector compares, where one fold into bits did not.
    fn classes(block: &[u8]) -> u8 {
        let rare = block.iter().fold(false, |acc, &c| {
            acc | crate::ansi::maybe_dirty(c) | (c == b'[')
        });
        let pipe = block.iter().fold(false, |acc, &c| acc | (c == b'|'));
        u8::from(rare) | (u8::from(pipe) << 1)
    }
    const STRIP: Scan = Scan {
        strip: true,
        pipe: true,
    };
    // On wasm (no vector compares) the whole line at once, as a short line below: the
    // same answer in less code.
    if cfg!(target_family = "wasm") {
        if strip_block(b, 0, b) {
            return STRIP;
        }
        return Scan {
            strip: false,
            pipe: memchr::memchr(b'|', b).is_some(),
        };
    }
    let mut seen = 0;
    // Blocks of fixed length, so that each check is unrolled: 64 bytes while they last,
    // then the last 32 (overlapping what was checked), or 32 and the last 32.
    let mut at = 0;
    while let Some(block) = b.get(at..).and_then(|r| r.first_chunk::<64>()) {
        let found = classes(block);
        if found & 1 != 0 && strip_fixed_block(b, at, block) {
            return STRIP;
        }
        seen |= found;
        at += 64;
    }
    let Some(last) = b.last_chunk::<32>() else {
        let found = classes(b);
        if found & 1 != 0 && strip_block(b, 0, b) {
            return STRIP;
        }
        return Scan {
            strip: false,
            pipe: found & 2 != 0,
        };
    };
    if at < b.len() {
        if let Some(block) = b.get(at..).and_then(|r| r.first_chunk::<32>())
            && b.len() - at > 32
        {
            let found = classes(block);
            if found & 1 != 0 && strip_fixed_block(b, at, block) {
                return STRIP;
            }
            seen |= found;
        }
        let from = b.len() - 32;
        let found = classes(last);
        if found & 1 != 0 && strip_fixed_block(b, from, last) {
            return STRIP;
        }
        seen |= found;
    }
    Scan {
        strip: false,
        pipe: seen & 2 != 0,
    }
}

/// Whether a line needs the slow path: [`scan`] when only that is asked.
fn needs_strip(b: &[u8]) -> bool {
    scan(b).strip
}

/// The close look at a block of `b` starting at `from` that [`needs_strip`] flagged:
/// whether it holds a byte `ansi` strips or the start of an ESC-lost SGR sequence. Out
/// of line: most lines never get here, and the scan stays small.
#[inline(never)]
fn strip_block(b: &[u8], from: usize, block: &[u8]) -> bool {
    block
        .iter()
        .fold(false, |acc, &c| acc | crate::ansi::is_dirty(c))
        || memchr::memchr_iter(b'[', block).any(|p| sgr_len(b, from + p).is_some())
}

/// [`strip_block`] for a block of fixed length (what a block of 64 or 32 bytes takes):
/// a lost sequence starts with `[` and a digit, so the block's byte pairs are checked for
/// that first, all at once (vectorised); the `[` of a pytest progress `[ 50%]` or of an
/// id's parameters `[user-1]` then costs no search.
#[cfg(not(target_family = "wasm"))]
#[inline(never)]
fn strip_fixed_block<const N: usize>(b: &[u8], from: usize, block: &[u8; N]) -> bool {
    if block
        .iter()
        .fold(false, |acc, &c| acc | crate::ansi::is_dirty(c))
    {
        return true;
    }
    let opens = block
        .iter()
        .zip(block.iter().skip(1))
        .fold(false, |acc, (&c, &d)| {
            acc | ((c == b'[') & d.is_ascii_digit())
        })
        || (block.last() == Some(&b'[') && b.get(from + N).is_some_and(u8::is_ascii_digit));
    opens && memchr::memchr_iter(b'[', block).any(|p| sgr_len(b, from + p).is_some())
}

/// On wasm, [`strip_block`] (the same answer): one copy instead of one per block length,
/// for the viewer's size budget (issue 16); wasm has no vector compares to gain from.
#[cfg(target_family = "wasm")]
fn strip_fixed_block<const N: usize>(b: &[u8], from: usize, block: &[u8; N]) -> bool {
    strip_block(b, from, block)
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
/// Dispatched on the first byte; the families seldom met are out of line so that this
/// loop stays small.
fn one_prefix(b: &[u8], enabled: Enabled) -> Option<(usize, bool)> {
    let first = *b.first()?;
    let found = match first {
        b'0'..=b'9' => iso_timestamp(b)
            .and_then(|n| separator(b, n))
            .map(|n| n + gitlab_stream(b.get(n..).unwrap_or(&[])))
            .or_else(|| clock(b).and_then(|n| separator(b, n)))
            .or_else(|| learnt(b, enabled)),
        b'[' => bracket_led(b),
        b' ' => (enabled.richgo && b.starts_with(b"     | ")).then_some(7),
        0xEF => b.starts_with("\u{feff}".as_bytes()).then_some(3),
        b'#' => buildkit(b),
        0xE2 => yarn(b),
        // Without a `|` in the line, only turbo's `pkg:task: ` (once learnt) is left.
        _ if !enabled.pipe => enabled.learnt.then(|| turbo(b)).flatten(),
        _ => {
            if b.get(5) == Some(&b'|')
                && let Some(n) = richgo_label(b)
            {
                return Some((n, true));
            }
            compose_service(b, true).or_else(|| learnt(b, enabled))
        }
    };
    found.map(|n| (n, false))
}

/// Bytes that [`one_prefix`] sends to its last arm (richgo labels, services, learnt
/// shapes) at the start of a line that [`may_start_prefix`] lets through.
fn word_led(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'@'
}

/// The prefixes that start with `[`: Jenkins timestamps, xdist workers, Open Build
/// Service stamps, kubectl's.
#[cfg_attr(not(target_family = "wasm"), inline(never))]
fn bracket_led(b: &[u8]) -> Option<usize> {
    bracketed(b)
        .or_else(|| xdist(b))
        .or_else(|| obs(b))
        .or_else(|| kubectl(b))
}

fn learnt(b: &[u8], enabled: Enabled) -> Option<usize> {
    if enabled.learnt {
        learnable_prefix(b)
    } else {
        None
    }
}

/// The shapes that are only removed once learnt: `name  | ` and `pkg:task: `.
#[cfg_attr(not(target_family = "wasm"), inline(never))]
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

/// A fixed-width shape of 8 bytes for [`shaped`]: `0` stands for any ASCII digit, every
/// other byte for itself. Built at compile time.
#[derive(Clone, Copy)]
struct Shape {
    /// 0xFF in the bytes that must be digits.
    digits: u64,
    /// The other bytes as they must be (0 where a digit goes).
    literal: u64,
}

impl Shape {
    const fn new(shape: &[u8; 8]) -> Self {
        let mut digits = 0;
        let mut literal = 0;
        let mut i = 0;
        while i < 8 {
            if shape[i] == b'0' {
                digits |= 0xFF << (8 * i);
            } else {
                literal |= (shape[i] as u64) << (8 * i);
            }
            i += 1;
        }
        Self { digits, literal }
    }
}

/// Whether the 8 bytes at `b[at..]` have `shape`: one load and a few operations on a
/// `u64` instead of a compare and a branch per byte (timestamps lead every line of a CI
/// log). A digit XOR `'0'` is 0 to 9, and adding 0x76 to such a byte leaves its top bit
/// clear, while any other value sets the top bit of the byte or of its sum. The sum
/// carries into the next byte only from a byte at or above 0x8A, which is rejected
/// itself, so the lowest wrong byte always shows.
fn shaped(b: &[u8], at: usize, shape: Shape) -> bool {
    let Some(word) = b.get(at..).and_then(|r| r.first_chunk::<8>()) else {
        return false;
    };
    let w = u64::from_le_bytes(*word);
    let d = (w ^ 0x3030_3030_3030_3030) & shape.digits;
    w & !shape.digits == shape.literal
        && (d.wrapping_add(0x7676_7676_7676_7676) | d) & 0x8080_8080_8080_8080 == 0
}

const DATE: Shape = Shape::new(b"0000-00-");
const DAY_T_HOUR_MIN: Shape = Shape::new(b"00T00:00");
const CLOCK: Shape = Shape::new(b"00:00:00");

/// `2023-06-28T21:11:43[.fff][Z|±hh:mm|±hhmm]` without the separator.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn iso_timestamp(b: &[u8]) -> Option<usize> {
    // `2023-06-`, `28T21:11`, then the clock again from the hour (`21:11:43`, which
    // overlaps) so that all of it is three word checks.
    if !(shaped(b, 0, DATE) && shaped(b, 8, DAY_T_HOUR_MIN)) {
        return None;
    }
    let mut n = 11 + clock(b.get(11..)?)?;
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
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn clock(b: &[u8]) -> Option<usize> {
    if !shaped(b, 0, CLOCK) {
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
#[cfg_attr(not(target_family = "wasm"), inline(never))]
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
#[cfg_attr(not(target_family = "wasm"), inline(never))]
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
#[cfg_attr(not(target_family = "wasm"), inline(never))]
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
    NAME_BYTES[usize::from(c)]
}

/// [`is_name_byte`] as a table: one load per byte of the name runs read on most lines.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        table[i] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
        i += 1;
    }
    table
};

/// docker-compose's `service  | `: a name (with a replica suffix `_1`/`-1` when
/// `indexed`), padding spaces, `|`, one space.
fn compose_service(b: &[u8], indexed: bool) -> Option<usize> {
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let head = b.get(..MAX_NAME).unwrap_or(b);
    let name = head
        .iter()
        .position(|&c| !is_name_byte(c))
        .unwrap_or(head.len());
    // Padding must follow the name: checked before the replica number, as most lines
    // fail here.
    if b.get(name) != Some(&b' ') {
        return None;
    }
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

#[cfg(test)]
mod oracle;

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line normalised on its own by a fresh normaliser.
    fn check(cases: &[(&str, &str)]) {
        for (input, want) in cases {
            assert_eq!(normalize_line(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn github_actions_timestamps() {
        check(&[
            (
                "2023-06-28T21:11:43.1651496Z   File \"/home/runner/work/shop/shop/tests/test_cart.py\", line 42, in test_total",
                "  File \"/home/runner/work/shop/shop/tests/test_cart.py\", line 42, in test_total",
            ),
            (
                "2023-06-28T21:11:43.1659012Z tests/test_cart.py:42: AssertionError",
                "tests/test_cart.py:42: AssertionError",
            ),
            ("2023-06-28T21:11:43.1659012Z ", ""),
            ("2023-06-28T21:11:43.1659012Z", ""),
            ("2024-01-15T10:00:00+01:00 INFO up", "INFO up"),
            ("2024-01-15T10:00:00-0500 INFO up", "INFO up"),
            // GitLab runner: the stream marker goes with the timestamp.
            (
                "2026-09-26T22:30:07.959723Z 00O+\x1b[36;1mCleaning up project directory\x1b[0;m",
                "Cleaning up project directory",
            ),
            (
                "2024-12-18T10:30:09.950336Z 01E   File \"/builds/acme/shop/tests/test_cart.py\", line 42, in test_total",
                "  File \"/builds/acme/shop/tests/test_cart.py\", line 42, in test_total",
            ),
            ("2024-12-18T10:30:09.950336Z 00O", ""),
            ("2024-12-18T10:30:09.950336Z 00Oops", "00Oops"),
            // Not a timestamp: no `T`, no time, no separator.
            ("2023-06-28 build", "2023-06-28 build"),
            ("2023-06-28T21:11 x", "2023-06-28T21:11 x"),
            ("2023-06-28T21:11:43.1Zx", "2023-06-28T21:11:43.1Zx"),
        ]);
    }

    #[test]
    fn byte_order_mark_and_carriage_returns() {
        check(&[
            (
                "\u{feff}Traceback (most recent call last):\r",
                "Traceback (most recent call last):",
            ),
            (
                "\u{feff}2023-06-28T21:11:43.1651496Z ##[group]Run pytest\r\r",
                "##[group]Run pytest",
            ),
            ("    at f (/w/a.js:1:2)\r", "    at f (/w/a.js:1:2)"),
            ("\r", ""),
            // A CR inside a line (progress redraws) is text for the parsers.
            ("50%\r100%", "50%\r100%"),
        ]);
    }

    #[test]
    fn ansi_escapes_before_prefixes() {
        check(&[
            (
                "\x1b[36mweb_1  |\x1b[0m \x1b[31m    at Object.<anonymous> (/app/src/cart.test.js:17:11)\x1b[39m",
                "    at Object.<anonymous> (/app/src/cart.test.js:17:11)",
            ),
            (
                "\x1b[2m2026-11-26T04:00:00Z\x1b[0m \x1b[32mINFO\x1b[0m ok\r",
                "INFO ok",
            ),
            ("\x1b[1mbold\x1b[0m", "bold"),
        ]);
    }

    #[test]
    fn csi_fast_path_matches_vte() {
        let cases = [
            ("\x1b[31mred\x1b[0m", Some("red")),
            ("\x1b[1;38;5;196mbold\x1b[m tail", Some("bold tail")),
            ("\x1b[38:2::1:2:3mX\x1b[2K\x1b[1G", Some("X")),
            ("a\x1b[[b", Some("ab")),
            ("漢字 \x1b[36m✓\x1b[39m", Some("漢字 ✓")),
            // Left to vte: OSC, private parameters, a cut sequence, other controls, C1.
            ("a\x1b]0;title\x07b", None),
            ("\x1b[?25lx", None),
            ("cut \x1b[3", None),
            ("bell\x07", None),
            ("© \x1b[1mx", None),
        ];
        for (input, want) in cases {
            let mut out = String::new();
            let fast = strip_csi(input, &mut out);
            assert_eq!(fast.then_some(out.as_str()), want, "{input:?}");
            if fast {
                assert_eq!(out, crate::ansi::strip(input), "{input:?}");
            }
        }
    }

    #[test]
    fn sgr_whose_esc_was_lost() {
        // Lines of a real paste (pytest-oof's README, see the real-log corpus).
        check(&[
            (
                "demo-tests/test_basic.py::test_basic_fail_1 [31mFAILED[0m[31m",
                "demo-tests/test_basic.py::test_basic_fail_1 FAILED",
            ),
            (
                "[1m[31mdemo-tests/test_basic.py[0m:57: AssertionError",
                "demo-tests/test_basic.py:57: AssertionError",
            ),
            (
                "[31mFAILED[0m demo-tests/test_basic.py::[1mtest_basic_fail_1[0m - assert 1 == 2",
                "FAILED demo-tests/test_basic.py::test_basic_fail_1 - assert 1 == 2",
            ),
            (
                ">       [94massert[39;49;00m [94m1[39;49;00m == [94m2[39;49;00m[90m[39;49;00m",
                ">       assert 1 == 2",
            ),
            (
                "    [37m@pytest[39;49;00m.fixture[90m[39;49;00m",
                "    @pytest.fixture",
            ),
            ("[  9%][0m", "[  9%]"),
            ("[0m[1mcollected 11 items", "collected 11 items"),
            // Removed before the prefixes, like real escapes.
            (
                "[2m2026-01-28T18:10:19.3167130Z[0m tests/test_x.py:3: AssertionError",
                "tests/test_x.py:3: AssertionError",
            ),
            ("\x1b[31mFAILED\x1b[0m [1mt[0m", "FAILED t"),
        ]);
        // Not unambiguous: kept as they are.
        check(&[
            (
                "tests/test_t.py::test_timeout[5m] PASSED",
                "tests/test_t.py::test_timeout[5m] PASSED",
            ),
            (
                "tests/test_t.py::test_x[5m-300] PASSED",
                "tests/test_t.py::test_x[5m-300] PASSED",
            ),
            ("retry in [1m]", "retry in [1m]"),
            ("a[1m", "a[1m"),
            (
                "[m [31x [ 50%] arr[10] [gw0]",
                "[m [31x [ 50%] arr[10] [gw0]",
            ),
            // Removing `[0m` would glue `[3` and `1m` into a new sequence.
            ("[3[0m1m", "[3[0m1m"),
        ]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Removing ESC-lost sequences is idempotent (no sequence is glued together or
        /// unblocked by a removal) and only removes whole `[params m` sequences.
        #[test]
        fn lost_sgr_idempotent(pieces in proptest::collection::vec(proptest::sample::select(&[
            "[", "]", "m", ";", "0", "3", "1", "5", "00", "39;49;00", "[31m", "[0m", "[1m",
            "[5m]", "[90m", "a", "_", " ", ":", "-", "\x1b[31m", "\x1b", "\r",
        ][..]), 0..24)) {
            let l = pieces.concat();
            let once = strip_lost_sgr(&l).into_owned();
            proptest::prop_assert_eq!(strip_lost_sgr(&once), once.as_str());
            let mut rest = once.as_str();
            for c in l.chars() {
                if let Some(r) = rest.strip_prefix(c) {
                    rest = r;
                }
            }
            proptest::prop_assert!(rest.is_empty(), "{:?} -> {:?}", l, once);
            let norm = normalize_line(&l).into_owned();
            proptest::prop_assert_eq!(normalize_line(&norm), norm.as_str());
        }
    }

    #[test]
    fn build_service_stamps() {
        check(&[
            ("[   28s] + make check", "+ make check"),
            (
                "[  123s]   File \"/home/abuild/rpmbuild/BUILD/shop-1.0/tests/test_cart.py\", line 42, in test_total",
                "  File \"/home/abuild/rpmbuild/BUILD/shop-1.0/tests/test_cart.py\", line 42, in test_total",
            ),
            ("[ 1234s]", ""),
            ("[28x] text", "[28x] text"),
        ]);
    }

    #[test]
    fn docker_compose_services() {
        check(&[
            (
                "web_1  | Traceback (most recent call last):",
                "Traceback (most recent call last):",
            ),
            (
                "api-1  |     at Object.<anonymous> (/app/src/cart.test.js:17:11)",
                "    at Object.<anonymous> (/app/src/cart.test.js:17:11)",
            ),
            ("db_1   |", ""),
            ("shop_web_1 | ok", "ok"),
            // Without a replica number the shape is learnt (a single line is its own
            // majority).
            (
                "tests  | FAILED tests/test_cart.py::test_total",
                "FAILED tests/test_cart.py::test_total",
            ),
        ]);
    }

    #[test]
    fn yarn_berry() {
        check(&[
            (
                "➤ YN0000: [@acme/web]: FAIL src/cart.test.ts",
                "FAIL src/cart.test.ts",
            ),
            (
                "➤ YN0000: [web]:       at Object.<anonymous> (src/cart.test.ts:17:11)",
                "      at Object.<anonymous> (src/cart.test.ts:17:11)",
            ),
            (
                "➤ YN0000: │ src/cart.test.ts:17:11",
                "src/cart.test.ts:17:11",
            ),
            ("➤ YN0000: ┌ Link step", "┌ Link step"),
            ("➤ YN0000: Done in 3s 120ms", "Done in 3s 120ms"),
            ("➤ YN00: x", "➤ YN00: x"),
        ]);
    }

    #[test]
    fn turbo_and_nx_tasks() {
        check(&[
            ("web:test: FAIL src/cart.test.ts", "FAIL src/cart.test.ts"),
            (
                "@acme/ui:test:     at Object.<anonymous> (src/button.test.tsx:9:22)",
                "    at Object.<anonymous> (src/button.test.tsx:9:22)",
            ),
            ("shop:test:unit: ok", "ok"),
            ("web:test:", ""),
        ]);
    }

    #[test]
    fn buildkit_steps() {
        check(&[
            (
                "#12 55.71 FAILED tests/test_cart.py::test_total - AssertionError",
                "FAILED tests/test_cart.py::test_total - AssertionError",
            ),
            (
                "#12 55.71   File \"/app/tests/test_cart.py\", line 42, in test_total",
                "  File \"/app/tests/test_cart.py\", line 42, in test_total",
            ),
            ("#12 [stage 3/5] RUN pytest", "#12 [stage 3/5] RUN pytest"),
            ("#12 DONE 0.3s", "#12 DONE 0.3s"),
        ]);
    }

    #[test]
    fn jenkins_timestamps() {
        check(&[
            (
                "[2023-06-28T21:11:43.165Z] [ERROR]   OrderTest.placesOrder:88 expected",
                "[ERROR]   OrderTest.placesOrder:88 expected",
            ),
            (
                "21:11:43 \tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)",
                "\tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)",
            ),
            ("[21:11:43] Starting 'test'...", "Starting 'test'..."),
            ("21:11:43.123 INFO", "INFO"),
            ("21:11:434 x", "21:11:434 x"),
        ]);
    }

    #[test]
    fn kubectl_prefixes() {
        check(&[
            (
                "[pod/shop-tests-7d9f8/tests]     at Object.<anonymous> (/app/src/cart.test.ts:17:11)",
                "    at Object.<anonymous> (/app/src/cart.test.ts:17:11)",
            ),
            (
                "[job/e2e/runner] FAILED tests/test_cart.py::test_total",
                "FAILED tests/test_cart.py::test_total",
            ),
            ("[INFO] BUILD SUCCESS", "[INFO] BUILD SUCCESS"),
            ("[pod/] x", "[pod/] x"),
        ]);
    }

    #[test]
    fn xdist_workers() {
        check(&[
            (
                "[gw0] [ 50%] FAILED tests/test_cart.py::test_total",
                "[ 50%] FAILED tests/test_cart.py::test_total",
            ),
            (
                "[gw12] linux -- Python 3.11.4 /usr/bin/python",
                "linux -- Python 3.11.4 /usr/bin/python",
            ),
            ("[gwx] no", "[gwx] no"),
        ]);
    }

    #[test]
    fn richgo_labels() {
        // From richgo's sample output: the blank label is a prefix once a label was seen.
        let log = "START| SampleNG\n\
                   FAIL | --- FAIL: TestSampleNG (0.00s)\n     | \tsample_ng_test.go:9: It's not OK... :(";
        assert_eq!(
            normalize_text(log),
            "SampleNG\n--- FAIL: TestSampleNG (0.00s)\n\tsample_ng_test.go:9: It's not OK... :("
        );
        // A test result or a build header keeps its label: it is what says what it is.
        let log = "BUILD| example.com/m\n     | m_test.go:6:10: t.Foo undefined\n\
                   PASS |     SampleOK/SubtestOK (0.00s)\nFAIL | example.com/m 0.01s";
        assert_eq!(
            normalize_text(log),
            "BUILD| example.com/m\nm_test.go:6:10: t.Foo undefined\n\
             PASS |     SampleOK/SubtestOK (0.00s)\nexample.com/m 0.01s"
        );
        // Without a label first, five spaces and a pipe are text (a rustc gutter).
        assert_eq!(normalize_line("     |     ^^^"), "     |     ^^^");
        // Only a result label is kept: other text of that shape is no richgo line.
        let log = "Stage 1 build (2.5s)\n     | x";
        assert_eq!(normalize_text(log), log);
    }

    #[test]
    fn nested_prefixes() {
        check(&[
            (
                "2023-06-28T21:11:43.1651496Z web_1  | [gw0] [ 50%] FAILED tests/t.py::x",
                "[ 50%] FAILED tests/t.py::x",
            ),
            (
                "2023-06-28T21:11:43.1651496Z #12 55.71 ➤ YN0000: [web]: FAIL a.test.ts",
                "FAIL a.test.ts",
            ),
        ]);
    }

    #[test]
    fn frames_and_ordinary_lines_are_untouched() {
        let lines = [
            "  File \"x.py\", line 3, in test_x",
            "    at Foo (x.js:1:2)",
            "tests/test_a.py:12: AssertionError",
            "tests/test_a.py::test_x PASSED                    [ 50%]",
            "    cart_test.go:42: expected 3, got 2",
            "\tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)",
            "thread 'main' panicked at src/main.rs:3:9:",
            "src/lib.rs:10:5: error",
            "E       assert 2 == 3",
            "    > 17 |   expect(total).toBe(3);",
            "         |                 ^",
            "  --> src/lib.rs:10:5",
            "    |",
            "Error: expect(received).toBe(expected)",
            "org.junit.ComparisonFailure: expected:<[1]> but was:<[2]>",
            "java.lang.AssertionError:expected:<1>",
            "WARNING:urllib3.connectionpool:Retrying",
            "node:internal/process/task_queues:95:5",
            "C:\\builds\\x\\src\\cart.test.ts:3:4",
            "file:///builds/x/test/esm.mjs:3:1",
            "[INFO] BUILD SUCCESS",
            "[ERROR] Tests run: 3, Failures: 1",
            "#!/bin/sh",
            "123 | not a service",
            "cat x | grep y",
            "FAIL\tgithub.com/acme/shop\t0.01s",
            "--- FAIL: TestTotal (0.00s)",
            "© 2026 µs ±",
            "",
        ];
        let mut n = Normalizer::new();
        for line in lines {
            let out = n.line(line);
            assert!(matches!(out, Cow::Borrowed(_)), "{line:?} allocated");
            assert_eq!(out, line, "{line:?}");
        }
    }

    #[test]
    fn learnt_prefix_needs_a_majority() {
        // An ordinary log whose few `name | x` lines are text.
        let mut n = Normalizer::new();
        assert_eq!(n.line("collected 3 items"), "collected 3 items");
        assert_eq!(n.line("running tests"), "running tests");
        assert_eq!(n.line("Total | 3"), "Total | 3");
        assert!(!n.learnt());
        // A docker-compose log with `container_name`s: learnt from its first line on.
        let mut n = Normalizer::new();
        assert_eq!(
            n.line("shop-tests  | collected 3 items"),
            "collected 3 items"
        );
        assert_eq!(n.line("shop-db     | ready"), "ready");
        assert_eq!(n.line("Gracefully stopping..."), "Gracefully stopping...");
        assert_eq!(
            n.line("shop-tests  | tests/test_cart.py:42: AssertionError"),
            "tests/test_cart.py:42: AssertionError"
        );
        assert!(n.learnt());
    }

    #[test]
    fn learning_stops_after_the_sample() {
        let mut n = Normalizer::new();
        for _ in 0..SAMPLE {
            n.line("plain line");
        }
        // After the sample the decision is fixed, however many prefixed lines follow.
        for _ in 0..200 {
            assert_eq!(n.line("web:test: x"), "web:test: x");
        }
        assert!(!n.learnt());
        let mut n = Normalizer::new();
        for _ in 0..SAMPLE {
            n.line("web:test: x");
        }
        for _ in 0..200 {
            assert_eq!(n.line("plain"), "plain");
        }
        assert_eq!(n.line("api:test: y"), "y");
    }

    #[test]
    fn long_lines_stay_linear() {
        // A million stacked prefixes and a 10 MB line of padding: each attempt reads a
        // bounded number of bytes, so this is linear (quadratic would take hours).
        let stacked = "[gw0] ".repeat(1_000_000) + "x";
        assert_eq!(normalize_line(&stacked), "x");
        let padded = "web".to_owned() + &" ".repeat(10_000_000) + "| x";
        assert_eq!(normalize_line(&padded), padded);
    }

    #[test]
    fn apply_is_idempotent_and_does_not_learn() {
        let mut n = Normalizer::new();
        n.line("web:test: start");
        let once = n.apply("web:test: api:test: [gw0] x");
        assert_eq!(once, "x");
        assert_eq!(n.apply(&once), once);
        let fresh = Normalizer::new();
        assert_eq!(fresh.apply("web:test: x"), "web:test: x");
    }

    /// Pieces of log lines for the comparisons with the old normaliser: every prefix
    /// family whole and cut, escapes, ESC-lost SGR, CRs, bytes near the scan's classes.
    const PIECES: &[&str] = &[
        "2023-06-28T21:11:43.1651496Z ",
        "2026-11-26T04:00:00Z ",
        "2024-01-15T10:00:00+01:00 ",
        "2024-01-15T10:00:00-0500",
        "2023-06-28T21:11",
        "2023-06-28 ",
        "2023-0a-28T21:11:43Z ",
        "21:11:43 ",
        "21:11:43,5 ",
        "21:11:434",
        "[21:11:43] ",
        "[2023-06-28T21:11:43.165Z] ",
        "00O ",
        "01E+",
        "[gw0] ",
        "[   28s] ",
        "[pod/a-1/x] ",
        "#12 55.71 ",
        "➤ YN0000: ",
        "[web]: ",
        "│ ",
        "START| ",
        "FAIL | ",
        "PASS | x (0.00s)",
        "     | ",
        "web_1  | ",
        "web-1 |",
        "tests  | ",
        "web:test: ",
        "@acme/ui:build: ",
        "\u{feff}",
        "INFO ",
        "tests/unit/test_mod_000.py::TestCart::test_case_00001 PASSED",
        "   [  0%]",
        "  File \"x.py\", line 3",
        "\tat Foo(Foo.java:1)",
        "\x1b[31m",
        "\x1b[0m",
        "\x1b[38;5;196m",
        "\x1b]0;t\x07",
        "\x1b[?25l",
        "\x1b[3",
        "\x1b",
        "\x07",
        "\x7f",
        "© ",
        "µ",
        "漢",
        "[31m",
        "[0m",
        "[1m]",
        "[39;49;00m",
        "[",
        "m",
        "1",
        "9",
        "0",
        ":",
        "-",
        "T",
        "Z",
        ".",
        "|",
        " ",
        "  ",
        "a",
        "_",
        "@",
        "/",
        "\r",
        "\r\r",
    ];

    /// Every byte value at every position of real timestamps: the word-sized checks of
    /// [`shaped`] give what the old per-byte ones gave (a digit check off by one would
    /// take `:` or `/` for a digit).
    #[test]
    fn timestamps_with_any_byte_anywhere_are_read_as_before() {
        let stamps: [&[u8]; 5] = [
            b"2023-06-28T21:11:43.1651496Z x",
            b"2024-01-15T10:00:00+01:00 x",
            b"2024-01-15T10:00:00-0500",
            b"21:11:43,123 x",
            b"[21:11:43] x",
        ];
        for stamp in stamps {
            for at in 0..stamp.len() {
                for byte in 0..=255u8 {
                    let mut b = stamp.to_vec();
                    b[at] = byte;
                    assert_eq!(iso_timestamp(&b), oracle::iso_timestamp(&b), "{b:?}");
                    assert_eq!(clock(&b), oracle::clock(&b), "{b:?}");
                    for cut in [b.len() - 1, 19, 18, 8, 7] {
                        let b = &b[..cut.min(b.len())];
                        assert_eq!(iso_timestamp(b), oracle::iso_timestamp(b), "{b:?}");
                        assert_eq!(clock(b), oracle::clock(b), "{b:?}");
                    }
                }
            }
        }
    }

    /// After the sample (nothing learnt, or a learnt shape, or richgo seen), lines led by
    /// a timestamp and then each kind of prefix or word, against the old normaliser.
    #[test]
    fn settled_lines_are_normalised_as_before() {
        let stamp = "2023-06-28T21:11:43.1651496Z";
        let tails = [
            "",
            " ",
            " INFO x",
            " INFO x | y",
            " web_1  | x",
            " web  | x",
            " [gw0] x",
            " 00O+x",
            " 01E x",
            " 2023-06-28T21:11:43Z x",
            " 21:11:43 x",
            " @a/b:c: x",
            " web:test: x",
            " START| x",
            " PASS | t (0.1s)",
            "      | x",
            " #1 2.5 x",
            " \u{feff}x",
            " ➤ YN0000: x",
            "  x",
            " 1x",
            "x",
            " x\r",
        ];
        for warm in ["plain line", "web:test: x", "START| x"] {
            let (mut new, mut old) = (Normalizer::new(), oracle::Normalizer::new());
            for _ in 0..SAMPLE {
                assert_eq!(new.line(warm), old.line(warm));
            }
            for tail in tails {
                for line in [
                    format!("{stamp}{tail}"),
                    format!("\x1b[2m{stamp}\x1b[0m{tail}"),
                ] {
                    assert_eq!(new.line_ref(&line), old.line(&line), "{warm:?} {line:?}");
                }
            }
        }
    }

    fn log_line() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PIECES), 0..10).prop_map(|p| p.concat())
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The one-pass check is the two checks it replaces, and finds every `|`.
        #[test]
        fn needs_strip_is_the_old_checks(line in log_line(), pad in 0usize..140) {
            // Padding moves the pieces across the 32-byte blocks.
            let line = "x".repeat(pad) + &line;
            let b = line.as_bytes();
            let old = b.iter().any(|&c| crate::ansi::is_dirty(c)) || has_lost_sgr(b);
            let found = scan(b);
            proptest::prop_assert_eq!(found.strip, old, "{:?}", line);
            proptest::prop_assert_eq!(found.pipe, old || b.contains(&b'|'), "{:?}", line);
        }

        /// The word-sized timestamp checks are the old per-byte ones.
        #[test]
        fn timestamps_are_the_old_ones(line in proptest::collection::vec(
            proptest::sample::select(&[
                "2023", "06", "-", "T", ":", "Z", ".", ",", "+", "0", "9", "/", "a", " ",
                "\u{0}", "\u{ff}", "é", "21:11:43", "2023-06-28T",
            ][..]), 0..12).prop_map(|p| p.concat())) {
            let b = line.as_bytes();
            proptest::prop_assert_eq!(iso_timestamp(b), oracle::iso_timestamp(b), "{:?}", line);
            proptest::prop_assert_eq!(clock(b), oracle::clock(b), "{:?}", line);
        }

        /// The one-search CSI fast path takes the same lines and gives the same text.
        #[test]
        fn strip_csi_is_the_old_one(line in log_line()) {
            let (mut new, mut old) = (String::new(), String::new());
            let fast = strip_csi(&line, &mut new);
            proptest::prop_assert_eq!(fast, oracle::strip_csi(&line, &mut old), "{:?}", line);
            if fast {
                proptest::prop_assert_eq!(new, old);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// A whole log through the normaliser gives what the old normaliser gave, line by
        /// line (`line`, `line_ref`, `apply`), across the learning sample and after it:
        /// logs of 0 to 150 lines, drawn from a few line shapes so that a shape can win
        /// the sample.
        #[test]
        fn normaliser_is_the_old_one(
            shapes in proptest::collection::vec(log_line(), 1..6),
            picks in proptest::collection::vec((0usize..6, proptest::bool::ANY), 0..150),
            extra in log_line(),
        ) {
            let (mut new, mut by_ref, mut old) =
                (Normalizer::new(), Normalizer::new(), oracle::Normalizer::new());
            for (i, (pick, own)) in picks.into_iter().enumerate() {
                let line = if own { format!("{extra}{i}") } else { shapes[pick % shapes.len()].clone() };
                let want = old.line(&line).into_owned();
                proptest::prop_assert_eq!(new.line(&line), want.as_str(), "{:?}", line);
                proptest::prop_assert_eq!(by_ref.line_ref(&line), want.as_str(), "{:?}", line);
                proptest::prop_assert_eq!(new.apply(&line), old.apply(&line), "{:?}", line);
                proptest::prop_assert_eq!(new.learnt(), old.learnt());
            }
        }
    }
}
