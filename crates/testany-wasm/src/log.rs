//! The log held by a `LogView`: its text, line-start offsets, and the results of
//! testany-core's streaming analysis. Plain Rust (no wasm-bindgen types) so it is tested
//! natively; `lib.rs` only converts.

use std::collections::HashMap;

use serde::Serialize;
use testany_core::ansi::{self, Color, Style, StyledSpan};
use testany_core::category;
use testany_core::failure_line::is_failure_line;
use testany_core::locations::{Extractor, FailureLocation};
use testany_core::sanitize;

/// A rendered line is cut after this many bytes so one pathological line cannot stall
/// the page (the rest is announced, never shown raw).
pub const MAX_RENDERED_LINE: usize = testany_core::lines::MAX_LINE;
/// At most this many lines are rendered per call (a screen holds a few dozen).
pub const MAX_WINDOW: usize = 10_000;
/// Longest accepted search pattern, in bytes.
pub const MAX_PATTERN: usize = 1024;

/// One failure: consecutive locations that share a message (one stack) form one failure,
/// placed at the log line of its first frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub line: u32,
    pub message: String,
    /// `assertion` | `timeout` | `error` | `infrastructure` (core's codes).
    pub category: &'static str,
}

/// A location as the page needs it (0-based `log_line`, tool's 1-based `line`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: Option<u32>,
    pub log_line: u32,
}

/// Why a search could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchError {
    TooLong,
    Invalid(String),
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchError::TooLong => {
                write!(f, "the search pattern is longer than {MAX_PATTERN} bytes")
            }
            SearchError::Invalid(why) => write!(f, "invalid regular expression: {why}"),
        }
    }
}

/// Text plus indexes. Text arrives in chunks ([`Log::append`]); analysis runs in
/// bounded steps ([`Log::analyze`]) so a page can paint before a 100 MiB log is read.
#[derive(Default)]
pub struct Log {
    text: String,
    /// Byte offset where each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
    finished: bool,
    extractor: Extractor,
    /// Lines handed to the extractor so far.
    analyzed: usize,
    /// Analysed lines that core's failure-line rule marks, ascending; at most
    /// [`MAX_WORD_LINES`], since they only stand in for failures when none was located.
    word_lines: Vec<u32>,
    derived: Option<Derived>,
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log")
            .field("bytes", &self.text.len())
            .field("lines", &self.line_count())
            .finish()
    }
}

/// Failures and location lookups, rebuilt from the extractor's locations on demand.
#[derive(Debug, Default)]
struct Derived {
    failures: Vec<Failure>,
    locations: Vec<Location>,
    /// log line -> index into `locations` (the first location found on that line).
    by_line: HashMap<u32, usize>,
    /// Sorted log lines of failures.
    failure_lines: Vec<u32>,
}

impl Log {
    /// An empty log with room for `bytes` of text (avoids copies while appending).
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            starts: vec![0],
            ..Self::default()
        }
    }

    /// A complete, fully analysed log.
    pub fn from_text(text: &str) -> Self {
        let mut log = Self::with_capacity(text.len());
        log.append(text);
        log.finish();
        while !log.analyze(usize::MAX) {}
        log
    }

    /// Add text; line starts are indexed at once (one `memchr` pass).
    pub fn append(&mut self, chunk: &str) {
        if self.finished {
            return;
        }
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let base = self.text.len();
        let spare = self.text.capacity() - base;
        if spare < chunk.len() {
            // Grow by an eighth, not by doubling: a 100 MiB log whose capacity hint was a
            // little short must not take 200 MiB more of wasm memory (it never shrinks).
            self.text.reserve_exact(chunk.len().max(base / 8));
        }
        self.text.push_str(chunk);
        self.starts
            .extend(memchr::memchr_iter(b'\n', chunk.as_bytes()).map(|p| base + p + 1));
    }

    /// No more text will come: the last line counts even without a line break.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    pub fn byte_len(&self) -> usize {
        self.text.len()
    }

    /// Lines so far; a trailing line break does not start a new (empty) line.
    pub fn line_count(&self) -> usize {
        match self.starts.last() {
            Some(&last) if last == self.text.len() => self.starts.len() - 1,
            Some(_) => self.starts.len(),
            None => 0,
        }
    }

    /// Lines that are complete (their break is in, or the text is finished).
    fn complete_lines(&self) -> usize {
        if self.finished {
            self.line_count()
        } else {
            self.starts.len().saturating_sub(1)
        }
    }

    /// Line `n` without its break (and without a trailing `\r`).
    pub fn raw_line(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n)?;
        let end = self.starts.get(n + 1).map_or(self.text.len(), |e| e - 1);
        if n >= self.line_count() {
            return None;
        }
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Line `n` with escapes removed.
    pub fn line_text(&self, n: usize) -> Option<String> {
        self.raw_line(n).map(ansi::strip)
    }

    /// Feed complete lines to core's extractor until about `budget` bytes were scanned.
    /// Returns true once every line of a finished log is analysed.
    pub fn analyze(&mut self, budget: usize) -> bool {
        let target = self.complete_lines();
        let mut spent = 0usize;
        while self.analyzed < target && spent < budget {
            let n = self.analyzed;
            let line = self.raw_line(n).unwrap_or("");
            spent = spent.saturating_add(line.len() + 1);
            // `raw_line` borrows self.text; the extractor is a separate field.
            let start = self.starts.get(n).copied().unwrap_or(0);
            let line = self.text.get(start..start + line.len()).unwrap_or("");
            self.extractor.log_line(line);
            if self.word_lines.len() < MAX_WORD_LINES && is_failure_line(line) {
                self.word_lines.push(u32::try_from(n).unwrap_or(u32::MAX));
            }
            self.analyzed += 1;
        }
        if spent > 0 {
            self.derived = None;
        }
        self.finished && self.analyzed >= target
    }

    /// Lines analysed so far (the page shows progress).
    pub fn analyzed_lines(&self) -> usize {
        self.analyzed
    }

    fn derived(&mut self) -> &Derived {
        self.derived
            .get_or_insert_with(|| derive(self.extractor.locations(), &self.word_lines))
    }

    pub fn failures(&mut self) -> Vec<Failure> {
        self.derived().failures.clone()
    }

    pub fn failure_lines(&mut self) -> Vec<u32> {
        self.derived().failure_lines.clone()
    }

    pub fn locations(&mut self) -> Vec<Location> {
        self.derived().locations.clone()
    }

    /// Lines `start..end` (clamped, at most [`MAX_WINDOW`]) as HTML: one `<div class="l" data-line="N">` each with
    /// a gutter `<span class="g">` (1-based number), and the text in `<span class="t">`,
    /// every byte escaped, SGR styles as classes, failure lines marked `fail`, lines with
    /// a location wrapped in a `<span class="loc" data-loc="i">` link.
    ///
    /// SGR state restarts at each line so a line renders the same whatever window it is
    /// in (logs from CI reset at line ends in practice).
    pub fn render_lines(&mut self, start: usize, end: usize) -> String {
        let end = end.min(self.line_count());
        let start = start.min(end);
        let end = end.min(start.saturating_add(MAX_WINDOW));
        let mut out = String::with_capacity((end - start) * 120);
        let derived = self
            .derived
            .take()
            .unwrap_or_else(|| derive(self.extractor.locations(), &self.word_lines));
        for n in start..end {
            let Some(line) = self.raw_line(n) else { break };
            let n32 = u32::try_from(n).unwrap_or(u32::MAX);
            let failed = derived.failure_lines.binary_search(&n32).is_ok();
            out.push_str(if failed {
                "<div class=\"l fail\" data-line=\""
            } else {
                "<div class=\"l\" data-line=\""
            });
            push_num(&mut out, n);
            out.push_str("\"><span class=\"g\">");
            push_num(&mut out, n + 1);
            out.push_str("</span><span class=\"t\">");
            let loc = derived.by_line.get(&n32);
            if let Some(i) = loc {
                out.push_str("<span class=\"loc\" role=\"link\" tabindex=\"0\" data-loc=\"");
                push_num(&mut out, *i);
                out.push_str("\">");
            }
            render_line(&mut out, line);
            if loc.is_some() {
                out.push_str("</span>");
            }
            out.push_str("</span></div>");
        }
        self.derived = Some(derived);
        out
    }

    /// 0-based lines whose text (escapes removed) contains `pattern`, or matches it as a
    /// regular expression (module `pattern`: the browser's `RegExp` in wasm). An empty
    /// pattern matches nothing.
    pub fn search(&self, pattern: &str, regex: bool) -> Result<Vec<u32>, SearchError> {
        self.search_range(pattern, regex, 0, self.line_count())
    }

    /// [`Log::search`] over lines `from..to` only (clamped), so a page can search a big
    /// log in slices and stay responsive.
    pub fn search_range(
        &self,
        pattern: &str,
        regex: bool,
        from: usize,
        to: usize,
    ) -> Result<Vec<u32>, SearchError> {
        if pattern.len() > MAX_PATTERN {
            return Err(SearchError::TooLong);
        }
        if pattern.is_empty() {
            return Ok(Vec::new());
        }
        let matcher: Box<dyn Fn(&str) -> bool> = if regex {
            let re = crate::pattern::Regex::new(pattern).map_err(SearchError::Invalid)?;
            Box::new(move |line: &str| re.is_match(line))
        } else {
            let finder = memchr::memmem::Finder::new(pattern.as_bytes()).into_owned();
            Box::new(move |line: &str| finder.find(line.as_bytes()).is_some())
        };
        let mut hits = Vec::new();
        let mut clean = String::new();
        let to = to.min(self.line_count());
        for n in from.min(to)..to {
            let Some(line) = self.raw_line(n) else { break };
            let text = if ansi::has_escapes(line) {
                clean.clear();
                ansi::strip_into(line, &mut clean);
                clean.as_str()
            } else {
                line
            };
            if matcher(text) {
                hits.push(u32::try_from(n).unwrap_or(u32::MAX));
            }
        }
        Ok(hits)
    }
}

/// How many rule-marked lines are kept (as the extractor keeps at most 1,000 locations).
const MAX_WORD_LINES: usize = 1000;

/// Failures from `found`. The failure lines (gutter marks, `n`/F8 stops, the count) are
/// the located failures' lines, one stop per failure; only a log with no located failure
/// falls back to `word_lines`, the lines core's failure-line rule marks (`ERROR: Job
/// failed`, a compiler error), so such a log still has somewhere to jump.
fn derive(found: &[FailureLocation], word_lines: &[u32]) -> Derived {
    let mut d = Derived::default();
    let mut previous: Option<&str> = None;
    for loc in found {
        let Some(log_line) = loc.log_line.and_then(|l| u32::try_from(l).ok()) else {
            previous = None;
            continue;
        };
        d.by_line.entry(log_line).or_insert(d.locations.len());
        d.locations.push(Location {
            path: loc.path.clone(),
            line: loc.line,
            column: loc.column,
            log_line,
        });
        let message = loc.message.as_deref();
        if let Some(message) = message
            && previous != Some(message)
        {
            d.failures.push(Failure {
                line: log_line,
                message: message.to_owned(),
                category: category::code(
                    category::from_text(message)
                        .unwrap_or(testany_core::model::FailureCategory::Error),
                ),
            });
        }
        previous = message;
    }
    // Sorted and unique by binary insertion (core keeps at most 1,000 locations): a
    // sort would add ~4 KB to the .wasm (size budget).
    if d.failures.is_empty() {
        d.failure_lines = word_lines.to_vec();
    }
    for f in &d.failures {
        if let Err(at) = d.failure_lines.binary_search(&f.line) {
            d.failure_lines.insert(at, f.line);
        }
    }
    d
}

fn push_num(out: &mut String, n: usize) {
    use std::fmt::Write;
    let _ = write!(out, "{n}");
}

/// One line's spans as escaped HTML, cut at [`MAX_RENDERED_LINE`].
fn render_line(out: &mut String, line: &str) {
    let mut cut = line.len().min(MAX_RENDERED_LINE);
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    let shown = line.get(..cut).unwrap_or("");
    for StyledSpan { text, style } in ansi::spans(shown) {
        if style == Style::default() {
            escape_visible_into(out, &text);
        } else {
            out.push_str("<span class=\"");
            push_classes(out, &style);
            out.push_str("\">");
            escape_visible_into(out, &text);
            out.push_str("</span>");
        }
    }
    if cut < line.len() {
        out.push_str("<span class=\"cut\">… (");
        push_num(out, line.len() - cut);
        out.push_str(" more bytes)</span>");
    }
}

/// CSS classes of a style: `ansi-fg-N` / `ansi-bg-N` with N a 256-colour palette index
/// (24-bit colours go to the nearest cube colour: a strict CSP forbids inline styles),
/// plus `ansi-bold`, `ansi-dim`, `ansi-italic`, `ansi-underline`, `ansi-inverse`.
pub fn push_classes(out: &mut String, style: &Style) {
    let mut first = true;
    let mut class = |out: &mut String, name: &str, n: Option<u8>| {
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(name);
        if let Some(n) = n {
            push_num(out, usize::from(n));
        }
    };
    if let Some(c) = style.fg {
        class(out, "ansi-fg-", Some(palette(c)));
    }
    if let Some(c) = style.bg {
        class(out, "ansi-bg-", Some(palette(c)));
    }
    for (on, name) in [
        (style.bold, "ansi-bold"),
        (style.dim, "ansi-dim"),
        (style.italic, "ansi-italic"),
        (style.underline, "ansi-underline"),
        (style.inverse, "ansi-inverse"),
    ] {
        if on {
            class(out, name, None);
        }
    }
}

/// A colour as an index of the xterm 256-colour palette.
pub fn palette(c: Color) -> u8 {
    match c {
        Color::Basic { index } => index.min(15),
        Color::Indexed { index } => index,
        Color::Rgb { r, g, b } => {
            // xterm cube levels 0, 95, 135, 175, 215, 255.
            let level = |v: u8| -> u8 {
                if v < 48 {
                    0
                } else if v < 115 {
                    1
                } else {
                    (v - 35) / 40
                }
            };
            16 + 36 * level(r) + 6 * level(g) + level(b)
        }
    }
}

/// Span text as HTML, with what core's sanitiser shows made visible the same way
/// (issue 17): a bare CR as `␍`, bidi and format characters (U+202E, ...) as `<U+202E>`,
/// so a log cannot reorder or hide what the viewer shows; other C0 controls as Control
/// Pictures, DEL as `␡`, C1 controls as `<U+009B>`.
pub fn escape_visible_into(out: &mut String, text: &str) {
    if !text.chars().any(sanitize::is_unsafe_char) {
        return escape_into(out, text);
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let cp = c as u32;
        if cp < 0x20 && sanitize::is_unsafe_char(c) {
            out.push(char::from_u32(0x2400 + cp).unwrap_or('\u{fffd}'));
        } else if c == '\u{7f}' {
            out.push('\u{2421}');
        } else if sanitize::is_unsafe_char(c) {
            out.push_str("&lt;U+");
            for shift in [12, 8, 4, 0] {
                out.push(char::from(HEX[((cp >> shift) & 0xf) as usize]));
            }
            out.push_str("&gt;");
        } else {
            escape_into(out, c.encode_utf8(&mut buf));
        }
    }
}

/// HTML-escape every character that could open markup or end an attribute.
pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(text.get(last..i).unwrap_or(""));
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(text.get(last..).unwrap_or(""));
}
