//! Python unittest (also Django's runner): `-v` lines, `FAIL:`/`ERROR:` blocks with their
//! tracebacks, progress letters, `Ran N tests`, `--durations`.
//!
//! Ids are `module.Class.method` as printed: Python 3.11+ prints the whole id in the
//! parentheses (`test_x (pkg.mod.Class.test_x)`), older versions the class only
//! (`test_x (pkg.mod.Class)`), which gives the same id; an import error of a test module
//! is `unittest.loader._FailedTest.<module>`. `subTest` failures (`FAIL: test_x (...)
//! (i=1)`) belong to their test. `expected failure` maps to [`TestStatus::Skipped`] like
//! pytest's XFAIL; `unexpected success` to [`TestStatus::Failed`], since unittest fails the
//! run for it.
//!
//! unittest prints all ERROR blocks before all FAIL blocks; when the progress letters
//! (`.F.E`) are in the log, the k-th `F` is the k-th FAIL block and the k-th `E` the k-th
//! ERROR block, so the blocks are reported in run order when a run ends (`Ran N tests`).
//! The failure location is the innermost project frame of the last exception of a chain.

use super::generic::LocationKind;
use super::pytest::{Frames, Pending, emit, frame, python_frame};
use super::{Framework, MAX_ID, MAX_TESTS, MAX_TEXT, Parser, Report, TestResult, TestStatus, clip};

/// Reads Python unittest output from a case log (see the module documentation).
#[derive(Debug, Default)]
pub struct UnittestParser {
    block: Option<Block>,
    blocks: Vec<Block>,
    /// `F` and `E` progress letters in run order.
    letters: Vec<u8>,
    /// A `-v` line that named a test before its status (docstring line, printed output).
    awaiting: Option<(String, usize)>,
    /// Inside Python 3.12's `Slowest test durations`.
    durations: bool,
}

#[derive(Debug)]
struct Block {
    id: String,
    status: TestStatus,
    start: usize,
    end: usize,
    /// The `-----` line under the header was seen (the traceback follows it).
    ruled: bool,
    frames: Frames,
    after_frame: bool,
    message: Option<String>,
    /// The first line of the block (for import errors: `ImportError: Failed to import`).
    first_line: Option<String>,
    /// The file of the frame that runs the test method (`File "...", in test_x`).
    file: Option<String>,
}

impl Parser for UnittestParser {
    fn framework(&self) -> Framework {
        Framework::Unittest
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        let bytes = line.as_bytes();
        let Some(&first) = bytes.first() else {
            return;
        };
        if first == b'=' && is_rule(bytes, b'=') {
            self.close_block();
            return;
        }
        if self.block.is_some() {
            self.block_line(line, n);
            return;
        }
        match first {
            b'F' | b'E' | b'U' => {
                if let Some((status, rest)) = header(line) {
                    if let Some((id, _)) = test_id(rest) {
                        self.block = Some(Block::new(id, status, n));
                    }
                    return;
                }
            }
            b'R' if line.starts_with("Ran ") && line.contains(" test") => {
                self.flush(report);
                return;
            }
            b'S' if line.starts_with("Slowest test durations") => {
                self.durations = true;
                return;
            }
            _ => {}
        }
        if self.durations && first.is_ascii_digit() {
            self.duration_line(line, report);
            return;
        }
        if matches!(first, b'.' | b'F' | b'E' | b's' | b'x' | b'u')
            && bytes
                .iter()
                .all(|b| matches!(b, b'.' | b'F' | b'E' | b's' | b'x' | b'u'))
        {
            for &b in bytes {
                if matches!(b, b'F' | b'E') && self.letters.len() < MAX_TESTS {
                    self.letters.push(b);
                }
            }
            return;
        }
        if first == b't' && line.starts_with("test") {
            self.verbose_line(line, n, report);
            return;
        }
        // Python 3.11+ `-v` prints each failing subTest indented under its test:
        // `  test_x (pkg.T.test_x) (i=1) ... FAIL`.
        if first == b' ' && line.starts_with("  test") {
            self.awaiting = None;
            self.verbose_line(line.trim_start(), n, report);
            return;
        }
        if self.awaiting.is_some() {
            self.awaited_status(line, report);
        }
    }

    fn finish(&mut self, report: &mut Report) {
        self.flush(report);
    }

    /// Outside a block, a `--durations` list and a pending `-v` line, a line matters by
    /// its first byte: rules, headers, `Ran N tests`, progress letters, `test_x (...)`.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const BETWEEN: Interest = Interest {
            top: ByteSet::of(b"=FEURS.sxut"),
            indented: ByteSet::of(b"t"),
            ..Interest::NONE
        };
        if self.block.is_some() || self.awaiting.is_some() || self.durations {
            return &Interest::ALL;
        }
        &BETWEEN
    }
}

impl UnittestParser {
    /// `test_x (pkg.Class.test_x) ... ok`, or its first part when the status comes later.
    fn verbose_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let Some((id, rest)) = test_id(line) else {
            return;
        };
        match rest.split_once(" ... ") {
            Some((_, status)) => match status_of(status) {
                Some(s) => {
                    self.awaiting = None;
                    report_now(&id, s, n, report);
                }
                None => self.awaiting = Some((id, n)),
            },
            None if rest.ends_with(" ...") => self.awaiting = Some((id, n)),
            None => self.awaiting = Some((id, n)),
        }
    }

    /// A line after a `-v` line without status: `Docstring ... ok` or a bare `ok`.
    fn awaited_status(&mut self, line: &str, report: &mut Report) {
        let status = match line.rsplit_once(" ... ") {
            Some((_, s)) => status_of(s),
            None => status_of(line),
        };
        if let Some(s) = status
            && let Some((id, at)) = self.awaiting.take()
        {
            report_now(&id, s, at, report);
        }
    }

    fn block_line(&mut self, line: &str, n: usize) {
        let Some(b) = self.block.as_mut() else {
            return;
        };
        let bytes = line.as_bytes();
        if bytes.first() == Some(&b'-') && is_rule(bytes, b'-') {
            if b.ruled && (b.after_frame || b.message.is_some()) {
                // The rule above `Ran N tests`: the last block ended.
                self.close_block();
            } else {
                b.ruled = true;
            }
            return;
        }
        b.end = n;
        if !b.ruled {
            return;
        }
        let indent = bytes.iter().take_while(|c| **c == b' ').count();
        let t = line.get(indent..).unwrap_or("").trim_end();
        if let Some((path, line_no)) = python_frame(t) {
            let method = b.id.rsplit('.').next().unwrap_or("");
            if b.file.is_none() && t.rsplit_once(", in ").is_some_and(|(_, f)| f == method) {
                b.file = Some(path.to_owned());
            }
            b.frames.push(frame(path, line_no, n, LocationKind::Python));
            b.after_frame = true;
            return;
        }
        if t.starts_with("During handling of the above exception")
            || t.starts_with("The above exception was the direct cause")
        {
            b.frames.chain();
            return;
        }
        if indent == 0 && !t.is_empty() {
            if b.first_line.is_none() {
                b.first_line = Some(clip(t, MAX_TEXT).to_owned());
            }
            if b.after_frame && !t.starts_with("Traceback") {
                b.message = Some(clip(t, MAX_TEXT).to_owned());
                b.after_frame = false;
            }
        }
    }

    fn close_block(&mut self) {
        if let Some(b) = self.block.take()
            && self.blocks.len() < MAX_TESTS
        {
            self.blocks.push(b);
        }
    }

    /// `0.123s     test_x (pkg.Class.test_x)` under `Slowest test durations`.
    fn duration_line(&mut self, line: &str, report: &mut Report) {
        let Some((secs, rest)) = line.split_once(' ') else {
            return;
        };
        let (Some(v), Some((id, _))) = (
            secs.strip_suffix('s').and_then(|s| s.parse::<f64>().ok()),
            test_id(rest.trim_start()),
        ) else {
            return;
        };
        if (0.0..1e12).contains(&v)
            && let Some(t) = report.get_mut(Framework::Unittest, &id)
        {
            t.duration_ms = Some((v * 1000.0).round() as u64);
        }
    }

    /// A run ended: report its blocks in run order.
    fn flush(&mut self, report: &mut Report) {
        self.close_block();
        self.durations = false;
        self.awaiting = None;
        let blocks = std::mem::take(&mut self.blocks);
        let letters = std::mem::take(&mut self.letters);
        let mut fails = std::collections::VecDeque::new();
        let mut errors = std::collections::VecDeque::new();
        for b in blocks {
            if b.status == TestStatus::Error {
                errors.push_back(b);
            } else {
                fails.push_back(b);
            }
        }
        let mut ordered = Vec::with_capacity(fails.len() + errors.len());
        for l in letters {
            let next = if l == b'F' {
                fails.pop_front()
            } else {
                errors.pop_front()
            };
            ordered.extend(next);
        }
        let mut left: Vec<Block> = errors.into_iter().chain(fails).collect();
        left.sort_by_key(|b| b.start);
        ordered.extend(left);
        let mut done: std::collections::HashSet<String> = std::collections::HashSet::new();
        for b in ordered {
            // Several subTest failures of one test: the first one speaks for it.
            if !done.insert(b.id.clone()) {
                continue;
            }
            emit(Framework::Unittest, b.into_pending(), report);
        }
    }
}

fn report_now(id: &str, status: TestStatus, n: usize, report: &mut Report) {
    let mut t = TestResult::new(Framework::Unittest, id, status, n);
    t.name = id.rsplit('.').next().unwrap_or(id).to_owned();
    report.test(t);
}

impl Block {
    fn new(id: String, status: TestStatus, n: usize) -> Self {
        Block {
            id,
            status,
            start: n,
            end: n,
            ruled: false,
            frames: Frames::default(),
            after_frame: false,
            message: None,
            first_line: None,
            file: None,
        }
    }

    fn into_pending(self) -> Pending {
        let message = self.message.or(self.first_line);
        let mut locations = self.frames.innermost_first();
        for l in &mut locations {
            l.message = message.as_deref().map(|m| clip(m, 500).to_owned());
        }
        Pending {
            id: self.id,
            status: self.status,
            message,
            expected: None,
            actual: None,
            locations,
            lines: Some((self.start, self.end)),
            log_line: self.start,
            rerun: false,
            file: self.file,
            test: None,
            values_later: false,
        }
    }
}

/// A line of one repeated byte (unittest's separators are 70 wide).
fn is_rule(bytes: &[u8], ch: u8) -> bool {
    let t = bytes.trim_ascii_end();
    t.len() >= 20 && t.iter().all(|&b| b == ch)
}

/// `FAIL: `, `ERROR: `, `UNEXPECTED SUCCESS: ` block headers.
fn header(line: &str) -> Option<(TestStatus, &str)> {
    if let Some(r) = line.strip_prefix("FAIL: ") {
        return Some((TestStatus::Failed, r));
    }
    if let Some(r) = line.strip_prefix("ERROR: ") {
        return Some((TestStatus::Error, r));
    }
    line.strip_prefix("UNEXPECTED SUCCESS: ")
        .map(|r| (TestStatus::Failed, r))
}

/// `test_x (pkg.Class.test_x)` or `test_x (pkg.Class)` at the start of `s`: the id
/// `pkg.Class.test_x` and what follows the parentheses.
fn test_id(s: &str) -> Option<(String, &str)> {
    // The name is the first word and `(` follows its space: one `memchr` rejects the rest.
    let open = memchr::memchr(b' ', s.as_bytes())?;
    if open == 0 || s.as_bytes().get(open + 1) != Some(&b'(') {
        return None;
    }
    let name = s.get(..open)?;
    let after = s.get(open + 2..)?;
    let close = memchr::memchr(b')', after.as_bytes())?;
    let dotted = after.get(..close)?;
    if dotted.is_empty() || dotted.contains(' ') || !dotted.contains('.') && !dotted.contains('_') {
        return None;
    }
    let rest = after.get(close + 1..).unwrap_or("");
    let id = match dotted.strip_suffix(name) {
        Some(head) if head.ends_with('.') => dotted.to_owned(),
        _ => format!("{dotted}.{name}"),
    };
    Some((clip(&id, MAX_ID).to_owned(), rest))
}

/// unittest's verbose status words.
fn status_of(s: &str) -> Option<TestStatus> {
    let s = s.trim();
    // `ok (0.012s)`: a duration after the word.
    let s = match s.rsplit_once(" (") {
        Some((word, time)) if time.ends_with("s)") && !word.starts_with("skipped") => word,
        _ => s,
    };
    match s {
        "ok" => Some(TestStatus::Passed),
        "FAIL" => Some(TestStatus::Failed),
        "ERROR" => Some(TestStatus::Error),
        "expected failure" => Some(TestStatus::Skipped),
        "unexpected success" => Some(TestStatus::Failed),
        _ if s.starts_with("skipped") => Some(TestStatus::Skipped),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::generic::FailureLocation;
    use super::super::{Analysis, analyze};
    use super::*;

    fn statuses(a: &Analysis) -> Vec<(&str, TestStatus)> {
        a.tests
            .iter()
            .filter(|t| t.framework == Framework::Unittest)
            .map(|t| (t.id.as_str(), t.status))
            .collect()
    }

    #[test]
    fn verbose_new_and_old_id_forms_and_every_status_word() {
        let log = "\
test_a (pkg.mod.TestA.test_a) ... ok
test_b (pkg.mod.TestA) ... FAIL
test_c (pkg.mod.TestA.test_c) ... ERROR
test_d (pkg.mod.TestA.test_d) ... skipped 'no network'
test_e (pkg.mod.TestA.test_e) ... expected failure
test_f (pkg.mod.TestA.test_f) ... unexpected success
test_g (pkg.mod.TestA.test_g)
Checks the docstring form. ... ok
test_h (pkg.mod.TestA.test_h) ... printed by the test
ok
";
        assert_eq!(
            statuses(&analyze(None, log)),
            [
                ("pkg.mod.TestA.test_a", TestStatus::Passed),
                ("pkg.mod.TestA.test_b", TestStatus::Failed),
                ("pkg.mod.TestA.test_c", TestStatus::Error),
                ("pkg.mod.TestA.test_d", TestStatus::Skipped),
                ("pkg.mod.TestA.test_e", TestStatus::Skipped),
                ("pkg.mod.TestA.test_f", TestStatus::Failed),
                ("pkg.mod.TestA.test_g", TestStatus::Passed),
                ("pkg.mod.TestA.test_h", TestStatus::Passed),
            ]
        );
    }

    #[test]
    fn blocks_give_message_and_innermost_project_frame() {
        let log = "\
test_one (tests.test_x.T.test_one) ... FAIL

======================================================================
FAIL: test_one (tests.test_x.T.test_one)
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"/w/p/tests/test_x.py\", line 12, in test_one
    self.assertEqual(total([1, 2]), 4)
  File \"/w/p/app/calc.py\", line 3, in total
    return helper(xs)
  File \"C:\\Python311\\Lib\\functools.py\", line 9, in helper
    raise AssertionError('3 != 4')
AssertionError: 3 != 4

----------------------------------------------------------------------
Ran 1 test in 0.001s

FAILED (failures=1)
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        let loc = |path: &str, line, log_line| FailureLocation {
            path: path.into(),
            line,
            column: None,
            message: Some("AssertionError: 3 != 4".into()),
            log_line: Some(log_line),
            kind: LocationKind::Python,
        };
        let want = TestResult {
            framework: Framework::Unittest,
            id: "tests.test_x.T.test_one".into(),
            name: "test_one".into(),
            file: Some("/w/p/tests/test_x.py".into()),
            line: None,
            status: TestStatus::Failed,
            duration_ms: None,
            message: Some("AssertionError: 3 != 4".into()),
            expected: None,
            actual: None,
            locations: vec![
                loc("/w/p/app/calc.py", 3, 8),
                loc("/w/p/tests/test_x.py", 12, 6),
            ],
            failure_lines: Some((3, 12)),
            log_line: 0,
        };
        assert_eq!(t, &want);
    }

    #[test]
    fn dots_order_errors_and_failures_in_run_order_and_import_errors_are_errors() {
        // unittest prints ERROR blocks first; `FE` says the failure came first.
        let log = "\
FE
======================================================================
ERROR: test_models (unittest.loader._FailedTest)
----------------------------------------------------------------------
ImportError: Failed to import test module: test_models
Traceback (most recent call last):
  File \"/usr/lib/python3.8/unittest/loader.py\", line 436, in _find_test_path
    module = self._get_module_from_name(name)
  File \"/app/models/__init__.py\", line 3, in <module>
    from models.amenity import Amenity
AttributeError: partially initialized module 'models' has no attribute 'x'

======================================================================
FAIL: test_sum (test_calc.CalcTest)
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"/app/test_calc.py\", line 8, in test_sum
    self.assertEqual(1 + 1, 3)
AssertionError: 2 != 3

----------------------------------------------------------------------
Ran 2 tests in 0.001s

FAILED (failures=1, errors=1)
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [
                ("test_calc.CalcTest.test_sum", TestStatus::Failed),
                ("unittest.loader._FailedTest.test_models", TestStatus::Error),
            ]
        );
        assert_eq!(
            a.primary().map(|l| (l.path.as_str(), l.line)),
            Some(("/app/test_calc.py", 8))
        );
        assert_eq!(
            a.tests.get(1).and_then(|t| t.message.as_deref()),
            Some("AttributeError: partially initialized module 'models' has no attribute 'x'")
        );
    }

    #[test]
    fn subtest_failures_belong_to_their_test_and_the_first_speaks() {
        let log = "\
======================================================================
FAIL: test_even (__main__.NumbersTest.test_even) (i=1)
Test that numbers between 0 and 5 are all even.
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"subtests.py\", line 11, in test_even
    self.assertEqual(i % 2, 0)
    ^^^^^^^^^^^^^^^^^^^^^^^^^^
AssertionError: 1 != 0

======================================================================
FAIL: test_even (__main__.NumbersTest.test_even) (i=3)
Test that numbers between 0 and 5 are all even.
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"subtests.py\", line 12, in test_even
    self.assertEqual(i % 2, 0)
AssertionError: 3 != 0
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        assert_eq!(
            (
                statuses(&a),
                t.message.as_deref(),
                t.locations.first().map(|l| l.line)
            ),
            (
                vec![("__main__.NumbersTest.test_even", TestStatus::Failed)],
                Some("AssertionError: 1 != 0"),
                Some(11)
            )
        );
    }

    #[test]
    fn chained_exception_takes_the_last_traceback() {
        let log = "\
======================================================================
ERROR: test_fetch (app.tests.FetchTest.test_fetch)
----------------------------------------------------------------------
Traceback (most recent call last):
  File \"/w/app/client.py\", line 114, in fetch
    raise ClientError(status)
app.client.ClientError: 401

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File \"/w/app/tests.py\", line 40, in test_fetch
    client.search()
  File \"/w/app/client.py\", line 160, in search
    raise SearchError('failed') from e
app.client.SearchError: failed

----------------------------------------------------------------------
Ran 1 test in 0.010s
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        assert_eq!(
            (
                t.locations.first().map(|l| (l.path.as_str(), l.line)),
                t.message.as_deref()
            ),
            (
                Some(("/w/app/client.py", 160)),
                Some("app.client.SearchError: failed")
            )
        );
    }

    #[test]
    fn indented_subtest_lines_mark_their_test() {
        let log = "\
test_even (__main__.NumbersTest.test_even) ... 
  test_even (__main__.NumbersTest.test_even) (i=1) ... FAIL
  test_even (__main__.NumbersTest.test_even) (i=3) ... FAIL
test_odd (__main__.NumbersTest.test_odd) ... ok (0.002s)
";
        assert_eq!(
            statuses(&analyze(None, log)),
            [
                ("__main__.NumbersTest.test_even", TestStatus::Failed),
                ("__main__.NumbersTest.test_odd", TestStatus::Passed),
            ]
        );
    }

    #[test]
    fn durations_of_python_3_12() {
        let log = "\
test_slow (t.T.test_slow) ... ok

Slowest test durations
----------------------------------------------------------------------
1.250s     test_slow (t.T.test_slow)

----------------------------------------------------------------------
Ran 1 test in 1.251s

OK
";
        let a = analyze(None, log);
        assert_eq!(a.tests.first().and_then(|t| t.duration_ms), Some(1250));
    }

    #[test]
    fn stdout_glued_to_dots_is_not_a_test() {
        let log = "\
.SELECT * FROM users WHERE name = 'x'
test output (not a test) here
..
----------------------------------------------------------------------
Ran 3 tests in 0.100s

OK
";
        assert_eq!(analyze(None, log).tests, Vec::<TestResult>::new());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn fragments_never_panic_and_stay_bounded(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "test_x (pkg.T.test_x)", "test_x (pkg.T)", " ... ", "ok", "FAIL", "ERROR", "skipped 'x'",
                "expected failure", "unexpected success", "FAIL: ", "ERROR: ", "UNEXPECTED SUCCESS: ",
                "=".repeat(70).leak(), "-".repeat(70).leak(), "Traceback (most recent call last):",
                "  File \"/w/t.py\", line 3, in f", "AssertionError: 1 != 2", " (i=1)",
                "During handling of the above exception, another exception occurred:",
                "Ran 2 tests in 0.1s", "Slowest test durations", "1.5s ", ".FE", "(", ")", "é", "\n", " "
            ]),
            0..80,
        )) {
            let log = parts.concat();
            let lines = log.split('\n').count();
            let a = analyze(None, &log);
            super::super::testutil::prop_bounded(&a, Framework::Unittest, lines)?;
        }
    }
}
