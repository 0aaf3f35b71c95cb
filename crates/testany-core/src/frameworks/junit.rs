//! JUnit 4/5 under Maven Surefire and Gradle, Java and Kotlin.
//!
//! Read here:
//! - Surefire per-test lines, 2.x and 3.x, JUnit 4 and the JUnit Platform
//!   (`testX(com.acme.FooTest)  Time elapsed: 0.01 s  <<< FAILURE!`,
//!   `com.acme.FooTest.testX -- Time elapsed: 5.2 s <<< ERROR!`, `testX  Time elapsed: ...`
//!   under the class of the last `Running`/`Tests run: ... in` line), the failure block
//!   below them (message, `at` frames, `Caused by:` chains), and the `Results:` summary
//!   (`Failures:`/`Errors:`/`Flakes:`, `  FooTest.testX:42 msg`, old `Failed tests:` and
//!   `Tests in error:`);
//! - Gradle `FooTest > testX() FAILED` lines (also Kotlin names with spaces, nested
//!   classes, parameterised `[1]` rows), the default short exception format
//!   (`java.lang.AssertionError at FooTest.java:9`) and the full one, and the
//!   gradle-test-logger plugin (a class line, then `  Test testX() PASSED (1.2s)`).
//!
//! Ids are `fully.qualified.Class#method` (the class as printed when no package is
//! shown). Locations are read from the failure block here rather than taken from the
//! extractor: the innermost frame in the project's own packages (those of the test class)
//! comes first, so a helper of the test beats the test method, and a library frame never
//! beats either.

use std::collections::HashMap;
use std::sync::LazyLock;

use memchr::memmem;

use super::generic::{FailureLocation, LocationKind};
use super::{Framework, Parser, Report, TestResult, TestStatus, clip};

/// Lines a failure block may span before it is closed anyway (bounded state).
const MAX_BLOCK_LINES: usize = 400;
/// Message lines kept from a failure block.
const MAX_MESSAGE_LINES: usize = 24;
/// Candidate frames kept from one failure block.
const MAX_FRAMES: usize = 64;
/// Classes remembered to map Surefire's short summary names to qualified ones.
const MAX_CLASSES: usize = 4096;

static TIME_ELAPSED: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("Time elapsed:"));

/// Reads JUnit 4/5 under Maven Surefire and Gradle, Java and Kotlin from a case log.
#[derive(Debug, Default)]
pub struct JunitParser {
    /// Class of the last Surefire `Running X` / `Tests run: ... in X` line.
    surefire_class: Option<String>,
    /// Class line of the gradle-test-logger plugin.
    logger_class: Option<String>,
    /// Inside Surefire's `Results:` section: the status of the current list.
    results: Option<ResultsList>,
    in_results: bool,
    /// Simple class name -> qualified name, for the summary's short names.
    classes: HashMap<String, String>,
    block: Option<Block>,
    /// The last token of the previous line when that line may have been hard-wrapped in
    /// the middle of an absolute path (PowerShell's `Out-String` cuts at the console
    /// width), and its log line.
    wrapped: Option<(String, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResultsList {
    Failed,
    Error,
    Flaky,
}

/// Which tool printed the block: it decides how the block ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Surefire,
    Gradle,
}

/// The failure details of one test, being read.
#[derive(Debug)]
struct Block {
    id: String,
    class: String,
    style: Style,
    lines: usize,
    message: Vec<String>,
    /// Frames: (qualified method or file stem, location, cause depth).
    frames: Vec<Frame>,
    /// 0 for the top exception, then one more per `Caused by:`.
    depth: u32,
    seen_frame: bool,
    /// A frame was seen since the last `Caused by:` (a cause's message may hold blank
    /// lines before its frames).
    section_frame: bool,
}

#[derive(Debug)]
struct Frame {
    /// `com.acme.FooTest.testX`, or for Gradle's short format the file's class name.
    qualified: String,
    location: FailureLocation,
    depth: u32,
}

impl Parser for JunitParser {
    fn framework(&self) -> Framework {
        Framework::Junit
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        // Outside blocks, the results list and a wrapped path, a line at the margin
        // starting with a letter (no level `Error:`/`Warning:`, no `Running`/`Tests
        // run:`, no Kotlin `e: `, no drive) matters only as a compiler error (a JVM file
        // before its first `:`), a line cut in an absolute path, a test line (by its
        // end) or a class line (no `:` nor space): a pytest `-v` line and a CI log's
        // `INFO ... in 12 ms` are none of them, and the gate gives this module every
        // such line (for its `:`, its last `s`). The full reading is `any_line`.
        let b = line.as_bytes();
        if let Some(&first) = b.first()
            && first.is_ascii_alphabetic()
            && !matches!(first, b'e' | b'E' | b'W' | b'R' | b'T')
            && b.get(1) != Some(&b':')
            && self.block.is_none()
            && !self.in_results
            && self.wrapped.is_none()
            && !matches!(b.last(), Some(b'!' | b'D' | b')'))
            && !b.ends_with(b" s")
            && !b.ends_with(b" sec")
            && let Some(at) = first_of(b, b':', b' ')
            && !(b.get(at) == Some(&b':') && is_jvm_file(b.get(..at).unwrap_or(&[])))
            && (b.len() < WRAP_WIDTH || !is_absolute(last_token(line)))
        {
            return;
        }
        self.any_line(line, n, report);
    }

    fn finish(&mut self, report: &mut Report) {
        self.close_block(report);
    }

    /// Outside a block, the `Results:` list and a line cut in a path, a line matters by
    /// its first byte (levels, `Running`, `Tests run:`, absolute paths), its last byte
    /// (Surefire's and Gradle's test lines), its first word (one word: a class line; a
    /// word ending in `:`: a compiler error's path), or an absolute path as its last word
    /// (a line cut in a path); under a gradle-test-logger class, every indented line.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const fn between(logger: bool) -> Interest {
            Interest {
                top: ByteSet::of(b"[EWRT/").union(ByteSet::OTHER_SPACE),
                indented: if logger {
                    ByteSet::ALL
                } else {
                    ByteSet::of(b"/").union(ByteSet::OTHER_SPACE)
                },
                last: ByteSet::of(b"!scD").union(ByteSet::of(&[super::classify::S_PAREN])),
                word_end: ByteSet::of(b":\0"),
                tail_path: true,
                blank: logger,
                ..Interest::NONE
            }
        }
        const PLAIN: Interest = between(false);
        const LOGGER: Interest = between(true);
        if self.block.is_some() || self.in_results || self.wrapped.is_some() {
            return &Interest::ALL;
        }
        if self.logger_class.is_some() {
            &LOGGER
        } else {
            &PLAIN
        }
    }
}

/// Maven's `[ERROR] ` / `[INFO] ` / `[WARNING] ` level, and the rest of the line.
fn strip_level(line: &str) -> (Option<&str>, &str) {
    match line.as_bytes().first() {
        Some(b'[') => {}
        // GitHub Actions shows Maven's levels as `Error:  ` and `Warning:  `.
        Some(b'E') => {
            return match line.strip_prefix("Error:  ") {
                Some(rest) => (Some("[ERROR]"), rest),
                None => (None, line),
            };
        }
        Some(b'W') => {
            return match line.strip_prefix("Warning:  ") {
                Some(rest) => (Some("[WARNING]"), rest),
                None => (None, line),
            };
        }
        _ => return (None, line),
    }
    for level in ["[ERROR]", "[INFO]", "[WARNING]", "[WARN]", "[DEBUG]"] {
        if let Some(rest) = line.strip_prefix(level) {
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            return (Some(level), rest);
        }
    }
    (None, line)
}

impl JunitParser {
    /// [`Parser::line`] past its fast path: kept out of line so that the fast path saves
    /// and restores few registers.
    #[cfg_attr(not(target_family = "wasm"), inline(never))]
    fn any_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let (level, body) = strip_level(line);
        if self.block.is_some() {
            self.block_line(line, level, body, n, report);
            if self.block.is_some() {
                return;
            }
        }
        // Prefilter: every line this parser acts on holds one of these bytes or starts a
        // result list; a blank or plain log line costs a few byte checks.
        let b = body.as_bytes();
        let wrapped = self.wrapped.take();
        let Some(&first) = b.first() else {
            return;
        };
        if level != Some("[INFO]") && self.compiler_error(level, body, wrapped, n, report) {
            return;
        }
        if b.len() >= WRAP_WIDTH {
            self.remember_wrap(body, n);
        }
        if self.in_results {
            self.results_line(level, body, n, report);
            return;
        }
        let last = *b.last().unwrap_or(&0);
        if first == b'R' || first == b'T' {
            if let Some(class) = body.strip_prefix("Running ") {
                self.set_surefire_class(class.trim());
                return;
            }
            if body.starts_with("Tests run:") {
                if let Some(at) = body.rfind(" in ") {
                    self.set_surefire_class(body.get(at + 4..).unwrap_or("").trim());
                }
                return;
            }
            if body.starts_with("Results")
                && body.trim_end().trim_end_matches([' ', ':']) == "Results"
            {
                self.in_results = true;
                self.results = None;
                return;
            }
        }
        // Per-test lines end with `<<< FAILURE!` or, passing, with `0.01 s` / `0.01 sec`.
        if (last == b'!' || b.ends_with(b" s") || b.ends_with(b" sec"))
            && TIME_ELAPSED.find(b).is_some()
            && self.surefire_test(body, n, report)
        {
            return;
        }
        if matches!(last, b'D' | b')') && self.gradle_test(line, n, report) {
            return;
        }
        if level.is_some() {
            return;
        }
        // gradle-test-logger: a class line (a qualified name alone) above its tests, at
        // the margin (plain and standard themes) or indented by two (mocha theme).
        // A lone capitalised word (`BUILD`, `Summary`) is no class unless named like a test.
        let class_like = |s: &str| {
            looks_like_class_name(s) && (s.contains('.') || is_test_class_name(simple_outer(s)))
        };
        let class_line = match body.strip_prefix("  ") {
            Some(rest) => class_like(rest),
            None => first != b' ' && first != b'\t' && class_like(body),
        };
        if class_line {
            self.logger_class = Some(clip(body.trim_start(), super::MAX_ID).to_owned());
        } else if first == b' ' && self.logger_class.is_some() {
            self.mocha_test(body, n, report);
        }
    }

    fn set_surefire_class(&mut self, class: &str) {
        // `Running com.acme.FooTest` may carry a suffix in some runners (`(of 3)`).
        let class = class.split_whitespace().next().unwrap_or("");
        if class.is_empty() || !looks_like_class_name(class) {
            return;
        }
        self.surefire_class = Some(clip(class, super::MAX_ID).to_owned());
        self.remember_class(class);
    }

    fn remember_class(&mut self, class: &str) {
        let simple = simple_name(class);
        if simple == class || self.classes.contains_key(simple) {
            return;
        }
        if self.classes.len() < MAX_CLASSES {
            self.classes.insert(simple.to_owned(), class.to_owned());
        }
    }

    /// The qualified name of a class the summary names by its simple name.
    fn qualify<'a>(&'a self, simple: &'a str) -> &'a str {
        self.classes.get(simple).map_or(simple, String::as_str)
    }

    /// javac, Maven's compiler plugin and kotlinc errors (no test ran): a location that
    /// belongs to no test. `/src/Foo.java:93: error: msg`, `[ERROR] /D:/src/Foo.java:[27,20]
    /// msg`, `e: file:///src/Foo.kt:12:5 msg`; a relative path right below a line cut in
    /// the middle of an absolute one is joined to it.
    fn compiler_error(
        &mut self,
        level: Option<&str>,
        body: &str,
        wrapped: Option<(String, usize)>,
        n: usize,
        report: &mut Report,
    ) -> bool {
        let Some(err) = parse_compiler_error(body) else {
            return false;
        };
        // The bracket form is Maven's: only its `[ERROR]` lines are errors.
        if err.maven && level != Some("[ERROR]") {
            return false;
        }
        let (path, log_line) = match wrapped {
            Some((head, at)) if !is_absolute(err.path) => (format!("{head}{}", err.path), at),
            _ => (err.path.to_owned(), n),
        };
        // `/D:/x/Foo.java` (Maven on Windows): the drive is the path's start.
        let path = match path.strip_prefix('/') {
            Some(rest) if is_drive(rest) => rest.to_owned(),
            _ => path,
        };
        report.location(FailureLocation {
            path,
            line: err.line,
            column: err.column,
            message: (!err.message.is_empty()).then(|| clip(err.message, 500).to_owned()),
            log_line: Some(log_line),
            kind: LocationKind::Java,
        });
        true
    }

    fn remember_wrap(&mut self, body: &str, n: usize) {
        let token = last_token(body);
        if token.len() < 4 || token.len() > 1024 || !is_absolute(token) {
            return;
        }
        let name = token.rsplit(['/', '\\']).next().unwrap_or(token);
        // A whole file name ends the path: nothing was cut.
        if name.contains('.') {
            return;
        }
        self.wrapped = Some((token.to_owned(), n));
    }

    /// A Surefire per-test line. Returns whether it was one.
    fn surefire_test(&mut self, body: &str, n: usize, report: &mut Report) -> bool {
        if body.starts_with("Tests run:") {
            return false;
        }
        let Some(at) = body.find("Time elapsed:") else {
            return false;
        };
        let name = body.get(..at).unwrap_or("").trim_end();
        let name = name.strip_suffix("--").unwrap_or(name).trim_end();
        if name.is_empty() {
            return false;
        }
        let tail = body.get(at..).unwrap_or("");
        let status = if tail.contains("<<< FAILURE!") {
            TestStatus::Failed
        } else if tail.contains("<<< ERROR!") {
            TestStatus::Error
        } else if tail.contains("SKIPPED") {
            TestStatus::Skipped
        } else {
            TestStatus::Passed
        };
        // A class-level failure (`@BeforeAll`, a Spring context) names the class alone.
        let (class, method) = if self.surefire_class.as_deref() == Some(name) {
            (name.to_owned(), String::new())
        } else {
            let Some(cm) = split_surefire_name(name, self.surefire_class.as_deref()) else {
                return false;
            };
            cm
        };
        self.remember_class(&class);
        let id = if method.is_empty() {
            class.clone()
        } else {
            format!("{class}#{method}")
        };
        let mut t = TestResult::new(Framework::Junit, &id, status, n);
        t.name = if method.is_empty() {
            simple_name(&class).to_owned()
        } else {
            method.clone()
        };
        t.duration_ms = parse_elapsed(tail);
        report.test(t);
        if status.is_failure() {
            self.block = Some(Block::new(id, class, Style::Surefire));
        }
        true
    }

    /// `FooTest > testX() FAILED` (Gradle) or `  Test testX() PASSED (1.2s)`
    /// (gradle-test-logger). Returns whether it was one.
    fn gradle_test(&mut self, line: &str, n: usize, report: &mut Report) -> bool {
        let trimmed = line.trim();
        // test-logger appends the duration: `PASSED (10.6s)`, `FAILED (120ms)`.
        let (head, duration) = split_logger_duration(trimmed);
        let (rest, status) = if let Some(r) = head.strip_suffix(" FAILED") {
            (r, TestStatus::Failed)
        } else if let Some(r) = head.strip_suffix(" PASSED") {
            (r, TestStatus::Passed)
        } else if let Some(r) = head.strip_suffix(" SKIPPED") {
            (r, TestStatus::Skipped)
        } else {
            return false;
        };
        let (class, method) = if let Some(test) = rest.strip_prefix("Test ") {
            // gradle-test-logger: the class is the line above the group.
            let indented = line.starts_with([' ', '\t']);
            let Some(class) = self.logger_class.clone().filter(|_| indented) else {
                return false;
            };
            (class, method_name(test))
        } else {
            let mut segments: Vec<&str> = rest.split(" > ").map(str::trim).collect();
            // gradle-test-logger's parallel themes: `com.acme.FooTest testX() PASSED`.
            if segments.len() == 1
                && let Some((class, name)) = rest.split_once(' ')
                && class.contains('.')
                && looks_like_class_name(class)
            {
                segments = vec![class, name.trim()];
            }
            // TestNG under Gradle: `Gradle suite > Gradle test > com.acme.FooTest.testX`, or
            // with the default granularity the class and method joined by a dot alone
            // (Gradle's `AbstractTestLogger`).
            while segments.len() > 1 && segments.first().is_some_and(|s| s.starts_with("Gradle ")) {
                segments.remove(0);
            }
            if let [single] = segments.as_slice()
                && !line.starts_with([' ', '\t'])
                && let Some((class, method)) = split_dotted_test(single)
            {
                segments = vec![class, method];
            }
            if segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
                return false;
            }
            let first = segments.first().copied().unwrap_or("");
            // `> Task :test FAILED` and other Gradle lines are not tests. Gradle prints its
            // test events at the margin; a class's display name may hold spaces there.
            if first.starts_with('>')
                || first.contains(char::is_whitespace) && line.starts_with([' ', '\t'])
            {
                return false;
            }
            let mut method_at = segments.len() - 1;
            let mut index = "";
            let last = segments.get(method_at).copied().unwrap_or("");
            // Parameterised rows: `testX(int) > [1] 1 FAILED`.
            if last.starts_with('[') && method_at >= 2 {
                index = last.split(']').next().map_or("", |s| s);
                method_at -= 1;
            }
            let mut class = first.to_owned();
            for nested in segments.get(1..method_at).unwrap_or(&[]) {
                class.push('$');
                class.push_str(nested);
            }
            let mut method = method_name(segments.get(method_at).copied().unwrap_or(""));
            if !index.is_empty() {
                method.push_str(index);
                method.push(']');
            }
            (class, method)
        };
        if method.is_empty() {
            return false;
        }
        self.remember_class(&class);
        let id = format!("{class}#{method}");
        let mut t = TestResult::new(Framework::Junit, &id, status, n);
        t.name = method;
        t.duration_ms = duration;
        report.test(t);
        if status.is_failure() {
            self.block = Some(Block::new(id, class, Style::Gradle));
        }
        true
    }

    /// gradle-test-logger's mocha theme: `    ✔ testX()`, `    ✘ testY() (1.2s)`,
    /// `    - testZ()` (`√` and `X` on Windows) under a class line.
    fn mocha_test(&mut self, line: &str, n: usize, report: &mut Report) {
        let Some((status, rest)) = mocha_glyph(line) else {
            return;
        };
        let Some(class) = self.logger_class.clone() else {
            return;
        };
        let (name, duration) = split_logger_duration(rest);
        let method = method_name(name);
        if method.is_empty() {
            return;
        }
        let id = format!("{class}#{method}");
        let mut t = TestResult::new(Framework::Junit, &id, status, n);
        t.name = method;
        t.duration_ms = duration;
        report.test(t);
        if status.is_failure() {
            self.block = Some(Block::new(id, class, Style::Gradle));
        }
    }

    /// A line inside Surefire's `Results:` section.
    fn results_line(&mut self, level: Option<&str>, body: &str, n: usize, report: &mut Report) {
        let trimmed = body.trim();
        if trimmed.starts_with("Tests run:")
            || trimmed.starts_with("BUILD ")
            || trimmed.starts_with("---")
        {
            self.in_results = false;
            self.results = None;
            return;
        }
        // A cut log may lack the closing `Tests run:`: the next module's tests end it.
        if trimmed.starts_with("T E S T S") || body.starts_with("Running ") {
            self.in_results = false;
            self.results = None;
            if let Some(class) = body.strip_prefix("Running ") {
                self.set_surefire_class(class.trim());
            }
            return;
        }
        let (list, rest) = if let Some(r) = trimmed.strip_prefix("Failed tests:") {
            (Some(ResultsList::Failed), r)
        } else if let Some(r) = trimmed.strip_prefix("Tests in error:") {
            (Some(ResultsList::Error), r)
        } else if let Some(r) = trimmed.strip_prefix("Failures:") {
            (Some(ResultsList::Failed), r)
        } else if let Some(r) = trimmed.strip_prefix("Errors:") {
            (Some(ResultsList::Error), r)
        } else if let Some(r) = trimmed.strip_prefix("Flakes:") {
            (Some(ResultsList::Flaky), r)
        } else {
            (None, trimmed)
        };
        if let Some(list) = list {
            self.results = Some(list);
        }
        let Some(list) = self.results else {
            return;
        };
        let rest = rest.trim();
        if rest.is_empty() {
            return;
        }
        // Entries are indented under their heading; a message's continuation lines are
        // not (or carry no level in Maven 3), and are skipped.
        let indented = body.starts_with("  ") || list_inline(trimmed);
        // Rerun tests head their `Run N:` lines with their qualified name at the margin.
        let rerun_head = level.is_some() && !rest.contains(char::is_whitespace);
        if !(indented || rerun_head) {
            return;
        }
        // Reruns: `Run 1: FooTest.testX:42 msg`, `Run 2: PASS`.
        if rest.starts_with("Run ") {
            return;
        }
        self.summary_entry(list, rest, n, report);
    }

    /// `FooTest.testX:42 msg`, `A.m:13->B.n:66 » Exc msg`, `testX(com.acme.FooTest): msg`,
    /// `com.acme.FooTest.testX` (flakes).
    fn summary_entry(&mut self, list: ResultsList, entry: &str, n: usize, report: &mut Report) {
        let status = match list {
            ResultsList::Failed => TestStatus::Failed,
            ResultsList::Error => TestStatus::Error,
            ResultsList::Flaky => TestStatus::Flaky,
        };
        // Old form: `testX(com.acme.FooTest): message`.
        if let Some(open) = entry.find('(')
            && let Some(close) = entry
                .get(open..)
                .and_then(|s| s.find(')'))
                .map(|c| open + c)
        {
            let method = entry.get(..open).unwrap_or("");
            let class = entry.get(open + 1..close).unwrap_or("");
            if is_identifier_like(method) && looks_like_class_name(class) {
                let message = entry
                    .get(close + 1..)
                    .unwrap_or("")
                    .trim_start_matches(':')
                    .trim();
                let id = format!("{class}#{method}");
                let mut t = TestResult::new(Framework::Junit, &id, status, n);
                t.name = method.to_owned();
                if !message.is_empty() {
                    set_message(&mut t, message);
                }
                report.test(t);
                return;
            }
        }
        let token_end = entry.find(char::is_whitespace).unwrap_or(entry.len());
        let token = entry.get(..token_end).unwrap_or("");
        let message = entry.get(token_end..).unwrap_or("").trim();
        // `»` (or `?` where a console code page lost it) before the exception's short name.
        let arrow = message
            .strip_prefix('»')
            .or_else(|| message.strip_prefix("? "));
        let message = arrow.unwrap_or(message).trim();
        let mut chain = token.split("->");
        let Some(head) = chain.next() else {
            return;
        };
        let (head, line) = split_line_suffix(head);
        // `Sub>Base.method`: the test's class is the one before `>`.
        let (class, method) = match head.split_once('>') {
            Some((class, rest)) => match rest.rsplit_once('.') {
                Some((_, m)) => (class, m),
                None => return,
            },
            None => match split_class_method(head) {
                Some(cm) => cm,
                None => return,
            },
        };
        if class.is_empty() || method.is_empty() || !looks_like_class_name(class) {
            return;
        }
        // A message's continuation line may look like `pkg.Name.word text`: an entry
        // names a class that ran, or carries a line number or the `»` of an error.
        let known = self.surefire_class.as_deref() == Some(class)
            || self.classes.contains_key(class)
            || self
                .classes
                .get(simple_name(class))
                .is_some_and(|q| q == class);
        if !(known || line.is_some() || arrow.is_some()) {
            return;
        }
        let class = self.qualify(class).to_owned();
        let method = method_name(method);
        let id = clip(&format!("{class}#{method}"), super::MAX_ID).to_owned();
        let mut t = TestResult::new(Framework::Junit, &id, status, n);
        t.name = method.to_owned();
        if !message.is_empty() && list != ResultsList::Flaky {
            set_message(&mut t, message);
        }
        // The innermost element of the chain is where it failed: a fallback for tests
        // whose block printed no frame (trimmed stack traces).
        let innermost = chain.last().map_or((head, line), split_line_suffix);
        let summary_location = innermost.1.map(|l| {
            // `Sub>Base.method:42`: the line is in Base, where the method is written.
            let element = innermost.0.split_once('>').map_or(innermost.0, |(_, b)| b);
            let c = split_class_method(element).map_or(class.as_str(), |(c, _)| self.qualify(c));
            let qualified_class = match (c.contains('.'), class.rsplit_once('.')) {
                (false, Some((pkg, _))) => format!("{pkg}.{c}"),
                _ => c.to_owned(),
            };
            java_location(
                format!("{}.java", qualified_class.replace('.', "/")),
                l,
                (!message.is_empty()).then(|| message.to_owned()),
                n,
            )
        });
        let has_locations = report
            .get_mut(Framework::Junit, &id)
            .is_some_and(|t| !t.locations.is_empty());
        if !has_locations && let Some(loc) = summary_location {
            t.locations.push(loc);
        }
        if report.get_mut(Framework::Junit, &id).is_some() {
            // Keep the block's fuller message; the summary only confirms the status.
            t.message = None;
        }
        report.test(t);
    }

    fn block_line(
        &mut self,
        line: &str,
        level: Option<&str>,
        body: &str,
        n: usize,
        report: &mut Report,
    ) {
        let Some(block) = self.block.as_mut() else {
            return;
        };
        block.lines += 1;
        let trimmed = body.trim();
        let ends = block.lines > MAX_BLOCK_LINES
            || (trimmed.is_empty() && block.section_frame)
            || match block.style {
                // A Maven level line, a new class or test.
                Style::Surefire => {
                    level.is_some()
                        || body.starts_with("Running ")
                        || body.starts_with("Tests run:")
                        || body.contains("Time elapsed:")
                }
                // Gradle indents the details; a line at the margin ends them.
                Style::Gradle => {
                    (!trimmed.is_empty() && !line.starts_with([' ', '\t']))
                        || mocha_glyph(line).is_some()
                        || trimmed.ends_with(" FAILED")
                        || trimmed.ends_with(" PASSED")
                        || trimmed.ends_with(" SKIPPED")
                }
            };
        if ends {
            self.close_block(report);
            return;
        }
        if trimmed.is_empty() {
            return;
        }
        if let Some(frame) = trimmed.strip_prefix("at ")
            && let Some(parsed) = jvm_frame(frame)
        {
            block.seen_frame = true;
            block.section_frame = true;
            if let Some((qualified, path, line_no)) = parsed
                && block.frames.len() < MAX_FRAMES
            {
                let message = block.message.first().cloned();
                block.frames.push(Frame {
                    qualified,
                    location: java_location(path, line_no, message, n),
                    depth: block.depth,
                });
            }
            return;
        }
        if trimmed.starts_with("... ") && trimmed.ends_with(" more") {
            block.seen_frame = true;
            block.section_frame = true;
            return;
        }
        let (cause, text) = match trimmed.strip_prefix("Caused by: ") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if cause {
            block.depth += 1;
            block.section_frame = false;
        }
        // Gradle's short format: `java.lang.AssertionError at FooTest.java:9`.
        if let Some((exception, file, line_no)) = short_format(text) {
            block.seen_frame = true;
            block.section_frame = true;
            if !cause && block.message.len() < MAX_MESSAGE_LINES {
                block.message.push(exception.to_owned());
            }
            if block.frames.len() < MAX_FRAMES {
                let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
                let class = without_target(&block.class);
                let path = match class.rsplit_once('.') {
                    Some((pkg, _)) if simple_outer(class) == stem => {
                        format!("{}/{file}", pkg.replace('.', "/"))
                    }
                    _ => file.to_owned(),
                };
                let depth = block.depth;
                block.frames.push(Frame {
                    qualified: format!("{stem}.?"),
                    location: java_location(path, line_no, Some(exception.to_owned()), n),
                    depth,
                });
            }
            return;
        }
        if cause {
            return;
        }
        if !block.seen_frame {
            if block.message.len() < MAX_MESSAGE_LINES {
                block.message.push(clip(text, super::MAX_TEXT).to_owned());
            }
        } else if block.section_frame && block.style == Style::Surefire {
            // Text after a stack that is not a frame: the block is over (stdout of the
            // next test, a Spring log line).
            self.close_block(report);
        }
    }

    fn close_block(&mut self, report: &mut Report) {
        let Some(block) = self.block.take() else {
            return;
        };
        let Some(t) = report.get_mut(Framework::Junit, &block.id) else {
            return;
        };
        if !block.message.is_empty() {
            let text = block.message.join("\n");
            if let Some((expected, actual)) = expected_actual(&text) {
                t.expected = Some(clip(&expected, super::MAX_TEXT).to_owned());
                t.actual = Some(clip(&actual, super::MAX_TEXT).to_owned());
            }
            t.message = Some(clip(text.trim(), super::MAX_TEXT).to_owned());
        }
        t.locations = order_frames(&block.class, block.frames);
        t.locations.truncate(super::MAX_TEST_LOCATIONS);
    }
}

impl Block {
    fn new(id: String, class: String, style: Style) -> Self {
        Block {
            // The report keeps ids clipped: look the test up by the same text.
            id: clip(&id, super::MAX_ID).to_owned(),
            class,
            style,
            lines: 0,
            message: Vec::new(),
            frames: Vec::new(),
            depth: 0,
            seen_frame: false,
            section_frame: false,
        }
    }
}

/// The block's frames, best first: the project's own frames (the test class, or its
/// package root and not a known library) of the top exception, then of its causes, then
/// other frames that are not library code. Library frames are dropped.
fn order_frames(test_class: &str, frames: Vec<Frame>) -> Vec<FailureLocation> {
    let test_class = without_target(test_class);
    let outer = test_class.split('$').next().unwrap_or(test_class);
    let root = package_root(outer);
    let simple = simple_name(outer);
    let rank = |f: &Frame| -> Option<u32> {
        let q = f.qualified.as_str();
        let class = q.rsplit_once('.').map_or(q, |(c, _)| c);
        let class_outer = class.split('$').next().unwrap_or(class);
        let own =
            class_outer == outer || (!outer.contains('.') && simple_name(class_outer) == simple);
        let in_root = root.is_some_and(|r| {
            class_outer.starts_with(r) && class_outer.as_bytes().get(r.len()) == Some(&b'.')
        });
        let short = q.ends_with(".?");
        if short {
            // Gradle's short format names only a file: trust it when it is the test
            // class or named like a test (the top frame may be any library's).
            let stem = q.trim_end_matches(".?");
            return (stem == simple || is_test_class_name(stem)).then_some(0);
        }
        if is_library(q) && !own {
            return None;
        }
        Some(match (own || in_root, f.depth == 0) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => 3,
        })
    };
    let mut ranked: Vec<(u32, usize, FailureLocation)> = frames
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| rank(&f).map(|r| (r, i, f.location)))
        .collect();
    ranked.sort_by_key(|(r, i, _)| (*r, *i));
    let mut out: Vec<FailureLocation> = Vec::new();
    for (_, _, loc) in ranked {
        if !out.iter().any(|l| l.path == loc.path && l.line == loc.line) {
            out.push(loc);
        }
    }
    out
}

fn java_location(path: String, line: u32, message: Option<String>, n: usize) -> FailureLocation {
    FailureLocation {
        path,
        line,
        column: None,
        message: message.map(|m| clip(&m, 500).to_owned()),
        log_line: Some(n),
        kind: LocationKind::Java,
    }
}

/// `com.acme` of `com.acme.shop.FooTest`: frames under it are the project's. One segment
/// for a one-segment package, none for the default package.
fn package_root(class: &str) -> Option<&str> {
    let pkg = class.rsplit_once('.')?.0;
    let mut dots = pkg.match_indices('.');
    match (dots.next(), dots.next()) {
        (Some(_), Some((second, _))) => pkg.get(..second),
        _ => Some(pkg),
    }
}

/// `com.acme.Foo.bar(Foo.java:88)` -> (`com.acme.Foo.bar`, `com/acme/Foo.java`, 88).
/// Module prefixes (`java.base/`, `app//`) are dropped; frames without a source line
/// (`Native Method`, `<generated>`) give nothing.
fn parse_java_frame(rest: &str) -> Option<(String, String, u32)> {
    let open = rest.find('(')?;
    let qualified = rest.get(..open)?;
    // Kotlin test names may hold spaces (`FooTest.adds two numbers`); the class may not.
    let class = qualified.rsplit_once('.')?.0;
    if class.is_empty() || class.contains(char::is_whitespace) {
        return None;
    }
    let close = open + rest.get(open..)?.find(')')?;
    let inner = rest.get(open + 1..close)?;
    let (file, line) = inner.rsplit_once(':')?;
    let jvm = [".java", ".kt", ".kts", ".scala", ".groovy", ".clj"];
    if !jvm.iter().any(|e| file.ends_with(e)) || file.contains(['/', '\\']) {
        return None;
    }
    let line = parse_u32(line).filter(|&l| l > 0)?;
    let qualified = qualified.rsplit('/').next().unwrap_or(qualified);
    let segments: Vec<&str> = qualified.split('.').collect();
    let package = segments
        .get(..segments.len().saturating_sub(2))
        .unwrap_or(&[]);
    let mut path = String::new();
    for seg in package {
        path.push_str(seg);
        path.push('/');
    }
    path.push_str(file);
    Some((qualified.to_owned(), path, line))
}

/// An `at` line's text as a JVM frame: `Some(Some(..))` with a source line,
/// `Some(None)` for a JVM frame without one (`Native Method`, `<generated>`), `None` for
/// anything else (a Node stack inside a message, prose).
fn jvm_frame(rest: &str) -> Option<Option<(String, String, u32)>> {
    let open = rest.find('(')?;
    let qualified = rest.get(..open)?;
    let class = qualified.rsplit_once('.')?.0;
    if class.is_empty() || class.contains(char::is_whitespace) {
        return None;
    }
    let close = open + rest.get(open..)?.find(')')?;
    let inner = rest.get(open + 1..close)?;
    if let Some(f) = parse_java_frame(rest) {
        return Some(Some(f));
    }
    let jvm = [".java", ".kt", ".kts", ".scala", ".groovy", ".clj"];
    let known = matches!(inner, "Native Method" | "Unknown Source" | "<generated>")
        || jvm.iter().any(|e| inner.ends_with(e));
    known.then_some(None)
}

/// A class as Gradle prints it for a Kotlin Multiplatform target, `T[jvm]` or
/// `T[js, browser, ChromeHeadless88]`, without that target: the class of the source file.
fn without_target(class: &str) -> &str {
    match class
        .strip_suffix(']')
        .and_then(|c| c.rfind('[').map(|at| (c, at)))
    {
        Some((c, at)) if at > 0 => c.get(..at).unwrap_or(class),
        _ => class,
    }
}

/// Gradle's short exception format: `java.lang.AssertionError at FooTest.java:9`.
fn short_format(text: &str) -> Option<(&str, &str, u32)> {
    let (exception, loc) = text.rsplit_once(" at ")?;
    if exception.contains(char::is_whitespace)
        || !exception.contains('.') && !exception.ends_with("Error")
    {
        return None;
    }
    let (file, line) = loc.trim().rsplit_once(':')?;
    let jvm = [".java", ".kt", ".kts", ".scala", ".groovy"];
    if !jvm.iter().any(|e| file.ends_with(e)) || file.contains([' ', '/', '\\']) {
        return None;
    }
    Some((exception, file, parse_u32(line)?))
}

fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `com.acme.FooTest` or `FooTest` (also `Foo$Inner`): identifiers joined by dots.
fn looks_like_class_name(s: &str) -> bool {
    // Most lines fail at their first space: check the bytes before anything else, by a
    // table (a byte costs a load, not the ranges of `is_ascii_alphanumeric`).
    !s.is_empty()
        && s.len() <= super::MAX_ID
        && s.as_bytes().iter().all(|&b| IDENT[usize::from(b)])
        && s.split('.').all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && seg
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
        && s.split('.')
            .next_back()
            .and_then(|l| l.chars().next())
            .is_some_and(char::is_uppercase)
}

/// The bytes of a dotted class name: ASCII letters and digits, `_`, `$`, `.`, and those
/// of non-ASCII characters.
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.' || c >= 0x80;
        b += 1;
    }
    t
};

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `w` equal to `c`, exactly (no borrow between bytes).
fn eq_bytes(w: u64, c: u8) -> u64 {
    let x = w ^ (u64::from(c) * 0x0101_0101_0101_0101);
    !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
}

/// `b.iter().position(|&c| c == x || c == y)`, eight bytes at a time.
fn first_of(b: &[u8], x: u8, y: u8) -> Option<usize> {
    let mut at = 0;
    while let Some(w) = b.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let w = u64::from_le_bytes(*w);
        let hits = eq_bytes(w, x) | eq_bytes(w, y);
        if hits != 0 {
            return Some(at + hits.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let tail = b.get(at..)?.iter().position(|&c| c == x || c == y)?;
    Some(at + tail)
}

/// `b.iter().rposition(|&c| c == x || c == y)`, eight bytes at a time from the end.
fn last_of(b: &[u8], x: u8, y: u8) -> Option<usize> {
    let mut end = b.len();
    while let Some(w) = b.get(..end).and_then(<[u8]>::last_chunk::<8>) {
        let w = u64::from_le_bytes(*w);
        let hits = eq_bytes(w, x) | eq_bytes(w, y);
        if hits != 0 {
            return Some(end - 1 - hits.leading_zeros() as usize / 8);
        }
        end -= 8;
    }
    b.get(..end)?.iter().rposition(|&c| c == x || c == y)
}

/// `com.acme.FooTest.testX` (TestNG under Gradle) or, with a Kotlin test name holding
/// spaces, `MyTests.test that fails` (Kotlin/Native test tasks): the class ends at the
/// last dot before the first space.
fn split_dotted_test(single: &str) -> Option<(&str, &str)> {
    let head_end = single.find(char::is_whitespace).unwrap_or(single.len());
    let dot = single.get(..head_end)?.rfind('.')?;
    let class = single.get(..dot)?;
    let method = single.get(dot + 1..)?;
    (!method.is_empty() && looks_like_class_name(class)).then_some((class, method))
}

/// A method name, possibly with a JUnit 4 parameter index (`testX[0]`).
fn is_identifier_like(s: &str) -> bool {
    let base = s.split('[').next().unwrap_or(s);
    !base.is_empty()
        && base
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && base
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// `testX()` -> `testX`, `testX(Path)` -> `testX`, `testX(int)[2]` -> `testX[2]`; display
/// names and Kotlin names with spaces are kept.
fn method_name(s: &str) -> String {
    let s = s.trim();
    let Some(open) = s.find('(') else {
        return s.to_owned();
    };
    let Some(close) = s.rfind(')') else {
        return s.to_owned();
    };
    if close < open {
        return s.to_owned();
    }
    let after = s.get(close + 1..).unwrap_or("").trim();
    // A dynamic test's name follows its factory: `decisionTests().InvalidZipCode.json`.
    if !after.is_empty() && !after.starts_with('[') {
        return s.to_owned();
    }
    let mut m = s.get(..open).unwrap_or("").trim_end().to_owned();
    m.push_str(after);
    m
}

/// Surefire's test name: `testX(com.acme.FooTest)` (JUnit 4),
/// `com.acme.FooTest.testX` / `com.acme.FooTest.testX(int)[1]` (JUnit Platform), or a
/// bare method under the current class.
fn split_surefire_name(name: &str, current: Option<&str>) -> Option<(String, String)> {
    if let Some(open) = name.find('(')
        && name.ends_with(')')
    {
        let before = name.get(..open)?;
        let inner = name.get(open + 1..name.len() - 1)?;
        if !before.contains('.') && looks_like_class_name(inner) {
            return Some((inner.to_owned(), before.to_owned()));
        }
    }
    if let Some(cur) = current
        && let Some(rest) = name.strip_prefix(cur).and_then(|r| r.strip_prefix('.'))
    {
        return Some((cur.to_owned(), method_name(rest)));
    }
    let head_end = name.find(['(', '[', ' ']).unwrap_or(name.len());
    let head = name.get(..head_end)?;
    if let Some((class, _)) = head.rsplit_once('.')
        && looks_like_class_name(class)
    {
        let rest = name.get(class.len() + 1..)?;
        return Some((class.to_owned(), method_name(rest)));
    }
    let cur = current?;
    Some((cur.to_owned(), method_name(name)))
}

/// `FooTest.testX` -> (`FooTest`, `testX`); a qualified class is split at its last dot
/// before the method.
fn split_class_method(s: &str) -> Option<(&str, &str)> {
    let head_end = s.find(['(', '[']).unwrap_or(s.len());
    let (class, _) = s.get(..head_end)?.rsplit_once('.')?;
    let method = s.get(class.len() + 1..)?;
    Some((class, method))
}

/// `FooTest.testX:42` -> (`FooTest.testX`, Some(42)).
fn split_line_suffix(s: &str) -> (&str, Option<u32>) {
    match s.rsplit_once(':') {
        Some((head, n)) => match parse_u32(n) {
            Some(l) if l > 0 => (head, Some(l)),
            _ => (s, None),
        },
        None => (s, None),
    }
}

/// Lines at least this long may have been hard-wrapped by a console (80 columns and
/// up; PowerShell keeps one column free).
const WRAP_WIDTH: usize = 60;

struct CompilerError<'a> {
    path: &'a str,
    line: u32,
    column: Option<u32>,
    message: &'a str,
    /// Maven's `path:[line,col]` form.
    maven: bool,
}

/// `path.java:93: error: msg`, `path.java:[27,20] msg`, `e: file:///p/Foo.kt:12:5 msg`,
/// `e: /p/Foo.kt: (12, 5): msg`. Warnings are not errors.
fn parse_compiler_error(body: &str) -> Option<CompilerError<'_>> {
    let t = body.trim_start();
    let (t, kotlin) = match t.strip_prefix("e: ") {
        Some(rest) => (rest.strip_prefix("file://").unwrap_or(rest), true),
        None => (t, false),
    };
    let b = t.as_bytes();
    // The drive's colon is not the location's (`C:\\x`, Maven's `/D:/x`).
    let start = match t.strip_prefix('/') {
        Some(rest) if is_drive(rest) => 3,
        _ if is_drive(t) => 2,
        _ => 0,
    };
    // A relative path holds no space before its colon: most log lines stop at their
    // first word.
    let colon = if start == 0 && !t.starts_with('/') {
        // Eight bytes at a time: the first word is short, a SIMD search's setup costs
        // more, and a byte loop costs a few instructions per byte (a pytest `-v` line's
        // first word is its whole node id).
        let at = first_of(b, b':', b' ')?;
        (b.get(at) == Some(&b':')).then_some(at)?
    } else {
        start + memchr::memchr(b':', b.get(start..)?)?
    };
    let path = t.get(..colon)?;
    if !is_jvm_file(path.as_bytes()) || path.contains(['\t']) {
        return None;
    }
    let rest = t.get(colon + 1..)?;
    if let Some(bracket) = rest.strip_prefix('[') {
        // Maven: `[27,20] message`.
        let (nums, message) = bracket.split_once(']')?;
        let (l, c) = nums.split_once(',').unwrap_or((nums, ""));
        return Some(CompilerError {
            path,
            line: parse_u32(l.trim()).filter(|&l| l > 0)?,
            column: parse_u32(c.trim()),
            message: message.trim(),
            maven: true,
        });
    }
    if kotlin {
        // `12:5 message` or ` (12, 5): message`.
        let rest = rest.trim_start();
        let (nums, message) = match rest.strip_prefix('(') {
            Some(r) => {
                let (nums, m) = r.split_once(')')?;
                (nums.replace(' ', ""), m.trim_start_matches(':').trim())
            }
            None => {
                let (loc, m) = rest.split_once(' ').unwrap_or((rest, ""));
                (loc.replace(':', ","), m.trim())
            }
        };
        let (l, c) = nums.split_once(',').unwrap_or((nums.as_str(), ""));
        return Some(CompilerError {
            path,
            line: parse_u32(l).filter(|&l| l > 0)?,
            column: parse_u32(c),
            message,
            maven: false,
        });
    }
    // javac: `93: error: message`.
    let (l, after) = rest.split_once(':')?;
    let message = after.trim_start().strip_prefix("error:")?.trim();
    Some(CompilerError {
        path,
        line: parse_u32(l).filter(|&l| l > 0)?,
        column: None,
        message,
        maven: false,
    })
}

/// `C:\…` or `C:/…`.
fn is_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 2
        && b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.get(1) == Some(&b':')
        && matches!(b.get(2), Some(b'\\' | b'/'))
}

/// A JVM source file's name.
fn is_jvm_file(path: &[u8]) -> bool {
    matches!(
        path,
        [.., b'.', b'j', b'a', b'v', b'a']
            | [.., b'.', b'k', b't']
            | [.., b'.', b'k', b't', b's']
            | [.., b'.', b's', b'c', b'a', b'l', b'a']
            | [.., b'.', b'g', b'r', b'o', b'o', b'v', b'y']
    )
}

/// The text after the last space or tab (all of it without one).
fn last_token(body: &str) -> &str {
    match last_of(body.as_bytes(), b' ', b'\t') {
        Some(at) => body.get(at + 1..).unwrap_or(""),
        None => body,
    }
}

fn is_absolute(p: &str) -> bool {
    p.starts_with(['/', '\\']) || is_drive(p)
}

/// `name (10.6s)` -> (`name`, Some(10600)); text without a duration as it is.
fn split_logger_duration(s: &str) -> (&str, Option<u64>) {
    let Some(body) = s.strip_suffix(')') else {
        return (s, None);
    };
    // Every duration ends with its unit's `s` (`ms`, `s`): most `(...)` tails stop here,
    // before a substring search.
    if !body.ends_with('s') {
        return (s, None);
    }
    let Some(open) = body.rfind(" (") else {
        return (s, None);
    };
    match parse_duration(body.get(open + 2..).unwrap_or("")) {
        Some(ms) => (body.get(..open).unwrap_or("").trim_end(), Some(ms)),
        None => (s, None),
    }
}

/// The status glyph of a mocha-theme test line (indented by four or more) and the rest.
fn mocha_glyph(line: &str) -> Option<(TestStatus, &str)> {
    let rest = line.strip_prefix("    ")?.trim_start();
    for (glyph, status) in [
        ("✔ ", TestStatus::Passed),
        ("√ ", TestStatus::Passed),
        ("✘ ", TestStatus::Failed),
        ("X ", TestStatus::Failed),
        ("- ", TestStatus::Skipped),
    ] {
        if let Some(r) = rest.strip_prefix(glyph) {
            let r = r.trim();
            // `X` and `-` also start prose and lists: only with a JUnit 5 name `m()`.
            let ascii = glyph.len() == 2;
            if ascii && !split_logger_duration(r).0.ends_with(')') {
                return None;
            }
            return Some((status, r));
        }
    }
    None
}

/// `Time elapsed: 0.05 s` / `0.05 sec` -> milliseconds.
fn parse_elapsed(tail: &str) -> Option<u64> {
    let rest = tail.strip_prefix("Time elapsed:")?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(rest.len());
    let secs: f64 = rest.get(..end)?.replace(',', ".").parse().ok()?;
    secs_to_ms(secs)
}

/// `10.6s`, `120ms`, `1m 2s` -> milliseconds.
fn parse_duration(d: &str) -> Option<u64> {
    if let Some(ms) = d.strip_suffix("ms") {
        return ms.trim().parse::<u64>().ok();
    }
    let s = d.strip_suffix('s')?;
    let secs: f64 = s.trim().parse().ok()?;
    secs_to_ms(secs)
}

fn secs_to_ms(secs: f64) -> Option<u64> {
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return None;
    }
    Some((secs * 1000.0).round() as u64)
}

fn set_message(t: &mut TestResult, message: &str) {
    if let Some((e, a)) = expected_actual(message) {
        t.expected = Some(clip(&e, super::MAX_TEXT).to_owned());
        t.actual = Some(clip(&a, super::MAX_TEXT).to_owned());
    }
    t.message = Some(clip(message, super::MAX_TEXT).to_owned());
}

/// True when a list's heading carries its first entry on the same line (old Surefire:
/// `Failed tests:   testX(com.acme.FooTest): msg`).
fn list_inline(trimmed: &str) -> bool {
    trimmed.starts_with("Failed tests:") || trimmed.starts_with("Tests in error:")
}

/// Expected and actual values from JUnit, opentest4j, Hamcrest and AssertJ messages:
/// `expected: <1> but was: <2>`, `expected:<1> but was:<2>`, `expected: "x"\n but was: "y"`,
/// `Expected: is "x"\n     but: was "y"`, and AssertJ's `Expecting actual:\n  x\nto ...:\n  y`.
fn expected_actual(text: &str) -> Option<(String, String)> {
    if let Some(at) = text.find("expected:") {
        let rest = text.get(at + "expected:".len()..)?;
        let but = rest.find("but was:")?;
        let expected = rest.get(..but)?.trim();
        let actual = rest.get(but + "but was:".len()..)?;
        let actual = actual.lines().next().unwrap_or("").trim();
        return Some((unwrap_value(expected), unwrap_value(actual)));
    }
    if let Some(at) = text.find("Expected: ") {
        let rest = text.get(at + "Expected: ".len()..)?;
        let but = rest.find("but: ")?;
        let expected = rest.get(..but)?.trim();
        let actual = rest.get(but + "but: ".len()..)?.lines().next()?.trim();
        let actual = actual.strip_prefix("was ").unwrap_or(actual);
        return Some((expected.to_owned(), actual.to_owned()));
    }
    if let Some(at) = text.find("Expecting actual:") {
        let rest = text.get(at + "Expecting actual:".len()..)?;
        let mut lines = rest.lines().skip_while(|l| l.trim().is_empty());
        let mut actual = Vec::new();
        let mut expected = Vec::new();
        let mut seen_to = false;
        for l in lines.by_ref() {
            let t = l.trim();
            if !seen_to && t.starts_with("to ") && t.ends_with(':')
                || !seen_to && t.starts_with("not to ")
            {
                seen_to = true;
                continue;
            }
            if t.is_empty() {
                if seen_to && !expected.is_empty() {
                    break;
                }
                continue;
            }
            if seen_to {
                if !l.starts_with([' ', '\t']) {
                    break;
                }
                expected.push(t);
            } else {
                actual.push(t);
            }
        }
        if !seen_to || expected.is_empty() || actual.is_empty() {
            return None;
        }
        return Some((expected.join("\n"), actual.join("\n")));
    }
    None
}

/// `<x>` -> `x`; other values as printed.
fn unwrap_value(v: &str) -> String {
    let v = v.trim();
    v.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(v)
        .to_owned()
}

// Java and Kotlin stack frames, as the location extractor (`super::extract`) reads them
// in any log, and the JVM library rule this module's blocks use too.

/// For the extractor, `com.acme.Foo.bar(Foo.java:88)`: `Some((Some(path), line))` for a
/// usable frame, `Some((None, 0))` for a Java frame to drop (JDK, frameworks, no source),
/// `None` when the text is not a Java frame.
pub(crate) fn stack_frame_location(rest: &str) -> Option<(Option<String>, u32)> {
    let open = rest.find('(')?;
    let qualified = rest.get(..open)?;
    if qualified.is_empty() || qualified.contains(char::is_whitespace) {
        return None;
    }
    let close = open + rest.get(open..)?.find(')')?;
    let inner = rest.get(open + 1..close)?;
    let jvm_file = |f: &str| {
        [".java", ".kt", ".kts", ".scala", ".groovy", ".clj"]
            .iter()
            .any(|e| f.ends_with(e))
    };
    let (file, line) = match inner.rsplit_once(':') {
        Some((f, n)) if jvm_file(f) && !f.contains(['/', '\\']) => {
            (f, super::generic::parse_num(n).filter(|&l| l > 0)?)
        }
        _ if matches!(inner, "Unknown Source" | "Native Method") || jvm_file(inner) => {
            return Some((None, 0));
        }
        _ => return None,
    };
    // `app//com.acme.X.m` and `java.base/java.lang.Thread.run`: drop the module prefix.
    let qualified = qualified.rsplit('/').next().unwrap_or(qualified);
    if is_library(qualified) {
        return Some((None, 0));
    }
    let segments: Vec<&str> = qualified.split('.').collect();
    let package = segments
        .get(..segments.len().saturating_sub(2))
        .unwrap_or(&[]);
    let mut path = String::new();
    for seg in package {
        path.push_str(seg);
        path.push('/');
    }
    path.push_str(file);
    Some((Some(path), line))
}

fn simple_name(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

/// `Foo` of `com.acme.Foo$Inner`.
fn simple_outer(class: &str) -> &str {
    let s = simple_name(class);
    s.split('$').next().unwrap_or(s)
}

/// `FooTest`, `FooTests`, `FooIT`, `FooTestCase`, `FooSpec`.
fn is_test_class_name(class: &str) -> bool {
    ["Test", "Tests", "IT", "TestCase", "Spec"]
        .iter()
        .any(|s| class.len() > s.len() && class.ends_with(s))
}

/// JDK, test frameworks, build tools and the common libraries a test calls into. A class
/// named like a test outside the JDK is never library code (a project may live under
/// `org.apache.maven.`; libraries name no class `FooTest`).
fn is_library(qualified: &str) -> bool {
    const JDK: &[&str] = &["java.", "javax.", "jdk.", "sun.", "com.sun.", "jakarta."];
    if JDK.iter().any(|p| qualified.starts_with(p)) {
        return true;
    }
    const LIBS: &[&str] = &[
        "org.junit.",
        "junit.",
        "org.opentest4j.",
        "org.assertj.",
        "org.hamcrest.",
        "org.mockito.",
        "net.bytebuddy.",
        "org.testng.",
        "org.spockframework.",
        "io.kotest.",
        "io.mockk.",
        "kotlin.",
        "kotlinx.",
        "org.jetbrains.",
        "groovy.",
        "org.codehaus.groovy.",
        "scala.",
        "org.scalatest.",
        "org.gradle.",
        "worker.org.gradle.",
        "org.apache.",
        "org.springframework.",
        "org.hibernate.",
        "com.zaxxer.",
        "com.fasterxml.",
        "com.google.",
        "io.netty.",
        "reactor.",
        "io.reactivex.",
        "io.micronaut.",
        "io.quarkus.",
        "io.vertx.",
        "org.slf4j.",
        "ch.qos.",
        "org.h2.",
        "org.postgresql.",
        "com.mysql.",
        "org.mariadb.",
        "org.testcontainers.",
        "io.restassured.",
        "org.openqa.selenium.",
        "com.microsoft.playwright.",
        "okhttp3.",
        "retrofit2.",
        "org.eclipse.",
        "com.intellij.",
    ];
    let class = qualified.rsplit_once('.').map_or(qualified, |(c, _)| c);
    let class = simple_outer(class);
    LIBS.iter().any(|p| qualified.starts_with(p)) && !is_test_class_name(class)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, locs, statuses};
    use super::*;

    fn run(log: &str) -> Vec<TestResult> {
        testutil::run::<JunitParser>(log)
    }

    #[test]
    fn surefire_3_junit_platform_failure_block() {
        let tests = run("\
[INFO] Running com.acme.shop.CartTest
[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in com.acme.shop.CartTest
[ERROR] com.acme.shop.CartTest.addsItem -- Time elapsed: 0.012 s <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <3> but was: <2>
\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)
\tat org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:150)
\tat com.acme.shop.CartTest.addsItem(CartTest.java:42)
\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)

[INFO] 
[INFO] Results:
[INFO] 
[ERROR] Failures: 
[ERROR]   CartTest.addsItem:42 expected: <3> but was: <2>
[INFO] 
[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0
");
        assert_eq!(
            statuses(&tests),
            [("com.acme.shop.CartTest#addsItem", TestStatus::Failed)]
        );
        let t = &tests[0];
        assert_eq!(t.name, "addsItem");
        assert_eq!(t.duration_ms, Some(12));
        assert_eq!(
            t.message.as_deref(),
            Some("org.opentest4j.AssertionFailedError: expected: <3> but was: <2>")
        );
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (Some("3"), Some("2"))
        );
        assert_eq!(locs(t), [("com/acme/shop/CartTest.java", 42, Some(6))]);
    }

    #[test]
    fn surefire_2_junit4_method_of_class_lines_and_old_summary() {
        let tests = run("\
Running com.acme.FooTest
Tests run: 2, Failures: 1, Errors: 1, Skipped: 0, Time elapsed: 0.1 sec <<< FAILURE!
testSum(com.acme.FooTest)  Time elapsed: 0.01 sec  <<< FAILURE!
java.lang.AssertionError: expected:<4> but was:<5>
\tat org.junit.Assert.fail(Assert.java:88)
\tat com.acme.FooTest.testSum(FooTest.java:17)

testLoad(com.acme.FooTest)  Time elapsed: 0 sec  <<< ERROR!
java.lang.NullPointerException
\tat com.acme.Loader.load(Loader.java:30)
\tat com.acme.FooTest.testLoad(FooTest.java:25)


Results :

Failed tests:   testSum(com.acme.FooTest): expected:<4> but was:<5>

Tests in error: 
  testLoad(com.acme.FooTest)

Tests run: 2, Failures: 1, Errors: 1, Skipped: 0
");
        assert_eq!(
            statuses(&tests),
            [
                ("com.acme.FooTest#testSum", TestStatus::Failed),
                ("com.acme.FooTest#testLoad", TestStatus::Error)
            ]
        );
        assert_eq!(locs(&tests[0]), [("com/acme/FooTest.java", 17, Some(5))]);
        // The source frame of the project comes before the test's own line.
        assert_eq!(
            locs(&tests[1]),
            [
                ("com/acme/Loader.java", 30, Some(9)),
                ("com/acme/FooTest.java", 25, Some(10))
            ]
        );
        assert_eq!(tests[0].expected.as_deref(), Some("4"));
        assert_eq!(
            tests[1].message.as_deref(),
            Some("java.lang.NullPointerException")
        );
    }

    #[test]
    fn surefire_2_22_bare_method_under_class_with_cause_chain() {
        let tests = run("\
[ERROR] Tests run: 1, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 7.1 s <<< FAILURE! - in com.example.demo.AppTests
[ERROR] contextLoads  Time elapsed: 0.004 s  <<< ERROR!
java.lang.IllegalStateException: Failed to load ApplicationContext
\tat org.springframework.test.context.cache.DefaultCacheAwareContextLoaderDelegate.loadContext(DefaultCacheAwareContextLoaderDelegate.java:132)
Caused by: org.springframework.beans.factory.BeanCreationException: Error creating bean
\tat org.springframework.beans.factory.support.AbstractBeanFactory.doGetBean(AbstractBeanFactory.java:335)
\tat com.example.demo.config.DbConfig.dataSource(DbConfig.java:21)
\t... 9 more
[INFO] 
");
        assert_eq!(
            statuses(&tests),
            [("com.example.demo.AppTests#contextLoads", TestStatus::Error)]
        );
        // Spring frames are library code; the project's frame in the cause is kept.
        assert_eq!(
            locs(&tests[0]),
            [("com/example/demo/config/DbConfig.java", 21, Some(6))]
        );
    }

    /// Issue 14, item 4: Maven's own tests live under `org.apache.maven.`.
    #[test]
    fn own_tests_under_a_library_package_keep_their_frames() {
        let tests = run("\
[ERROR] org.apache.maven.project.ProjectBuilderTest.buildsPom -- Time elapsed: 0.2 s <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <true> but was: <false>
\tat org.junit.jupiter.api.AssertTrue.assertTrue(AssertTrue.java:63)
\tat org.apache.maven.project.ProjectBuilderTest.buildsPom(ProjectBuilderTest.java:77)
\tat org.apache.maven.surefire.junitplatform.JUnitPlatformProvider.invoke(JUnitPlatformProvider.java:150)
[INFO] 
");
        assert_eq!(
            locs(&tests[0]),
            [(
                "org/apache/maven/project/ProjectBuilderTest.java",
                77,
                Some(3)
            )]
        );
    }

    /// A library the list does not know still ranks after the test's own packages.
    #[test]
    fn frames_in_the_test_packages_come_before_unknown_libraries() {
        let tests = run("\
[ERROR] com.acme.api.ApiTest.calls -- Time elapsed: 0.2 s <<< ERROR!
io.thirdparty.ClientException: refused
\tat io.thirdparty.Client.send(Client.java:88)
\tat com.acme.api.ApiTest.calls(ApiTest.java:14)
Caused by: java.net.ConnectException: refused
\tat io.thirdparty.Socket.open(Socket.java:7)
\tat com.acme.net.Dialer.dial(Dialer.java:31)
[INFO] 
");
        assert_eq!(
            locs(&tests[0]),
            [
                ("com/acme/api/ApiTest.java", 14, Some(3)),
                ("com/acme/net/Dialer.java", 31, Some(6)),
                ("io/thirdparty/Client.java", 88, Some(2)),
                ("io/thirdparty/Socket.java", 7, Some(5))
            ]
        );
    }

    #[test]
    fn helper_in_the_test_package_beats_the_test_line_and_libraries() {
        let tests = run("\
[INFO] Running playwright.BookstoreTest
[ERROR] playwright.BookstoreTest.buys -- Time elapsed: 5.7 s <<< ERROR!
com.microsoft.playwright.PlaywrightException: 
Error {
  message='strict mode violation'
    at async Frame.click (/tmp/playwright-java-1/package/lib/server/frames.js:959:22)
}

\tat com.microsoft.playwright.impl.LocatorImpl.click(LocatorImpl.java:160)
\tat playwright.BaseUITest.search(BaseUITest.java:66)
\tat playwright.BookstoreTest.buys(BookstoreTest.java:13)
Caused by: com.microsoft.playwright.impl.DriverException: Error {

}
\tat com.microsoft.playwright.impl.Connection.dispatch(Connection.java:259)
\t... 16 more

[INFO] 
[INFO] Results:
[INFO] 
[ERROR] Errors: 
[ERROR]   BookstoreTest.buys:13->BaseUITest.search:66 » Playwright Error {
  message='strict mode violation'
[INFO] 
[ERROR] Tests run: 1, Failures: 0, Errors: 1, Skipped: 0
");
        assert_eq!(
            statuses(&tests),
            [("playwright.BookstoreTest#buys", TestStatus::Error)]
        );
        assert_eq!(
            locs(&tests[0]),
            [
                ("playwright/BaseUITest.java", 66, Some(9)),
                ("playwright/BookstoreTest.java", 13, Some(10))
            ]
        );
    }

    #[test]
    fn surefire_summary_alone_gives_status_and_the_innermost_line() {
        let tests = run("\
[INFO] Running com.acme.CartTest
[INFO] Running com.acme.OrderTest
[INFO] Results:
[ERROR] Failures: 
[ERROR]   CartTest.adds:42 expected: <1> but was: <2>
[ERROR]   OrderTest.places:13->OrderHelper.check:66 boom
[ERROR]   OrderTest>BaseTest.inherited:9 nope
[ERROR] Errors: 
[ERROR]   OrderTest.loads » NullPointer
  org.example.Widget.render failed while drawing
[ERROR] Tests run: 4, Failures: 3, Errors: 1, Skipped: 0
");
        assert_eq!(
            statuses(&tests),
            [
                ("com.acme.CartTest#adds", TestStatus::Failed),
                ("com.acme.OrderTest#places", TestStatus::Failed),
                ("com.acme.OrderTest#inherited", TestStatus::Failed),
                ("com.acme.OrderTest#loads", TestStatus::Error)
            ]
        );
        assert_eq!(locs(&tests[0]), [("com/acme/CartTest.java", 42, Some(4))]);
        assert_eq!(
            locs(&tests[1]),
            [("com/acme/OrderHelper.java", 66, Some(5))]
        );
        assert_eq!(locs(&tests[2]), [("com/acme/BaseTest.java", 9, Some(6))]);
        assert_eq!(locs(&tests[3]), []);
        assert_eq!(
            (tests[0].expected.as_deref(), tests[0].actual.as_deref()),
            (Some("1"), Some("2"))
        );
        assert_eq!(tests[3].message.as_deref(), Some("NullPointer"));
    }

    #[test]
    fn surefire_reruns_that_kept_failing_and_parallel_logger_lines() {
        let tests = run("\
[INFO] Running com.acme.NetTest
[INFO] Results:
[ERROR] Failures: 
[ERROR] com.acme.NetTest.connects
[ERROR]   Run 1: NetTest.connects:20 timeout
[ERROR]   Run 2: NetTest.connects:20 timeout
[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0
com.acme.CartTest adds an item() PASSED (1.1s)
com.acme.CartTest removes() FAILED
");
        assert_eq!(
            statuses(&run("\
Gradle suite > Gradle test > com.acme.NgTest > checks FAILED
Gradle suite > Gradle test > com.acme.NgTest.flows FAILED
com.acme.NgTest.waits PASSED
MyTests.test that fails FAILED
Deploy step.yaml apply FAILED
Cart tests > adds an item() FAILED
   spaced words > not a test FAILED
Build step FAILED
")),
            [
                ("com.acme.NgTest#checks", TestStatus::Failed),
                ("com.acme.NgTest#flows", TestStatus::Failed),
                ("com.acme.NgTest#waits", TestStatus::Passed),
                ("MyTests#test that fails", TestStatus::Failed),
                ("Cart tests#adds an item", TestStatus::Failed)
            ]
        );
        assert_eq!(
            statuses(&tests),
            [
                ("com.acme.NetTest#connects", TestStatus::Failed),
                ("com.acme.CartTest#adds an item", TestStatus::Passed),
                ("com.acme.CartTest#removes", TestStatus::Failed)
            ]
        );
    }

    #[test]
    fn github_actions_levels_and_dynamic_tests() {
        let tests = run("\
Error:  Tests run: 2, Failures: 2, Errors: 0, Skipped: 0, Time elapsed: 0.6 s <<< FAILURE! - in ads.LoanTest
Error:  testValid  Time elapsed: 0.022 s  <<< FAILURE!
java.lang.AssertionError: expected:<1310> but was:<1315>
\tat ads.LoanTest.testValid(LoanTest.java:44)

Error:  decisionTests().InvalidZipCode.json  Time elapsed: 0.591 s  <<< FAILURE!
org.opentest4j.AssertionFailedError: failed: false = true

Warning:  Tests run: 1, Failures: 0, Errors: 0, Skipped: 1, Time elapsed: 0 s - in ads.OtherTest
");
        assert_eq!(
            statuses(&tests),
            [
                ("ads.LoanTest#testValid", TestStatus::Failed),
                (
                    "ads.LoanTest#decisionTests().InvalidZipCode.json",
                    TestStatus::Failed
                )
            ]
        );
        assert_eq!(locs(&tests[0]), [("ads/LoanTest.java", 44, Some(3))]);
        assert_eq!(
            (tests[0].expected.as_deref(), tests[0].actual.as_deref()),
            (Some("1310"), Some("1315"))
        );
    }

    #[test]
    fn a_results_section_without_its_total_ends_at_the_next_tests() {
        let tests = run("\
[INFO] Results:
[ERROR] Failures: 
[INFO]  T E S T S
[INFO] Running com.acme.NextTest
[ERROR] com.acme.NextTest.runs -- Time elapsed: 0.1 s <<< FAILURE!
java.lang.AssertionError: no
");
        assert_eq!(
            statuses(&tests),
            [("com.acme.NextTest#runs", TestStatus::Failed)]
        );
    }

    #[test]
    fn a_class_level_error_is_the_class() {
        let tests = run("\
[INFO] Running com.acme.DbTest
[ERROR] Tests run: 1, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 0.5 s <<< FAILURE! -- in com.acme.DbTest
[ERROR] com.acme.DbTest -- Time elapsed: 0.5 s <<< ERROR!
java.lang.IllegalStateException: no database
\tat com.acme.DbTest.setUp(DbTest.java:20)
[INFO] 
");
        assert_eq!(statuses(&tests), [("com.acme.DbTest", TestStatus::Error)]);
        assert_eq!(tests[0].name, "DbTest");
        assert_eq!(locs(&tests[0]), [("com/acme/DbTest.java", 20, Some(4))]);
    }

    #[test]
    fn surefire_flakes_are_flaky() {
        let tests = run("\
[INFO] Running com.acme.NetTest
[INFO] Results:
[WARNING] Flakes: 
[WARNING] com.acme.NetTest.connects
[ERROR]   Run 1: NetTest.connects:20 timeout
[INFO]   Run 2: PASS
[WARNING] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Flakes: 1
");
        assert_eq!(
            statuses(&tests),
            [("com.acme.NetTest#connects", TestStatus::Flaky)]
        );
    }

    #[test]
    fn gradle_short_exception_format() {
        let tests = run("\
> Task :test FAILED

com.acme.GreeterTest > greets() FAILED
    java.lang.AssertionError at GreeterTest.java:9

com.acme.GreeterTest > waves() PASSED

com.acme.GreeterTest > skips() SKIPPED

ContextTests > contextLoads() FAILED
    java.lang.IllegalStateException at DefaultCacheAwareContextLoaderDelegate.java:180
        Caused by: org.springframework.beans.factory.NoSuchBeanDefinitionException at DefaultListableBeanFactory.java:1880

3 tests completed, 2 failed
");
        assert_eq!(
            statuses(&tests),
            [
                ("com.acme.GreeterTest#greets", TestStatus::Failed),
                ("com.acme.GreeterTest#waves", TestStatus::Passed),
                ("com.acme.GreeterTest#skips", TestStatus::Skipped),
                ("ContextTests#contextLoads", TestStatus::Failed)
            ]
        );
        assert_eq!(locs(&tests[0]), [("com/acme/GreeterTest.java", 9, Some(3))]);
        assert_eq!(
            tests[0].message.as_deref(),
            Some("java.lang.AssertionError")
        );
        // Only a Spring frame is printed: no location of the project.
        assert_eq!(locs(&tests[3]), []);
        // A Kotlin Multiplatform target after the class: the file is still the class's.
        let tests = run("\
> Task :jvmTest

com.acme.T[jvm] > t()[jvm] FAILED
    org.opentest4j.AssertionFailedError at T.kt:5
");
        assert_eq!(
            (tests[0].id.as_str(), locs(&tests[0])),
            (
                "com.acme.T[jvm]#t[jvm]",
                vec![("com/acme/T.kt", 5, Some(3))]
            )
        );
    }

    #[test]
    fn gradle_kotlin_names_nested_classes_and_parameterised_rows() {
        let tests = run("\
CalculatorTest > adds two numbers() FAILED
    org.opentest4j.AssertionFailedError: expected: <4> but was: <5>
        at app//org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
        at app//com.acme.CalculatorTest.adds two numbers(CalculatorTest.kt:12)

CalculatorTest > Division > by zero() PASSED
CalculatorTest > squares(int) > [2] 3 FAILED
    java.lang.AssertionError at CalculatorTest.kt:30
");
        assert_eq!(
            statuses(&tests),
            [
                ("CalculatorTest#adds two numbers", TestStatus::Failed),
                ("CalculatorTest$Division#by zero", TestStatus::Passed),
                ("CalculatorTest#squares[2]", TestStatus::Failed)
            ]
        );
        assert_eq!(
            locs(&tests[0]),
            [("com/acme/CalculatorTest.kt", 12, Some(3))]
        );
        assert_eq!(
            (tests[0].expected.as_deref(), tests[0].actual.as_deref()),
            (Some("4"), Some("5"))
        );
        assert_eq!(locs(&tests[2]), [("CalculatorTest.kt", 30, Some(7))]);
    }

    #[test]
    fn gradle_test_logger_class_lines_and_durations() {
        let tests = run("\
ru.acme.StorageTest

  Test writesPage(Path) PASSED (10.6s)
  Test readsPage() FAILED (120ms)

  org.assertj.core.error.AssertJMultipleFailuresError at StorageTest.java:40

ru.acme.LexerTest

  Test tokenizes() SKIPPED

SUCCESS: Executed 3 tests in 15.8s
");
        assert_eq!(
            statuses(&tests),
            [
                ("ru.acme.StorageTest#writesPage", TestStatus::Passed),
                ("ru.acme.StorageTest#readsPage", TestStatus::Failed),
                ("ru.acme.LexerTest#tokenizes", TestStatus::Skipped)
            ]
        );
        assert_eq!(tests[0].duration_ms, Some(10_600));
        assert_eq!(tests[1].duration_ms, Some(120));
        assert_eq!(locs(&tests[1]), [("ru/acme/StorageTest.java", 40, Some(5))]);
    }

    #[test]
    fn gradle_test_logger_mocha_theme() {
        let tests = run("\
  com.acme.StorageTest

    ✔ writesPage()
    ✘ readsPage() (1.2s)

      java.lang.AssertionError at StorageTest.java:40
    - later()
    √ windows()
Dependencies
    - foo
");
        assert_eq!(
            statuses(&tests),
            [
                ("com.acme.StorageTest#writesPage", TestStatus::Passed),
                ("com.acme.StorageTest#readsPage", TestStatus::Failed),
                ("com.acme.StorageTest#later", TestStatus::Skipped),
                ("com.acme.StorageTest#windows", TestStatus::Passed)
            ]
        );
        assert_eq!(tests[1].duration_ms, Some(1200));
        assert_eq!(
            locs(&tests[1]),
            [("com/acme/StorageTest.java", 40, Some(5))]
        );
    }

    fn log_locations(log: &str) -> Vec<(String, u32, Option<u32>, Option<usize>)> {
        let mut p = JunitParser::default();
        let mut r = Report::default();
        for (n, l) in log.lines().enumerate() {
            p.line(l, n, &mut r);
        }
        p.finish(&mut r);
        r.locations()
            .iter()
            .map(|l| (l.path.clone(), l.line, l.column, l.log_line))
            .collect()
    }

    #[test]
    fn compiler_errors_belong_to_no_test() {
        let got = log_locations(
            "\
[INFO] Compiling 12 source files to /D:/IdeaProjects/wallet/target/classes
[WARNING] /D:/IdeaProjects/wallet/src/main/java/a/Old.java:[3,8] deprecated
[ERROR] /D:/IdeaProjects/wallet/src/main/java/a/WalletController.java:[27,20] cannot find symbol
[ERROR]   symbol:   class Wallet
[ERROR] /D:/IdeaProjects/wallet/src/main/java/a/WalletController.java:[27,20] cannot find symbol
/home/u/p/src/main/java/a/B.java:93: error: cannot find symbol
/home/u/p/src/main/java/a/B.java:94: warning: [removal] deprecated
e: file:///home/u/p/src/main/kotlin/a/C.kt:12:5 Unresolved reference: bar
e: /home/u/p/src/main/kotlin/a/D.kt: (7, 9): Unresolved reference: baz
",
        );
        assert_eq!(
            got,
            [
                (
                    "D:/IdeaProjects/wallet/src/main/java/a/WalletController.java".to_owned(),
                    27,
                    Some(20),
                    Some(2)
                ),
                (
                    "/home/u/p/src/main/java/a/B.java".to_owned(),
                    93,
                    None,
                    Some(5)
                ),
                (
                    "/home/u/p/src/main/kotlin/a/C.kt".to_owned(),
                    12,
                    Some(5),
                    Some(7)
                ),
                (
                    "/home/u/p/src/main/kotlin/a/D.kt".to_owned(),
                    7,
                    Some(9),
                    Some(8)
                ),
            ]
        );
    }

    /// PowerShell's `Out-String` cuts lines at the console width, in the middle of a path.
    #[test]
    fn compiler_error_paths_cut_by_the_console_width_are_joined() {
        let got = log_locations(
            "\
.\\gradlew : C:\\Users\\Acer\\Videos\\EcommerceApi\\src\\main\\java\\com\\ws101\\carpioceb
uano\\ecommerceapi\\service\\JwtUtil.java:93: error: cannot find symbol
  Note: C:\\Users\\Acer\\Videos\\EcommerceApi\\src\\main\\java\\com\\ws101\\carpiocebuano
\\ecommerceapi\\service\\JwtUtil.java uses or overrides a deprecated API.
src/main/java/a/Short.java:5: error: ';' expected
",
        );
        assert_eq!(
            got,
            [
                (
                    "C:\\Users\\Acer\\Videos\\EcommerceApi\\src\\main\\java\\com\\ws101\\carpiocebuano\\ecommerceapi\\service\\JwtUtil.java"
                        .to_owned(),
                    93,
                    None,
                    Some(0)
                ),
                ("src/main/java/a/Short.java".to_owned(), 5, None, Some(4)),
            ]
        );
    }

    #[test]
    fn assertj_and_hamcrest_values() {
        assert_eq!(
            expected_actual(
                "java.lang.AssertionError: \nExpecting actual:\n  \"foo\"\nto be equal to:\n  \"bar\"\n"
            ),
            Some(("\"bar\"".to_owned(), "\"foo\"".to_owned()))
        );
        assert_eq!(
            expected_actual(
                "org.opentest4j.AssertionFailedError: \nexpected: \"bar\"\n but was: \"foo\""
            ),
            Some(("\"bar\"".to_owned(), "\"foo\"".to_owned()))
        );
        assert_eq!(
            expected_actual("java.lang.AssertionError: \nExpected: is <3>\n     but: was <2>"),
            Some(("is <3>".to_owned(), "<2>".to_owned()))
        );
        assert_eq!(
            expected_actual("Unexpected row count (expected row count 1 but was 0)"),
            None
        );
    }

    #[test]
    fn old_surefire_summary_only() {
        let tests = run("\
Results :

Failed tests:   testGetSuffix(org.acme.HomeworkTest): expected:<[Java]> but was:<[fix me!]>
  testOther(org.acme.HomeworkTest): boom

Tests run: 2, Failures: 2, Errors: 0, Skipped: 0
");
        assert_eq!(
            statuses(&tests),
            [
                ("org.acme.HomeworkTest#testGetSuffix", TestStatus::Failed),
                ("org.acme.HomeworkTest#testOther", TestStatus::Failed)
            ]
        );
        assert_eq!(
            (tests[0].expected.as_deref(), tests[0].actual.as_deref()),
            (Some("[Java]"), Some("[fix me!]"))
        );
        assert_eq!(tests[1].message.as_deref(), Some("boom"));
    }

    #[test]
    fn long_ids_keep_their_failure_block() {
        let method = "m".repeat(600);
        let tests = run(&format!(
            "[ERROR] com.acme.FooTest.{method} -- Time elapsed: 0.1 s <<< FAILURE!\n\
             java.lang.AssertionError: boom\n\
             \tat com.acme.FooTest.{method}(FooTest.java:5)\n\
             [INFO] \n\
             [INFO] Results:\n\
             [ERROR] Failures: \n\
             [ERROR]   FooTest.{method}:5 boom\n"
        ));
        assert_eq!(tests.len(), 1);
        assert_eq!(tests[0].id.len(), 512);
        assert_eq!(locs(&tests[0]), [("com/acme/FooTest.java", 5, Some(2))]);
        assert_eq!(
            tests[0].message.as_deref(),
            Some("java.lang.AssertionError: boom")
        );
    }

    proptest::proptest! {
        /// Arbitrary mixes of the shapes this module reads never panic, and ids and
        /// locations stay within bounds.
        #[test]
        fn fragments_never_panic(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "[ERROR] ", "[INFO] ", "Running ", "Tests run:", " in ", "Time elapsed:",
                " -- ", "<<< FAILURE!", "<<< ERROR!", " > ", " FAILED", " PASSED", "(",
                ")", "[", "]", ":", ".", "$", "com.acme.FooTest", "testX", "\tat ",
                "Caused by: ", "... 3 more", "Foo.java:", "12", ",", " at ", "Results :",
                "Failures:", "Errors:", "Flakes:", "Failed tests:", "  ", "\n", "->", "»",
                "é", "✔ ", "✘ ", "- ", "    ", "/D:/", "C:\\", "e: file://", "error:",
                "expected: <", "> but was: <", "Expecting actual:", "to be equal to:",
            ]),
            0..80,
        )) {
            let log: String = parts.concat();
            let tests = run(&log);
            testutil::prop_sane(&tests)?;
            log_locations(&log);
        }
    }

    #[test]
    fn plain_lines_are_not_tests() {
        let tests = run("\
> Task :test FAILED
BUILD FAILED in 2s
Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 s - in com.acme.FooTest
[INFO] Time elapsed: 3 s
Results
");
        assert_eq!(statuses(&tests), []);
    }

    proptest::proptest! {
        #[test]
        fn byte_searches_are_the_loops(text in "[ :\ta.é]{0,40}") {
            let b = text.as_bytes();
            proptest::prop_assert_eq!(
                first_of(b, b':', b' '),
                b.iter().position(|&c| c == b':' || c == b' ')
            );
            proptest::prop_assert_eq!(
                last_of(b, b' ', b'\t'),
                b.iter().rposition(|&c| c == b' ' || c == b'\t')
            );
        }
    }

    #[test]
    fn jvm_files_by_their_extension() {
        for (path, jvm) in [
            ("a/B.java", true),
            ("B.kt", true),
            (".kts", true),
            ("x.scala", true),
            ("x.groovy", true),
            ("x.py", false),
            ("java", false),
            ("x.javas", false),
            ("x.Java", false),
            ("", false),
        ] {
            let before = [".java", ".kt", ".kts", ".scala", ".groovy"]
                .iter()
                .any(|e| path.ends_with(e));
            assert_eq!(is_jvm_file(path.as_bytes()), jvm, "{path}");
            assert_eq!(before, jvm, "{path}");
        }
    }

    #[test]
    fn ident_table_is_the_byte_test() {
        for b in 0..=255u8 {
            let ident = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.') || b >= 0x80;
            assert_eq!(IDENT[usize::from(b)], ident, "{b}");
        }
    }

    /// The parser's state, its class map in key order.
    fn state(p: &JunitParser) -> String {
        let classes: std::collections::BTreeMap<_, _> = p.classes.iter().collect();
        format!(
            "{:?} {:?} {:?} {:?} {classes:?} {:?} {:?}",
            p.surefire_class, p.logger_class, p.results, p.in_results, p.block, p.wrapped
        )
    }

    /// The fast path of [`Parser::line`] leaves the parser and the report as the full
    /// reading ([`JunitParser::any_line`]) does, line after line.
    #[test]
    fn fast_path_changes_what_the_full_reading_changes() {
        let pieces = [
            "tests/unit/test_a.py::test_x PASSED                               [ 10%]",
            "src/main/java/a/B.java:93: error: cannot find symbol",
            "src/main/groovy/a/B.groovy:9: error: x",
            "c:\\p\\B.java:3: error: y",
            "e: file:///home/u/p/C.kt:12:5 Unresolved reference: bar",
            "[ERROR] /p/src/a/W.java:[27,20] cannot find symbol",
            "com.acme.FooTest",
            "com.acme.FooTest > testX() FAILED",
            "testX(com.acme.FooTest)  Time elapsed: 0.01 s  <<< FAILURE!",
            "testY  Time elapsed: 0.02 s",
            "com.acme.FooTest.testX -- Time elapsed: 5.2 s <<< ERROR!",
            "Running com.acme.FooTest",
            "Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.1 s <<< FAILURE! - in com.acme.FooTest",
            "java.lang.AssertionError: expected:<1> but was:<2>",
            "\tat com.acme.FooTest.testX(FooTest.java:12)",
            "Results:",
            "Failures:",
            "  FooTest.testX:12 expected",
            "the output wraps here at a long path /home/runner/work/proj/src/main/ja",
            "va/a/B.java:93: error: cannot find symbol",
            "plain words of a log line that is long enough to be remembered or not",
            "INFO worker-3 processed job 10 in 12 ms",
            "INFO http: GET http://api.internal:8080/v1/cart/7 200 (3 ms) user=u7",
            "FooTest",
            "FooTest.testX",
            "Warning:  /p/A.java:[1,2] deprecated",
            "Error:  /p/A.java:[1,2] cannot find symbol",
            "Running com.acme.BarTest",
            "Some text at /home/runner/work/proj/src/main/java/a/very/long/path/that/is/cut",
            "Abc:",
            "Abc.java:12: error: x",
            "  Test testX() PASSED (1.2s)",
            "BUILD FAILED",
            "a:b",
            "x",
            "",
            " ",
        ];
        super::super::testutil::assert_fast_path_equals_full(&pieces, JunitParser::any_line, state);
    }
}
