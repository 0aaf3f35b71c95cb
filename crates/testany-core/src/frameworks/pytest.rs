//! pytest: `-v` lines, `-q` progress letters, `-r` short summaries, failure sections
//! (`--tb=long|short|line|native`), xdist, `--durations`.
//!
//! What a pytest log says about a test comes in pieces: a `-v` line (or only a letter of
//! a progress line), a failure section whose header names the function but not its file
//! (`____ TestClass.test_two ____`), a short-summary line with the full node id. The
//! parser reports `-v` lines at once (run order) and keeps failure sections and summary
//! lines of the current session until its final `=== 1 failed in 0.1s ===` line (or the
//! log's end), then joins them: a section header maps to the node id seen on a `-v` or
//! summary line with the same function part, else to the file of the progress letter at
//! the same position of the run (the k-th `F` is the k-th section of FAILURES), else to
//! the section's first frame. Failures are reported in run order (the progress letters
//! say it; ERRORS is printed before FAILURES), so [`super::Analysis::primary`] names the
//! first test that failed.
//!
//! Status mapping: `XFAIL` (an expected failure happened) is [`TestStatus::Skipped`]:
//! nothing to fix, like a skip; a non-strict `XPASS` is [`TestStatus::Passed`] (pytest
//! does not fail the run for it; a strict one is printed as `FAILED`). `RERUN`
//! (pytest-rerunfailures) is a failed attempt, so a later `PASSED` makes the test
//! [`TestStatus::Flaky`]. A test whose call failed and whose teardown then errored stays
//! failed. A collection error (`ERROR collecting tests/x.py`) is a test whose id is the
//! file, as pytest's own summary prints it. Durations come from `--durations`: the sum of
//! the phases listed (setup, call, teardown), as pytest's JUnit XML counts a test's time.
//!
//! The failure location is the innermost frame outside the standard library and
//! installed packages, of the last exception of a chain ("The above exception was the
//! direct cause of the following exception"): in a long traceback the
//! `tests/test_tree.py:34: AssertionError` line, not the `tests/test_tree.py:29: ` above.

use std::collections::HashMap;

use super::generic::{FailureLocation, LocationKind, is_internal};
use super::{Framework, MAX_TESTS, MAX_TEXT, Parser, Report, TestResult, TestStatus, clip};

/// Frames kept per failure (the innermost ones).
const MAX_FRAMES: usize = 64;
/// Longest path kept from a `rootdir:` line.
const MAX_ROOTDIR: usize = 4096;

/// Reads pytest output from a case log (see the module documentation).
#[derive(Debug, Default)]
pub struct PytestParser {
    section: Section,
    block: Option<Block>,
    /// Closed failure sections of the session, in print order.
    blocks: Vec<Block>,
    /// Short-summary lines of the session (`FAILED id - msg`), in print order.
    summary: Vec<Pending>,
    /// Node ids seen on `-v` or summary lines, in order (indexed at the session's end,
    /// and only when a section needs them).
    known: Vec<Known>,
    /// `F` and `E` progress letters in run order, with the index of their file in `files`.
    letters: Vec<(u8, Option<usize>)>,
    files: Vec<String>,
    /// A `-v` line that named a test before its status (live logs, `-s` output).
    awaiting: Option<(String, usize)>,
    rootdir: Option<String>,
    /// `--durations` figures by node id, in milliseconds.
    durations: HashMap<String, u64>,
    /// The last frame path of a failure section and whether it is a library's
    /// ([`is_python_library`], thousands of instructions a path): a run's sections
    /// repeat the same few test files.
    library: Option<(String, bool)>,
    /// The file part of the last node id that [`looks_like_file`] accepted.
    last_file: String,
}

/// A node id seen on a `-v` or summary line: the index of its record in the report
/// (nearly every id: nothing copied, and the session's join needs no second map of
/// ids), else the id itself (a summary line of a quiet run, before its test is
/// reported; a full report).
#[derive(Debug)]
enum Known {
    Test(usize),
    Id(String),
}

impl Known {
    fn id<'a>(&'a self, report: &'a Report) -> &'a str {
        match self {
            Known::Test(at) => report.tests().get(*at).map_or("", |t| t.id.as_str()),
            Known::Id(id) => id,
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Section {
    #[default]
    None,
    Failures,
    Errors,
    Passes,
    Summary,
    Durations,
    Other,
}

/// One failure section (or one `--tb=line` line).
#[derive(Debug)]
struct Block {
    status: TestStatus,
    /// The header's name (`TestClass.test_two`, `test_x[a b-1]`); for a collection
    /// error the collected path; empty for a `--tb=line` line.
    head: String,
    collecting: bool,
    start: usize,
    end: usize,
    frames: Frames,
    /// First `E` line, and the exception named by the last `path:N: Name` frame line.
    e_first: Option<String>,
    exception: Option<String>,
    /// Native tracebacks: the exception line after the frames.
    native_message: Option<String>,
    after_frame: bool,
    in_diff: bool,
    diff_minus: Vec<String>,
    diff_plus: Vec<String>,
    diff_context: bool,
    in_captured: bool,
    /// Doctest `Expected:` / `Got:` blocks: which one is being read (1, 2), and both.
    doc_part: u8,
    doc_expected: Option<String>,
    doc_got: Option<String>,
}

/// A test's details waiting for the end of the session.
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) id: String,
    pub(super) status: TestStatus,
    pub(super) message: Option<String>,
    pub(super) expected: Option<String>,
    pub(super) actual: Option<String>,
    pub(super) locations: Vec<FailureLocation>,
    pub(super) lines: Option<(usize, usize)>,
    pub(super) log_line: usize,
    /// A pytest-rerunfailures `RERUN` summary line (a failed attempt).
    pub(super) rerun: bool,
    /// The test's file when only the traceback names it (unittest).
    pub(super) file: Option<String>,
    /// Where the report holds the test of `id`, when known ([`Report::index_of`]):
    /// [`emit`] completes it there without hashing the id again.
    pub(super) test: Option<usize>,
    /// `expected` and `actual` are still to be read from `message` (a summary line's:
    /// its section usually gives them, so most are never read).
    pub(super) values_later: bool,
}

impl Pending {
    /// Reads `expected` and `actual` from the message if that was left for later.
    fn read_values(&mut self) {
        if std::mem::take(&mut self.values_later) {
            (self.expected, self.actual) = self
                .message
                .as_deref()
                .map_or((None, None), expected_actual);
        }
    }
}

impl Parser for PytestParser {
    fn framework(&self) -> Framework {
        Framework::Pytest
    }

    fn line(&mut self, line: &str, n: usize, report: &mut Report) {
        let Some(&first) = line.as_bytes().first() else {
            return;
        };
        match first {
            b'=' => {
                if let Some(title) = rule_title(line, b'=') {
                    self.section_line(title, report);
                    return;
                }
            }
            b'_' => {
                if let Some(head) = rule_title(line, b'_') {
                    self.header(head, n);
                    return;
                }
            }
            _ => {}
        }
        if self.block.is_some() {
            self.block_line(line, n);
            return;
        }
        match self.section {
            Section::Summary => {
                if !self.status_first(line, n, report) && is_final_summary(line) {
                    // `-q` prints the last line without `=` rules.
                    self.flush(report);
                }
                return;
            }
            Section::Durations => {
                self.duration_line(line);
                return;
            }
            Section::Failures | Section::Errors if first != b' ' => {
                // `--tb=line`: one `path:N: message` line per failure, no header.
                if let Some((path, line_no, rest)) = colon_frame(line) {
                    self.line_mode(path, line_no, rest, n);
                    return;
                }
            }
            _ => {}
        }
        match first {
            b'[' => {
                self.status_first(line, n, report);
            }
            b'P' | b'F' | b'E' | b'S' | b'X' | b'R' => {
                if !self.status_first(line, n, report) {
                    self.other_line(line, n, report);
                }
            }
            b'.' => self.progress_letters(None, line),
            b'0'..=b'9' => {
                if is_final_summary(line) {
                    self.flush(report);
                } else if let Some((ms, rest)) = line
                    .split_once(' ')
                    .filter(|(d, _)| d.ends_with('s'))
                    .and_then(|(d, rest)| Some((node_duration(d)?, rest)))
                {
                    // xdist with `console_output_style = times`: `1.234ms PASSED id`.
                    if self.status_first(rest, n, report)
                        && let Some(t) = self.last_known_mut(report)
                    {
                        t.duration_ms = Some(ms);
                    }
                }
            }
            b'r' if line.starts_with("rootdir: ") => {
                let dir = line.get("rootdir: ".len()..).unwrap_or("");
                let dir = dir.split(", ").next().unwrap_or(dir).trim();
                self.rootdir = Some(clip(dir, MAX_ROOTDIR).to_owned());
            }
            b' ' | b'\t' | b'>' => {}
            b'c' if line.starts_with("collect") => match collected_count(line) {
                Some(count) => {
                    // Room for the session's tests at once (the report's records and
                    // index, the ids seen): nothing moved or rehashed as they come.
                    report.reserve(count);
                    self.known.reserve(count.min(MAX_TESTS));
                }
                None => self.other_line(line, n, report),
            },
            _ => self.other_line(line, n, report),
        }
    }

    fn finish(&mut self, report: &mut Report) {
        self.flush(report);
    }

    /// Outside a failure section, the summary and the durations, indented lines are
    /// nobody's (the `-v`, progress and header lines all start at the margin), and a
    /// line at the margin matters by its first byte (rules, `[gw0]`, status words,
    /// progress dots, the final count, `rootdir:`) or as a node id or file name first.
    fn interest(&self) -> &'static super::Interest {
        use super::{ByteSet, Interest};
        const BETWEEN: Interest = Interest {
            top: ByteSet::of(b"=_[PFESXR.rc").union(ByteSet::DIGITS),
            token_dot: true,
            ..Interest::NONE
        };
        // In a section's captured output only rules matter (a header, the next
        // section); every other line only moves the section's end, so of a run of lines
        // at the margin the last is enough.
        const CAPTURED: Interest = Interest {
            top: ByteSet::of(b"=_"),
            indented: ByteSet::ALL,
            blank: true,
            plain_runs: true,
            ..Interest::NONE
        };
        if self.block.as_ref().is_some_and(|b| b.in_captured) {
            return &CAPTURED;
        }
        if self.block.is_some()
            || !matches!(
                self.section,
                Section::None | Section::Other | Section::Passes
            )
        {
            return &Interest::ALL;
        }
        &BETWEEN
    }
}

impl PytestParser {
    /// A `=== title ===` line: a section starts, or the session ends.
    fn section_line(&mut self, title: &str, report: &mut Report) {
        self.close_block();
        self.section = match title {
            "FAILURES" => Section::Failures,
            "ERRORS" => Section::Errors,
            // Sections of passing runs: pytest-rerunfailures' RERUNS holds the failed
            // attempts of tests that may have passed in the end.
            "PASSES" | "RERUNS" => Section::Passes,
            "short test summary info" => Section::Summary,
            t if t.starts_with("slowest") && t.ends_with("durations") => Section::Durations,
            t if is_final_summary(t) => {
                self.flush(report);
                Section::None
            }
            "test session starts" => {
                // A new session: what the last one left is complete.
                self.flush(report);
                Section::None
            }
            _ => Section::Other,
        };
    }

    /// A `____ name ____` line: a failure section's header.
    fn header(&mut self, head: &str, n: usize) {
        self.close_block();
        // An excerpt may start below the `=== FAILURES ===` line: a header that can only
        // be pytest's opens a section too.
        let section = match self.section {
            Section::None | Section::Other if head.starts_with("ERROR ") => Section::Errors,
            Section::None | Section::Other if looks_like_test_head(head) => Section::Failures,
            s => s,
        };
        let (status, head, collecting) = match section {
            Section::Failures => (TestStatus::Failed, head, false),
            Section::Errors => {
                if let Some(path) = head.strip_prefix("ERROR collecting ") {
                    (TestStatus::Error, path, true)
                } else {
                    let h = head
                        .strip_prefix("ERROR at setup of ")
                        .or_else(|| head.strip_prefix("ERROR at teardown of "))
                        .unwrap_or(head);
                    (TestStatus::Error, h, false)
                }
            }
            _ => return,
        };
        self.block = Some(Block::new(status, head, collecting, n));
    }

    fn close_block(&mut self) {
        if let Some(b) = self.block.take() {
            // `b.end` is the block's last line already.
            if self.blocks.len() < MAX_TESTS {
                self.blocks.push(b);
            }
        }
    }

    fn line_mode(&mut self, path: &str, line_no: u32, rest: &str, n: usize) {
        let status = if self.section == Section::Errors {
            TestStatus::Error
        } else {
            TestStatus::Failed
        };
        let mut b = Block::new(status, "", false, n);
        b.frames.push(frame(path, line_no, n, LocationKind::Pytest));
        if !rest.is_empty() {
            b.e_first = Some(clip(rest, MAX_TEXT).to_owned());
        }
        b.end = n;
        if self.blocks.len() < MAX_TESTS {
            self.blocks.push(b);
        }
    }

    /// A line inside a failure section.
    fn block_line(&mut self, line: &str, n: usize) {
        let Some(b) = self.block.as_mut() else {
            return;
        };
        b.end = n;
        if b.in_captured {
            return;
        }
        let bytes = line.as_bytes();
        match bytes.first() {
            Some(b'-') if line.starts_with("---") && line.contains(" Captured ") => {
                b.in_captured = true;
            }
            Some(b'E') if matches!(bytes.get(1), None | Some(b' ')) => {
                let text = line.get(1..).unwrap_or("");
                b.e_line(text);
            }
            Some(b' ') if b.doc_part > 0 => {
                let slot = if b.doc_part == 1 {
                    &mut b.doc_expected
                } else {
                    &mut b.doc_got
                };
                let v = line.strip_prefix("    ").unwrap_or(line);
                match slot {
                    Some(s) if s.len() < MAX_TEXT => {
                        s.push('\n');
                        s.push_str(clip(v, MAX_TEXT));
                    }
                    Some(_) => {}
                    None => *slot = Some(clip(v, MAX_TEXT).to_owned()),
                }
            }
            Some(_) if line == "Expected:" || line == "Got:" => {
                b.doc_part = if line == "Got:" { 2 } else { 1 };
            }
            Some(b' ') => {
                let t = trim_start(line);
                if let Some((path, line_no)) = python_frame(t) {
                    let library = cached_library(&mut self.library, path);
                    b.frames
                        .push_checked(frame(path, line_no, n, LocationKind::Python), library);
                    b.after_frame = true;
                } else if b.after_frame && line.starts_with("    ") {
                    // the frame's source line
                } else if t.starts_with("The above exception") || t.starts_with("During handling") {
                    b.frames.chain();
                }
            }
            Some(_) => {
                b.doc_part = 0;
                if let Some((path, line_no, rest)) = colon_frame(line) {
                    let library = cached_library(&mut self.library, path);
                    b.frames
                        .push_checked(frame(path, line_no, n, LocationKind::Pytest), library);
                    let name = rest.trim();
                    if !name.is_empty() && !name.contains(' ') {
                        b.exception = Some(name.to_owned());
                    }
                } else if line.starts_with("The above exception")
                    || line.starts_with("During handling")
                {
                    b.frames.chain();
                    b.native_message = None;
                } else if b.after_frame && !line.starts_with("Traceback") && !line.starts_with('^')
                {
                    b.native_message = Some(clip(line.trim(), MAX_TEXT).to_owned());
                    b.after_frame = false;
                }
            }
            None => {}
        }
    }

    /// `PASSED id`, `FAILED id - message`, xdist's `[ 50%] FAILED id`, or a bare status
    /// word ending a `-v` line whose test printed output. Returns whether it was one.
    fn status_first(&mut self, line: &str, n: usize, report: &mut Report) -> bool {
        let mut rest = line;
        let mut progress = false;
        if rest.starts_with('[') {
            let Some(after) = strip_progress_prefix(rest) else {
                return false;
            };
            rest = after;
            progress = true;
        }
        let Some((status, after)) = status_word(rest) else {
            return false;
        };
        let after = trim_start(after);
        if after.is_empty() || is_progress(after) {
            // The status of a test named on an earlier line.
            if let Some((id, at)) = self.awaiting.take() {
                self.report_now(&id, status, at, report);
                return true;
            }
            return false;
        }
        let (id, tail) = split_id(after);
        let node = find_double_colon(id.as_bytes()).is_some();
        let collecting = self.section == Section::Summary && !node;
        if id.is_empty() || !(node || collecting && looks_like_file(id)) {
            return false;
        }
        if self.section == Section::Summary && !progress {
            let message = tail
                .trim_start()
                .strip_prefix("- ")
                .map(str::trim)
                .filter(|m| !m.is_empty());
            // Looked up once here: the join at the session's end reuses the answer.
            let test = report.index_of(Framework::Pytest, id);
            let known = match test {
                Some(at) => Known::Test(at),
                None => Known::Id(clip(id, super::MAX_ID).to_owned()),
            };
            self.remember(known, report);
            if self.summary.len() < MAX_TESTS {
                // A message longer than it is kept is read now, whole.
                let now = message.filter(|m| m.len() > MAX_TEXT);
                let (expected, actual) = now.map_or((None, None), expected_actual);
                self.summary.push(Pending {
                    id: id.to_owned(),
                    status,
                    message: message.map(|m| clip(m, MAX_TEXT).to_owned()),
                    expected,
                    actual,
                    locations: Vec::new(),
                    lines: None,
                    log_line: n,
                    rerun: rest.starts_with("RERUN"),
                    file: None,
                    test,
                    values_later: message.is_some() && now.is_none(),
                });
            }
        } else {
            self.report_now(id, status, n, report);
        }
        true
    }

    /// `tests/a.py::test_x PASSED [ 25%]` (also `<- base.py`, `SKIPPED (why)`), or a
    /// node id alone whose status follows later. `sep` is the line's first `::`, inside
    /// its first word.
    fn id_first(&mut self, line: &str, sep: usize, space: usize, n: usize, report: &mut Report) {
        let file = line.get(..sep).unwrap_or("");
        // A `-v` run names the same file for many lines in a row: the last file that
        // passed is not checked again.
        if file.is_empty() || file != self.last_file {
            if !looks_like_file(file) {
                return;
            }
            self.last_file.clear();
            self.last_file.push_str(file);
        }
        // The id holds that `::`: it ends at the first space (`space`) or later, at
        // that one when no `[` comes before it.
        let (id, rest) =
            if memchr::memchr(b'[', line.as_bytes().get(..space).unwrap_or(&[])).is_none() {
                (
                    line.get(..space).unwrap_or(""),
                    line.get(space..).unwrap_or(""),
                )
            } else {
                split_id(line)
            };
        let mut rest = trim_start(rest);
        if let Some(r) = rest.strip_prefix("<- ") {
            rest = r.split_once(' ').map_or("", |x| x.1).trim_start();
        }
        match status_word(rest) {
            Some((status, after)) => {
                self.awaiting = None;
                self.report_now(id, status, n, report);
                // `console_output_style = times`: `PASSED    1.234ms` instead of `[ 50%]`.
                // A line ending with `]` (the progress column) holds no duration: the
                // spaces before it are not skipped.
                let after = if after.as_bytes().last() == Some(&b']') {
                    ""
                } else {
                    trim_start(after)
                };
                if after.as_bytes().first().is_some_and(u8::is_ascii_digit)
                    && let Some(ms) = node_duration(after)
                    && let Some(t) = report.get_mut(Framework::Pytest, id)
                {
                    t.duration_ms = Some(ms);
                }
            }
            None => self.awaiting = Some((clip(id, super::MAX_ID).to_owned(), n)),
        }
    }

    /// A test seen with its status during the run: reported at once, in run order.
    fn report_now(&mut self, id: &str, status: TestStatus, n: usize, report: &mut Report) {
        if status == TestStatus::Error
            && let Some(at) = report.index_of(Framework::Pytest, id)
            && report
                .tests()
                .get(at)
                .is_some_and(|t| t.status == TestStatus::Failed)
        {
            // A teardown error after a failure: the failure is what to fix first.
            self.remember(Known::Test(at), report);
            return;
        }
        let known = match report.add(pytest_result(id, status, n)) {
            Some(at) => Known::Test(at),
            None => Known::Id(clip(id, super::MAX_ID).to_owned()),
        };
        self.remember(known, report);
    }

    /// Keeps a node id seen (`known` is the id cut to [`super::MAX_ID`]).
    fn remember(&mut self, known: Known, report: &Report) {
        // Repeats (a `-v` line then its summary line) are dropped when indexed.
        let repeat = match (self.known.last(), &known) {
            (None, _) => false,
            (Some(Known::Test(a)), Known::Test(b)) => a == b,
            (Some(last), _) => last.id(report) == known.id(report),
        };
        if self.known.len() < 2 * MAX_TESTS && !repeat {
            self.known.push(known);
        }
    }

    /// The test of the last id seen.
    fn last_known_mut<'r>(&self, report: &'r mut Report) -> Option<&'r mut TestResult> {
        match self.known.last()? {
            Known::Test(at) => report.at_mut(*at),
            Known::Id(id) => report.get_mut(Framework::Pytest, id),
        }
    }

    /// A line that may be a `-v` line (its first word holds `::`) or a progress line
    /// (`tests/test_a.py .F.sxX   [ 50%]`). Only the first word is searched.
    fn other_line(&mut self, line: &str, n: usize, report: &mut Report) {
        let bytes = line.as_bytes();
        let tok_end = memchr::memchr(b' ', bytes).unwrap_or(bytes.len());
        let tok = bytes.get(..tok_end).unwrap_or(&[]);
        if let Some(sep) = find_double_colon(tok) {
            // A node id (its file part holds the dot `looks_like_file` asks for).
            self.id_first(line, sep, tok_end, n, report);
        } else if tok_end < bytes.len()
            && bytes
                .last()
                .is_some_and(|&b| b == b']' || is_progress_letter(b))
            // Node ids and progress lines start with a file name.
            && memchr::memchr(b'.', tok).is_some()
            && let Some(file) = line.get(..tok_end)
            && looks_like_file(file)
        {
            let letters = line.get(tok_end..).unwrap_or("");
            self.progress_letters(Some(file), letters);
        }
    }

    fn progress_letters(&mut self, file: Option<&str>, letters: &str) {
        let letters = strip_progress_suffix(letters).trim();
        if letters.is_empty() || !letters.bytes().all(is_progress_letter) {
            return;
        }
        let file_idx = match file {
            Some(f) => {
                if self.files.last().is_none_or(|l| l != f) && self.files.len() < MAX_TESTS {
                    self.files.push(f.to_owned());
                }
                self.files.len().checked_sub(1)
            }
            None => self.files.len().checked_sub(1),
        };
        for b in letters.bytes() {
            if matches!(b, b'F' | b'E') && self.letters.len() < MAX_TESTS {
                self.letters.push((b, file_idx));
            }
        }
    }

    /// `0.52s call     tests/test_a.py::test_x` under `slowest N durations`.
    fn duration_line(&mut self, line: &str) {
        let mut parts = line.split_whitespace();
        let (Some(secs), Some(_phase), Some(id)) = (parts.next(), parts.next(), parts.next())
        else {
            return;
        };
        let Some(ms) = secs.strip_suffix('s').and_then(seconds_to_ms) else {
            return;
        };
        let rest = line.get(line.find(id).unwrap_or(0)..).unwrap_or(id);
        let (id, _) = split_id(rest);
        if !id.contains("::") || self.durations.len() >= MAX_TESTS {
            return;
        }
        *self.durations.entry(id.to_owned()).or_default() += ms;
    }

    /// The session ended: join sections, summary lines and durations, report them in run
    /// order, and start afresh.
    fn flush(&mut self, report: &mut Report) {
        self.close_block();
        let blocks = std::mem::take(&mut self.blocks);
        let ordered = order_blocks(blocks, &self.letters);
        let known = std::mem::take(&mut self.known);
        let mut resolved: Vec<Pending> = Vec::new();
        let mut anonymous: Vec<Block> = Vec::new();
        // Per known id: its record in the report now, if any (an id first seen on a
        // summary line may have been reported since). Only asked when a section needs it.
        let mut tests: Vec<Option<usize>> = Vec::new();
        let mut used: Vec<bool> = Vec::new();
        if !ordered.is_empty() {
            tests = known
                .iter()
                .map(|k| match k {
                    Known::Test(at) => Some(*at),
                    Known::Id(id) => report.index_of(Framework::Pytest, id),
                })
                .collect();
            used = vec![false; known.len()];
            let ids = Ids {
                known: &known,
                tests: &tests,
                report,
            };
            let ends = KeyEnds::of(
                ordered
                    .iter()
                    .filter(|(b, _)| !b.collecting && !b.head.is_empty())
                    .map(|(b, _)| block_key(&b.head).1),
            );
            let index = ids.index(&mut used, ends.as_ref());
            for (block, letter_file) in ordered {
                if block.head.is_empty() && !block.collecting {
                    anonymous.push(block);
                    continue;
                }
                let file = letter_file
                    .and_then(|i| self.files.get(i))
                    .map(String::as_str);
                let (id, test) = self.resolve(&block, file, &ids, &index, &mut used);
                let test = test.or_else(|| report.index_of(Framework::Pytest, &id));
                resolved.push(block.into_pending(id, test));
            }
        }
        let mut summary: Vec<Option<Pending>> = std::mem::take(&mut self.summary)
            .into_iter()
            .map(Some)
            .collect();
        // The last summary line of each id, by the id's record in the report (found when
        // the line was read, or now), else by the id.
        let mut summary_by_test: Vec<usize> = Vec::new();
        let mut summary_by_id: HashMap<String, usize> = HashMap::new();
        if !summary.is_empty() {
            summary_by_test = vec![NO_ID; report.tests().len()];
            for (i, p) in summary.iter_mut().enumerate() {
                let Some(p) = p else { continue };
                if p.test.is_none() {
                    p.test = report.index_of(Framework::Pytest, &p.id);
                }
                match p.test {
                    Some(at) => {
                        if let Some(slot) = summary_by_test.get_mut(at) {
                            *slot = i;
                        }
                    }
                    None => {
                        summary_by_id.insert(p.id.clone(), i);
                    }
                }
            }
        }
        let summary_at = |id: &str, test: Option<usize>| match test {
            Some(at) => summary_by_test.get(at).copied().filter(|&i| i != NO_ID),
            None => summary_by_id.get(id).copied(),
        };
        if !anonymous.is_empty() {
            // `--tb=line`: the k-th line belongs to the k-th failed test without a section.
            let mut failed_ids = Vec::new();
            for (i, k) in known.iter().enumerate() {
                let test = tests.get(i).copied().flatten();
                let failed = test
                    .and_then(|at| report.tests().get(at))
                    .is_some_and(|t| t.status.is_failure())
                    || summary_at(k.id(report), test)
                        .and_then(|at| summary.get(at)?.as_ref())
                        .is_some_and(|s| s.status.is_failure());
                if failed && !used.get(i).copied().unwrap_or(true) {
                    failed_ids.push((k.id(report).to_owned(), test));
                }
            }
            for (block, (id, test)) in anonymous.into_iter().zip(failed_ids) {
                resolved.push(block.into_pending(id, test));
            }
        }
        for p in &mut resolved {
            if let Some(mut s) =
                summary_at(&p.id, p.test).and_then(|at| summary.get_mut(at)?.take())
            {
                if p.expected.is_none() || p.actual.is_none() {
                    s.read_values();
                }
                p.message = p.message.take().or(s.message);
                p.expected = p.expected.take().or(s.expected);
                p.actual = p.actual.take().or(s.actual);
            }
        }
        // A summary that lists `RERUN id` and then `PASSED id`: passed on a retry.
        let mut reran: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut flaky: Vec<String> = Vec::new();
        for p in summary.iter().flatten() {
            if p.rerun {
                reran.insert(&p.id);
            } else if p.status == TestStatus::Passed && reran.contains(p.id.as_str()) {
                flaky.push(p.id.clone());
            }
        }
        let summary = summary.into_iter().flatten().map(|mut p| {
            p.read_values();
            p
        });
        for p in resolved.into_iter().chain(summary) {
            emit(Framework::Pytest, p, report);
        }
        for id in flaky {
            if let Some(t) = report.get_mut(Framework::Pytest, &id) {
                t.status = TestStatus::Flaky;
            }
        }
        for (id, ms) in self.durations.drain() {
            if let Some(t) = report.get_mut(Framework::Pytest, &id) {
                t.duration_ms = Some(ms);
            }
        }
        let rootdir = self.rootdir.take();
        *self = PytestParser {
            rootdir,
            ..PytestParser::default()
        };
    }

    /// The node id of a failure section (see the module documentation), and its record
    /// in the report when it is a known id.
    fn resolve(
        &self,
        block: &Block,
        letter_file: Option<&str>,
        ids: &Ids<'_>,
        index: &KnownIndex<'_>,
        used: &mut [bool],
    ) -> (String, Option<usize>) {
        if block.collecting {
            return (block.head.clone(), None);
        }
        let hint = block.frames.first_path();
        let (doctest, key) = block_key(&block.head);
        let matches = |id: &str| match doctest {
            Some(name) => split_node_id(id).is_some_and(|(_, tail)| tail == name),
            None => head_matches(id, &block.head),
        };
        // The first match, the first free one, and the first free one in the progress
        // letter's file and in the first frame's file, in one pass.
        let (mut first, mut free, mut in_letter, mut in_hint) = (None, None, None, None);
        for i in index.ids(key) {
            let id = ids.id(i);
            if !matches(id) {
                continue;
            }
            first.get_or_insert(i);
            if used.get(i).copied().unwrap_or(true) {
                continue;
            }
            free.get_or_insert(i);
            let file = file_part(id);
            if in_letter.is_none() && letter_file.is_some_and(|f| same_file(file, f)) {
                in_letter = Some(i);
            }
            if in_hint.is_none() && hint.is_some_and(|f| same_file(file, f)) {
                in_hint = Some(i);
            }
        }
        let pick = in_letter.or(in_hint).or(free).or(first);
        if let Some(i) = pick {
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
            return (ids.id(i).to_owned(), ids.tests.get(i).copied().flatten());
        }
        let file = letter_file.map(str::to_owned).or_else(|| {
            let hint = if block.status == TestStatus::Error {
                block.frames.test_file_path().or(hint)
            } else {
                hint
            };
            hint.map(|h| self.relative(h))
        });
        let tail = doctest.map_or_else(|| head_to_id(&block.head), str::to_owned);
        let id = match file {
            Some(f) => format!("{f}::{tail}"),
            None => tail,
        };
        (id, None)
    }

    /// `path` relative to the `rootdir:` line, as node ids are.
    fn relative(&self, path: &str) -> String {
        if let Some(root) = &self.rootdir
            && let Some(rest) = path.strip_prefix(root.as_str())
            && let Some(rest) = rest.strip_prefix(['/', '\\'])
        {
            return rest.to_owned();
        }
        path.to_owned()
    }
}

/// The session's known node ids by their last segment: per segment its first and last
/// id, and `next` chains each id to the following one with the same segment, in order
/// (one map entry per segment, no list allocated per segment).
struct KnownIndex<'a> {
    ends: HashMap<&'a str, (usize, usize)>,
    next: Vec<usize>,
}

/// The session's known ids, read from the report's records (or their own copy).
struct Ids<'a> {
    known: &'a [Known],
    /// Per known id, its record in the report.
    tests: &'a [Option<usize>],
    report: &'a Report,
}

impl<'a> Ids<'a> {
    fn id(&self, i: usize) -> &'a str {
        self.known.get(i).map_or("", |k| k.id(self.report))
    }

    /// Known ids by their last segment (`test_x[p]`); repeats are marked used. An id
    /// with a record is a repeat of an earlier one with the same record. With `ends`,
    /// only ids that may end like a section's key are indexed (no other is looked up).
    fn index(&self, used: &mut [bool], ends: Option<&KeyEnds>) -> KnownIndex<'a> {
        let n = self.known.len();
        let mut index = KnownIndex {
            ends: HashMap::with_capacity(n),
            next: vec![NO_ID; n],
        };
        let mut seen_test = vec![false; self.report.tests().len()];
        let mut seen_id: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for i in 0..n {
            let id = self.id(i);
            let repeat = match self.tests.get(i).copied().flatten() {
                Some(at) => seen_test
                    .get_mut(at)
                    .is_some_and(|s| std::mem::replace(s, true)),
                None => !seen_id.insert(id),
            };
            if repeat {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                continue;
            }
            if ends.is_some_and(|e| !e.may_end(id)) {
                continue;
            }
            match index.ends.entry(last_segment(id, "::")) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let (_, last) = e.get_mut();
                    if let Some(link) = index.next.get_mut(*last) {
                        *link = i;
                    }
                    *last = i;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((i, i));
                }
            }
        }
        index
    }
}

/// A section header's index key ([`KnownIndex`]): the last `.` segment of its name,
/// or for a doctest (`[doctest] mod.func`, node `mod.py::mod.func`) the whole name,
/// returned first too.
fn block_key(head: &str) -> (Option<&str>, &str) {
    let doctest = head.strip_prefix("[doctest] ");
    (doctest, doctest.unwrap_or_else(|| last_segment(head, ".")))
}

/// Four bytes near the end of the sections' keys, as bits of a small table: an id whose
/// last segment is a key ends with it, so an id that ends otherwise is not indexed (a
/// run of 10,000 tests with 1,000 failures indexes about a thousand ids, not all).
/// The four bytes are the last ones, or for a string ending with `]` the four before
/// its last `[` (parameters often end alike: `test_x[user-1 eu west]`); both are within
/// a key, so an id ending with it has the same.
struct KeyEnds {
    bits: Vec<u64>,
}

impl KeyEnds {
    /// `None` when a key has no such four bytes (then every id is indexed).
    fn of<'k>(keys: impl Iterator<Item = &'k str>) -> Option<Self> {
        let mut ends = KeyEnds {
            bits: vec![0; 1 << 8],
        };
        for key in keys {
            let slot = Self::slot(key)?;
            if let Some(w) = ends.bits.get_mut(slot / 64) {
                *w |= 1 << (slot % 64);
            }
        }
        Some(ends)
    }

    /// Whether `id` may end with one of the keys.
    fn may_end(&self, id: &str) -> bool {
        Self::slot(id).is_some_and(|slot| {
            self.bits
                .get(slot / 64)
                .is_some_and(|w| w & (1 << (slot % 64)) != 0)
        })
    }

    /// The table bit of `s`'s four bytes (14 bits of their product with an odd
    /// constant); `None` when `s` has none.
    fn slot(s: &str) -> Option<usize> {
        let mut b = s.as_bytes();
        if b.last() == Some(&b']') {
            b = b.get(..crate::search::memrchr(b'[', b)?)?;
        }
        let end: [u8; 4] = b.get(b.len().checked_sub(4)?..)?.try_into().ok()?;
        Some((u32::from_le_bytes(end).wrapping_mul(0x9E37_79B1) >> 18) as usize)
    }
}

/// The end of a [`KnownIndex`] chain.
const NO_ID: usize = usize::MAX;

impl KnownIndex<'_> {
    /// The ids whose last segment is `key`, in the order they were seen.
    fn ids(&self, key: &str) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.ends.get(key).map_or(NO_ID, |&(first, _)| first);
        std::iter::from_fn(move || {
            let i = (at != NO_ID).then_some(at)?;
            at = self.next.get(i).copied().unwrap_or(NO_ID);
            Some(i)
        })
    }
}

/// `test_x`, `TestC.test_x[p]`: a header pytest prints for a test function.
fn looks_like_test_head(head: &str) -> bool {
    let name = head.split('[').next().unwrap_or(head);
    let last = name.rsplit('.').next().unwrap_or(name);
    last.starts_with("test") && !last.contains(' ')
}

/// Reports a joined test, or completes the one already reported under its id.
pub(super) fn emit(framework: Framework, p: Pending, report: &mut Report) {
    let existing = match p.test {
        Some(at) => report.at_mut(at),
        None => report.get_mut(framework, &p.id),
    };
    if let Some(t) = existing {
        if !t.status.is_failure() && t.status != TestStatus::Flaky && p.status.is_failure() {
            t.status = p.status;
        }
        if p.message.is_some() {
            t.message = p.message.map(|m| clip(&m, MAX_TEXT).to_owned());
        }
        if p.expected.is_some() {
            t.expected = p.expected.map(|m| clip(&m, MAX_TEXT).to_owned());
            t.actual = p.actual.map(|m| clip(&m, MAX_TEXT).to_owned());
        }
        if !p.locations.is_empty() {
            t.locations = p.locations;
            t.locations.truncate(super::MAX_TEST_LOCATIONS);
        }
        if p.lines.is_some() {
            t.failure_lines = p.lines;
        }
        if t.file.is_none() {
            t.file = p.file;
        }
        return;
    }
    let mut t = if framework == Framework::Pytest {
        pytest_result(&p.id, p.status, p.log_line)
    } else {
        TestResult::new(framework, &p.id, p.status, p.log_line)
    };
    t.message = p.message;
    t.expected = p.expected;
    t.actual = p.actual;
    t.locations = p.locations;
    t.failure_lines = p.lines;
    t.file = t.file.take().or(p.file);
    report.test(t);
}

/// A pytest test with the name (`TestC.test_x[p]`, as pytest's section headers print it)
/// and file of its node id, each copied once.
fn pytest_result(id: &str, status: TestStatus, n: usize) -> TestResult {
    let id = clip(id, super::MAX_ID);
    let Some((file, tail)) = split_node_id(id) else {
        return TestResult::new(Framework::Pytest, id, status, n);
    };
    TestResult::owned(
        Framework::Pytest,
        id.to_owned(),
        head_of(tail).into_owned(),
        Some(file.to_owned()),
        status,
        n,
    )
}

/// Sections in run order: the k-th `F` letter is the k-th FAILURES section, the k-th `E`
/// the k-th ERRORS section; collection errors first, what the letters do not cover last.
fn order_blocks(
    blocks: Vec<Block>,
    letters: &[(u8, Option<usize>)],
) -> Vec<(Block, Option<usize>)> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut failures = std::collections::VecDeque::new();
    let mut errors = std::collections::VecDeque::new();
    let mut rest = Vec::new();
    for b in blocks {
        if b.collecting {
            out.push((b, None));
        } else if b.head.is_empty() {
            rest.push(b);
        } else if b.status == TestStatus::Error {
            errors.push_back(b);
        } else {
            failures.push_back(b);
        }
    }
    for &(letter, file) in letters {
        let next = if letter == b'F' {
            failures.pop_front()
        } else {
            errors.pop_front()
        };
        if let Some(b) = next {
            out.push((b, file));
        }
    }
    // Without letters the print order stays: ERRORS, then FAILURES.
    let mut left: Vec<Block> = errors.into_iter().chain(failures).collect();
    left.sort_by_key(|b| b.start);
    out.extend(left.into_iter().map(|b| (b, None)));
    out.extend(rest.into_iter().map(|b| (b, None)));
    out
}

impl Block {
    fn new(status: TestStatus, head: &str, collecting: bool, n: usize) -> Self {
        Block {
            status,
            head: clip(head, super::MAX_ID).to_owned(),
            collecting,
            start: n,
            end: n,
            frames: Frames::default(),
            e_first: None,
            exception: None,
            native_message: None,
            after_frame: false,
            in_diff: false,
            diff_minus: Vec::new(),
            diff_plus: Vec::new(),
            diff_context: false,
            in_captured: false,
            doc_part: 0,
            doc_expected: None,
            doc_got: None,
        }
    }

    /// An `E   ...` line (without the `E`).
    fn e_line(&mut self, text: &str) {
        let t = text.trim();
        if self.e_first.is_none() {
            if !t.is_empty() {
                self.e_first = Some(clip(t, MAX_TEXT).to_owned());
            }
            return;
        }
        if t == "Full diff:" {
            self.in_diff = true;
            self.diff_context = false;
            self.diff_minus.clear();
            self.diff_plus.clear();
            return;
        }
        if t.is_empty() {
            // pytest 8 prints a text diff after a blank `E` line, without `Full diff:`.
            self.in_diff = true;
            return;
        }
        if !self.in_diff {
            return;
        }
        // Diff lines keep one indentation step after `E`; `?` lines mark changes.
        let body = text.trim_start();
        if let Some(v) = body.strip_prefix("- ") {
            push_bounded(&mut self.diff_minus, v);
        } else if let Some(v) = body.strip_prefix("+ ") {
            push_bounded(&mut self.diff_plus, v);
        } else if !body.starts_with('?') && !body.is_empty() {
            self.diff_context = true;
        }
    }

    fn message(&self) -> Option<String> {
        let e = self.e_first.as_deref().or(self.native_message.as_deref());
        match (e, self.exception.as_deref()) {
            (Some(e), Some(exc)) if !first_word(e).ends_with(exc) && !self.head.is_empty() => {
                Some(clip(&format!("{exc}: {e}"), MAX_TEXT).to_owned())
            }
            (Some(e), _) => Some(e.to_owned()),
            (None, Some(exc)) => Some(exc.to_owned()),
            (None, None) => None,
        }
    }

    fn into_pending(self, id: String, test: Option<usize>) -> Pending {
        let message = self.message();
        let (mut expected, mut actual) = self
            .e_first
            .as_deref()
            .map_or((None, None), expected_actual);
        if let ([minus], [plus], false) = (
            self.diff_minus.as_slice(),
            self.diff_plus.as_slice(),
            self.diff_context,
        ) {
            // Whole values from pytest's full diff, when they agree with the abbreviated
            // ones of the `assert` line (`-` is the right side in pytest >= 5.4, the left
            // before).
            let fits = |short: &Option<String>, full: &str| whole(short.as_deref()?, full);
            if let (Some(e), Some(a)) = (fits(&expected, minus), fits(&actual, plus)) {
                expected = Some(e);
                actual = Some(a);
            } else if let (Some(e), Some(a)) = (fits(&expected, plus), fits(&actual, minus)) {
                expected = Some(e);
                actual = Some(a);
            }
        }
        if self.doc_expected.is_some() && self.doc_got.is_some() {
            expected = self.doc_expected;
            actual = self.doc_got;
        }
        let mut locations = self.frames.innermost_first();
        for l in &mut locations {
            l.message = message.as_deref().map(|m| clip(m, 500).to_owned());
        }
        Pending {
            id,
            status: self.status,
            message,
            expected,
            actual,
            locations,
            lines: Some((self.start, self.end)),
            log_line: self.start,
            rerun: false,
            file: None,
            test,
            values_later: false,
        }
    }
}

fn push_bounded(v: &mut Vec<String>, s: &str) {
    if v.len() < 4 {
        v.push(clip(s, MAX_TEXT).to_owned());
    }
}

/// The whole value of `short` given a diff line `full`: `full` itself when `short`
/// abbreviates it, quoted like `short` when `short` is a string's repr (text diffs print
/// strings without quotes).
fn whole(short: &str, full: &str) -> Option<String> {
    if abbreviates(short, full) {
        return Some(full.to_owned());
    }
    let q = *short.as_bytes().first()?;
    if !matches!(q, b'\'' | b'"') || short.len() < 2 || short.as_bytes().last() != Some(&q) {
        return None;
    }
    let inner = short.get(1..short.len() - 1)?;
    let q = q as char;
    abbreviates(inner, full).then(|| format!("{q}{full}{q}"))
}

/// Whether `short` is `full` or pytest's abbreviation of it (`['banana', 'a...elon']`).
fn abbreviates(short: &str, full: &str) -> bool {
    if short == full {
        return true;
    }
    // The `...` may sit anywhere in a run of dots (`new....path` is `new.` + `...`).
    let b = short.as_bytes();
    (0..b.len().saturating_sub(2)).any(|i| {
        b.get(i..i + 3) == Some(b"...")
            && match (short.get(..i), short.get(i + 3..)) {
                (Some(head), Some(tail)) => {
                    full.len() >= head.len() + tail.len()
                        && full.starts_with(head)
                        && full.ends_with(tail)
                }
                _ => false,
            }
    })
}

fn first_word(s: &str) -> &str {
    let end = s.find([' ', ':']).unwrap_or(s.len());
    s.get(..end).unwrap_or(s)
}

/// The frames of one traceback, project frames only, per exception of a chain.
#[derive(Debug, Default)]
pub(super) struct Frames {
    current: Vec<FailureLocation>,
    previous: Vec<FailureLocation>,
    /// The first frame printed, library or not (names the test's file).
    first: Option<String>,
    /// The first frame in a file named like a test module.
    test_file: Option<String>,
}

impl Frames {
    pub(super) fn push(&mut self, loc: FailureLocation) {
        let library = is_python_library(&loc.path);
        self.push_checked(loc, library);
    }

    /// [`Frames::push`] with `library` = [`is_python_library`] of its path.
    fn push_checked(&mut self, loc: FailureLocation, library: bool) {
        if self.first.is_none() {
            self.first = Some(loc.path.clone());
        }
        if self.test_file.is_none() && is_test_file(&loc.path) {
            self.test_file = Some(loc.path.clone());
        }
        if library {
            return;
        }
        if self.current.len() >= MAX_FRAMES {
            self.current.remove(0);
        }
        self.current.push(loc);
    }

    /// The next traceback of a chain starts: it is the exception that ended the test.
    pub(super) fn chain(&mut self) {
        if !self.current.is_empty() {
            self.previous = std::mem::take(&mut self.current);
        }
    }

    /// Project frames of the last exception (else of the one before), innermost first.
    pub(super) fn innermost_first(self) -> Vec<FailureLocation> {
        let mut v = if self.current.is_empty() {
            self.previous
        } else {
            self.current
        };
        v.reverse();
        v.truncate(super::MAX_TEST_LOCATIONS);
        v
    }

    fn first_path(&self) -> Option<&str> {
        self.first.as_deref()
    }

    fn test_file_path(&self) -> Option<&str> {
        self.test_file.as_deref()
    }
}

pub(super) fn frame(path: &str, line: u32, n: usize, kind: LocationKind) -> FailureLocation {
    FailureLocation {
        path: path.to_owned(),
        line,
        column: None,
        message: None,
        log_line: Some(n),
        kind,
    }
}

/// [`is_python_library`] of `path`, answered from `last` when it asked the same path.
fn cached_library(last: &mut Option<(String, bool)>, path: &str) -> bool {
    if let Some((p, library)) = last
        && p == path
    {
        return *library;
    }
    let library = is_python_library(path);
    *last = Some((path.to_owned(), library));
    library
}

/// Standard library, installed packages and frozen modules, on any OS (Windows installs
/// keep the standard library under `...\Python311\Lib\`).
pub(super) fn is_python_library(path: &str) -> bool {
    is_internal(path)
        || path.contains("\\Lib\\")
        || path.contains("/Lib/")
        || path.contains("\\lib\\python")
        || path.starts_with('<')
}

fn is_test_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.starts_with("test_") || name.ends_with("_test.py") || name.ends_with("_tests.py")
}

/// `File "path", line 42, in name` (already trimmed).
pub(super) fn python_frame(t: &str) -> Option<(&str, u32)> {
    let rest = t.strip_prefix("File \"")?;
    let close = rest.find("\", line ")?;
    let path = rest.get(..close)?;
    let after = rest.get(close + "\", line ".len()..)?;
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let line = parse_u32(after.get(..digits)?)?;
    if path.is_empty() || line == 0 {
        return None;
    }
    Some((path, line))
}

/// `path:42: rest` (pytest's frame lines, `--tb=line` lines) at the start of a line. The
/// path may hold spaces (absolute Windows paths); it must end in a file extension.
fn colon_frame(line: &str) -> Option<(&str, u32, &str)> {
    let bytes = line.as_bytes();
    if matches!(bytes.first(), None | Some(b' ' | b'\t')) {
        return None;
    }
    let mut from = 0;
    while let Some(p) = memchr::memchr(b':', bytes.get(from..)?) {
        let colon = from + p;
        let digits = bytes
            .get(colon + 1..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 && bytes.get(colon + 1 + digits) == Some(&b':') {
            let path = line.get(..colon)?;
            let line_no = parse_u32(line.get(colon + 1..colon + 1 + digits)?)?;
            if looks_like_file(path) && line_no > 0 {
                let rest = line.get(colon + 2 + digits..).unwrap_or("").trim();
                return Some((path, line_no, rest));
            }
        }
        from = colon + 1;
    }
    None
}

/// The first `::` in `b`. A `memchr` for `:` then one byte: building a `memmem` searcher
/// per line costs more than the search on lines this short.
fn find_double_colon(b: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b':', b.get(from..)?) {
        let at = from + p;
        if b.get(at + 1) == Some(&b':') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `(file, rest)` of a node id, split at its first `::`.
fn split_node_id(id: &str) -> Option<(&str, &str)> {
    let at = find_double_colon(id.as_bytes())?;
    Some((id.get(..at)?, id.get(at + 2..)?))
}

fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

/// A path whose last component has a file extension (`tests/test_a.py`, `x.yaml`).
fn looks_like_file(p: &str) -> bool {
    // Asked once per `-v` line: byte searches, no substring searcher to set up.
    let b = p.as_bytes();
    let url =
        memchr::memchr_iter(b':', b).any(|i| b.get(i + 1..).is_some_and(|r| r.starts_with(b"//")));
    if p.is_empty() || url || p.starts_with(' ') {
        return false;
    }
    let name = crate::search::memrchr2(b'/', b'\\', b).map_or(p, |i| p.get(i + 1..).unwrap_or(""));
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && (1..=8).contains(&ext.len())
        && ext.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && ext.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The title of `=== title ===` or `___ title ___` (pytest's `sep` lines); `None` for a
/// bare rule and for traceback separators (`_ _ _ _`).
fn rule_title(line: &str, ch: u8) -> Option<&str> {
    let c = ch as char;
    let line = line.trim_end();
    let inner = line.trim_start_matches(c).strip_prefix(' ')?;
    let inner = inner.trim_end_matches(c).strip_suffix(' ')?;
    let title = inner.trim();
    if title.is_empty() || title.bytes().all(|b| b == ch || b == b' ') {
        return None;
    }
    Some(title)
}

/// `1 failed, 3 passed in 0.12s`, `no tests ran in 0.01s` (the session's last line).
fn is_final_summary(t: &str) -> bool {
    let t = t.trim().trim_matches('=').trim();
    // `in 0.12s`, `in 0.12 seconds`, `in 400.60s (0:06:40)`: one byte rejects most lines.
    if !matches!(t.as_bytes().last(), Some(b's' | b')')) {
        return false;
    }
    let starts =
        t.as_bytes().first().is_some_and(u8::is_ascii_digit) || t.starts_with("no tests ran");
    if !starts {
        return false;
    }
    let Some(at) = t.find(" in ") else {
        return false;
    };
    let counts = t.get(..at).unwrap_or("");
    let after = t.get(at + 4..).unwrap_or("");
    after.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && counts.split(", ").all(|part| {
            part == "no tests ran"
                || part
                    .split_once(' ')
                    .is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty())
        })
}

/// A status word at the start of `s` and what follows it.
fn status_word(s: &str) -> Option<(TestStatus, &str)> {
    // One candidate per first byte: a line costs one comparison.
    let b = s.as_bytes();
    let (word, status) = match b.first()? {
        b'P' => ("PASSED", TestStatus::Passed),
        b'F' => ("FAILED", TestStatus::Failed),
        b'E' => ("ERROR", TestStatus::Error),
        b'S' => ("SKIPPED", TestStatus::Skipped),
        b'X' if b.get(1) == Some(&b'F') => ("XFAIL", TestStatus::Skipped),
        b'X' => ("XPASS", TestStatus::Passed),
        b'R' => ("RERUN", TestStatus::Failed),
        _ => return None,
    };
    if b.get(1) != word.as_bytes().get(1) {
        return None;
    }
    let rest = s.strip_prefix(word)?;
    matches!(rest.as_bytes().first(), None | Some(b' ' | b'(')).then_some((status, rest))
}

/// [`str::trim_start`], ASCII spaces skipped by a byte loop (`trim_start` decodes a
/// `char` a step): only a non-ASCII first byte goes to `trim_start` itself.
fn trim_start(s: &str) -> &str {
    let start = s
        .bytes()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        .unwrap_or(s.len());
    let rest = s.get(start..).unwrap_or("");
    match rest.as_bytes().first() {
        Some(c) if !c.is_ascii() => rest.trim_start(),
        _ => rest,
    }
}

/// `collected 10000 items` (also after `collecting ... `, and with `/ 1 error` or
/// `(2 deselected)` after it): how many tests the session runs.
fn collected_count(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("collecting ... ").unwrap_or(line);
    let rest = rest.strip_prefix("collected ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&digits) || !rest.get(digits..)?.starts_with(" item") {
        return None;
    }
    rest.get(..digits)?.parse().ok()
}

/// `[ 50%] rest` (xdist after its `[gw0] ` is removed), `[  3/32] rest`.
fn strip_progress_prefix(s: &str) -> Option<&str> {
    let close = s.find(']')?;
    let inner = s.get(1..close)?;
    if !is_progress_inner(inner) {
        return None;
    }
    Some(s.get(close + 1..)?.trim_start())
}

fn is_progress(s: &str) -> bool {
    let s = s.trim();
    s.starts_with('[') && s.ends_with(']') && is_progress_inner(s.get(1..s.len() - 1).unwrap_or(""))
}

fn is_progress_inner(inner: &str) -> bool {
    let inner = inner.trim();
    let body = inner.strip_suffix('%').unwrap_or(inner);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'/')
}

/// `s` without a trailing `[ 50%]` progress column.
fn strip_progress_suffix(s: &str) -> &str {
    let t = s.trim_end();
    if t.ends_with(']')
        && let Some(open) = t.rfind('[')
        && is_progress_inner(t.get(open + 1..t.len() - 1).unwrap_or(""))
    {
        return t.get(..open).unwrap_or(t);
    }
    t
}

fn is_progress_letter(b: u8) -> bool {
    matches!(b, b'.' | b'F' | b'E' | b's' | b'x' | b'X' | b'R')
}

/// A node id at the start of `s` and the rest: the id ends at the first space outside
/// brackets (parameters may hold spaces: `test_x[a b-1]`).
fn split_id(s: &str) -> (&str, &str) {
    // Most ids hold no `[` before the first space: that space ends them (two `memchr`s
    // instead of a byte loop over every id of a `-v` run).
    // Only brackets and spaces matter, and of them outside brackets `[` and ` ` (a `]`
    // there changes nothing), inside `[` and `]`: the search jumps between those (most
    // ids hold no `[` before their first space, one search).
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut from = 0;
    while let Some(p) = b.get(from..).and_then(|r| {
        if depth == 0 {
            memchr::memchr2(b'[', b' ', r)
        } else {
            memchr::memchr2(b'[', b']', r)
        }
    }) {
        let i = from + p;
        match b.get(i) {
            Some(b'[') => depth += 1,
            Some(b']') => depth = depth.saturating_sub(1),
            _ if depth == 0 => {
                return (s.get(..i).unwrap_or(""), s.get(i..).unwrap_or(""));
            }
            _ => {}
        }
        from = i + 1;
    }
    if depth > 0 {
        // Unbalanced brackets: fall back to the first ` - ` or space.
        let end = s.find(" - ").or_else(|| s.find(' ')).unwrap_or(s.len());
        return (s.get(..end).unwrap_or(""), s.get(end..).unwrap_or(""));
    }
    (s, "")
}

/// `TestC::test_x[p]` (a node id after its file) -> `TestC.test_x[p]` (pytest's section
/// header); a plain function (most tests) is borrowed as it is.
fn head_of(tail: &str) -> std::borrow::Cow<'_, str> {
    if find_double_colon(tail.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(tail);
    }
    // `::`, `[` and `]` are ASCII: the text between them is copied as it is.
    let b = tail.as_bytes();
    let mut out = String::with_capacity(tail.len());
    let (mut depth, mut copied, mut i) = (0usize, 0, 0);
    while let Some(&c) = b.get(i) {
        match c {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && b.get(i + 1) == Some(&b':') => {
                out.push_str(tail.get(copied..i).unwrap_or(""));
                out.push('.');
                i += 2;
                copied = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(tail.get(copied..).unwrap_or(""));
    std::borrow::Cow::Owned(out)
}

/// What follows the last `sep` outside brackets (`test_x[a.b]` of `C.test_x[a.b]`).
fn last_segment<'a>(s: &'a str, sep: &str) -> &'a str {
    let b = s.as_bytes();
    // Before the first `[` every separator is outside brackets: when none comes after
    // it, the last one before it ends the segment (a backward search instead of a
    // byte loop over every id of the session).
    let open = memchr::memchr(b'[', b).unwrap_or(b.len());
    let (head, tail) = b.split_at(open);
    let fast = match sep.as_bytes() {
        [c] if !matches!(c, b'[' | b']') && memchr::memchr(*c, tail).is_none() => {
            Some(memchr::memrchr(*c, head).map_or(0, |p| p + 1))
        }
        b"::" if find_double_colon(tail).is_none() => after_last_double_colon(head),
        _ => None,
    };
    if let Some(start) = fast {
        return s.get(start..).unwrap_or(s);
    }
    last_segment_loop(s, sep)
}

/// Where the last `::` of `head` ends (0 without one); `None` for a run of three or
/// more colons, which the left-to-right loop pairs up from its start.
fn after_last_double_colon(head: &[u8]) -> Option<usize> {
    let mut end = head.len();
    while let Some(p) = memchr::memrchr(b':', head.get(..end)?) {
        if p > 0 && head.get(p - 1) == Some(&b':') {
            if p > 1 && head.get(p - 2) == Some(&b':') {
                return None;
            }
            return Some(p + 1);
        }
        end = p;
    }
    Some(0)
}

/// [`last_segment`] byte by byte: the reference, and the way for ids with brackets.
fn last_segment_loop<'a>(s: &'a str, sep: &str) -> &'a str {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'[') => depth += 1,
            Some(b']') => depth = depth.saturating_sub(1),
            _ if depth == 0 && b.get(i..i + sep.len()) == Some(sep.as_bytes()) => {
                start = i + sep.len();
                i += sep.len();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    s.get(start..).unwrap_or(s)
}

/// Whether `head` is the section header of node id `id` ([`head_of`] without allocating).
fn head_matches(id: &str, head: &str) -> bool {
    let tail = split_node_id(id).map_or(id, |x| x.1).as_bytes();
    let head = head.as_bytes();
    let (mut i, mut j, mut depth) = (0, 0, 0usize);
    while i < tail.len() {
        let c = tail.get(i).copied().unwrap_or(0);
        if depth == 0 && c == b':' && tail.get(i + 1) == Some(&b':') {
            if head.get(j) != Some(&b'.') {
                return false;
            }
            i += 2;
            j += 1;
            continue;
        }
        match c {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if head.get(j) != Some(&c) {
            return false;
        }
        i += 1;
        j += 1;
    }
    j == head.len()
}

/// `TestC.test_x[1.5]` -> `TestC::test_x[1.5]`.
fn head_to_id(head: &str) -> String {
    let mut out = String::with_capacity(head.len() + 4);
    let mut depth = 0usize;
    for c in head.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                out.push_str("::");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

fn file_part(id: &str) -> &str {
    split_node_id(id).map_or(id, |x| x.0)
}

/// Whether two printed paths name the same file (one may be absolute, either separator).
fn same_file(a: &str, b: &str) -> bool {
    // Byte by byte with `\\` read as `/` (both one byte): no copies of the paths.
    let norm = |c: &u8| if *c == b'\\' { b'/' } else { *c };
    let same = |x: &[u8], y: &[u8]| x.len() == y.len() && x.iter().map(norm).eq(y.iter().map(norm));
    let (short, long) = if a.len() <= b.len() {
        (a.as_bytes(), b.as_bytes())
    } else {
        (b.as_bytes(), a.as_bytes())
    };
    let head = long.len() - short.len();
    same(long, short)
        || (head > 0
            && long.get(head..).is_some_and(|tail| same(tail, short))
            && long.get(head - 1).map(norm) == Some(b'/'))
}

/// pytest's `format_node_duration`: `12.3us`, `1.234ms`, `1.500s`, `2m 5s`, `1h 2m`, in
/// milliseconds.
fn node_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once(' ') {
        let (a, b) = (a.trim(), b.trim());
        let whole = |x: &str, unit: char| -> Option<u64> {
            let d = x.strip_suffix(unit)?;
            (!d.is_empty() && d.len() < 10 && d.bytes().all(|c| c.is_ascii_digit()))
                .then(|| d.parse().ok())?
        };
        if let (Some(m), Some(sec)) = (whole(a, 'm'), whole(b, 's')) {
            return Some((m * 60 + sec) * 1000);
        }
        if let (Some(h), Some(m)) = (whole(a, 'h'), whole(b, 'm')) {
            return Some((h * 60 + m) * 60_000);
        }
        return None;
    }
    let (num, scale) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    if num.is_empty() || !num.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    let ms = v * scale;
    (0.0..1e12).contains(&ms).then(|| ms.round() as u64)
}

fn seconds_to_ms(s: &str) -> Option<u64> {
    let v: f64 = s.parse().ok()?;
    if !(0.0..1e12).contains(&v) {
        return None;
    }
    Some((v * 1000.0).round() as u64)
}

/// Expected and actual values of `assert actual == expected` (also after
/// `AssertionError: `): pytest's convention is that the right side is the expected one.
pub(super) fn expected_actual(message: &str) -> (Option<String>, Option<String>) {
    let m = message.trim();
    let m = m.strip_prefix("AssertionError: ").unwrap_or(m);
    let Some(expr) = m.strip_prefix("assert ") else {
        return (None, None);
    };
    let Some(at) = top_level_eq(expr) else {
        return (None, None);
    };
    let left = expr.get(..at).unwrap_or("").trim();
    let right = expr.get(at + 4..).unwrap_or("").trim();
    if left.is_empty() || right.is_empty() {
        return (None, None);
    }
    (
        Some(clip(right, MAX_TEXT).to_owned()),
        Some(clip(left, MAX_TEXT).to_owned()),
    )
}

/// The byte offset of ` == ` outside quotes and brackets.
fn top_level_eq(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = *b.get(i)?;
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'[' | b'(' | b'{' => depth += 1,
                b']' | b')' | b'}' => depth -= 1,
                b' ' if depth == 0 && b.get(i..i + 4) == Some(b" == ") => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

// Python tracebacks and pytest's `E` blocks, as the location extractor
// (`super::extract`) reads them in any log.

/// `File "path", line 42, in name` (starting at `File`).
pub(crate) fn parse_python_frame(s: &str) -> Option<(&str, u32)> {
    let rest = s.strip_prefix("File \"")?;
    let close = rest.find('"')?;
    let path = rest.get(..close)?;
    let after = rest.get(close + 1..)?.strip_prefix(", line ")?;
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let line = super::generic::parse_num(after.get(..digits)?)?;
    if path.is_empty() || path.starts_with('<') || line == 0 {
        return None;
    }
    Some((path, line))
}

/// State of the Python exception chain being read (the extractor moves a chain's failure frame first
/// when a traceback of it ends: see `super::extract`).
#[derive(Debug, Default)]
pub(crate) struct PythonChain {
    /// A traceback is being read.
    pub(crate) reading: bool,
    /// Index of the chain's first location.
    pub(crate) start: Option<usize>,
    /// The current traceback's innermost new project location.
    pub(crate) innermost: Option<usize>,
    /// The current traceback ran through a project test function (`test*`).
    pub(crate) through_test: bool,
    /// A traceback of the chain through a test function already went first.
    pub(crate) picked_test: bool,
}

impl PythonChain {
    pub(crate) fn start_traceback(&mut self, linked: bool) {
        if !linked {
            *self = PythonChain::default();
        }
        self.reading = true;
        self.innermost = None;
        self.through_test = false;
    }

    pub(crate) fn frame(&mut self, index: usize) {
        self.start.get_or_insert(index);
        self.innermost = Some(index);
    }
}

/// The function of a Python frame line: `name` of `File "p", line 3, in name`.
pub(crate) fn python_function(frame: &str) -> &str {
    frame.rsplit_once(", in ").map_or("", |(_, f)| f.trim_end())
}

/// pytest prints `E   ...` lines above `path:42: AssertionError`: the first of that block
/// (`recent`: the lines above, newest first), prefixed by the exception name when it does
/// not already carry it.
pub(crate) fn e_block_message<'a>(
    recent: impl Iterator<Item = std::borrow::Cow<'a, str>>,
    exception: &str,
) -> Option<String> {
    // The block's first line is its last one read: kept as read, copied once at the end.
    let mut first: Option<std::borrow::Cow<'a, str>> = None;
    for l in recent {
        if l.starts_with("E ") {
            first = Some(l);
        } else if l.is_empty() && first.is_none() {
            continue;
        } else {
            break;
        }
    }
    let first = first?;
    let first = first.strip_prefix("E ").unwrap_or(&first).trim();
    let clip = super::generic::clip_message;
    if exception.is_empty() || first.starts_with(exception) {
        Some(clip(first).to_owned())
    } else {
        Some(clip(&format!("{exception}: {first}")).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Analysis, analyze};
    use super::*;

    /// The byte-search forms of the two helpers asked on every `-v` line.
    #[test]
    fn file_and_header_helpers_keep_their_answers() {
        let files = [
            "tests/test_a.py",
            "C:\\w\\tests\\test_a.py",
            "https://x.org/a.py",
            "a:/b.py",
            "tests/a",
            "tests.d/a",
            "x.yaml",
            ".py",
            " a.py",
            "",
        ];
        let got: Vec<bool> = files.iter().map(|f| looks_like_file(f)).collect();
        assert_eq!(
            got,
            [
                true, true, false, true, false, false, true, false, false, false
            ]
        );
        let ids = [
            "t.py::test_x PASSED [ 50%]",
            "t.py::test_x[a b-1] PASSED",
            "t.py::test_x[a b PASSED",
            "t.py::test_x] [x y] PASSED",
            "t.py::test_x",
            "",
        ];
        assert_eq!(
            ids.map(split_id),
            [
                ("t.py::test_x", " PASSED [ 50%]"),
                ("t.py::test_x[a b-1]", " PASSED"),
                ("t.py::test_x[a", " b PASSED"),
                ("t.py::test_x]", " [x y] PASSED"),
                ("t.py::test_x", ""),
                ("", "")
            ]
        );
        assert_eq!(head_of("test_x[a b-1]"), "test_x[a b-1]");
        assert_eq!(head_of("TestC::test_x[p::q]"), "TestC.test_x[p::q]");
        assert_eq!(head_of("A::B::test_é[x]::y"), "A.B.test_é[x].y");
        assert_eq!(head_of("test_x"), "test_x");
        let t = pytest_result("tests/a.py::TestC::test_x[p]", TestStatus::Failed, 7);
        assert_eq!(
            (
                t.id.as_str(),
                t.name.as_str(),
                t.file.as_deref(),
                t.log_line
            ),
            (
                "tests/a.py::TestC::test_x[p]",
                "TestC.test_x[p]",
                Some("tests/a.py"),
                7
            )
        );
        let t = pytest_result("test_plain", TestStatus::Passed, 1);
        assert_eq!((t.name.as_str(), t.file), ("test_plain", None));
    }

    fn statuses(a: &Analysis) -> Vec<(&str, TestStatus)> {
        a.tests
            .iter()
            .filter(|t| t.framework == Framework::Pytest)
            .map(|t| (t.id.as_str(), t.status))
            .collect()
    }

    fn first_location(a: &Analysis, id: &str) -> Option<(String, u32)> {
        let t = a.tests.iter().find(|t| t.id == id)?;
        t.locations.first().map(|l| (l.path.clone(), l.line))
    }

    #[test]
    fn verbose_long_traceback_reports_every_test_and_the_innermost_frame() {
        let log = "\
============================= test session starts ==============================
collecting ... collected 3 items

tests/test_tree.py::test_ok PASSED                                       [ 33%]
tests/test_tree.py::test_depth FAILED                                    [ 66%]
tests/test_tree.py::test_skip SKIPPED (no db)                            [100%]

=================================== FAILURES ===================================
__________________________________ test_depth __________________________________

    def test_depth():
>       check(3)

tests/test_tree.py:29: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 

n = 3

    def check(n):
>       assert depth(n) == n + 1
E       assert 3 == 4
E        +  where 3 = depth(3)

tests/test_tree.py:34: AssertionError
=========================== short test summary info ============================
FAILED tests/test_tree.py::test_depth - assert 3 == 4
==================== 1 failed, 1 passed, 1 skipped in 0.05s ====================
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [
                ("tests/test_tree.py::test_ok", TestStatus::Passed),
                ("tests/test_tree.py::test_depth", TestStatus::Failed),
                ("tests/test_tree.py::test_skip", TestStatus::Skipped),
            ]
        );
        let t = a.tests.get(1).unwrap();
        let loc = |line, log_line| FailureLocation {
            path: "tests/test_tree.py".into(),
            line,
            column: None,
            message: Some("AssertionError: assert 3 == 4".into()),
            log_line: Some(log_line),
            kind: LocationKind::Pytest,
        };
        let want = TestResult {
            framework: Framework::Pytest,
            id: "tests/test_tree.py::test_depth".into(),
            name: "test_depth".into(),
            file: Some("tests/test_tree.py".into()),
            line: None,
            status: TestStatus::Failed,
            duration_ms: None,
            message: Some("AssertionError: assert 3 == 4".into()),
            expected: Some("4".into()),
            actual: Some("3".into()),
            locations: vec![loc(34, 23), loc(29, 13)],
            failure_lines: Some((8, 23)),
            log_line: 4,
        };
        assert_eq!(t, &want);
        assert_eq!(
            a.primary().map(|l| (l.path.as_str(), l.line)),
            Some(("tests/test_tree.py", 34))
        );
    }

    #[test]
    fn quiet_run_maps_headers_through_progress_letters_in_run_order() {
        // ERRORS is printed before FAILURES, but test_fail ran first (`.FE`).
        let log = "\
test_example.py .FEsxX                                               [100%]

================================== ERRORS ==================================
_______________________ ERROR at setup of test_error _______________________

    @pytest.fixture
    def error_fixture():
>       assert 0
E       assert 0

conftest.py:6: AssertionError
================================= FAILURES =================================
____________________________ TestClass.test_two ____________________________

self = <test_example.TestClass object at 0xdeadbeef>

    def test_two(self):
>       assert hasattr('x', 'check')
E       AssertionError: assert False

test_example.py:14: AssertionError
== 1 failed, 1 passed, 1 skipped, 1 xfailed, 1 xpassed, 1 error in 0.12s ===
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [
                ("test_example.py::TestClass::test_two", TestStatus::Failed),
                ("test_example.py::test_error", TestStatus::Error),
            ]
        );
        assert_eq!(
            a.primary().map(|l| (l.path.as_str(), l.line)),
            Some(("test_example.py", 14))
        );
        let t = a.tests.first().unwrap();
        assert_eq!(
            (t.name.as_str(), t.message.as_deref()),
            ("TestClass.test_two", Some("AssertionError: assert False"))
        );
    }

    #[test]
    fn q_without_file_names_takes_the_file_from_the_first_frame() {
        let log = "\
.F
======= FAILURES ========
_______ TestClass.test_two ________

    def test_two(self):
>       assert 1 == 2
E       assert 1 == 2

test_class.py:8: AssertionError
1 failed, 1 passed in 0.12 seconds
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [("test_class.py::TestClass::test_two", TestStatus::Failed)]
        );
    }

    #[test]
    fn xdist_lines_with_and_without_worker_prefix() {
        let log = "\
[gw0] [ 50%] PASSED tests/test_a.py::test_one 
[gw1] [100%] FAILED tests/test_a.py::test_two[a b-1] 
[gw1] PASSED tests/test_b.py::test_three
=================================== FAILURES ===================================
_______________________________ test_two[a b-1] ________________________________
[gw1] linux -- Python 3.11.4 /usr/bin/python
tests/test_a.py:9: in test_two
    assert x == 'b c'
E   AssertionError: assert 'a b' == 'b c'
=========================== short test summary info ============================
FAILED tests/test_a.py::test_two[a b-1] - AssertionError: assert 'a b' == 'b c'
========================= 1 failed, 2 passed in 0.30s ==========================
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [
                ("tests/test_a.py::test_one", TestStatus::Passed),
                ("tests/test_a.py::test_two[a b-1]", TestStatus::Failed),
                ("tests/test_b.py::test_three", TestStatus::Passed),
            ]
        );
        let t = a.tests.get(1).unwrap();
        assert_eq!(
            (
                t.name.as_str(),
                t.expected.as_deref(),
                t.actual.as_deref(),
                first_location(&a, "tests/test_a.py::test_two[a b-1]")
            ),
            (
                "test_two[a b-1]",
                Some("'b c'"),
                Some("'a b'"),
                Some(("tests/test_a.py".to_owned(), 9))
            )
        );
    }

    #[test]
    fn summary_only_run_keeps_ids_with_spaces_and_messages() {
        let log = "\
tests/test_p.py F.                                                       [100%]
=========================== short test summary info ============================
FAILED tests/test_p.py::test_x[param with spaces] - assert 1 == 2
PASSED tests/test_p.py::test_y
XFAIL tests/test_p.py::test_z - reason: flaky backend
XPASS tests/test_p.py::test_w always xfail
SKIPPED [1] tests/test_p.py:12: no network
============== 1 failed, 1 passed, 1 xfailed, 1 xpassed in 0.20s ===============
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [
                (
                    "tests/test_p.py::test_x[param with spaces]",
                    TestStatus::Failed
                ),
                ("tests/test_p.py::test_y", TestStatus::Passed),
                ("tests/test_p.py::test_z", TestStatus::Skipped),
                ("tests/test_p.py::test_w", TestStatus::Passed),
            ]
        );
        let t = a.tests.first().unwrap();
        assert_eq!(
            (
                t.message.as_deref(),
                t.expected.as_deref(),
                t.actual.as_deref()
            ),
            (Some("assert 1 == 2"), Some("2"), Some("1"))
        );
    }

    /// A summary line's expected and actual values are read only when needed: for a
    /// section without them, and for a test with no section; a message longer than what
    /// is kept of it is read whole.
    #[test]
    fn summary_values_fill_what_a_section_lacks() {
        let long = format!("assert '{}' == 'y'", "x".repeat(2100));
        let log = format!(
            "\
=================================== FAILURES ===================================
____________________________________ test_a ____________________________________
E       RuntimeError: x

t.py:3: RuntimeError
=========================== short test summary info ============================
FAILED t.py::test_a - assert 3 == 4
FAILED t.py::test_b - {long}
============================== 2 failed in 0.01s ===============================
"
        );
        let a = analyze(None, &log);
        let values: Vec<_> = a
            .tests
            .iter()
            .map(|t| {
                (
                    t.id.as_str(),
                    t.message.as_deref().map(str::len),
                    t.expected.as_deref(),
                    t.actual.as_deref().map(str::len),
                )
            })
            .collect();
        assert_eq!(
            values,
            [
                (
                    "t.py::test_a",
                    Some("RuntimeError: x".len()),
                    Some("4"),
                    Some(1)
                ),
                ("t.py::test_b", Some(MAX_TEXT), Some("'y'"), Some(MAX_TEXT)),
            ]
        );
    }

    #[test]
    fn tb_line_lines_belong_to_the_failed_tests_in_order() {
        let log = "\
tests/test_a.py::test_one FAILED                                         [ 50%]
tests/test_a.py::test_two FAILED                                         [100%]

=================================== FAILURES ===================================
/home/ci/proj/tests/test_a.py:12: AssertionError: assert 1 == 2
/home/ci/proj/tests/helpers.py:40: KeyError: 'x'
============================== 2 failed in 0.02s ===============================
";
        let a = analyze(None, log);
        assert_eq!(
            (
                first_location(&a, "tests/test_a.py::test_one"),
                first_location(&a, "tests/test_a.py::test_two"),
            ),
            (
                Some(("/home/ci/proj/tests/test_a.py".to_owned(), 12)),
                Some(("/home/ci/proj/tests/helpers.py".to_owned(), 40)),
            )
        );
        assert_eq!(
            a.tests.get(1).and_then(|t| t.message.as_deref()),
            Some("KeyError: 'x'")
        );
    }

    #[test]
    fn tb_native_takes_the_innermost_project_frame_of_the_last_exception() {
        let log = "\
tests/test_n.py::test_n FAILED                                           [100%]

=================================== FAILURES ===================================
___________________________________ test_n ____________________________________
Traceback (most recent call last):
  File \"/w/proj/app/db.py\", line 10, in load
    raise KeyError(key)
KeyError: 'id'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File \"/w/proj/tests/test_n.py\", line 5, in test_n
    load_user()
  File \"/w/proj/app/users.py\", line 22, in load_user
    raise LookupError('no user') from e
  File \"/usr/lib/python3.12/contextlib.py\", line 158, in __exit__
    self.gen.throw(value)
LookupError: no user
============================== 1 failed in 0.02s ===============================
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        let got: Vec<(&str, u32)> = t
            .locations
            .iter()
            .map(|l| (l.path.as_str(), l.line))
            .collect();
        assert_eq!(
            (got, t.message.as_deref()),
            (
                vec![("/w/proj/app/users.py", 22), ("/w/proj/tests/test_n.py", 5)],
                Some("LookupError: no user")
            )
        );
    }

    #[test]
    fn full_diff_gives_whole_values_of_abbreviated_ones() {
        let log = "\
test_v.py::test_words FAILED                                             [100%]

================================= FAILURES =================================
_______________________________ test_words _________________________________

    def test_words():
>       assert fruits1 == fruits2
E       AssertionError: assert ['banana', 'a...elon', 'kiwi'] == ['banana', 'a...elon', 'kiwi']
E         At index 2 diff: 'grapes' != 'orange'
E         Full diff:
E         - ['banana', 'apple', 'orange', 'melon', 'kiwi']
E         ?                      ^  ^^
E         + ['banana', 'apple', 'grapes', 'melon', 'kiwi']
E         ?                      ^  ^ +

test_v.py:8: AssertionError
============================== 1 failed in 0.02s ===============================
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (
                Some("['banana', 'apple', 'orange', 'melon', 'kiwi']"),
                Some("['banana', 'apple', 'grapes', 'melon', 'kiwi']")
            )
        );
    }

    #[test]
    fn text_diff_after_a_blank_e_line_gives_whole_strings() {
        let log = "\
tests/test_s.py::test_url FAILED                                         [100%]
=================================== FAILURES ===================================
___________________________________ test_url ___________________________________
tests/test_s.py:53: in test_url
    assert url == 'https://new.example.com/a/very/long/path/img.png'
E   AssertionError: assert 'https://old....path/img.png' == 'https://new....path/img.png'
E     
E     - https://new.example.com/a/very/long/path/img.png
E     ?         ^^^
E     + https://old.example.com/a/very/long/path/img.png
E     ?         ^^^
============================== 1 failed in 0.02s ===============================
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        assert_eq!(
            (t.expected.as_deref(), t.actual.as_deref()),
            (
                Some("'https://new.example.com/a/very/long/path/img.png'"),
                Some("'https://old.example.com/a/very/long/path/img.png'")
            )
        );
    }

    #[test]
    fn rerun_then_pass_is_flaky_and_teardown_error_after_failure_stays_failed() {
        let log = "\
tests/test_r.py::test_net RERUN                                          [ 50%]
tests/test_r.py::test_net PASSED                                         [ 50%]
tests/test_r.py::test_db FAILED                                          [100%]
tests/test_r.py::test_db ERROR                                           [100%]
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [
                ("tests/test_r.py::test_net", TestStatus::Flaky),
                ("tests/test_r.py::test_db", TestStatus::Failed),
            ]
        );
    }

    #[test]
    fn rerun_sections_of_a_quiet_run_are_no_failures() {
        let log = "\
tests/test_r.py R.                                                       [100%]
=================================== RERUNS ====================================
__________________________________ test_net ___________________________________
tests/test_r.py:4: in test_net
    assert fetch() == 200
E   assert 503 == 200
=========================== short test summary info ===========================
RERUN tests/test_r.py::test_net - assert 503 == 200
PASSED tests/test_r.py::test_net
======================== 1 passed, 1 rerun in 0.20s ==========================
";
        let a = analyze(None, log);
        assert_eq!(
            statuses(&a),
            [("tests/test_r.py::test_net", TestStatus::Flaky)]
        );
    }

    #[test]
    fn live_log_status_on_a_later_line_and_durations() {
        let log = "\
tests/test_l.py::test_slow 
-------------------------------- live log call ---------------------------------
INFO     app:app.py:12 working
PASSED                                                                   [100%]
============================= slowest 3 durations ==============================
1.50s call     tests/test_l.py::test_slow
0.25s setup    tests/test_l.py::test_slow
============================== 1 passed in 1.80s ===============================
";
        let a = analyze(None, log);
        let got: Vec<_> = a
            .tests
            .iter()
            .map(|t| (t.id.as_str(), t.status, t.duration_ms, t.log_line))
            .collect();
        assert_eq!(
            got,
            [(
                "tests/test_l.py::test_slow",
                TestStatus::Passed,
                Some(1750),
                0
            )]
        );
    }

    #[test]
    fn collection_error_is_a_test_named_by_its_file() {
        let log = "\
==================================== ERRORS ====================================
____________________ ERROR collecting tests/test_import.py _____________________
ImportError while importing test module '/w/p/tests/test_import.py'.
Traceback:
/usr/lib/python3.11/importlib/__init__.py:126: in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
tests/test_import.py:3: in <module>
    import missing_mod
E   ModuleNotFoundError: No module named 'missing_mod'
=========================== short test summary info ============================
ERROR tests/test_import.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
=============================== 1 error in 0.05s ===============================
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        assert_eq!(
            (
                statuses(&a),
                t.message.as_deref(),
                first_location(&a, "tests/test_import.py")
            ),
            (
                vec![("tests/test_import.py", TestStatus::Error)],
                Some("ModuleNotFoundError: No module named 'missing_mod'"),
                Some(("tests/test_import.py".to_owned(), 3))
            )
        );
    }

    #[test]
    fn same_function_name_in_two_files_maps_by_the_frame_file() {
        let log = "\
tests/a/test_x.py::test_same FAILED                                      [ 50%]
tests/b/test_x.py::test_same FAILED                                      [100%]
=================================== FAILURES ===================================
__________________________________ test_same ___________________________________
tests/b/test_x.py:7: in test_same
    assert 0
E   assert 0
__________________________________ test_same ___________________________________
tests/a/test_x.py:3: in test_same
    assert 0
E   assert 0
============================== 2 failed in 0.02s ===============================
";
        let a = analyze(None, log);
        assert_eq!(
            (
                first_location(&a, "tests/a/test_x.py::test_same"),
                first_location(&a, "tests/b/test_x.py::test_same")
            ),
            (
                Some(("tests/a/test_x.py".to_owned(), 3)),
                Some(("tests/b/test_x.py".to_owned(), 7))
            )
        );
    }

    #[test]
    fn windows_library_frames_are_skipped() {
        let log = "\
tests\\test_w.py::test_w FAILED                                          [100%]
================================== FAILURES ===================================
___________________________________ test_w ____________________________________
tests\\test_w.py:5: in test_w
    json.loads('x')
C:\\Python311\\Lib\\json\\__init__.py:346: in loads
    return _default_decoder.decode(s)
E   json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
============================== 1 failed in 0.02s ==============================
";
        let a = analyze(None, log);
        assert_eq!(
            first_location(&a, "tests\\test_w.py::test_w"),
            Some(("tests\\test_w.py".to_owned(), 5))
        );
    }

    #[test]
    fn doctest_sections_map_to_their_node_and_give_expected_and_got() {
        let log = "\
mymod.py::mymod.double FAILED                                            [100%]

=================================== FAILURES ===================================
___________________________ [doctest] mymod.double ____________________________
003 Double a number.
004 
005     >>> double(2)
Expected:
    5
Got:
    4

/w/proj/mymod.py:5: DocTestFailure
============================== 1 failed in 0.02s ===============================
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        assert_eq!(
            (
                statuses(&a),
                t.expected.as_deref(),
                t.actual.as_deref(),
                first_location(&a, "mymod.py::mymod.double")
            ),
            (
                vec![("mymod.py::mymod.double", TestStatus::Failed)],
                Some("5"),
                Some("4"),
                Some(("/w/proj/mymod.py".to_owned(), 5))
            )
        );
    }

    #[test]
    fn times_output_style_gives_durations() {
        let log = "\
tests/test_t.py::test_a PASSED                                           1.234ms
tests/test_t.py::test_b FAILED                                            2m 5s
[gw0] 1.500s PASSED tests/test_t.py::test_c
";
        let a = analyze(None, log);
        let got: Vec<_> = a
            .tests
            .iter()
            .map(|t| (t.id.as_str(), t.status, t.duration_ms))
            .collect();
        assert_eq!(
            got,
            [
                ("tests/test_t.py::test_a", TestStatus::Passed, Some(1)),
                ("tests/test_t.py::test_b", TestStatus::Failed, Some(125_000)),
                ("tests/test_t.py::test_c", TestStatus::Passed, Some(1500)),
            ]
        );
    }

    #[test]
    fn ordinary_lines_are_not_tests() {
        let log = "\
see tests/a.py::helper for details
FAILED (failures=2)
ERROR: something broke
PASSED the review
[ 50%] done
";
        assert_eq!(analyze(None, log).tests, Vec::<TestResult>::new());
    }

    /// [`split_id`] before its `memchr3` search: a byte loop.
    fn split_id_loop(s: &str) -> (&str, &str) {
        let mut depth = 0usize;
        for (i, b) in s.bytes().enumerate() {
            match b {
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b' ' if depth == 0 => return (&s[..i], &s[i..]),
                _ => {}
            }
        }
        if depth > 0 {
            let end = s.find(" - ").or_else(|| s.find(' ')).unwrap_or(s.len());
            return (&s[..end], &s[end..]);
        }
        (s, "")
    }

    /// [`head_of`] as it was: a byte loop.
    fn head_of_loop(tail: &str) -> String {
        let b = tail.as_bytes();
        let mut out = String::new();
        let (mut depth, mut copied, mut i) = (0usize, 0, 0);
        while let Some(&c) = b.get(i) {
            match c {
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b':' if depth == 0 && b.get(i + 1) == Some(&b':') => {
                    out.push_str(&tail[copied..i]);
                    out.push('.');
                    i += 2;
                    copied = i;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        out.push_str(&tail[copied..]);
        out
    }

    /// [`same_file`] as it was: both paths copied with `/` for `\`.
    fn same_file_copying(a: &str, b: &str) -> bool {
        let a = a.replace('\\', "/");
        let b = b.replace('\\', "/");
        let (short, long) = if a.len() <= b.len() {
            (&a, &b)
        } else {
            (&b, &a)
        };
        long == short
            || long
                .strip_suffix(short.as_str())
                .is_some_and(|h| h.ends_with('/'))
    }

    #[test]
    fn fast_paths_give_what_their_loops_give_on_chosen_cases() {
        for s in [
            "a:::b",
            "a::::b",
            "::",
            ":::",
            "a::b[x::y]",
            "a::b[x]::c",
            "a[::b",
            "a]::b[c",
            "t.py::C::test_x[p::q]",
            "t.py::test_x[a.b]",
            "C.test_x[a.b]",
            "",
            "[",
            "]::x",
        ] {
            for sep in ["::", "."] {
                assert_eq!(
                    last_segment(s, sep),
                    last_segment_loop(s, sep),
                    "{s:?} {sep:?}"
                );
            }
            assert_eq!(split_id(s), split_id_loop(s), "{s:?}");
        }
        assert_eq!(last_segment("a:::b", "::"), ":b");
        assert_eq!(last_segment("t.py::C::test_x[p::q]", "::"), "test_x[p::q]");
        for (a, b) in [
            ("tests/a.py", "/w/tests/a.py"),
            ("tests\\a.py", "C:\\w\\tests/a.py"),
            ("a.py", "xa.py"),
            ("", "/"),
            ("", ""),
            ("a.py", "a.py"),
        ] {
            assert_eq!(same_file(a, b), same_file_copying(a, b), "{a:?} {b:?}");
        }
        assert_eq!(
            [
                "collected 10000 items",
                "collecting ... collected 3 items / 1 error",
                "collected 1 item",
                "collected items",
                "collected 5 tests",
                "collected 1234567890 items"
            ]
            .map(collected_count),
            [Some(10000), Some(3), Some(1), None, None, None]
        );
    }

    /// A `-v` line's rest ending with `]` is not read for a duration: no duration ends so.
    #[test]
    fn no_duration_ends_with_a_bracket() {
        for d in ["1.5s]", "2m 5s]", "1h 2m]", "12ms [ 50%]", "3.2us]", "7 ]"] {
            assert_eq!(node_duration(d), None, "{d:?}");
        }
        assert_eq!(node_duration("12ms"), Some(12));
    }

    /// Lines in captured output reach the module only as the first and last of each run
    /// at the margin ([`Interest::plain_runs`]): the sections' ends stay the same.
    #[test]
    fn captured_output_runs_keep_each_sections_lines() {
        let log = "\
tests/test_a.py::test_x FAILED                                           [ 50%]
tests/test_a.py::test_y FAILED                                           [100%]

=================================== FAILURES ===================================
____________________________________ test_x ____________________________________

    def test_x():
>       assert 1 == 2
E       assert 1 == 2

tests/test_a.py:3: AssertionError
----------------------------- Captured stdout call -----------------------------
one
two
  indented
three
   
____________________________________ test_y ____________________________________
tests/test_a.py:7: AssertionError
----------------------------- Captured log call -------------------------------
INFO     a:a.py:1 x
=_ not a rule
INFO     a:a.py:2 y

=========================== short test summary info ============================
FAILED tests/test_a.py::test_x - assert 1 == 2
FAILED tests/test_a.py::test_y
============================== 2 failed in 0.01s ===============================
";
        // `run` also checks the gated run against this one.
        let tests = super::super::testutil::run::<PytestParser>(log);
        assert_eq!(
            tests
                .iter()
                .map(|t| (t.id.as_str(), t.failure_lines))
                .collect::<Vec<_>>(),
            [
                ("tests/test_a.py::test_x", Some((4, 16))),
                ("tests/test_a.py::test_y", Some((17, 22))),
            ]
        );
    }

    /// A summary line naming an id before its `-v` line (kept as the id, then as the
    /// report's record): one test, joined with its section.
    #[test]
    fn an_id_seen_first_on_a_summary_line_joins_once() {
        let log = "\
=================================== FAILURES ===================================
____________________________________ test_x ____________________________________
>       assert 1 == 2
E       assert 1 == 2

tests/test_a.py:3: AssertionError
=========================== short test summary info ============================
FAILED tests/test_a.py::test_x - assert 1 == 2
tests/test_a.py::test_x FAILED
============================== 1 failed in 0.01s ===============================
";
        let a = analyze(None, log);
        let t = a.tests.first().unwrap();
        assert_eq!(
            (
                statuses(&a),
                t.message.as_deref(),
                first_location(&a, "tests/test_a.py::test_x"),
                t.failure_lines
            ),
            (
                vec![("tests/test_a.py::test_x", TestStatus::Failed)],
                Some("AssertionError: assert 1 == 2"),
                Some(("tests/test_a.py".to_owned(), 3)),
                Some((1, 5)),
            )
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn fast_paths_give_what_their_loops_give(s in "[a:.\\[\\] /\\\\é\u{2003}\t]{0,24}", t in "[a:/\\\\]{0,8}") {
            proptest::prop_assert_eq!(split_id(&s), split_id_loop(&s));
            proptest::prop_assert_eq!(last_segment(&s, "::"), last_segment_loop(&s, "::"));
            proptest::prop_assert_eq!(last_segment(&s, "."), last_segment_loop(&s, "."));
            proptest::prop_assert_eq!(trim_start(&s), s.trim_start());
            proptest::prop_assert_eq!(head_of(&s), head_of_loop(&s));
            proptest::prop_assert_eq!(same_file(&s, &t), same_file_copying(&s, &t));
            proptest::prop_assert_eq!(same_file(&t, &s), same_file_copying(&t, &s));
        }

        /// The index leaves out only ids that cannot have a section's key as their last
        /// segment.
        #[test]
        fn key_ends_keep_every_id_that_may_match(id in "[ab:\\[\\]]{0,12}", keys in proptest::collection::vec("[ab:\\[\\]]{0,6}", 1..4)) {
            let full = format!("{id}::{}", keys.first().map_or("", String::as_str));
            if let Some(ends) = KeyEnds::of(keys.iter().map(String::as_str)) {
                for id in [id.as_str(), full.as_str()] {
                    let seg = last_segment(id, "::");
                    if keys.iter().any(|k| k == seg) {
                        proptest::prop_assert!(ends.may_end(id), "{id:?} {keys:?}");
                    }
                }
            } else {
                // Only a key without four bytes to read leaves the table out.
                proptest::prop_assert!(keys.iter().any(|k| k.len() < 4 || k.ends_with(']')));
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn fragments_never_panic_and_stay_bounded(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "tests/test_a.py::test_x", "[a b-1]", " PASSED", " FAILED", " ERROR", " XFAIL", " RERUN",
                "[ 50%]", "[gw0] ", "FAILED ", "ERROR ", " - ", "assert ", " == ", "'x'", "[", "]",
                "=== FAILURES ===", "=== ERRORS ===", "=== short test summary info ===",
                "=== slowest 3 durations ===", "== 1 failed, 2 passed in 0.1s ==", "1 failed in 0.1s",
                "____ test_x ____", "____ ERROR at setup of T.test_x ____", "_ _ _ _", "E   ",
                "E         Full diff:", "E         - [1]", "E         + [2]", "tests/test_a.py:12: ",
                "AssertionError", "  File \"/w/t.py\", line 3, in f", "Traceback (most recent call last):",
                "The above exception was the direct cause of the following exception:",
                "--- Captured stdout call ---", "test_a.py .FE", "..F", "0.50s call ", "rootdir: /w",
                "C:\\w\\t.py", "::", ":", "é", "\n", " "
            ]),
            0..80,
        )) {
            let log = parts.concat();
            let lines = log.split('\n').count();
            let a = analyze(None, &log);
            super::super::testutil::prop_bounded(&a, Framework::Pytest, lines)?;
        }
    }
}
