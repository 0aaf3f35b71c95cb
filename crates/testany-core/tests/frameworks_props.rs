//! Bad input for the log analysis (issue 14): arbitrary bytes and fragments of every
//! framework's output never panic the normaliser, the framework modules or the location
//! extractor; what they report stays bounded (ids within `MAX_ID`, messages within
//! `MAX_TEXT`, at most `MAX_TEST_LOCATIONS` frames a test, every location on a 1-based
//! line that lies inside the log); and the two extreme shapes of a huge log, one 10 MB
//! line and 10 million empty lines, give the right results. How fast they are is
//! measured in the benchmarks, not here.

use proptest::prelude::*;
use testany_core::frameworks::{
    Analysis, Analyzer, Framework, MAX_ID, MAX_TEST_LOCATIONS, MAX_TEXT, TestStatus, analyze,
};
use testany_core::normalize::Normalizer;

/// The bounds every analysis keeps, for a log of `lines` lines.
fn check_bounds(a: &Analysis, lines: usize) -> Result<(), TestCaseError> {
    for t in &a.tests {
        prop_assert!(t.id.len() <= MAX_ID, "id of {} bytes", t.id.len());
        prop_assert!(t.message.as_ref().is_none_or(|m| m.len() <= MAX_TEXT));
        prop_assert!(t.expected.as_ref().is_none_or(|m| m.len() <= MAX_TEXT));
        prop_assert!(t.actual.as_ref().is_none_or(|m| m.len() <= MAX_TEXT));
        prop_assert!(t.locations.len() <= MAX_TEST_LOCATIONS);
        prop_assert!(t.log_line < lines, "test on line {} of {lines}", t.log_line);
    }
    for l in a
        .tests
        .iter()
        .flat_map(|t| &t.locations)
        .chain(&a.locations)
    {
        prop_assert!(l.line >= 1, "line 0 at {}", l.path);
        prop_assert!(
            l.log_line.is_none_or(|n| n < lines),
            "location on line {:?} of {lines}",
            l.log_line
        );
    }
    Ok(())
}

/// Lines glued from `pieces` (each framework's own shapes), escapes, CRs, line breaks
/// and arbitrary characters.
fn soup(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => prop::sample::select(pieces).prop_map(str::to_owned),
        1 => Just("\n".to_owned()),
        1 => Just("\r\n".to_owned()),
        1 => Just("\x1b[31m".to_owned()),
        1 => Just("2023-06-28T21:11:43.1651496Z ".to_owned()),
        1 => "[0-9]{1,6}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

const PYTEST: &[&str] = &[
    "tests/test_a.py::test_x",
    "[a b-1]",
    " PASSED",
    " FAILED",
    " ERROR",
    "[ 50%]",
    "[gw0] ",
    "FAILED ",
    " - ",
    "=== FAILURES ===",
    "____ test_x ____",
    "E   assert 1 == 2",
    "tests/test_a.py:12: AssertionError",
    "  File \"/w/t.py\", line 3, in f",
    "Traceback (most recent call last):",
    "== 1 failed, 2 passed in 0.1s ==",
];
const UNITTEST: &[&str] = &[
    "test_a (m.T.test_a) ... ok",
    "test_b (m.T.test_b) ... FAIL",
    " ... ERROR",
    "ERROR: test_c (m.T.test_c)",
    "FAIL: test_b (m.T)",
    "======================================================================",
    "----------------------------------------------------------------------",
    "Ran 3 tests in 0.001s",
    "FAILED (failures=1)",
    "  File \"/w/m.py\", line 9, in test_b",
    "AssertionError: 1 != 2",
];
const JUNIT: &[&str] = &[
    "[INFO] Running com.acme.ATest",
    "[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.1 s <<< FAILURE! - in com.acme.ATest",
    "[ERROR] t(com.acme.ATest)  Time elapsed: 0.01 s  <<< FAILURE!",
    "[ERROR] com.acme.ATest.t:12 expected:<1> but was:<2>",
    "\tat com.acme.ATest.t(ATest.java:12)",
    "\tat org.junit.Assert.fail(Assert.java:88)",
    "ATest > t() FAILED",
    "    java.lang.AssertionError at ATest.kt:9",
    "Caused by: java.lang.IllegalStateException",
    "\t... 9 more",
    "/D:/w/src/A.java:[27,20] error",
];
const PLAYWRIGHT: &[&str] = &[
    "  ✘  1 [chromium] › e2e/a.spec.ts:3:5 › suite › title (1.2s)",
    "  ✓  2 [chromium] › e2e/a.spec.ts:9:5 › other (300ms)",
    "  -  3 [firefox] › e2e/b.spec.ts:1:1 › skipped",
    "  1) [chromium] › e2e/a.spec.ts:3:5 › suite › title ",
    " (retry #1)",
    "    Error: expect(received).toBe(expected)",
    "    Expected: 1",
    "    Received: 2",
    "      at e2e/a.spec.ts:5:13",
    "  1 failed",
    "  1 flaky",
    "[WebServer] ",
];
const JEST: &[&str] = &[
    "FAIL src/a.test.ts",
    "PASS src/b.test.ts (5 s)",
    " FAIL  src/a.test.ts > suite > test",
    "  ● suite › test",
    "  ✕ test (3 ms)",
    "  ✓ ok (1 ms)",
    "    expect(received).toBe(expected)",
    "    Expected: 1",
    "    Received: 2",
    "      at Object.<anonymous> (src/a.test.ts:4:20)",
    " ❯ src/a.test.ts:17:11",
    "  1) suite",
    "       test:",
    "  2 passing (5ms)",
    "Tests:       1 failed, 1 passed, 2 total",
];
const NEWMAN: &[&str] = &[
    "→ Request",
    "  GET https://x/y [200 OK, 1kB, 10ms]",
    "  ✓  status is 200",
    "  1. body has id",
    "❏ Folder",
    "│ executed │ failed │",
    "# failure detail",
    "1.  AssertionError  body has id",
    "                    expected 1 to deeply equal 2",
    "                    at assertion:1 in test-script",
    "                    inside \"Folder / Request\"",
];
const GO: &[&str] = &[
    "=== RUN   TestX",
    "=== RUN   TestX/sub",
    "=== PAUSE TestX",
    "=== CONT  TestX",
    "--- FAIL: TestX (0.00s)",
    "    --- PASS: TestX/sub (0.01s)",
    "--- SKIP: TestY (0.00 seconds)",
    "    x_test.go:12: boom",
    "        \tError Trace:\tx_test.go:41",
    "        \tError:      \tNot equal:",
    "        \tTest:       \tTestX/sub",
    "panic: oops [recovered]",
    "goroutine 7 [running]:",
    "\t/go/pkg/mod/github.com/a/b@v1.2.3/c.go:9 +0x1",
    "# example.com/m",
    "./x_test.go:6:10: undefined: y",
    "FAIL\texample.com/m\t0.01s",
    "PASS | Sample (0.00s)",
    "BUILD| example.com/m",
    "* /w/x_test.go",
    "Line 35:",
];
const RUST: &[&str] = &[
    "running 2 tests",
    "test tests::a ... ok",
    "test tests::b ... FAILED",
    "test tests::c ... ignored",
    "---- tests::b stdout ----",
    "thread 'tests::b' panicked at src/lib.rs:10:5:",
    "thread 'tests::b' panicked at 'assertion failed: `(left == right)`",
    "right: `1`', src/lib.rs:26:9",
    "failures:",
    "    tests::b",
    "test result: FAILED. 1 passed; 1 failed; 0 ignored",
];
const DOTNET: &[&str] = &[
    "  Failed Ns.C.M(x: 1) [12 ms]",
    "  Passed Ns.C.N [1 ms]",
    "  Skipped Ns.C.O",
    "  Error Message:",
    "   Assert.Equal() Failure",
    "  Stack Trace:",
    "     at Ns.C.M() in /_/test/X.cs:line 280",
    "     en Ns.C.M() en C:\\w\\X.cs:línea 272",
    "X.cs(14,0): error TESTERROR: Ns.C.M (1ms): Error Message: boom",
    "[xUnit.net 00:00:00.50]     Ns.C.M [FAIL]",
];
const RUBY: &[&str] = &[
    "Failures:",
    "  1) Thing does x",
    "     Failure/Error: expect(1).to eq(2)",
    "       expected: 2",
    "            got: 1",
    "     # ./spec/thing_spec.rb:5:in 'block (2 levels) in <top (required)>'",
    "rspec ./spec/thing_spec.rb:4 # Thing does x",
    "  does x (FAILED - 1)",
    "Run options: --seed 1",
    "ThingTest#test_x [test/thing_test.rb:9]:",
    "Failing Scenarios:",
    "cucumber features/x.feature:24 # Scenario: y",
    "    features/x.feature:24:in 'Then ok'",
    "Feature: F",
    "  Scenario: S",
    "3 examples, 1 failure",
];
const PHPUNIT: &[&str] = &[
    "There was 1 failure:",
    "1) Tests\\FooTest::testBar",
    "1) Tests\\FooTest::testBar with data set \"a b\" (1, 2)",
    "Failed asserting that 1 matches expected 2.",
    "/w/tests/FooTest.php:12",
    "--- Expected",
    "+++ Actual",
    "FAILURES!",
    "Tests: 2, Assertions: 2, Failures: 1.",
    "OK (2 tests, 2 assertions)",
];

/// Analyses `log` whole and checks the bounds, and that streaming gives the same.
fn check(log: &str) -> Result<(), TestCaseError> {
    let lines = log.split('\n').count();
    let a = analyze(None, log);
    check_bounds(&a, lines)?;
    let mut streamed = Analyzer::new();
    for line in log.split('\n') {
        streamed.line(line);
    }
    prop_assert_eq!(streamed.finish(), a);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_never_panic_and_stay_bounded(
        error in prop::collection::vec(any::<u8>(), 0..200),
        log in prop::collection::vec(any::<u8>(), 0..4000),
    ) {
        let error = String::from_utf8_lossy(&error);
        let log = String::from_utf8_lossy(&log);
        let a = analyze(Some(&error), &log);
        check_bounds(&a, log.split('\n').count())?;
    }

    #[test]
    fn normaliser_on_arbitrary_bytes_only_removes_text(
        bytes in prop::collection::vec(any::<u8>(), 0..4000),
    ) {
        let text = String::from_utf8_lossy(&bytes);
        let mut n = Normalizer::new();
        for line in text.split('\n') {
            let out = n.line(line);
            prop_assert!(out.len() <= line.len());
            prop_assert!(!out.contains('\x1b'));
            prop_assert!(!out.ends_with('\r'));
        }
    }

    #[test]
    fn pytest_fragments(log in soup(PYTEST)) { check(&log)?; }
    #[test]
    fn unittest_fragments(log in soup(UNITTEST)) { check(&log)?; }
    #[test]
    fn junit_fragments(log in soup(JUNIT)) { check(&log)?; }
    #[test]
    fn playwright_fragments(log in soup(PLAYWRIGHT)) { check(&log)?; }
    #[test]
    fn jest_fragments(log in soup(JEST)) { check(&log)?; }
    #[test]
    fn newman_fragments(log in soup(NEWMAN)) { check(&log)?; }
    #[test]
    fn go_fragments(log in soup(GO)) { check(&log)?; }
    #[test]
    fn rust_fragments(log in soup(RUST)) { check(&log)?; }
    #[test]
    fn dotnet_fragments(log in soup(DOTNET)) { check(&log)?; }
    #[test]
    fn ruby_fragments(log in soup(RUBY)) { check(&log)?; }
    #[test]
    fn phpunit_fragments(log in soup(PHPUNIT)) { check(&log)?; }
}

/// Hostile ids: a test name of 100 KB is cut to `MAX_ID`, in every family that reads it.
#[test]
fn huge_test_names_are_cut() {
    let name = "x".repeat(100_000);
    let log = format!(
        "--- FAIL: Test{name} (0.00s)\ntest tests::{name} ... FAILED\n=== short test summary info ===\nFAILED tests/test_a.py::test_{name} - boom\n"
    );
    let a = analyze(None, &log);
    let mut got: Vec<(Framework, usize)> =
        a.tests.iter().map(|t| (t.framework, t.id.len())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            (Framework::Pytest, MAX_ID),
            (Framework::Go, MAX_ID),
            (Framework::Rust, MAX_ID),
        ]
    );
}

/// One line of 10 MB: nothing in plain text; a pytest summary line of that size is read,
/// its message cut to `MAX_TEXT`.
#[test]
fn a_10_mb_single_line_log() {
    let plain = "a".repeat(10 * 1024 * 1024);
    assert_eq!(analyze(None, &plain), Analysis::default());
    let mut log =
        String::from("=== short test summary info ===\nFAILED tests/test_a.py::test_x - ");
    log.push_str("AssertionError: ");
    log.push_str(&plain);
    let a = analyze(None, &log);
    let t = &a.tests;
    assert_eq!(
        t.len(),
        1,
        "{:?}",
        t.iter().map(|t| &t.id).collect::<Vec<_>>()
    );
    assert_eq!(
        (t[0].id.as_str(), t[0].status, t[0].log_line),
        ("tests/test_a.py::test_x", TestStatus::Failed, 1)
    );
    let m = t[0].message.as_deref().unwrap_or("");
    assert!(
        m.len() <= MAX_TEXT && m.starts_with("AssertionError: aaa"),
        "{m:.80}"
    );
}

/// Ten million empty lines, then a Go failure: found, on the right line numbers.
#[test]
fn ten_million_empty_lines_then_a_failure() {
    const EMPTY: usize = 10_000_000;
    let mut a = Analyzer::new();
    for _ in 0..EMPTY {
        a.line("");
    }
    a.line("--- FAIL: TestX (0.00s)");
    a.line("    x_test.go:3: boom");
    a.line("FAIL\texample.com/m\t0.01s");
    let a = a.finish();
    let t: Vec<_> = a
        .tests
        .iter()
        .map(|t| (t.id.as_str(), t.status, t.log_line))
        .collect();
    assert_eq!(t, [("TestX", TestStatus::Failed, EMPTY)]);
    let p = a.primary().expect("a primary location");
    assert_eq!(
        (p.path.as_str(), p.line, p.log_line),
        ("example.com/m/x_test.go", 3, Some(EMPTY + 1))
    );
}
