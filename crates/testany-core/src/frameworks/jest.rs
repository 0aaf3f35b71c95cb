//! Jest, Vitest and Mocha: one family of JavaScript reporters.
//!
//! - Jest: `PASS`/`FAIL file` headers, the verbose tree (`✓ title (5 ms)`, `✕`, `○ skipped`,
//!   Windows `√`/`×`) under indented describe titles, `● describe › title` failure blocks
//!   with `Expected:`/`Received:`, a code frame and `at fn (file:line:col)` frames.
//!   Ids: `file › describe › title`.
//! - Vitest: the verbose lines (`✓ file > describe > title 5ms`), the default reporter's
//!   per-file tree (`❯ file (3 tests | 1 failed)` then `× describe > title`), the
//!   `FAIL  file > describe > title` failure blocks with `❯ file:line:col` frames.
//!   Ids: `file › describe › title` (Vitest's ` > ` read as Jest's ` › `).
//! - Mocha's spec reporter: indented suites, `✔ title`, `N) title`, `- pending`, then
//!   `N passing` / `N failing` and the numbered failure details (`AssertionError ...`,
//!   `+ expected - actual`, `at Context.<anonymous> (test/a.js:10:5)`). Mocha prints no
//!   file, so ids are `suite › test`. The tree is only trusted once `N passing` closes
//!   it (a test run's own output can look like suite titles), so its tests are held until
//!   then, one entry per test.
//!
//! A failure's location is its first stack frame outside libraries and Node's core, or
//! the frame the code frame (`> 13 |`) points at when the stack shows it.

use std::collections::HashMap;

use super::generic::{FailureLocation, LocationKind, is_internal};
use super::playwright::fix_mojibake;
use super::{Framework, MAX_TEST_LOCATIONS, MAX_TESTS, Parser, Report, TestResult, TestStatus};

/// Lines of failure details read before their block is closed without an end marker.
const MAX_BLOCK_LINES: usize = 2000;

/// Where the tree lines being read belong.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tree {
    None,
    /// Under a Jest `PASS`/`FAIL file` header.
    Jest(String),
    /// Under a Vitest file line (`❯ file (3 tests | 1 failed)`).
    Vitest(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jest,
    Vitest,
    Mocha,
}

/// Which diff notation a failure prints: Mocha's `+ expected - actual` or node's
/// `+ actual - expected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Diff {
    ExpectedPlus,
    ActualPlus,
}

/// A failure's details being read.
#[derive(Debug)]
struct Block {
    kind: Kind,
    id: Option<String>,
    /// Mocha: the title lines after `N) ` until the one ending with `:`.
    mocha_titles: Vec<String>,
    mocha_number: Option<u32>,
    mocha_title_done: bool,
    file: Option<String>,
    start: usize,
    end: usize,
    message: Option<String>,
    expected: Option<String>,
    actual: Option<String>,
    /// From a chai/Vitest message `expected 2 to be 3`, used when no explicit values.
    message_expected: Option<String>,
    message_actual: Option<String>,
    /// `- Expected:` / `+ Received:` with the value on the next line.
    pending: Option<bool>,
    diff: Option<Diff>,
    frames: Vec<FailureLocation>,
    snippet: Option<u32>,
}

impl Block {
    fn new(kind: Kind, id: Option<String>, file: Option<String>, n: usize) -> Self {
        Block {
            kind,
            id,
            mocha_titles: Vec::new(),
            mocha_number: None,
            mocha_title_done: kind != Kind::Mocha,
            file,
            start: n,
            end: n,
            message: None,
            expected: None,
            actual: None,
            message_expected: None,
            message_actual: None,
            pending: None,
            diff: None,
            frames: Vec::new(),
            snippet: None,
        }
    }
}

/// A Mocha test held until `N passing` confirms the tree.
#[derive(Debug)]
struct MochaTest {
    id: String,
    name: String,
    status: TestStatus,
    duration_ms: Option<u64>,
    log_line: usize,
}

/// Reads Jest, Vitest and Mocha reporters from a case log.
#[derive(Debug)]
pub struct JestParser {
    tree: Tree,
    /// Describe/suite titles of the tree being read: (indent, title).
    /// Only the first `suites_len` are current; the rest are buffers kept for reuse
    /// (every indented line of any log may be a title: no allocation per line).
    suites: Vec<(usize, String)>,
    suites_len: usize,
    /// The previous line was empty.
    prev_blank: bool,
    /// Inside a Jest `console.log` block (its lines are not describe titles).
    console: bool,
    block: Option<Block>,
    mocha: Vec<MochaTest>,
    /// Mocha's failure numbers (`3) title`) and the ids they stand for.
    mocha_numbers: HashMap<u32, String>,
    /// After `N failing`: numbered lines are failure details.
    mocha_details: bool,
}

impl Default for JestParser {
    fn default() -> Self {
        JestParser {
            tree: Tree::None,
            suites: Vec::new(),
            suites_len: 0,
            prev_blank: false,
            console: false,
            block: None,
            mocha: Vec::new(),
            mocha_numbers: HashMap::new(),
            mocha_details: false,
        }
    }
}

impl Parser for JestParser {
    fn framework(&self) -> Framework {
        Framework::Jest
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        // Prefilter: what matters starts with a space (trees, blocks, Vitest), `P`/`F`
        // (Jest's PASS/FAIL), `T` (Jest's totals), or lies inside failure details.
        let first = match line.as_bytes().first() {
            Some(&b) => b,
            None => {
                self.blank(n, report);
                return;
            }
        };
        if self.block.is_none() && !matches!(first, b' ' | b'P' | b'F' | b'T') {
            self.prev_blank = false;
            return;
        }
        // Most indented output starts with a letter: a describe or suite title at most,
        // decided before any other work (titles keep their text as printed).
        if first == b' ' && self.block.is_none() {
            let t = line.trim_start_matches(' ');
            if t.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
                let indent = line.len() - t.len();
                let prev_blank = std::mem::replace(&mut self.prev_blank, false);
                if indent >= 2 {
                    self.suite_line(indent, t.trim_end(), n, prev_blank);
                    return;
                }
                self.prev_blank = prev_blank;
            }
        }
        let fixed = fix_mojibake(line);
        self.process(&fixed, n, report);
    }

    fn finish(&mut self, report: &mut Report) {
        self.end_block(report);
    }

    /// Outside failure details and not right after a blank line (which a line at the
    /// margin resets), only indented lines, blank lines and `P`/`F`/`T` at the margin
    /// matter (see the prefilter of `line`).
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const BETWEEN: Interest = Interest {
            top: ByteSet::of(b"PFT"),
            indented: ByteSet::ALL,
            blank: true,
            ..Interest::NONE
        };
        if self.block.is_some() || self.prev_blank {
            return &Interest::ALL;
        }
        &BETWEEN
    }
}

impl JestParser {
    fn blank(&mut self, n: usize, report: &mut Report) {
        self.prev_blank = true;
        if let Some(b) = self.block.as_mut() {
            b.end = n;
            // Mocha's details end with their stack: what follows may be another run.
            if b.kind == Kind::Mocha && !b.frames.is_empty() {
                self.end_block(report);
            }
        }
        if matches!(self.tree, Tree::Vitest(_)) {
            self.tree = Tree::None;
        }
    }

    fn process(&mut self, line: &str, n: usize, report: &mut Report) {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let t = line.get(indent..).unwrap_or("").trim_end();
        if t.is_empty() {
            self.blank(n, report);
            return;
        }
        let prev_blank = std::mem::replace(&mut self.prev_blank, false);
        // Fast path: an indented line starting with a letter outside failure details can
        // only be a describe or suite title.
        if indent >= 2
            && self.block.is_none()
            && t.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        {
            self.suite_line(indent, t, n, prev_blank);
            return;
        }

        // Jest file headers.
        if indent <= 1
            && let Some(rest) = t.strip_prefix("PASS ").or_else(|| t.strip_prefix("FAIL "))
        {
            let rest = rest.trim();
            if !rest.contains(" > ") && !rest.contains(" › ") {
                if let Some(file) = jest_file(rest) {
                    self.end_block(report);
                    self.tree = Tree::Jest(file.to_owned());
                    self.suites_len = 0;
                    self.console = false;
                    return;
                }
            } else if let Some(id) = vitest_id(rest) {
                // Vitest: ` FAIL  file > describe > test` opens a failure block.
                self.end_block(report);
                self.tree = Tree::None;
                let file = strip_project(rest).split(" > ").next().map(str::to_owned);
                self.block = Some(Block::new(Kind::Vitest, Some(id), file, n));
                return;
            }
        }
        if indent == 0 && (t.starts_with("Tests:") || t.starts_with("Test Suites:")) {
            self.end_block(report);
            self.tree = Tree::None;
            return;
        }
        if t.starts_with("⎯⎯") {
            self.end_block(report);
            self.tree = Tree::None;
            return;
        }

        // Jest failure blocks.
        if let Some(title) = t.strip_prefix("● ") {
            self.end_block(report);
            let file = match &self.tree {
                Tree::Jest(f) => Some(f.clone()),
                _ => None,
            };
            self.suites_len = 0;
            let title = title.trim();
            let id = match (&file, title) {
                // Not tests: a suite that did not load, old Jest's console output.
                (_, "Test suite failed to run" | "Console") => None,
                (Some(f), t) => Some(format!("{f} › {t}")),
                (None, t) => Some(t.to_owned()),
            };
            // The tree stays the file's: its next block needs the file too.
            self.block = Some(Block::new(Kind::Jest, id, file, n));
            return;
        }

        // Mocha's summary and failure details.
        if indent == 2
            && let Some(word) = count_word(t)
        {
            match word {
                "passing" => {
                    self.end_block(report);
                    self.flush_mocha(report);
                }
                "failing" => {
                    self.end_block(report);
                    self.flush_mocha(report);
                    self.mocha_details = true;
                }
                _ => {}
            }
            return;
        }
        if self.mocha_details
            && indent == 2
            && let Some((number, title)) = numbered(t)
        {
            self.end_block(report);
            let mut b = Block::new(Kind::Mocha, None, None, n);
            b.mocha_number = Some(number);
            push_mocha_title(&mut b, title);
            self.block = Some(b);
            return;
        }

        // Tree lines with a status glyph.
        if indent >= 1
            && self.block.is_none()
            && let Some((status, rest)) = glyph(t)
            && self.test_line(indent, status, rest, n, report)
        {
            return;
        }

        if self
            .block
            .as_ref()
            .is_some_and(|b| n.saturating_sub(b.start) > MAX_BLOCK_LINES)
        {
            // Failure details are short; a block this long lost its end (a log cut or
            // joined): stop reading every line as part of it.
            self.end_block(report);
        }
        if self.block.is_some() {
            self.block_line(t, n);
            return;
        }

        // Describe/suite titles of a tree.
        self.suite_line(indent, t, n, prev_blank);
    }

    /// A line with a status glyph; returns whether it was a test or a file line.
    fn test_line(
        &mut self,
        indent: usize,
        status: TestStatus,
        rest: &str,
        n: usize,
        report: &mut Report,
    ) -> bool {
        // Vitest file lines: `✓ file (3 tests) 12ms`, `❯ file (14 tests | 7 failed) 280ms`.
        if indent == 1
            && let Some(file) = vitest_file_line(rest)
        {
            self.end_block(report);
            self.tree = Tree::Vitest(file.to_owned());
            self.suites_len = 0;
            return true;
        }
        if indent == 1 && rest.contains(" > ") {
            let (title, duration) = strip_duration(rest);
            let title = strip_project(title);
            if let Some(id) = vitest_id(title) {
                self.end_block(report);
                self.tree = Tree::None;
                let file = title.split(" > ").next().unwrap_or("");
                let name = title.rsplit(" > ").next().unwrap_or(title);
                self.report(report, id, name, Some(file), status, duration, n);
                return true;
            }
        }
        if status == TestStatus::Error {
            // `❯` is a file or a suite with failures (Vitest 4+ nests the tree:
            // `❯ describe (2)` above its tests), never a test.
            if indent >= 2 && matches!(self.tree, Tree::Vitest(_)) {
                let (title, _) = strip_duration(rest);
                let title = match title.rfind(" (") {
                    Some(i)
                        if title.ends_with(')')
                            && title
                                .get(i + 2..title.len() - 1)
                                .is_some_and(|c| number(c).is_some()) =>
                    {
                        title.get(..i).unwrap_or(title)
                    }
                    _ => title,
                };
                self.push_suite(indent, title);
                return true;
            }
            return false;
        }
        match self.tree.clone() {
            Tree::Vitest(file) if indent >= 2 => {
                let (title, duration) = strip_duration(rest);
                let (title, skipped) = match title.strip_suffix(" [skipped]") {
                    Some(t) => (t, true),
                    None => (title, false),
                };
                let status = if skipped { TestStatus::Skipped } else { status };
                // Some versions repeat the file: `× src/a.test.ts > suite > test`.
                let title = title
                    .strip_prefix(file.as_str())
                    .and_then(|t| t.strip_prefix(" > "))
                    .unwrap_or(title);
                let path = self.suite_path(indent);
                let id = if path.is_empty() {
                    format!("{file} › {}", title.replace(" > ", " › "))
                } else {
                    format!("{file} › {path} › {}", title.replace(" > ", " › "))
                };
                let name = title.rsplit(" > ").next().unwrap_or(title);
                self.end_block(report);
                self.report(report, id, name, Some(&file), status, duration, n);
                true
            }
            Tree::Jest(file) if indent >= 2 => {
                self.console = false;
                let (title, duration) = strip_duration(rest);
                let title = title
                    .strip_prefix("skipped ")
                    .or_else(|| title.strip_prefix("todo "))
                    .unwrap_or(title);
                let path = self.suite_path(indent);
                let id = if path.is_empty() {
                    format!("{file} › {title}")
                } else {
                    format!("{file} › {path} › {title}")
                };
                self.end_block(report);
                self.report(report, id, title, Some(&file), status, duration, n);
                true
            }
            Tree::None if indent >= 2 && self.block.is_none() => {
                // A test line after failure details: the next run's tree.
                self.mocha_details = false;
                let (title, duration) = strip_duration(rest);
                self.mocha_test(indent, title, status, duration, n);
                true
            }
            _ => false,
        }
    }

    fn mocha_test(
        &mut self,
        indent: usize,
        title: &str,
        status: TestStatus,
        duration: Option<u64>,
        n: usize,
    ) {
        if self.mocha.len() >= MAX_TESTS {
            return;
        }
        let path = self.suite_path(indent);
        let id = if path.is_empty() {
            title.to_owned()
        } else {
            format!("{path} › {title}")
        };
        self.mocha.push(MochaTest {
            id,
            name: title.to_owned(),
            status,
            duration_ms: duration,
            log_line: n,
        });
    }

    /// Suite and describe titles, and Mocha's numbered (failed) tests.
    /// `prev_blank`: the line before was empty (Mocha prints one before each top-level
    /// suite, so an indented line of other output is not taken for one).
    fn suite_line(&mut self, indent: usize, t: &str, n: usize, prev_blank: bool) {
        if indent < 2 {
            return;
        }
        match &self.tree {
            Tree::Jest(_) => {
                if t.starts_with("console.") {
                    self.console = true;
                    return;
                }
                if self.console || !looks_like_title(t) {
                    return;
                }
            }
            Tree::Vitest(_) => return,
            Tree::None => {
                if let Some((number, title)) = numbered(t) {
                    let before = self.mocha.len();
                    let (title, duration) = strip_duration(title);
                    self.mocha_test(indent, title, TestStatus::Failed, duration, n);
                    if self.mocha.len() > before
                        && let Some(m) = self.mocha.last()
                        && self.mocha_numbers.len() < MAX_TESTS
                    {
                        self.mocha_numbers.insert(number, m.id.clone());
                    }
                    return;
                }
                let nested =
                    self.suites_len > 0 && self.suites.first().is_some_and(|(i, _)| *i < indent);
                let top = indent == 2 && prev_blank;
                if !(top || nested) || !looks_like_title(t) {
                    return;
                }
                if top {
                    // A new top-level suite: any failure details before were a run's end.
                    self.mocha_details = false;
                }
            }
        }
        self.push_suite(indent, t);
    }

    /// `t` becomes the title at `indent`, below the titles less indented.
    fn push_suite(&mut self, indent: usize, t: &str) {
        let keep = self
            .suites
            .iter()
            .take(self.suites_len)
            .take_while(|(i, _)| *i < indent)
            .count();
        if keep >= 64 {
            return;
        }
        match self.suites.get_mut(keep) {
            Some(slot) => {
                slot.0 = indent;
                slot.1.clear();
                slot.1.push_str(t);
            }
            None => self.suites.push((indent, t.to_owned())),
        }
        self.suites_len = keep + 1;
    }

    /// The describe titles above a test at `indent`, joined with ` › `.
    fn suite_path(&self, indent: usize) -> String {
        let mut path = String::new();
        for (i, title) in self.suites.iter().take(self.suites_len) {
            if *i >= indent {
                break;
            }
            if !path.is_empty() {
                path.push_str(" › ");
            }
            path.push_str(title);
        }
        path
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        report: &mut Report,
        id: String,
        name: &str,
        file: Option<&str>,
        status: TestStatus,
        duration: Option<u64>,
        n: usize,
    ) {
        report.test(TestResult {
            name: name.to_owned(),
            file: file.map(str::to_owned),
            duration_ms: duration,
            ..TestResult::new(Framework::Jest, &id, status, n)
        });
    }

    fn block_line(&mut self, t: &str, n: usize) {
        let Some(b) = self.block.as_mut() else {
            return;
        };
        b.end = n;
        if !b.mocha_title_done {
            push_mocha_title(b, t);
            return;
        }
        // Frames: `at fn (file:1:2)`, Vitest `❯ file:1:2` / `❯ fn file:1:2`.
        let frame = t
            .strip_prefix("at ")
            .and_then(parse_frame)
            .or_else(|| t.strip_prefix("❯ ").and_then(parse_vitest_frame));
        if let Some((path, line, col)) = frame {
            if !is_internal(path) && b.frames.len() < MAX_TEST_LOCATIONS {
                b.frames.push(FailureLocation {
                    path: path.to_owned(),
                    line,
                    column: col,
                    message: None,
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
        if code_frame_line(t).is_some() || t.starts_with('|') {
            return;
        }
        if let Some(expected) = b.pending.take() {
            if expected {
                b.expected.get_or_insert_with(|| t.to_owned());
            } else {
                b.actual.get_or_insert_with(|| t.to_owned());
            }
            return;
        }
        // Diff headers.
        match t {
            "+ expected - actual" => {
                b.diff = Some(Diff::ExpectedPlus);
                return;
            }
            "+ actual - expected" => {
                b.diff = Some(Diff::ActualPlus);
                return;
            }
            _ => {}
        }
        for (label, expected) in [("- Expected", true), ("+ Received", false)] {
            if let Some(rest) = t.strip_prefix(label) {
                if let Some(v) = rest.strip_prefix(':') {
                    let v = v.trim();
                    if v.is_empty() {
                        b.pending = Some(expected);
                    } else if expected {
                        b.expected.get_or_insert_with(|| v.to_owned());
                    } else {
                        b.actual.get_or_insert_with(|| v.to_owned());
                    }
                }
                return;
            }
        }
        if let Some(d) = b.diff
            && let Some(sign) = t.chars().next()
            && matches!(sign, '+' | '-')
        {
            let value = t.get(1..).unwrap_or("").trim();
            let is_expected = (sign == '+') == (d == Diff::ExpectedPlus);
            if !value.is_empty() {
                if is_expected {
                    b.expected.get_or_insert_with(|| value.to_owned());
                } else {
                    b.actual.get_or_insert_with(|| value.to_owned());
                }
            }
            return;
        }
        if b.expected.is_none()
            && let Some(v) = labelled_value(t, "Expected")
        {
            b.expected = Some(v.to_owned());
            return;
        }
        if b.actual.is_none()
            && let Some(v) = labelled_value(t, "Received")
        {
            b.actual = Some(v.to_owned());
            return;
        }
        let is_message = b.message.is_none();
        if is_message {
            b.message = Some(t.to_owned());
        }
        // chai and Vitest messages: `expected 2 to equal 3`, `AssertionError: expected ...`
        // (looked for only where such a message can start: cheap for other lines).
        if b.message_expected.is_none()
            && (is_message || t.starts_with("expected "))
            && let Some((actual, expected)) = chai_values(t)
        {
            b.message_actual = Some(actual.to_owned());
            b.message_expected = Some(expected.to_owned());
        }
    }

    fn end_block(&mut self, report: &mut Report) {
        let Some(mut b) = self.block.take() else {
            return;
        };
        let id = match (b.kind, b.id.take()) {
            (_, Some(id)) => id,
            (Kind::Mocha, None) => {
                let by_number = b.mocha_number.and_then(|k| self.mocha_numbers.get(&k));
                match by_number {
                    Some(id) => id.clone(),
                    None if !b.mocha_titles.is_empty() => b.mocha_titles.join(" › "),
                    None => return,
                }
            }
            _ => return,
        };
        let mut locations = Vec::new();
        let marked = b
            .snippet
            .and_then(|line| b.frames.iter().position(|f| f.line == line));
        if let Some(i) = marked {
            locations.push(b.frames.remove(i));
        }
        locations.append(&mut b.frames);
        if locations.is_empty()
            && let (Some(line), Some(file)) = (b.snippet, b.file.as_ref())
        {
            locations.push(FailureLocation {
                path: file.clone(),
                line,
                column: None,
                message: None,
                log_line: Some(b.start),
                kind: LocationKind::Node,
            });
        }
        for l in &mut locations {
            l.message.clone_from(&b.message);
        }
        let name = id.rsplit(" › ").next().unwrap_or(&id).to_owned();
        let file = match b.kind {
            Kind::Mocha => None,
            _ => b.file.clone(),
        };
        let expected = b.expected.or(b.message_expected);
        let actual = b.actual.or(b.message_actual);
        let test = TestResult {
            name,
            file,
            message: b.message,
            expected,
            actual,
            locations,
            failure_lines: Some((b.start, b.end)),
            ..TestResult::new(Framework::Jest, &id, TestStatus::Failed, b.start)
        };
        report.test(test);
    }

    /// Reports the held Mocha tests (at `N passing` or the end of the log).
    fn flush_mocha(&mut self, report: &mut Report) {
        for m in std::mem::take(&mut self.mocha) {
            report.test(TestResult {
                name: m.name,
                duration_ms: m.duration_ms,
                ..TestResult::new(Framework::Jest, &m.id, m.status, m.log_line)
            });
        }
        self.suites_len = 0;
    }
}

fn push_mocha_title(b: &mut Block, t: &str) {
    let t = t.trim();
    if let Some(last) = t.strip_suffix(':') {
        b.mocha_titles.push(last.to_owned());
        b.mocha_title_done = true;
    } else if b.mocha_titles.len() < 64 {
        b.mocha_titles.push(t.to_owned());
    }
    if b.mocha_titles.len() >= 64 {
        b.mocha_title_done = true;
    }
}

/// A status glyph and the text after it.
fn glyph(t: &str) -> Option<(TestStatus, &str)> {
    const GLYPHS: &[(&str, TestStatus)] = &[
        ("✓ ", TestStatus::Passed),
        ("✔ ", TestStatus::Passed),
        ("√ ", TestStatus::Passed),
        ("✕ ", TestStatus::Failed),
        ("✗ ", TestStatus::Failed),
        ("× ", TestStatus::Failed),
        ("✖ ", TestStatus::Failed),
        ("○ ", TestStatus::Skipped),
        ("↓ ", TestStatus::Skipped),
        ("✎ ", TestStatus::Skipped),
        ("- ", TestStatus::Skipped),
        // A Vitest file with failures; never a test (see `test_line`).
        ("❯ ", TestStatus::Error),
    ];
    GLYPHS
        .iter()
        .find_map(|(g, s)| Some((*s, t.strip_prefix(g)?.trim_start())))
        .filter(|(_, rest)| !rest.is_empty())
}

/// `3) title` -> (3, `title`).
fn numbered(t: &str) -> Option<(u32, &str)> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let number = t.get(..digits)?;
    if number.is_empty() || number.len() > 9 {
        return None;
    }
    let rest = t.get(digits..)?.strip_prefix(") ")?.trim();
    if rest.is_empty() {
        return None;
    }
    Some((number.parse().ok()?, rest))
}

/// `17 passing (348ms)`, `7 failing`, `1 pending` -> the word.
fn count_word(t: &str) -> Option<&str> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = t.get(digits..)?.strip_prefix(' ')?;
    let word = rest.split(' ').next()?;
    let tail = rest.get(word.len()..)?.trim();
    let ok = matches!(word, "passing" | "failing" | "pending")
        && (tail.is_empty() || (tail.starts_with('(') && tail.ends_with(')')));
    ok.then_some(word)
}

/// Not a describe title: data a test printed (`key: [`, `'quoted' +`, `}`).
fn looks_like_title(t: &str) -> bool {
    let Some(last) = t.chars().last() else {
        return false;
    };
    let Some(first) = t.chars().next() else {
        return false;
    };
    !matches!(last, '{' | '[' | '(' | ',' | '+' | ';' | ':' | '}' | ']')
        && !matches!(
            first,
            '\'' | '"' | '}' | ']' | '{' | '[' | '<' | '|' | '-' | '+' | '^' | '→'
        )
        && !t.starts_with("at ")
        && !t.starts_with("> ")
        && code_frame_line(t).is_none()
}

/// `src/a.test.ts (5.2 s)` -> `src/a.test.ts`.
fn jest_file(rest: &str) -> Option<&str> {
    // A project's display name stands between `PASS` and the path: `PASS  unit  a.test.ts`.
    let rest = match rest.rfind("  ") {
        Some(i) => rest.get(i + 2..)?.trim_start(),
        None => rest,
    };
    let file = match rest.rfind(" (") {
        Some(i) if rest.ends_with(')') => rest.get(..i)?,
        _ => rest,
    };
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    // Vitest's ` FAIL  src/a.test.ts [ src/a.test.ts ]` is a file that failed to load.
    if file.contains(" [") {
        return None;
    }
    (name.contains('.') && !file.contains(' ')
        || name.contains(".test.")
        || name.contains(".spec."))
    .then_some(file)
}

/// `file > describe > test` -> `file › describe › test` when the first part is a file.
fn vitest_id(rest: &str) -> Option<String> {
    let rest = strip_project(rest.trim());
    let (file, _) = rest.split_once(" > ")?;
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    if !name.contains('.') || file.contains(' ') {
        return None;
    }
    Some(rest.replace(" > ", " › "))
}

/// Vitest workspaces name the project first: `|unit| src/a.test.ts > t`.
fn strip_project(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix('|')
        && let Some(close) = rest.find("| ")
    {
        return rest.get(close + 2..).unwrap_or(s).trim_start();
    }
    s
}

/// `file (3 tests) 12ms`, `file (14 tests | 7 failed) 280ms` -> `file`.
fn vitest_file_line(rest: &str) -> Option<&str> {
    let rest = strip_project(rest);
    let open = rest.find(" (")?;
    let file = rest.get(..open)?.trim_end();
    let inner = rest.get(open + 2..)?;
    let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
    let after = inner.get(digits..)?;
    if digits == 0 || !(after.starts_with(" test)") || after.starts_with(" tests")) {
        return None;
    }
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.contains('.').then_some(file)
}

/// A title without its duration: Jest `(5 ms)`, Mocha `(218ms)`, Vitest `160ms`.
fn strip_duration(rest: &str) -> (&str, Option<u64>) {
    let rest = rest.trim_end();
    if rest.ends_with(')')
        && let Some(open) = memchr::memrchr(b'(', rest.as_bytes())
        && let Some(inner) = rest.get(open + 1..).and_then(|s| s.strip_suffix(')'))
        && let Some(ms) = parse_duration(inner)
    {
        return (rest.get(..open).unwrap_or(rest).trim_end(), Some(ms));
    }
    if let Some(sp) = rest.rfind(' ')
        && let Some(ms) = rest.get(sp + 1..).and_then(parse_duration)
    {
        return (rest.get(..sp).unwrap_or(rest).trim_end(), Some(ms));
    }
    (rest, None)
}

/// `5 ms`, `218ms`, `1.2s`, `4.014 s` in milliseconds.
fn parse_duration(s: &str) -> Option<u64> {
    let split = s.bytes().position(|b| !(b.is_ascii_digit() || b == b'.'))?;
    let (num, unit) = s.split_at(split);
    if num.is_empty() || num.len() > 12 {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let factor = match unit.trim_start() {
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    let ms = (value * factor).round();
    (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}

/// `fn (path:l:c)` or `path:l:c` after `at `.
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
    path_line(inner)
}

/// Vitest's `❯ file:l:c` or `❯ fn file:l:c`.
fn parse_vitest_frame(rest: &str) -> Option<(&str, u32, Option<u32>)> {
    let rest = rest.trim();
    let loc = rest.rsplit(' ').next().unwrap_or(rest);
    path_line(loc)
}

fn path_line(inner: &str) -> Option<(&str, u32, Option<u32>)> {
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
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if line == 0
        || path.is_empty()
        || path.trim() != path
        || !name.contains('.')
        || name.starts_with('<')
    {
        return None;
    }
    Some((path, line, col))
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `13 |` (after a code frame's `>`), `137|` (Vitest), or a whole unmarked frame line.
fn code_frame_line(s: &str) -> Option<u32> {
    let s = s.trim_start();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let num = number(s.get(..digits)?)?;
    s.get(digits..)?
        .trim_start()
        .starts_with('|')
        .then_some(num)
}

/// `Expected: 3`, `Received:   2`, `Expected value: x` -> the value.
fn labelled_value<'a>(t: &'a str, label: &str) -> Option<&'a str> {
    let rest = t.strip_prefix(label)?;
    let colon = rest.find(':')?;
    let between = rest.get(..colon)?;
    if between.len() > 20 || between.contains(['(', ')']) {
        return None;
    }
    let value = rest.get(colon + 1..).unwrap_or("").trim();
    (!value.is_empty()).then_some(value)
}

/// chai and Vitest: `expected 2 to equal 3`, `AssertionError: expected 200 to be 403 //
/// Object.is equality` -> (actual, expected).
fn chai_values(t: &str) -> Option<(&str, &str)> {
    let at = t.find("expected ")?;
    if at > 0 && !t.get(..at)?.ends_with(": ") {
        return None;
    }
    let rest = t.get(at + "expected ".len()..)?;
    let rest = rest.split(" // ").next().unwrap_or(rest);
    for verb in [
        " to deeply equal ",
        " to strictly equal ",
        " to equal ",
        " to be ",
    ] {
        if let Some((actual, expected)) = rest.split_once(verb) {
            let (actual, expected) = (actual.trim(), expected.trim());
            if !actual.is_empty() && !expected.is_empty() {
                return Some((actual, expected));
            }
        }
    }
    None
}

// Node stack frames, as the location extractor (`super::extract`) reads them in any log
// (Jest, Vitest, Mocha, Playwright, Newman's scripts).

/// The location of a Node frame after its `at `: `fn (/path/file.ts:17:11)` or
/// `/path/file.js:10:5`, a `file://` or `webpack://` scheme removed. Inside the
/// parentheses a path may hold spaces and parentheses of its own
/// (`(spec/ultest a.test.ts:4:20)`, `(/w/my project (copy)/a.js:1:2)`).
pub(crate) fn node_frame(rest: &str) -> Option<super::generic::PathLine<'_>> {
    use super::generic::{matching_open, parse_path_line_with, strip_scheme};
    let (inner, spaced) = match matching_open(rest) {
        Some(open) => (rest.get(open + 1..rest.len() - 1).unwrap_or(""), true),
        None => (rest.split_whitespace().next().unwrap_or(""), false),
    };
    parse_path_line_with(strip_scheme(inner), spaced).filter(|loc| loc.tail.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, statuses};
    use super::*;

    fn run(log: &str) -> Vec<TestResult> {
        testutil::run::<JestParser>(log)
    }

    fn at(tests: &[TestResult], i: usize) -> Vec<(&str, u32)> {
        tests
            .get(i)
            .map(|t| {
                t.locations
                    .iter()
                    .map(|l| (l.path.as_str(), l.line))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn jest_verbose_tree_and_failure_block() {
        let log = "\
FAIL spec/ultest a.test.ts (5.2 s)
  cart
    totals
      ✓ sums (5 ms)
      ✕ rounds (3 ms)
    ○ skipped later
  ✓ top level

  ● cart › totals › rounds

    expect(received).toBe(expected) // Object.is equality

    Expected: 3
    Received: 2

      3 | test('rounds', () => {
    > 4 |   expect(round(2.4)).toBe(3);
        |                      ^
      5 | });

      at Object.<anonymous> (spec/ultest a.test.ts:4:20)

Tests:       1 failed, 1 skipped, 2 passed, 4 total
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                (
                    "spec/ultest a.test.ts › cart › totals › sums",
                    TestStatus::Passed
                ),
                (
                    "spec/ultest a.test.ts › cart › totals › rounds",
                    TestStatus::Failed
                ),
                ("spec/ultest a.test.ts › cart › later", TestStatus::Skipped),
                ("spec/ultest a.test.ts › top level", TestStatus::Passed),
            ]
        );
        let msg = "expect(received).toBe(expected) // Object.is equality";
        assert_eq!(
            tests[1],
            TestResult {
                framework: Framework::Jest,
                id: "spec/ultest a.test.ts › cart › totals › rounds".into(),
                name: "rounds".into(),
                file: Some("spec/ultest a.test.ts".into()),
                line: None,
                status: TestStatus::Failed,
                duration_ms: Some(3),
                message: Some(msg.into()),
                expected: Some("3".into()),
                actual: Some("2".into()),
                locations: vec![FailureLocation {
                    path: "spec/ultest a.test.ts".into(),
                    line: 4,
                    column: Some(20),
                    message: Some(msg.into()),
                    log_line: Some(20),
                    kind: LocationKind::Node,
                }],
                failure_lines: Some((8, 21)),
                log_line: 4,
            }
        );
    }

    #[test]
    fn jest_windows_glyphs_console_blocks_and_library_frames() {
        let log = "
  console.log
    file created!

      at SaveFile.execute (src/save-file.ts:26:21)

FAIL src/save-file.test.ts
  SaveFile
    × saves with defaults (25 ms)
    √ saves with options (5 ms)

  ● SaveFile › saves with defaults

    ENOENT: no such file or directory, open 'C:\\Users\\me\\CURSOS DEV\\out\\table.txt'

      at Object.openSync (node:fs:573:18)
      at Object.readFileSync (node_modules/graceful-fs/polyfills.js:30:9)
      at Object.<anonymous> (src/save-file.test.ts:28:32)

Test Suites: 1 failed, 1 total
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                (
                    "src/save-file.test.ts › SaveFile › saves with defaults",
                    TestStatus::Failed
                ),
                (
                    "src/save-file.test.ts › SaveFile › saves with options",
                    TestStatus::Passed
                ),
            ]
        );
        assert_eq!(at(&tests, 0), [("src/save-file.test.ts", 28)]);
    }

    #[test]
    fn vitest_verbose_mojibake_and_failure_block() {
        let log = "
 RUN  v1.6.1 C:/Users/celso/adorn-api

 Ô£ô tests/crud.test.ts > CRUD > creates 12ms
 ├ù tests/crud.test.ts > CRUD > builds schema
   ÔåÆ Cannot read properties of undefined (reading 'name')

ÔÄ»ÔÄ»ÔÄ»ÔÄ» Failed Tests 1 ÔÄ»ÔÄ»ÔÄ»ÔÄ»

 FAIL  tests/crud.test.ts > CRUD > builds schema
TypeError: Cannot read properties of undefined (reading 'name')
 ÔØ» tests/crud.test.ts:137:33
    135|         const params = spec.paths['/tasks/{id}'].get.parameters;
    137|         expect(params[0].name).toBe('id');
       |                                 ^

ÔÄ»ÔÄ»ÔÄ»ÔÄ»ÔÄ»ÔÄ»ÔÄ»ÔÄ»[1/1]ÔÄ»

 Test Files  1 failed (1)
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                ("tests/crud.test.ts › CRUD › creates", TestStatus::Passed),
                (
                    "tests/crud.test.ts › CRUD › builds schema",
                    TestStatus::Failed
                ),
            ]
        );
        assert_eq!(tests[0].duration_ms, Some(12));
        assert_eq!(at(&tests, 1), [("tests/crud.test.ts", 137)]);
        assert_eq!(
            tests[1].message.as_deref(),
            Some("TypeError: Cannot read properties of undefined (reading 'name')")
        );
    }

    #[test]
    fn vitest_tree_summary_and_expected_on_next_line() {
        let log = "
 ❯ test/loop.test.ts (3 tests | 1 failed) 280ms
   × Loop — lifecycle > starts idle 160ms
     → expected undefined to be 'idle' // Object.is equality
   ✓ Loop — lifecycle > stops 8ms
   ↓ Loop > later [skipped]
 ✓ test/cli.test.ts (1 test) 42ms

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  test/loop.test.ts > Loop — lifecycle > starts idle
AssertionError: expected undefined to be 'idle' // Object.is equality

- Expected: 
\"idle\"

+ Received: 
undefined

 ❯ test/loop.test.ts:105:38
    105|       expect(loop.getState().status).toBe('idle');

⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯[1/1]⎯
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                (
                    "test/loop.test.ts › Loop — lifecycle › starts idle",
                    TestStatus::Failed
                ),
                (
                    "test/loop.test.ts › Loop — lifecycle › stops",
                    TestStatus::Passed
                ),
                ("test/loop.test.ts › Loop › later", TestStatus::Skipped),
            ]
        );
        let t = &tests[0];
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("\"idle\""), Some("undefined"))
        );
        assert_eq!(at(&tests, 0), [("test/loop.test.ts", 105)]);
    }

    #[test]
    fn mocha_spec_reporter_with_details_diffs_and_old_node_frames() {
        let log = "

  Cart
[2026-02-08T08:56:22.236Z] [INFO] started
    totals
      ✔ sums (218ms)
      1) rounds
    - later

  Api
    2) fetches

  1 passing (348ms)
  2 failing
  1 pending

  1) Cart
       totals
         rounds:

      AssertionError: expected 2 to equal 3
      + expected - actual

      -2
      +3
      
      at Context.<anonymous> (test/cart.js:10:5)

  2) Api
       fetches:
     AssertionError [ERR_ASSERTION]: false == true
      at Object.<anonymous>.exports.ok (assert.js:86:5)
      at Module._compile (module.js:460:26)
      at Context.<anonymous> (test/api.js:7:12)
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                ("Cart › totals › sums", TestStatus::Passed),
                ("Cart › totals › rounds", TestStatus::Failed),
                ("Cart › later", TestStatus::Skipped),
                ("Api › fetches", TestStatus::Failed),
            ]
        );
        let t = &tests[1];
        assert_eq!(
            (
                t.message.as_deref(),
                t.expected.as_deref(),
                t.actual.as_deref()
            ),
            (
                Some("AssertionError: expected 2 to equal 3"),
                Some("3"),
                Some("2")
            )
        );
        assert_eq!(at(&tests, 1), [("test/cart.js", 10)]);
        assert_eq!(at(&tests, 3), [("test/api.js", 7)]);
    }

    #[test]
    fn two_mocha_runs_in_one_log() {
        let log = "

  A
    1) fails

  0 passing (1ms)
  1 failing

  1) A
       fails:
     Error: boom
      at Context.<anonymous> (test/a.js:3:9)

> second package

  B
    ✔ works
    2) breaks

  1 passing (2ms)
  1 failing
";
        assert_eq!(
            statuses(&run(log)),
            [
                ("A › fails", TestStatus::Failed),
                ("B › works", TestStatus::Passed),
                ("B › breaks", TestStatus::Failed),
            ]
        );
    }

    #[test]
    fn mocha_trees_need_their_summary_and_data_is_not_a_suite() {
        // Without `N passing` nothing is trusted (other tools indent lines too).
        assert_eq!(
            run("  Suite\n    ✔ works\n      - waiting for locator\n"),
            []
        );
        let log = "
  Core
    edge cases
An input selector returned a different result.
  arguments: [Arguments] {
    '0': { timestamp: 1752731765346 }
  },
  stack: 'Error\\n' +
      ✔ handles empty files

  1 passing (10ms)
";
        assert_eq!(
            statuses(&run(log)),
            [(
                "Core › edge cases › handles empty files",
                TestStatus::Passed
            )]
        );
    }

    #[test]
    fn variants_console_blocks_display_names_and_vitest_projects() {
        let log = "
PASS  unit  src/a.test.ts (5.2 s)
  ✓ adds (2 ms)

  ● Console

    console.log src/a.js:3
      hello

 ✓ |api| test/b.test.ts  (2 tests) 5ms
 ❯ |api| test/c.test.ts  (2 tests | 1 failed) 9ms
   × test/c.test.ts > parse > rejects 3ms
 FAIL  |api| test/c.test.ts > parse > rejects
Error: boom
 ❯ test/c.test.ts:4:9
";
        let tests = run(log);
        assert_eq!(
            statuses(&tests),
            [
                ("src/a.test.ts › adds", TestStatus::Passed),
                ("test/c.test.ts › parse › rejects", TestStatus::Failed),
            ]
        );
        assert_eq!(at(&tests, 1), [("test/c.test.ts", 4)]);
    }

    #[test]
    fn vitest_nested_tree() {
        let log = "
 ❯ src/simulate.test.ts (9 tests | 1 failed) 56ms
   ❯ employer match (1)
     × caps the raw match 6ms
 ❯ tests/form.test.tsx (4 tests | 1 failed) 447ms
     × renders the form 110ms

 FAIL  src/simulate.test.ts > employer match > caps the raw match
";
        assert_eq!(
            statuses(&run(log)),
            [
                (
                    "src/simulate.test.ts › employer match › caps the raw match",
                    TestStatus::Failed
                ),
                ("tests/form.test.tsx › renders the form", TestStatus::Failed),
            ]
        );
    }

    #[test]
    fn vitest_file_that_failed_to_load_is_no_jest_header() {
        let log = " FAIL  src/a.test.ts [ src/a.test.ts ]\n  ✓ not a test of a file\n";
        assert_eq!(run(log), []);
    }

    #[test]
    fn helpers() {
        assert_eq!(strip_duration("sums (5 ms)"), ("sums", Some(5)));
        assert_eq!(strip_duration("exits  2241ms"), ("exits", Some(2241)));
        assert_eq!(
            strip_duration("Full flow (2 players)"),
            ("Full flow (2 players)", None)
        );
        assert_eq!(
            chai_values("AssertionError: expected 200 to be 403 // Object.is equality"),
            Some(("200", "403"))
        );
        assert_eq!(chai_values("the expected value"), None);
        assert_eq!(count_word("7 failing"), Some("failing"));
        assert_eq!(count_word("3 passed (2s)"), None);
    }
}
