//! The location extractor: every `file:line` a failed case's error text and log point
//! at, in one streaming pass (design.md section 4, issue 14).
//!
//! It runs each framework's frame shapes over every normalised line (Python tracebacks
//! and pytest's `E` blocks from [`super::pytest`], Java/Kotlin frames from
//! [`super::junit`], Node frames from [`super::jest`], Rust panics from [`super::rust`])
//! and the framework-neutral `path:line[:col][: message]` tokens of [`super::generic`]
//! (pytest, Go, compilers, `❯ src/a.ts:17:11`, `--> src/lib.rs:10:5`), and keeps the state
//! they need across lines: the message of a stack printed below its error line, Python
//! frames waiting for their exception line and the order of an exception chain, a Rust
//! panic waiting for its message. Library frames are dropped ([`is_internal`], and the
//! JVM package rule of [`super::junit`]). Inside a stack frame's parentheses a path may
//! hold spaces.
//!
//! Every line (of the log and of the error text) first goes through the line normaliser
//! ([`crate::normalize`]). A line that cannot hold a location (no quote, a plain first
//! word, or no `:digit`) costs a quote test over its bytes, a look at its first word and
//! a copy into the look-back ring; every fast path is tested against the general one.
//! There is no regex.

use std::borrow::Cow;
use std::collections::HashMap;

use memchr::memmem;

use super::generic::{
    Cursor, FailureLocation, LocationKind, MAX_LOCATIONS, MAX_MESSAGE, clip_message, error_line,
    first_token_shape, floor, is_bare_exception_name, is_internal, is_token_separator, kind_of,
    leading_token, parse_path_line, plainly_no_location, strip_scheme,
};
use super::{jest, junit, pytest, rust};
use crate::normalize::Normalizer;

/// How many previous lines are kept to find a stack's message.
const RING: usize = 48;
/// How many bytes of a line the look-back ring keeps.
const REMEMBERED: usize = 2000;
/// How many lines a Python traceback may wait for its exception line.
const PENDING_BUDGET: usize = 400;

/// Locations in `error` (first) then in `log`, deduplicated by (path, line): the first
/// occurrence wins and takes the log line of a later one if it had none.
pub fn extract(error: Option<&str>, log: &str) -> Vec<FailureLocation> {
    let mut ex = Extractor::new();
    if let Some(error) = error {
        ex.error_text(error);
    }
    ex.log(log);
    ex.finish()
}

/// Streaming extractor: feed the error text, then log lines in order (ANSI is stripped
/// here), then [`Extractor::finish`]. Memory stays bounded whatever the log size.
pub struct Extractor {
    locations: Vec<FailureLocation>,
    /// Index of each location by `seen_key` (line and path), looked up without a copy.
    seen: HashMap<String, usize>,
    key: String,
    ring: Ring,
    next_log_line: usize,
    /// Whether the previous line was a stack frame, and the message of that stack.
    in_stack: bool,
    stack_message: Option<String>,
    /// Python frames waiting for their exception line: (location index, frame indent).
    pending_python: Vec<(usize, usize)>,
    pending_budget: usize,
    /// A Rust panic waiting for its message on the next non-empty line.
    pending_rust: Option<usize>,
    /// The Python traceback being read and the exception chain it belongs to.
    chain: pytest::PythonChain,
    /// Strips CI and tool prefixes, ANSI, BOM and CR from log lines before any parser.
    normalizer: Normalizer,
    panicked: memmem::Finder<'static>,
    /// Tests: route every log line as before the fast paths (`scan`, `colon_line`), the
    /// reference they are compared with.
    #[cfg(test)]
    reference: bool,
}

/// The last [`RING`] remembered lines: fixed slots of [`REMEMBERED`] bytes in one
/// buffer, written in turn, so remembering a line is one copy into memory already there.
/// There are more slots than lines read back, a power of two: a line's slot is its
/// number's low bits.
struct Ring {
    bytes: Vec<u8>,
    lens: [usize; SLOTS],
    /// Lines remembered since the last `clear`.
    count: usize,
}

const SLOTS: usize = RING.next_power_of_two();

impl Ring {
    fn new() -> Self {
        Ring {
            bytes: vec![0; SLOTS * REMEMBERED],
            lens: [0; SLOTS],
            count: 0,
        }
    }

    fn clear(&mut self) {
        self.count = 0;
    }

    /// `line`: at most [`REMEMBERED`] bytes (longer, it is cut there).
    #[inline]
    fn push(&mut self, line: &str) {
        let i = self.count % SLOTS;
        self.count += 1;
        let n = line.len().min(REMEMBERED);
        if let (Some(len), Some(slot)) = (
            self.lens.get_mut(i),
            self.bytes.get_mut(i * REMEMBERED..i * REMEMBERED + n),
        ) {
            *len = n;
            slot.copy_from_slice(line.as_bytes().get(..n).unwrap_or_default());
        }
    }

    /// Newest first.
    fn iter(&self) -> impl Iterator<Item = &str> {
        (1..=self.count.min(RING)).map(|k| {
            let i = (self.count - k) % SLOTS;
            let len = self.lens.get(i).copied().unwrap_or(0);
            let slot = self.bytes.get(i * REMEMBERED..i * REMEMBERED + len);
            // Copied from a `&str` cut at a char boundary: always UTF-8.
            slot.and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("")
        })
    }
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor")
            .field("locations", &self.locations.len())
            .field("next_log_line", &self.next_log_line)
            .finish()
    }
}

impl Default for Extractor {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Error,
    Log(usize),
}

impl Extractor {
    pub fn new() -> Self {
        Self {
            locations: Vec::new(),
            seen: HashMap::new(),
            key: String::new(),
            ring: Ring::new(),
            next_log_line: 0,
            in_stack: false,
            stack_message: None,
            pending_python: Vec::new(),
            pending_budget: 0,
            pending_rust: None,
            chain: pytest::PythonChain::default(),
            normalizer: Normalizer::new(),
            panicked: memmem::Finder::new("panicked at ").into_owned(),
            #[cfg(test)]
            reference: false,
        }
    }

    /// Scan a case's error text (locations anywhere on a line count). Its lines are
    /// normalised on their own: what the log's normaliser learns stays the log's. The
    /// service's text is first made displayable ([`crate::sanitize::for_display`]), so a
    /// message taken from it shows a control character as the diagnostic of the same
    /// error and the hover do (`␀`) rather than dropping it.
    pub fn error_text(&mut self, text: &str) {
        let mut normalizer = Normalizer::new();
        for line in crate::lines::split(text) {
            let shown = crate::sanitize::for_display(line);
            let line = normalizer.line(&shown);
            self.process(&line, Source::Error);
        }
        self.reset_context();
    }

    /// Scan a whole log.
    pub fn log(&mut self, text: &str) {
        // Quotes are rare: find them with one forward search over the whole text instead
        // of one search per line.
        let bytes = text.as_bytes();
        let mut next_quote =
            Cursor::new(|from| memchr::memchr2(b'"', b'\'', bytes.get(from..)?).map(|p| from + p));
        let mut start = 0;
        while start < bytes.len() {
            let end = memchr::memchr(b'\n', bytes.get(start..).unwrap_or(&[]))
                .map_or(bytes.len(), |p| start + p);
            let line = text.get(start..end).unwrap_or("");
            let has_quote = next_quote.within(start, end);
            self.line_with(line, has_quote);
            start = end + 1;
        }
    }

    /// Scan the next log line (without its line break).
    pub fn log_line(&mut self, line: &str) {
        let has_quote = has_quote(line.as_bytes());
        self.line_with(line, has_quote);
    }

    /// The next log line, already normalised by the caller's [`Normalizer`] (the
    /// frameworks' analyzer normalises each line once for every reader).
    pub fn normalized_line(&mut self, line: &str) {
        let idx = self.next_log_line;
        self.next_log_line += 1;
        let has_quote = has_quote(line.as_bytes());
        if self.plain(line, has_quote) {
            return;
        }
        self.scan(line, idx, has_quote);
    }

    /// `has_quote`: whether the raw line holds a quote (normalising only removes text,
    /// so a line without one stays without).
    fn line_with(&mut self, raw: &str, has_quote: bool) {
        let idx = self.next_log_line;
        self.next_log_line += 1;
        let line = self.normalizer.line(raw);
        if !self.plain(&line, has_quote) {
            self.scan(&line, idx, has_quote);
        }
    }

    /// The common line, inlined where lines come in: no quote, nothing pending, a first
    /// word that is plainly no location ([`plainly_no_location`]). It is only
    /// remembered; `false`: ask [`Self::scan`].
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn plain(&mut self, line: &str, has_quote: bool) -> bool {
        #[cfg(test)]
        if self.reference {
            return false;
        }
        if !has_quote
            && self.pending_python.is_empty()
            && self.pending_rust.is_none()
            && plainly_no_location(line)
        {
            self.in_stack = false;
            self.remember(line);
            return true;
        }
        false
    }

    fn scan(&mut self, line: &str, idx: usize, has_quote: bool) {
        // Fast path: a line that cannot hold a location is only remembered. Python frames
        // need a `"`, Rust panics a `'`, stack frames start with `at`, and other locations
        // are a line's first token, `name.ext:digits` (`FirstToken::may_locate`).
        // The cheap facts first: the token check is only needed when they leave it open.
        let quiet = !has_quote && self.pending_python.is_empty() && self.pending_rust.is_none();
        // No `:digit` anywhere: no token of the line has one, so only a stack frame can
        // locate. Lines longer than the ring keeps need the whole shape (below).
        #[cfg(not(test))]
        let reference = false;
        #[cfg(test)]
        let reference = self.reference;
        if quiet
            && !reference
            && line.len() <= REMEMBERED
            && !at_token(line)
            && !has_colon_digit(line)
        {
            self.in_stack = false;
            self.remember(line);
            return;
        }
        // A quoted line (code, captured output) without `File "` and without `:` is no
        // frame, panic or location either: `process` would only remember it.
        if has_quote
            && !reference
            && self.pending_python.is_empty()
            && self.pending_rust.is_none()
            && line.len() <= REMEMBERED
            && memchr::memchr(b':', line.as_bytes()).is_none()
            && file_quote(line.as_bytes()).is_none()
        {
            self.in_stack = false;
            self.remember(line);
            return;
        }
        if quiet {
            let token = first_token_shape(line);
            #[cfg(test)]
            let token = if self.reference {
                super::generic::FirstToken {
                    colon_digit: token.colon,
                    ..token
                }
            } else {
                token
            };
            // `process` remembers the line trimmed, this path as it is: the same text to
            // every reader of the ring (they trim), unless the line is longer than the
            // ring keeps. Such a line takes the path it took before `may_locate` was
            // narrowed from `dot_and_colon`, so the ring keeps what it kept.
            let plain = !token.may_locate() && (line.len() <= REMEMBERED || !token.dot_and_colon());
            if plain {
                self.in_stack = false;
                self.remember(line);
                return;
            }
        }
        self.process(line, Source::Log(idx));
    }

    /// The locations found, in order of first appearance, except that a Python exception
    /// chain starts with its failure frame (see `end_traceback`).
    pub fn finish(self) -> Vec<FailureLocation> {
        self.locations
    }

    /// The locations found so far.
    pub fn locations(&self) -> &[FailureLocation] {
        &self.locations
    }

    fn reset_context(&mut self) {
        self.ring.clear();
        self.in_stack = false;
        self.stack_message = None;
        self.pending_python.clear();
        self.pending_rust = None;
        self.chain = pytest::PythonChain::default();
    }

    fn process(&mut self, line: &str, source: Source) {
        let bytes = line.as_bytes();
        let indent = bytes
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let trimmed = line.get(indent..).unwrap_or("").trim_end();

        if let Some(idx) = self.pending_rust
            && !trimmed.is_empty()
        {
            self.set_message(idx, trimmed);
            self.pending_rust = None;
        }

        let mut is_frame = false;
        let python = file_quote(bytes)
            .and_then(|at| Some((at, pytest::parse_python_frame(line.get(at..)?)?)));
        if let Some((at, (path, line_no))) = python {
            is_frame = true;
            self.python_frame_starts();
            let internal = is_internal(path);
            if !internal
                && let Some(i) = self.push(path, line_no, None, None, source, LocationKind::Python)
            {
                self.pending_python.push((i, at));
                self.pending_budget = PENDING_BUDGET;
                self.chain.frame(i);
            }
            if !internal
                && pytest::python_function(line.get(at..).unwrap_or("")).starts_with("test")
            {
                self.chain.through_test = true;
            }
        } else if !self.pending_python.is_empty() {
            self.python_message(trimmed, indent);
        }

        if !is_frame && memchr::memchr(b':', bytes).is_some() {
            is_frame = self.colon_line(line, trimmed, source);
        }

        if !is_frame {
            self.in_stack = false;
        }
        self.remember(trimmed);
    }

    /// Lines with a colon: stack frames, panics and generic locations.
    /// Returns whether the line was a stack frame.
    fn colon_line(&mut self, line: &str, trimmed: &str, source: Source) -> bool {
        if let Some(rest) = trimmed.strip_prefix("at ") {
            return self.at_frame(rest.trim(), source);
        }
        if memchr::memchr(b'\'', line.as_bytes()).is_some()
            && let Some(at) = self.panicked.find(line.as_bytes())
        {
            let after = line.get(at + "panicked at ".len()..).unwrap_or("");
            self.rust_panic(after, source);
            return false;
        }
        match source {
            Source::Log(_) => {
                // A location's token holds `:` and a digit (`parse_path_line`).
                #[cfg(not(test))]
                let reference = false;
                #[cfg(test)]
                let reference = self.reference;
                if (reference || has_colon_digit(trimmed))
                    && let Some(tok) = leading_token(trimmed)
                {
                    self.generic(tok.0, tok.1, source, None);
                }
            }
            Source::Error => {
                // In an error text the line itself is often the message: read it once.
                let line_msg = error_line(trimmed).map(|m| clip_message(m).to_owned());
                let mut rest = trimmed;
                while !rest.is_empty() && self.locations.len() < MAX_LOCATIONS {
                    let start = rest
                        .find(|c: char| !is_token_separator(c))
                        .unwrap_or(rest.len());
                    rest = rest.get(start..).unwrap_or("");
                    let end = rest.find(is_token_separator).unwrap_or(rest.len());
                    let tok = rest.get(..end).unwrap_or("");
                    let after = rest.get(end..).unwrap_or("");
                    if tok.contains(':') {
                        self.generic(tok, after, source, line_msg.as_deref());
                    }
                    rest = after;
                }
            }
        }
        false
    }

    /// `at ...` lines: Java frames, Node frames (with or without a function name).
    fn at_frame(&mut self, rest: &str, source: Source) -> bool {
        if !self.in_stack {
            self.stack_message = self.look_back();
            self.in_stack = true;
        }
        let message = self.stack_message.clone();
        if let Some((path, line_no)) = junit::stack_frame_location(rest) {
            if let Some(path) = path {
                self.push(&path, line_no, None, message, source, LocationKind::Java);
            }
            return true;
        }
        if let Some(loc) = jest::node_frame(rest)
            && !is_internal(loc.path)
        {
            let kind = kind_of(loc.path, LocationKind::Node);
            self.push(loc.path, loc.line, loc.column, message, source, kind);
        }
        true
    }

    fn rust_panic(&mut self, after: &str, source: Source) {
        let Some(panic) = rust::panic_location(after) else {
            return;
        };
        let loc = panic.location;
        if is_internal(loc.path) {
            return;
        }
        let message = panic.message.map(str::to_owned);
        if let Some(i) = self.push(
            loc.path,
            loc.line,
            loc.column,
            message,
            source,
            LocationKind::Rust,
        ) && panic.message_follows
        {
            self.pending_rust = Some(i);
        }
    }

    /// `path:line[:col][: message]` as a token.
    fn generic(&mut self, tok: &str, after: &str, source: Source, line_msg: Option<&str>) {
        let Some(loc) = parse_path_line(strip_scheme(tok)) else {
            return;
        };
        if is_internal(loc.path) {
            return;
        }
        // Text after the location: `path:42: AssertionError` or Go's `file.go:42: msg`.
        let trailing = if loc.tail == ":" {
            clip_message(after.trim())
        } else {
            ""
        };
        let message = if trailing.is_empty() || is_bare_exception_name(trailing) {
            self.pytest_e_block(trailing).or_else(|| {
                if trailing.is_empty() {
                    self.look_back()
                } else {
                    Some(trailing.to_owned())
                }
            })
        } else {
            Some(trailing.to_owned())
        };
        // In an error text the line itself is often the message.
        let message = match (message, source) {
            (None, Source::Error) => line_msg.map(str::to_owned),
            (m, _) => m,
        };
        let kind = kind_of(loc.path, LocationKind::Generic);
        self.push(loc.path, loc.line, loc.column, message, source, kind);
    }

    fn python_message(&mut self, trimmed: &str, indent: usize) {
        self.pending_budget = self.pending_budget.saturating_sub(1);
        if self.pending_budget == 0 {
            self.pending_python.clear();
            self.end_traceback();
            return;
        }
        let frame_indent = self.pending_python.last().map_or(0, |p| p.1);
        let skip = trimmed.is_empty()
            || trimmed.starts_with("Traceback")
            || trimmed.starts_with("During handling")
            || trimmed.starts_with("The above exception")
            || trimmed.starts_with('^')
            || trimmed.starts_with('~');
        if skip || indent >= frame_indent && frame_indent > 0 {
            return;
        }
        let pending = std::mem::take(&mut self.pending_python);
        for (i, _) in pending {
            self.set_message(i, trimmed);
        }
        self.end_traceback();
    }

    /// Called at each Python frame: after a `Traceback (most recent call last):` line a
    /// new traceback starts, in the chain of the one before when a chaining line (`The
    /// above exception was the direct cause...`, `During handling of the above
    /// exception...`) separates them.
    fn python_frame_starts(&mut self) {
        let (header, linked) = {
            let mut recent = self.ring.iter().map(super::trim);
            let header = recent
                .next()
                .is_some_and(|l| l.ends_with("Traceback (most recent call last):"));
            let linked = header
                && recent.find(|l| !l.is_empty()).is_some_and(|l| {
                    l.contains("The above exception was the direct cause")
                        || l.contains("During handling of the above exception")
                });
            (header, linked)
        };
        if !header {
            if !self.chain.reading {
                self.chain.start_traceback(false);
            }
            return;
        }
        if self.chain.reading {
            self.pending_python.clear();
            self.end_traceback();
        }
        self.chain.start_traceback(linked);
    }

    /// A Python traceback ended (its exception line, or the next traceback): its
    /// innermost project frame goes first in its exception chain, unless a traceback
    /// earlier in the chain ran through a test function. The first location of a chain
    /// is then where the failure happened: Python prints a chain's cause first and the
    /// outermost frame of each traceback first, while the test's failure is the
    /// innermost frame of the traceback through the test.
    fn end_traceback(&mut self) {
        let chain = &mut self.chain;
        if !chain.reading {
            return;
        }
        chain.reading = false;
        let (Some(innermost), Some(start)) = (chain.innermost, chain.start) else {
            return;
        };
        if chain.picked_test {
            return;
        }
        chain.picked_test = chain.through_test;
        if innermost <= start || innermost - start > MAX_CHAIN_MOVE {
            return;
        }
        let Some(moved) = self.locations.get_mut(start..=innermost) else {
            return;
        };
        moved.rotate_right(1);
        for (k, l) in moved.iter().enumerate() {
            if let Some(i) = self.seen.get_mut(seen_key(&mut self.key, &l.path, l.line)) {
                *i = start + k;
            }
        }
        if let Some(r) = self.pending_rust.as_mut()
            && (start..=innermost).contains(r)
        {
            *r = if *r == innermost { start } else { *r + 1 };
        }
    }

    /// pytest's `E   ...` block above `path:42: AssertionError` ([`pytest::e_block_message`]).
    fn pytest_e_block(&self, exception: &str) -> Option<String> {
        pytest::e_block_message(self.recent(), exception)
    }

    /// The nearest error-looking line above (for stacks printed after their message).
    fn look_back(&self) -> Option<String> {
        self.recent()
            .find_map(|l| error_line(&l).map(|m| clip_message(m).to_owned()))
    }

    /// Remembered lines, newest first, cleaned of escapes and trimmed.
    fn recent(&self) -> impl Iterator<Item = Cow<'_, str>> {
        // Shown as every view shows them (`crate::sanitize::for_display`).
        self.ring
            .iter()
            .map(|raw| match crate::sanitize::for_display(super::trim(raw)) {
                Cow::Borrowed(clean) => Cow::Borrowed(clean),
                Cow::Owned(clean) => Cow::Owned(clean.trim().to_owned()),
            })
    }

    #[inline]
    fn remember(&mut self, line: &str) {
        self.ring
            .push(line.get(..floor(line, REMEMBERED)).unwrap_or(""));
    }

    fn set_message(&mut self, idx: usize, message: &str) {
        if let Some(loc) = self.locations.get_mut(idx)
            && loc.message.is_none()
        {
            loc.message = Some(clip_message(message).to_owned());
        }
    }

    /// Record a location; returns its index when it is new.
    fn push(
        &mut self,
        path: &str,
        line: u32,
        column: Option<u32>,
        message: Option<String>,
        source: Source,
        kind: LocationKind,
    ) -> Option<usize> {
        let log_line = match source {
            Source::Error => None,
            Source::Log(i) => Some(i),
        };
        if let Some(&i) = self.seen.get(seen_key(&mut self.key, path, line)) {
            if let Some(existing) = self.locations.get_mut(i) {
                if existing.log_line.is_none() {
                    existing.log_line = log_line;
                }
                if existing.message.is_none() {
                    existing.message = message;
                }
                if existing.column.is_none() {
                    existing.column = column;
                }
            }
            return None;
        }
        if self.locations.len() >= MAX_LOCATIONS {
            return None;
        }
        let i = self.locations.len();
        self.seen.insert(self.key.clone(), i);
        self.locations.push(FailureLocation {
            path: path.to_owned(),
            line,
            column,
            message: message.map(|m| {
                if m.len() <= MAX_MESSAGE {
                    m
                } else {
                    clip_message(&m).to_owned()
                }
            }),
            log_line,
            kind,
        });
        Some(i)
    }
}

/// How far a chain's failure frame may move to the chain's start (bounds the work per
/// traceback whatever the log).
const MAX_CHAIN_MOVE: usize = 256;

/// The key of a (path, line) in `Extractor::seen`, written into `buf` (reused): the line
/// first, so no path can make two pairs one key.
fn seen_key<'k>(buf: &'k mut String, path: &str, line: u32) -> &'k str {
    buf.clear();
    // The digits by hand: `write!` costs more than the lookup it keys.
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut n = line;
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    for &d in digits.get(at..).unwrap_or_default() {
        buf.push(char::from(d));
    }
    buf.push(':');
    buf.push_str(path);
    buf
}

/// The first `File "` of a line (a Python frame), from its `F`s: a line has few (a
/// line of code has more `"`).
fn file_quote(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'F', bytes).find(|&at| {
        bytes
            .get(at..)
            .is_some_and(|rest| rest.starts_with(b"File \""))
    })
}

/// Whether a line's first token (after blanks) is `at`, as [`first_token_shape`] reads it.
fn at_token(line: &str) -> bool {
    let b = line.as_bytes();
    let start = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    b.get(start..).is_some_and(|rest| {
        rest.starts_with(b"at") && matches!(rest.get(2), None | Some(b' ' | b'\t'))
    })
}

/// Whether a line holds a `"` or a `'`. First a test that also takes `#` and `&` (the
/// bytes `x` with `x | 5 == b'\''`: one compare a byte), in blocks of 64, 32 or 16 bytes
/// compared whole (the last block overlapping the one before), which the compiler turns
/// into a few vector instructions; `memchr2` then confirms the rare line it takes.
/// `memchr2` alone spent more on its set-up than on the search in lines of a hundred
/// bytes.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
fn has_quote(b: &[u8]) -> bool {
    // On wasm (no vector compares) `memchr2` alone: the same answer in less code.
    if cfg!(target_family = "wasm") {
        return memchr::memchr2(b'"', b'\'', b).is_some();
    }
    fn block<const W: usize>(c: &[u8; W]) -> bool {
        let mut found = 0u8;
        for &x in c {
            found |= u8::from(x | 0x05 == b'\'');
        }
        found != 0
    }
    let maybe = match b.len() {
        0..16 => b.iter().any(|&x| x | 0x05 == b'\''),
        16..32 => {
            b.first_chunk().is_some_and(block::<16>) || b.last_chunk().is_some_and(block::<16>)
        }
        32..64 => {
            b.first_chunk().is_some_and(block::<32>) || b.last_chunk().is_some_and(block::<32>)
        }
        _ => {
            let mut blocks = b.chunks_exact(64);
            blocks
                .by_ref()
                .any(|c| <&[u8; 64]>::try_from(c).is_ok_and(block))
                || !blocks.remainder().is_empty() && b.last_chunk().is_some_and(block::<64>)
        }
    };
    maybe && memchr::memchr2(b'"', b'\'', b).is_some()
}

/// Whether `s` holds a `:` followed by an ASCII digit: each byte and the next compared
/// in blocks of 32 pairs (a `memchr` per `:` cost more on lines of `a::b::c` ids).
fn has_colon_digit(s: &str) -> bool {
    const W: usize = 32;
    fn block(at: &[u8; W], next: &[u8; W]) -> bool {
        let mut found = 0u8;
        for (&a, &n) in at.iter().zip(next) {
            found |= u8::from(a == b':') & u8::from(n.wrapping_sub(b'0') < 10);
        }
        found != 0
    }
    let b = s.as_bytes();
    // Pairs (b[k], b[k + 1]) for k < pairs.
    let pairs = b.len().saturating_sub(1);
    // On wasm (no vector compares) the pairs one by one, in less code.
    if pairs < W || cfg!(target_family = "wasm") {
        return b
            .windows(2)
            .any(|w| w.first() == Some(&b':') && w.get(1).is_some_and(u8::is_ascii_digit));
    }
    let mut k = 0;
    loop {
        // The last block overlaps the one before.
        let start = k.min(pairs - W);
        let (Some(at), Some(next)) = (
            b.get(start..start + W)
                .and_then(|x| <&[u8; W]>::try_from(x).ok()),
            b.get(start + 1..start + 1 + W)
                .and_then(|x| <&[u8; W]>::try_from(x).ok()),
        ) else {
            return false;
        };
        if block(at, next) {
            return true;
        }
        k = start + W;
        if k >= pairs {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::generic::{MAX_MESSAGE, parse_path_line, resolve};
    use super::*;

    /// (path, line, column, message, log_line, kind)
    type Row<'a> = (
        &'a str,
        u32,
        Option<u32>,
        Option<&'a str>,
        Option<usize>,
        LocationKind,
    );

    fn rows(locs: &[FailureLocation]) -> Vec<Row<'_>> {
        locs.iter()
            .map(|l| {
                (
                    l.path.as_str(),
                    l.line,
                    l.column,
                    l.message.as_deref(),
                    l.log_line,
                    l.kind,
                )
            })
            .collect()
    }

    use LocationKind as K;

    #[test]
    fn python_traceback() {
        let log = "\
Traceback (most recent call last):
  File \"/builds/acme/shop/tests/test_cart.py\", line 42, in test_total
    assert total == 3
  File \"/usr/lib/python3.12/site-packages/shop/cart.py\", line 7, in total
    return sum(x)
  File \"/builds/acme/shop/shop/cart.py\", line 9, in total
    raise AssertionError(\"bad\")
AssertionError: bad";
        // The innermost project frame first: that is where the failure happened.
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "/builds/acme/shop/shop/cart.py",
                    9,
                    None,
                    Some("AssertionError: bad"),
                    Some(5),
                    K::Python
                ),
                (
                    "/builds/acme/shop/tests/test_cart.py",
                    42,
                    None,
                    Some("AssertionError: bad"),
                    Some(1),
                    K::Python
                ),
            ]
        );
    }

    #[test]
    fn python_chain_puts_the_failure_of_the_traceback_through_the_test_first() {
        // A Django parallel run's crash (GitHub Actions log of a public project, cut):
        // the cause is printed first, the test's own traceback second, then a library-only
        // traceback and the main process's one, all chained.
        let log = "\
multiprocessing.pool.RemoteTraceback: 
\"\"\"
Traceback (most recent call last):
  File \"/w/app/connector.py\", line 114, in search_flights
    raise ConnectorError(
app.connector.ConnectorError: status 401

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File \"/usr/lib/python3.12/unittest/case.py\", line 58, in testPartExecutor
    yield
  File \"/w/app/tests.py\", line 1405, in test_aggregator_with_preferences
    flights = connector.search_flights(
  File \"/w/app/connector.py\", line 160, in search_flights
    raise ConnectorError(\"search error\") from e
app.connector.ConnectorError: search error

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File \"/usr/lib/python3.12/multiprocessing/pool.py\", line 125, in worker
    result = (True, func(*args, **kwds))
TypeError: cannot pickle 'traceback' object
\"\"\"

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File \"/w/manage.py\", line 22, in <module>
    main()
  File \"/w/manage.py\", line 18, in main
    execute_from_command_line(sys.argv)
TypeError: cannot pickle 'traceback' object";
        let found = extract(None, log);
        let got: Vec<(&str, u32)> = found.iter().map(|l| (l.path.as_str(), l.line)).collect();
        assert_eq!(
            got,
            [
                ("/w/app/connector.py", 160),
                ("/w/app/connector.py", 114),
                ("/w/app/tests.py", 1405),
                ("/w/manage.py", 22),
                ("/w/manage.py", 18),
            ]
        );
        // Without a chaining line, a new traceback is a new failure: its own order.
        let two = "Traceback (most recent call last):
  File \"/w/a.py\", line 1, in f
    g()
  File \"/w/b.py\", line 2, in g
    raise E
E
Traceback (most recent call last):
  File \"/w/c.py\", line 3, in test_h
    i()
  File \"/w/d.py\", line 4, in i
    raise E
E";
        let found = extract(None, two);
        let got: Vec<(&str, u32)> = found.iter().map(|l| (l.path.as_str(), l.line)).collect();
        assert_eq!(
            got,
            [
                ("/w/b.py", 2),
                ("/w/a.py", 1),
                ("/w/d.py", 4),
                ("/w/c.py", 3)
            ]
        );
    }

    #[test]
    fn pytest_long_summary() {
        let log = "\
    def test_total():
>       assert cart.total() == 3
E       assert 2 == 3
E        +  where 2 = <bound method Cart.total>()

tests/test_cart.py:42: AssertionError
_pytest/python.py:10: in runtest
";
        assert_eq!(
            rows(&extract(None, log)),
            vec![(
                "tests/test_cart.py",
                42,
                None,
                Some("AssertionError: assert 2 == 3"),
                Some(5),
                K::Pytest
            )]
        );
    }

    #[test]
    fn jest_stack() {
        let log = "\
  ● Cart › adds items

    expect(received).toBe(expected) // Object.is equality

    Expected: 3
    Received: 2

      15 |   cart.add(item);
      16 |   const total = cart.total();
    > 17 |   expect(total).toBe(3);
         |                 ^

      at Object.<anonymous> (/builds/x/src/cart.test.ts:17:11)
      at Promise.then.completed (/builds/x/node_modules/jest-circus/build/utils.js:298:28)
      at new Promise (<anonymous>)
      at processTicksAndRejections (node:internal/process/task_queues:95:5)";
        assert_eq!(
            rows(&extract(None, log)),
            vec![(
                "/builds/x/src/cart.test.ts",
                17,
                Some(11),
                Some("expect(received).toBe(expected) // Object.is equality"),
                Some(12),
                K::Node
            )]
        );
    }

    #[test]
    fn node_frames_without_function_mocha_playwright() {
        let log = "\
  1) Cart
       totals:
     AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
      at Context.<anonymous> (test/cart.test.js:12:14)
      at /builds/x/test/helpers.js:10:5
      at file:///builds/x/test/esm.mjs:3:1
TimeoutError: page.click: Timeout 30000ms exceeded.
  > 17 |   await page.click('#buy');
    at tests/cart.spec.ts:17:11";
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "test/cart.test.js",
                    12,
                    Some(14),
                    Some("AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:"),
                    Some(3),
                    K::Node
                ),
                (
                    "/builds/x/test/helpers.js",
                    10,
                    Some(5),
                    Some("AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:"),
                    Some(4),
                    K::Node
                ),
                (
                    "/builds/x/test/esm.mjs",
                    3,
                    Some(1),
                    Some("AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:"),
                    Some(5),
                    K::Node
                ),
                (
                    "tests/cart.spec.ts",
                    17,
                    Some(11),
                    Some("TimeoutError: page.click: Timeout 30000ms exceeded."),
                    Some(8),
                    K::Node
                ),
            ]
        );
    }

    #[test]
    fn vitest_arrow_frames() {
        let log = "\
 FAIL  src/cart.test.ts > Cart > adds items
AssertionError: expected 2 to be 3 // Object.is equality
 ❯ src/cart.test.ts:17:11
     15|   cart.add(item);
     17|   expect(total).toBe(3);";
        assert_eq!(
            rows(&extract(None, log)),
            vec![(
                "src/cart.test.ts",
                17,
                Some(11),
                Some("AssertionError: expected 2 to be 3 // Object.is equality"),
                Some(2),
                K::Generic
            )]
        );
    }

    #[test]
    fn java_junit_kotlin() {
        let log = "\
org.opentest4j.AssertionFailedError: expected: <3> but was: <2>
\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
\tat app//com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)
\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)
\tat com.acme.shop.CartKt.total(Cart.kt:12) ~[main/:?]
\tat com.acme.shop.Gen.x(Unknown Source)
\tat kotlin.collections.CollectionsKt.sum(Collections.kt:1)
\tat Outer(Default.java:5)";
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "com/acme/shop/OrderTest.java",
                    88,
                    None,
                    Some("org.opentest4j.AssertionFailedError: expected: <3> but was: <2>"),
                    Some(2),
                    K::Java
                ),
                (
                    "com/acme/shop/Cart.kt",
                    12,
                    None,
                    Some("org.opentest4j.AssertionFailedError: expected: <3> but was: <2>"),
                    Some(4),
                    K::Java
                ),
                (
                    "Default.java",
                    5,
                    None,
                    Some("org.opentest4j.AssertionFailedError: expected: <3> but was: <2>"),
                    Some(7),
                    K::Java
                ),
            ]
        );
    }

    #[test]
    fn go_test_output() {
        let log = "\
=== RUN   TestTotal
    cart_test.go:42: expected 3, got 2
--- FAIL: TestTotal (0.00s)
panic: runtime error [recovered]
\t/usr/local/go/src/testing/testing.go:1632 +0x1d
\t/usr/local/go/src/runtime/panic.go:770 +0x132
\t/builds/acme/shop/cart/cart.go:17 +0x25
FAIL";
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "cart_test.go",
                    42,
                    None,
                    Some("expected 3, got 2"),
                    Some(1),
                    K::Go
                ),
                (
                    "/builds/acme/shop/cart/cart.go",
                    17,
                    None,
                    Some("panic: runtime error [recovered]"),
                    Some(6),
                    K::Go
                ),
            ]
        );
    }

    #[test]
    fn rust_panics() {
        let log = "\
thread 'tests::total' panicked at src/lib.rs:10:5:
assertion `left == right` failed
  left: 2
thread 'main' panicked at 'boom', src/main.rs:3:9
thread 'x' panicked at /rustc/abc/library/core/src/ops.rs:1:1:
msg";
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "src/lib.rs",
                    10,
                    Some(5),
                    Some("assertion `left == right` failed"),
                    Some(0),
                    K::Rust
                ),
                ("src/main.rs", 3, Some(9), Some("boom"), Some(3), K::Rust),
            ]
        );
    }

    #[test]
    fn generic_and_error_text() {
        let error = "AssertionError at tests/test_x.py:7 (see \"src/app/util.ts:3:4\")";
        let log = "\
2024-01-15T10:00:00Z INFO started at 10:00:00 on http://host:8080/x.html:1
❯ src/cart.test.ts:17:11
  --> src/lib.rs:5:1
tests/test_x.py:7: AssertionError
version 1.2:3";
        assert_eq!(
            rows(&extract(Some(error), log)),
            vec![
                (
                    "tests/test_x.py",
                    7,
                    None,
                    Some("AssertionError at tests/test_x.py:7 (see \"src/app/util.ts:3:4\")"),
                    Some(3),
                    K::Pytest
                ),
                (
                    "src/app/util.ts",
                    3,
                    Some(4),
                    Some("AssertionError at tests/test_x.py:7 (see \"src/app/util.ts:3:4\")"),
                    None,
                    K::Generic
                ),
                ("src/cart.test.ts", 17, Some(11), None, Some(1), K::Generic),
                ("src/lib.rs", 5, Some(1), None, Some(2), K::Rust),
            ]
        );
    }

    #[test]
    fn ansi_is_removed_and_crlf_handled() {
        let log = "\x1b[31mAssertionError: boom\x1b[0m\r\n\x1b[2m    at fn (\x1b[36m/w/a.test.js\x1b[39m:1:2)\x1b[22m\r\n";
        assert_eq!(
            rows(&extract(None, log)),
            vec![(
                "/w/a.test.js",
                1,
                Some(2),
                Some("AssertionError: boom"),
                Some(1),
                K::Node
            )]
        );
    }

    #[test]
    fn resolve_table() {
        let files = [
            "tests/test_cart.py",
            "shop/tests/test_cart.py",
            "src/test/java/com/acme/shop/OrderTest.java",
            "pkg/a/cart_test.go",
            "pkg/b/cart_test.go",
            "src/cart.test.ts",
            "lib/x/util.rs",
            "lib/y/util.rs",
            "web/util.rs",
        ];
        let cases: &[(&str, Option<&str>)] = &[
            (
                "/builds/acme/shop/tests/test_cart.py",
                Some("shop/tests/test_cart.py"),
            ),
            (
                "/builds/acme/x/tests/test_cart.py",
                Some("tests/test_cart.py"),
            ),
            ("tests/test_cart.py", Some("tests/test_cart.py")),
            (
                "com/acme/shop/OrderTest.java",
                Some("src/test/java/com/acme/shop/OrderTest.java"),
            ),
            ("cart_test.go", None),
            ("/builds/x/pkg/b/cart_test.go", Some("pkg/b/cart_test.go")),
            ("C:\\builds\\x\\src\\cart.test.ts", Some("src/cart.test.ts")),
            (
                "file:///builds/x/src/cart.test.ts",
                Some("src/cart.test.ts"),
            ),
            ("util.rs", Some("web/util.rs")),
            ("/other/place/missing.py", None),
        ];
        let locs: Vec<FailureLocation> = cases
            .iter()
            .map(|(p, _)| FailureLocation {
                path: (*p).to_owned(),
                line: 1,
                column: None,
                message: None,
                log_line: None,
                kind: K::Generic,
            })
            .collect();
        let got = resolve(&locs, &files);
        for ((path, want), r) in cases.iter().zip(&got) {
            assert_eq!(r.file.as_deref(), *want, "{path}");
        }
    }

    #[test]
    fn parse_path_line_table() {
        type Want<'a> = Option<(&'a str, u32, Option<u32>, &'a str)>;
        let cases: &[(&str, Want)] = &[
            ("a.py:1", Some(("a.py", 1, None, ""))),
            ("a.py:1:", Some(("a.py", 1, None, ":"))),
            ("src/a.ts:17:11", Some(("src/a.ts", 17, Some(11), ""))),
            ("C:\\x\\a.cs:3:4", Some(("C:\\x\\a.cs", 3, Some(4), ""))),
            ("10:00:00", None),
            ("host:8080", None),
            ("http://h/a.js:1", None),
            ("a.py:0", None),
            ("1.2:3", None),
            (".py:3", None),
            ("a.py:x", None),
        ];
        for (input, want) in cases {
            let got = parse_path_line(input).map(|p| (p.path, p.line, p.column, p.tail));
            assert_eq!(got, *want, "{input}");
        }
    }

    #[test]
    fn huge_error_line_stays_linear() {
        // 200,000 location tokens on one line: the line's message is read once, not
        // once per token (that was quadratic: minutes instead of milliseconds).
        let line = "AssertionError: x ".to_owned() + &"a.go:1: b.py:2 ".repeat(100_000);
        let locs = extract(Some(&line), "");
        let got: Vec<(&str, u32)> = locs.iter().map(|l| (l.path.as_str(), l.line)).collect();
        assert_eq!(got, vec![("a.go", 1), ("b.py", 2)]);
    }

    /// Issue 14, item 1: frames behind CI and tool line prefixes.
    #[test]
    fn github_actions_timestamped_pytest() {
        let log = "\
2023-06-28T21:11:43.1651496Z ____________________________ test_total ____________________________
2023-06-28T21:11:43.1651512Z 
2023-06-28T21:11:43.1651530Z     def test_total():
2023-06-28T21:11:43.1651548Z >       assert cart.total() == 3
2023-06-28T21:11:43.1651566Z E       assert 2 == 3
2023-06-28T21:11:43.1651584Z E        +  where 2 = <bound method Cart.total>()
2023-06-28T21:11:43.1651602Z 
2023-06-28T21:11:43.1651620Z tests/test_cart.py:42: AssertionError
2023-06-28T21:11:43.1652000Z Traceback (most recent call last):
2023-06-28T21:11:43.1652010Z   File \"/home/runner/work/shop/shop/shop/cart.py\", line 9, in total
2023-06-28T21:11:43.1652020Z     raise ValueError(\"bad\")
2023-06-28T21:11:43.1652030Z ValueError: bad";
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "tests/test_cart.py",
                    42,
                    None,
                    Some("AssertionError: assert 2 == 3"),
                    Some(7),
                    K::Pytest
                ),
                (
                    "/home/runner/work/shop/shop/shop/cart.py",
                    9,
                    None,
                    Some("ValueError: bad"),
                    Some(9),
                    K::Python
                ),
            ]
        );
    }

    #[test]
    fn docker_compose_prefixed_jest_stack() {
        let log = "\
\x1b[36mweb_1  |\x1b[0m   ● Cart › adds items
\x1b[36mweb_1  |\x1b[0m 
\x1b[36mweb_1  |\x1b[0m     expect(received).toBe(expected) // Object.is equality
\x1b[36mweb_1  |\x1b[0m 
\x1b[36mweb_1  |\x1b[0m       at Object.<anonymous> (/app/src/cart.test.ts:17:11)
\x1b[36mweb_1  |\x1b[0m       at Promise.then.completed (/app/node_modules/jest-circus/build/utils.js:298:28)";
        assert_eq!(
            rows(&extract(None, log)),
            vec![(
                "/app/src/cart.test.ts",
                17,
                Some(11),
                Some("expect(received).toBe(expected) // Object.is equality"),
                Some(4),
                K::Node
            )]
        );
    }

    #[test]
    fn byte_order_mark_and_crlf() {
        let log = "\u{feff}src/cart.test.ts:17:11\r\norg.opentest4j.AssertionFailedError: expected: <3> but was: <2>\r\n\tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)\r\n";
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                ("src/cart.test.ts", 17, Some(11), None, Some(0), K::Generic),
                (
                    "com/acme/shop/OrderTest.java",
                    88,
                    None,
                    Some("org.opentest4j.AssertionFailedError: expected: <3> but was: <2>"),
                    Some(2),
                    K::Java
                ),
            ]
        );
    }

    /// One log per prefix family: the first location found, and the workspace file it
    /// resolves to.
    #[test]
    fn frames_behind_each_prefix_family_resolve() {
        let files = [
            "tests/test_cart.py",
            "src/cart.test.ts",
            "src/test/java/com/acme/shop/OrderTest.java",
            "cart/cart_test.go",
        ];
        let cases: &[(&str, &str, (&str, u32), &str)] = &[
            (
                "build service",
                "[  123s] E       assert 2 == 3\n[  123s] \n[  123s] tests/test_cart.py:42: AssertionError",
                ("tests/test_cart.py", 42),
                "tests/test_cart.py",
            ),
            (
                "docker-compose v2",
                "web-1  | FAIL src/cart.test.ts\nweb-1  |     at Object.<anonymous> (/app/src/cart.test.ts:17:11)",
                ("/app/src/cart.test.ts", 17),
                "src/cart.test.ts",
            ),
            (
                "docker-compose container_name (learnt)",
                "shop-tests  | Traceback (most recent call last):\nshop-tests  |   File \"/app/tests/test_cart.py\", line 42, in test_total\nshop-tests  | AssertionError",
                ("/app/tests/test_cart.py", 42),
                "tests/test_cart.py",
            ),
            (
                "yarn berry",
                "➤ YN0000: [@acme/web]: FAIL src/cart.test.ts\n➤ YN0000: [@acme/web]:       at Object.<anonymous> (src/cart.test.ts:17:11)",
                ("src/cart.test.ts", 17),
                "src/cart.test.ts",
            ),
            (
                "yarn berry step",
                "➤ YN0000: ┌ Run tests\n➤ YN0000: │ src/cart.test.ts:17:11\n➤ YN0000: └ Completed",
                ("src/cart.test.ts", 17),
                "src/cart.test.ts",
            ),
            (
                "turbo (learnt)",
                "web:test: cache miss, executing 2f1a\nweb:test: FAIL src/cart.test.ts\nweb:test:     at Object.<anonymous> (src/cart.test.ts:17:11)",
                ("src/cart.test.ts", 17),
                "src/cart.test.ts",
            ),
            (
                "nx scoped (learnt)",
                "@acme/web:test: FAIL src/cart.test.ts\n@acme/web:test:     at Object.<anonymous> (src/cart.test.ts:17:11)",
                ("src/cart.test.ts", 17),
                "src/cart.test.ts",
            ),
            (
                "BuildKit",
                "#12 55.70 E       assert 2 == 3\n#12 55.71 tests/test_cart.py:42: AssertionError",
                ("tests/test_cart.py", 42),
                "tests/test_cart.py",
            ),
            (
                "Jenkins ISO",
                "[2023-06-28T21:11:43.165Z] org.opentest4j.AssertionFailedError: expected: <3> but was: <2>\n[2023-06-28T21:11:43.165Z] \tat com.acme.shop.OrderTest.placesOrder(OrderTest.java:88)",
                ("com/acme/shop/OrderTest.java", 88),
                "src/test/java/com/acme/shop/OrderTest.java",
            ),
            (
                "Jenkins timestamper",
                "21:11:43 === RUN   TestTotal\n21:11:43     cart_test.go:42: expected 3, got 2",
                ("cart_test.go", 42),
                "cart/cart_test.go",
            ),
            (
                "richgo",
                "START| Total\nFAIL | --- FAIL: TestTotal (0.00s)\n     | \tcart_test.go:42: expected 3, got 2",
                ("cart_test.go", 42),
                "cart/cart_test.go",
            ),
            (
                "kubectl logs --prefix",
                "[pod/shop-tests-7d9f8/tests] FAIL src/cart.test.ts\n[pod/shop-tests-7d9f8/tests]     at Object.<anonymous> (/app/src/cart.test.ts:17:11)",
                ("/app/src/cart.test.ts", 17),
                "src/cart.test.ts",
            ),
            (
                "GitLab runner timestamps and stream markers",
                "2026-09-26T22:30:07.958626Z 01E E       assert 2 == 3\n2026-09-26T22:30:07.958700Z 01E \n2026-09-26T22:30:07.958800Z 01E tests/test_cart.py:42: AssertionError",
                ("tests/test_cart.py", 42),
                "tests/test_cart.py",
            ),
            (
                "GitHub Actions + docker-compose + CRLF",
                "2023-06-28T21:11:43.1651496Z api_1  |     at Object.<anonymous> (/app/src/cart.test.ts:17:11)\r\n",
                ("/app/src/cart.test.ts", 17),
                "src/cart.test.ts",
            ),
        ];
        for (family, log, want, file) in cases {
            let locs = extract(None, log);
            let first = locs.first().map(|l| (l.path.as_str(), l.line));
            assert_eq!(first, Some(*want), "{family}");
            let resolved = resolve(&locs, &files);
            assert_eq!(
                resolved.first().and_then(|r| r.file.as_deref()),
                Some(*file),
                "{family}"
            );
        }
    }

    /// Issue 14, item 4: a project whose own package starts like a library's.
    #[test]
    fn own_tests_under_library_packages() {
        let log = "\
org.opentest4j.AssertionFailedError: expected: <1> but was: <2>
\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
\tat org.apache.maven.model.building.DefaultModelBuilderTest.testBuildFromModel(DefaultModelBuilderTest.java:88)
\tat org.gradle.api.internal.FooIT$Nested.works(FooIT.java:12)
\tat org.apache.maven.surefire.junitplatform.JUnitPlatformProvider.invokeAllTests(JUnitPlatformProvider.java:142)
\tat junit.framework.TestCase.runBare(TestCase.java:141)
\tat java.base/java.util.ListTest.get(ListTest.java:3)";
        let msg = Some("org.opentest4j.AssertionFailedError: expected: <1> but was: <2>");
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "org/apache/maven/model/building/DefaultModelBuilderTest.java",
                    88,
                    None,
                    msg,
                    Some(2),
                    K::Java
                ),
                (
                    "org/gradle/api/internal/FooIT.java",
                    12,
                    None,
                    msg,
                    Some(3),
                    K::Java
                ),
            ]
        );
    }

    /// Issue 14, item 4: Go's module cache and GOROOT are library code.
    #[test]
    fn go_module_cache_and_goroot_are_libraries() {
        let log = "\
panic: boom [recovered]
\t/usr/local/go/src/testing/testing.go:1632 +0x1d
\t/usr/local/go/src/net/http/server.go:2136 +0x29
\t/go/pkg/mod/github.com/stretchr/testify@v1.7.2/assert/assertions.go:1234 +0x1
\t/home/runner/go/pkg/mod/golang.org/x/sync@v0.1.0/errgroup/errgroup.go:75 +0x1
\tgithub.com/stretchr/testify@v1.8.4/require/require.go:12 +0x1
\t/opt/hostedtoolcache/go/1.21.0/x64/src/sync/once.go:74 +0x1
\tC:/Program Files/Go/src/testing/testing.go:2802 +0x34b
\t_testmain.go:94 +0x9b
\t/builds/acme/shop/cart/cart_test.go:17 +0x25
\t/builds/acme/shop/pkg/mod/mod_test.go:5 +0x1";
        assert_eq!(
            rows(&extract(None, log)),
            vec![
                (
                    "/builds/acme/shop/cart/cart_test.go",
                    17,
                    None,
                    Some("panic: boom [recovered]"),
                    Some(9),
                    K::Go
                ),
                (
                    "/builds/acme/shop/pkg/mod/mod_test.go",
                    5,
                    None,
                    Some("panic: boom [recovered]"),
                    Some(10),
                    K::Go
                ),
            ]
        );
    }

    /// Installed gems are library code; the project's own `gems/` folder name inside a
    /// path segment (`src/gemstone.rb`) is not.
    #[test]
    fn ruby_gems_are_libraries() {
        for (path, internal) in [
            (
                "/usr/local/lib/ruby/gems/3.4.0/gems/axe-core-api-4.8.0/lib/axe/api.rb",
                true,
            ),
            (
                "/app/vendor/bundle/ruby/3.3.0/gems/rspec-core-3.13.0/lib/rspec.rb",
                true,
            ),
            ("./spec/models/user_spec.rb", false),
            ("app/models/gemstone.rb", false),
        ] {
            assert_eq!(is_internal(path), internal, "{path}");
        }
    }

    /// Issue 14, item 4: Node core frames without `node:` are not user files.
    #[test]
    fn node_core_frames_without_scheme() {
        let log = "\
AssertionError: false == true
    at Object.<anonymous> (/builds/x/test/cart.test.js:5:8)
    at Module._compile (module.js:460:26)
    at Object.Module._extensions..js (module.js:478:10)
    at assert.js:86:15
    at emitOne (events.js:96:13)
    at startup (bootstrap_node.js:149:9)
    at internal/main/run_main_module.js:17:47
    at helper (lib/module.js:3:1)";
        let msg = Some("AssertionError: false == true");
        let locs = extract(None, log);
        assert_eq!(
            rows(&locs),
            vec![
                (
                    "/builds/x/test/cart.test.js",
                    5,
                    Some(8),
                    msg,
                    Some(1),
                    K::Node
                ),
                ("lib/module.js", 3, Some(1), msg, Some(8), K::Node),
            ]
        );
        let files = [
            "test/cart.test.js",
            "lib/module.js",
            "assert.js",
            "events.js",
        ];
        let resolved: Vec<Option<&str>> = resolve(&locs, &files)
            .iter()
            .map(|r| r.file.as_deref())
            .collect::<Vec<_>>()
            .into_iter()
            .map(|f| f.and_then(|f| files.iter().copied().find(|x| *x == f)))
            .collect();
        assert_eq!(
            resolved,
            vec![Some("test/cart.test.js"), Some("lib/module.js")]
        );
    }

    /// Issue 14, item 5: inside the parentheses of a stack frame a path may hold spaces.
    #[test]
    fn paths_with_spaces_in_frames() {
        let log = "\
Error: expect(received).toBe(expected)
    at Object.<anonymous> (spec/ultest a.test.ts:4:20)
    at Context.<anonymous> (C:\\Users\\John Doe\\shop\\test\\cart.test.js:12:14)
    at Object.<anonymous> (/w/my project (copy)/src/a.test.ts:3:1)";
        let msg = Some("Error: expect(received).toBe(expected)");
        let locs = extract(None, log);
        assert_eq!(
            rows(&locs),
            vec![
                ("spec/ultest a.test.ts", 4, Some(20), msg, Some(1), K::Node),
                (
                    "C:\\Users\\John Doe\\shop\\test\\cart.test.js",
                    12,
                    Some(14),
                    msg,
                    Some(2),
                    K::Node
                ),
                (
                    "/w/my project (copy)/src/a.test.ts",
                    3,
                    Some(1),
                    msg,
                    Some(3),
                    K::Node
                ),
            ]
        );
        let files = [
            "spec/ultest a.test.ts",
            "test/cart.test.js",
            "src/a.test.ts",
        ];
        let got: Vec<Option<String>> = resolve(&locs, &files).into_iter().map(|r| r.file).collect();
        assert_eq!(
            got,
            vec![
                Some("spec/ultest a.test.ts".to_owned()),
                Some("test/cart.test.js".to_owned()),
                Some("src/a.test.ts".to_owned()),
            ]
        );
    }

    /// Lines as the fast paths see them: each a concatenation of these pieces.
    const PIECES: &[&str] = &[
        " ",
        "\t",
        "\u{a0}",
        "\u{2003}",
        "\r",
        "\x1b",
        "\"",
        "'",
        ":",
        ":7",
        "::",
        ".",
        ".py",
        "a.py:12",
        "src/a.ts:3:4",
        "x.go:5:",
        "file:///w/b.rs:9",
        "tests/t.py::test_x",
        "at ",
        "at",
        "\tat com.a.B.c(B.java:",
        "at f (/w/a.js:1:2)",
        "  File \"/w/t.py\", line ",
        "File \"",
        ", line 3, in test_x",
        "panicked at ",
        "thread 'main' panicked at src/lib.rs:2:5:",
        "Traceback (most recent call last):",
        "The above exception was the direct cause",
        "E ",
        "E",
        "FAIL ",
        "FAIL",
        "ERROR ",
        "❯ ",
        "› ",
        "→ ",
        "--> ",
        "> ",
        "AssertionError",
        "ValueError: bad",
        "assert 2 == 3",
        "Error",
        "  17 | x",
        "^",
        "During handling of the above exception",
        "INFO",
        "é",
        "1",
        "42",
    ];

    fn line_of(parts: &[usize]) -> String {
        parts
            .iter()
            .map(|&i| PIECES.get(i % PIECES.len()).copied().unwrap_or(""))
            .collect()
    }

    /// Every log line through `normalized_line`, with or without the fast paths.
    fn streamed(lines: &[String], reference: bool) -> Vec<FailureLocation> {
        let mut ex = Extractor::new();
        ex.reference = reference;
        for l in lines {
            ex.normalized_line(l);
        }
        ex.finish()
    }

    proptest::proptest! {
        /// The fast paths (`scan`'s plain lines, `colon_line`'s `:digit` test) find the
        /// same locations with the same messages as the general path, on logs made of the
        /// pieces every shape is read from.
        #[test]
        fn fast_paths_equal_the_general_path(
            log in proptest::collection::vec(
                proptest::collection::vec(0usize..PIECES.len(), 0..12),
                0..40,
            ),
            long in proptest::option::of((0usize..40, 1990usize..2010, 0usize..4)),
        ) {
            let mut lines: Vec<String> = log.iter().map(|p| line_of(p)).collect();
            // Now and then a line around the ring's 2,000 bytes.
            if let Some((at, len, indent)) = long
                && let Some(l) = lines.get_mut(at)
            {
                let body = format!("x.py:y {}", "a".repeat(len));
                *l = format!("{}{body} ValueError: boom {l}", " ".repeat(indent));
            }
            proptest::prop_assert_eq!(streamed(&lines, false), streamed(&lines, true));
        }

        /// The helpers of the fast paths against what they stand for.
        #[test]
        fn fast_path_helpers(parts in proptest::collection::vec(0usize..PIECES.len(), 0..12)) {
            let l = line_of(&parts);
            let b = l.as_bytes();
            proptest::prop_assert_eq!(at_token(&l), first_token_shape(&l).stack);
            proptest::prop_assert_eq!(has_quote(b), memchr::memchr2(b'"', b'\'', b).is_some());
            proptest::prop_assert_eq!(file_quote(b), memmem::find(b, b"File \""));
            let colon_digit = b.windows(2).any(|w| w[0] == b':' && w[1].is_ascii_digit());
            proptest::prop_assert_eq!(has_colon_digit(&l), colon_digit);
        }
    }

    /// pytest's `-v` lines (`file.py::test PASSED`) take the fast path now; a location
    /// after them keeps its `E` message, and one after an `at` frame its look-back.
    #[test]
    fn fast_path_lines_keep_messages() {
        let lines: Vec<String> = [
            "tests/t.py::test_x PASSED",
            "E       assert 2 == 3",
            "tests/t.py:4: AssertionError",
            "Error: boom",
            "tests/t.py::test_y[a:b] FAILED",
            "    at f (/w/a.js:1:2)",
        ]
        .iter()
        .map(|l| (*l).to_owned())
        .collect();
        let fast = streamed(&lines, false);
        assert_eq!(fast, streamed(&lines, true));
        assert_eq!(
            rows(&fast),
            vec![
                (
                    "tests/t.py",
                    4,
                    None,
                    Some("AssertionError: assert 2 == 3"),
                    Some(2),
                    K::Pytest
                ),
                ("/w/a.js", 1, Some(2), Some("Error: boom"), Some(5), K::Node),
            ]
        );
    }

    /// A line longer than the ring keeps is remembered as before: trimmed when its first
    /// token has a dot and a colon (it went to `process`), so an error word at its 2,000th
    /// byte still makes it the message of a stack below it.
    #[test]
    fn long_lines_are_remembered_as_before() {
        let content = format!("x.py:y {}Error", "a".repeat(2000 - 7 - 5));
        assert_eq!(content.len(), 2000);
        let lines = vec![
            format!("          {content} more"),
            "    at f (/w/a.js:1:2)".to_owned(),
        ];
        let fast = streamed(&lines, false);
        assert_eq!(fast, streamed(&lines, true));
        let message = fast.first().and_then(|l| l.message.as_deref());
        assert_eq!(message, content.get(..MAX_MESSAGE));
    }

    /// The ring keeps the last `RING` lines, newest first, across its wrap.
    #[test]
    fn ring_keeps_the_last_lines_newest_first() {
        let mut ring = Ring::new();
        assert_eq!(ring.iter().count(), 0);
        for i in 0..RING + 3 {
            ring.push(&format!("line {i}"));
        }
        let got: Vec<&str> = ring.iter().collect();
        let want: Vec<String> = (3..RING + 3).rev().map(|i| format!("line {i}")).collect();
        assert_eq!(got, want);
        ring.clear();
        ring.push("again");
        assert_eq!(ring.iter().collect::<Vec<_>>(), ["again"]);
    }

    /// `has_quote` against `memchr2` for every length up to 100 and every position of
    /// either quote (and of every other byte), and on lines of every piece.
    #[test]
    fn has_quote_equals_memchr2() {
        for len in [1usize, 15, 16, 31, 32, 63, 64, 65, 100, 130] {
            for at in [0, len / 2, len - 1] {
                for byte in 0..=255u8 {
                    let mut l = vec![b'a'; len];
                    if let Some(b) = l.get_mut(at) {
                        *b = byte;
                    }
                    assert_eq!(
                        has_quote(&l),
                        byte == b'"' || byte == b'\'',
                        "{len} {at} {byte}"
                    );
                }
            }
        }
        for len in 0..100 {
            let plain = "a".repeat(len);
            assert!(!has_quote(plain.as_bytes()), "{len}");
            for at in 0..len {
                for q in ['"', '\''] {
                    let mut l = plain.clone().into_bytes();
                    if let Some(b) = l.get_mut(at) {
                        *b = q as u8;
                    }
                    assert!(has_quote(&l), "{len} {at}");
                }
            }
        }
        // `has_colon_digit` likewise, with a `:1` (and a lone `:`, a `1:`) at each place.
        for len in 0..100usize {
            let plain = "a".repeat(len);
            assert!(!has_colon_digit(&plain), "{len}");
            for at in 0..len.saturating_sub(1) {
                let mut l = plain.clone().into_bytes();
                if let Some(p) = l.get_mut(at..at + 2) {
                    p.copy_from_slice(b":1");
                }
                let l = String::from_utf8(l).unwrap_or_default();
                assert!(has_colon_digit(&l), "{l}");
                assert!(!has_colon_digit(&l.replace(":1", "1:")), "{l}");
                assert!(!has_colon_digit(&l.replace(":1", ":a")), "{l}");
            }
        }
        for (i, _) in PIECES.iter().enumerate() {
            let l = line_of(&[i, i + 3, i + 7, i, i + 11, i + 5]);
            assert_eq!(
                has_quote(l.as_bytes()),
                memchr::memchr2(b'"', b'\'', l.as_bytes()).is_some(),
                "{l:?}"
            );
        }
    }

    #[test]
    fn seen_keys_and_file_quotes() {
        let mut buf = String::new();
        assert_eq!(seen_key(&mut buf, "a.py", 0), "0:a.py");
        assert_eq!(seen_key(&mut buf, "a.py", 42), "42:a.py");
        assert_eq!(seen_key(&mut buf, "b:c", u32::MAX), "4294967295:b:c");
        for line in [
            "",
            "\"",
            "File \"",
            "  File \"a.py\", line 1",
            "x(\"y\") File \"a.py\"",
            "File x\" File \"",
            "ile \"",
        ] {
            assert_eq!(
                file_quote(line.as_bytes()),
                memmem::find(line.as_bytes(), b"File \""),
                "{line:?}"
            );
        }
    }

    #[test]
    fn bounded_and_deduplicated() {
        let mut log = String::new();
        for i in 1..=3000 {
            log.push_str(&format!("  at f (/w/a{i}.js:1:1)\n  at f (/w/a1.js:1:1)\n"));
        }
        let locs = extract(None, &log);
        assert_eq!(locs.len(), MAX_LOCATIONS);
        assert_eq!(locs.first().map(|l| l.path.as_str()), Some("/w/a1.js"));
    }
}
