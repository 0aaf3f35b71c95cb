//! Helpers shared by the framework modules' unit tests, so each module keeps only the
//! logs and expectations that are its own.

use super::{Analysis, Framework, MAX_ID, MAX_TEXT, Parser, Report, TestResult, TestStatus};

/// Feeds `log` line by line to a fresh `P`, as [`super::analyze`] would, and returns
/// what that one parser reported.
pub(crate) fn run<P: Parser + Default>(log: &str) -> Vec<TestResult> {
    let mut p = P::default();
    let mut r = Report::default();
    for (n, l) in log.lines().enumerate() {
        p.line(l, n, &mut r);
    }
    p.finish(&mut r);
    let tests = r.into_tests();
    // The analyzer skips lines outside a parser's interest: that must change nothing.
    assert_eq!(
        super::classify::run_gated::<P>(log),
        tests,
        "gated run of {log:?}"
    );
    tests
}

/// Each test's id and status, in report order.
pub(crate) fn statuses(tests: &[TestResult]) -> Vec<(&str, TestStatus)> {
    tests.iter().map(|t| (t.id.as_str(), t.status)).collect()
}

/// A test's locations as (path, line, log line).
pub(crate) fn locs(t: &TestResult) -> Vec<(&str, u32, Option<usize>)> {
    t.locations
        .iter()
        .map(|l| (l.path.as_str(), l.line, l.log_line))
        .collect()
}

/// `rounds` deterministic logs of 40 `pieces` each, glued together by a linear
/// congruential generator (fixed seed, so a failure reproduces), with line breaks
/// after about a third of the pieces.
pub(crate) fn fragment_soups<'a>(
    pieces: &'a [&'a str],
    rounds: usize,
) -> impl Iterator<Item = String> + 'a {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..rounds).map(move |_| {
        let mut log = String::new();
        for _ in 0..40 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            log.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            if (seed >> 20).is_multiple_of(3) {
                log.push('\n');
            }
        }
        log
    })
}

/// A module's fast path ([`Parser::line`]) leaves the module (as `state` shows it) and its
/// report as the full reading `full_line` does, after every line of 400 fragment soups of
/// `pieces` and at the end.
pub(crate) fn assert_fast_path_equals_full<P: Parser + Default>(
    pieces: &[&str],
    full_line: impl Fn(&mut P, &str, usize, &mut Report),
    state: impl Fn(&P) -> String,
) {
    for log in fragment_soups(pieces, 400) {
        let (mut fast, mut full) = (P::default(), P::default());
        let (mut fast_r, mut full_r) = (Report::default(), Report::default());
        for (n, line) in log.lines().enumerate() {
            fast.line(line, n, &mut fast_r);
            full_line(&mut full, line, n, &mut full_r);
            assert_eq!(state(&fast), state(&full), "{line:?} in {log:?}");
        }
        fast.finish(&mut fast_r);
        full.finish(&mut full_r);
        assert_eq!(fast_r.tests(), full_r.tests(), "{log:?}");
        assert_eq!(fast_r.locations(), full_r.locations(), "{log:?}");
    }
}

/// Every test's id fits [`MAX_ID`] and every location has a 1-based line.
pub(crate) fn assert_sane(a: &Analysis) {
    for t in &a.tests {
        assert!(t.id.len() <= MAX_ID, "id of {} bytes", t.id.len());
        assert!(t.locations.iter().all(|l| l.line > 0), "line 0 in {}", t.id);
    }
}

/// [`assert_sane`] for one parser's tests inside a proptest.
pub(crate) fn prop_sane(tests: &[TestResult]) -> Result<(), proptest::test_runner::TestCaseError> {
    for t in tests {
        proptest::prop_assert!(t.id.len() <= MAX_ID);
        for l in &t.locations {
            proptest::prop_assert!(l.line > 0);
        }
    }
    Ok(())
}

/// Stricter bounds for `framework`'s tests in the analysis of a `lines`-line log:
/// id within [`MAX_ID`], message within [`MAX_TEXT`], failure lines and every
/// location's log line inside the log, and 1-based location lines.
pub(crate) fn prop_bounded(
    a: &Analysis,
    framework: Framework,
    lines: usize,
) -> Result<(), proptest::test_runner::TestCaseError> {
    for t in a.tests.iter().filter(|t| t.framework == framework) {
        proptest::prop_assert!(t.id.len() <= MAX_ID);
        proptest::prop_assert!(t.message.as_ref().is_none_or(|m| m.len() <= MAX_TEXT));
        if let Some((from, to)) = t.failure_lines {
            proptest::prop_assert!(from <= to && to < lines);
        }
        for l in &t.locations {
            proptest::prop_assert!(l.line > 0 && l.log_line.is_some_and(|n| n < lines));
        }
    }
    Ok(())
}
