//! Playwright Test: the list, line, dot and github reporters, retries, the failure
//! details and the closing summary (the `playwright` executor of Testany runs these).
//!
//! Test ids are the reporters' own titles: `[project] › file:line:col › describe › test`
//! (no `[project] › ` without a project name). Windows consoles print `ok`/`x` for
//! `✓`/`✘`, and a UTF-8 log read as CP437 shows `›` as `ÔÇ║` and `─` as `ÔöÇ`: both are
//! read as the characters they stand for, so ids are the same on every platform.
//!
//! A run's statuses are settled at its end (the next `Running N tests` line or the end of
//! the log), because only the summary says which `✘` tests were interrupted (left out:
//! no status fits), which failed for good and which passed on a retry (flaky). Memory is
//! one entry per test of the run, never per line.

use std::collections::HashMap;

use super::generic::{FailureLocation, LocationKind, is_internal};
use super::{Framework, MAX_TEST_LOCATIONS, MAX_TESTS, Parser, Report, TestResult, TestStatus};

/// Lines of failure details read before their block is closed without an end marker.
const MAX_BLOCK_LINES: usize = 2000;

/// What a list line's mark says about one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Passed,
    Failed,
    Skipped,
}

/// The summary list a title line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listed {
    Failed,
    Flaky,
    Interrupted,
}

/// One test of the current run.
#[derive(Debug, Default)]
struct Entry {
    id: String,
    name: String,
    file: String,
    line: u32,
    log_line: usize,
    /// The last list mark (list reporter only).
    mark: Option<Mark>,
    /// A list line showed a failed attempt.
    failed_attempt: bool,
    duration_ms: Option<u64>,
    /// A failure header (`  1) title ───`) was printed for it.
    has_failure: bool,
    listed: Option<Listed>,
    message: Option<String>,
    expected: Option<String>,
    actual: Option<String>,
    locations: Vec<FailureLocation>,
    failure_lines: Option<(usize, usize)>,
}

/// The failure details being read (from a numbered header to the next structural line).
#[derive(Debug, Default)]
struct Block {
    id: String,
    start: usize,
    end: usize,
    message: Option<String>,
    expected: Option<String>,
    actual: Option<String>,
    /// `at` frames outside libraries, in order (innermost first).
    frames: Vec<FailureLocation>,
    /// `   at helpers.ts:53`: the error's file when it is not the test's file.
    hint: Option<(String, u32)>,
    /// The marked line of the first code frame (`> 53 |`).
    snippet: Option<u32>,
    /// The location given by a github annotation (`file=...,line=...`).
    annotated: Option<FailureLocation>,
    /// Attachments, `Error Context:` or a retry section started: no more frames.
    frames_done: bool,
}

#[derive(Debug, Default)]
struct Run {
    tests: Vec<Entry>,
    index: HashMap<String, usize>,
    /// A summary count line (`  3 passed (5.1s)`, `  1 failed`, ...) was seen.
    summary: bool,
    /// `  N failed` said N; how many titles followed it.
    failed_count: Option<usize>,
    failed_listed: usize,
    /// Counter of the last `[n/N]` line: step updates repeat it with a step's location.
    last_counter: Option<String>,
}

/// Reads Playwright's list, line, dot and github reporters from a case log.
#[derive(Debug, Default)]
pub struct PlaywrightParser {
    run: Run,
    block: Option<Block>,
    /// The summary list being read, if any.
    listing: Option<Listed>,
    /// Something of Playwright's was seen in this run (gates the summary count lines,
    /// whose shape other tools print too).
    active: bool,
}

impl Parser for PlaywrightParser {
    fn framework(&self) -> Framework {
        Framework::Playwright
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        // Prefilter: every line Playwright prints that matters here starts with a space,
        // `[`, `R` (Running), `:` (github annotations) or is inside failure details.
        let first = match line.as_bytes().first() {
            Some(&b) => b,
            None => return,
        };
        if self.block.is_none() && !matches!(first, b' ' | b'[' | b'R' | b':') {
            self.listing = None;
            return;
        }
        if first == b':' {
            self.github(line, n, report);
            return;
        }
        // An indented line starting with a letter (most output) is only a summary entry
        // without a project or an `ok`/`x` list line: decided before any other work.
        if first == b' ' && self.block.is_none() && self.listing.is_none() {
            let t = line.trim_start_matches(' ');
            if t.as_bytes()
                .first()
                .is_none_or(|&c| c.is_ascii_alphabetic() && c != b'o' && c != b'x')
            {
                return;
            }
        }
        let fixed = fix_mojibake(line);
        self.structural(&fixed, n, report);
    }

    fn finish(&mut self, report: &mut Report) {
        self.end_block();
        self.flush(report);
    }

    /// Outside failure details and a summary list, the prefilter of `line`: `[`, `R`
    /// and `:` at the margin, indented lines not starting with a letter (but `o`, `x`).
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const BETWEEN: Interest = Interest {
            top: ByteSet::of(b"[R:"),
            indented: ByteSet::ALL.minus(ByteSet::LETTERS.minus(ByteSet::of(b"ox"))),
            blank: true,
            ..Interest::NONE
        };
        if self.block.is_some() || self.listing.is_some() {
            return &Interest::ALL;
        }
        &BETWEEN
    }
}

impl PlaywrightParser {
    /// One line (already free of mojibake), also each line of a github annotation.
    fn structural(&mut self, line: &str, n: usize, report: &mut Report) {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let t = line.get(indent..).unwrap_or("").trim_end();
        if indent == 0 {
            if let Some(rest) = t.strip_prefix("Running ")
                && rest.contains(" test")
                && rest.contains(" using ")
            {
                self.end_block();
                self.flush(report);
                self.active = true;
                return;
            }
            if t.starts_with('[')
                && let Some((counter, rest)) = line_counter(t)
            {
                self.end_block();
                self.listing = None;
                self.line_reporter(counter, rest, n);
                return;
            }
        }

        if (1..=8).contains(&indent) {
            if let Some((mark, rest)) = list_mark(t) {
                // Skipped tests print no duration: a title ending like one keeps it.
                let title_text = match mark {
                    Mark::Skipped => strip_retry(rest.trim_end()).0,
                    _ => strip_list_suffixes(rest).0,
                };
                if find_sep(rest).is_some()
                    && let Some(title) = parse_title(title_text)
                {
                    self.end_block();
                    self.listing = None;
                    self.list_line(mark, title, rest, n);
                    return;
                }
            } else if t.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                if let Some(title) = failure_header(t) {
                    self.end_block();
                    self.listing = None;
                    self.header(title, n);
                    return;
                }
                if self.active
                    && let Some(kind) = summary_count(t)
                {
                    self.end_block();
                    self.summary_line(kind);
                    return;
                }
            } else if indent >= 4
                && let Some(kind) = self.listing
                && let Some(title) = parse_title(strip_rule(t))
            {
                self.listed(kind, title, n);
                return;
            }
        }
        self.listing = None;
        if self
            .block
            .as_ref()
            .is_some_and(|b| n.saturating_sub(b.start) > MAX_BLOCK_LINES)
        {
            // Failure details are short; a block this long lost its end (a log cut or
            // joined): stop reading every line as part of it.
            self.end_block();
        }
        if self.block.is_some() {
            self.block_line(t, n);
        }
    }

    fn line_reporter(&mut self, counter: &str, rest: &str, n: usize) {
        if self.run.last_counter.as_deref() == Some(counter) {
            return;
        }
        self.run.last_counter = Some(counter.to_owned());
        let (rest, _) = strip_retry(rest.trim_end());
        if let Some(title) = parse_title(rest) {
            self.active = true;
            self.entry(&title, n);
        }
    }

    fn list_line(&mut self, mark: Mark, title: Title<'_>, rest: &str, n: usize) {
        self.active = true;
        let duration = match mark {
            Mark::Skipped => None,
            _ => strip_list_suffixes(rest).1,
        };
        let e = self.entry(&title, n);
        if let Some(e) = e {
            if mark == Mark::Failed {
                e.failed_attempt = true;
            }
            e.mark = Some(mark);
            if duration.is_some() {
                e.duration_ms = duration;
            }
        }
    }

    fn header(&mut self, title: Title<'_>, n: usize) {
        self.active = true;
        // A failing step's title may follow the test's (`› fails › step`): the test is
        // the longest known id that the header starts with.
        let id = self.known_prefix(title.id).unwrap_or(title.id).to_owned();
        if !self.run.index.contains_key(&id)
            && let Some(t) = parse_title(&id)
        {
            self.entry(&t, n);
        }
        if let Some(e) = self.get(&id) {
            e.has_failure = true;
        }
        self.block = Some(Block {
            id,
            start: n,
            end: n,
            ..Block::default()
        });
    }

    fn listed(&mut self, kind: Listed, title: Title<'_>, n: usize) {
        if kind == Listed::Failed {
            self.run.failed_listed += 1;
        }
        let id = title.id.to_owned();
        if !self.run.index.contains_key(&id) {
            self.entry(&title, n);
        }
        if let Some(e) = self.get(&id) {
            e.listed = Some(kind);
        }
    }

    fn summary_line(&mut self, kind: Count) {
        self.run.summary = true;
        self.listing = match kind {
            Count::Failed(k) => {
                self.run.failed_count = Some(k);
                Some(Listed::Failed)
            }
            Count::Flaky => Some(Listed::Flaky),
            Count::Interrupted => Some(Listed::Interrupted),
            Count::Other => None,
        };
    }

    fn github(&mut self, line: &str, n: usize, report: &mut Report) {
        let Some(rest) = line
            .strip_prefix("::error ")
            .or_else(|| line.strip_prefix("::notice "))
        else {
            return;
        };
        let Some(sep) = rest.find("::") else {
            return;
        };
        let props = rest.get(..sep).unwrap_or("");
        let message = rest.get(sep + 2..).unwrap_or("");
        let summary = props.contains("Playwright Run Summary");
        if !summary && !message.contains(" › ") {
            return;
        }
        // The summary's first count follows `::` directly (`::  1 failed%0A    [...`).
        self.active = self.active || summary;
        let fixed = fix_mojibake(message);
        for piece in fixed.split("%0A") {
            self.structural(piece, n, report);
        }
        if let Some(loc) = annotation_location(props)
            && let Some(b) = self.block.as_mut()
            && b.annotated.is_none()
        {
            b.annotated = Some(FailureLocation {
                log_line: Some(n),
                ..loc
            });
        }
        self.end_block();
        self.listing = None;
    }

    fn block_line(&mut self, t: &str, n: usize) {
        let Some(b) = self.block.as_mut() else {
            return;
        };
        b.end = n;
        if t.is_empty() {
            return;
        }
        if t.starts_with("attachment #") || t.starts_with("Error Context:") {
            b.frames_done = b.frames_done || !b.frames.is_empty();
            return;
        }
        if t.starts_with("Retry #") || t.starts_with("--- Test output") {
            b.frames_done = true;
            return;
        }
        if let Some(rest) = t.strip_prefix("at ") {
            if b.frames_done {
                return;
            }
            let Some((path, line, col)) = parse_frame(rest) else {
                return;
            };
            if col.is_none() && b.frames.is_empty() && b.snippet.is_none() && b.hint.is_none() {
                // `   at helpers.ts:53` above the code frame: not a stack frame.
                b.hint = Some((path.to_owned(), line));
                return;
            }
            if !is_internal(path) && b.frames.len() < MAX_TEST_LOCATIONS {
                b.frames.push(FailureLocation {
                    path: path.to_owned(),
                    line,
                    column: col,
                    message: b.message.clone(),
                    log_line: Some(n),
                    kind: LocationKind::Node,
                });
            }
            return;
        }
        if let Some(rest) = t.strip_prefix('>') {
            if b.snippet.is_none()
                && let Some(num) = code_frame_line(rest)
            {
                b.snippet = Some(num);
            }
            return;
        }
        if code_frame_line(t).is_some() || t.starts_with('|') || t.starts_with("- ") {
            return;
        }
        if b.message.is_none() && !t.starts_with("Usage:") && !t.starts_with("npx ") {
            b.message = Some(t.to_owned());
            return;
        }
        if b.expected.is_none()
            && let Some(v) = labelled_value(t, "Expected")
        {
            b.expected = Some(v.to_owned());
        } else if b.actual.is_none()
            && let Some(v) = labelled_value(t, "Received")
        {
            b.actual = Some(v.to_owned());
        }
    }

    /// Closes the failure details being read and gives them to their test.
    fn end_block(&mut self) {
        let Some(mut b) = self.block.take() else {
            return;
        };
        let Some(&at) = self.run.index.get(&b.id) else {
            return;
        };
        let Some(e) = self.run.tests.get_mut(at) else {
            return;
        };
        let mut locations = Vec::new();
        if let Some(a) = b.annotated.take() {
            locations.push(a);
        }
        // The error's own location is the frame the code frame shows (and the hint
        // names); it goes first, the rest of the stack after it.
        let marked = b.snippet.and_then(|line| {
            b.frames.iter().position(|f| {
                f.line == line
                    && b.hint
                        .as_ref()
                        .is_none_or(|(p, _)| file_name(&f.path) == file_name(p))
            })
        });
        if let Some(i) = marked {
            let f = b.frames.remove(i);
            locations.push(f);
        }
        locations.append(&mut b.frames);
        if locations.is_empty() {
            // No stack: the code frame is in the hint's file, else in the test's own
            // file (Playwright prints the hint only when the files differ).
            let at = match (&b.hint, b.snippet) {
                (Some((p, l)), _) => Some((p.clone(), *l)),
                (None, Some(l)) if !e.file.is_empty() => Some((e.file.clone(), l)),
                _ => None,
            };
            if let Some((path, line)) = at {
                locations.push(FailureLocation {
                    path,
                    line,
                    column: None,
                    message: b.message.clone(),
                    log_line: Some(b.start),
                    kind: LocationKind::Node,
                });
            }
        }
        for l in &mut locations {
            if l.message.is_none() {
                l.message = b.message.clone();
            }
        }
        dedup(&mut locations);
        locations.truncate(MAX_TEST_LOCATIONS);
        if e.locations.is_empty() {
            e.locations = locations;
        }
        e.message = e.message.take().or(b.message);
        e.expected = e.expected.take().or(b.expected);
        e.actual = e.actual.take().or(b.actual);
        e.failure_lines = Some(match e.failure_lines {
            Some((s, end)) => (s.min(b.start), end.max(b.end)),
            None => (b.start, b.end),
        });
    }

    fn known_prefix<'a>(&self, id: &'a str) -> Option<&'a str> {
        if self.run.index.contains_key(id) {
            return Some(id);
        }
        let mut cut = id;
        while let Some(i) = rfind_sep(cut) {
            cut = cut.get(..i).unwrap_or("");
            if self.run.index.contains_key(cut) {
                return Some(cut);
            }
        }
        None
    }

    fn get(&mut self, id: &str) -> Option<&mut Entry> {
        let at = *self.run.index.get(id)?;
        self.run.tests.get_mut(at)
    }

    /// The entry of `title`, created on first sight.
    fn entry(&mut self, title: &Title<'_>, n: usize) -> Option<&mut Entry> {
        if let Some(&at) = self.run.index.get(title.id) {
            return self.run.tests.get_mut(at);
        }
        if self.run.tests.len() >= MAX_TESTS {
            return None;
        }
        let at = self.run.tests.len();
        self.run.index.insert(title.id.to_owned(), at);
        self.run.tests.push(Entry {
            id: title.id.to_owned(),
            name: title.name.to_owned(),
            file: title.file.to_owned(),
            line: title.line,
            log_line: n,
            ..Entry::default()
        });
        self.run.tests.get_mut(at)
    }

    /// Settles the run's statuses and reports its tests.
    fn flush(&mut self, report: &mut Report) {
        let mut run = std::mem::take(&mut self.run);
        merge_step_headers(&mut run);
        self.listing = None;
        self.active = false;
        // The summary names every failed test: a `✘` it does not list was expected to
        // fail (`test.fail()`), so it passed.
        let complete = run.summary
            && run
                .failed_count
                .is_none_or(|count| count == run.failed_listed);
        for e in run.tests {
            let status = match (e.listed, e.mark) {
                (Some(Listed::Interrupted), _) => continue,
                (Some(Listed::Failed), _) => TestStatus::Failed,
                (Some(Listed::Flaky), _) => TestStatus::Flaky,
                (None, Some(Mark::Skipped)) => TestStatus::Skipped,
                (None, Some(Mark::Passed)) if e.failed_attempt => TestStatus::Flaky,
                (None, Some(Mark::Passed)) => TestStatus::Passed,
                (None, Some(Mark::Failed)) if complete => TestStatus::Passed,
                (None, Some(Mark::Failed)) => TestStatus::Failed,
                (None, None) if e.has_failure => TestStatus::Failed,
                // Line reporter: begun, no failure printed, the run ended normally.
                (None, None) if run.summary => TestStatus::Passed,
                (None, None) => continue,
            };
            let failing = status.is_failure() || status == TestStatus::Flaky;
            report.test(TestResult {
                name: e.name,
                file: (!e.file.is_empty()).then_some(e.file),
                line: (e.line > 0).then_some(e.line),
                duration_ms: e.duration_ms,
                message: if failing { e.message } else { None },
                expected: if failing { e.expected } else { None },
                actual: if failing { e.actual } else { None },
                locations: if failing { e.locations } else { Vec::new() },
                failure_lines: if failing { e.failure_lines } else { None },
                ..TestResult::new(Framework::Playwright, &e.id, status, e.log_line)
            });
        }
    }
}

/// A failure header names the failing step after the test's title (`› fails › click`)
/// when no list line told the test's own title (dot and github reporters): the summary
/// names the test, so the header's details go to the summary's test, kept where the
/// header was first seen.
fn merge_step_headers(run: &mut Run) {
    let mut removed = vec![false; run.tests.len()];
    for i in 0..run.tests.len() {
        let Some(e) = run.tests.get(i) else {
            continue;
        };
        if !e.has_failure || e.listed.is_some() || e.mark.is_some() {
            continue;
        }
        let mut cut = e.id.as_str();
        let mut target = None;
        while let Some(k) = rfind_sep(cut) {
            cut = cut.get(..k).unwrap_or("");
            if let Some(&t) = run.index.get(cut)
                && t != i
            {
                target = Some(t);
                break;
            }
        }
        let Some(t) = target else {
            continue;
        };
        let Some(from) = run.tests.get_mut(t).map(std::mem::take) else {
            continue;
        };
        if let Some(e) = run.tests.get_mut(i) {
            e.id = from.id;
            e.name = from.name;
            e.file = from.file;
            e.line = from.line;
            e.listed = from.listed;
            e.mark = from.mark;
            e.duration_ms = from.duration_ms.or(e.duration_ms);
        }
        if let Some(r) = removed.get_mut(t) {
            *r = true;
        }
    }
    let mut k = 0;
    run.tests.retain(|_| {
        let keep = !removed.get(k).copied().unwrap_or(false);
        k += 1;
        keep
    });
}

/// A test title as the reporters print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Title<'a> {
    /// The whole title: `[project] › file:line:col › describe › test`.
    id: &'a str,
    file: &'a str,
    line: u32,
    /// `describe › test`.
    name: &'a str,
}

/// `[project] › file:line:col › titles` (the project part is optional).
fn parse_title(s: &str) -> Option<Title<'_>> {
    let s = s.trim();
    let rest = if s.starts_with('[') {
        let close = s.find("] › ")?;
        s.get(close + "] › ".len()..)?
    } else {
        s
    };
    let sep = find_sep(rest)?;
    let loc = rest.get(..sep)?;
    let name = rest.get(sep + " › ".len()..)?.trim();
    let (head, col) = loc.rsplit_once(':')?;
    let (file, line) = head.rsplit_once(':')?;
    number(col)?;
    let line = number(line)?;
    if file.is_empty() || name.is_empty() || !file.contains('.') || file.contains("://") {
        return None;
    }
    Some(Title {
        id: s,
        file,
        line,
        name,
    })
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `[3/12] ` or `[13/12] (retries) ` before a line reporter's title.
fn line_counter(t: &str) -> Option<(&str, &str)> {
    let close = t.find("] ")?;
    let counter = t.get(1..close)?;
    let (a, b) = counter.split_once('/')?;
    number(a)?;
    number(b)?;
    let rest = t.get(close + 2..)?;
    let rest = rest.strip_prefix("(retries) ").unwrap_or(rest);
    Some((counter, rest))
}

/// The list reporter's status mark and what follows its index:
/// `✓  12 [chromium] › ...`, `x   1 ...`, `-   3 ...`, old `✓  [chromium] › ...`.
fn list_mark(t: &str) -> Option<(Mark, &str)> {
    const MARKS: &[(&str, Mark)] = &[
        ("✓", Mark::Passed),
        ("✘", Mark::Failed),
        ("ok", Mark::Passed),
        ("x", Mark::Failed),
        ("-", Mark::Skipped),
    ];
    let (mark, rest) = MARKS
        .iter()
        .find_map(|(m, k)| Some((*k, t.strip_prefix(m)?)))?;
    if !rest.starts_with(' ') {
        return None;
    }
    let rest = rest.trim_start();
    // The index (`12`; steps print `12.1` and are not tests).
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let after = rest.get(digits..)?;
        if !after.starts_with(' ') {
            return None;
        }
        return Some((mark, after.trim_start()));
    }
    Some((mark, rest))
}

/// A list line's title without its ` (retry #1)` and ` (1.2s)`, and the duration.
fn strip_list_suffixes(rest: &str) -> (&str, Option<u64>) {
    let rest = rest.trim_end();
    let mut duration = None;
    let mut title = rest;
    if let Some(open) = last_paren(rest)
        && let Some(inner) = rest.get(open + 2..).and_then(|s| s.strip_suffix(')'))
        && let Some(ms) = parse_duration(inner)
    {
        duration = Some(ms);
        title = rest.get(..open).unwrap_or(rest);
    }
    (strip_retry(title).0, duration)
}

/// Where the last ` (` of `s` starts, when `s` ends with `)`.
fn last_paren(s: &str) -> Option<usize> {
    if !s.ends_with(')') {
        return None;
    }
    let open = memchr::memrchr(b'(', s.as_bytes())?;
    let sp = open.checked_sub(1)?;
    (s.as_bytes().get(sp) == Some(&b' ')).then_some(sp)
}

/// ` › ` (the title separator: E2 80 BA between spaces), found by its last byte.
fn find_sep(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    memchr::memchr_iter(0xBA, b).find_map(|i| {
        let start = i.checked_sub(3)?;
        (b.get(start..i + 2) == Some(" › ".as_bytes())).then_some(start)
    })
}

fn rfind_sep(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    memchr::memrchr_iter(0xBA, b).find_map(|i| {
        let start = i.checked_sub(3)?;
        (b.get(start..i + 2) == Some(" › ".as_bytes())).then_some(start)
    })
}

/// `title (retry #2)` -> (`title`, Some(2)).
fn strip_retry(s: &str) -> (&str, Option<u32>) {
    if let Some(open) = last_paren(s)
        && s.get(open..).is_some_and(|r| r.starts_with(" (retry #"))
        && let Some(n) = s
            .get(open + " (retry #".len()..)
            .and_then(|r| r.strip_suffix(')'))
            .and_then(number)
    {
        return (s.get(..open).unwrap_or(s), Some(n));
    }
    (s, None)
}

/// `446ms`, `1.2s`, `1.8m`, `2h` in milliseconds.
fn parse_duration(s: &str) -> Option<u64> {
    let split = s.bytes().position(|b| !(b.is_ascii_digit() || b == b'.'))?;
    let (num, unit) = s.split_at(split);
    if num.is_empty() || num.len() > 12 {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let factor = match unit {
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return None,
    };
    let ms = (value * factor).round();
    (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}

/// `1) [chromium] › a.spec.ts:10:7 › suite › fails ───` -> the title.
fn failure_header(t: &str) -> Option<Title<'_>> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = t.get(digits..)?.strip_prefix(") ")?;
    parse_title(strip_rule(rest))
}

/// A title without the `───` rule (and spaces) that pads headers to 100 columns.
fn strip_rule(s: &str) -> &str {
    s.trim_end_matches(['─', ' '])
}

/// Summary count lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Count {
    Failed(usize),
    Flaky,
    Interrupted,
    /// `passed (1.2s)`, `skipped`, `did not run`, `error was not a part of any test`.
    Other,
}

fn summary_count(t: &str) -> Option<Count> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let count: usize = t.get(..digits)?.parse().ok()?;
    let word = t.get(digits..)?.strip_prefix(' ')?;
    Some(match word {
        "failed" => Count::Failed(count),
        "flaky" => Count::Flaky,
        "interrupted" => Count::Interrupted,
        "skipped" | "did not run" | "passed" => Count::Other,
        w if w.starts_with("passed (") && w.ends_with(')') => Count::Other,
        w if w.starts_with("error was not a part of any test")
            || w.starts_with("errors were not part of any test") =>
        {
            Count::Other
        }
        _ => return None,
    })
}

/// `path:line[:col]` of an `at` frame: `fn (path:l:c)` or a bare `path:l:c` (paths may
/// hold spaces; Windows drive letters keep their colon).
fn parse_frame(rest: &str) -> Option<(&str, u32, Option<u32>)> {
    let rest = rest.trim();
    let inner = match rest.strip_suffix(')') {
        Some(body) => {
            let mut depth = 0usize;
            let mut open = None;
            for (i, b) in body.bytes().enumerate().rev() {
                match b {
                    b')' => depth += 1,
                    b'(' if depth == 0 => {
                        open = Some(i);
                        break;
                    }
                    b'(' => depth -= 1,
                    _ => {}
                }
            }
            body.get(open? + 1..)?
        }
        None => rest,
    };
    let inner = inner
        .strip_prefix("file://")
        .or_else(|| inner.strip_prefix("webpack:///"))
        .unwrap_or(inner);
    let (head, last) = inner.rsplit_once(':')?;
    let last = number(last)?;
    let (path, line, col) = match head.rsplit_once(':') {
        Some((p, mid)) if number(mid).is_some() => (p, number(mid)?, Some(last)),
        _ => (head, last, None),
    };
    let name = file_name(path);
    if line == 0
        || path.trim() != path
        || path.is_empty()
        || !name.contains('.')
        || name.starts_with('<')
    {
        return None;
    }
    Some((path, line, col))
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `53 |` (the text after a code frame's `>`), or a whole unmarked code-frame line.
fn code_frame_line(s: &str) -> Option<u32> {
    let s = s.trim_start();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let num = number(s.get(..digits)?)?;
    s.get(digits..)?
        .trim_start()
        .starts_with('|')
        .then_some(num)
}

/// `Expected: 3`, `Expected string: "a"`, `Received:   0` -> the value.
fn labelled_value<'a>(t: &'a str, label: &str) -> Option<&'a str> {
    let rest = t.strip_prefix(label)?;
    let colon = rest
        .find(": ")
        .or_else(|| rest.strip_suffix(':').map(str::len))?;
    let between = rest.get(..colon)?;
    if between.len() > 20 || between.contains(['(', ')']) {
        return None;
    }
    let value = rest.get(colon + 1..).unwrap_or("").trim();
    (!value.is_empty()).then_some(value)
}

/// `file=tests/a.spec.ts,title=...,line=12,col=21` -> the error's location.
fn annotation_location(props: &str) -> Option<FailureLocation> {
    let file = props.strip_prefix("file=")?;
    let file = file.get(..file.find(",title=").unwrap_or(file.len()))?;
    let at = props.rfind(",line=")?;
    let after = props.get(at + ",line=".len()..)?;
    let (line, col) = match after.split_once(",col=") {
        Some((l, c)) => (number(l)?, number(c)),
        None => (number(after)?, None),
    };
    if file.is_empty() || line == 0 {
        return None;
    }
    Some(FailureLocation {
        path: file.to_owned(),
        line,
        column: col,
        message: None,
        log_line: None,
        kind: LocationKind::Node,
    })
}

fn dedup(locations: &mut Vec<FailureLocation>) {
    let mut seen: Vec<(String, u32)> = Vec::new();
    locations.retain(|l| {
        let key = (l.path.replace('\\', "/"), l.line);
        let dup = seen
            .iter()
            .any(|(p, n)| *n == key.1 && (p.ends_with(&key.0) || key.0.ends_with(p.as_str())));
        if !dup {
            seen.push(key);
        }
        !dup
    });
}

/// Status glyphs and separators of the JavaScript reporters as a Windows console shows
/// UTF-8 read in another code page (CP850, CP437, Windows-1252, CP866), and the glyph
/// each stands for.
const MOJIBAKE: &[(&str, &str)] = &[
    ("ÔÇ║", "›"),
    ("ÔöÇ", "─"),
    ("Ô£ô", "✓"),
    ("Ô£ÿ", "✘"),
    ("├ù", "×"),
    ("ÔêÜ", "√"),
    ("Ô£ö", "✔"),
    ("ÔØ»", "❯"),
    ("ÔåÆ", "→"),
    ("ÔÄ»", "⎯"),
    ("ÔùÅ", "●"),
    ("Ôùï", "○"),
    ("Ô£ò", "✕"),
    ("Ôåô", "↓"),
    ("Ô£ù", "✗"),
    ("Ô£û", "✖"),
    ("ΓÇ║", "›"),
    ("ΓöÇ", "─"),
    ("Γ£ô", "✓"),
    ("Γ£ÿ", "✘"),
    ("ΓêÜ", "√"),
    ("Γ£ö", "✔"),
    ("Γ¥»", "❯"),
    ("ΓåÆ", "→"),
    ("ΓÄ»", "⎯"),
    ("ΓùÅ", "●"),
    ("Γùï", "○"),
    ("Γ£ò", "✕"),
    ("Γåô", "↓"),
    ("Γ£ù", "✗"),
    ("Γ£û", "✖"),
    ("â€º", "›"),
    ("â”€", "─"),
    ("âœ“", "✓"),
    ("âœ˜", "✘"),
    ("Ã—", "×"),
    ("âˆš", "√"),
    ("âœ”", "✔"),
    ("â†’", "→"),
    ("âŽ¯", "⎯"),
    ("â—‹", "○"),
    ("âœ•", "✕"),
    ("â†“", "↓"),
    ("âœ—", "✗"),
    ("âœ–", "✖"),
    ("тА║", "›"),
    ("тФА", "─"),
    ("тЬУ", "✓"),
    ("тЬШ", "✘"),
    ("├Ч", "×"),
    ("тИЪ", "√"),
    ("тЬФ", "✔"),
    ("тЭп", "❯"),
    ("тЖТ", "→"),
    ("тОп", "⎯"),
    ("тЧП", "●"),
    ("тЧЛ", "○"),
    ("тЬХ", "✕"),
    ("тЖУ", "↓"),
    ("тЬЧ", "✗"),
    ("тЬЦ", "✖"),
];

/// UTF-8 output read in a Windows code page: `ÔÇ║` (CP850) or `ΓÇ║` (CP437) is `›`,
/// `ÔöÇ` is `─`, `Ô£ô` is `✓` and so on (see [`MOJIBAKE`]). Only the reporters' own
/// glyphs are repaired, so ids read the same on every platform; other text (titles)
/// stays as printed. Lines without a lead character of the table are returned as is.
pub(super) fn fix_mojibake(line: &str) -> std::borrow::Cow<'_, str> {
    let b = line.as_bytes();
    // `├` shares its first two bytes with the `─` rules (E2 94 80) that fill whole
    // lines, so it is searched as a whole rather than byte by byte.
    static BOX_LEAD: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("├".as_bytes()));
    let mut leads = 0u8;
    for i in memchr::memchr3_iter(0xC3, 0xCE, 0xD1, b) {
        leads |= lead_bit(b.get(i..).unwrap_or(&[]));
    }
    if BOX_LEAD.find(b).is_some() {
        leads |= 32;
    }
    if leads == 0 {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = line.to_owned();
    for (bad, good) in MOJIBAKE {
        if leads & lead_bit(bad.as_bytes()) != 0 && out.contains(bad) {
            out = out.replace(bad, good);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Which lead of [`MOJIBAKE`] `b` starts with, as a bit: `Ô` C3 94, `â` C3 A2, `Ã` C3 83,
/// `Γ` CE 93, `т` D1 82, `├` E2 94 9C (accented letters such as `é` C3 A9 are none).
fn lead_bit(b: &[u8]) -> u8 {
    match b {
        [0xC3, 0x94, ..] => 1,
        [0xC3, 0xA2, ..] => 2,
        [0xC3, 0x83, ..] => 4,
        [0xCE, 0x93, ..] => 8,
        [0xD1, 0x82, ..] => 16,
        [0xE2, 0x94, 0x9C, ..] => 32,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, statuses};
    use super::*;

    fn run(log: &str) -> Vec<TestResult> {
        testutil::run::<PlaywrightParser>(log)
    }

    fn loc(
        path: &str,
        line: u32,
        column: Option<u32>,
        log_line: usize,
        msg: &str,
    ) -> FailureLocation {
        FailureLocation {
            path: path.to_owned(),
            line,
            column,
            message: Some(msg.to_owned()),
            log_line: Some(log_line),
            kind: LocationKind::Node,
        }
    }

    const LIST: &str = "\
Running 4 tests using 2 workers

  ✓  1 [chromium] › tests/example.spec.ts:3:5 › has title (1.2s)
  ✘  2 [chromium] › tests/a.spec.ts:10:7 › suite › fails (30.0s)
  ✘  3 [chromium] › tests/b.spec.ts:4:5 › flips (2.0s)
  -  4 [chromium] › tests/b.spec.ts:9:6 › waits (5s)
  ✓  5 [chromium] › tests/b.spec.ts:4:5 › flips (retry #1) (1.5s)
  ✘  6 [chromium] › tests/a.spec.ts:10:7 › suite › fails (retry #1) (30.0s)


  1) [chromium] › tests/a.spec.ts:10:7 › suite › fails ─────────────────────────────────

    Error: expect(received).toBe(expected) // Object.is equality

    Expected: 3
    Received: 2

      10 |   test('fails', async () => {
      11 |     const n = await count();
    > 12 |     expect(n).toBe(3);
         |               ^
      13 |   });
        at /home/ci/app/tests/a.spec.ts:12:15

    Retry #1 ───────────────────────────────────────────────────────────────────

    Error: expect(received).toBe(expected) // Object.is equality
        at /home/ci/app/tests/a.spec.ts:12:15

  2) [chromium] › tests/b.spec.ts:4:5 › flips ────────────────────────────────────────

    Error: page.goto: net::ERR_CONNECTION_REFUSED
        at /home/ci/app/tests/b.spec.ts:5:16

  1 failed
    [chromium] › tests/a.spec.ts:10:7 › suite › fails ──────────────────────────────────
  1 flaky
    [chromium] › tests/b.spec.ts:4:5 › flips ───────────────────────────────────────────
  1 skipped
  1 passed (35.1s)
";

    #[test]
    fn list_reporter_statuses_retries_and_failure_details() {
        let tests = run(LIST);
        assert_eq!(
            statuses(&tests),
            [
                (
                    "[chromium] › tests/example.spec.ts:3:5 › has title",
                    TestStatus::Passed
                ),
                (
                    "[chromium] › tests/a.spec.ts:10:7 › suite › fails",
                    TestStatus::Failed
                ),
                (
                    "[chromium] › tests/b.spec.ts:4:5 › flips",
                    TestStatus::Flaky
                ),
                (
                    "[chromium] › tests/b.spec.ts:9:6 › waits (5s)",
                    TestStatus::Skipped
                ),
            ]
        );
        let msg = "Error: expect(received).toBe(expected) // Object.is equality";
        assert_eq!(
            tests[1],
            TestResult {
                framework: Framework::Playwright,
                id: "[chromium] › tests/a.spec.ts:10:7 › suite › fails".into(),
                name: "suite › fails".into(),
                file: Some("tests/a.spec.ts".into()),
                line: Some(10),
                status: TestStatus::Failed,
                duration_ms: Some(30_000),
                message: Some(msg.into()),
                expected: Some("3".into()),
                actual: Some("2".into()),
                locations: vec![loc("/home/ci/app/tests/a.spec.ts", 12, Some(15), 22, msg)],
                failure_lines: Some((10, 27)),
                log_line: 3,
            }
        );
        assert_eq!(tests[0].duration_ms, Some(1_200));
        assert_eq!(
            tests[2].locations,
            [loc(
                "/home/ci/app/tests/b.spec.ts",
                5,
                Some(16),
                32,
                "Error: page.goto: net::ERR_CONNECTION_REFUSED"
            )]
        );
    }

    #[test]
    fn windows_ascii_marks_mojibake_and_backslash_frames() {
        let log = "\
Running 3 tests using 1 worker

  ok 1 [chromium] ÔÇ║ e2e\\home.spec.ts:8:3 ÔÇ║ Home ÔÇ║ has title (1.1s)
  x  2 [chromium] ÔÇ║ e2e\\home.spec.ts:40:3 ÔÇ║ Home ÔÇ║ switches language (30.0s)
  -  3 [chromium] ΓÇ║ e2e\\home.spec.ts:50:3 ΓÇ║ Home ΓÇ║ later


  1) [chromium] ÔÇ║ e2e\\home.spec.ts:40:3 ÔÇ║ Home ÔÇ║ switches language ÔöÇÔöÇÔöÇÔöÇÔöÇÔöÇ

    Test timeout of 30000ms exceeded.

    > 46 |     await page.getByRole('button').click();
         |                                    ^
        at C:\\Users\\me\\url\\e2e\\home.spec.ts:46:52

  1 failed
    [chromium] ÔÇ║ e2e\\home.spec.ts:40:3 ÔÇ║ Home ÔÇ║ switches language ÔöÇÔöÇÔöÇÔöÇÔöÇÔöÇÔöÇÔöÇÔöÇÔöÇ
  1 skipped
  1 passed (31.5s)
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                (
                    "[chromium] › e2e\\home.spec.ts:8:3 › Home › has title",
                    TestStatus::Passed
                ),
                (
                    "[chromium] › e2e\\home.spec.ts:40:3 › Home › switches language",
                    TestStatus::Failed
                ),
                (
                    "[chromium] › e2e\\home.spec.ts:50:3 › Home › later",
                    TestStatus::Skipped
                ),
            ]
        );
        let t = &tests[1];
        assert_eq!(
            (t.file.as_deref(), t.line, t.message.as_deref()),
            (
                Some("e2e\\home.spec.ts"),
                Some(40),
                Some("Test timeout of 30000ms exceeded.")
            )
        );
        assert_eq!(
            t.locations,
            [loc(
                "C:\\Users\\me\\url\\e2e\\home.spec.ts",
                46,
                Some(52),
                13,
                "Test timeout of 30000ms exceeded."
            )]
        );
    }

    #[test]
    fn interrupted_tests_are_left_out_and_unlisted_failures_were_expected() {
        let log = "\
Running 3 tests using 2 workers

  ✘  1 [webkit] › a.spec.ts:3:5 › expected to fail (1.0s)
  ✘  2 [webkit] › a.spec.ts:9:5 › stopped (5.0s)
  ✓  3 [webkit] › a.spec.ts:15:5 › fine (1.0s)
Testing stopped early after 1 maximum allowed failures.

  1 interrupted
    [webkit] › a.spec.ts:9:5 › stopped ─────────────────────────────────────────────────
  1 passed (7.0s)
";
        assert_eq!(
            statuses(&run(log)),
            [
                (
                    "[webkit] › a.spec.ts:3:5 › expected to fail",
                    TestStatus::Passed
                ),
                ("[webkit] › a.spec.ts:15:5 › fine", TestStatus::Passed),
            ]
        );
    }

    #[test]
    fn line_reporter_with_step_updates_helper_hint_and_no_project() {
        let log = "\
Running 3 tests using 1 worker

[1/3] tests/a.spec.ts:3:5 › logs in
[1/3] tests/a.spec.ts:7:9 › logs in › fill the form
[2/3] tests/a.spec.ts:20:5 › spins
  1) tests/a.spec.ts:20:5 › spins › open lobby ───────────────────────────────────────

    Error: page.click: Test timeout of 600000ms exceeded.

       at helpers.ts:53

      52 | export async function spinWheel(page: Page) {
    > 53 |   await page.click('button');
         |              ^
        at spinWheel (C:\\w\\tests\\e2e\\helpers.ts:53:14)
        at C:\\w\\tests\\e2e\\a.spec.ts:26:11

[3/3] tests/a.spec.ts:30:5 › last
  1 failed
    tests/a.spec.ts:20:5 › spins ──────────────────────────────────────────────────────
  2 passed (40.0s)
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                ("tests/a.spec.ts:3:5 › logs in", TestStatus::Passed),
                ("tests/a.spec.ts:20:5 › spins", TestStatus::Failed),
                ("tests/a.spec.ts:30:5 › last", TestStatus::Passed),
            ]
        );
        let lines: Vec<(&str, u32)> = tests[1]
            .locations
            .iter()
            .map(|l| (l.path.as_str(), l.line))
            .collect();
        assert_eq!(
            lines,
            [
                ("C:\\w\\tests\\e2e\\helpers.ts", 53),
                ("C:\\w\\tests\\e2e\\a.spec.ts", 26)
            ]
        );
    }

    #[test]
    fn line_reporter_without_summary_reports_only_what_it_knows() {
        let log = "\
[1/2] [chromium] › a.spec.ts:3:5 › first
[2/2] [chromium] › a.spec.ts:8:5 › second
  1) [chromium] › a.spec.ts:8:5 › second ─────────────────────────────────────────────

    Error: boom

      7 | test('second', () => {
    > 8 |   throw new Error('boom');
        |         ^
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [("[chromium] › a.spec.ts:8:5 › second", TestStatus::Failed)]
        );
        // No stack: the code frame is in the test's own file.
        assert_eq!(
            tests[0].locations,
            [FailureLocation {
                log_line: Some(2),
                column: None,
                ..loc("a.spec.ts", 8, None, 2, "Error: boom")
            }]
        );
    }

    #[test]
    fn dot_reporter_failures_with_step_suffix_and_summary() {
        let log = "\
Running 5 tests using 2 workers
··F×±°

  1) [firefox] › cart.spec.ts:12:3 › cart › adds item › click add ─────────────────────

    Error: expect(locator).toHaveText(expected)
        at /src/cart.spec.ts:18:7

  2) [firefox] › cart.spec.ts:30:3 › cart › retries ─────────────────────────────────

    Error: flaky
        at /src/cart.spec.ts:31:7

  1 failed
    [firefox] › cart.spec.ts:12:3 › cart › adds item ──────────────────────────────────
  1 flaky
    [firefox] › cart.spec.ts:30:3 › cart › retries ────────────────────────────────────
  1 skipped
  2 passed (3.0s)
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                (
                    "[firefox] › cart.spec.ts:12:3 › cart › adds item",
                    TestStatus::Failed
                ),
                (
                    "[firefox] › cart.spec.ts:30:3 › cart › retries",
                    TestStatus::Flaky
                ),
            ]
        );
    }

    #[test]
    fn github_reporter_annotations() {
        let log = "\
::error file=tests/a.spec.ts,title=[chromium] › a.spec.ts:10:7 › suite › fails,line=12,col=21::  1) [chromium] › a.spec.ts:10:7 › suite › fails ───────%0A%0A    Error: expect(received).toBe(expected)%0A%0A    Expected: 3%0A    Received: 2%0A%0A    > 12 |     expect(n).toBe(3);%0A        at /home/runner/work/app/app/tests/a.spec.ts:12:21%0A
::notice title=🎭 Playwright Run Summary::  1 failed%0A    [chromium] › a.spec.ts:10:7 › suite › fails ──────%0A  3 passed (5.1s)
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [(
                "[chromium] › a.spec.ts:10:7 › suite › fails",
                TestStatus::Failed
            )]
        );
        let t = &tests[0];
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("3"), Some("2"))
        );
        let first = &t.locations[0];
        assert_eq!(
            (first.path.as_str(), first.line, first.column),
            ("tests/a.spec.ts", 12, Some(21))
        );
    }

    #[test]
    fn line_reporter_retries_and_flaky_summary() {
        let log = "
Running 2 tests using 1 worker

[1/2] [chromium] › a.spec.ts:3:5 › steady
[2/2] [chromium] › a.spec.ts:9:5 › wobbly
[3/2] (retries) [chromium] › a.spec.ts:9:5 › wobbly (retry #1)
  1) [chromium] › a.spec.ts:9:5 › wobbly ───────────────────────────────────────────

    Error: first attempt failed
        at /w/a.spec.ts:10:3

  1 flaky
    [chromium] › a.spec.ts:9:5 › wobbly ──────────────────────────────────────────
  1 passed (3.0s)
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                ("[chromium] › a.spec.ts:3:5 › steady", TestStatus::Passed),
                ("[chromium] › a.spec.ts:9:5 › wobbly", TestStatus::Flaky),
            ]
        );
        assert_eq!(
            tests[1].message.as_deref(),
            Some("Error: first attempt failed")
        );
    }

    #[test]
    fn github_summary_alone_lists_flaky_tests() {
        let log = "::notice title=🎭 Playwright Run Summary::  1 flaky%0A    [chromium] › a.spec.ts:3:5 › t ───%0A  2 passed (1.0s)\n";
        assert_eq!(
            statuses(&run(log)),
            [("[chromium] › a.spec.ts:3:5 › t", TestStatus::Flaky)]
        );
    }

    #[test]
    fn other_tools_lines_are_not_tests() {
        let log = "
  ✓ renders (5 ms)
  x = 5
  1) suite
       title:
  3 passed (2s)
  17 passing (348ms)
[1/2] building
";
        assert_eq!(run(log), []);
    }

    proptest::proptest! {
        /// Lines built from the reporters' own pieces (marks, separators, counters,
        /// frames, mojibake) never panic either parser and keep ids bounded.
        #[test]
        fn pieces_of_reporter_lines_never_panic(
            lines in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        " ", "  ", "    ", "✓", "✘", "ok", "x", "-", "×", "❯", "●", "1", "12",
                        ") ", "[chromium]", " › ", "ÔÇ║", "─", "ÔöÇ", "a.spec.ts", ":3", ":5",
                        "(1.2s)", "(retry #1)", "at ", "(", ")", "C:\\w\\a.ts", "> 12 |",
                        "FAIL ", "PASS ", " > ", "passing", "failing", "failed", "passed",
                        "flaky", "interrupted", "::error ", "file=", ",line=", "::", "%0A",
                        "Expected: ", "- Expected", "+ Received", "é", "\u{0}", "⎯⎯", "[1/2] ",
                    ]),
                    0..12,
                ),
                0..40,
            )
        ) {
            let log: Vec<String> = lines.iter().map(|l| l.concat()).collect();
            let mut r = Report::default();
            let mut pw = PlaywrightParser::default();
            let mut js = super::super::jest::JestParser::default();
            for (n, l) in log.iter().enumerate() {
                pw.line(l, n, &mut r);
                js.line(l, n, &mut r);
            }
            pw.finish(&mut r);
            js.finish(&mut r);
            for t in r.tests() {
                proptest::prop_assert!(t.id.len() <= super::super::MAX_ID);
            }
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(parse_duration("1.8m"), Some(108_000));
        assert_eq!(parse_duration("446ms"), Some(446));
        assert_eq!(parse_duration("not ready"), None);
        assert_eq!(
            parse_frame("navigate (C:\\w\\my dir\\f.js:37:30)"),
            Some(("C:\\w\\my dir\\f.js", 37, Some(30)))
        );
        assert_eq!(parse_frame("Array.map (<anonymous>)"), None);
        assert_eq!(fix_mojibake("a âœ“ b тА║ c"), "a ✓ b › c");
    }
}
