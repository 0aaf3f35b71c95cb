//! PHPUnit.
//!
//! Read here: the default result printer's sections (`There was 1 failure:`,
//! `There were 2 errors:`, `There was 1 skipped test:`, `incomplete`), their numbered
//! entries `1) Ns\FooTest::testX` (with `with data set #1 (...)` / `"name" (...)`), the
//! message, `--- Expected` / `+++ Actual` diffs and the trace of `/path/FooTest.php:42`
//! lines below each; `--testdox` (`Foo (Ns\Foo)` then ` ✔ Name` / ` ✘ Name` / ` ↩ Name`
//! with `│`-prefixed details); and `--debug` lines (`Test 'Ns\FooTest::testX' started`,
//! PHPUnit 10's `Test Passed (Ns\FooTest::testX)`).
//!
//! Ids are `Class::method` as printed, plus ` with data set "name"` / `#1` without the
//! data set's values. The first trace line outside `vendor/` is the failure location
//! (PHPUnit prints its trace innermost first and already filtered of its own frames).

use super::generic::{FailureLocation, LocationKind};
use super::{Framework, Parser, Report, TestResult, TestStatus, clip};

const MAX_BLOCK_LINES: usize = 400;
const MAX_MESSAGE_LINES: usize = 24;
const MAX_DIFF_LINES: usize = 200;

/// Reads PHPUnit from a case log.
#[derive(Debug, Default)]
pub struct PhpunitParser {
    /// Status of the entries of the current `There was ...` section.
    section: Option<TestStatus>,
    block: Option<Block>,
    /// `--testdox`: the class of the current group (`Foo (Ns\Foo)` -> `Ns\Foo`).
    testdox_class: Option<String>,
    /// A line shaped like a testdox heading, taken as one only when the next non-blank
    /// line is a test line in PHPUnit's shape: a runner's `Running with x 3.1 (a1b2c3d4)`
    /// is not one (issue 14).
    pending_class: Option<String>,
    /// Collision (`php artisan test`, Pest): the class of the last `PASS  Ns\FooTest`.
    collision_class: Option<String>,
}

#[derive(Debug)]
struct Block {
    id: String,
    lines: usize,
    message: Vec<String>,
    /// `--- Expected` / `+++ Actual` diff being read: (expected lines, actual lines).
    diff: Option<(Vec<String>, Vec<String>)>,
    locations: Vec<FailureLocation>,
    /// Details carry testdox's `│` margin.
    testdox: bool,
}

impl Parser for PhpunitParser {
    fn framework(&self) -> Framework {
        Framework::Phpunit
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        // Outside sections, blocks and a pending heading, a line at the margin that does
        // not start like a heading, a summary, Collision, a testdox glyph or `--debug`
        // (an ASCII byte but `TFOEWP` and whitespace) can only be a testdox group
        // `Foo (Ns\Foo)`, and only when it ends with `)`: the gate gives this module
        // every such line (most of a pytest log's captured output), so they are told
        // apart before the line is trimmed and searched like any other.
        if let Some(&first) = line.as_bytes().first()
            && first.is_ascii()
            && !matches!(first, b'T' | b'F' | b'O' | b'E' | b'W' | b'P')
            && !is_space(first)
            && self.block.is_none()
            && self.section.is_none()
            && self.pending_class.is_none()
        {
            match line.as_bytes().last() {
                Some(b')') => {
                    if space_paren(line) {
                        self.testdox_group(line, report);
                    }
                }
                Some(&c) if c.is_ascii() && !is_space(c) => {}
                // Trimmed, it may end with `)`.
                _ => {
                    self.testdox_group(super::trim(line), report);
                }
            }
            return;
        }
        self.any_line(line, n, report);
    }

    fn finish(&mut self, report: &mut Report) {
        self.close_block(report);
    }

    /// Outside a section and a block, a line matters by the first byte of its text
    /// (headings, summaries, Collision, testdox glyphs, `--debug`), or as a testdox
    /// group ending with `)`; under a Collision class, every indented line.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const fn between(collision: bool) -> Interest {
            let first = ByteSet::of(b"TFOEWP")
                .union(ByteSet::NON_ASCII)
                .union(ByteSet::OTHER_SPACE);
            Interest {
                top: first,
                indented: if collision { ByteSet::ALL } else { first },
                // A testdox group ends with `)` at the margin only (a line starting
                // with a tab is in `indented` through `OTHER_SPACE`); trailing spaces
                // may follow it anywhere.
                last: ByteSet::of(b" \t").union(ByteSet::OTHER_SPACE),
                last_top: ByteSet::ANY_PAREN,
                ..Interest::NONE
            }
        }
        const PLAIN: Interest = between(false);
        const COLLISION: Interest = between(true);
        // A pending testdox heading must see the very next line to be confirmed.
        if self.block.is_some() || self.section.is_some() || self.pending_class.is_some() {
            return &Interest::ALL;
        }
        if self.collision_class.is_some() {
            &COLLISION
        } else {
            &PLAIN
        }
    }
}

impl Block {
    fn new(id: String, testdox: bool) -> Self {
        Block {
            id,
            lines: 0,
            message: Vec::new(),
            diff: None,
            locations: Vec::new(),
            testdox,
        }
    }
}

impl PhpunitParser {
    /// [`Parser::line`] for every line but those its fast path settles: kept out of line
    /// so that the fast path saves and restores few registers.
    #[cfg_attr(not(target_family = "wasm"), inline(never))]
    fn any_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let trimmed = super::trim(line);
        if self.pending_class.is_some()
            && !trimmed.is_empty()
            && !trimmed.starts_with(['✔', '✘', '↩', '∅'])
        {
            self.pending_class = None;
        }
        // Section headings and summary lines end any block.
        if let Some(first) = trimmed.as_bytes().first() {
            match first {
                b'T' if trimmed.starts_with("There w") => {
                    self.close_block(report);
                    self.section = section_status(trimmed);
                    return;
                }
                b'F' | b'O' | b'E' | b'W' | b'T'
                    if trimmed.starts_with("FAILURES!")
                        || trimmed.starts_with("ERRORS!")
                        || trimmed.starts_with("OK (")
                        || trimmed.starts_with("OK, but")
                        || trimmed.starts_with("Tests: ")
                        || trimmed.starts_with("WARNINGS!") =>
                {
                    self.close_block(report);
                    self.section = None;
                    return;
                }
                _ => {}
            }
        }
        let in_diff = self
            .block
            .as_ref()
            .is_some_and(|b| b.diff.is_some() && b.locations.is_empty());
        if trimmed == "--" && !in_diff {
            self.close_block(report);
            self.section = None;
            return;
        }
        if let Some(status) = self.section
            && let Some(entry) = numbered_entry(trimmed)
        {
            self.close_block(report);
            let id = test_id(entry);
            if id.is_empty() {
                return;
            }
            let mut t = TestResult::new(Framework::Phpunit, &id, status, n);
            t.name = method_of(&id).to_owned();
            report.test(t);
            self.block = Some(Block::new(id, false));
            return;
        }
        if self.collision_line(line, trimmed, n, report) {
            return;
        }
        if self.testdox_line(line, trimmed, n, report) {
            return;
        }
        if self.block.is_some() {
            self.block_line(trimmed, n, report);
            return;
        }
        self.debug_line(trimmed, n, report);
    }

    fn block_line(&mut self, trimmed: &str, n: usize, report: &mut Report) {
        let Some(block) = self.block.as_mut() else {
            return;
        };
        block.lines += 1;
        if block.lines > MAX_BLOCK_LINES {
            self.close_block(report);
            return;
        }
        let text = if block.testdox {
            // PHPUnit 9 draws the margin with `│`; 10 opens it with `┐`, starts the
            // message with `├` and closes with `┴`.
            if trimmed == "┐" || trimmed == "┴" {
                return;
            }
            match trimmed.strip_prefix(['│', '├']) {
                Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                None => {
                    // The detail margin ended.
                    if !trimmed.is_empty() {
                        self.close_block(report);
                    }
                    return;
                }
            }
        } else {
            trimmed
        };
        // Collision: `at tests/FooTest.php:19` and numbered frames `1   tests/x.php:7`.
        let frame = text.strip_prefix("at ").unwrap_or_else(|| {
            let digits = text.bytes().take_while(u8::is_ascii_digit).count();
            match text.get(digits..) {
                Some(rest) if digits > 0 && rest.starts_with("  ") => rest.trim_start(),
                _ => text,
            }
        });
        if let Some(loc) = trace_line(frame) {
            block.diff = block
                .diff
                .take()
                .filter(|d| !d.0.is_empty() || !d.1.is_empty());
            let known = block
                .locations
                .iter()
                .any(|l| l.path == loc.0 && l.line == loc.1);
            if !known && !is_vendor(loc.0) && block.locations.len() < super::MAX_TEST_LOCATIONS {
                let message = block.message.first().cloned();
                block.locations.push(FailureLocation {
                    path: loc.0.to_owned(),
                    line: loc.1,
                    column: None,
                    message,
                    log_line: Some(n),
                    kind: LocationKind::Php,
                });
            }
            return;
        }
        if text == "--- Expected" {
            block.diff = Some((Vec::new(), Vec::new()));
            return;
        }
        if let Some((expected, actual)) = block.diff.as_mut()
            && block.locations.is_empty()
        {
            if text == "+++ Actual" || text.starts_with("@@") || text.is_empty() {
                return;
            }
            // Diff lines keep their one-character marker; the trimmed line lost the
            // leading space of context lines.
            if expected.len() + actual.len() < MAX_DIFF_LINES {
                if let Some(e) = text.strip_prefix('-') {
                    expected.push(e.to_owned());
                } else if let Some(a) = text.strip_prefix('+') {
                    actual.push(a.to_owned());
                } else {
                    expected.push(text.to_owned());
                    actual.push(text.to_owned());
                }
            }
            return;
        }
        if text.is_empty() || !block.locations.is_empty() {
            return;
        }
        if block.message.len() < MAX_MESSAGE_LINES {
            block.message.push(clip(text, super::MAX_TEXT).to_owned());
        }
    }

    fn close_block(&mut self, report: &mut Report) {
        let Some(block) = self.block.take() else {
            return;
        };
        let Some(t) = report.get_mut(Framework::Phpunit, &block.id) else {
            return;
        };
        if !block.message.is_empty() {
            t.message = Some(clip(&block.message.join("\n"), super::MAX_TEXT).to_owned());
        }
        let values = match block.diff {
            Some((e, a)) if !e.is_empty() || !a.is_empty() => Some((e.join("\n"), a.join("\n"))),
            _ => block.message.iter().find_map(|m| asserted_values(m)),
        };
        if let Some((e, a)) = values {
            t.expected = Some(clip(&e, super::MAX_TEXT).to_owned());
            t.actual = Some(clip(&a, super::MAX_TEXT).to_owned());
        }
        if !block.locations.is_empty() {
            t.locations = block.locations;
        }
    }

    /// `--testdox`: a class heading `Foo (Ns\Foo)`, then ` ✔ Name`, ` ✘ Name`, ` ↩ Name`,
    /// ` ∅ Name` lines. A heading counts only once a test line follows it, and a test line
    /// has one space after its glyph, unlike Playwright's `✘  2 [chromium] › a.ts:3:5 ›`.
    /// Returns whether the line was one of them.
    fn testdox_line(&mut self, line: &str, trimmed: &str, n: usize, report: &mut Report) -> bool {
        let mut chars = trimmed.chars();
        let status = match chars.next() {
            Some('✔') => TestStatus::Passed,
            Some('✘') => TestStatus::Failed,
            Some('↩') | Some('∅') => TestStatus::Skipped,
            _ => {
                // `Foo (Ns\Foo)` at the margin starts a testdox group.
                return !line.starts_with(' ') && self.testdox_group(trimmed, report);
            }
        };
        let rest = chars.as_str();
        let shaped = rest
            .strip_prefix(' ')
            .is_some_and(|name| !name.starts_with(char::is_whitespace) && !name.contains(" › "));
        if !shaped {
            self.pending_class = None;
            return false;
        }
        if let Some(pending) = self.pending_class.take() {
            self.testdox_class = Some(pending);
        }
        let Some(class) = self.testdox_class.clone() else {
            return false;
        };
        let name = rest.trim();
        // A trailing duration: `✔ Name  12 ms`.
        let name = strip_duration(name);
        if name.is_empty() {
            return false;
        }
        self.close_block(report);
        let id = format!("{class}::{name}");
        let mut t = TestResult::new(Framework::Phpunit, &id, status, n);
        t.name = name.to_owned();
        report.test(t);
        if status.is_failure() {
            self.block = Some(Block::new(clip(&id, super::MAX_ID).to_owned(), true));
        }
        true
    }

    /// `Foo (Ns\Foo)` (a trimmed line at the margin) starts a testdox group, taken once
    /// a test line follows. Returns whether the line was one.
    fn testdox_group(&mut self, trimmed: &str, report: &mut Report) -> bool {
        if trimmed.ends_with(')')
            // The class holds no space, so its ` (` is the last space of the line: one
            // `memrchr` (every line ending with `)` comes here; a search for ` (` went
            // byte by byte through the text before it).
            && let Some(open) = memchr::memrchr(b' ', trimmed.as_bytes())
            && trimmed.as_bytes().get(open + 1) == Some(&b'(')
        {
            let class = trimmed.get(open + 2..trimmed.len() - 1).unwrap_or("");
            // Not `Test Passed (Ns\FooTest::testX)` (`--debug`) nor prose.
            if !class.is_empty()
                && !class.contains(char::is_whitespace)
                && !class.contains([',', ':'])
            {
                self.close_block(report);
                self.testdox_class = None;
                self.pending_class = Some(clip(class, super::MAX_ID).to_owned());
                return true;
            }
        }
        false
    }

    /// Collision's printer (`php artisan test`, Pest): `PASS  Ns\FooTest` heads a class,
    /// `✓ name  0.01s` / `⨯ name` / `- name → reason` list its tests, and
    /// `FAILED  Ns\FooTest > name` starts a failure's details. Returns whether the line
    /// was one of them.
    fn collision_line(&mut self, line: &str, trimmed: &str, n: usize, report: &mut Report) -> bool {
        let Some(&first) = trimmed.as_bytes().first() else {
            return false;
        };
        if matches!(first, b'P' | b'F' | b'W') {
            for head in ["PASS  ", "FAIL  ", "WARN  "] {
                if let Some(class) = trimmed.strip_prefix(head) {
                    let class = class.trim();
                    // A PHP class, not a Jest file path (`FAIL  src/a.test.js`).
                    if is_php_class(class) {
                        self.close_block(report);
                        self.collision_class = Some(clip(class, super::MAX_ID).to_owned());
                        return true;
                    }
                    return false;
                }
            }
            if let Some(rest) = trimmed.strip_prefix("FAILED  ")
                && let Some((class, name)) = rest.split_once(" > ")
                && is_php_class(class.trim())
            {
                // A right-aligned exception name may follow the test's name.
                let name = name.split("  ").next().unwrap_or(name).trim();
                let id = format!("{}::{name}", class.trim());
                self.close_block(report);
                let mut t = TestResult::new(Framework::Phpunit, &id, TestStatus::Failed, n);
                t.name = name.to_owned();
                report.test(t);
                self.block = Some(Block::new(clip(&id, super::MAX_ID).to_owned(), false));
                return true;
            }
            return false;
        }
        let Some(class) = self.collision_class.as_deref() else {
            return false;
        };
        if !line.starts_with(' ') {
            return false;
        }
        let mut chars = trimmed.chars();
        let status = match chars.next() {
            Some('✓' | '✔') => TestStatus::Passed,
            Some('⨯' | '✕' | '✘' | '×') => TestStatus::Failed,
            Some('-' | '…' | '↓') => TestStatus::Skipped,
            _ => return false,
        };
        let Some(rest) = chars.as_str().strip_prefix(' ') else {
            return false;
        };
        // `name → reason` (skipped, todo) and a right-aligned `0.01s`.
        let name = rest.split(" → ").next().unwrap_or(rest);
        let name = strip_seconds(name.trim());
        if name.is_empty() {
            return false;
        }
        let id = format!("{class}::{name}");
        let mut t = TestResult::new(Framework::Phpunit, &id, status, n);
        t.name = name.to_owned();
        report.test(t);
        true
    }

    /// PHPUnit 9 `--debug`: `Test 'Ns\FooTest::testX' started` / `ended`; PHPUnit 10:
    /// `Test Passed (Ns\FooTest::testX)`, `Test Failed (...)`, `Test Errored (...)`,
    /// `Test Skipped (...)`.
    fn debug_line(&mut self, trimmed: &str, n: usize, report: &mut Report) {
        let Some(rest) = trimmed.strip_prefix("Test ") else {
            return;
        };
        let (status, inner) = if let Some(r) = rest.strip_prefix("Passed (") {
            (TestStatus::Passed, r)
        } else if let Some(r) = rest.strip_prefix("Failed (") {
            (TestStatus::Failed, r)
        } else if let Some(r) = rest.strip_prefix("Errored (") {
            (TestStatus::Error, r)
        } else if let Some(r) = rest.strip_prefix("Skipped (") {
            (TestStatus::Skipped, r)
        } else {
            return;
        };
        let Some(inner) = inner.strip_suffix(')') else {
            return;
        };
        if !inner.contains("::") {
            return;
        }
        let id = test_id(inner);
        let mut t = TestResult::new(Framework::Phpunit, &id, status, n);
        t.name = method_of(&id).to_owned();
        report.test(t);
    }
}

/// Whether the last space of `line` opens a parenthesis: `Foo (Ns\Foo)`.
fn space_paren(line: &str) -> bool {
    let b = line.as_bytes();
    last_space(b).is_some_and(|open| b.get(open + 1) == Some(&b'('))
}

/// `memrchr(b' ', b)`, eight bytes at a time from the end: the last space of a log line
/// is usually within its last few bytes, where `memrchr`'s setup costs more than the
/// search.
fn last_space(b: &[u8]) -> Option<usize> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut end = b.len();
    while let Some(w) = b.get(..end).and_then(<[u8]>::last_chunk::<8>) {
        let x = u64::from_le_bytes(*w) ^ 0x2020_2020_2020_2020;
        // The high bit of each byte of `x` that is zero (a space in `w`), exactly.
        let spaces = !((x & LOW7).wrapping_add(LOW7) | x | LOW7);
        if spaces != 0 {
            return Some(end - 1 - spaces.leading_zeros() as usize / 8);
        }
        end -= 8;
    }
    b.get(..end)?.iter().rposition(|&c| c == b' ')
}

/// The ASCII bytes [`str::trim`] removes.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `There was 1 failure:` -> Failed; errors -> Error; skipped and incomplete -> Skipped;
/// risky tests, warnings and deprecations are not a test status.
fn section_status(heading: &str) -> Option<TestStatus> {
    // PHPUnit 10 also lists `tests that triggered errors/warnings/deprecations`: those
    // are issues of tests that may have passed, not their status.
    if !heading.ends_with(':') || heading.contains("triggered") {
        return None;
    }
    if heading.contains(" failure") {
        Some(TestStatus::Failed)
    } else if heading.contains(" error") {
        Some(TestStatus::Error)
    } else if heading.contains(" skipped") || heading.contains(" incomplete") {
        Some(TestStatus::Skipped)
    } else {
        None
    }
}

/// `1) Ns\FooTest::testX ...` -> `Ns\FooTest::testX ...`.
fn numbered_entry(trimmed: &str) -> Option<&str> {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = trimmed.get(digits..)?.strip_prefix(") ")?;
    rest.contains("::").then_some(rest)
}

/// The id of an entry: `Class::method` with ` with data set "name"` / `#1` kept and the
/// data set's values `(1, 1, 3)` dropped.
fn test_id(entry: &str) -> String {
    let entry = entry.trim();
    let Some(at) = entry.find(" with data set ") else {
        return clip(entry, super::MAX_ID).to_owned();
    };
    let head = entry.get(..at).unwrap_or("");
    let set = entry.get(at + " with data set ".len()..).unwrap_or("");
    let name = if let Some(quoted) = set.strip_prefix('"') {
        match quoted.find("\" (").or_else(|| quoted.rfind('"')) {
            Some(end) => format!("\"{}\"", quoted.get(..end).unwrap_or("")),
            None => set.to_owned(),
        }
    } else {
        set.split_whitespace().next().unwrap_or("").to_owned()
    };
    clip(&format!("{head} with data set {name}"), super::MAX_ID).to_owned()
}

fn method_of(id: &str) -> &str {
    id.rsplit_once("::").map_or(id, |(_, m)| m)
}

/// A trace line: `/path/to/tests/FooTest.php:42` (also Windows paths).
fn trace_line(text: &str) -> Option<(&str, u32)> {
    if text.contains(char::is_whitespace) && !text.contains(":\\") {
        return None;
    }
    let (path, line) = text.rsplit_once(':')?;
    if !(path.ends_with(".php") || path.ends_with(".phpt") || path.ends_with(".inc")) {
        return None;
    }
    if line.is_empty() || line.len() > 9 || !line.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let line: u32 = line.parse().ok()?;
    (line > 0).then_some((path, line))
}

/// Composer dependencies and PHPUnit itself.
fn is_vendor(path: &str) -> bool {
    let p = path.replace('\\', "/");
    p.contains("/vendor/") || p.starts_with("vendor/") || p.starts_with("phar://")
}

/// `Ns\FooTest`, `FooTest`, `Tests\Feature\ExampleTest`: no path separators or dots.
fn is_php_class(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= super::MAX_ID
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'\\' || b >= 0x80)
        && (s.contains('\\') || s.ends_with("Test"))
}

/// `basic test  0.02s` -> `basic test`.
fn strip_seconds(name: &str) -> &str {
    match name.rsplit_once(' ') {
        Some((head, secs))
            if secs.len() > 1
                && secs.ends_with('s')
                && secs
                    .trim_end_matches('s')
                    .trim_end_matches('m')
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.') =>
        {
            head.trim_end()
        }
        _ => name,
    }
}

/// `Name  12 ms` -> `Name`.
fn strip_duration(name: &str) -> &str {
    let Some((head, unit)) = name.rsplit_once(' ') else {
        return name;
    };
    if !matches!(unit, "ms" | "s") {
        return name;
    }
    match head.trim_end().rsplit_once(' ') {
        Some((h, num)) if num.bytes().all(|b| b.is_ascii_digit() || b == b'.') => h.trim_end(),
        _ => name,
    }
}

/// `Failed asserting that 0 matches expected 1.` -> (`1`, `0`); also `is identical to`
/// and `is equal to`.
fn asserted_values(m: &str) -> Option<(String, String)> {
    let rest = m.strip_prefix("Failed asserting that ")?;
    let rest = rest.strip_suffix('.').unwrap_or(rest);
    for sep in [" matches expected ", " is identical to ", " is equal to "] {
        if let Some((actual, expected)) = rest.split_once(sep) {
            return Some((expected.to_owned(), actual.to_owned()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, locs, statuses};
    use super::*;

    fn run(log: &str) -> Vec<TestResult> {
        testutil::run::<PhpunitParser>(log)
    }

    proptest::proptest! {
        /// Arbitrary mixes of the shapes this module reads never panic, and ids and
        /// locations stay within bounds.
        #[test]
        fn fragments_never_panic(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "There was 1 failure:", "There were 2 errors:", "There was 1 skipped test:", "1) ",
                "Ns\\FooTest::testX", " with data set ", "\"", "#1", " (1, 2)", "--- Expected",
                "+++ Actual", "@@ @@", "-", "+", " ", "/app/tests/FooTest.php", ":", "42", "--",
                "FAILURES!", "OK (", "✔ ", "✘ ", "↩ ", "│ ", "Foo (Ns\\Foo)", "Test Passed (",
                "Test Failed (", ")", "\n", "é", "Failed asserting that ", " matches expected ",
                " ms", "C:\\",
            ]),
            0..80,
        )) {
            let tests = run(&parts.concat());
            testutil::prop_sane(&tests)?;
        }
    }

    #[test]
    fn failures_errors_and_skipped_sections() {
        let tests = run("\
PHPUnit 10.5.35 by Sebastian Bergmann and contributors.

FES.                                                                4 / 4 (100%)

There was 1 error:

1) App\\Tests\\CartTest::testTotal
TypeError: App\\Cart::total(): Return value must be of type int, null returned

/app/src/Cart.php:30
/app/tests/CartTest.php:21

--

There were 2 failures:

1) App\\Tests\\CartTest::testName
Failed asserting that two strings are equal.
--- Expected
+++ Actual
@@ @@
-'bar'
+'baz'

/app/tests/CartTest.php:13
/app/vendor/phpunit/phpunit/src/Framework/TestCase.php:1200

2) App\\Tests\\MathTest::testAdd with data set \"one plus one\" (1, 1, 3)
Failed asserting that 2 is identical to 3.

/app/tests/MathTest.php:20

--

There was 1 skipped test:

1) App\\Tests\\CartTest::testLater
This test depends on \"App\\Tests\\CartTest::testName\" to pass

FAILURES!
Tests: 4, Assertions: 3, Errors: 1, Failures: 2, Skipped: 1.
");
        assert_eq!(
            statuses(&tests),
            [
                ("App\\Tests\\CartTest::testTotal", TestStatus::Error),
                ("App\\Tests\\CartTest::testName", TestStatus::Failed),
                (
                    "App\\Tests\\MathTest::testAdd with data set \"one plus one\"",
                    TestStatus::Failed
                ),
                ("App\\Tests\\CartTest::testLater", TestStatus::Skipped)
            ]
        );
        assert_eq!(
            locs(&tests[0]),
            [
                ("/app/src/Cart.php", 30, Some(9)),
                ("/app/tests/CartTest.php", 21, Some(10))
            ]
        );
        assert_eq!(
            tests[0].message.as_deref(),
            Some("TypeError: App\\Cart::total(): Return value must be of type int, null returned")
        );
        let t = &tests[1];
        assert_eq!(locs(t), [("/app/tests/CartTest.php", 13, Some(24))]);
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("'bar'"), Some("'baz'"))
        );
        assert_eq!(
            t.message.as_deref(),
            Some("Failed asserting that two strings are equal.")
        );
        let t = &tests[2];
        assert_eq!(t.name, "testAdd with data set \"one plus one\"");
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("3"), Some("2"))
        );
        assert_eq!(locs(t), [("/app/tests/MathTest.php", 20, Some(30))]);
        assert_eq!(locs(&tests[3]), []);
    }

    #[test]
    fn multi_line_diff_and_numbered_data_sets() {
        let tests = run("\
There was 1 failure:

1) FooTest::testLines with data set #1 ('a', 'b')
Failed asserting that two strings are equal.
--- Expected
+++ Actual
@@ @@
 'foo\\n
-bar\\n
+bah\\n
 '

C:\\work\\tests\\FooTest.php:18

FAILURES!
");
        assert_eq!(
            statuses(&tests),
            [("FooTest::testLines with data set #1", TestStatus::Failed)]
        );
        let t = &tests[0];
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("'foo\\n\nbar\\n\n'"), Some("'foo\\n\nbah\\n\n'"))
        );
        assert_eq!(locs(t), [("C:\\work\\tests\\FooTest.php", 18, Some(12))]);
    }

    #[test]
    fn testdox_phpunit_10_margins() {
        let tests = run("\
Cart (App\\Tests\\Cart)
 ✘ Computes the total
   ┐
   ├ Failed asserting that 5 matches expected 6.
   │
   │ /app/tests/CartTest.php:42
   ┴
 ✔ Adds an item
");
        assert_eq!(
            statuses(&tests),
            [
                ("App\\Tests\\Cart::Computes the total", TestStatus::Failed),
                ("App\\Tests\\Cart::Adds an item", TestStatus::Passed)
            ]
        );
        assert_eq!(locs(&tests[0]), [("/app/tests/CartTest.php", 42, Some(5))]);
        assert_eq!(
            tests[0].message.as_deref(),
            Some("Failed asserting that 5 matches expected 6.")
        );
    }

    /// The group's class is what the last ` (` holds (found as the line's last space):
    /// an earlier ` (` in the title, or a last one holding a space, is no class.
    #[test]
    fn testdox_group_class_is_in_the_last_parentheses() {
        let tests = run("\
Cart (v2) (App\\Tests\\Cart)
 ✔ Adds an item
Prose (not a class)
 ✔ Stays in the cart group
");
        assert_eq!(
            statuses(&tests),
            [
                ("App\\Tests\\Cart::Adds an item", TestStatus::Passed),
                (
                    "App\\Tests\\Cart::Stays in the cart group",
                    TestStatus::Passed
                )
            ]
        );
    }

    #[test]
    fn testdox_phpunit_9_margins() {
        let tests = run("\
Cart (App\\Tests\\Cart)
 ✔ Adds an item  3 ms
 ✘ Computes the total
   │
   │ Failed asserting that 5 matches expected 6.
   │
   │ /app/tests/CartTest.php:42
   │
 ↩ Applies coupons

Time: 00:00.010, Memory: 8.00 MB
");
        assert_eq!(
            statuses(&tests),
            [
                ("App\\Tests\\Cart::Adds an item", TestStatus::Passed),
                ("App\\Tests\\Cart::Computes the total", TestStatus::Failed),
                ("App\\Tests\\Cart::Applies coupons", TestStatus::Skipped)
            ]
        );
        let t = &tests[1];
        assert_eq!(locs(t), [("/app/tests/CartTest.php", 42, Some(6))]);
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("6"), Some("5"))
        );
    }

    /// Issue 14: a runner's preamble `Running with testany-runner 3.14.2 (a1b2c3d4)` is
    /// no testdox heading, so Playwright's list reporter below it yields no PHPUnit test.
    #[test]
    fn a_preamble_with_parentheses_is_no_testdox_heading() {
        let tests = run("\
Running with testany-runner 3.14.2 (a1b2c3d4)
Runtime 00000000-0000-4000-8000-000000000000 on shop-ci-7f9c for SHP-0603-0000C (environment: staging)
Fetching changes with git depth set to 20...
$ cd /builds/acme/shop/web
$ npx playwright test tests/e2e/storefront.spec.ts --reporter=list

Running 3 tests using 1 worker

  ✓  1 [chromium] › tests/e2e/storefront.spec.ts:8:3 › storefront › lists the catalogue (1.2s)
  ✘  2 [chromium] › tests/e2e/storefront.spec.ts:12:3 › storefront › adds an item to the cart (5.3s)
  ✓  3 [chromium] › tests/e2e/storefront.spec.ts:17:3 › storefront › searches by name (845ms)

  1 failed
    [chromium] › tests/e2e/storefront.spec.ts:12:3 › storefront › adds an item to the cart
  2 passed (7.3s)
");
        assert_eq!(statuses(&tests), []);
    }

    /// A heading directly above Playwright's `✘  N [project] ›` line (no preamble in
    /// between) is not confirmed either: PHPUnit prints ` ✘ Name`, one space apart.
    #[test]
    fn a_heading_above_playwright_lines_is_no_testdox_group() {
        let tests = run("\
Storefront (chromium)
  ✘  2 [chromium] › tests/e2e/storefront.spec.ts:12:3 › storefront › adds an item to the cart (5.3s)
  ✓  3 [chromium] › tests/e2e/storefront.spec.ts:17:3 › storefront › searches by name (845ms)
");
        assert_eq!(statuses(&tests), []);
    }

    #[test]
    fn collision_printer() {
        let tests = run("\
   PASS  Tests\\Unit\\ExampleTest
  ✓ that true is true                                               0.01s

   FAIL  Tests\\Feature\\ExampleTest
  ⨯ the application returns a successful response                   0.12s
  - it is later → not yet
  ───────────────────────────────────────────────────────────────────────────
   FAILED  Tests\\Feature\\ExampleTest > the application returns a successful response
  Expected response status code [200] but received 500.
Failed asserting that 500 is identical to 200.

  at tests/Feature/ExampleTest.php:19
     15▕     {
     16▕         $response = $this->get('/');
  ➜  19▕         $response->assertStatus(200);
     20▕     }

  1   vendor/laravel/framework/src/Illuminate/Testing/TestResponse.php:101
  2   tests/Feature/ExampleTest.php:19

  Tests:    1 failed, 1 skipped, 1 passed (2 assertions)
 FAIL  src/sum.test.js
");
        assert_eq!(
            statuses(&tests),
            [
                (
                    "Tests\\Unit\\ExampleTest::that true is true",
                    TestStatus::Passed
                ),
                (
                    "Tests\\Feature\\ExampleTest::the application returns a successful response",
                    TestStatus::Failed
                ),
                (
                    "Tests\\Feature\\ExampleTest::it is later",
                    TestStatus::Skipped
                )
            ]
        );
        let t = &tests[1];
        assert_eq!(locs(t), [("tests/Feature/ExampleTest.php", 19, Some(11))]);
        assert_eq!(
            t.message.as_deref(),
            Some(
                "Expected response status code [200] but received 500.\nFailed asserting that 500 is identical to 200."
            )
        );
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("200"), Some("500"))
        );
    }

    #[test]
    fn triggered_issue_sections_are_no_status() {
        let tests = run("\
There was 1 test that triggered an error:

1) App\\Tests\\CartTest::testTotal
Undefined variable $x

/app/tests/CartTest.php:12

OK, but there were issues!
");
        assert_eq!(statuses(&tests), []);
    }

    #[test]
    fn debug_lines() {
        let tests = run("\
Test Passed (App\\Tests\\CartTest::testAdd)
Test Failed (App\\Tests\\CartTest::testTotal)
Test Skipped (App\\Tests\\CartTest::testLater)
Test runner started
");
        assert_eq!(
            statuses(&tests),
            [
                ("App\\Tests\\CartTest::testAdd", TestStatus::Passed),
                ("App\\Tests\\CartTest::testTotal", TestStatus::Failed),
                ("App\\Tests\\CartTest::testLater", TestStatus::Skipped)
            ]
        );
    }

    #[test]
    fn a_failure_without_a_trace_has_no_location() {
        let tests = run("\
There was 1 failure:

1) ExceptionTest::testException
Failed asserting that exception of type \"InvalidArgumentException\" is thrown.

FAILURES!
Tests: 1, Assertions: 1, Failures: 1.
");
        assert_eq!(
            statuses(&tests),
            [("ExceptionTest::testException", TestStatus::Failed)]
        );
        assert_eq!(locs(&tests[0]), []);
    }

    proptest::proptest! {
        #[test]
        fn last_space_is_memrchr(text in "[ a(é\t]{0,40}") {
            proptest::prop_assert_eq!(
                last_space(text.as_bytes()),
                memchr::memrchr(b' ', text.as_bytes())
            );
        }
    }

    /// The fast path of [`Parser::line`] leaves the parser and the report as the full
    /// reading ([`PhpunitParser::any_line`]) does, line after line.
    #[test]
    fn fast_path_changes_what_the_full_reading_changes() {
        let pieces = [
            "Foo (Ns\\Foo)",
            "Foo (Ns\\Foo)  ",
            "Foo (Ns\\Foo)\u{a0}",
            "Foo (a, b)",
            "x (y: z)",
            "INFO a (tax 21%)",
            "cart 9: added (session 5b1f)",
            " ✔ Adds",
            " ✘ Subtracts",
            "   │ Failed asserting that 1 is identical to 2.",
            "   │ /app/tests/CalcTest.php:12",
            "There was 1 failure:",
            "1) Ns\\CalcTest::testAdd",
            "/app/tests/CalcTest.php:12",
            "--",
            "FAILURES!",
            "Tests: 2, Assertions: 2, Failures: 1.",
            "Test 'Ns\\FooTest::testX' started",
            "Test Passed (Ns\\FooTest::testX)",
            "  PASS  Ns\\FooTest",
            "  ✓ it adds  0.01s",
            "  FAILED  Ns\\FooTest > it adds",
            "--- Expected",
            "+++ Actual",
            "-1",
            "+2",
            "plain words",
            "é)",
            "a)",
            "\u{3000}x)",
            ")",
            "",
            " ",
        ];
        super::super::testutil::assert_fast_path_equals_full(
            &pieces,
            PhpunitParser::any_line,
            |p| format!("{p:?}"),
        );
    }
}
