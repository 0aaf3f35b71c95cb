//! `dotnet test` (xUnit, NUnit, MSTest).
//!
//! Read here:
//! - the VSTest console logger: `  Failed Ns.Class.Method [12 ms]`, `  Passed ...`,
//!   `  Skipped ...`, then `Error Message:` and `Stack Trace:` blocks;
//! - xUnit.net runner lines, v2 through the VSTest adapter (`[xUnit.net 00:00:00.08]`
//!   prefix) and the v3 in-process runner: `    Ns.Class.Method [FAIL]`, `[PASS]`, `[SKIP]`,
//!   `Expected:`/`Actual:` and `X.cs(14,0): at Ns.Class.Method()` frames;
//! - the .NET 9 terminal logger: `  Ns.Class.Method (< 1ms): Error Message: ...`;
//! - Microsoft.Testing.Platform: `failed Ns.Class.Method (12ms)`, `passed ...`, `skipped ...`.
//!
//! Stack frames `at Ns.Class.Method() in /_/test/X.cs:line 280` are read in any language
//! the runtime prints them (`en ... en X.cs:línea 272`, `bei ... in X.cs:Zeile 12`,
//! `à ... dans X.cs:ligne 5`): the path follows the method's `) ` and one word, and the line
//! number ends the line after a colon and an optional word. The first frame in the test's
//! own namespace comes first, then other frames outside the runtime and test frameworks.

use std::sync::LazyLock;

use memchr::memmem;

use super::generic::{FailureLocation, LocationKind};
use super::{Framework, Parser, Report, TestResult, TestStatus, clip};

/// Lines a failure block may span before it is closed anyway (bounded state).
const MAX_BLOCK_LINES: usize = 400;
const MAX_MESSAGE_LINES: usize = 24;
const MAX_FRAMES: usize = 64;

static ERROR_MESSAGE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("): Error Message:"));

/// Reads `dotnet test` (xUnit, NUnit, MSTest) from a case log.
#[derive(Debug, Default)]
pub struct DotnetParser {
    block: Option<Block>,
}

#[derive(Debug)]
struct Block {
    id: String,
    lines: usize,
    /// Where the block's text goes: the message, until a `Stack Trace:` heading.
    in_stack: bool,
    message: Vec<String>,
    expected: Option<String>,
    actual: Option<String>,
    /// (qualified method, location).
    frames: Vec<(String, FailureLocation)>,
    seen_frame: bool,
}

impl Parser for DotnetParser {
    fn framework(&self) -> Framework {
        Framework::Dotnet
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        let line = strip_xunit_prefix(line);
        let trimmed = super::trim(line);
        if trimmed.is_empty() {
            return;
        }
        if let Some(test) = test_line(trimmed, line.starts_with("  ")) {
            self.close_block(report);
            let mut t = TestResult::new(Framework::Dotnet, test.id, test.status, n);
            t.duration_ms = test.duration_ms;
            if let Some(m) = test.message {
                t.message = Some(clip(m, super::MAX_TEXT).to_owned());
            }
            report.test(t);
            if test.status.is_failure() {
                let mut block = Block {
                    id: clip(test.id, super::MAX_ID).to_owned(),
                    lines: 0,
                    in_stack: false,
                    message: Vec::new(),
                    expected: None,
                    actual: None,
                    frames: Vec::new(),
                    seen_frame: false,
                };
                if let Some(m) = test.message {
                    block.message.push(clip(m, super::MAX_TEXT).to_owned());
                }
                self.block = Some(block);
            }
            return;
        }
        let Some(block) = self.block.as_mut() else {
            return;
        };
        block.lines += 1;
        if block.lines > MAX_BLOCK_LINES || ends_block(trimmed) {
            self.close_block(report);
            return;
        }
        if trimmed == "Stack Trace:" || trimmed.ends_with(" Stack Trace:") {
            block.in_stack = true;
            return;
        }
        if let Some(m) = trimmed.strip_prefix("Error Message:") {
            block.in_stack = false;
            let m = m.trim();
            if !m.is_empty() && block.message.len() < MAX_MESSAGE_LINES {
                block.message.push(clip(m, super::MAX_TEXT).to_owned());
            }
            return;
        }
        if let Some(frame) = parse_frame(trimmed) {
            block.seen_frame = true;
            if let Some((qualified, path, line_no)) = frame
                && block.frames.len() < MAX_FRAMES
            {
                let message = block.message.first().cloned();
                block.frames.push((
                    qualified.to_owned(),
                    FailureLocation {
                        path: path.to_owned(),
                        line: line_no,
                        column: None,
                        message,
                        log_line: Some(n),
                        kind: LocationKind::Dotnet,
                    },
                ));
            }
            return;
        }
        if trimmed.starts_with("--- End of") || trimmed.starts_with("----- Inner") {
            return;
        }
        if block.seen_frame {
            // Text after the stack: the test's output or the next section.
            self.close_block(report);
            return;
        }
        if block.in_stack {
            return;
        }
        if let Some(v) = trimmed.strip_prefix("Expected:") {
            block.expected.get_or_insert_with(|| v.trim().to_owned());
        } else if let Some(v) = trimmed
            .strip_prefix("Actual:")
            .or_else(|| trimmed.strip_prefix("But was:"))
        {
            // xUnit and MSTest say `Actual:`, NUnit `But was:`.
            block.actual.get_or_insert_with(|| v.trim().to_owned());
        }
        if block.message.len() < MAX_MESSAGE_LINES {
            block
                .message
                .push(clip(trimmed, super::MAX_TEXT).to_owned());
        }
    }

    fn finish(&mut self, report: &mut Report) {
        self.close_block(report);
    }

    /// Outside a failure block only test lines matter: each ends with `]` or `)` (after
    /// trailing spaces), or is the terminal logger's indented `Ns.C.M (1ms): Error
    /// Message:`, or has xUnit's `[xUnit.net ...]` prefix.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const BETWEEN: Interest = Interest {
            top: ByteSet::of(b"["),
            indented: ByteSet::LETTERS.union(ByteSet::OTHER_SPACE),
            last: ByteSet::ANY_BRACKET
                .union(ByteSet::DURATION_END)
                .union(ByteSet::of(b" \t"))
                .union(ByteSet::OTHER_SPACE),
            ..Interest::NONE
        };
        if self.block.is_some() {
            return &Interest::ALL;
        }
        &BETWEEN
    }
}

impl DotnetParser {
    fn close_block(&mut self, report: &mut Report) {
        let Some(block) = self.block.take() else {
            return;
        };
        let Some(t) = report.get_mut(Framework::Dotnet, &block.id) else {
            return;
        };
        if !block.message.is_empty() {
            let text = block.message.join("\n");
            t.message = Some(clip(&text, super::MAX_TEXT).to_owned());
        }
        let (expected, actual) = match (block.expected, block.actual) {
            (Some(e), Some(a)) => (Some(e), Some(a)),
            _ => block
                .message
                .iter()
                .find_map(|m| mstest_expected_actual(m))
                .map_or((None, None), |(e, a)| (Some(e), Some(a))),
        };
        if let (Some(e), Some(a)) = (expected, actual) {
            t.expected = Some(clip(&e, super::MAX_TEXT).to_owned());
            t.actual = Some(clip(&a, super::MAX_TEXT).to_owned());
        }
        let locations = order_frames(&block.id, block.frames);
        // A second report of the same test (the terminal logger after the xUnit lines)
        // keeps the frames the first one found when it has none.
        if !locations.is_empty() {
            t.locations = locations;
            t.locations.truncate(super::MAX_TEST_LOCATIONS);
        }
    }
}

/// `[xUnit.net 00:00:00.08] ` in front of the xUnit VSTest adapter's lines.
fn strip_xunit_prefix(line: &str) -> &str {
    let Some(rest) = line.strip_prefix("[xUnit.net ") else {
        return line;
    };
    match rest.find("] ") {
        Some(end) => rest.get(end + 2..).unwrap_or(""),
        None => line,
    }
}

struct TestLine<'a> {
    id: &'a str,
    status: TestStatus,
    duration_ms: Option<u64>,
    message: Option<&'a str>,
}

/// A line that reports one test, in any of the runners' shapes.
fn test_line(trimmed: &str, indented: bool) -> Option<TestLine<'_>> {
    let last = *trimmed.as_bytes().last()?;
    // xUnit: `Ns.Class.Method [FAIL]`.
    if last == b']' {
        for (tag, status) in [
            (" [FAIL]", TestStatus::Failed),
            (" [PASS]", TestStatus::Passed),
            (" [SKIP]", TestStatus::Skipped),
        ] {
            if let Some(id) = trimmed.strip_suffix(tag) {
                let id = id.trim();
                return is_display_name(id).then_some(TestLine {
                    id,
                    status,
                    duration_ms: None,
                    message: None,
                });
            }
        }
    }
    let first = *trimmed.as_bytes().first()?;
    // VSTest: `Failed Ns.Class.Method [12 ms]` (before .NET 5: `X`, `√`, `!`);
    // Microsoft.Testing.Platform: `failed Ns.Class.Method (12ms)`.
    if matches!(
        first,
        b'F' | b'P' | b'S' | b'f' | b'p' | b's' | b'X' | b'!' | 0xE2
    ) && matches!(last, b']' | b')')
    {
        let (word, rest) = trimmed.split_once(' ')?;
        let status = match word {
            "Failed" | "failed" | "X" => TestStatus::Failed,
            "Passed" | "passed" | "√" | "✓" => TestStatus::Passed,
            "Skipped" | "skipped" | "!" => TestStatus::Skipped,
            _ => return None,
        };
        let (id, duration) = split_duration(rest)?;
        // The glyphs are Jest's and Mocha's too (`√ adds numbers (5 ms)`): only with
        // VSTest's `[12 ms]` and a full name without spaces. The words are VSTest's and
        // the Testing Platform's own.
        let ok = if word.len() > 3 {
            is_display_name(id)
        } else {
            last == b']' && is_test_id(id)
        };
        return ok.then_some(TestLine {
            id,
            status,
            duration_ms: parse_duration(duration),
            message: None,
        });
    }
    // .NET 9 terminal logger: `Ns.Class.Method (< 1ms): Error Message: text`.
    // Indented under `X.cs(14): error TESTERROR:`, and starting with the id.
    if indented
        && first.is_ascii_alphabetic()
        // A `:` first (one byte search): the indented code lines of other tools' tracebacks
        // come here, and most hold none.
        && memchr::memchr(b':', trimmed.as_bytes()).is_some()
        && let Some(at) = ERROR_MESSAGE.find(trimmed.as_bytes())
    {
        let head = trimmed.get(..at + 1)?;
        let (id, duration) = split_duration(head)?;
        let message = trimmed.get(at + "): Error Message:".len()..)?.trim();
        return is_test_id(id).then_some(TestLine {
            id,
            status: TestStatus::Failed,
            duration_ms: parse_duration(duration),
            message: (!message.is_empty()).then_some(message),
        });
    }
    None
}

/// `Ns.Class.Method [12 ms]` / `Ns.Class.Method (12ms)` -> (id, `12 ms`). The id may hold
/// its own parentheses (`Method(value: 6)`): the duration is the last bracket pair.
fn split_duration(s: &str) -> Option<(&str, &str)> {
    let close = *s.as_bytes().last()?;
    let open_char = match close {
        b']' => '[',
        b')' => '(',
        _ => return None,
    };
    let open = s.rfind(open_char)?;
    let inner = s.get(open + 1..s.len() - 1)?;
    if !inner.bytes().any(|b| b.is_ascii_digit()) || !inner.ends_with('s') {
        return None;
    }
    Some((s.get(..open)?.trim_end(), inner))
}

/// `12 ms`, `< 1 ms`, `1 s`, `2 m 3 s`, `1.5s` -> milliseconds.
fn parse_duration(d: &str) -> Option<u64> {
    let d = d.trim().trim_start_matches('<').trim();
    let mut total = 0f64;
    let mut num: Option<f64> = None;
    let mut rest = d;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if end > 0 {
            num = rest.get(..end)?.parse().ok();
            rest = rest.get(end..)?;
            continue;
        }
        let uend = rest
            .find(|c: char| c.is_ascii_digit() || c == ' ')
            .unwrap_or(rest.len());
        let unit = rest.get(..uend)?;
        let factor = match unit {
            "ms" => 1.0,
            "s" | "sec" => 1000.0,
            "m" | "min" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        total += num.take()? * factor;
        rest = rest.get(uend..)?;
    }
    (total.is_finite() && (0.0..1e15).contains(&total)).then(|| total.round() as u64)
}

/// A test's full name: a dotted name without spaces before any argument list.
fn is_test_id(id: &str) -> bool {
    let head = id.split('(').next().unwrap_or(id);
    !head.is_empty()
        && !head.contains(char::is_whitespace)
        && head
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
        && id.len() <= super::MAX_ID
}

/// A display name (`[Fact(DisplayName = "adds numbers")]`): the runner's own markers
/// around it (`[FAIL]`, `Failed ... [12 ms]`) are distinctive enough to allow spaces.
fn is_display_name(id: &str) -> bool {
    id.chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
        && id.len() <= super::MAX_ID
}

fn ends_block(trimmed: &str) -> bool {
    [
        "Finished:",
        "Test summary:",
        "Total tests:",
        "Test Run Failed",
        "Test Run Successful",
        "Results File:",
        "=== TEST EXECUTION SUMMARY",
        "Failed!",
        "Passed!",
        "Standard Output Messages:",
        "Standard Error Messages:",
        "Build failed",
        "Build succeeded",
    ]
    .iter()
    .any(|p| trimmed.starts_with(p))
        || trimmed.ends_with("error TESTERROR:")
}

const SOURCE_EXTS: &[&str] = &[".cs", ".fs", ".vb", ".razor", ".cshtml"];

/// A stack frame: `Some(Some((method, path, line)))` with a source location,
/// `Some(None)` for a frame without one (`at Xunit.Assert.Equal(...)`), `None` for other
/// text. Shapes: `at M() in path:line N` (any language), `X.cs(14,0): at M()`.
fn parse_frame(trimmed: &str) -> Option<Option<(&str, &str, u32)>> {
    // xUnit: `UnitTest1.cs(14,0): at Ns.Class.Method()`.
    if let Some(at) = trimmed.find("): ") {
        let head = trimmed.get(..at)?;
        if let Some(open) = head.rfind('(') {
            let path = head.get(..open)?;
            let nums = head.get(open + 1..)?;
            let line_no = nums.split(',').next().and_then(parse_u32);
            let method = trimmed.get(at + 3..)?.split_whitespace().nth(1);
            if SOURCE_EXTS.iter().any(|e| path.ends_with(e))
                && let (Some(line_no), Some(method)) = (line_no, method)
            {
                let qualified = method.split('(').next().unwrap_or(method);
                return Some(Some((qualified, path, line_no)));
            }
        }
    }
    // `at`, `en`, `bei`, `à`, `в`, ... then a qualified method with its argument list.
    let (word, rest) = trimmed.split_once(' ')?;
    if word.len() > 12 || word.contains(['(', '.', ':']) {
        return None;
    }
    let open = rest.find('(')?;
    let qualified = rest.get(..open)?;
    if qualified.is_empty() || qualified.contains(char::is_whitespace) || !qualified.contains('.') {
        return None;
    }
    let close = open + rest.get(open..)?.find(')')?;
    let after = rest.get(close + 1..)?.trim();
    if after.is_empty() {
        return Some(None);
    }
    // `in /_/test/X.cs:line 280`: one word, then the path up to the last colon.
    let (_, loc) = after.split_once(' ')?;
    let colon = loc.rfind(':')?;
    let path = loc.get(..colon)?.trim();
    let tail = loc.get(colon + 1..)?.trim();
    // `line 280`, `línea 272`, `Zeile 12`, also glued (`Zeile49`) or bare (`:21`).
    let count = tail.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (word, digits) = tail.split_at_checked(tail.len() - count)?;
    if word.contains(char::is_whitespace) && !word.ends_with(' ') {
        return Some(None);
    }
    let line_no = parse_u32(digits)?;
    if !SOURCE_EXTS.iter().any(|e| path.ends_with(e)) || line_no == 0 {
        return Some(None);
    }
    Some(Some((qualified, path, line_no)))
}

fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Runtime and test-framework namespaces: never where a user's test failed.
fn is_library(qualified: &str) -> bool {
    const LIBS: &[&str] = &[
        "System.",
        "Microsoft.",
        "Xunit.",
        "NUnit.",
        "FluentAssertions.",
        "Shouldly.",
        "Moq.",
        "Castle.",
        "NSubstitute.",
        "AutoFixture.",
        "Polly.",
        "Newtonsoft.",
    ];
    LIBS.iter().any(|p| qualified.starts_with(p))
}

/// Frames best first: in the test's root namespace, then outside the runtime and test
/// frameworks, each in stack order (innermost first). Library frames are dropped.
fn order_frames(test_id: &str, frames: Vec<(String, FailureLocation)>) -> Vec<FailureLocation> {
    let root = test_id.split(['.', '(']).next().unwrap_or("");
    let mut own = Vec::new();
    let mut other = Vec::new();
    for (q, loc) in frames {
        let in_root = q.starts_with(root) && q.as_bytes().get(root.len()) == Some(&b'.');
        if in_root {
            own.push(loc);
        } else if !is_library(&q) {
            other.push(loc);
        }
    }
    let mut out: Vec<FailureLocation> = Vec::new();
    for loc in own.into_iter().chain(other) {
        if !out.iter().any(|l| l.path == loc.path && l.line == loc.line) {
            out.push(loc);
        }
    }
    out
}

/// MSTest: `Assert.AreEqual failed. Expected:<1>. Actual:<2>.`; FluentAssertions:
/// `Expected value to be 10, but found 0.`; Shouldly: `... should be 10 but was 0`.
fn mstest_expected_actual(m: &str) -> Option<(String, String)> {
    if let Some(at) = m.find(" to be ")
        && m.starts_with("Expected ")
        && let Some((e, a)) = m.get(at + " to be ".len()..)?.split_once(", but found ")
    {
        let a = a.strip_suffix('.').unwrap_or(a);
        return Some((e.to_owned(), a.to_owned()));
    }
    if let Some(at) = m.find(" should be ")
        && let Some((e, a)) = m.get(at + " should be ".len()..)?.split_once(" but was ")
    {
        return Some((e.trim().to_owned(), a.trim().to_owned()));
    }
    let e = m.find("Expected:<")?;
    let rest = m.get(e + "Expected:<".len()..)?;
    let end = rest.find(">. Actual:<")?;
    let expected = rest.get(..end)?;
    let actual = rest.get(end + ">. Actual:<".len()..)?;
    let actual = actual.get(..actual.rfind('>')?)?;
    Some((expected.to_owned(), actual.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, locs, statuses};
    use super::*;

    fn run(log: &str) -> Vec<TestResult> {
        testutil::run::<DotnetParser>(log)
    }

    proptest::proptest! {
        /// Arbitrary mixes of the shapes this module reads never panic, and ids and
        /// locations stay within bounds.
        #[test]
        fn fragments_never_panic(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "  Failed ", "  Passed ", "Skipped ", "failed ", "[FAIL]", "[PASS]", " [", "ms]", "(", ")",
                "< 1ms", "): Error Message:", "Error Message:", "Stack Trace:", "at ", "en ", " in ",
                "Ns.Class.Method", "X.cs", ":line ", ":línea ", "12", ",", "0", "): at ", "Expected:",
                "Actual:", "[xUnit.net 00:00:00.01] ", "  ", "\n", "é", "Finished:", ".", ":",
                "Expected:<", ">. Actual:<", ">.",
            ]),
            0..80,
        )) {
            let tests = run(&parts.concat());
            testutil::prop_sane(&tests)?;
        }
    }

    #[test]
    fn vstest_console_logger_blocks() {
        let tests = run("\
Starting test execution, please wait...
  Passed Acme.Tests.CalcTests.Subtracts [3 ms]
  Failed Acme.Tests.CalcTests.Adds [12 ms]
  Error Message:
   Assert.Equal() Failure
Expected: 5
Actual:   4
  Stack Trace:
     at Xunit.Assert.Equal[T](T expected, T actual)
     at Acme.Calc.Add(Int32 a, Int32 b) in /_/src/Calc.cs:line 9
     at Acme.Tests.CalcTests.Adds() in /_/test/CalcTests.cs:line 280
  Skipped Acme.Tests.CalcTests.Later [1 ms]

Failed!  - Failed:     1, Passed:     1, Skipped:     1, Total:     3, Duration: 40 ms - Acme.Tests.dll (net8.0)
");
        assert_eq!(
            statuses(&tests),
            [
                ("Acme.Tests.CalcTests.Subtracts", TestStatus::Passed),
                ("Acme.Tests.CalcTests.Adds", TestStatus::Failed),
                ("Acme.Tests.CalcTests.Later", TestStatus::Skipped)
            ]
        );
        let t = &tests[1];
        assert_eq!(t.duration_ms, Some(12));
        assert_eq!(
            t.message.as_deref(),
            Some("Assert.Equal() Failure\nExpected: 5\nActual:   4")
        );
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("5"), Some("4"))
        );
        assert_eq!(
            locs(t),
            [
                ("/_/src/Calc.cs", 9, Some(9)),
                ("/_/test/CalcTests.cs", 280, Some(10))
            ]
        );
    }

    #[test]
    fn localized_frames() {
        let tests = run("\
  Failed Acme.T.M [1 ms]
  Error Message:
   boom
  Stack Trace:
     en Acme.T.M() en C:\\src\\My Tests\\T.cs:línea 272
");
        assert_eq!(locs(&tests[0]), [("C:\\src\\My Tests\\T.cs", 272, Some(4))]);
        assert_eq!(
            parse_frame("bei Acme.T.M() in /src/T.cs:Zeile 12"),
            Some(Some(("Acme.T.M", "/src/T.cs", 12)))
        );
        assert_eq!(
            parse_frame("à Acme.T.M(String s) dans D:\\a\\T.cs:ligne 5"),
            Some(Some(("Acme.T.M", "D:\\a\\T.cs", 5)))
        );
        assert_eq!(
            parse_frame("bei Vishnu.Vm.Get() in C:\\Users\\m\\Vm.cs: Zeile49"),
            Some(Some(("Vishnu.Vm.Get", "C:\\Users\\m\\Vm.cs", 49)))
        );
        assert_eq!(parse_frame("at Xunit.Assert.True(Boolean c)"), Some(None));
        assert_eq!(parse_frame("Assert.Equal() Failure: Values differ"), None);
        assert_eq!(parse_frame("at least (5) items"), None);
    }

    #[test]
    fn xunit_runner_lines_then_terminal_logger_merge() {
        let tests = run("\
[xUnit.net 00:00:00.08]     MyTests.UnitTest1.Theory(value: 6) [FAIL]
[xUnit.net 00:00:00.09]       Assert.True() Failure
[xUnit.net 00:00:00.09]       Expected: True
[xUnit.net 00:00:00.09]       Actual:   False
[xUnit.net 00:00:00.09]       Stack Trace:
[xUnit.net 00:00:00.09]         UnitTest1.cs(28,0): at MyTests.UnitTest1.Theory(Int32 value)
[xUnit.net 00:00:00.09]     MyTests.UnitTest1.Passing [PASS]
[xUnit.net 00:00:00.09]   Finished:    MyTests
  MyTests test failed with 1 error(s) (0.5s)
    UnitTest1.cs(28): error TESTERROR:
      MyTests.UnitTest1.Theory(value: 6) (< 1ms): Error Message: Assert.True() Failure
      Expected: True
      Actual:   False
      Stack Trace:
         at MyTests.UnitTest1.Theory(Int32 value) in UnitTest1.cs:line 28

Test summary: total: 2, failed: 1, succeeded: 1, skipped: 0, duration: 0.4s
");
        assert_eq!(
            statuses(&tests),
            [
                ("MyTests.UnitTest1.Theory(value: 6)", TestStatus::Failed),
                ("MyTests.UnitTest1.Passing", TestStatus::Passed)
            ]
        );
        let t = &tests[0];
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("True"), Some("False"))
        );
        assert_eq!(locs(t), [("UnitTest1.cs", 28, Some(14))]);
        assert_eq!(t.duration_ms, Some(1));
    }

    #[test]
    fn mstest_values_and_testing_platform_lines() {
        let tests = run("\
failed Acme.Tests.MathTests.Divides (15ms)
  Assert.AreEqual failed. Expected:<2>. Actual:<3>.
  Stack Trace:
    at Acme.Tests.MathTests.Divides() in C:\\src\\MathTests.cs:21
passed Acme.Tests.MathTests.Adds (1ms)
");
        assert_eq!(
            statuses(&tests),
            [
                ("Acme.Tests.MathTests.Divides", TestStatus::Failed),
                ("Acme.Tests.MathTests.Adds", TestStatus::Passed)
            ]
        );
        let t = &tests[0];
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("2"), Some("3"))
        );
        assert_eq!(locs(t), [("C:\\src\\MathTests.cs", 21, Some(3))]);
        assert_eq!(t.duration_ms, Some(15));
    }

    #[test]
    fn old_vstest_glyphs_and_nunit_values() {
        let tests = run("\
  √ Adds [3ms]
  X AddFirstOne [130ms]
  Error Message:
     Expected: 10
  But was:  0
  Stack Trace:
     at FluentAssertions.Execution.LateBoundTestFramework.Throw(String message)
   at Shop.Tests.CartTests.AddFirstOne() in D:\\a\\shop\\CartTests.cs:line 31
  ! Later [1ms]
    √ adds numbers (5 ms)
    √ adds [5 ms]
");
        assert_eq!(
            statuses(&tests),
            [
                ("Adds", TestStatus::Passed),
                ("AddFirstOne", TestStatus::Failed),
                ("Later", TestStatus::Skipped),
                ("adds", TestStatus::Passed)
            ]
        );
        let t = &tests[1];
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("10"), Some("0"))
        );
        assert_eq!(locs(t), [("D:\\a\\shop\\CartTests.cs", 31, Some(7))]);
        assert_eq!(t.duration_ms, Some(130));
    }

    #[test]
    fn display_names_with_spaces() {
        let tests = run("\
    adds two numbers [FAIL]
      Assert.Equal() Failure
  Passed subtracts numbers [2 ms]
");
        assert_eq!(
            statuses(&tests),
            [
                ("adds two numbers", TestStatus::Failed),
                ("subtracts numbers", TestStatus::Passed)
            ]
        );
    }

    #[test]
    fn assertion_library_values() {
        assert_eq!(
            mstest_expected_actual("Expected value to be 10, but found 0."),
            Some(("10".to_owned(), "0".to_owned()))
        );
        assert_eq!(
            mstest_expected_actual("result.Total should be 10 but was 7"),
            Some(("10".to_owned(), "7".to_owned()))
        );
        assert_eq!(mstest_expected_actual("Expected no exceptions."), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("< 1 ms"), Some(1));
        assert_eq!(parse_duration("2 m 3 s"), Some(123_000));
        assert_eq!(parse_duration("1.5s"), Some(1500));
        assert_eq!(parse_duration("soon"), None);
    }
}
