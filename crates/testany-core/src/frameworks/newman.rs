//! Newman's CLI reporter (what Testany's `postman` executor runs).
//!
//! Read here: the `newman` banner and the collection name below it; folder lines
//! (`❏ Folder / Sub`, Windows `□`, `--disable-unicode` `Folder`), request items
//! (`→ Name` at the root, `↳ Name` in a folder, Windows `└`, plain `Root`/`Sub-folder`);
//! assertions (`  ✓  name` / Windows `  √  name` / plain `  Pass  name` passed,
//! `  1. name` failed, the number being the row of the failure table, `  -  [skipped] name`);
//! script errors (`  2⠄ SyntaxError in test-script`, not a test); `[errored]` requests;
//! the failure table (`1.  AssertionError  name`, message lines, `at assertion:0 in
//! test-script`, `inside "Folder / Request"`). The glyphs of a UTF-8 log read in another
//! code page (CP437, CP850, CP866, 1251, 1252 or worse) are recognised by position: an
//! unknown short non-ASCII mark at the margin is a folder when the next line is another
//! item, else a request.
//!
//! Ids are `collection / folder path / request / test name`. The failure location of a
//! failed assertion is [`LocationKind::Newman`] with `path` = the request's path inside the
//! collection as Newman prints it in `inside "..."` (`Folder / Sub / Request`, no collection
//! name) and `line` = the 1-based ordinal of the assertion in the request's test script
//! (`at assertion:0` is line 1): issue 15 maps it to the `pm.test(` line of the collection
//! file. Tests that fail in several iterations stay failed (a later passing iteration
//! does not make them flaky).

use std::collections::HashMap;

use super::generic::{FailureLocation, LocationKind};
use super::{Framework, MAX_ID, MAX_TEXT, Parser, Report, TestResult, TestStatus, clip};

/// At most this many numbered failures are remembered to join the failure table.
const MAX_FAILURES: usize = 10_000;
/// Message lines kept per failure-table entry.
const MAX_MESSAGE_LINES: usize = 12;

const FOLDER_MARKS: &[&str] = &[
    "❏", "□", "Folder", "Γûí", "Ôûí", "тЦб", "в–Ў", "â–¡", "Γ¥Å", "ÔØÅ",
];
const ITEM_MARKS: &[&str] = &[
    "→",
    "↳",
    "└",
    "Root",
    "Sub-folder",
    "ΓåÆ",
    "ÔåÆ",
    "тЖТ",
    "в†’",
    "â†’",
    "Γå│",
    "Ôå│",
    "тЖ│",
    "в†і",
    "â†³",
    "Γöö",
    "Ôöö",
    "тФФ",
    "в””",
    "â””",
];
const PASS_MARKS: &[&str] = &[
    "✓", "√", "✔", "Pass", "Γ£ô", "Ô£ô", "тЬУ", "вњ“", "âœ“", "ΓêÜ", "ÔêÜ", "тИЪ", "в€љ", "âˆš",
    "Γ£ö", "Ô£ö", "тЬФ", "вњ”", "âœ”",
];

#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
enum Phase {
    /// No `newman` banner seen.
    #[default]
    Off,
    /// After the banner, waiting for the collection name.
    Banner,
    /// Items, requests and assertions.
    Run,
    /// The run summary table.
    Summary,
    /// The failure table.
    Failures,
}

/// Reads Newman's CLI reporter from a case log.
#[derive(Debug, Default)]
pub struct NewmanParser {
    phase: Phase,
    collection: String,
    /// Folder path as printed on the folder line, when the current item is in one.
    folder: Option<String>,
    /// The current request item's name.
    request: Option<String>,
    /// Assertions seen in the current request (the `assertion:N` ordinal).
    assertions: u32,
    /// A margin line with an unknown mark: folder or request, decided by the next line.
    pending: Option<String>,
    /// Failure-table row number -> test id, from the numbered assertion lines.
    numbered: HashMap<u32, String>,
    entry: Option<Entry>,
}

/// One row of the failure table being read.
#[derive(Debug, Default)]
struct Entry {
    number: u32,
    error: String,
    test: String,
    message: Vec<String>,
    /// `at assertion:N in test-script` -> N; `None` for `at request` / `at test-script`.
    assertion: Option<u32>,
    at: bool,
    line: usize,
}

impl Parser for NewmanParser {
    fn framework(&self) -> Framework {
        Framework::Newman
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        let bytes = line.as_bytes();
        // Prefilter: the banner is the only way in.
        if self.phase == Phase::Off {
            if bytes.first() == Some(&b'n') && line.trim_end() == "newman" {
                self.reset();
                self.phase = Phase::Banner;
            }
            return;
        }
        if line.trim_end() == "newman" {
            self.finish(report);
            self.reset();
            self.phase = Phase::Banner;
            return;
        }
        match self.phase {
            Phase::Off => {}
            Phase::Banner => {
                let name = line.trim();
                if !name.is_empty() {
                    self.collection = clip(name, MAX_ID).to_owned();
                    self.phase = Phase::Run;
                }
            }
            Phase::Run => self.run_line(line, n, report),
            Phase::Summary => {
                if is_failure_heading(line) {
                    self.phase = Phase::Failures;
                }
            }
            Phase::Failures => self.failure_line(line, n, report),
        }
    }

    fn finish(&mut self, report: &mut Report) {
        self.close_entry(report);
    }

    /// Before its banner, only a `newman` line matters.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const OFF: Interest = Interest {
            top: ByteSet::of(b"n"),
            ..Interest::NONE
        };
        if self.phase != Phase::Off {
            return &Interest::ALL;
        }
        &OFF
    }
}

impl NewmanParser {
    fn reset(&mut self) {
        *self = NewmanParser::default();
    }

    fn run_line(&mut self, line: &str, n: usize, report: &mut Report) {
        if let Some(name) = self.pending.take() {
            // The previous margin line had an unknown mark: a folder is followed at once
            // by its first item.
            if margin_item(line).is_some() {
                self.folder = Some(name);
            } else {
                self.start_request(name);
            }
        }
        let Some(&first) = line.as_bytes().first() else {
            return;
        };
        if first != b' ' {
            if is_table_border(line) {
                self.phase = Phase::Summary;
                return;
            }
            if let Some((mark, name)) = margin_item(line) {
                let name = clip(name, MAX_ID).to_owned();
                if FOLDER_MARKS.contains(&mark) {
                    self.folder = Some(name);
                } else if ITEM_MARKS.contains(&mark) {
                    if mark == "→" || mark == "Root" {
                        self.folder = None;
                    }
                    self.start_request(name);
                } else {
                    self.pending = Some(name);
                }
                return;
            }
            // `100. name`: failed assertion numbers are padded to three columns.
            if first.is_ascii_digit() {
                self.assertion_line(line, n, report);
            }
            return;
        }
        self.assertion_line(line, n, report);
    }

    fn start_request(&mut self, name: String) {
        self.request = Some(name);
        self.assertions = 0;
    }

    /// A line under a request: passed, failed or skipped assertion, or a script error.
    fn assertion_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let Some(request) = self.request.as_deref() else {
            return;
        };
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent > 3 {
            return;
        }
        let skipped = trimmed
            .strip_prefix('-')
            .and_then(|r| r.trim_start().strip_prefix("[skipped] "));
        let (status, name, number) = if let Some(name) = skipped {
            (TestStatus::Skipped, name, None)
        } else if let Some((number, script_error, name)) = numbered(trimmed) {
            if script_error {
                return;
            }
            (TestStatus::Failed, name, Some(number))
        } else if indent == 2
            && let Some((mark, name)) = trimmed.split_once("  ")
            && (PASS_MARKS.contains(&mark) || is_unknown_mark(mark))
            && !name.starts_with(' ')
        {
            (TestStatus::Passed, name, None)
        } else {
            return;
        };
        let name = name.trim_end();
        if name.is_empty() {
            return;
        }
        let id = self.test_id(request, name);
        let ordinal = self.assertions;
        self.assertions = self.assertions.saturating_add(1);
        if status == TestStatus::Passed
            && report
                .get_mut(Framework::Newman, &id)
                .is_some_and(|t| t.status.is_failure())
        {
            // A later iteration passed: the test still failed in this run.
            return;
        }
        let mut t = TestResult::new(Framework::Newman, &id, status, n);
        t.name = name.to_owned();
        if let Some(number) = number {
            t.locations = vec![self.location(ordinal, n)];
            if self.numbered.len() < MAX_FAILURES {
                self.numbered.insert(number, t.id.clone());
            }
        }
        report.test(t);
    }

    fn request_path(&self) -> String {
        let request = self.request.as_deref().unwrap_or("");
        match &self.folder {
            Some(f) => format!("{f} / {request}"),
            None => request.to_owned(),
        }
    }

    fn test_id(&self, request: &str, name: &str) -> String {
        let mut id = String::with_capacity(self.collection.len() + request.len() + name.len() + 9);
        id.push_str(&self.collection);
        id.push_str(" / ");
        if let Some(f) = &self.folder {
            id.push_str(f);
            id.push_str(" / ");
        }
        id.push_str(request);
        id.push_str(" / ");
        id.push_str(name);
        id
    }

    fn location(&self, ordinal: u32, n: usize) -> FailureLocation {
        FailureLocation {
            path: clip(&self.request_path(), MAX_ID).to_owned(),
            line: ordinal.saturating_add(1),
            column: None,
            message: None,
            log_line: Some(n),
            kind: LocationKind::Newman,
        }
    }

    /// A line of the failure table.
    fn failure_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return;
        }
        if let Some((number, rest)) = table_row(trimmed) {
            self.close_entry(report);
            let (error, test) = match rest.split_once("  ") {
                Some((e, t)) => (e.trim(), t.trim()),
                None => (rest.trim(), ""),
            };
            self.entry = Some(Entry {
                number,
                error: clip(error, MAX_TEXT).to_owned(),
                test: clip(test, MAX_ID).to_owned(),
                line: n,
                ..Entry::default()
            });
            return;
        }
        if !line.starts_with(' ') {
            // The table ended.
            self.close_entry(report);
            self.phase = Phase::Off;
            return;
        }
        let Some(entry) = self.entry.as_mut() else {
            return;
        };
        // `iteration: 2` sits in the failure column of the row's second line.
        let text = match trimmed.strip_prefix("iteration: ") {
            Some(rest) => rest
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start(),
            None => trimmed,
        };
        if text.is_empty() {
            return;
        }
        if let Some(path) = text
            .strip_prefix("inside \"")
            .and_then(|p| p.strip_suffix('"'))
        {
            let path = path.split("\" of \"").next().unwrap_or(path).to_owned();
            self.close_entry_at(report, Some(path));
            return;
        }
        if let Some(at) = text.strip_prefix("at ") {
            entry.at = true;
            entry.assertion = at
                .strip_prefix("assertion:")
                .and_then(|r| r.split(' ').next())
                .and_then(|d| d.parse().ok());
            return;
        }
        if !entry.at && entry.message.len() < MAX_MESSAGE_LINES {
            entry.message.push(clip(text, MAX_TEXT).to_owned());
        }
    }

    fn close_entry(&mut self, report: &mut Report) {
        self.close_entry_at(report, None);
    }

    fn close_entry_at(&mut self, report: &mut Report, inside: Option<String>) {
        let Some(entry) = self.entry.take() else {
            return;
        };
        // Request errors (`at request`) and script errors (`at test-script`) are no test.
        let Some(ordinal) = entry.assertion else {
            return;
        };
        let id = match self.numbered.get(&entry.number) {
            Some(id) => id.clone(),
            None => {
                let Some(inside) = inside.as_deref() else {
                    return;
                };
                if entry.test.is_empty() || self.collection.is_empty() {
                    return;
                }
                format!("{} / {inside} / {}", self.collection, entry.test)
            }
        };
        let mut t = TestResult::new(Framework::Newman, &id, TestStatus::Failed, entry.line);
        if !entry.test.is_empty() {
            t.name = entry.test.clone();
        }
        let message = entry.message.join("\n");
        let values = entry.message.first().and_then(|m| expected_actual(m));
        t.message = Some(if message.is_empty() {
            entry.error.clone()
        } else if entry.error.is_empty() {
            message
        } else {
            format!("{}: {message}", entry.error)
        });
        if let Some((e, a)) = values {
            t.expected = Some(e);
            t.actual = Some(a);
        }
        if let Some(inside) = inside {
            t.locations = vec![FailureLocation {
                path: clip(&inside, MAX_ID).to_owned(),
                line: ordinal.saturating_add(1),
                column: None,
                message: t.message.as_deref().map(|m| clip(m, 500).to_owned()),
                log_line: Some(entry.line),
                kind: LocationKind::Newman,
            }];
        }
        // Keep the run-order position of the inline line: merge keeps the first log_line.
        report.test(t);
    }
}

/// `❏ Folder` / `→ Request`: a mark without spaces, one space, a name.
fn margin_item(line: &str) -> Option<(&str, &str)> {
    let (mark, name) = line.split_once(' ')?;
    if mark.is_empty() || name.is_empty() || name.starts_with(' ') {
        return None;
    }
    let known = FOLDER_MARKS.contains(&mark) || ITEM_MARKS.contains(&mark);
    if !known && !is_unknown_mark(mark) {
        return None;
    }
    // A mojibake table row (`Gіщ total run duration: 5s   Gіщ`) ends with its border.
    if !known && name.trim_end().ends_with(mark) {
        return None;
    }
    Some((mark, name.trim_end()))
}

/// A short mark with a non-ASCII character: a glyph in an unknown code page.
fn is_unknown_mark(mark: &str) -> bool {
    let chars = mark.chars().count();
    (1..=4).contains(&chars)
        && !mark.is_ascii()
        && !mark
            .chars()
            .any(|c| c.is_whitespace() || c.is_ascii_digit() || matches!(c, '│' | '┌' | '┐'))
}

/// `1. name` (failed assertion) or `2⠄ SyntaxError in test-script` (script error); old
/// Newman marks failed assertions with `⠄` too. Returns (number, script error, name).
fn numbered(trimmed: &str) -> Option<(u32, bool, &str)> {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let number: u32 = trimmed.get(..digits)?.parse().ok()?;
    let rest = trimmed.get(digits..)?;
    if let Some(name) = rest.strip_prefix(". ") {
        return Some((number, false, name));
    }
    let name = rest.strip_prefix("⠄ ")?;
    let script_error = name.ends_with("-script")
        && name
            .split_once(" in ")
            .is_some_and(|(e, _)| e.ends_with("Error") && !e.contains(' '));
    Some((number, script_error, name))
}

/// The first row of a cli-table box: `┌───┬───┐` (or its mojibake, starting with a
/// non-space mark and holding no letters after it).
fn is_table_border(line: &str) -> bool {
    if line.starts_with('┌') || line.starts_with("+---") {
        return true;
    }
    // Mojibake borders: a long run of non-ASCII marks without a space.
    let count = line.chars().count();
    count > 30 && !line.contains(' ') && line.chars().filter(|c| !c.is_ascii()).count() * 2 > count
}

/// `#  failure  detail`, the failure table's heading.
fn is_failure_heading(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('#') && t.contains("failure") && t.ends_with("detail")
}

/// `1.  AssertionError  name` / `01.  JSONError` / `1⠄ ...` -> (1, rest).
fn table_row(trimmed: &str) -> Option<(u32, &str)> {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let number: u32 = trimmed.get(..digits)?.parse().ok()?;
    let rest = trimmed.get(digits..)?;
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix('⠄'))?;
    rest.starts_with("  ").then(|| (number, rest.trim()))
}

/// Chai's messages: `expected response to have status code 200 but got 404`,
/// `expected 'a' to equal 'b'`, `to deeply equal`, `to eql` -> (expected, actual).
fn expected_actual(m: &str) -> Option<(String, String)> {
    let rest = m.strip_prefix("expected ")?;
    if let Some((before, actual)) = rest.rsplit_once(" but got ") {
        let expected = before.rsplit(' ').next()?;
        return Some((expected.to_owned(), actual.trim().to_owned()));
    }
    for sep in [" to deeply equal ", " to equal ", " to eql ", " to be "] {
        if let Some((actual, expected)) = rest.split_once(sep) {
            if sep == " to be "
                && (expected.starts_with("an ")
                    || expected.starts_with("a ")
                    || expected.contains(' '))
            {
                continue;
            }
            return Some((expected.trim().to_owned(), actual.trim().to_owned()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frameworks::analyze;

    fn statuses(log: &str) -> Vec<(String, TestStatus)> {
        analyze(None, log)
            .tests
            .into_iter()
            .filter(|t| t.framework == Framework::Newman)
            .map(|t| (t.id, t.status))
            .collect()
    }

    const UNIX_RUN: &str = "newman

Shop API

❏ Orders / Refunds
↳ Refund order
  POST https://shop.test/refund [404 Not Found, 312B, 85ms]
  ✓  Response time is below 200ms
  1. Status code is 200
  -  [skipped] Refund id is set

→ Health
  GET https://shop.test/health [200 OK, 1.2kB, 12ms]
  ✓  Status code is 200

┌─────────────────────────┬────────────────────┬───────────────────┐
│                         │           executed │            failed │
├─────────────────────────┼────────────────────┼───────────────────┤
│              assertions │                  3 │                 1 │
└─────────────────────────┴────────────────────┴───────────────────┘

  #  failure         detail

 1.  AssertionError  Status code is 200
                     expected response to have status code 200 but got 404
                     at assertion:1 in test-script
                     inside \"Orders / Refunds / Refund order\"
";

    #[test]
    fn folders_requests_and_assertions_of_the_unicode_reporter() {
        assert_eq!(
            statuses(UNIX_RUN),
            [
                (
                    "Shop API / Orders / Refunds / Refund order / Response time is below 200ms"
                        .to_owned(),
                    TestStatus::Passed
                ),
                (
                    "Shop API / Orders / Refunds / Refund order / Status code is 200".to_owned(),
                    TestStatus::Failed
                ),
                (
                    "Shop API / Orders / Refunds / Refund order / Refund id is set".to_owned(),
                    TestStatus::Skipped
                ),
                (
                    "Shop API / Health / Status code is 200".to_owned(),
                    TestStatus::Passed
                ),
            ]
        );
    }

    #[test]
    fn the_failure_table_gives_message_values_and_the_assertion_location() {
        let a = analyze(None, UNIX_RUN);
        let t = a
            .tests
            .iter()
            .find(|t| t.status == TestStatus::Failed)
            .unwrap();
        assert_eq!(t.name, "Status code is 200");
        assert_eq!(t.log_line, 8);
        assert_eq!(
            t.message.as_deref(),
            Some("AssertionError: expected response to have status code 200 but got 404")
        );
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("200"), Some("404"))
        );
        let loc = a.primary().unwrap();
        assert_eq!(
            (loc.path.as_str(), loc.line, loc.kind, loc.log_line),
            (
                "Orders / Refunds / Refund order",
                2,
                LocationKind::Newman,
                Some(23)
            )
        );
    }

    #[test]
    fn windows_glyphs_errored_requests_and_script_errors() {
        let log = "newman

Hotel
□ Auth
└ Login
  POST http://localhost:9999/api/login [errored]
     connect ECONNREFUSED 127.0.0.1:9999
  2. Status code is 200
  3⠄ SyntaxError in test-script
└ Me
  GET http://localhost:9999/api/me [200 OK, 10B, 3ms]
  √  Has name
";
        assert_eq!(
            statuses(log),
            [
                (
                    "Hotel / Auth / Login / Status code is 200".to_owned(),
                    TestStatus::Failed
                ),
                (
                    "Hotel / Auth / Me / Has name".to_owned(),
                    TestStatus::Passed
                ),
            ]
        );
    }

    #[test]
    fn mojibake_marks_are_told_apart_by_position() {
        // Newman's Windows glyphs in UTF-8 re-read in a Cyrillic code page.
        let log = "newman

TechVault

Gћэ Auth
Gіі Admin Login
  POST http://localhost:8081/api/auth/login [200 OK, 751B, 150ms]
  Gъм  Status 200

Gіі Me
  GET http://localhost:8081/api/auth/me [200 OK, 496B, 54ms]
  Gъм  Status 200
  1µs  not an assertion
";
        assert_eq!(
            statuses(log),
            [
                (
                    "TechVault / Auth / Admin Login / Status 200".to_owned(),
                    TestStatus::Passed
                ),
                (
                    "TechVault / Auth / Me / Status 200".to_owned(),
                    TestStatus::Passed
                ),
            ]
        );
    }

    #[test]
    fn a_later_iteration_that_passes_leaves_the_test_failed() {
        let log = "newman

C

Iteration 1/2

→ R
  GET http://x/ [500 Internal Server Error, 1B, 1ms]
  1. ok

Iteration 2/2

→ R
  GET http://x/ [200 OK, 1B, 1ms]
  ✓  ok
";
        assert_eq!(
            statuses(log),
            [("C / R / ok".to_owned(), TestStatus::Failed)]
        );
    }

    #[test]
    fn chai_messages_give_expected_and_actual() {
        assert_eq!(
            expected_actual("expected 'pending' to deeply equal 'paid'"),
            Some(("'paid'".to_owned(), "'pending'".to_owned()))
        );
        assert_eq!(expected_actual("expected 1500 to be below 200"), None);
    }
    #[test]
    fn fragments_of_its_formats_in_any_order_never_panic() {
        let pieces = [
            "newman",
            "",
            "C",
            "❏ F",
            "↳ R",
            "→ R",
            "└ R",
            "□ F",
            "Gћэ X",
            "Gіі Y",
            "  ✓  t",
            "  √  t",
            "  1. t",
            " 10. t",
            "100. t",
            "  2⠄ SyntaxError in test-script",
            "  - [skipped] t",
            "  GET http://x [200 OK, 1B, 1ms]",
            "┌───┐",
            "│ a │",
            "  #  failure  detail",
            " 1.  AssertionError  t",
            "                     at assertion:",
            "                     inside \"",
            "\"",
            "iteration: 2",
            "expected 1 to equal 2",
            " but got ",
            "é",
            "⠄",
            ".",
            " ",
            "  ",
            "\t",
            "9999999999",
        ];
        for log in super::super::testutil::fragment_soups(&pieces, 300) {
            super::super::testutil::assert_sane(&analyze(None, &log));
        }
    }
}
