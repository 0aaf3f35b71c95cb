//! Per-test results from a case log, one module per test framework (issue 14).
//!
//! A Testany case is a whole test project, so its log lists many tests. Each module
//! reads the normalised lines of one log (see [`crate::normalize`]) and reports the
//! tests it recognises into a [`Report`]; every module sees every line, so a log that
//! mixes frameworks (a Maven build running a Playwright step) yields both. Modules keep
//! bounded state: a log of millions of lines costs memory in tests found, not lines.
//! Failure locations found in a test's failure block are attached by [`Analyzer`] from
//! the location extractor ([`extract`]); a module may also set them itself.

pub mod classify;
pub mod dotnet;
pub mod extract;
pub mod generic;
pub mod go;
pub mod jest;
pub mod junit;
pub mod newman;
pub mod phpunit;
pub mod playwright;
pub mod pytest;
pub mod ruby;
pub mod rust;
#[cfg(test)]
pub(crate) mod testutil;
pub mod unittest;

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

use serde::{Deserialize, Serialize};

pub use classify::{ByteSet, Interest};

use crate::normalize::Normalizer;
use extract::Extractor;
use generic::{FailureLocation, LocationKind};

/// The test frameworks with a module here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    Pytest,
    Unittest,
    Junit,
    Playwright,
    /// Jest, Vitest and Mocha: one family of reporters.
    Jest,
    Newman,
    Go,
    Rust,
    Dotnet,
    /// RSpec, minitest and Cucumber.
    Ruby,
    Phpunit,
}

/// A test's outcome as its framework printed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    Passed,
    Failed,
    Skipped,
    /// Not an assertion failure: setup/teardown or collection error, crash, timeout.
    Error,
    /// Failed, then passed on a retry.
    Flaky,
}

impl TestStatus {
    /// Failed or errored: the test needs attention.
    pub fn is_failure(self) -> bool {
        matches!(self, TestStatus::Failed | TestStatus::Error)
    }
}

/// One test of a case log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    pub framework: Framework,
    /// Framework-native id: pytest node id, `Class#method` (JUnit), `file:line title`
    /// path for Playwright, `collection / folder / request / test` for Newman, `TestX/sub`
    /// for Go. At most [`MAX_ID`] bytes.
    pub id: String,
    /// What a person calls it (the test's own name or title).
    pub name: String,
    /// The test's file, as printed (not yet resolved to the workspace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line of the test's definition, when the log prints it (Playwright does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub status: TestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// The failure message, first line or summary. At most [`MAX_TEXT`] bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Expected and actual values when the framework prints both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Frames of the test's failure, innermost (most specific) first. Resolution to the
    /// workspace picks the first that lands in the project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<FailureLocation>,
    /// 0-based log lines of the test's failure details, when known: the analyzer
    /// attaches the locations found there.
    #[serde(skip)]
    pub failure_lines: Option<(usize, usize)>,
    /// 0-based log line where the test was first reported.
    pub log_line: usize,
}

impl TestResult {
    /// A test with only its identity and status; the rest filled by the module.
    pub fn new(framework: Framework, id: &str, status: TestStatus, log_line: usize) -> Self {
        Self::named(framework, id, id, status, log_line)
    }

    /// [`TestResult::new`] with its name (and file) already known: a module that names
    /// every test (pytest, one per `-v` line) copies the name once instead of cloning
    /// the id and replacing it.
    pub fn named(
        framework: Framework,
        id: &str,
        name: &str,
        status: TestStatus,
        log_line: usize,
    ) -> Self {
        Self::owned(
            framework,
            clip(id, MAX_ID).to_owned(),
            clip(name, MAX_ID).to_owned(),
            None,
            status,
            log_line,
        )
    }

    /// [`TestResult::named`] from strings the caller built (pytest's name and file cut
    /// out of the node id): moved in, not copied again. Cut to [`MAX_ID`] like there.
    pub(crate) fn owned(
        framework: Framework,
        mut id: String,
        mut name: String,
        file: Option<String>,
        status: TestStatus,
        log_line: usize,
    ) -> Self {
        for s in [&mut id, &mut name] {
            let end = clip(s, MAX_ID).len();
            s.truncate(end);
        }
        TestResult {
            framework,
            id,
            name,
            file,
            line: None,
            status,
            duration_ms: None,
            message: None,
            expected: None,
            actual: None,
            locations: Vec::new(),
            failure_lines: None,
            log_line,
        }
    }
}

/// Test ids longer than this are cut (a hostile or broken log cannot grow them).
pub const MAX_ID: usize = 512;
/// Messages, expected and actual values are cut to this many bytes.
pub const MAX_TEXT: usize = 2000;
/// At most this many tests are kept per log.
pub const MAX_TESTS: usize = 100_000;
/// At most this many locations are attached to one test.
pub const MAX_TEST_LOCATIONS: usize = 16;

/// `s` cut to at most `max` bytes at a char boundary.
pub fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// [`str::trim`], with ASCII ends (nearly every log line) trimmed by a byte loop: `trim`
/// decodes a `char` per step at both ends, and the modules trim every line they get
/// (5% of a pytest log's analysis). Only a non-ASCII end goes to `trim` itself, so the
/// result is always `line.trim()`. On wasm `line.trim()` itself, for size (issue 16).
pub(crate) fn trim(line: &str) -> &str {
    if cfg!(target_family = "wasm") {
        return line.trim();
    }
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let b = line.as_bytes();
    let start = b.iter().position(|c| !is_space(c)).unwrap_or(b.len());
    let rest = line.get(start..).unwrap_or("");
    let rest = match rest.as_bytes().first() {
        Some(c) if !c.is_ascii() => rest.trim_start(),
        _ => rest,
    };
    let r = rest.as_bytes();
    let end = r.iter().rposition(|c| !is_space(c)).map_or(0, |i| i + 1);
    let rest = rest.get(..end).unwrap_or("");
    match rest.as_bytes().last() {
        Some(c) if !c.is_ascii() => rest.trim_end(),
        _ => rest,
    }
}

/// The tests found so far, one entry per (framework, id), in order of first report.
#[derive(Debug, Default)]
pub struct Report {
    tests: Vec<TestResult>,
    /// The keyed hash of (framework, id) → the last test reported with that hash; `next`
    /// chains tests whose hashes collide. Ids are hashed once per lookup and never
    /// copied into the index (a pytest log of 10,000 tests looked them up through two
    /// maps and cloned each id).
    index: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
    next: Vec<usize>,
    keys: RandomState,
    /// Failure locations a module found that belong to no test (see [`Report::location`]).
    locations: Vec<FailureLocation>,
}

/// No test in a `next` chain.
const NO_TEST: usize = usize::MAX;

/// Passes a `u64` key through: [`Report`]'s keys are already hashes (keyed SipHash of
/// the framework and id, so a log cannot choose colliding ids).
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Report {
    /// Adds `test`, or merges it into the test already reported under its id: fields the
    /// new record has replace the old ones (a summary line's status wins over a progress
    /// line's), a failure then a pass of the same id is [`TestStatus::Flaky`].
    pub fn test(&mut self, test: TestResult) {
        self.add(test);
    }

    /// [`Report::test`], returning where the test's record is (new or merged into;
    /// `None` when the report is full): a module that comes back to its tests later
    /// (pytest's session join) keeps that index instead of a copy of the id to hash again.
    pub(crate) fn add(&mut self, mut test: TestResult) -> Option<usize> {
        let id_len = clip(&test.id, MAX_ID).len();
        test.id.truncate(id_len);
        clip_opt(&mut test.message);
        clip_opt(&mut test.expected);
        clip_opt(&mut test.actual);
        test.locations.truncate(MAX_TEST_LOCATIONS);
        let key = self.key(test.framework, &test.id);
        if let Some(at) = self.find(key, test.framework, &test.id) {
            if let Some(old) = self.tests.get_mut(at) {
                merge(old, test);
            }
            return Some(at);
        }
        if self.tests.len() >= MAX_TESTS {
            return None;
        }
        let at = self.tests.len();
        self.next
            .push(self.index.insert(key, at).unwrap_or(NO_TEST));
        self.tests.push(test);
        Some(at)
    }

    /// Room for `n` more tests, when a log says how many it runs (pytest's `collected
    /// 10000 items`): the records are then not moved and the index not rebuilt as it
    /// grows. At most up to [`MAX_TESTS`].
    pub(crate) fn reserve(&mut self, n: usize) {
        let n = n.min(MAX_TESTS.saturating_sub(self.tests.len()));
        self.tests.reserve(n);
        self.next.reserve(n);
        self.index.reserve(n);
    }

    /// Where the test reported under `id` is ([`Report::at_mut`]).
    pub(crate) fn index_of(&self, framework: Framework, id: &str) -> Option<usize> {
        let key = self.key(framework, id);
        self.find(key, framework, id)
    }

    /// The index's key of (framework, id).
    fn key(&self, framework: Framework, id: &str) -> u64 {
        self.keys.hash_one((framework, id))
    }

    /// The test at an index [`Report::add`] or [`Report::index_of`] gave (records never
    /// move nor change id).
    pub(crate) fn at_mut(&mut self, at: usize) -> Option<&mut TestResult> {
        self.tests.get_mut(at)
    }

    /// The test reported under `id`, to complete it (message, duration, block).
    pub fn get_mut(&mut self, framework: Framework, id: &str) -> Option<&mut TestResult> {
        let at = self.index_of(framework, id)?;
        self.tests.get_mut(at)
    }

    fn find(&self, key: u64, framework: Framework, id: &str) -> Option<usize> {
        let mut at = *self.index.get(&key)?;
        while at != NO_TEST {
            let t = self.tests.get(at)?;
            if t.framework == framework && t.id == id {
                return Some(at);
            }
            at = *self.next.get(at)?;
        }
        None
    }

    pub fn tests(&self) -> &[TestResult] {
        &self.tests
    }

    /// A failure location that belongs to no test (a compiler error before any test ran,
    /// a crash), in a shape the extractor does not read. Kept once per (path, line), at
    /// most [`generic::MAX_LOCATIONS`]; [`Analyzer::finish`] merges them into
    /// the log's locations by log line.
    pub fn location(&mut self, loc: FailureLocation) {
        if self.locations.len() >= generic::MAX_LOCATIONS
            || self
                .locations
                .iter()
                .any(|l| l.path == loc.path && l.line == loc.line)
        {
            return;
        }
        self.locations.push(loc);
    }

    /// The locations given to [`Report::location`].
    pub fn locations(&self) -> &[FailureLocation] {
        &self.locations
    }

    pub fn into_tests(self) -> Vec<TestResult> {
        self.tests
    }
}

fn clip_opt(s: &mut Option<String>) {
    if let Some(v) = s
        && v.len() > MAX_TEXT
    {
        let end = clip(v, MAX_TEXT).len();
        v.truncate(end);
    }
}

fn merge(old: &mut TestResult, new: TestResult) {
    old.status = match (old.status, new.status) {
        (TestStatus::Failed | TestStatus::Error, TestStatus::Passed) => TestStatus::Flaky,
        (TestStatus::Flaky, TestStatus::Passed | TestStatus::Failed | TestStatus::Error) => {
            TestStatus::Flaky
        }
        (_, s) => s,
    };
    if new.name != new.id || old.name == old.id {
        old.name = new.name;
    }
    old.file = new.file.or(old.file.take());
    old.line = new.line.or(old.line);
    old.duration_ms = new.duration_ms.or(old.duration_ms);
    old.message = new.message.or(old.message.take());
    old.expected = new.expected.or(old.expected.take());
    old.actual = new.actual.or(old.actual.take());
    if !new.locations.is_empty() {
        old.locations = new.locations;
    }
    old.failure_lines = match (old.failure_lines, new.failure_lines) {
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (x, y) => y.or(x),
    };
}

/// One framework's reader of a log. Implementations live in this module's children.
pub trait Parser {
    fn framework(&self) -> Framework;
    /// One normalised line (no line break, no CI prefix, no ANSI), 0-based index `n`.
    fn line(&mut self, line: &str, n: usize, report: &mut Report);
    /// The log ended: report what is still pending.
    fn finish(&mut self, _report: &mut Report) {}
    /// The lines this parser may act on from now on (asked after each line it was
    /// given): every other line must be one [`Parser::line`] would ignore entirely, so
    /// that the [`Analyzer`] can skip it. See [`classify`]; the default is every line.
    /// A `'static` interest (one of the module's constants): asked after every line the
    /// module is given, it is then one pointer to compare, not a struct to build and
    /// copy (that copy, read back at once, cost 8% of a pytest log's analysis).
    fn interest(&self) -> &'static Interest {
        &Interest::ALL
    }
}

/// A parser for every framework, in a fixed order.
pub fn parsers() -> Vec<Box<dyn Parser>> {
    vec![
        Box::new(pytest::PytestParser::default()),
        Box::new(unittest::UnittestParser::default()),
        Box::new(junit::JunitParser::default()),
        Box::new(playwright::PlaywrightParser::default()),
        Box::new(jest::JestParser::default()),
        Box::new(newman::NewmanParser::default()),
        Box::new(go::GoParser::default()),
        Box::new(rust::RustParser::default()),
        Box::new(dotnet::DotnetParser::default()),
        Box::new(ruby::RubyParser::default()),
        Box::new(phpunit::PhpunitParser::default()),
    ]
}

/// What one case log says: its tests and the failure locations of the whole log (those
/// of tests included, in order of appearance).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub tests: Vec<TestResult>,
    pub locations: Vec<FailureLocation>,
}

impl Analysis {
    /// The location a person should look at first: the first frame of the first failed
    /// test that has one, else the first location of the log.
    pub fn primary(&self) -> Option<&FailureLocation> {
        self.tests
            .iter()
            .filter(|t| t.status.is_failure())
            .find_map(|t| t.locations.first())
            .or_else(|| self.locations.first())
    }
}

/// Streaming analysis of one log: normalise each line once, hand it to every framework
/// module and to the location extractor, then attach locations to tests.
pub struct Analyzer {
    normalizer: Normalizer,
    parsers: Vec<Box<dyn Parser>>,
    /// Which parsers want which lines ([`Parser::interest`]); `None`: all of them want
    /// every line (the reference the gate is tested against).
    router: Option<classify::Router>,
    /// Per parser, its current run of plain lines ([`Interest::plain_runs`]).
    runs: Vec<classify::Run>,
    report: Report,
    extractor: Extractor,
    next_line: usize,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("next_line", &self.next_line)
            .field("tests", &self.report.tests.len())
            .finish_non_exhaustive()
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    pub fn new() -> Self {
        let parsers = parsers();
        // The router holds a bit per parser.
        let router = (parsers.len() <= 32).then(|| {
            let mut router = classify::Router::new(parsers.len());
            for (i, p) in parsers.iter().enumerate() {
                router.set(i, p.interest());
            }
            router
        });
        Analyzer {
            normalizer: Normalizer::new(),
            runs: vec![classify::Run::default(); parsers.len()],
            parsers,
            router,
            report: Report::default(),
            extractor: Extractor::new(),
            next_line: 0,
        }
    }

    /// The case's error text from the service, before the log.
    pub fn error_text(&mut self, text: &str) {
        self.extractor.error_text(text);
    }

    /// The next raw log line, without its line break.
    pub fn line(&mut self, raw: &str) {
        let n = self.next_line;
        self.next_line += 1;
        let line = self.normalizer.line_ref(raw);
        match &mut self.router {
            Some(router) => {
                let route = router.route(line);
                // In the parsers' order, as without the gate: the report's order of tests
                // is the order they were reported in.
                let mut given = route.wanted | route.plain;
                while given != 0 {
                    let i = given.trailing_zeros() as usize;
                    let bit = given & given.wrapping_neg();
                    given &= given - 1;
                    let (Some(p), Some(run)) = (self.parsers.get_mut(i), self.runs.get_mut(i))
                    else {
                        continue;
                    };
                    if route.wanted & bit != 0 {
                        if let Some((held, at)) = run.end() {
                            p.line(held, at, &mut self.report);
                        }
                    } else if !run.plain(line, n) {
                        continue;
                    }
                    p.line(line, n, &mut self.report);
                    router.set(i, p.interest());
                }
            }
            None => {
                for p in &mut self.parsers {
                    p.line(line, n, &mut self.report);
                }
            }
        }
        self.extractor.normalized_line(line);
    }

    /// An analyzer that gives every line to every parser (no [`Parser::interest`]
    /// gate): the reference the gate is checked against, in tests and benchmarks.
    #[doc(hidden)]
    pub fn ungated() -> Self {
        Analyzer {
            router: None,
            ..Self::new()
        }
    }

    /// A whole log.
    pub fn log(&mut self, text: &str) {
        for line in text.split('\n') {
            self.line(line);
        }
    }

    pub fn finish(mut self) -> Analysis {
        for (p, run) in self.parsers.iter_mut().zip(&mut self.runs) {
            if let Some((held, at)) = run.end() {
                p.line(held, at, &mut self.report);
            }
            p.finish(&mut self.report);
        }
        let own = std::mem::take(&mut self.report.locations);
        let locations = merge_locations(own, self.extractor.finish());
        let mut tests = self.report.into_tests();
        attach_locations(&mut tests, &locations);
        Analysis { tests, locations }
    }
}

/// The extractor's locations with the modules' own ones placed by log line (the
/// extractor's order is kept: error-text ones first), one per (path, line), first wins.
fn merge_locations(
    own: Vec<FailureLocation>,
    extracted: Vec<FailureLocation>,
) -> Vec<FailureLocation> {
    if own.is_empty() {
        return extracted;
    }
    let before = |o: &FailureLocation, e: &FailureLocation| match (o.log_line, e.log_line) {
        (Some(a), Some(b)) => a < b,
        _ => false,
    };
    let mut merged = Vec::with_capacity(own.len() + extracted.len());
    let mut own = own.into_iter().peekable();
    for e in extracted {
        while let Some(o) = own.next_if(|o| before(o, &e)) {
            merged.push(o);
        }
        merged.push(e);
    }
    merged.extend(own);
    let mut seen = std::collections::HashSet::new();
    merged.retain(|l| seen.insert((l.path.clone(), l.line)));
    merged
}

/// Each failed test without frames of its own gets the locations found in its failure
/// block, innermost first (Python prints the innermost frame last, stacks print it first).
fn attach_locations(tests: &mut [TestResult], locations: &[FailureLocation]) {
    for t in tests.iter_mut() {
        if !t.locations.is_empty() || !t.status.is_failure() {
            continue;
        }
        let Some((from, to)) = t.failure_lines else {
            continue;
        };
        let mut found: Vec<FailureLocation> = locations
            .iter()
            .filter(|l| l.log_line.is_some_and(|n| n >= from && n <= to))
            .cloned()
            .collect();
        if found
            .iter()
            .all(|l| matches!(l.kind, LocationKind::Python | LocationKind::Pytest))
        {
            found.reverse();
        }
        found.truncate(MAX_TEST_LOCATIONS);
        t.locations = found;
    }
}

/// [`Analyzer`] over a whole text.
pub fn analyze(error: Option<&str>, log: &str) -> Analysis {
    let mut a = Analyzer::new();
    if let Some(e) = error {
        a.error_text(e);
    }
    a.log(log);
    a.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_then_a_pass_of_the_same_test_is_flaky() {
        let mut r = Report::default();
        r.test(TestResult::new(
            Framework::Pytest,
            "t::a",
            TestStatus::Failed,
            3,
        ));
        r.test(TestResult::new(
            Framework::Pytest,
            "t::a",
            TestStatus::Passed,
            9,
        ));
        r.test(TestResult::new(
            Framework::Pytest,
            "t::b",
            TestStatus::Passed,
            10,
        ));
        let got: Vec<_> = r
            .tests()
            .iter()
            .map(|t| (t.id.as_str(), t.status, t.log_line))
            .collect();
        assert_eq!(
            got,
            [
                ("t::a", TestStatus::Flaky, 3),
                ("t::b", TestStatus::Passed, 10)
            ]
        );
    }

    #[test]
    fn tests_are_found_by_framework_and_id_also_when_keys_collide() {
        let mut r = Report::default();
        r.test(TestResult::new(
            Framework::Go,
            "TestA",
            TestStatus::Failed,
            0,
        ));
        for (fw, id) in [
            (Framework::Go, "TestA"),
            (Framework::Rust, "TestA"),
            (Framework::Go, "TestB"),
        ] {
            r.test(TestResult::new(fw, id, TestStatus::Passed, 0));
        }
        // Same framework and id: merged (a failure then a pass is flaky).
        let got: Vec<(&str, TestStatus)> = r
            .tests()
            .iter()
            .map(|t| (t.id.as_str(), t.status))
            .collect();
        assert_eq!(
            got,
            [
                ("TestA", TestStatus::Flaky),
                ("TestA", TestStatus::Passed),
                ("TestB", TestStatus::Passed)
            ]
        );
        // Every id under one key: the chain still tells them apart.
        let key = 7;
        r.index.clear();
        r.next.clear();
        for at in 0..r.tests.len() {
            let prev = r.index.insert(key, at).unwrap_or(NO_TEST);
            r.next.push(prev);
        }
        let found: Vec<Option<usize>> = [
            (Framework::Go, "TestA"),
            (Framework::Rust, "TestA"),
            (Framework::Go, "TestB"),
            (Framework::Rust, "TestB"),
        ]
        .map(|(fw, id)| r.find(key, fw, id))
        .into();
        assert_eq!(found, [Some(0), Some(1), Some(2), None]);
    }

    #[test]
    fn trim_is_str_trim() {
        let cases = [
            "",
            " ",
            "\t\r\n",
            "abc",
            "  a b  ",
            "\u{a0} x \u{3000}",
            "x\u{2003}",
            "\u{85}",
            "é ",
            " \t✔ ok (1 ms)\r",
            "\u{a0}\u{a0}",
            "a\u{a0}\t",
        ];
        let got: Vec<&str> = cases.iter().map(|c| trim(c)).collect();
        let want: Vec<&str> = cases.iter().map(|c| c.trim()).collect();
        assert_eq!(got, want);
        assert_eq!(got[9], "✔ ok (1 ms)");
    }

    #[test]
    fn ids_and_messages_are_bounded() {
        let mut r = Report::default();
        let mut t = TestResult::new(Framework::Go, &"é".repeat(400), TestStatus::Failed, 0);
        t.message = Some("x".repeat(5000));
        r.test(t);
        let t = &r.tests()[0];
        assert_eq!(
            (t.id.len(), t.message.as_ref().map(String::len)),
            (512, Some(2000))
        );
    }

    #[test]
    fn module_locations_merge_into_the_log_order() {
        let loc = |path: &str, line, log_line| FailureLocation {
            path: path.into(),
            line,
            column: None,
            message: None,
            log_line,
            kind: LocationKind::Generic,
        };
        let mut r = Report::default();
        r.location(loc("src/A.java", 27, Some(20)));
        r.location(loc("src/A.java", 27, Some(40)));
        r.location(loc("src/B.java", 3, Some(50)));
        let own = std::mem::take(&mut r.locations);
        let merged = merge_locations(
            own,
            vec![
                loc("err.py", 1, None),
                loc("x.py", 2, Some(10)),
                loc("y.py", 3, Some(30)),
                loc("src/B.java", 3, Some(60)),
            ],
        );
        let got: Vec<(&str, u32)> = merged.iter().map(|l| (l.path.as_str(), l.line)).collect();
        assert_eq!(
            got,
            [
                ("err.py", 1),
                ("x.py", 2),
                ("src/A.java", 27),
                ("y.py", 3),
                ("src/B.java", 3)
            ]
        );
    }

    /// Every log of the real-log corpus (tests/fixtures/real-logs), whole.
    fn corpus() -> Vec<String> {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real-logs");
        let mut logs = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "log" || x == "txt") {
                    logs.push(String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned());
                }
            }
        }
        logs
    }

    fn gated_and_not(log: &str) -> (Analysis, Analysis) {
        let mut gated = Analyzer::new();
        let mut all = Analyzer::ungated();
        for line in log.split('\n') {
            gated.line(line);
            all.line(line);
        }
        (gated.finish(), all.finish())
    }

    #[test]
    fn the_gate_changes_nothing_on_real_logs() {
        let logs = corpus();
        assert!(logs.len() >= 80, "{} logs in the corpus", logs.len());
        for log in &logs {
            let (gated, all) = gated_and_not(log);
            assert_eq!(gated, all, "log starting {:?}", log.get(..200));
        }
    }

    /// Logs glued from the corpus's lines in a random order, and from its logs cut at
    /// random points and joined (one framework's block interrupted by another's).
    #[test]
    fn the_gate_changes_nothing_on_mixed_logs() {
        let logs = corpus();
        let lines: Vec<&str> = logs.iter().flat_map(|l| l.lines()).collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        // Whitespace a module may trim and the gate must not misread: tabs, Unicode
        // spaces, a tab after spaces, trailing blanks.
        let leads = ["", "", "", "  ", "\t", " \t", "\u{a0}", "\u{3000}  ", "\r"];
        let tails = ["", "", "", " ", "\t", "\u{a0}", "s)", "s]"];
        for _ in 0..300 {
            let mut log = String::new();
            for _ in 0..60 {
                log.push_str(leads[next() % leads.len()]);
                log.push_str(lines[next() % lines.len()]);
                log.push_str(tails[next() % tails.len()]);
                log.push('\n');
            }
            // Runs of consecutive lines keep blocks whole.
            for _ in 0..4 {
                let at = next() % lines.len();
                for l in lines.iter().skip(at).take(next() % 40) {
                    log.push_str(l);
                    log.push('\n');
                }
            }
            let (gated, all) = gated_and_not(&log);
            assert_eq!(gated, all, "log {log:?}");
        }
    }

    /// RSpec's documentation format holds the last line at the margin as a possible
    /// group title: the gate gives it only the first and the last line of a run of
    /// plain lines, and the group must still be the last one.
    #[test]
    fn a_run_of_plain_lines_keeps_its_last_line_as_the_group() {
        let log = "setup one\nsetup two\nsetup three\nCalculator math\n  adds\n  subtracts (FAILED - 1)\n\
                   noise a\nnoise b\nParser io\n  reads\n\nFailures:\n\n  1) Calculator math subtracts\n\
                   \x20    Failure/Error: expect(1).to eq 2\n\
                   \x20    # ./spec/calc_spec.rb:5:in 'block (2 levels)'\n\n3 examples, 1 failure\n";
        let (gated, all) = gated_and_not(log);
        assert_eq!(gated, all);
        let got: Vec<(&str, TestStatus)> = gated
            .tests
            .iter()
            .map(|t| (t.id.as_str(), t.status))
            .collect();
        assert_eq!(
            got,
            [
                ("Calculator math adds", TestStatus::Passed),
                ("Calculator math subtracts", TestStatus::Failed),
                ("Parser io reads", TestStatus::Passed)
            ]
        );
    }

    #[test]
    fn python_blocks_attach_innermost_frame_first() {
        let loc = |line, log_line| FailureLocation {
            path: "tests/test_a.py".into(),
            line,
            column: None,
            message: None,
            log_line: Some(log_line),
            kind: LocationKind::Pytest,
        };
        let mut t = TestResult::new(Framework::Pytest, "a", TestStatus::Failed, 0);
        t.failure_lines = Some((2, 10));
        let mut tests = [t];
        attach_locations(
            &mut tests,
            &[loc(1, 1), loc(29, 4), loc(34, 8), loc(50, 11)],
        );
        let lines: Vec<u32> = tests[0].locations.iter().map(|l| l.line).collect();
        assert_eq!(lines, [34, 29]);
    }
}
