//! `testany analyze [LOGFILE|-] [--root DIR] [--json]`: per-test results (one module per
//! test framework, `testany_core::frameworks`), failure locations, categories and their
//! workspace files in any local log. The log is read line by line and fed to the
//! analyzer as it is read, so a log of any size is analysed in one pass in bounded memory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer};
use serde::Serialize;
use testany_core::category;
use testany_core::frameworks::{Analyzer, Framework, TestResult, TestStatus};
use testany_core::locations::{FailureLocation, WorkspaceIndex};

use crate::common::{self, FAILURES, Failure, OK};
use crate::out::{self, BOLD, GREEN, RED_BOLD, YELLOW, paint};
use crate::{lines, workspace};

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The log file; `-` or nothing reads standard input.
    pub logfile: Option<PathBuf>,
    /// The project directory locations are resolved in (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print JSON (shape: crates/testany-cli/README.md).
    #[arg(long)]
    pub json: bool,
}

/// `--json` of `analyze`.
#[derive(Debug, Serialize)]
pub struct Analysis {
    /// The file analysed, `-` for standard input.
    pub source: String,
    pub root: String,
    pub lines: u64,
    pub bytes: u64,
    /// Number of tests per status (`passed`, `failed`, `error`, `skipped`, `flaky`).
    pub summary: BTreeMap<&'static str, usize>,
    /// Every test the log reports, in order of first report.
    pub tests: Vec<AnalyzedTest>,
    /// Every failure location of the log, in order of appearance.
    pub locations: Vec<AnalyzedLocation>,
    /// How many of `locations` resolved to files under `root`.
    pub resolved: usize,
    /// Number of failures per category (`assertion`, `timeout`, `error`, `infrastructure`).
    pub categories: BTreeMap<&'static str, usize>,
    /// The locations grouped by message, in order of first appearance.
    pub failures: Vec<AnalyzedFailure>,
}

/// One test of the log (`testany_core::frameworks::TestResult`, its location resolved).
#[derive(Debug, Serialize)]
pub struct AnalyzedTest {
    /// Framework-native id (pytest node id, `Class#method`, `TestX/sub`, ...).
    pub id: String,
    pub name: String,
    pub framework: Framework,
    pub status: TestStatus,
    /// The test's file as printed in the log.
    pub file: Option<String>,
    /// 1-based line of the test's definition, when printed.
    pub line: Option<u32>,
    pub duration_ms: Option<u64>,
    pub message: Option<String>,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// Where it failed: the first of its frames that lands in the project, else its
    /// first frame; `null` for tests without frames.
    pub location: Option<AnalyzedLocation>,
}

#[derive(Debug, Serialize)]
pub struct AnalyzedFailure {
    pub message: Option<String>,
    pub category: Option<&'static str>,
    pub locations: Vec<AnalyzedLocation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnalyzedLocation {
    /// The workspace file it resolved to (`null`: none under `root`).
    pub file: Option<String>,
    pub path: String,
    pub line: u32,
    pub column: Option<u32>,
    /// 1-based line of the log it was found on.
    pub log_line: Option<usize>,
    /// The nearest error line of the log.
    pub message: Option<String>,
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::usage(format!("cannot read the current directory ({e})")))?;
    let root = match &args.root {
        Some(r) if r.is_dir() => cwd.join(r),
        Some(r) => {
            return Err(
                Failure::usage(format!("--root {} is not a directory", r.display())).into(),
            );
        }
        None => cwd,
    };
    let (source, reader): (String, Box<dyn Read>) = match &args.logfile {
        Some(p) if p.as_os_str() != "-" => {
            let f = std::fs::File::open(p).map_err(|e| {
                Failure::usage(format!("cannot open the log {} ({e})", p.display()))
            })?;
            (p.display().to_string(), Box::new(f))
        }
        _ => {
            if io::stdin().is_terminal() {
                return Err(Failure::usage(
                    "no log given; pass a log file, or pipe a log into `testany analyze -`",
                )
                .into());
            }
            ("-".to_owned(), Box::new(io::stdin()))
        }
    };
    let analysis = analyze(reader, &source, &root)
        .map_err(|e| Failure::usage(format!("cannot read the log {source} ({e})")))?;
    if args.json {
        out::json(&analysis)?;
    } else {
        let mut stdout = out::stdout();
        render(&mut stdout, &analysis, &root)?;
        stdout.flush()?;
    }
    let failed =
        !analysis.failures.is_empty() || analysis.tests.iter().any(|t| t.status.is_failure());
    Ok(common::exit(if failed { FAILURES } else { OK }))
}

/// Streams `reader` through the analyzer (every framework module and the location
/// extractor) and resolves what it found under `root`.
pub fn analyze(reader: impl Read, source: &str, root: &Path) -> io::Result<Analysis> {
    let mut analyzer = Analyzer::new();
    let (count, bytes) = for_each_line(reader, |line| analyzer.line(line))?;
    let found = analyzer.finish();
    let files = workspace::files(root);
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let index = WorkspaceIndex::new(&refs);
    let mut analysis = group(source, root, count, bytes, &found.locations, &index);
    analysis.tests = found.tests.iter().map(|t| test(t, &index)).collect();
    for t in &analysis.tests {
        *analysis.summary.entry(status_word(t.status)).or_insert(0) += 1;
    }
    Ok(analysis)
}

/// Bytes read per `read` call: a few hundred KiB stay in the L2 cache between the
/// UTF-8 check of a block and the analysis of its lines.
const BLOCK: usize = 256 * 1024;

/// Calls `each` with every line of `reader`: the text without its line break (and a CR
/// before it), lossy UTF-8, cut at [`lines::MAX_LINE`] bytes (the rest of a longer line is
/// skipped, not buffered). Returns (lines, bytes read, cut lines included).
///
/// Why not `BufRead` and `lines::for_each_line`: that copies each line into a buffer and
/// decodes it with `from_utf8_lossy`, which alone cost more than a third of the log's
/// analysis at 100 MiB. Here a block of whole lines is checked for UTF-8 at once and
/// split in place, so a line costs a `memchr` and no copy; only lines with invalid bytes
/// are decoded lossily, one by one.
fn for_each_line(mut reader: impl Read, mut each: impl FnMut(&str)) -> io::Result<(u64, u64)> {
    let mut buf = vec![0u8; BLOCK.max(2 * lines::MAX_LINE + 2)];
    // `buf[..held]`: the start of a line whose end was not read yet.
    let mut held = 0usize;
    // Inside the rest of a line longer than `MAX_LINE` (its head was passed on).
    let mut skipping = false;
    let (mut count, mut bytes) = (0u64, 0u64);
    loop {
        let n = match reader.read(buf.get_mut(held..).unwrap_or_default()) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        bytes += n as u64;
        let end = held + n;
        let data = buf.get(..end).unwrap_or_default();
        if n == 0 {
            if held > 0 {
                count += 1;
                each(&String::from_utf8_lossy(strip_break(data)));
            }
            return Ok((count, bytes));
        }
        let mut start = 0;
        if skipping {
            match memchr::memchr(b'\n', data) {
                Some(i) => {
                    start = i + 1;
                    skipping = false;
                }
                None => {
                    held = 0;
                    continue;
                }
            }
        }
        let tail = data.get(start..).unwrap_or_default();
        if let Some(last) = memchr::memrchr(b'\n', tail) {
            count += whole_lines(tail.get(..=last).unwrap_or_default(), &mut each);
            start += last + 1;
        }
        let rest = end - start;
        if rest > lines::MAX_LINE {
            let head = data.get(start..start + lines::MAX_LINE).unwrap_or_default();
            count += 1;
            each(&String::from_utf8_lossy(head));
            skipping = true;
            held = 0;
        } else {
            buf.copy_within(start..end, 0);
            held = rest;
        }
    }
}

/// `block` (whole lines, each ending with `\n`) line by line; returns how many.
fn whole_lines(mut block: &[u8], each: &mut impl FnMut(&str)) -> u64 {
    let mut count = 0;
    while !block.is_empty() {
        let (valid, bad) = match std::str::from_utf8(block) {
            Ok(text) => (text, None),
            Err(e) => {
                // The lines before the one holding the invalid byte are valid; that line
                // is decoded lossily.
                let at = e.valid_up_to();
                let head = block.get(..at).unwrap_or_default();
                let line_start = memchr::memrchr(b'\n', head).map_or(0, |i| i + 1);
                let line_end = memchr::memchr(b'\n', block.get(at..).unwrap_or_default())
                    .map_or(block.len(), |i| at + i + 1);
                let valid = std::str::from_utf8(block.get(..line_start).unwrap_or_default())
                    .unwrap_or_default();
                (valid, Some((line_start, line_end)))
            }
        };
        // One iterator over the block: a `memchr` call per line paid its setup for
        // every line.
        let mut start = 0;
        for i in memchr::memchr_iter(b'\n', valid.as_bytes()) {
            let line = valid.get(start..i).unwrap_or_default();
            each(&cut(line.strip_suffix('\r').unwrap_or(line)));
            count += 1;
            start = i + 1;
        }
        let Some((from, to)) = bad else { break };
        let line = strip_break(block.get(from..to).unwrap_or_default());
        let line = line.get(..lines::MAX_LINE).unwrap_or(line);
        each(&String::from_utf8_lossy(line));
        count += 1;
        block = block.get(to..).unwrap_or_default();
    }
    count
}

/// `line` without a final `\n` or `\r\n`.
fn strip_break(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `line` cut to at most [`lines::MAX_LINE`] bytes, as core's `LineSplitter` cuts (a
/// character the cut splits becomes U+FFFD).
fn cut(line: &str) -> Cow<'_, str> {
    match line.as_bytes().get(..lines::MAX_LINE) {
        Some(head) if line.len() > lines::MAX_LINE => String::from_utf8_lossy(head),
        _ => Cow::Borrowed(line),
    }
}

fn status_word(s: TestStatus) -> &'static str {
    match s {
        TestStatus::Passed => "passed",
        TestStatus::Failed => "failed",
        TestStatus::Skipped => "skipped",
        TestStatus::Error => "error",
        TestStatus::Flaky => "flaky",
    }
}

fn located(l: &FailureLocation, index: &WorkspaceIndex<'_>) -> AnalyzedLocation {
    AnalyzedLocation {
        file: index.resolve(&l.path).map(str::to_owned),
        path: l.path.clone(),
        line: l.line,
        column: l.column,
        log_line: l.log_line.map(|n| n + 1),
        message: l.message.clone(),
    }
}

fn test(t: &TestResult, index: &WorkspaceIndex<'_>) -> AnalyzedTest {
    let mut frames = t.locations.iter().map(|l| located(l, index));
    let first = frames.next();
    let location = match first {
        Some(f) if f.file.is_none() => Some(frames.find(|l| l.file.is_some()).unwrap_or(f)),
        f => f,
    };
    AnalyzedTest {
        id: t.id.clone(),
        name: t.name.clone(),
        framework: t.framework,
        status: t.status,
        file: t.file.clone(),
        line: t.line,
        duration_ms: t.duration_ms,
        message: t.message.clone(),
        expected: t.expected.clone(),
        actual: t.actual.clone(),
        location,
    }
}

fn group(
    source: &str,
    root: &Path,
    lines: u64,
    bytes: u64,
    found: &[FailureLocation],
    index: &WorkspaceIndex<'_>,
) -> Analysis {
    let mut failures: Vec<AnalyzedFailure> = Vec::new();
    let mut locations = Vec::with_capacity(found.len());
    let mut resolved = 0;
    for l in found {
        let loc = located(l, index);
        resolved += usize::from(loc.file.is_some());
        locations.push(loc.clone());
        match failures.iter_mut().find(|f| f.message == l.message) {
            Some(f) => f.locations.push(loc),
            None => failures.push(AnalyzedFailure {
                category: Some(
                    l.message
                        .as_deref()
                        .and_then(category::from_text)
                        .map_or("error", category::code),
                ),
                message: l.message.clone(),
                locations: vec![loc],
            }),
        }
    }
    let mut categories = BTreeMap::new();
    for f in &failures {
        if let Some(c) = f.category {
            *categories.entry(c).or_insert(0) += 1;
        }
    }
    Analysis {
        source: source.to_owned(),
        root: root.display().to_string(),
        lines,
        bytes,
        summary: BTreeMap::new(),
        tests: Vec::new(),
        locations,
        resolved,
        categories,
        failures,
    }
}

/// Failed tests listed in the human output; the rest are counted (all are in `--json`).
const MAX_FAILED_SHOWN: usize = 100;
/// Lines of a failure message shown under its test.
const MAX_MESSAGE_LINES: usize = 6;

/// `5 tests: 1 failed, 1 error, 3 passed`: the tests by status, failures first.
fn summary_line(a: &Analysis) -> String {
    let parts: Vec<String> = ["failed", "error", "flaky", "passed", "skipped"]
        .iter()
        .filter_map(|w| a.summary.get(w).map(|n| format!("{n} {w}")))
        .collect();
    format!(
        "{}: {}",
        out::plural(a.tests.len(), "test", "tests"),
        parts.join(", ")
    )
}

/// The tests part of the human output: the summary line, then each failed test with
/// where it failed and its message.
fn render_tests(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    if a.tests.is_empty() {
        return Ok(());
    }
    let failed = a.summary.get("failed").copied().unwrap_or(0)
        + a.summary.get("error").copied().unwrap_or(0);
    let style = if failed > 0 { RED_BOLD } else { GREEN };
    writeln!(out, "{}", paint(style, &summary_line(a)))?;
    for t in a
        .tests
        .iter()
        .filter(|t| t.status.is_failure())
        .take(MAX_FAILED_SHOWN)
    {
        let word = if t.status == TestStatus::Error {
            "ERROR"
        } else {
            "FAILED"
        };
        let at = match &t.location {
            Some(l) => match &l.file {
                Some(f) => format!("  {f}:{}", l.line),
                None => format!("  {}:{} (not in this project)", l.path, l.line),
            },
            None => String::new(),
        };
        writeln!(out, "{} {}{at}", paint(RED_BOLD, word), paint(BOLD, &t.id))?;
        let message = t.message.as_deref().unwrap_or("");
        let lines: Vec<&str> = message.lines().filter(|l| !l.trim().is_empty()).collect();
        for l in lines.iter().take(MAX_MESSAGE_LINES) {
            writeln!(out, "    {l}")?;
        }
        if lines.len() > MAX_MESSAGE_LINES {
            writeln!(out, "    ...")?;
        }
        if let (Some(e), Some(g)) = (&t.expected, &t.actual) {
            writeln!(out, "    expected: {e}")?;
            writeln!(out, "    actual:   {g}")?;
        }
    }
    if failed > MAX_FAILED_SHOWN {
        writeln!(
            out,
            "{}",
            paint(
                YELLOW,
                &format!(
                    "{} more: see `--json`",
                    out::plural(failed - MAX_FAILED_SHOWN, "failed test", "failed tests")
                )
            )
        )?;
    }
    writeln!(out)
}

pub fn render(out: &mut impl Write, a: &Analysis, root: &Path) -> io::Result<()> {
    writeln!(
        out,
        "{} {}: {}, {}",
        paint(BOLD, "analyzed"),
        a.source,
        out::plural(a.lines, "line", "lines"),
        super::logs::human_bytes(a.bytes)
    )?;
    writeln!(out)?;
    render_tests(out, a)?;
    let renderer = Renderer::styled();
    for f in &a.failures {
        let title = f.message.clone().unwrap_or_else(|| "failure".to_owned());
        // Service text is cleaned before annotate-snippets sees it: it would turn ESC
        // into a visible `␛` and leave the sequence's payload as text.
        let mut title = Level::ERROR.primary_title(out::clean(&title).into_owned());
        if let Some(c) = f.category {
            title = title.id(c);
        }
        let mut group = Group::with_title(title);
        let mut notes = Vec::new();
        for (i, l) in f.locations.iter().enumerate() {
            let at_log = l
                .log_line
                .map(|n| format!(" (log line {n})"))
                .unwrap_or_default();
            if i >= 5 {
                notes.push(format!(
                    "{} more: see `--json`",
                    out::plural(f.locations.len() - 5, "location", "locations")
                ));
                break;
            }
            let snippet = l.file.as_deref().and_then(|file| {
                super::status::snippet(
                    root,
                    file,
                    l.line,
                    format!("found in the log{at_log}"),
                    AnnotationKind::Primary,
                )
            });
            match snippet {
                Some(s) => group = group.element(s),
                None => notes.push(format!(
                    "at {}:{}{at_log}{}",
                    l.path,
                    l.line,
                    if l.file.is_none() {
                        " (not in this project)"
                    } else {
                        ""
                    }
                )),
            }
        }
        let mut groups = vec![group];
        for n in notes {
            groups.push(Group::with_title(
                Level::NOTE.secondary_title(out::clean(&n).into_owned()),
            ));
        }
        writeln!(out, "{}", renderer.render(&groups))?;
        writeln!(out)?;
    }
    if a.failures.is_empty() {
        let style = if a.tests.iter().any(|t| t.status.is_failure()) {
            YELLOW
        } else {
            GREEN
        };
        writeln!(out, "{}", paint(style, "no failure locations found"))?;
    } else {
        let cats: Vec<String> = a
            .categories
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        writeln!(
            out,
            "{}",
            paint(
                RED_BOLD,
                &format!(
                    "{} ({}); {}, {} in the project",
                    out::plural(a.failures.len(), "failure", "failures"),
                    cats.join(", "),
                    out::plural(a.locations.len(), "location", "locations"),
                    a.resolved,
                )
            )
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use testany_core::locations::LocationKind;

    fn frame(path: &str, line: u32) -> FailureLocation {
        FailureLocation {
            path: path.to_owned(),
            line,
            column: None,
            message: None,
            log_line: Some(3),
            kind: LocationKind::Pytest,
        }
    }

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn lines_of(data: &[u8], step: usize) -> (Vec<String>, u64, u64) {
        let mut out = Vec::new();
        let (n, bytes) = for_each_line(Trickle { data, step }, |l| out.push(l.to_owned())).unwrap();
        (out, n, bytes)
    }

    #[test]
    fn lines_are_split_across_reads_with_invalid_bytes_decoded_per_line() {
        let input: &[u8] = b"a\nbb\r\n\ncaf\xc3\xa9 \xff ok\nnext\r\nlast \xc3";
        let want = (
            vec![
                "a".to_owned(),
                "bb".to_owned(),
                String::new(),
                "caf\u{e9} \u{fffd} ok".to_owned(),
                "next".to_owned(),
                "last \u{fffd}".to_owned(),
            ],
            6,
            input.len() as u64,
        );
        for step in [1, 2, 3, 7, 1 << 20] {
            assert_eq!(lines_of(input, step), want, "reads of {step} bytes");
        }
        assert_eq!(lines_of(b"", 5), (vec![], 0, 0));
        assert_eq!(
            lines_of(b"\n\n", 5),
            (vec![String::new(), String::new()], 2, 2)
        );
    }

    /// The same lines as core's one line rule (`testany_core::lines::LineSplitter`), which
    /// the language server and the other commands use.
    #[test]
    fn lines_follow_cores_line_rule() {
        let max = lines::MAX_LINE;
        let mut long_crlf = vec![b'y'; max - 1];
        long_crlf.extend_from_slice("é\r\nz".as_bytes());
        let mut long_cut_char = vec![b'y'; max - 1];
        long_cut_char.extend_from_slice("é".repeat(max).as_bytes());
        long_cut_char.extend_from_slice(b"\r\nafter\r");
        let inputs: Vec<Vec<u8>> = vec![
            b"a\r\nb\rc\r\r\n\r\n\rd\r".to_vec(),
            b"x\xff\r\n\xe2\x80\n\xe2\x80".to_vec(),
            b"\n".to_vec(),
            b"\r".to_vec(),
            long_crlf,
            long_cut_char,
        ];
        for input in inputs {
            let mut core = Vec::new();
            let mut splitter = testany_core::lines::LineSplitter::new();
            let each = |l: &str, _: &[u8]| -> Result<bool, ()> {
                core.push(l.to_owned());
                Ok(true)
            };
            let mut each = each;
            splitter.push(&input, &mut each).unwrap();
            splitter.finish(&mut each).unwrap();
            for step in [3, 1 << 20] {
                let (ours, _, _) = lines_of(&input, step);
                assert_eq!(ours, core, "{:?}", String::from_utf8_lossy(&input));
            }
        }
    }

    #[test]
    fn long_lines_are_cut_and_their_rest_skipped() {
        let max = lines::MAX_LINE;
        let mut input = "é".repeat(max).into_bytes(); // 2 * MAX_LINE bytes, one line
        input.extend_from_slice(b"\nnext\n");
        input.extend(std::iter::repeat_n(b'x', 3 * BLOCK));
        input.extend_from_slice(b"\nend");
        for step in [4096, 1 << 20] {
            let (lines, n, bytes) = lines_of(&input, step);
            let shape: Vec<(usize, Option<char>)> =
                lines.iter().map(|l| (l.len(), l.chars().last())).collect();
            assert_eq!(
                (shape, n, bytes),
                (
                    vec![
                        (max, Some('é')),
                        (4, Some('t')),
                        (max, Some('x')),
                        (3, Some('d'))
                    ],
                    4,
                    input.len() as u64
                ),
                "reads of {step} bytes"
            );
        }
    }

    #[test]
    fn a_test_fails_at_its_first_frame_in_the_project() {
        let files = ["tests/test_cart.py", "src/cart.py"];
        let index = WorkspaceIndex::new(&files);
        let mut t = TestResult::new(
            Framework::Pytest,
            "tests/test_cart.py::test_total",
            TestStatus::Failed,
            0,
        );
        t.locations = vec![
            frame("/venv/lib/helper.py", 5),
            frame("/builds/x/src/cart.py", 12),
            frame("/builds/x/tests/test_cart.py", 20),
        ];
        let got = test(&t, &index)
            .location
            .map(|l| (l.file, l.path, l.line, l.log_line));
        assert_eq!(
            got,
            Some((
                Some("src/cart.py".to_owned()),
                "/builds/x/src/cart.py".to_owned(),
                12,
                Some(4)
            ))
        );
        t.locations = vec![frame("/venv/lib/helper.py", 5)];
        let got = test(&t, &index).location.map(|l| (l.file, l.path));
        assert_eq!(got, Some((None, "/venv/lib/helper.py".to_owned())));
    }

    #[test]
    fn human_output_lists_counts_then_failed_tests() {
        let files = ["tests/test_cart.py"];
        let index = WorkspaceIndex::new(&files);
        let mut failed = TestResult::new(
            Framework::Pytest,
            "tests/test_cart.py::test_total",
            TestStatus::Failed,
            4,
        );
        failed.message = Some("AssertionError: assert 24.3 == 27.0\n\n  second line".to_owned());
        failed.expected = Some("27.0".to_owned());
        failed.actual = Some("24.3".to_owned());
        failed.locations = vec![frame("/builds/x/tests/test_cart.py", 20)];
        let mut error = TestResult::new(Framework::Go, "TestStock", TestStatus::Error, 9);
        error.locations = vec![frame("stock_test.go", 7)];
        let passed = TestResult::new(Framework::Pytest, "t::ok", TestStatus::Passed, 1);
        let mut a = group("-", Path::new("/x"), 10, 100, &[], &index);
        a.tests = [failed, error, passed.clone(), passed]
            .iter()
            .map(|t| test(t, &index))
            .collect();
        for t in &a.tests {
            *a.summary.entry(status_word(t.status)).or_insert(0) += 1;
        }
        let mut buf = Vec::new();
        render_tests(&mut buf, &a).unwrap();
        let text = anstream::adapter::strip_str(std::str::from_utf8(&buf).unwrap()).to_string();
        assert_eq!(
            text,
            "4 tests: 1 failed, 1 error, 2 passed\n\
             FAILED tests/test_cart.py::test_total  tests/test_cart.py:20\n    \
             AssertionError: assert 24.3 == 27.0\n      second line\n    \
             expected: 27.0\n    actual:   24.3\n\
             ERROR TestStock  stock_test.go:7 (not in this project)\n\n"
        );
        let json = serde_json::to_value(&a.tests[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "tests/test_cart.py::test_total",
                "name": "tests/test_cart.py::test_total",
                "framework": "pytest",
                "status": "failed",
                "file": null,
                "line": null,
                "duration_ms": null,
                "message": "AssertionError: assert 24.3 == 27.0\n\n  second line",
                "expected": "27.0",
                "actual": "24.3",
                "location": {
                    "file": "tests/test_cart.py",
                    "path": "/builds/x/tests/test_cart.py",
                    "line": 20,
                    "column": null,
                    "log_line": 4,
                    "message": null
                }
            })
        );
    }
}
