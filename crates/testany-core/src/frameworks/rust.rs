//! Rust's libtest (`cargo test`) and cargo-nextest.
//!
//! Read here: `test tests::adds ... ok|FAILED|ignored` (also `- should panic`, doctests
//! `src/lib.rs - add (line 5)`, and a status printed on a later line after test output),
//! the `---- tests::adds stdout ----` sections and the `failures:` list, panics in the
//! current form (`thread 'tests::adds' (123) panicked at src/lib.rs:26:9:` then the
//! message) and the old one (`thread 'main' panicked at 'message', src/lib.rs:26:9`,
//! whose message may span lines, the location ending the last one), `assert_eq!`'s
//! `left:`/`right:` lines, and nextest's `PASS [ 0.004s] crate tests::adds` /
//! `--- STDERR: crate tests::adds ---`.
//!
//! `assert_eq!(left, right)` has no expected side; the Rust book and most code write
//! `assert_eq!(actual, expected)`, so `right` is reported as expected and `left` as
//! actual. A `should_panic` test that did not panic has no location (none is printed).

use std::collections::HashMap;

use super::generic::{FailureLocation, LocationKind, is_internal};
use super::{Framework, MAX_ID, MAX_TEXT, Parser, Report, TestResult, TestStatus, clip};

/// Failure details kept for tests whose status line has not been read yet (`--nocapture`).
const MAX_PENDING: usize = 1024;
/// Lines an old-format panic message may span before its location.
const MAX_PANIC_LINES: usize = 64;
/// Message lines kept after a new-format panic line.
const MAX_MESSAGE_LINES: usize = 16;

/// Reads libtest and nextest output from a case log.
#[derive(Debug, Default)]
pub struct RustParser {
    /// The test whose `---- name stdout ----` section is being read.
    section: Option<(String, usize)>,
    /// A panic being read.
    panic: Option<Panic>,
    /// Details of tests not reported yet.
    pending: HashMap<String, Details>,
    /// Inside the `failures:` list of names.
    failure_list: bool,
    /// `test name ... ` whose status follows on a later line.
    awaiting: Option<(String, usize)>,
}

#[derive(Debug, Default, Clone)]
struct Details {
    location: Option<FailureLocation>,
    message: Option<String>,
    expected: Option<String>,
    actual: Option<String>,
    lines: Option<(usize, usize)>,
}

#[derive(Debug)]
struct Panic {
    owner: String,
    /// Old format: the message is still open (its location ends a later line).
    old: bool,
    message: Vec<String>,
    location: Option<FailureLocation>,
    start: usize,
}

impl Parser for RustParser {
    fn framework(&self) -> Framework {
        Framework::Rust
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        if self.panic.is_some() {
            self.panic_line(line, n, report);
            return;
        }
        let trimmed = line.trim();
        let Some(&first) = trimmed.as_bytes().first() else {
            self.failure_list = false;
            return;
        };
        match first {
            b't' => {
                if let Some(rest) = line.strip_prefix("test ") {
                    self.test_line(rest, n, report);
                    return;
                }
                if trimmed.starts_with("thread '") {
                    self.start_panic(trimmed, n, report);
                    return;
                }
            }
            b'-' => {
                if let Some(name) = trimmed
                    .strip_prefix("---- ")
                    .and_then(|r| r.strip_suffix(" stdout ----"))
                {
                    self.section = Some((clip(name, MAX_ID).to_owned(), n));
                    return;
                }
                if let Some(rest) = trimmed
                    .strip_prefix("--- STDOUT:")
                    .or_else(|| trimmed.strip_prefix("--- STDERR:"))
                    .and_then(|r| r.strip_suffix(" ---"))
                {
                    let name = nextest_name(rest.trim());
                    self.section = Some((clip(name, MAX_ID).to_owned(), n));
                    return;
                }
            }
            b'f' if trimmed == "failures:" => {
                self.section = None;
                self.failure_list = true;
                return;
            }
            b'o' | b'F' | b'i' if self.awaiting.is_some() => {
                if let Some(status) = status_word(trimmed)
                    && let Some((name, at)) = self.awaiting.take()
                {
                    self.report(&name, status, None, at, report);
                    return;
                }
            }
            b'P' | b'F' | b'S' | b'T' | b'L' if self.nextest_line(trimmed, n, report) => {
                return;
            }
            _ => {}
        }
        if self.failure_list {
            // `    tests::adds` under `failures:`.
            if line.starts_with("    ") && !trimmed.contains(' ') {
                self.report(trimmed, TestStatus::Failed, None, n, report);
                return;
            }
            self.failure_list = false;
        }
        if trimmed.starts_with("test result:") {
            self.section = None;
        }
    }

    fn finish(&mut self, report: &mut Report) {
        if self.panic.is_some() {
            self.end_panic(usize::MAX, report);
        }
    }

    /// Outside a panic, a `failures:` list and a pending `test x ...`, a line matters
    /// only by the first byte of its text.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const FIRST: ByteSet = ByteSet::of(b"t-fPFSTL").union(ByteSet::OTHER_SPACE);
        const BETWEEN: Interest = Interest {
            top: FIRST,
            indented: FIRST,
            ..Interest::NONE
        };
        if self.panic.is_some() || self.failure_list || self.awaiting.is_some() {
            return &Interest::ALL;
        }
        &BETWEEN
    }
}

impl RustParser {
    /// `test tests::adds ... ok`.
    fn test_line(&mut self, rest: &str, n: usize, report: &mut Report) {
        let Some((name, status)) = rest.split_once(" ... ") else {
            if let Some(name) = rest.trim_end().strip_suffix(" ...") {
                self.awaiting = Some((test_name(name).to_owned(), n));
            }
            return;
        };
        let name = test_name(name);
        let status_text = status.trim();
        if status_text.is_empty() {
            self.awaiting = Some((name.to_owned(), n));
            return;
        }
        let Some(status) = status_word(status_text) else {
            return;
        };
        self.report(name, status, None, n, report);
    }

    /// `PASS [   0.004s] crate tests::adds` (nextest). Returns whether it was one.
    fn nextest_line(&mut self, trimmed: &str, n: usize, report: &mut Report) -> bool {
        let Some((word, rest)) = trimmed.split_once(" [") else {
            return false;
        };
        let status = match word {
            "PASS" => TestStatus::Passed,
            "FAIL" | "SIGSEGV" | "SIGABRT" | "TIMEOUT" | "LEAK-FAIL" => TestStatus::Failed,
            "SKIP" => TestStatus::Skipped,
            _ => return false,
        };
        let Some((duration, name)) = rest.split_once("] ") else {
            return false;
        };
        let name = nextest_name(name.trim());
        if name.is_empty() {
            return false;
        }
        let secs = duration
            .trim()
            .strip_suffix('s')
            .and_then(|d| d.parse::<f64>().ok());
        let ms = secs
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| (s * 1000.0).round() as u64);
        self.report(name, status, ms, n, report);
        true
    }

    fn report(
        &mut self,
        name: &str,
        status: TestStatus,
        duration_ms: Option<u64>,
        n: usize,
        report: &mut Report,
    ) {
        let mut t = TestResult::new(Framework::Rust, name, status, n);
        t.name = name.rsplit("::").next().unwrap_or(name).to_owned();
        t.duration_ms = duration_ms;
        if status.is_failure()
            && let Some(d) = self.pending.remove(name)
        {
            apply(&mut t, d);
        }
        report.test(t);
    }

    /// `thread 'name' (tid) panicked at src/lib.rs:26:9:` or the old
    /// `thread 'name' panicked at 'message', src/lib.rs:26:9`.
    fn start_panic(&mut self, trimmed: &str, n: usize, report: &mut Report) {
        let Some(after) = trimmed.strip_prefix("thread '") else {
            return;
        };
        let Some((thread, rest)) = after.split_once('\'') else {
            return;
        };
        let Some(at) = rest.find("panicked at ") else {
            return;
        };
        let rest = &rest[at + "panicked at ".len()..];
        let owner = match &self.section {
            Some((name, _)) => name.clone(),
            None if thread != "main" && thread != "<unnamed>" => clip(thread, MAX_ID).to_owned(),
            None => return,
        };
        let mut p = Panic {
            owner,
            old: false,
            message: Vec::new(),
            location: None,
            start: n,
        };
        if let Some(quoted) = rest.strip_prefix('\'') {
            p.old = true;
            self.panic = Some(p);
            self.old_message_line(quoted, n, report);
            return;
        }
        // New form: the location, a colon, the message on the next lines.
        let loc = rest.strip_suffix(':').unwrap_or(rest);
        p.location = parse_location(loc, n);
        self.panic = Some(p);
    }

    /// A line of an old-format message; the one ending `', path:line:col` closes it.
    fn old_message_line(&mut self, text: &str, n: usize, report: &mut Report) {
        let Some(p) = self.panic.as_mut() else {
            return;
        };
        if let Some((msg, loc)) = text.rsplit_once("', ")
            && let Some(location) = parse_location(loc.trim_end(), n)
        {
            p.message.push(clip(msg, MAX_TEXT).to_owned());
            p.location = Some(location);
            self.end_panic(n, report);
            return;
        }
        if p.message.len() >= MAX_PANIC_LINES {
            self.end_panic(n, report);
            return;
        }
        p.message.push(clip(text, MAX_TEXT).to_owned());
    }

    fn panic_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let Some(p) = self.panic.as_ref() else {
            return;
        };
        if p.old {
            self.old_message_line(line, n, report);
            return;
        }
        let trimmed = line.trim();
        let ends = trimmed.is_empty()
            || trimmed.starts_with("note: ")
            || trimmed.starts_with("stack backtrace:")
            || trimmed.starts_with("---- ")
            || trimmed == "failures:"
            || trimmed.starts_with("test ")
            || trimmed.starts_with("thread '")
            || p.message.len() >= MAX_MESSAGE_LINES;
        if ends {
            self.end_panic(n.saturating_sub(1), report);
            self.line(line, n, report);
            return;
        }
        if let Some(p) = self.panic.as_mut() {
            p.message.push(clip(line, MAX_TEXT).to_owned());
        }
    }

    fn end_panic(&mut self, last: usize, report: &mut Report) {
        let Some(p) = self.panic.take() else {
            return;
        };
        let message = p.message.first().map(|m| m.trim().to_owned());
        let (expected, actual) = left_right(&p.message);
        let mut location = p.location.filter(|l| !is_internal(&l.path));
        if let Some(l) = location.as_mut() {
            l.message = message.as_deref().map(|m| clip(m, 500).to_owned());
        }
        let start = self.section.as_ref().map_or(p.start, |(_, s)| *s);
        let d = Details {
            location,
            message,
            expected,
            actual,
            lines: Some((start, last.max(p.start))),
        };
        if let Some(t) = report.get_mut(Framework::Rust, &p.owner) {
            if t.status.is_failure() && t.locations.is_empty() {
                apply(t, d);
            }
            return;
        }
        if self.pending.len() < MAX_PENDING {
            self.pending.insert(p.owner, d);
        }
    }
}

fn apply(t: &mut TestResult, d: Details) {
    if let Some(l) = d.location {
        t.locations = vec![l];
    }
    t.message = d.message.or(t.message.take());
    t.expected = d.expected.or(t.expected.take());
    t.actual = d.actual.or(t.actual.take());
    t.failure_lines = d.lines.or(t.failure_lines);
}

/// `tests::adds - should panic` -> `tests::adds`.
fn test_name(name: &str) -> &str {
    let name = name.trim();
    name.strip_suffix(" - should panic").unwrap_or(name)
}

fn status_word(s: &str) -> Option<TestStatus> {
    match s {
        "ok" => Some(TestStatus::Passed),
        "FAILED" => Some(TestStatus::Failed),
        _ if s.starts_with("ignored") => Some(TestStatus::Skipped),
        _ => None,
    }
}

/// `(1/2) crate tests::adds` or `crate::bin/x tests::adds` -> `tests::adds`.
fn nextest_name(rest: &str) -> &str {
    let rest = match rest.strip_prefix('(') {
        Some(r) => r.split_once(") ").map_or(rest, |(_, r)| r),
        None => rest,
    };
    match rest.split_once(' ') {
        Some((_, name)) => name.trim(),
        None => rest,
    }
}

/// `src/lib.rs:26:9` (also without a column, also Windows paths).
fn parse_location(s: &str, n: usize) -> Option<FailureLocation> {
    let (head, last) = s.rsplit_once(':')?;
    let last: u32 = last.parse().ok()?;
    let (path, line, column) = match head.rsplit_once(':') {
        Some((p, l)) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => {
            (p, l.parse().ok()?, Some(last))
        }
        _ => (head, last, None),
    };
    if path.is_empty() || (path.contains(' ') && !path.contains(":\\")) || line == 0 {
        return None;
    }
    Some(FailureLocation {
        path: clip(path, MAX_ID).to_owned(),
        line,
        column,
        message: None,
        log_line: Some(n),
        kind: LocationKind::Rust,
    })
}

/// `  left: 4` / ` right: 5` (old: `` left: `4`, ``) -> (expected = right, actual = left).
fn left_right(message: &[String]) -> (Option<String>, Option<String>) {
    let mut left = None;
    let mut right = None;
    for m in message {
        let t = m.trim();
        if let Some(v) = t.strip_prefix("left: ") {
            left.get_or_insert_with(|| unticked(v));
        } else if let Some(v) = t.strip_prefix("right: ") {
            right.get_or_insert_with(|| unticked(v));
        }
    }
    match (left, right) {
        (Some(l), Some(r)) => (Some(r), Some(l)),
        _ => (None, None),
    }
}

/// `` `4`, `` -> `4`.
fn unticked(v: &str) -> String {
    let v = v.trim().trim_end_matches(',');
    v.strip_prefix('`')
        .and_then(|x| x.strip_suffix('`'))
        .unwrap_or(v)
        .to_owned()
}

// Rust panics, as the location extractor (`super::extract`) reads them in any log.

/// Where a panic happened, as its `panicked at` line prints it.
pub(crate) struct PanicAt<'a> {
    pub(crate) location: super::generic::PathLine<'a>,
    /// The message, when the same line holds it (before Rust 1.73).
    pub(crate) message: Option<&'a str>,
    /// The message is on the next non-empty line (Rust 1.73 and later).
    pub(crate) message_follows: bool,
}

/// What follows `panicked at `: `'message', src/lib.rs:10:5` (before Rust 1.73) or
/// `src/lib.rs:10:5:` with the message on the next line.
pub(crate) fn panic_location(after: &str) -> Option<PanicAt<'_>> {
    use super::generic::parse_path_line;
    if let Some(quoted) = after.strip_prefix('\'') {
        let sep = quoted.rfind("', ")?;
        let message = quoted.get(..sep).unwrap_or("");
        let location = parse_path_line(quoted.get(sep + 3..).unwrap_or("").trim())?;
        return Some(PanicAt {
            location,
            message: (!message.is_empty()).then_some(message),
            message_follows: false,
        });
    }
    let tok = after.split_whitespace().next().unwrap_or("");
    let tok = tok.strip_suffix(':').unwrap_or(tok);
    Some(PanicAt {
        location: parse_path_line(tok)?,
        message: None,
        message_follows: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frameworks::analyze;

    fn rust_tests(log: &str) -> Vec<TestResult> {
        analyze(None, log)
            .tests
            .into_iter()
            .filter(|t| t.framework == Framework::Rust)
            .collect()
    }

    fn first_failure(
        log: &str,
    ) -> (
        String,
        String,
        u32,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let t = rust_tests(log)
            .into_iter()
            .find(|t| t.status.is_failure())
            .unwrap();
        let l = t.locations.first().cloned().unwrap();
        (t.id, l.path, l.line, t.message, t.expected, t.actual)
    }

    #[test]
    fn statuses_of_test_lines_including_should_panic_and_ignored() {
        let log = "running 4 tests
test tests::adds ... ok
test tests::big - should panic ... ok
test tests::slow ... ignored, needs a database
test tests::sub ... FAILED
";
        let got: Vec<_> = rust_tests(log)
            .into_iter()
            .map(|t| (t.id, t.status))
            .collect();
        assert_eq!(
            got,
            [
                ("tests::adds".to_owned(), TestStatus::Passed),
                ("tests::big".to_owned(), TestStatus::Passed),
                ("tests::slow".to_owned(), TestStatus::Skipped),
                ("tests::sub".to_owned(), TestStatus::Failed),
            ]
        );
    }

    #[test]
    fn new_panic_with_assert_eq_gives_right_as_expected() {
        let log = "test tests::adds ... FAILED

failures:

---- tests::adds stdout ----

thread 'tests::adds' (6019162) panicked at src/lib.rs:26:9:
assertion `left == right` failed
  left: 4
 right: 5
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::adds
";
        assert_eq!(
            first_failure(log),
            (
                "tests::adds".to_owned(),
                "src/lib.rs".to_owned(),
                26,
                Some("assertion `left == right` failed".to_owned()),
                Some("5".to_owned()),
                Some("4".to_owned())
            )
        );
    }

    #[test]
    fn old_multi_line_assert_eq_has_its_location_on_the_last_line() {
        let log = "test tests::it_adds_two ... FAILED

failures:

---- tests::it_adds_two stdout ----
thread 'main' panicked at 'assertion failed: `(left == right)`
  left: `4`,
 right: `5`', src/lib.rs:11:9
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
";
        assert_eq!(
            first_failure(log),
            (
                "tests::it_adds_two".to_owned(),
                "src/lib.rs".to_owned(),
                11,
                Some("assertion failed: `(left == right)`".to_owned()),
                Some("5".to_owned()),
                Some("4".to_owned())
            )
        );
    }

    #[test]
    fn nocapture_panics_wait_for_the_status_line() {
        let log = "running 1 test
thread 'tests::boom' panicked at src\\lib.rs:3:5:
boom
test tests::boom ... FAILED
";
        let (id, path, line, message, ..) = first_failure(log);
        assert_eq!(
            (id.as_str(), path.as_str(), line, message.as_deref()),
            ("tests::boom", "src\\lib.rs", 3, Some("boom"))
        );
    }

    #[test]
    fn nextest_status_lines_and_sections() {
        let log = "        PASS [   0.004s] adder tests::adds
        FAIL [   0.010s] adder tests::subs

--- STDERR:              adder tests::subs ---
thread 'tests::subs' panicked at src/lib.rs:9:9:
nope
";
        let got: Vec<_> = rust_tests(log)
            .into_iter()
            .map(|t| {
                (
                    t.id,
                    t.status,
                    t.duration_ms,
                    t.locations.first().map(|l| l.line),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("tests::adds".to_owned(), TestStatus::Passed, Some(4), None),
                (
                    "tests::subs".to_owned(),
                    TestStatus::Failed,
                    Some(10),
                    Some(9)
                ),
            ]
        );
    }
    #[test]
    fn fragments_of_its_formats_in_any_order_never_panic() {
        let pieces = [
            "test ",
            "tests::a",
            " ... ",
            "ok",
            "FAILED",
            "ignored",
            " - should panic",
            "---- ",
            " stdout ----",
            "thread '",
            "main",
            "' (12) panicked at ",
            "src/lib.rs:",
            "26:9",
            ":",
            "'",
            "', ",
            "  left: `4`,",
            " right: `5`",
            "failures:",
            "    ",
            "note: x",
            "PASS [ 0.1s] c t",
            "--- STDERR: c t ---",
            "é",
            " ",
            "9999999999",
        ];
        for log in super::super::testutil::fragment_soups(&pieces, 300) {
            super::super::testutil::assert_sane(&analyze(None, &log));
        }
    }
}
