//! RSpec, minitest and Cucumber.
//!
//! RSpec: the documentation format (groups and examples told apart by the next line's
//! indentation: a line followed by a deeper one is a group; `(FAILED - 1)` and
//! `(PENDING: reason)` suffixes; progress dots glued to the line start), the
//! `Failures:` and `Pending:` sections (`  1) Full description`, `Failure/Error:`,
//! `expected: 3` / `got: 2`, backtraces `# ./spec/calc_spec.rb:5:in ...` with old
//! backticks or Ruby 3.4 quotes) and the rerun lines `rspec ./spec/calc_spec.rb:4 # Calc
//! adds`. Documentation lines are only reported once the log shows it is RSpec output
//! (a failure section, a suffix, the `N examples, M failures` summary, ...); until then
//! they wait in a bounded buffer, so indented text of other tools does not become tests.
//! Ids are RSpec's full descriptions (group titles and the example's, joined by spaces).
//!
//! minitest: `Failure:` / `Error:` / `Skipped:` entries (also numbered `  1) Failure:`)
//! with `Class#test_x [path:line]:` or `Class#test_x:` then the message and, for errors,
//! a backtrace; `-v` lines `Class#test_x = 0.00 s = .`. Ids are `Class#test_x`.
//!
//! Cucumber (pretty formatter, any language): `Feature: name` at the margin, scenarios
//! `  Scenario: name  # features/x.feature:24` (Backgrounds are not tests), steps, and
//! the error block under a failed step, whose backtrace (`./features/step_definitions/
//! x.rb:5:in ...`, then `features/x.feature:24:in ...`) gives the location; `Failing
//! Scenarios:` lists `cucumber features/x.feature:24 # Scenario: name`. Ids are
//! `Feature › Scenario`.

use std::collections::HashMap;

use super::generic::{FailureLocation, LocationKind, is_internal};
use super::{
    Framework, MAX_ID, MAX_TEST_LOCATIONS, MAX_TEXT, Parser, Report, TestResult, TestStatus, clip,
};

/// Documentation-format examples held until the log shows it is RSpec output; a log
/// with more candidates and no sign of RSpec is not read as documentation output any
/// more (until an RSpec run header), which bounds the cost on other logs.
const MAX_TENTATIVE: usize = 10_000;
/// Nesting of RSpec groups followed.
const MAX_DEPTH: usize = 64;
/// Scenario locations remembered to read `Failing Scenarios:`.
const MAX_SCENARIOS: usize = 100_000;

/// Background keywords of common Gherkin languages: a background is not a scenario.
const BACKGROUNDS: &[&str] = &[
    "Background",
    "Contexto",
    "Antecedentes",
    "Contexte",
    "Grundlage",
    "Hintergrund",
    "Achtergrond",
    "Предыстория",
    "Контекст",
    "背景",
    "Dasar",
    "Fondo",
    "Tło",
    "Sfondo",
];

/// Words that start `Word: text` lines at the margin without being a Gherkin feature.
const NOT_FEATURES: &[&str] = &[
    "Error",
    "Warning",
    "WARNING",
    "Failure",
    "Failures",
    "Note",
    "Caused",
    "Exception",
    "Pending",
    "Coverage",
    "Finished",
    "Randomized",
    "Run",
    "Using",
    "Failed",
    "Tests",
];

/// Reads RSpec, minitest and Cucumber from a case log.
#[derive(Debug, Default)]
pub struct RubyParser {
    // RSpec documentation format.
    /// The held line's indentation and log line; its text is `held_text`.
    held: Option<(usize, usize)>,
    /// The text of the last held line, one buffer reused so that a line costs no
    /// allocation.
    held_text: String,
    /// The open groups: (indentation, start of the group's text in `prefix`).
    groups: Vec<(usize, usize)>,
    /// The open groups' texts, each followed by a space: the start of every id below
    /// them, kept joined so that an example costs one copy of it, not one per group.
    prefix: String,
    /// Changes whenever `groups` does: examples held with the same generation share
    /// their prefix.
    groups_gen: u64,
    doc_off: bool,
    confirmed: bool,
    tentative: Tentative,
    // RSpec sections.
    section: Section,
    entry: Option<Entry>,
    // minitest.
    minitest_header: Option<TestStatus>,
    /// The class heading above SpecReporter lines.
    minitest_class: Option<String>,
    // Cucumber.
    feature: Option<String>,
    scenario: Option<Scenario>,
    scenarios: HashMap<String, String>,
    failing_list: bool,
    /// The log shows Cucumber output (a scenario's `# x.feature:N`, `Failing Scenarios:`,
    /// the `N scenarios (...)` summary); scenarios before that wait here.
    cucumber: bool,
    tentative_scenarios: Vec<TestResult>,
}

#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
enum Section {
    #[default]
    None,
    Failures,
    Pending,
    /// minitest's entry body.
    Minitest,
    /// The details under a failed SpecReporter line.
    Spec,
}

/// A failure (or pending, or minitest) entry being read.
#[derive(Debug)]
struct Entry {
    id: String,
    status: TestStatus,
    message: Option<String>,
    expected: Option<String>,
    actual: Option<String>,
    locations: Vec<FailureLocation>,
    /// minitest: the `[path:line]` of the header (the assertion's line).
    header_location: Option<FailureLocation>,
    n: usize,
    lines: usize,
    duration_ms: Option<u64>,
}

impl Entry {
    fn new(id: &str, status: TestStatus, n: usize) -> Self {
        Entry {
            id: clip(id, MAX_ID).to_owned(),
            status,
            message: None,
            expected: None,
            actual: None,
            locations: Vec::new(),
            header_location: None,
            n,
            lines: 0,
            duration_ms: None,
        }
    }
}

#[derive(Debug)]
struct Scenario {
    id: String,
    failed: bool,
    locations: Vec<FailureLocation>,
    message: Option<String>,
    n: usize,
    file: Option<(String, u32)>,
}

impl Parser for RubyParser {
    fn framework(&self) -> Framework {
        Framework::Ruby
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        // Outside entries, a line at the margin starting with a lowercase letter is no
        // heading, summary, minitest or Gherkin line (`rspec ` and `Failing Scenarios:`'
        // `cucumber ` lines aside): it is only held as a possible group title. Most lines
        // of other tools' logs are such lines (pytest's `tests/x.py::test_a PASSED`).
        if let Some(&first) = line.as_bytes().first()
            && first.is_ascii_lowercase()
            && first != b'r'
            && (first != b'c' || !self.failing_list)
            && self.section == Section::None
            && self.minitest_header.is_none()
        {
            self.minitest_class = None;
            // `trim(line)`: only its end may be trimmed, and most lines end with text.
            let trimmed = match line.as_bytes().last() {
                Some(c) if c.is_ascii_graphic() => line,
                _ => super::trim(line),
            };
            self.doc_line(line, 0, trimmed, n, report);
            return;
        }
        // `line.trim_start()`'s length, then `trim(line)`: the text starts there.
        let indent = lead(line);
        let trimmed = super::trim(line.get(indent..).unwrap_or(""));
        if trimmed.is_empty() {
            self.failing_list = false;
            return;
        }
        if self.section == Section::Spec && indent <= 2 {
            self.close_entry(report);
        }
        if indent == 0 && self.margin_line(trimmed, n, report) {
            return;
        }
        if indent == 2
            && let Some(class) = self.minitest_class.clone()
            && let Some((name, status, ms)) = spec_reporter_line(trimmed)
        {
            // minitest-reporters' SpecReporter: `  test_x      FAIL (0.01s)` under `FooTest`.
            let id = format!("{class}#{name}");
            if status.is_failure() {
                let mut e = Entry::new(&id, status, n);
                e.duration_ms = ms;
                self.entry = Some(e);
                self.section = Section::Spec;
            } else {
                let mut t = TestResult::new(Framework::Ruby, &id, status, n);
                t.name = name.to_owned();
                t.duration_ms = ms;
                report.test(t);
            }
            return;
        }
        // minitest's numbered entries: `  1) Failure:`, `  2) Error:`, `  3) Skipped:`.
        if indent <= 4
            && let Some(status) = numbered(trimmed).and_then(|r| match r {
                "Failure:" => Some(TestStatus::Failed),
                "Error:" => Some(TestStatus::Error),
                "Skipped:" => Some(TestStatus::Skipped),
                _ => None,
            })
        {
            self.close_entry(report);
            self.section = Section::None;
            self.minitest_header = Some(status);
            return;
        }
        if self.section != Section::None && self.entry_line(trimmed, indent, n, report) {
            return;
        }
        if self.cucumber_line(trimmed, indent, n, report) {
            return;
        }
        self.doc_line(line, indent, trimmed, n, report);
    }

    fn finish(&mut self, report: &mut Report) {
        self.close_entry(report);
        self.close_scenario(report);
        if let Some((indent, n)) = self.held.take() {
            self.emit_held(indent, n, report);
        }
        // Never confirmed as RSpec or Cucumber: the tentative tests were something else.
        self.tentative.clear();
        self.tentative_scenarios.clear();
    }

    /// Outside an entry, a minitest header and class, lines at the margin matter by
    /// their first byte (headings, summaries, rerun lines, glued progress dots), last
    /// byte (minitest `-v`), or first word (a class heading, a Gherkin keyword); any
    /// other line at the margin only becomes the held documentation line, so of a run
    /// of them the first and the last are enough. Indented lines may be examples.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const fn between(doc: bool, failing_list: bool) -> Interest {
            Interest {
                // `c` only for `Failing Scenarios:`' `cucumber ` lines: any other line
                // starting with a lowercase letter is a plain one (captured output).
                top: ByteSet::of(b"FTEPRr.*")
                    .union(if failing_list {
                        ByteSet::of(b"c")
                    } else {
                        ByteSet::NONE
                    })
                    .union(ByteSet::DIGITS)
                    .union(ByteSet::OTHER_SPACE),
                indented: if doc {
                    ByteSet::ALL
                } else {
                    ByteSet::DIGITS.union(ByteSet::OTHER_SPACE)
                },
                last: ByteSet::of(b".FES"),
                word_end: ByteSet::of(b":\0"),
                blank: failing_list,
                plain_runs: doc,
                ..Interest::NONE
            }
        }
        const QUIET: Interest = between(false, false);
        const QUIET_LIST: Interest = between(false, true);
        const DOC: Interest = between(true, false);
        const DOC_LIST: Interest = between(true, true);
        if self.section != Section::None
            || self.minitest_header.is_some()
            || self.minitest_class.is_some()
        {
            return &Interest::ALL;
        }
        // With the documentation reader off (not RSpec's output, or it ended) and no
        // Cucumber feature open, an indented line matters only as a numbered minitest
        // entry, and plain lines at the margin change nothing.
        let doc = !self.doc_off || self.feature.is_some();
        match (doc, self.failing_list) {
            (false, false) => &QUIET,
            (false, true) => &QUIET_LIST,
            (true, false) => &DOC,
            (true, true) => &DOC_LIST,
        }
    }
}

impl RubyParser {
    /// Lines at the margin: section headings, summaries, rerun lines, minitest headers,
    /// Cucumber features. Returns whether the line was consumed.
    fn margin_line(&mut self, trimmed: &str, n: usize, report: &mut Report) -> bool {
        let first = trimmed.as_bytes().first().copied().unwrap_or(0);
        match first {
            b'F' if trimmed == "Failures:" => {
                self.stop_doc(report);
                self.confirm(report);
                self.close_entry(report);
                self.section = Section::Failures;
                return true;
            }
            b'F' | b'T'
                if trimmed.starts_with("Finished in ")
                    || trimmed == "Failed examples:"
                    || (trimmed.starts_with("Top ") && trimmed.contains(" slowest ")) =>
            {
                self.stop_doc(report);
                self.close_entry(report);
                self.section = Section::None;
                return true;
            }
            b'F' if trimmed == "Failure:" => {
                self.close_entry(report);
                self.minitest_header = Some(TestStatus::Failed);
                return true;
            }
            b'E' if trimmed == "Error:" => {
                self.close_entry(report);
                self.minitest_header = Some(TestStatus::Error);
                return true;
            }
            b'P' if trimmed.starts_with("Pending:") => {
                self.stop_doc(report);
                self.confirm(report);
                self.close_entry(report);
                self.section = Section::Pending;
                return true;
            }
            b'F' if trimmed == "Failing Scenarios:" => {
                self.close_scenario(report);
                self.confirm_cucumber(report);
                self.failing_list = true;
                return true;
            }
            b'R' if trimmed.starts_with("Randomized with seed")
                || trimmed.starts_with("Run options:") =>
            {
                self.doc_off = false;
                self.held = None;
                self.clear_groups();
                return true;
            }
            b'r' if trimmed.starts_with("rspec ") => {
                if let Some((path, line, id)) = rerun_line(trimmed) {
                    self.confirm(report);
                    let mut t = TestResult::new(Framework::Ruby, id, TestStatus::Failed, n);
                    t.name = id.to_owned();
                    t.file = Some(path.to_owned());
                    t.line = line;
                    report.test(t);
                    return true;
                }
            }
            b'c' if self.failing_list && trimmed.starts_with("cucumber ") => {
                let rest = trimmed.get("cucumber ".len()..).unwrap_or("");
                let loc = rest.split(" # ").next().unwrap_or(rest).trim();
                if let Some(id) = self.scenarios.get(loc).cloned() {
                    let t = TestResult::new(Framework::Ruby, &id, TestStatus::Failed, n);
                    report.test(t);
                }
                return true;
            }
            _ => {}
        }
        if let Some(status) = self.minitest_header.take() {
            self.close_entry(report);
            if let Some(entry) = minitest_entry(trimmed, status, n) {
                self.entry = Some(entry);
                self.section = Section::Minitest;
                return true;
            }
        }
        if is_scenario_summary(trimmed) {
            self.close_scenario(report);
            self.confirm_cucumber(report);
            self.feature = None;
            return true;
        }
        if is_summary(trimmed) {
            self.stop_doc(report);
            self.confirm(report);
            self.close_entry(report);
            self.section = Section::None;
            return true;
        }
        if let Some((id, status)) = minitest_verbose(trimmed) {
            let mut t = TestResult::new(Framework::Ruby, id, status, n);
            t.name = id.rsplit('#').next().unwrap_or(id).to_owned();
            report.test(t);
            return true;
        }
        if self.section == Section::Minitest {
            // The message of a minitest entry sits at the margin.
            return self.entry_line(trimmed, 0, n, report);
        }
        // A class heading of minitest-reporters' SpecReporter: `FooTest`, `Api::UsersTest`.
        self.minitest_class = (trimmed.starts_with(|c: char| c.is_ascii_uppercase())
            && trimmed.len() <= MAX_ID
            && trimmed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':'))
        .then(|| trimmed.to_owned());
        false
    }

    /// A line of a `Failures:`/`Pending:` entry or of a minitest entry.
    fn entry_line(&mut self, trimmed: &str, indent: usize, n: usize, report: &mut Report) -> bool {
        if matches!(self.section, Section::Failures | Section::Pending)
            && indent >= 2
            && let Some(desc) = numbered(trimmed)
        {
            self.close_entry(report);
            let status = if self.section == Section::Failures {
                TestStatus::Failed
            } else {
                TestStatus::Skipped
            };
            self.entry = Some(Entry::new(desc, status, n));
            return true;
        }
        let Some(entry) = self.entry.as_mut() else {
            return false;
        };
        entry.lines += 1;
        if entry.lines > 400 {
            self.close_entry(report);
            return false;
        }
        let text = trimmed.strip_prefix("# ").unwrap_or(trimmed);
        if let Some((path, l)) = backtrace_line(text) {
            if !is_library(path) && entry.locations.len() < MAX_TEST_LOCATIONS {
                entry.locations.push(location(path, l, n));
            }
            return true;
        }
        if let Some(m) = trimmed.strip_prefix("Failure/Error: ") {
            entry
                .message
                .get_or_insert_with(|| clip(m, MAX_TEXT).to_owned());
        } else if let Some(v) = trimmed.strip_prefix("expected: ") {
            entry
                .expected
                .get_or_insert_with(|| clip(v.trim(), MAX_TEXT).to_owned());
        } else if let Some(v) = trimmed.strip_prefix("got: ") {
            let v = v.strip_suffix(" (using ==)").unwrap_or(v);
            entry
                .actual
                .get_or_insert_with(|| clip(v.trim(), MAX_TEXT).to_owned());
        } else if let Some(v) = trimmed.strip_prefix("Expected: ") {
            entry
                .expected
                .get_or_insert_with(|| clip(v.trim(), MAX_TEXT).to_owned());
        } else if let Some(v) = trimmed.strip_prefix("Actual: ") {
            entry
                .actual
                .get_or_insert_with(|| clip(v.trim(), MAX_TEXT).to_owned());
        } else if entry.message.is_none() {
            entry.message = Some(clip(trimmed, MAX_TEXT).to_owned());
            // SpecReporter: `Minitest::Assertion:         Expected: 1`.
            if let Some((_, v)) = trimmed.split_once(":  ")
                && let Some(v) = v.trim().strip_prefix("Expected: ")
            {
                entry.expected = Some(clip(v.trim(), MAX_TEXT).to_owned());
            }
        }
        true
    }

    fn close_entry(&mut self, report: &mut Report) {
        let Some(e) = self.entry.take() else {
            return;
        };
        if matches!(self.section, Section::Minitest | Section::Spec) {
            self.section = Section::None;
        }
        let mut t = TestResult::new(Framework::Ruby, &e.id, e.status, e.n);
        t.duration_ms = e.duration_ms;
        t.name = e.id.rsplit('#').next().unwrap_or(&e.id).to_owned();
        t.message = e.message;
        t.expected = e.expected;
        t.actual = e.actual;
        let mut locations = e.locations;
        if let Some(h) = e.header_location {
            // minitest failures: the header names the assertion's line.
            if e.status == TestStatus::Failed || locations.is_empty() {
                locations.insert(0, h);
            }
        }
        if e.status == TestStatus::Skipped {
            if let Some(l) = locations.first() {
                t.file = Some(l.path.clone());
                t.line = Some(l.line);
            }
            locations.clear();
        }
        locations.truncate(MAX_TEST_LOCATIONS);
        t.locations = locations;
        report.test(t);
    }

    /// Cucumber lines. Returns whether the line was consumed.
    fn cucumber_line(
        &mut self,
        trimmed: &str,
        indent: usize,
        n: usize,
        report: &mut Report,
    ) -> bool {
        if indent == 0 {
            if let Some((keyword, name)) = gherkin(trimmed, 0)
                && !keyword.contains(' ')
                && !NOT_FEATURES.contains(&keyword)
                && !name.0.is_empty()
                && keyword.chars().all(char::is_alphabetic)
                && !keyword.starts_with(|c: char| c.is_lowercase())
            {
                self.close_scenario(report);
                self.feature = Some(clip(name.0, MAX_ID).to_owned());
                self.held = None;
                self.clear_groups();
                return true;
            }
            return false;
        }
        if self.feature.is_none() {
            return false;
        }
        if indent == 2
            && let Some((keyword, (name, source))) = gherkin(trimmed, 2)
        {
            self.close_scenario(report);
            if BACKGROUNDS.contains(&keyword) || name.is_empty() {
                return true;
            }
            let id = format!("{} › {name}", self.feature.as_deref().unwrap_or(""));
            let file = source.and_then(|s| {
                let (p, l) = s.rsplit_once(':')?;
                Some((p.to_owned(), l.parse().ok()?))
            });
            if file.is_some() {
                self.confirm_cucumber(report);
            }
            if let Some((p, l)) = &file
                && self.scenarios.len() < MAX_SCENARIOS
            {
                self.scenarios
                    .insert(format!("{p}:{l}"), clip(&id, MAX_ID).to_owned());
            }
            self.scenario = Some(Scenario {
                id,
                failed: false,
                locations: Vec::new(),
                message: None,
                n,
                file,
            });
            return true;
        }
        let Some(s) = self.scenario.as_mut() else {
            return indent >= 2;
        };
        if indent >= 6 {
            if let Some((path, l)) = backtrace_line(trimmed) {
                s.failed = true;
                if !is_library(path) && s.locations.len() < MAX_TEST_LOCATIONS {
                    s.locations.push(location(path, l, n));
                }
            } else if s.message.is_none() && !s.failed {
                s.message = Some(clip(trimmed, MAX_TEXT).to_owned());
            }
        }
        true
    }

    fn close_scenario(&mut self, report: &mut Report) {
        let Some(s) = self.scenario.take() else {
            return;
        };
        let status = if s.failed {
            TestStatus::Failed
        } else {
            TestStatus::Passed
        };
        let mut t = TestResult::new(Framework::Ruby, &s.id, status, s.n);
        t.name = s.id.rsplit(" › ").next().unwrap_or(&s.id).to_owned();
        if let Some((p, l)) = s.file {
            t.file = Some(p);
            t.line = Some(l);
        }
        if s.failed {
            t.message = s.message;
            t.locations = s.locations;
        }
        if self.cucumber {
            report.test(t);
        } else if self.tentative_scenarios.len() < MAX_TENTATIVE {
            self.tentative_scenarios.push(t);
        }
    }

    fn confirm_cucumber(&mut self, report: &mut Report) {
        self.cucumber = true;
        for t in self.tentative_scenarios.drain(..) {
            report.test(t);
        }
    }

    /// RSpec documentation format, one line behind. `indent` and `trimmed` are the
    /// line's indentation and trimmed text.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn doc_line(
        &mut self,
        line: &str,
        indent: usize,
        trimmed: &str,
        n: usize,
        report: &mut Report,
    ) {
        if self.doc_off {
            return;
        }
        // Progress dots of a second formatter glued to the line: `.    can be routed`.
        let b = line.as_bytes();
        let (indent, text) = match b.first() {
            Some(b'.' | b'F' | b'*') => {
                let k = b
                    .iter()
                    .position(|c| !matches!(c, b'.' | b'F' | b'*'))
                    .unwrap_or(b.len());
                match line.get(k..) {
                    Some(body) if body.starts_with(' ') => {
                        let at = lead(body);
                        (at, super::trim(body.get(at..).unwrap_or("")))
                    }
                    _ => (indent, trimmed),
                }
            }
            _ => (indent, trimmed),
        };
        if indent % 2 != 0 {
            return;
        }
        if let Some((held_indent, held_n)) = self.held.take() {
            if indent > held_indent {
                self.pop_groups(held_indent);
                if self.groups.len() < MAX_DEPTH {
                    self.groups_gen += 1;
                    self.groups.push((held_indent, self.prefix.len()));
                    self.prefix.push_str(&self.held_text);
                    self.prefix.push(' ');
                }
            } else {
                self.emit_held(held_indent, held_n, report);
            }
        }
        self.held_text.clear();
        self.held_text.push_str(clip(text, MAX_ID));
        self.held = Some((indent, n));
    }

    /// Closes the groups at `indent` or deeper.
    fn pop_groups(&mut self, indent: usize) {
        while let Some(&(i, start)) = self.groups.last()
            && i >= indent
        {
            self.groups.pop();
            self.prefix.truncate(start);
            self.groups_gen += 1;
        }
    }

    fn clear_groups(&mut self) {
        self.groups_gen += 1;
        self.groups.clear();
        self.prefix.clear();
    }

    /// The held line (`held_text`, indented by `indent`, log line `n`) is not a group:
    /// an example when a group is open above it.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    fn emit_held(&mut self, indent: usize, n: usize, report: &mut Report) {
        self.pop_groups(indent);
        if indent < 2 || self.groups.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.held_text);
        self.emit_example(&text, n, report);
        self.held_text = text;
    }

    #[cfg_attr(not(target_family = "wasm"), inline(never))]
    fn emit_example(&mut self, text: &str, n: usize, report: &mut Report) {
        let (title, status) = example_status(text);
        if status != TestStatus::Passed {
            self.confirm(report);
        }
        if !self.confirmed && self.tentative.len() >= MAX_TENTATIVE {
            self.tentative.clear();
            self.clear_groups();
            self.doc_off = true;
            return;
        }
        if !self.confirmed {
            self.tentative
                .push(&self.prefix, self.groups_gen, title, status, n);
            return;
        }
        let mut id = String::with_capacity(self.prefix.len() + title.len());
        id.push_str(&self.prefix);
        id.push_str(title);
        let mut t = TestResult::new(Framework::Ruby, &id, status, n);
        t.name = title.to_owned();
        report.test(t);
    }

    /// A documentation run ended.
    fn stop_doc(&mut self, report: &mut Report) {
        if let Some((indent, n)) = self.held.take() {
            self.emit_held(indent, n, report);
        }
        self.clear_groups();
        self.doc_off = true;
    }

    /// The log is RSpec output: report the examples held so far.
    fn confirm(&mut self, report: &mut Report) {
        self.confirmed = true;
        self.tentative.report(report);
    }
}

/// Documentation examples held until the log shows it is RSpec output. Most logs never
/// do (a Python traceback's indented lines look like examples), so an example costs no
/// allocation here: its id goes into one shared buffer.
#[derive(Debug, Default)]
struct Tentative {
    /// The examples' titles, one after the other.
    titles: String,
    /// The group prefixes of the examples, each stored once for the examples after it
    /// with the same open groups (a traceback's lines share theirs).
    prefixes: String,
    /// The groups' generation `prefixes` ends with (see [`RubyParser::groups_gen`]).
    last_gen: Option<u64>,
    /// Per example: its prefix (start, end) in `prefixes`, the end of its title in
    /// `titles`, status, log line.
    examples: Vec<(usize, usize, usize, TestStatus, usize)>,
}

impl Tentative {
    fn len(&self) -> usize {
        self.examples.len()
    }

    fn clear(&mut self) {
        self.titles.clear();
        self.prefixes.clear();
        self.last_gen = None;
        self.examples.clear();
    }

    /// An example: the groups' texts each followed by a space (`prefix`, of the groups'
    /// `generation`), then its title.
    fn push(&mut self, prefix: &str, generation: u64, title: &str, status: TestStatus, n: usize) {
        if self.last_gen != Some(generation) {
            self.last_gen = Some(generation);
            self.prefixes.push_str(prefix);
        }
        let at = self.prefixes.len() - prefix.len();
        self.titles.push_str(title);
        self.examples
            .push((at, self.prefixes.len(), self.titles.len(), status, n));
    }

    /// Reports the held examples in order, as they would have been when read.
    fn report(&mut self, report: &mut Report) {
        let mut start = 0;
        let mut id = String::new();
        for &(p0, p1, end, status, n) in &self.examples {
            let title = self.titles.get(start..end).unwrap_or("");
            id.clear();
            id.push_str(self.prefixes.get(p0..p1).unwrap_or(""));
            id.push_str(title);
            let mut t = TestResult::new(Framework::Ruby, &id, status, n);
            t.name = title.to_owned();
            report.test(t);
            start = end;
        }
        self.clear();
    }
}

/// `title (FAILED - 1)` / `title (PENDING: reason)` -> (title, status): the last
/// ` (FAILED - ` when the text ends with `)`, else the first ` (PENDING: `.
fn example_status(text: &str) -> (&str, TestStatus) {
    // The markers are found from their `F` and `P`, in one pass: a traceback's
    // indented code lines (`cart.add(Item(...))`) come here, with many `(` but rarely
    // a capital `F` or `P` (a substring search cost a searcher's setup per line).
    let b = text.as_bytes();
    let ends = b.last() == Some(&b')');
    let (mut failed, mut pending) = (None, None);
    for letter in memchr::memchr2_iter(b'F', b'P', b) {
        if letter < 2 || b.get(letter - 2..letter) != Some(&b" ("[..]) {
            continue;
        }
        let at = letter - 1;
        let rest = b.get(at..).unwrap_or(&[]);
        if ends && rest.starts_with(b"(FAILED - ") {
            failed = Some(at);
        } else if pending.is_none() && rest.starts_with(b"(PENDING: ") {
            pending = Some(at);
        }
    }
    match (failed, pending) {
        (Some(at), _) => (text.get(..at - 1).unwrap_or(""), TestStatus::Failed),
        (None, Some(at)) => (text.get(..at - 1).unwrap_or(""), TestStatus::Skipped),
        (None, None) => (text, TestStatus::Passed),
    }
}

/// `line.len() - line.trim_start().len()`, by bytes while they are ASCII (`trim_start`
/// decodes a `char` per step; the documentation reader measures every line it gets).
fn lead(line: &str) -> usize {
    let b = line.as_bytes();
    // Indentation is mostly spaces: eight at a time first.
    let mut at = 0;
    while b.get(at..at + 8) == Some(b"        ") {
        at += 8;
    }
    let at = at
        + b.get(at..)
            .unwrap_or(&[])
            .iter()
            .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
            .unwrap_or(b.len() - at);
    match b.get(at) {
        Some(c) if !c.is_ascii() => line.len() - line.trim_start().len(),
        _ => at,
    }
}

/// `1) Calc adds` -> `Calc adds`.
fn numbered(trimmed: &str) -> Option<&str> {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let rest = trimmed.get(digits..)?.strip_prefix(") ")?;
    let rest = rest.trim();
    (!rest.is_empty()).then_some(rest)
}

/// `N examples, M failures` (RSpec) summary.
fn is_summary(trimmed: &str) -> bool {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && trimmed
            .get(digits..)
            .is_some_and(|r| r.starts_with(" example, ") || r.starts_with(" examples, "))
}

/// Cucumber's `2 scenarios (1 failed, 1 passed)` / `1 scenario (1 passed)`.
fn is_scenario_summary(trimmed: &str) -> bool {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && trimmed
            .get(digits..)
            .is_some_and(|r| r.starts_with(" scenario (") || r.starts_with(" scenarios ("))
}

/// `rspec ./spec/calc_spec.rb:4 # Calc adds` -> (path, Some(4), `Calc adds`); RSpec's
/// example ids `rspec './spec/calc_spec.rb[1:2:1]' # Calc adds` -> (path, None, ...).
fn rerun_line(trimmed: &str) -> Option<(&str, Option<u32>, &str)> {
    let rest = trimmed.strip_prefix("rspec ")?;
    let (loc, id) = rest.split_once(" # ")?;
    let loc = loc.trim().trim_matches('\'');
    let id = id.trim();
    if id.is_empty() {
        return None;
    }
    if let Some((path, scoped)) = loc.split_once('[') {
        return (scoped.ends_with(']') && !path.is_empty()).then_some((path, None, id));
    }
    let (path, line) = loc.rsplit_once(':')?;
    let line: u32 = line.parse().ok()?;
    (!path.is_empty()).then_some((path, Some(line), id))
}

/// A minitest entry header: `Class#test_x [path:line]:` or `Class#test_x:`.
fn minitest_entry(trimmed: &str, status: TestStatus, n: usize) -> Option<Entry> {
    let head = trimmed.strip_suffix(':')?;
    let (id, loc) = match head.rsplit_once(" [") {
        Some((id, loc)) => (id, loc.strip_suffix(']')),
        None => (head, None),
    };
    if !id.contains('#') || id.contains(' ') {
        return None;
    }
    let header_location = loc.and_then(|l| {
        let (p, line) = l.rsplit_once(':')?;
        Some(location(p, line.parse().ok()?, n))
    });
    let mut e = Entry::new(id, status, n);
    e.header_location = header_location;
    Some(e)
}

/// SpecReporter: `test_0001_adds      PASS (0.00s)` -> (name, status, ms).
fn spec_reporter_line(trimmed: &str) -> Option<(&str, TestStatus, Option<u64>)> {
    if !trimmed.ends_with("s)") {
        return None;
    }
    let (head, time) = trimmed.rsplit_once(" (")?;
    let secs = time.strip_suffix("s)")?.parse::<f64>().ok();
    let (name, word) = head.trim_end().rsplit_once(' ')?;
    let status = match word {
        "PASS" => TestStatus::Passed,
        "FAIL" => TestStatus::Failed,
        "ERROR" => TestStatus::Error,
        "SKIP" => TestStatus::Skipped,
        _ => return None,
    };
    let name = name.trim();
    if name.is_empty() || name.contains(' ') {
        return None;
    }
    let ms = secs
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| (s * 1000.0).round() as u64);
    Some((name, status, ms))
}

/// minitest `-v`: `Class#test_x = 0.00 s = .`.
fn minitest_verbose(trimmed: &str) -> Option<(&str, TestStatus)> {
    // Prefilter by the line's ends: `Upper…#… ` first word, ` = X` mark last.
    let b = trimmed.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_uppercase)
        || !matches!(b, [.., b' ', b'=', b' ', b'.' | b'F' | b'E' | b'S'])
        || !b.iter().take_while(|&&c| c != b' ').any(|&c| c == b'#')
    {
        return None;
    }
    let (id, rest) = trimmed.split_once(" = ")?;
    if !id.contains('#') || id.contains(' ') {
        return None;
    }
    let (_, mark) = rest.rsplit_once(" = ")?;
    let status = match mark {
        "." => TestStatus::Passed,
        "F" => TestStatus::Failed,
        "E" => TestStatus::Error,
        "S" => TestStatus::Skipped,
        _ => return None,
    };
    Some((id, status))
}

/// A Gherkin keyword line: `Scenario: name   # features/x.feature:24` ->
/// (`Scenario`, (`name`, Some(`features/x.feature:24`))). A keyword has at most
/// `max_spaces` spaces (2: up to three words; a Feature line takes none).
fn gherkin(trimmed: &str, max_spaces: usize) -> Option<(&str, (&str, Option<&str>))> {
    // Prefilter: keywords start with a letter (`Feature`, `Funcionalidade`, `功能`).
    if !trimmed.starts_with(|c: char| c.is_ascii_uppercase() || !c.is_ascii()) {
        return None;
    }
    // One pass to the first `:`, giving up at the first byte a keyword cannot hold:
    // most log lines (`INFO http: ...`, timestamps) fail within a few bytes.
    let mut spaces = 0;
    let mut colon = None;
    for (i, &b) in trimmed.as_bytes().iter().enumerate() {
        match b {
            b':' => {
                colon = Some(i);
                break;
            }
            b' ' => {
                spaces += 1;
                if spaces > max_spaces {
                    return None;
                }
            }
            b'0'..=b'9'
            | b'/'
            | b'\\'
            | b'.'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'<'
            | b'>'
            | b'\''
            | b'"'
            | b'='
            | b'#'
            | b'@' => return None,
            _ => {}
        }
    }
    let colon = colon?;
    let (keyword, rest) = (trimmed.get(..colon)?, trimmed.get(colon + 1..)?);
    if keyword.is_empty() {
        return None;
    }
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    let (name, source) = match rest.rsplit_once(" # ") {
        Some((name, src)) if src.trim().contains(".feature:") => (name, Some(src.trim())),
        _ => (rest, None),
    };
    Some((keyword, (name.trim(), source)))
}

/// `./spec/x_spec.rb:5:in 'block ...'`, `features/x.feature:24:in ...`,
/// `/path/x.rb:11:in ...` -> (path, line).
fn backtrace_line(text: &str) -> Option<(&str, u32)> {
    let at = text.find(":in ")?;
    let head = &text[..at];
    let (path, line) = head.rsplit_once(':')?;
    let line: u32 = line.parse().ok()?;
    if path.is_empty() || (path.contains(' ') && !path.contains(":\\")) || line == 0 {
        return None;
    }
    Some((path, line))
}

/// Gems and Ruby itself.
fn is_library(path: &str) -> bool {
    let p = path.replace('\\', "/");
    is_internal(&p)
        || p.contains("/gems/")
        || p.contains("/rubygems/")
        || p.starts_with("<internal:")
        || p.contains("/lib/ruby/")
}

fn location(path: &str, line: u32, n: usize) -> FailureLocation {
    FailureLocation {
        path: clip(path, MAX_ID).to_owned(),
        line,
        column: None,
        message: None,
        log_line: Some(n),
        kind: LocationKind::Ruby,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frameworks::analyze;

    fn ruby_tests(log: &str) -> Vec<TestResult> {
        analyze(None, log)
            .tests
            .into_iter()
            .filter(|t| t.framework == Framework::Ruby)
            .collect()
    }

    fn statuses(log: &str) -> Vec<(String, TestStatus)> {
        ruby_tests(log)
            .into_iter()
            .map(|t| (t.id, t.status))
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    const RSPEC: &str = "
Randomized with seed 23507

Calc
  #add
    adds (FAILED - 1)
    adds zero
  #sub
    subtracts (PENDING: Not yet implemented)

Failures:

  1) Calc #add adds
     Failure/Error: expect(add(1, 1)).to eq(3)

       expected: 3
            got: 2

       (compared using ==)
     # /usr/lib/ruby/gems/3.4.0/gems/rspec-expectations-3.13.0/lib/rspec/matchers.rb:9:in 'x'
     # ./spec/calc_spec.rb:5:in 'block (3 levels) in <top (required)>'

Finished in 0.01 seconds (files took 0.1 seconds to load)
3 examples, 1 failure, 1 pending

Failed examples:

rspec ./spec/calc_spec.rb:4 # Calc #add adds
";

    #[test]
    fn rspec_documentation_format_nests_groups_by_indentation() {
        assert_eq!(
            statuses(RSPEC),
            [
                (s("Calc #add adds"), TestStatus::Failed),
                (s("Calc #add adds zero"), TestStatus::Passed),
                (s("Calc #sub subtracts"), TestStatus::Skipped),
            ]
        );
    }

    /// Passed examples are held (one shared buffer) until the summary shows RSpec output,
    /// then reported in order with their full ids, titles and lines.
    #[test]
    fn held_examples_keep_ids_titles_and_lines_until_confirmed() {
        let log = "
Cart
  totals
    sums prices
    applies a discount
  empty
    is zero

Finished in 0.01 seconds (files took 0.1 seconds to load)
3 examples, 0 failures
";
        let got: Vec<(String, String, TestStatus, usize)> = ruby_tests(log)
            .into_iter()
            .map(|t| (t.id, t.name, t.status, t.log_line))
            .collect();
        assert_eq!(
            got,
            [
                (
                    s("Cart totals sums prices"),
                    s("sums prices"),
                    TestStatus::Passed,
                    3
                ),
                (
                    s("Cart totals applies a discount"),
                    s("applies a discount"),
                    TestStatus::Passed,
                    4
                ),
                (s("Cart empty is zero"), s("is zero"), TestStatus::Passed, 6),
            ]
        );
        // Without the summary the log is not RSpec output: nothing is reported.
        let cut = log.replace("3 examples, 0 failures", "");
        assert!(ruby_tests(&cut).is_empty());
    }

    #[test]
    fn rspec_failure_block_gives_message_values_project_frame_and_definition_line() {
        let t = ruby_tests(RSPEC).remove(0);
        let l = &t.locations[0];
        assert_eq!(
            (
                t.message.as_deref(),
                t.expected.as_deref(),
                t.actual.as_deref(),
                l.path.as_str(),
                l.line,
                t.file.as_deref(),
                t.line,
                t.locations.len()
            ),
            (
                Some("expect(add(1, 1)).to eq(3)"),
                Some("3"),
                Some("2"),
                "./spec/calc_spec.rb",
                5,
                Some("./spec/calc_spec.rb"),
                Some(4),
                1
            )
        );
    }

    #[test]
    fn rerun_lines_with_line_numbers_or_example_ids() {
        assert_eq!(
            rerun_line("rspec ./spec/calc_spec.rb:4 # Calc adds"),
            Some(("./spec/calc_spec.rb", Some(4), "Calc adds"))
        );
        assert_eq!(
            rerun_line("rspec './spec/calc_spec.rb[1:2:1]' # Calc adds twice"),
            Some(("./spec/calc_spec.rb", None, "Calc adds twice"))
        );
    }

    #[test]
    fn indented_text_of_other_tools_is_not_taken_for_examples() {
        let log = "Traceback (most recent call last):
  File \"x.py\", line 3, in <module>
    main()
  ValueError
FAILURE: Build failed with an exception.
  Reason: C:\\Users\\a\\src\\Main.java
Turbo: 3 total
  Time: 47.969s
";
        assert_eq!(statuses(log), []);
    }

    #[test]
    fn minitest_entries_numbered_and_rails_style() {
        let log = "Run options: --seed 36592

# Running:

FE

  1) Failure:
PostTest#test_saves [/code/test/models/post_test.rb:58]:
Expected: 1
  Actual: 2

Error:
ArticleTest#test_errors:
NameError: undefined local variable or method 'x'
    test/models/article_test.rb:11:in 'block in <class:ArticleTest>'

2 runs, 1 assertions, 1 failures, 1 errors, 0 skips
";
        let got: Vec<_> = ruby_tests(log)
            .into_iter()
            .map(|t| {
                let l = t.locations.first().map(|l| (l.path.clone(), l.line));
                (t.id, t.status, l, t.expected, t.actual)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    s("PostTest#test_saves"),
                    TestStatus::Failed,
                    Some((s("/code/test/models/post_test.rb"), 58)),
                    Some(s("1")),
                    Some(s("2"))
                ),
                (
                    s("ArticleTest#test_errors"),
                    TestStatus::Error,
                    Some((s("test/models/article_test.rb"), 11)),
                    None,
                    None
                ),
            ]
        );
    }

    #[test]
    fn minitest_reporters_spec_lines_under_their_class() {
        let log = "Started with run options --seed 1234

FooTest
  test_0001_adds                                                  PASS (0.00s)
  test_0002_subs                                                  FAIL (0.01s)
        Minitest::Assertion:         Expected: 1
          Actual: 2
        test/foo_test.rb:12:in `block in <class:FooTest>'

Finished in 0.00123s
2 tests, 2 assertions, 1 failures, 0 errors, 0 skips
";
        let got: Vec<_> = ruby_tests(log)
            .into_iter()
            .map(|t| {
                let l = t.locations.first().map(|l| (l.path.clone(), l.line));
                (t.id, t.status, t.duration_ms, l, t.expected, t.actual)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    s("FooTest#test_0001_adds"),
                    TestStatus::Passed,
                    Some(0),
                    None,
                    None,
                    None
                ),
                (
                    s("FooTest#test_0002_subs"),
                    TestStatus::Failed,
                    Some(10),
                    Some((s("test/foo_test.rb"), 12)),
                    Some(s("1")),
                    Some(s("2"))
                ),
            ]
        );
    }

    #[test]
    fn cucumber_scenarios_in_any_language_with_the_failed_step_location() {
        let log = "# language: pt
Funcionalidade: Acessibilidade

  Contexto: dados   # features/a.feature:3
    Dado algo       # features/step_definitions/a_steps.rb:1

  Cenário: Página inicial       # features/a.feature:8
    Dado que eu estou na página # features/step_definitions/a_steps.rb:31
    Então não deve ter violações # features/step_definitions/a_steps.rb:27
      Found 1 accessibility violation (RSpec::Expectations::ExpectationNotMetError)
      /home/u/.gem/ruby/3.4.0/gems/axe-core-api-4.11.0/lib/axe/rule.rb:45:in 'x'
      ./features/step_definitions/a_steps.rb:28:in '\"não deve ter violações\"'
      features/a.feature:10:in 'não deve ter violações'

  Cenário: Página de login      # features/a.feature:12
    Dado que eu estou na página # features/step_definitions/a_steps.rb:31

Failing Scenarios:
cucumber features/a.feature:8 # Cenário: Página inicial

2 scenarios (1 failed, 1 passed)
";
        let got: Vec<_> = ruby_tests(log)
            .into_iter()
            .map(|t| {
                let l = t.locations.first().map(|l| (l.path.clone(), l.line));
                (t.id, t.status, l, t.line)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    s("Acessibilidade › Página inicial"),
                    TestStatus::Failed,
                    Some((s("./features/step_definitions/a_steps.rb"), 28)),
                    Some(8)
                ),
                (
                    s("Acessibilidade › Página de login"),
                    TestStatus::Passed,
                    None,
                    Some(12)
                ),
            ]
        );
    }
    #[test]
    fn fragments_of_its_formats_in_any_order_never_panic() {
        let pieces = [
            "Failures:",
            "Pending:",
            "  1) ",
            "Calc adds",
            "     Failure/Error: x",
            "expected: 3",
            "got: 2",
            "# ./spec/a_spec.rb:",
            "5",
            ":in 'b'",
            "rspec ./spec/a_spec.rb:4 # Calc adds",
            "3 examples, 1 failure",
            " (FAILED - 1)",
            " (PENDING: x)",
            "  ",
            "    ",
            "Failure:",
            "Error:",
            "A#test_x [a.rb:3]:",
            "A#test_x = 0.1 s = .",
            "Feature: F",
            "  Scenario: S # features/a.feature:3",
            "      ./features/s.rb:2:in 'x'",
            "Failing Scenarios:",
            "cucumber features/a.feature:3",
            "2 scenarios (1 failed)",
            "FooTest",
            "  test_a    FAIL (0.1s)",
            "é",
            ":",
            " ",
        ];
        for log in super::super::testutil::fragment_soups(&pieces, 300) {
            super::super::testutil::assert_sane(&analyze(None, &log));
        }
    }

    /// The marker search of 0439935 (a `memrchr`/`memchr` pass over every `(`): the
    /// one-pass search from `F`/`P` must give what it gave.
    fn example_status_before(text: &str) -> (&str, TestStatus) {
        if memchr::memchr(b'(', text.as_bytes()).is_none() {
            return (text, TestStatus::Passed);
        }
        let b = text.as_bytes();
        let marker = |at: usize, m: &[u8]| {
            at > 0 && b.get(at - 1) == Some(&b' ') && b.get(at..).is_some_and(|r| r.starts_with(m))
        };
        if text.ends_with(')')
            && let Some(at) = memchr::memrchr_iter(b'(', b).find(|&at| marker(at, b"(FAILED - "))
        {
            return (&text[..at - 1], TestStatus::Failed);
        }
        if let Some(at) = memchr::memchr_iter(b'(', b).find(|&at| marker(at, b"(PENDING: ")) {
            return (&text[..at - 1], TestStatus::Skipped);
        }
        (text, TestStatus::Passed)
    }

    #[test]
    fn example_status_finds_the_markers_it_found_before() {
        let cases = [
            "adds (FAILED - 1)",
            "adds (FAILED - 1) (FAILED - 2)",
            "a (PENDING: x) b (FAILED - 3)",
            "a (PENDING: x) b (FAILED - 3) c",
            "a (PENDING: x) (PENDING: y)",
            "(FAILED - 1)",
            " (FAILED - 1)",
            "x(FAILED - 1)",
            "x  (FAILED - 1)",
            "a (F",
            "a (P",
            "a (FAILED -1)",
            "cart.add(Item(\"sku-1\", quantity=2, price=Decimal(\"4.07\")))",
            "Foo (PENDING: Temporarily skipped with xit)",
            "é (FAILED - 2)",
            "F",
            "P",
            "",
            "  (PENDING: )",
            "FP (FAILED - 1)P(P (P",
        ];
        for text in cases {
            assert_eq!(
                example_status(text),
                example_status_before(text),
                "{text:?}"
            );
        }
        assert_eq!(
            example_status("adds (FAILED - 1) (FAILED - 2)"),
            ("adds (FAILED - 1)", TestStatus::Failed)
        );
        assert_eq!(
            example_status("a (PENDING: x) (PENDING: y)"),
            ("a", TestStatus::Skipped)
        );
    }

    proptest::proptest! {
        #[test]
        fn example_status_matches_the_searches_before(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "(", ")", "F", "P", "x", "é", " (", "(FAILED - ", "(PENDING: ",
                    " (FAILED - 1)", " (PENDING: why)", "FAILED", "PENDING: ", "1",
                ]),
                0..10,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(example_status(&text), example_status_before(&text));
        }

        #[test]
        fn lead_is_the_length_trim_start_removes(text in "[ \t\r\u{a0}\u{3000}x\u{85}é]{0,24}") {
            proptest::prop_assert_eq!(lead(&text), text.len() - text.trim_start().len());
        }
    }
}
