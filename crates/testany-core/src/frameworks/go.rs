//! `go test` (with and without `-v`), testify and GoConvey.
//!
//! Read here: `=== RUN/CONT/NAME/PAUSE` lines (the innermost running test owns the
//! output that follows), result lines `--- PASS|FAIL|SKIP: TestX/sub (0.01s)` at any
//! nesting (old Go's `(0.02 seconds)` too), message lines `    x_test.go:42: msg` (after
//! a result line they belong to the result above them with a smaller indentation, as
//! `go test` without `-v` and old Go print them), testify blocks (`Error Trace:` with one
//! or more paths, `Error:`, `expected:`/`actual  :`, `Test:` naming the test, `Messages:`),
//! GoConvey failures (`* /path/x_test.go` then `Line 35:`, `Expected:`/`Actual:`),
//! panics (`panic: ...` with goroutine dumps: the innermost frame outside Go's root, the
//! module cache and the runtime; `panic: test timed out` lists the stuck tests under
//! `running tests:`, which are failed), and build failures (`# pkg` then
//! `x_test.go:6:10: msg`), reported as a test with the package as id and status error,
//! because nothing of that package ran.
//!
//! Ids are Go's own names, `TestX/sub_case`. The failure location of a test is its
//! testify `Error Trace:` frames first, then its own `file.go:N:` message lines, last
//! first (a test usually logs, then fails with `t.Fatal`), then a panic's frame.

use std::collections::HashMap;

use super::generic::{FailureLocation, LocationKind, is_internal};
use super::{
    Framework, MAX_ID, MAX_TEST_LOCATIONS, MAX_TEXT, Parser, Report, TestResult, TestStatus, clip,
};

/// Running tests whose output is kept until their result line.
const MAX_RUNNING: usize = 1024;
/// Depth of nested result lines followed.
const MAX_DEPTH: usize = 64;
/// Lines of a goroutine dump read before giving up on it.
const MAX_PANIC_LINES: usize = 20_000;

/// Reads `go test`, testify and GoConvey from a case log.
#[derive(Debug, Default)]
pub struct GoParser {
    /// The test that owns output lines now (`=== RUN`/`=== CONT`).
    current: Option<String>,
    /// Output gathered for tests that have not printed their result yet.
    running: HashMap<String, Output>,
    /// Result lines just read, `(indentation, id)`, outermost first: output below them
    /// with a deeper indentation is theirs.
    results: Vec<(usize, String)>,
    testify: Option<Testify>,
    convey: Convey,
    panic: Option<Panic>,
    /// `# pkg` seen, waiting for a compiler error line.
    build_header: Option<(String, usize)>,
    /// The package whose build failed, collecting its compiler errors.
    build: Option<String>,
    /// The last test reported failed (a panic that follows belongs to it).
    last_failed: Option<String>,
    /// Failed tests of the package whose result line has not been read yet.
    package_failures: Vec<String>,
}

/// What a running test printed.
#[derive(Debug, Default)]
struct Output {
    trace: Vec<FailureLocation>,
    lines: Vec<FailureLocation>,
    message: Option<String>,
    expected: Option<String>,
    actual: Option<String>,
}

#[derive(Debug, Default)]
struct Testify {
    /// The owner before `Test:` names it.
    owner: Option<String>,
    test: Option<String>,
    trace: Vec<FailureLocation>,
    in_trace: bool,
    error: Vec<String>,
    expected: Option<String>,
    actual: Option<String>,
    field: Field,
}

#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
enum Field {
    #[default]
    None,
    Error,
    Messages,
    Other,
}

#[derive(Debug, Default)]
struct Convey {
    /// `* /path/x_test.go` waiting for its `Line N:`.
    file: Option<String>,
    locations: Vec<FailureLocation>,
    expected: Option<String>,
    actual: Option<String>,
}

#[derive(Debug)]
struct Panic {
    message: String,
    /// `running tests:` of a timeout.
    stuck: Vec<String>,
    in_stuck: bool,
    /// The function of the frame being read (`pkg.Func(...)`).
    function: String,
    /// The innermost project frame of the current goroutine.
    goroutine_frame: Option<FailureLocation>,
    /// The current goroutine's first frame is a parent waiting in `t.Run`.
    goroutine_waiting: bool,
    goroutine_frames: usize,
    chosen: Option<FailureLocation>,
    lines: usize,
    start: usize,
}

impl Parser for GoParser {
    fn framework(&self) -> Framework {
        Framework::Go
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        // Outside a panic and a testify block, an indented line matters only as a
        // `=== `/`--- ` line, a testify `Error Trace:` or a message line `x_test.go:12:
        // msg`; the gate gives this module every indented line (a Python traceback's
        // code lines), so the others are told apart here by their first byte and one
        // search for `:`, before the full reading (`any_line`).
        if matches!(line.as_bytes().first(), Some(b' ' | b'\t'))
            && self.panic.is_none()
            && self.testify.is_none()
        {
            let text = trim_start(line);
            match text.as_bytes().first() {
                Some(b'=' | b'-' | b'E') => {}
                Some(c) if !c.is_ascii() => {}
                _ if message_line(text).is_some() => {}
                _ => return,
            }
        }
        self.any_line(line, n, report);
    }

    fn finish(&mut self, report: &mut Report) {
        self.close_testify();
        self.flush_results(report, 0);
        if self.panic.is_some() {
            self.end_panic(report);
        }
    }

    /// Between blocks, a line at the margin matters only by its first byte (`=== `,
    /// `--- `, `panic: `, `# pkg`, GoConvey, package results); indented lines may be
    /// message lines of any test.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        // `=== ` and `--- ` lines are read after `trim_start`, which also takes Unicode
        // spaces and CRs.
        const fn between(more: &[u8]) -> Interest {
            Interest {
                top: ByteSet::of(b"#B*=-pFPSoe")
                    .union(ByteSet::OTHER_SPACE)
                    .union(ByteSet::of(more)),
                indented: ByteSet::ALL,
                ..Interest::NONE
            }
        }
        const PLAIN: Interest = between(b"");
        const CONVEY_FILE: Interest = between(b"L");
        const CONVEY_LOCATIONS: Interest = between(b"EA");
        const CONVEY_BOTH: Interest = between(b"LEA");
        if self.panic.is_some()
            || self.testify.is_some()
            || !self.results.is_empty()
            || self.build_header.is_some()
            || self.build.is_some()
        {
            return &Interest::ALL;
        }
        match (
            self.convey.file.is_some(),
            !self.convey.locations.is_empty(),
        ) {
            (false, false) => &PLAIN,
            (true, false) => &CONVEY_FILE,
            (false, true) => &CONVEY_LOCATIONS,
            (true, true) => &CONVEY_BOTH,
        }
    }
}

impl GoParser {
    /// [`Parser::line`] past its fast path: kept out of line so that the fast path saves
    /// and restores few registers.
    #[cfg_attr(not(target_family = "wasm"), inline(never))]
    fn any_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let bytes = line.as_bytes();
        let Some(&first) = bytes.first() else {
            if self.panic.is_some() {
                self.panic_line(line, n, report);
            }
            return;
        };
        if self.panic.is_some() {
            self.panic_line(line, n, report);
            return;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let lead = trimmed.as_bytes().first().copied().unwrap_or(b' ');
        // Prefilter on the first byte of the line and of its text.
        match lead {
            b'=' if trimmed.starts_with("=== ") => {
                self.close_testify();
                self.run_line(trimmed, report);
                return;
            }
            b'-' if trimmed.starts_with("--- ") => {
                self.close_testify();
                self.result_line(trimmed, indent, n, report);
                return;
            }
            _ => {}
        }
        if first == b'p' && line.starts_with("panic: ") {
            self.close_testify();
            self.flush_results(report, 0);
            self.start_panic(line, n);
            return;
        }
        if indent == 0 {
            self.close_testify();
            self.margin_line(line, n, report);
            return;
        }
        // Indented: testify fields, message lines, GoConvey fields.
        if self.testify_line(line, n) {
            return;
        }
        if let Some((path, lineno, msg)) = message_line(trimmed) {
            self.close_testify();
            let loc = location(path, lineno, None, n, msg);
            let owner = self.owner(indent);
            self.add_output(owner, |o| {
                if o.lines.len() < MAX_TEST_LOCATIONS {
                    o.lines.push(loc);
                }
                if o.message.is_none() && !msg.is_empty() {
                    o.message = Some(clip(msg, MAX_TEXT).to_owned());
                }
            });
        }
    }

    /// `=== RUN   TestX`, `=== CONT  TestX`, `=== NAME  TestX`, `=== PAUSE TestX`.
    fn run_line(&mut self, trimmed: &str, report: &mut Report) {
        self.flush_results(report, 0);
        let rest = trimmed.get(4..).unwrap_or("");
        let (verb, name) = rest.split_once(' ').unwrap_or((rest, ""));
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        match verb {
            "RUN" | "CONT" | "NAME" => {
                self.current = Some(clip(name, MAX_ID).to_owned());
            }
            _ => {}
        }
    }

    /// `--- FAIL: TestX/sub (0.01s)`.
    fn result_line(&mut self, trimmed: &str, indent: usize, n: usize, report: &mut Report) {
        let Some((status, name, duration)) = result(trimmed) else {
            return;
        };
        self.result_line_parts(status, name, duration, indent, n, report);
    }

    fn result_line_parts(
        &mut self,
        status: TestStatus,
        name: &str,
        duration: Option<u64>,
        indent: usize,
        n: usize,
        report: &mut Report,
    ) {
        let mut t = TestResult::new(Framework::Go, name, status, n);
        t.name = name.rsplit('/').next().unwrap_or(name).to_owned();
        t.duration_ms = duration;
        if let Some(out) = self.running.remove(name) {
            fill(&mut t, out);
        }
        if status.is_failure() && t.locations.is_empty() && !self.convey.locations.is_empty() {
            let convey = std::mem::take(&mut self.convey);
            t.locations = convey.locations;
            t.expected = convey.expected;
            t.actual = convey.actual;
        } else if status == TestStatus::Passed && indent == 0 {
            self.convey = Convey::default();
        }
        if status.is_failure() {
            self.last_failed = Some(t.id.clone());
            if self.package_failures.len() < MAX_RUNNING {
                self.package_failures.push(t.id.clone());
            }
        }
        if self.current.as_deref() == Some(name) {
            self.current = None;
        }
        self.flush_results(report, indent);
        if self.results.len() < MAX_DEPTH {
            self.results.push((indent, t.id.clone()));
        }
        report.test(t);
    }

    /// The test owning an output line indented by `indent`.
    fn owner(&self, indent: usize) -> Option<String> {
        if let Some((_, id)) = self.results.iter().rev().find(|(i, _)| *i < indent) {
            return Some(id.clone());
        }
        self.current.clone()
    }

    /// Applies `f` to the output gathered for `owner` (flushed into its result when the
    /// result line is read, or when the output below a result line ends).
    fn add_output(&mut self, owner: Option<String>, f: impl FnOnce(&mut Output)) {
        let Some(owner) = owner else {
            return;
        };
        if !self.running.contains_key(&owner) && self.running.len() >= MAX_RUNNING {
            return;
        }
        f(self.running.entry(owner).or_default());
    }

    /// Output printed below result lines ends: it goes to those results.
    fn flush_results(&mut self, report: &mut Report, keep_below: usize) {
        while self.results.last().is_some_and(|(i, _)| *i >= keep_below) {
            let Some((_, id)) = self.results.pop() else {
                break;
            };
            if let Some(out) = self.running.remove(&id)
                && let Some(t) = report.get_mut(Framework::Go, &id)
            {
                fill(t, out);
            }
        }
    }

    /// Lines at the margin: package results, build failures, GoConvey's failures.
    fn margin_line(&mut self, line: &str, n: usize, report: &mut Report) {
        self.flush_results(report, 0);
        let first = line.as_bytes().first().copied().unwrap_or(0);
        match first {
            // richgo prints `# pkg` as `BUILD| pkg` (the normaliser keeps that label).
            b'#' | b'B' => {
                if let Some(pkg) = line
                    .strip_prefix("# ")
                    .or_else(|| line.strip_prefix("BUILD| "))
                {
                    let pkg = pkg.split(" [").next().unwrap_or(pkg).trim();
                    if !pkg.is_empty() && !pkg.contains(' ') {
                        self.build_header = Some((clip(pkg, MAX_ID).to_owned(), n));
                        self.build = None;
                        return;
                    }
                }
            }
            b'*' => {
                // GoConvey: `* /path/x_test.go ` then `Line 35:`.
                if let Some(path) = line.strip_prefix("* ") {
                    let path = path.trim();
                    if path.ends_with(".go") {
                        self.convey.file = Some(path.to_owned());
                        return;
                    }
                }
            }
            b'L' => {
                if let Some(file) = self.convey.file.take()
                    && let Some(num) = line.strip_prefix("Line ").and_then(|r| r.strip_suffix(':'))
                    && let Ok(l) = num.trim().parse::<u32>()
                    && l > 0
                    && self.convey.locations.len() < MAX_TEST_LOCATIONS
                {
                    self.convey.locations.push(location(&file, l, None, n, ""));
                    return;
                }
            }
            b'E' | b'A' if !self.convey.locations.is_empty() => {
                if let Some(v) = line.strip_prefix("Expected: ") {
                    self.convey
                        .expected
                        .get_or_insert_with(|| unquote(v).to_owned());
                } else if let Some(v) = line.strip_prefix("Actual: ") {
                    self.convey
                        .actual
                        .get_or_insert_with(|| unquote(v).to_owned());
                }
                return;
            }
            _ => {}
        }
        // A compiler error under `# pkg`: `path/x_test.go:6:10: msg`.
        if (self.build_header.is_some() || self.build.is_some())
            && let Some((path, l, col, msg)) = compile_error(line)
        {
            if let Some((pkg, at)) = self.build_header.take() {
                let mut t = TestResult::new(Framework::Go, &pkg, TestStatus::Error, at);
                t.message = Some(clip(msg, MAX_TEXT).to_owned());
                t.locations = vec![location(path, l, col, n, msg)];
                report.test(t);
                self.build = Some(pkg);
            } else if let Some(pkg) = &self.build
                && let Some(t) = report.get_mut(Framework::Go, pkg)
                && t.locations.len() < MAX_TEST_LOCATIONS
            {
                t.locations.push(location(path, l, col, n, msg));
            }
            return;
        }
        self.build_header = None;
        self.build = None;
        // Prefilter: what follows starts with FAIL, PASS, SKIP, ok or exit.
        if !matches!(first, b'F' | b'P' | b'S' | b'o' | b'e') {
            return;
        }
        if let Some((status, name, duration)) = richgo_result(line) {
            // richgo: `PASS |   SampleOK/SubtestOK (0.00s)` is `--- PASS: TestSampleOK/...`.
            let id = format!("Test{name}");
            let indent = 4 * name.matches('/').count();
            self.result_line_parts(status, &id, duration, indent, n, report);
            return;
        }
        if let Some((status, name, duration)) = gotestsum_line(line) {
            // gotestsum's `testname` format: `FAIL pkg.TestX/sub (0.01s)`.
            self.result_line_parts(status, name, duration, 0, n, report);
            return;
        }
        if line.starts_with("FAIL")
            || line.starts_with("ok ")
            || line.starts_with("PASS")
            || line.starts_with("exit status")
        {
            self.current = None;
        }
        if let Some(pkg) = package_result(line) {
            self.qualify(pkg, report);
        }
    }

    /// `go test` prints message lines with the file's base name only; the package result
    /// line that follows names the package, whose directory holds the test files. The
    /// base names of the package's failures become `import/path/x_test.go`, so that
    /// resolution by longest suffix tells apart same-named files of different packages.
    fn qualify(&mut self, pkg: &str, report: &mut Report) {
        for id in self.package_failures.drain(..) {
            let Some(t) = report.get_mut(Framework::Go, &id) else {
                continue;
            };
            for l in &mut t.locations {
                if !l.path.contains(['/', '\\']) {
                    l.path = clip(&format!("{pkg}/{}", l.path), MAX_ID).to_owned();
                }
            }
        }
    }

    /// A testify field line. Returns whether the line was one.
    fn testify_line(&mut self, line: &str, n: usize) -> bool {
        // Prefilter: a block starts with `Error Trace:`.
        if self.testify.is_none()
            && !line
                .trim_start_matches([' ', '\t'])
                .starts_with("Error Trace:")
        {
            return false;
        }
        let fields = testify_fields(line);
        if let Some(("Error Trace", value)) = fields {
            self.close_testify();
            let owner = self.owner(usize::MAX);
            let mut block = Testify {
                owner,
                in_trace: true,
                field: Field::Other,
                ..Testify::default()
            };
            push_trace(&mut block, value, n);
            self.testify = Some(block);
            return true;
        }
        let Some(block) = self.testify.as_mut() else {
            return false;
        };
        let Some((label, value)) = fields else {
            self.close_testify();
            return false;
        };
        match label {
            "" => {
                if block.in_trace {
                    push_trace(block, value, n);
                } else if let Some(v) = value.strip_prefix("expected:") {
                    block.expected.get_or_insert_with(|| v.trim().to_owned());
                } else if let Some(v) = value.strip_prefix("actual  :") {
                    block.actual.get_or_insert_with(|| v.trim().to_owned());
                } else if matches!(block.field, Field::Error | Field::Messages)
                    && block.error.len() < 8
                {
                    block.error.push(clip(value, MAX_TEXT).to_owned());
                }
            }
            "Error" => {
                block.in_trace = false;
                block.field = Field::Error;
                block.error.push(clip(value.trim(), MAX_TEXT).to_owned());
            }
            "Test" => {
                block.in_trace = false;
                block.field = Field::Other;
                block.test = Some(clip(value.trim(), MAX_ID).to_owned());
            }
            "Messages" => {
                block.in_trace = false;
                block.field = Field::Messages;
                block.error.push(clip(value.trim(), MAX_TEXT).to_owned());
            }
            _ => {
                block.in_trace = false;
                block.field = Field::Other;
            }
        }
        true
    }

    fn close_testify(&mut self) {
        let Some(block) = self.testify.take() else {
            return;
        };
        let owner = block.test.clone().or(block.owner.clone());
        let message = (!block.error.is_empty()).then(|| block.error.join("\n"));
        self.add_output(owner, |o| {
            for l in block.trace {
                if o.trace.len() < MAX_TEST_LOCATIONS {
                    o.trace.push(l);
                }
            }
            if o.expected.is_none() {
                o.expected = block.expected;
                o.actual = block.actual;
            }
            if let Some(m) = message {
                o.message = Some(clip(&m, MAX_TEXT).to_owned());
            }
        });
    }

    fn start_panic(&mut self, line: &str, n: usize) {
        let message = line.trim_end().to_owned();
        self.panic = Some(Panic {
            message: clip(&message, MAX_TEXT).to_owned(),
            stuck: Vec::new(),
            in_stuck: false,
            function: String::new(),
            goroutine_frame: None,
            goroutine_waiting: false,
            goroutine_frames: 0,
            chosen: None,
            lines: 0,
            start: n,
        });
    }

    fn panic_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let Some(p) = self.panic.as_mut() else {
            return;
        };
        p.lines += 1;
        let trimmed = line.trim();
        if p.lines > MAX_PANIC_LINES
            || line.starts_with("FAIL")
            || line.starts_with("ok ")
            || line.starts_with("exit status")
            || trimmed.starts_with("=== ")
            || trimmed.starts_with("--- ")
        {
            self.end_panic(report);
            // The line that ended the dump is read normally.
            if !line.is_empty() {
                self.line(line, n, report);
            }
            return;
        }
        if trimmed == "running tests:" {
            p.in_stuck = true;
            return;
        }
        if p.in_stuck {
            if line.starts_with('\t') && !trimmed.is_empty() {
                let name = trimmed.rsplit_once(" (").map_or(trimmed, |(n, _)| n);
                if p.stuck.len() < MAX_DEPTH {
                    p.stuck.push(clip(name, MAX_ID).to_owned());
                }
                return;
            }
            p.in_stuck = false;
        }
        if trimmed.is_empty() {
            return;
        }
        if trimmed.starts_with("goroutine ") && trimmed.ends_with(':') {
            settle_goroutine(p);
            p.goroutine_frames = 0;
            p.goroutine_waiting = false;
            return;
        }
        if line.starts_with('\t') {
            // `\t/path/x_test.go:42 +0x1d`
            let frame = trimmed.rsplit_once(" +0x").map_or(trimmed, |(f, _)| f);
            let Some((path, l)) = frame.rsplit_once(':') else {
                return;
            };
            let Ok(l) = l.parse::<u32>() else {
                return;
            };
            let library = is_internal(path)
                || !path.ends_with(".go")
                || p.function.starts_with("testing.")
                || p.function.starts_with("runtime.")
                || p.function.starts_with("panic(")
                || p.function.starts_with("created by ");
            if !library && p.goroutine_frame.is_none() && l > 0 {
                p.goroutine_frame = Some(location(path, l, None, n, ""));
            }
            return;
        }
        // A function line.
        if p.goroutine_frames == 0 && trimmed.starts_with("testing.(*T).Run(") {
            p.goroutine_waiting = true;
        }
        p.goroutine_frames += 1;
        p.function = clip(trimmed, 256).to_owned();
    }

    fn end_panic(&mut self, report: &mut Report) {
        let Some(mut p) = self.panic.take() else {
            return;
        };
        settle_goroutine(&mut p);
        let mut loc = p.chosen.take();
        if let Some(l) = loc.as_mut() {
            l.message = Some(clip(&p.message, 500).to_owned());
        }
        let owners: Vec<String> = if !p.stuck.is_empty() {
            p.stuck.clone()
        } else {
            self.last_failed.clone().into_iter().collect()
        };
        for owner in owners {
            if let Some(t) = report.get_mut(Framework::Go, &owner) {
                if t.locations.is_empty()
                    && let Some(l) = &loc
                {
                    t.locations.push(l.clone());
                }
                if t.message.is_none() {
                    t.message = Some(p.message.clone());
                }
                continue;
            }
            let mut t = TestResult::new(Framework::Go, &owner, TestStatus::Failed, p.start);
            t.name = owner.rsplit('/').next().unwrap_or(&owner).to_owned();
            t.message = Some(p.message.clone());
            if let Some(out) = self.running.remove(&owner) {
                fill(&mut t, out);
            }
            if t.locations.is_empty()
                && let Some(l) = &loc
            {
                t.locations.push(l.clone());
            }
            report.test(t);
        }
        self.current = None;
    }
}

/// The goroutine just read: its innermost project frame is the dump's location unless
/// one was chosen already or it only waits for subtests in `t.Run`.
fn settle_goroutine(p: &mut Panic) {
    if let Some(frame) = p.goroutine_frame.take()
        && p.chosen.is_none()
        && !p.goroutine_waiting
    {
        p.chosen = Some(frame);
    }
}

/// A testify field: `<indent>\tLabel:   \tvalue` -> (`Label`, `value`), a continuation
/// `<indent>\t         \tvalue` -> (``, `value`); also with the tabs turned into spaces.
fn testify_fields(line: &str) -> Option<(&str, &str)> {
    let body = line.trim_start_matches(' ');
    if let Some(inner) = body.strip_prefix('\t')
        && let Some((label, value)) = inner.split_once('\t')
    {
        let label = label.trim();
        let label = if label.is_empty() {
            ""
        } else {
            label.strip_suffix(':')?
        };
        return Some((label, value.trim()));
    }
    let t = body.trim_start();
    for l in ["Error Trace", "Error", "Test", "Messages", "Diff"] {
        if let Some(v) = t.strip_prefix(l).and_then(|r| r.strip_prefix(':'))
            && (v.is_empty() || v.starts_with(char::is_whitespace))
        {
            return Some((l, v.trim()));
        }
    }
    (t.starts_with("expected:") || t.starts_with("actual  :")).then_some(("", t))
}

fn push_trace(block: &mut Testify, value: &str, n: usize) {
    if let Some((path, l)) = value.rsplit_once(':')
        && let Ok(l) = l.trim().parse::<u32>()
        && l > 0
        && path.ends_with(".go")
        && block.trace.len() < MAX_TEST_LOCATIONS
    {
        block.trace.push(location(path, l, None, n, ""));
    }
}

/// Frames of a test, in the order resolution should try them: testify's `Error Trace`
/// first, then its message lines last first.
fn fill(t: &mut TestResult, out: Output) {
    t.message = out.message.or(t.message.take());
    t.expected = out.expected.or(t.expected.take());
    t.actual = out.actual.or(t.actual.take());
    if t.status.is_failure() {
        let mut locations = out.trace;
        locations.append(&mut t.locations);
        locations.extend(out.lines.into_iter().rev());
        locations.truncate(MAX_TEST_LOCATIONS);
        t.locations = locations;
    }
}

fn location(path: &str, line: u32, column: Option<u32>, n: usize, msg: &str) -> FailureLocation {
    FailureLocation {
        path: clip(path, MAX_ID).to_owned(),
        line,
        column,
        message: (!msg.is_empty()).then(|| clip(msg, 500).to_owned()),
        log_line: Some(n),
        kind: LocationKind::Go,
    }
}

/// `--- FAIL: TestX/sub (0.01s)` -> (status, name, duration in ms).
fn result(trimmed: &str) -> Option<(TestStatus, &str, Option<u64>)> {
    let rest = trimmed.strip_prefix("--- ")?;
    let (status, rest) = if let Some(r) = rest.strip_prefix("FAIL: ") {
        (TestStatus::Failed, r)
    } else if let Some(r) = rest.strip_prefix("PASS: ") {
        (TestStatus::Passed, r)
    } else if let Some(r) = rest.strip_prefix("SKIP: ") {
        (TestStatus::Skipped, r)
    } else {
        return None;
    };
    let rest = rest.trim_end();
    let (name, duration) = match rest.rsplit_once(" (") {
        Some((name, d)) if d.ends_with(')') => (name, duration_ms(&d[..d.len() - 1])),
        _ => (rest, None),
    };
    let name = name.trim();
    (!name.is_empty() && !name.contains(' ')).then_some((status, name, duration))
}

/// richgo's result line, which the normaliser leaves labelled: `PASS | SampleOK (0.00s)`,
/// `SKIP |   SampleSkipSub/SubtestSkip (0.00s)` -> (status, `SampleOK`, duration). richgo
/// removes `--- PASS: Test` and indents subtests by two spaces a level.
fn richgo_result(line: &str) -> Option<(TestStatus, &str, Option<u64>)> {
    let (status, rest) = if let Some(r) = line.strip_prefix("PASS | ") {
        (TestStatus::Passed, r)
    } else if let Some(r) = line.strip_prefix("FAIL | ") {
        (TestStatus::Failed, r)
    } else if let Some(r) = line.strip_prefix("SKIP | ") {
        (TestStatus::Skipped, r)
    } else {
        return None;
    };
    let (name, d) = rest.trim().rsplit_once(" (")?;
    let duration = duration_ms(d.strip_suffix(')')?);
    (!name.is_empty() && !name.contains(char::is_whitespace) && duration.is_some())
        .then_some((status, name, duration))
}

/// gotestsum `--format testname`: `PASS pkg/path.TestX/sub (0.01s)` -> (status, `TestX/sub`,
/// duration). The test name starts at the first `.Test`, `.Example`, `.Fuzz` or
/// `.Benchmark` (package paths do not hold them; subtest names come after).
fn gotestsum_line(line: &str) -> Option<(TestStatus, &str, Option<u64>)> {
    let (status, rest) = if let Some(r) = line.strip_prefix("PASS ") {
        (TestStatus::Passed, r)
    } else if let Some(r) = line.strip_prefix("FAIL ") {
        (TestStatus::Failed, r)
    } else if let Some(r) = line.strip_prefix("SKIP ") {
        (TestStatus::Skipped, r)
    } else {
        return None;
    };
    let (qualified, d) = rest.trim_end().rsplit_once(" (")?;
    let duration = duration_ms(d.strip_suffix(')')?);
    if qualified.contains(char::is_whitespace) {
        return None;
    }
    let pkg_end = ["Test", "Example", "Fuzz", "Benchmark"]
        .iter()
        .filter_map(|p| qualified.find(&format!(".{p}")))
        .min()?;
    let name = qualified.get(pkg_end + 1..)?;
    (!name.is_empty()).then_some((status, name, duration))
}

/// `0.01s` or `0.02 seconds` -> milliseconds.
fn duration_ms(d: &str) -> Option<u64> {
    let num = d.strip_suffix(" seconds").or_else(|| d.strip_suffix('s'))?;
    let secs: f64 = num.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| (secs * 1000.0).round() as u64)
}

/// `x_test.go:42: message` (also `x_test.go:42:` with the message on later lines).
/// [`str::trim_start`], by bytes while they are ASCII spaces (it decodes a `char` per
/// step, and indentation is long).
fn trim_start(line: &str) -> &str {
    let b = line.as_bytes();
    let mut at = 0;
    while b.get(at..at + 8) == Some(b"        ") {
        at += 8;
    }
    while matches!(
        b.get(at),
        Some(b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
    ) {
        at += 1;
    }
    match line.get(at..) {
        Some(rest) if rest.as_bytes().first().is_none_or(u8::is_ascii) => rest,
        _ => line.trim_start(),
    }
}

fn message_line(trimmed: &str) -> Option<(&str, u32, &str)> {
    // The first or second `:` (after a Windows drive) ends `.go`: two memchr steps
    // instead of a substring search over every line.
    let bytes = trimmed.as_bytes();
    let at = memchr::memchr_iter(b':', bytes)
        .take(2)
        .find(|&i| i >= 3 && bytes.get(i - 3..i) == Some(&b".go"[..]))?
        - 3;
    let path = trimmed.get(..at + 3)?;
    if path.is_empty() || path.contains(' ') {
        return None;
    }
    let rest = trimmed.get(at + 4..)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let line: u32 = rest.get(..digits)?.parse().ok()?;
    let msg = rest.get(digits..)?.strip_prefix(':')?;
    (line > 0).then(|| (path, line, msg.trim()))
}

/// `path/x_test.go:6:10: msg` at the margin (also without a column).
fn compile_error(line: &str) -> Option<(&str, u32, Option<u32>, &str)> {
    let (path, l, msg) = message_line(line)?;
    let (col, msg) = match msg.split_once(':') {
        Some((c, m)) if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) => {
            (c.parse().ok(), m.trim())
        }
        _ => (None, msg),
    };
    col.map(|_| (path, l, col, msg))
}

/// `FAIL\tpkg\t0.01s`, `ok  \tpkg\t0.01s`, `FAIL\tpkg [build failed]` -> `pkg`.
fn package_result(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("FAIL")
        .or_else(|| line.strip_prefix("ok"))?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let pkg = words.next()?;
    let valid = !pkg.contains(':')
        && !pkg.starts_with('[')
        && pkg.bytes().any(|b| b.is_ascii_alphanumeric())
        && words.next().is_some();
    valid.then_some(pkg)
}

/// GoConvey quotes values: `'200'`.
fn unquote(v: &str) -> &str {
    let v = v.trim();
    v.strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frameworks::analyze;

    fn go_tests(log: &str) -> Vec<TestResult> {
        analyze(None, log)
            .tests
            .into_iter()
            .filter(|t| t.framework == Framework::Go)
            .collect()
    }

    fn summary(log: &str) -> Vec<(String, TestStatus, Vec<String>)> {
        go_tests(log)
            .into_iter()
            .map(|t| {
                let locs = t
                    .locations
                    .iter()
                    .map(|l| format!("{}:{}", l.path, l.line))
                    .collect();
                (t.id, t.status, locs)
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    #[test]
    fn parallel_tests_own_the_output_of_their_run_or_cont_and_take_the_package_path() {
        let log = "=== RUN   TestP1
=== PAUSE TestP1
=== RUN   TestP2
=== PAUSE TestP2
=== CONT  TestP1
    pkg_test.go:10: t.Log(P1)
=== CONT  TestP2
    pkg_test.go:17: t.Log(P2)
    pkg_test.go:19: P2 error
--- FAIL: TestP2 (0.05s)
=== CONT  TestP1
--- PASS: TestP1 (0.10s)
FAIL
exit status 1
FAIL\texample.com/m/parallel\t0.102s
";
        assert_eq!(
            summary(log),
            [
                (
                    s("TestP2"),
                    TestStatus::Failed,
                    vec![
                        s("example.com/m/parallel/pkg_test.go:19"),
                        s("example.com/m/parallel/pkg_test.go:17")
                    ]
                ),
                (s("TestP1"), TestStatus::Passed, vec![]),
            ]
        );
        let t = &go_tests(log)[0];
        assert_eq!(
            (t.duration_ms, t.message.as_deref()),
            (Some(50), Some("t.Log(P2)"))
        );
    }

    #[test]
    fn output_below_nested_results_and_testify_trace_first() {
        let log = "--- FAIL: TestSuite (0.00s)
    --- FAIL: TestSuite/TestExample (0.00s)
        --- FAIL: TestSuite/TestExample/unsorted (0.00s)
            suite_test.go:56: case: unsorted
            suite_test.go:56:
                \tError Trace:\tsuite_test.go:41
                \t            \thelpers_test.go:12
                \tError:      \tNot equal:
                \t            \texpected: true
                \t            \tactual  : false
                \tTest:       \tTestSuite/TestExample/unsorted
    --- PASS: TestSuite/TestOther (0.00s)
FAIL
";
        assert_eq!(
            summary(log),
            [
                (s("TestSuite"), TestStatus::Failed, vec![]),
                (s("TestSuite/TestExample"), TestStatus::Failed, vec![]),
                (
                    s("TestSuite/TestExample/unsorted"),
                    TestStatus::Failed,
                    vec![
                        s("suite_test.go:41"),
                        s("helpers_test.go:12"),
                        s("suite_test.go:56"),
                        s("suite_test.go:56")
                    ]
                ),
                (s("TestSuite/TestOther"), TestStatus::Passed, vec![]),
            ]
        );
        let t = &go_tests(log)[2];
        assert_eq!(
            (
                t.expected.as_deref(),
                t.actual.as_deref(),
                t.message.as_deref()
            ),
            (Some("true"), Some("false"), Some("Not equal:"))
        );
    }

    #[test]
    fn richgo_label_column_keeps_statuses_and_the_build_failure() {
        // richgo's sample output (kyoh86/richgo sample/out_colored.txt, colours removed):
        // passing and skipped tests lose `--- PASS: Test`, `# pkg` becomes `BUILD| pkg`.
        let log = "BUILD| github.com/kyoh86/richgo/sample/buildfail
     | sample/buildfail/buildfail_test.go:6:10: t.Foo undefined (type *testing.T has no field or method Foo)
START| SampleNG
START|   SampleNG/SubtestNG
FAIL | --- FAIL: TestSampleNG (0.00s)
     | \tsample_ng_test.go:9: It's not OK... :(
FAIL |     --- FAIL: TestSampleNG/SubtestNG (0.00s)
     |     \tsample_ng_test.go:13: It's also not OK... :(
START| SampleOK
PASS | SampleOK (0.00s)
     | \tsample_ok_test.go:11: It's OK!
PASS |     SampleOK/SubtestOK (0.00s)
SKIP |     SampleSkipSub/SubtestSkip (0.00s)
     |     \tsample_skip_test.go:11: 
PASS | github.com/kyoh86/richgo/sample/cover05 0.015s
";
        assert_eq!(
            summary(log),
            [
                (
                    s("github.com/kyoh86/richgo/sample/buildfail"),
                    TestStatus::Error,
                    vec![s("sample/buildfail/buildfail_test.go:6")]
                ),
                (
                    s("TestSampleNG"),
                    TestStatus::Failed,
                    vec![s("sample_ng_test.go:9")]
                ),
                (
                    s("TestSampleNG/SubtestNG"),
                    TestStatus::Failed,
                    vec![s("sample_ng_test.go:13")]
                ),
                (s("TestSampleOK"), TestStatus::Passed, vec![]),
                (s("TestSampleOK/SubtestOK"), TestStatus::Passed, vec![]),
                (
                    s("TestSampleSkipSub/SubtestSkip"),
                    TestStatus::Skipped,
                    vec![]
                ),
            ]
        );
        let t = go_tests(log);
        assert_eq!(
            (t[3].name.as_str(), t[3].duration_ms),
            ("TestSampleOK", Some(0))
        );
    }

    #[test]
    fn old_go_prints_output_after_the_result_with_a_tab() {
        let log = "=== RUN TestOne
--- FAIL: TestOne (0.02 seconds)
\tfile_test.go:11: Error message
=== RUN TestTwo
--- PASS: TestTwo (0.13 seconds)
";
        let t = go_tests(log);
        assert_eq!(
            (t[0].duration_ms, t[0].locations[0].line, t[1].status),
            (Some(20), 11, TestStatus::Passed)
        );
    }

    #[test]
    fn a_panic_goes_to_the_failed_test_before_it_at_its_innermost_project_frame() {
        let log = "--- FAIL: TestPanic (0.00s)
panic: oops [recovered]
\tpanic: oops

goroutine 7 [running]:
testing.tRunner.func1(0xc000092100)
\t/go/src/testing/testing.go:874 +0x3a3
panic(0x1110ea0, 0x116aea0)
\t/go/src/runtime/panic.go:679 +0x1b2
example.com/m.TestPanic(0xc000092100)
\t/src/m/a_test.go:6 +0x39
FAIL\texample.com/m\t0.042s
";
        assert_eq!(
            summary(log),
            [(
                s("TestPanic"),
                TestStatus::Failed,
                vec![s("/src/m/a_test.go:6")]
            )]
        );
        assert_eq!(
            go_tests(log)[0].message.as_deref(),
            Some("panic: oops [recovered]")
        );
    }

    #[test]
    fn a_timeout_fails_the_running_tests_at_the_stuck_goroutine() {
        let log = "panic: test timed out after 1m0s
\trunning tests:
\t\tTestEnable (7s)
\t\tTestEnable/IP_10.0.0.1 (1s)

goroutine 299 [chan receive]:
testing.(*T).Run(0x27874663d400, {0x278745f9f5c5?, 0x7ff7c1369120?}, 0x2787461f81b0)
\tC:/Program Files/Go/src/testing/testing.go:2109 +0x4c7
proxy/ks.TestEnable(0x27874663d400)
\tC:/p/proxy/ks/ks_test.go:336 +0x129

goroutine 357 [syscall]:
syscall.SyscallN(0x1000000000000?, {0x278745fc3c68?, 0x3?, 0x3?})
\tC:/Program Files/Go/src/syscall/dll_windows.go:99 +0x1e
proxy/ks.runNetsh({0x278745fc3e40?, 0xb?, 0x7ff7c1479fd0?})
\tC:/p/proxy/ks/ks_windows.go:155 +0x85
FAIL\tproxy/ks\t61.183s
";
        assert_eq!(
            summary(log),
            [
                (
                    s("TestEnable"),
                    TestStatus::Failed,
                    vec![s("C:/p/proxy/ks/ks_windows.go:155")]
                ),
                (
                    s("TestEnable/IP_10.0.0.1"),
                    TestStatus::Failed,
                    vec![s("C:/p/proxy/ks/ks_windows.go:155")]
                ),
            ]
        );
    }

    #[test]
    fn goconvey_failures_go_to_the_test_that_fails_next() {
        let log = "  Status Code Should Be 200 ✘

Failures:

* /home/b/src/app/test/endpoints/buoy_test.go 
Line 35:
Expected: '200'
Actual: '400'
(Should be equal)


1 assertion thus far

--- FAIL: TestStation-8 (0.03 seconds)
";
        let t = &go_tests(log)[0];
        assert_eq!(
            (
                t.id.as_str(),
                t.locations[0].path.as_str(),
                t.locations[0].line,
                t.expected.as_deref(),
                t.actual.as_deref()
            ),
            (
                "TestStation-8",
                "/home/b/src/app/test/endpoints/buoy_test.go",
                35,
                Some("200"),
                Some("400")
            )
        );
    }

    #[test]
    fn gotestsum_testname_lines() {
        let log = "PASS gopkg.in/yaml.v3.TestDecode (0.00s)
FAIL example.com/m/internal/foo.TestBar/with.dots (0.25s)
SKIP example.com/m/internal/foo.TestQux (0.00s)
FAIL example.com/m/internal/foo 0.301s
";
        let got: Vec<_> = go_tests(log)
            .into_iter()
            .map(|t| (t.id, t.status, t.duration_ms))
            .collect();
        assert_eq!(
            got,
            [
                (s("TestDecode"), TestStatus::Passed, Some(0)),
                (s("TestBar/with.dots"), TestStatus::Failed, Some(250)),
                (s("TestQux"), TestStatus::Skipped, Some(0)),
            ]
        );
    }

    #[test]
    fn a_build_failure_is_an_error_of_its_package() {
        let log = "# example.com/m/broken [example.com/m/broken.test]
broken/b_test.go:6:10: t.Foo undefined (type *testing.T has no field or method Foo)
FAIL\texample.com/m/broken [build failed]
";
        let t = &go_tests(log)[0];
        assert_eq!(
            (
                t.id.as_str(),
                t.status,
                t.locations[0].path.as_str(),
                t.locations[0].line,
                t.locations[0].column
            ),
            (
                "example.com/m/broken",
                TestStatus::Error,
                "broken/b_test.go",
                6,
                Some(10)
            )
        );
    }
    #[test]
    fn fragments_of_its_formats_in_any_order_never_panic() {
        let pieces = [
            "=== RUN   ",
            "=== CONT  ",
            "--- FAIL: ",
            "--- PASS: ",
            "--- SKIP: ",
            "TestX",
            "/sub",
            " (0.01s)",
            " (0.02 seconds)",
            "    ",
            "\t",
            "x_test.go:",
            "42",
            ": msg",
            "panic: ",
            "running tests:",
            "goroutine 1 [running]:",
            " +0x1d",
            "testing.(*T).Run(",
            "# pkg",
            "x.go:1:2: e",
            "FAIL\tpkg\t0.1s",
            "ok  \tpkg\t0.1s",
            "Error Trace:",
            "Error:",
            "Test:",
            "expected: ",
            "actual  : ",
            "* /a/x_test.go",
            "Line 35:",
            "Expected: '1'",
            "Actual: '2'",
            "PASS a.TestB (1s)",
            "é",
            ":",
            " ",
            "(",
        ];
        for log in super::super::testutil::fragment_soups(&pieces, 300) {
            super::super::testutil::assert_sane(&analyze(None, &log));
        }
    }

    /// The parser's state, its map of running tests in key order.
    fn state(p: &GoParser) -> String {
        let running: std::collections::BTreeMap<_, _> = p
            .running
            .iter()
            .map(|(k, v)| (k, format!("{v:?}")))
            .collect();
        format!(
            "{:?} {running:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            p.current,
            p.results,
            p.testify,
            p.convey,
            p.panic,
            p.build_header,
            p.build,
            p.last_failed,
            p.package_failures
        )
    }

    /// The fast path of [`Parser::line`] leaves the parser and the report as the full
    /// reading ([`GoParser::any_line`]) does, line after line.
    #[test]
    fn fast_path_changes_what_the_full_reading_changes() {
        let pieces = [
            "=== RUN   TestTotal",
            "    === RUN   TestTotal/sub",
            "--- FAIL: TestTotal (0.00s)",
            "    --- FAIL: TestTotal/sub (0.00s)",
            "    cart_test.go:42: expected 3, got 2",
            "        cart_test.go:43: nested",
            "\tcart_test.go:44: tabbed",
            "    \u{3000}cart_test.go:45: wide space",
            "        Error Trace:\tinsert_test.go:63",
            "        Error:      \tNot equal:",
            "        \t            \texpected: 1",
            "        Test:       \tTestInsert",
            "    def test_case(cart, user):",
            "        cart.add(Item(\"sku-1\", quantity=2))",
            "    x.go:",
            "    a.go:0: zero",
            "panic: boom",
            "goroutine 1 [running]:",
            "\t/home/u/p/x.go:12 +0x1d",
            "FAIL\texample.com/p\t0.01s",
            "ok  \texample.com/p\t0.01s",
            "# example.com/p",
            "./x_test.go:6:10: undefined: y",
            "* /p/x_test.go ",
            "Line 35:",
            "Expected: 1",
            "      ",
            "  é",
            "",
        ];
        super::super::testutil::assert_fast_path_equals_full(&pieces, GoParser::any_line, state);
    }

    proptest::proptest! {
        #[test]
        fn trim_start_is_std(text in "[ \t\r\u{a0}\u{3000}x\u{85}é]{0,24}") {
            proptest::prop_assert_eq!(trim_start(&text), text.trim_start());
        }
    }
}
