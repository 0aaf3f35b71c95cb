//! Lens, diagnostic and hover planning (design.md section 5) as plain LSP-shaped data,
//! shared by the language server and the WASM facade, which only convert types.
//!
//! Input: a document's text and anchors (markers and `[cases]` mappings), the known
//! executions (any order; the newest by start time counts as latest), failure locations
//! already resolved to workspace files, and the clock as a parameter. Every produced
//! position lies inside the given text, whatever the input.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::category;
use crate::drift::LineMap;
use crate::frameworks::TestStatus;
use crate::locations::ResolvedLocation;
use crate::markers::{Anchor, AnchorSource, Encoding, LineIndex, Position, Range, len_in};
use crate::model::{
    CaseResult, Execution, ExecutionResult, ExecutionStatus, FailureCategory, Trigger,
};

/// Diagnostic severity (LSP numbers via [`Severity::lsp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    /// The LSP `DiagnosticSeverity` number.
    pub fn lsp(self) -> u8 {
        match self {
            Severity::Error => 1,
            Severity::Warning => 2,
            Severity::Information => 3,
            Severity::Hint => 4,
        }
    }
}

/// LSP `DiagnosticRelatedInformation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedInformation {
    pub uri: String,
    pub range: Range,
    pub message: String,
}

/// LSP-shaped diagnostic; `source` is always `testany`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub range: Range,
    pub severity: Severity,
    /// `assertion` | `timeout` | `error` | `infrastructure` | `flaky`.
    pub code: Option<Cow<'static, str>>,
    pub source: Cow<'static, str>,
    pub message: String,
    pub related_information: Vec<RelatedInformation>,
}

/// LSP-shaped code lens with its command resolved. `command` is `None` for lenses that
/// only inform (`? no result yet`); adapters send an empty command string for those.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeLens {
    pub range: Range,
    pub title: Cow<'static, str>,
    pub command: Option<Cow<'static, str>>,
    /// The one JSON object of design.md section 6, or `null`.
    pub arguments: serde_json::Value,
}

/// Hover contents for a marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hover {
    pub range: Range,
    pub markdown: String,
}

/// What the editor shows for one document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub lenses: Vec<CodeLens>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Failure locations of one case in one execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLocations {
    pub case_key: String,
    pub execution: String,
    pub locations: Vec<ResolvedLocation>,
}

/// A marker of a case in another document, for `relatedInformation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedMarker {
    pub case_key: String,
    pub uri: String,
    pub range: Range,
}

/// Everything planning needs; build it with struct syntax.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// URI of this document (for `relatedInformation` pointing at its markers).
    pub uri: &'a str,
    /// Workspace-relative path of this document, to pick its failure locations.
    pub path: &'a str,
    pub text: &'a str,
    pub anchors: &'a [Anchor],
    pub executions: &'a [Execution],
    pub locations: &'a [CaseLocations],
    /// Markers of cases living in other documents.
    pub related: &'a [RelatedMarker],
    pub encoding: Encoding,
    /// How many executions per case count for hover and flaky notes.
    pub history: usize,
    /// The service is unreachable: lenses say `(stale)`.
    pub stale: bool,
    /// For the elapsed time of running cases.
    pub now: Timestamp,
    /// Edits since the executions' code ran, to move failure locations with their lines.
    pub drift: Option<&'a LineMap>,
}

/// How a case ended (or where it is), as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Passed,
    Failed,
    Running,
    Other,
}

struct Outcome {
    label: Cow<'static, str>,
    kind: Kind,
}

fn outcome(exec: &Execution, case: &CaseResult) -> Outcome {
    let status = case.status.as_ref();
    let (label, kind): (&'static str, Kind) = match (&case.result, status) {
        (_, Some(ExecutionStatus::Timeout)) => ("TIMEOUT", Kind::Failed),
        (Some(ExecutionResult::Passed), _) => ("PASSED", Kind::Passed),
        (Some(ExecutionResult::Failed), _) => ("FAILED", Kind::Failed),
        (Some(ExecutionResult::Error), _) => ("ERROR", Kind::Failed),
        (Some(ExecutionResult::Skipped), _) => ("SKIPPED", Kind::Other),
        (Some(ExecutionResult::Unknown(raw)), _) => {
            let upper = raw.to_ascii_uppercase();
            let kind = match upper.as_str() {
                "SUCCESS" | "FAIL_AS_EXPECTED" => Kind::Passed,
                _ if category::is_failure(None, case.result.as_ref()) => Kind::Failed,
                _ => Kind::Other,
            };
            return Outcome {
                label: Cow::Owned(upper),
                kind,
            };
        }
        (None, Some(ExecutionStatus::Running)) => ("RUNNING", Kind::Running),
        (None, Some(ExecutionStatus::Pending)) => ("PENDING", Kind::Running),
        (None, Some(ExecutionStatus::Cancelled)) => ("CANCELLED", Kind::Other),
        (None, _) => match exec.status {
            ExecutionStatus::Running => ("RUNNING", Kind::Running),
            ExecutionStatus::Pending => ("PENDING", Kind::Running),
            ExecutionStatus::Timeout => ("TIMEOUT", Kind::Failed),
            ExecutionStatus::Cancelled => ("CANCELLED", Kind::Other),
            _ => ("UNKNOWN", Kind::Other),
        },
    };
    Outcome {
        label: Cow::Borrowed(label),
        kind,
    }
}

/// `850ms`, `12s`, `2m 15s`, `2m`, `1h 3m`, `1h`.
pub fn format_duration(ms: u64) -> String {
    let mut s = String::new();
    write_duration(&mut s, ms);
    s
}

/// [`format_duration`] appending to `out`.
pub fn write_duration(out: &mut String, ms: u64) {
    use std::fmt::Write as _;
    let s = ms / 1000;
    let (m, h) = (s / 60, s / 3600);
    let _ = match () {
        () if ms < 1000 => write!(out, "{ms}ms"),
        () if s < 60 => write!(out, "{s}s"),
        () if s < 3600 && s.is_multiple_of(60) => write!(out, "{m}m"),
        () if s < 3600 => write!(out, "{m}m {}s", s % 60),
        () if (s % 3600) / 60 == 0 => write!(out, "{h}h"),
        () => write!(out, "{h}h {}m", (s % 3600) / 60),
    };
}

/// FNV-1a: case keys are short and trusted to be few; SipHash costs too much here.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

type Run<'a> = (&'a Execution, &'a CaseResult);

/// Each anchored case's history: (execution, case), newest first, at most `history`.
/// Stored flat (one allocation for all cases) because planning 1,000 markers must stay
/// well under a millisecond.
struct Histories<'a> {
    slot_of: FastMap<&'a str, usize>,
    /// (start, len) in `runs` per slot.
    ranges: Vec<(usize, usize)>,
    runs: Vec<Option<Run<'a>>>,
}

impl<'a> Histories<'a> {
    fn get(&self, key: &str) -> &[Option<Run<'a>>] {
        let Some(&slot) = self.slot_of.get(key) else {
            return &[];
        };
        let (start, len) = self.ranges.get(slot).copied().unwrap_or((0, 0));
        self.runs.get(start..start + len).unwrap_or(&[])
    }
}

fn histories<'a>(input: &PlanInput<'a>) -> Histories<'a> {
    let mut slot_of: FastMap<&str, usize> =
        FastMap::with_capacity_and_hasher(input.anchors.len(), BuildHasherDefault::default());
    for a in input.anchors {
        let next = slot_of.len();
        slot_of.entry(a.case_key.as_str()).or_insert(next);
    }
    let history = input.history.max(1);
    let slots = slot_of.len();
    let mut counts = vec![0usize; slots];
    let mut last_exec: Vec<*const Execution> = vec![std::ptr::null(); slots];
    let mut found: Vec<(usize, Run<'a>)> =
        Vec::with_capacity(slots.saturating_mul(history).min(1 << 16));
    for exec in newest_first(input.executions) {
        for case in &exec.cases {
            let Some(&slot) = slot_of.get(case.case_key.as_str()) else {
                continue;
            };
            let (Some(n), Some(last)) = (counts.get_mut(slot), last_exec.get_mut(slot)) else {
                continue;
            };
            // One entry per execution (a case listed twice counts once).
            if *n < history && !std::ptr::eq(*last, exec) {
                *n += 1;
                *last = exec;
                found.push((slot, (exec, case)));
            }
        }
    }
    // Counting sort by slot keeps each slot's newest-first order.
    let mut ranges = Vec::with_capacity(slots);
    let mut start = 0;
    for &n in &counts {
        ranges.push((start, 0));
        start += n;
    }
    let mut runs: Vec<Option<Run<'a>>> = vec![None; found.len()];
    for (slot, run) in found {
        if let Some(r) = ranges.get_mut(slot)
            && let Some(cell) = runs.get_mut(r.0 + r.1)
        {
            *cell = Some(run);
            r.1 += 1;
        }
    }
    Histories {
        slot_of,
        ranges,
        runs,
    }
}

/// Executions sorted newest first by start (then completion) time; undated ones last,
/// in input order.
pub fn newest_first(executions: &[Execution]) -> Vec<&Execution> {
    let mut v: Vec<&Execution> = executions.iter().collect();
    // `Reverse` puts the newest first and `None` (undated) last; the sort is stable.
    v.sort_by_key(|e| std::cmp::Reverse(e.started_at.or(e.completed_at)));
    v
}

/// A document's lines, to keep ranges inside it.
struct Doc<'a> {
    text: &'a str,
    index: LineIndex,
    encoding: Encoding,
    /// Length of the last line measured: many anchors on one huge line stay linear.
    last_len: std::cell::Cell<Option<(u32, u32)>>,
}

impl<'a> Doc<'a> {
    fn line_text(&self, line: u32) -> Option<&'a str> {
        self.index.line_text(self.text, line)
    }

    /// `range` clamped into the document, or `None` if its line does not exist.
    fn clamp(&self, range: Range) -> Option<Range> {
        let line = range.start.line;
        let len = match self.last_len.get() {
            Some((l, len)) if l == line => len,
            _ => {
                let len = len_in(self.line_text(line)?, self.encoding);
                self.last_len.set(Some((line, len)));
                len
            }
        };
        let start = range.start.character.min(len);
        let end = if range.end.line == range.start.line {
            range.end.character.clamp(start, len)
        } else {
            len
        };
        Some(Range::on_line(range.start.line, start, end))
    }

    /// [`statement`] on line `line` of the document (`None` past its end).
    fn statement(&self, line: u32, col: Option<u32>) -> Option<Range> {
        Some(statement(self.line_text(line)?, line, col, self.encoding))
    }
}

/// The range a failure at 1-based column `col` of line `line` (whose text is `text`)
/// covers: from that column (log columns count characters; clamped to the line), or the
/// first non-blank character when the log printed no column, to the line's trimmed end,
/// in the client's `encoding`. The one conversion from a log's column to an editor's,
/// for case and per-test failures alike.
pub fn statement(text: &str, line: u32, col: Option<u32>, encoding: Encoding) -> Range {
    let trimmed_end = text.trim_end().len();
    let start_byte = match col {
        Some(c) if c > 0 => text
            .char_indices()
            .nth((c - 1) as usize)
            .map_or(trimmed_end, |(i, _)| i)
            .min(trimmed_end),
        _ => text.len() - text.trim_start().len(),
    }
    .min(trimmed_end);
    let head = text.get(..start_byte).unwrap_or("");
    let mid = text.get(start_byte..trimmed_end).unwrap_or("");
    let start = len_in(head, encoding);
    Range::on_line(line, start, start + len_in(mid, encoding))
}

/// Lenses and diagnostics for one document.
pub fn plan(input: &PlanInput<'_>) -> Plan {
    let doc = Doc {
        text: input.text,
        index: LineIndex::new(input.text),
        encoding: input.encoding,
        last_len: std::cell::Cell::new(None),
    };
    let histories = histories(input);
    let mut out = Plan {
        lenses: Vec::with_capacity(input.anchors.len() * 2),
        diagnostics: Vec::new(),
    };
    for anchor in input.anchors {
        let Some(range) = doc.clamp(anchor.range(input.encoding)) else {
            continue;
        };
        let history = histories.get(anchor.case_key.as_str());
        let Some(&Some((exec, case))) = history.first() else {
            out.lenses.push(CodeLens {
                range,
                title: if input.stale {
                    Cow::Borrowed("? no result yet (stale)")
                } else {
                    Cow::Borrowed("? no result yet")
                },
                command: None,
                arguments: serde_json::Value::Null,
            });
            continue;
        };
        let oc = outcome(exec, case);
        let trend = trend(history);
        out.lenses.push(status_lens(input, range, exec, case, &oc));
        if let Some(pipeline) = &exec.pipeline_key {
            out.lenses.push(CodeLens {
                range,
                title: Cow::Borrowed("↻ Re-run"),
                command: Some(Cow::Borrowed("testany.runPipeline")),
                arguments: json!({"pipeline": pipeline.as_str()}),
            });
        }
        if oc.kind == Kind::Failed {
            out.diagnostics
                .push(case_diagnostic(range, exec, case, &oc, trend));
        }
        if let Some(Trend::Flaky { flips, runs }) = trend {
            out.diagnostics.push(flaky_diagnostic(flips, runs, range));
        }
    }
    if !input.locations.is_empty() {
        location_diagnostics(input, &doc, &histories, &mut out.diagnostics);
    }
    out
}

fn status_lens(
    input: &PlanInput<'_>,
    range: Range,
    exec: &Execution,
    case: &CaseResult,
    oc: &Outcome,
) -> CodeLens {
    let (icon, command, arguments) = match oc.kind {
        Kind::Failed => (
            "✗",
            "testany.openLog",
            json!({"execution": exec.key.as_str(), "caseIndex": case.index}),
        ),
        Kind::Passed => (
            "✓",
            "testany.showExecution",
            json!({"execution": exec.key.as_str()}),
        ),
        Kind::Running => (
            "⟳",
            "testany.refreshExecution",
            json!({"execution": exec.key.as_str()}),
        ),
        Kind::Other => (
            "–",
            "testany.showExecution",
            json!({"execution": exec.key.as_str()}),
        ),
    };
    let duration = match oc.kind {
        Kind::Running => case.started_at.or(exec.started_at).and_then(|s| {
            u64::try_from(
                input
                    .now
                    .as_millisecond()
                    .saturating_sub(s.as_millisecond()),
            )
            .ok()
        }),
        _ => case.duration_ms,
    };
    let mut title = String::with_capacity(64);
    title.push_str(icon);
    title.push(' ');
    title.push_str(&oc.label);
    if let Some(ms) = duration {
        title.push(' ');
        write_duration(&mut title, ms);
    }
    title.push_str(" · ");
    title.push_str(&exec.key);
    if let Some(env) = &exec.environment {
        title.push_str(" · ");
        title.push_str(env);
    }
    if input.stale {
        title.push_str(" (stale)");
    }
    CodeLens {
        range,
        title: Cow::Owned(title),
        command: Some(Cow::Borrowed(command)),
        arguments,
    }
}

/// The error text as it goes into a diagnostic: no escapes, control characters shown
/// as the hover and every other view show them ([`crate::sanitize::for_display`]: a NUL
/// dropped here but shown as `␀` there made one text look like two), trimmed, bounded.
fn clean_error(error: Option<&str>) -> Option<String> {
    let raw = error?;
    // Escapes make the raw text longer than what is kept: 16 KiB is plenty for 4,000.
    let raw = raw
        .get(..crate::markers::floor_char_boundary(raw, 16_384))
        .unwrap_or(raw);
    // Trimmed before too: a trailing CR is a line end, not a character to show.
    let e = crate::sanitize::for_display(raw.trim());
    let e = e.trim();
    if e.is_empty() {
        return None;
    }
    let cut = crate::markers::floor_char_boundary(e, 4000);
    Some(e.get(..cut).unwrap_or(e).to_owned())
}

/// The category of one failing test of a case's log: what its message names by the
/// core's rules ([`category::from_text`]: infrastructure, timeout, assertion), else its
/// status: the frameworks report `Failed` for a failed assertion and `Error` for
/// anything else (setup, a crash, an exception).
pub fn test_category(status: TestStatus, message: Option<&str>) -> FailureCategory {
    message
        .and_then(category::from_text)
        .unwrap_or(match status {
            TestStatus::Error => FailureCategory::Error,
            _ => FailureCategory::Assertion,
        })
}

/// A failed case's category when its log's tests are known: its first failing test's
/// ([`test_category`]), not its error text, which for a test project is a summary
/// ("2 of 5 tests failed: ...") naming no category. A timeout or an infrastructure
/// problem of the case itself still decides (rules 2-4: the run, not a test, went
/// wrong). `None` when the case did not fail; without a failing test, as
/// [`category::categorize`].
pub fn case_category(
    case: &CaseResult,
    first_failing: Option<(TestStatus, Option<&str>)>,
) -> Option<FailureCategory> {
    let own = category::categorize(
        case.status.as_ref(),
        case.result.as_ref(),
        case.error.as_deref(),
    )?;
    Some(match (own, first_failing) {
        (FailureCategory::Timeout | FailureCategory::Infrastructure, _) | (_, None) => own,
        (_, Some((status, message))) => test_category(status, message),
    })
}

/// The failure's category code (`assertion`, ...).
fn category_code(case: &CaseResult, oc: &Outcome) -> Cow<'static, str> {
    let cat = category::categorize(
        case.status.as_ref(),
        case.result.as_ref(),
        case.error.as_deref(),
    )
    .or_else(|| (oc.label == "TIMEOUT").then_some(FailureCategory::Timeout))
    .unwrap_or(FailureCategory::Error);
    Cow::Borrowed(category::code(cat))
}

/// The Error on a failed case's marker: `FAILED in KEY: error`, with the failure's
/// history after the key when it is not flaky (`FAILED in KEY · new failure: error`,
/// `FAILED in KEY · failing since KEY2 (3 runs): error`), so the one diagnostic a failure
/// gets says whether it is a regression or an old failure.
fn case_diagnostic(
    range: Range,
    exec: &Execution,
    case: &CaseResult,
    oc: &Outcome,
    trend: Option<Trend<'_>>,
) -> Diagnostic {
    let mut message = format!("{} in {}", oc.label, exec.key);
    match trend {
        Some(Trend::NewFailure) => message.push_str(" · new failure"),
        Some(Trend::FailingSince { execution, runs }) => {
            let runs = crate::text::count(runs, "run", "runs");
            message.push_str(&format!(" · failing since {execution} ({runs})"));
        }
        Some(Trend::Flaky { .. }) | None => {}
    }
    if let Some(e) = clean_error(case.error.as_deref()) {
        message.push_str(": ");
        message.push_str(&e);
    }
    Diagnostic {
        range,
        severity: Severity::Error,
        code: Some(category_code(case, oc)),
        source: Cow::Borrowed("testany"),
        message,
        related_information: Vec::new(),
    }
}

/// An Error at each failure location in this document, for cases whose latest
/// execution failed and is the one the locations came from. The case may be anchored
/// here or elsewhere (`related`); related information points at its marker.
fn location_diagnostics(
    input: &PlanInput<'_>,
    doc: &Doc<'_>,
    histories: &Histories<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let here = strip_dot(input.path);
    let mut seen: Vec<(&str, u32)> = Vec::new();
    for cl in input.locations {
        if !cl
            .locations
            .iter()
            .any(|rl| rl.file.as_deref().map(strip_dot) == Some(here))
        {
            continue;
        }
        let key = cl.case_key.as_str();
        let latest = match histories.get(key).first() {
            Some(Some(run)) => Some(*run),
            _ => newest_first(input.executions)
                .into_iter()
                .find_map(|e| e.cases.iter().find(|c| c.case_key == key).map(|c| (e, c))),
        };
        let Some((exec, case)) = latest else {
            continue;
        };
        let oc = outcome(exec, case);
        if exec.key != cl.execution || oc.kind != Kind::Failed {
            continue;
        }
        let code = category_code(case, &oc);
        let error = clean_error(case.error.as_deref());
        let first_error_line = error
            .as_deref()
            .and_then(|e| e.lines().next())
            .unwrap_or("");
        let related = match input
            .anchors
            .iter()
            .find(|a| a.case_key == key)
            .and_then(|a| Some((a, doc.clamp(a.range(input.encoding))?)))
        {
            Some((a, range)) if a.source == AnchorSource::Marker => Some((input.uri, range)),
            other => input
                .related
                .iter()
                .find(|r| r.case_key == key)
                .map(|r| (r.uri.as_str(), r.range))
                .or(other.map(|(_, range)| (input.uri, range))),
        };
        for rl in &cl.locations {
            if rl.file.as_deref().map(strip_dot) != Some(here) {
                continue;
            }
            let Some(line0) = rl.location.line.checked_sub(1) else {
                continue;
            };
            let line0 = match input.drift {
                Some(map) => match map.map_line(line0) {
                    Some(l) => l,
                    None => continue,
                },
                None => line0,
            };
            if seen.contains(&(key, line0)) {
                continue;
            }
            let Some(range) = doc.statement(line0, rl.location.column) else {
                continue;
            };
            seen.push((key, line0));
            let what = rl.location.message.as_deref().unwrap_or(first_error_line);
            let message = if what.is_empty() {
                format!("{} ({key} in {})", oc.label, exec.key)
            } else {
                format!("{what} ({key} {} in {})", oc.label, exec.key)
            };
            out.push(Diagnostic {
                range,
                severity: Severity::Error,
                code: Some(code.clone()),
                source: Cow::Borrowed("testany"),
                message,
                related_information: related
                    .map(|(uri, range)| RelatedInformation {
                        uri: uri.to_owned(),
                        range,
                        message: format!("testany: {key}"),
                    })
                    .into_iter()
                    .collect(),
            });
        }
    }
}

fn strip_dot(p: &str) -> &str {
    p.strip_prefix("./").unwrap_or(p)
}

/// Counts over a history: (failed, passed + failed).
fn fail_counts(history: &[Option<Run<'_>>]) -> (usize, usize, usize) {
    let mut failed = 0;
    let mut passed = 0;
    for (e, c) in history.iter().flatten() {
        match outcome(e, c).kind {
            Kind::Failed => failed += 1,
            Kind::Passed => passed += 1,
            _ => {}
        }
    }
    (failed, passed, failed + passed)
}

/// What a case's recent history says about it (design.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trend<'a> {
    /// Passed and failed runs alternate: the result changed `flips` (>= 2) times between
    /// consecutive finished runs, of `runs` finished runs.
    Flaky { flips: usize, runs: usize },
    /// The latest run failed, the finished run before it passed.
    NewFailure,
    /// The latest `runs` (>= 2) finished runs failed; `execution` is the first of them.
    FailingSince { execution: &'a str, runs: usize },
}

/// The trend of a history (newest first). Only passed and failed runs count (running,
/// skipped and cancelled runs say nothing about the code). A case that failed once after
/// passing is a regression, not flakiness (issue 17): flaky needs the result to flip more
/// than once (pass→fail→pass or fail→pass→fail). Failure notes need a failed latest run
/// and at least two finished runs; a single run has no trend.
fn trend<'a>(history: &[Option<Run<'a>>]) -> Option<Trend<'a>> {
    let mut runs = 0;
    let mut flips = 0;
    let mut previous: Option<Kind> = None;
    // Failed runs in a row from the newest, and the oldest execution of that streak.
    let mut streak = 0;
    let mut since: Option<&'a str> = None;
    for (e, c) in history.iter().flatten() {
        let kind = outcome(e, c).kind;
        if !matches!(kind, Kind::Passed | Kind::Failed) {
            continue;
        }
        if previous.is_some_and(|p| p != kind) {
            flips += 1;
        }
        if kind == Kind::Failed && streak == runs {
            streak += 1;
            since = Some(e.key.as_str());
        }
        previous = Some(kind);
        runs += 1;
    }
    if flips >= 2 {
        return Some(Trend::Flaky { flips, runs });
    }
    let latest_failed =
        matches!(history.first(), Some(Some((e, c))) if outcome(e, c).kind == Kind::Failed);
    match (latest_failed, streak, since) {
        (true, 1, _) if runs > 1 => Some(Trend::NewFailure),
        (true, 2.., Some(execution)) => Some(Trend::FailingSince {
            execution,
            runs: streak,
        }),
        _ => None,
    }
}

fn flaky_diagnostic(flips: usize, runs: usize, range: Range) -> Diagnostic {
    Diagnostic {
        range,
        severity: Severity::Information,
        code: Some(Cow::Borrowed("flaky")),
        source: Cow::Borrowed("testany"),
        message: format!(
            "flaky: flipped {} in the last {}",
            crate::text::count(flips, "time", "times"),
            crate::text::count(runs, "run", "runs")
        ),
        related_information: Vec::new(),
    }
}

/// The hover of the marker at `position`, if any.
pub fn hover(input: &PlanInput<'_>, position: Position) -> Option<Hover> {
    let doc = Doc {
        text: input.text,
        index: LineIndex::new(input.text),
        encoding: input.encoding,
        last_len: std::cell::Cell::new(None),
    };
    let anchor = input.anchors.iter().find(|a| {
        doc.clamp(a.range(input.encoding))
            .is_some_and(|r| r.contains(position))
    })?;
    let range = doc.clamp(anchor.range(input.encoding))?;
    let histories = histories(&PlanInput {
        anchors: std::slice::from_ref(anchor),
        ..*input
    });
    let history = histories.get(anchor.case_key.as_str());
    Some(Hover {
        range,
        markdown: hover_markdown(&anchor.case_key, history),
    })
}

fn hover_markdown(case_key: &str, history: &[Option<Run<'_>>]) -> String {
    let name = history
        .iter()
        .flatten()
        .find_map(|(_, c)| c.name.as_deref());
    let mut md = format!("**testany: {}**", md_escape(case_key));
    if let Some(name) = name {
        md.push_str(" · ");
        md.push_str(&md_escape(name));
    }
    md.push_str("\n\n");
    if history.is_empty() {
        md.push_str("No result yet.\n");
        return md;
    }
    let (_, passed, total) = fail_counts(history);
    if let Some(pct) = (passed * 100 + total / 2).checked_div(total) {
        md.push_str(&format!("Pass rate: {pct}% ({passed} of {total})\n\n"));
    }
    md.push_str("| | Result | Duration | Environment | Trigger | Execution | Started |\n");
    md.push_str("|---|---|---|---|---|---|---|\n");
    for (e, c) in history.iter().flatten() {
        let oc = outcome(e, c);
        let icon = match oc.kind {
            Kind::Passed => "✓",
            Kind::Failed => "✗",
            Kind::Running => "⟳",
            Kind::Other => "–",
        };
        let duration = c.duration_ms.map(format_duration).unwrap_or_default();
        let env = e.environment.as_deref().map(md_escape).unwrap_or_default();
        let trigger = e
            .trigger
            .as_ref()
            .map(trigger_name)
            .map(md_escape)
            .unwrap_or_default();
        let started = c
            .started_at
            .or(e.started_at)
            .map(format_timestamp)
            .unwrap_or_default();
        md.push_str(&format!(
            "| {icon} | {} | {duration} | {env} | {trigger} | {} | {started} |\n",
            md_escape(&oc.label),
            md_escape(&e.key)
        ));
    }
    md
}

fn trigger_name(t: &Trigger) -> &str {
    match t {
        Trigger::Manual => "manual",
        Trigger::Plan => "plan",
        Trigger::Gatekeeper => "gatekeeper",
        Trigger::Api => "api",
        Trigger::Unknown(raw) => raw,
    }
}

/// Escape text that comes from the service so it cannot change the markdown's shape.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Service text first made displayable (issue 17): escaping `[` or `]` after an ESC
    // would otherwise turn a hidden sequence into `ESC \` plus stray text.
    for c in crate::sanitize::for_display(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// `2026-11-26 04:58 UTC`.
pub fn format_timestamp(ts: Timestamp) -> String {
    let secs = ts.as_second();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(result: &str, status: &str, error: &str) -> CaseResult {
        let e = Execution::from_json(&serde_json::json!({
            "execution_id": "P-1-00001", "status": "COMPLETED",
            "cases": [{"case_key": "K1", "index": 0, "status": status, "result": result, "error": error}]
        }))
        .expect("execution");
        e.cases.into_iter().next().expect("case")
    }

    /// CLIFIX finding 2: a test project's case is categorized by its first failing test,
    /// not by the summary error text (which made every such case `error`).
    #[test]
    fn plan_case_category_comes_from_its_first_failing_test() {
        let maven = case(
            "FAILED",
            "COMPLETED",
            "2 of 5 tests failed: orderTotalIncludesTax, roundsHalfEven",
        );
        let cat = |c: &CaseResult, t| case_category(c, t).map(category::code);
        assert_eq!(cat(&maven, None), Some("error"));
        let junit = "org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98>";
        assert_eq!(
            cat(&maven, Some((TestStatus::Failed, Some(junit)))),
            Some("assertion")
        );
        let pw = "Error: Timed out 5000ms waiting for expect(locator).toHaveText(expected)";
        assert_eq!(
            cat(&maven, Some((TestStatus::Failed, Some(pw)))),
            Some("timeout")
        );
        assert_eq!(
            cat(&maven, Some((TestStatus::Failed, None))),
            Some("assertion")
        );
        assert_eq!(
            cat(&maven, Some((TestStatus::Error, Some("KeyError: 'id'")))),
            Some("error")
        );
        // The case's own timeout or infrastructure problem stands.
        let dead = case("ERROR", "COMPLETED", "connection refused: db:5432");
        assert_eq!(
            cat(&dead, Some((TestStatus::Failed, Some(junit)))),
            Some("infrastructure")
        );
        let slow = case("", "TIMEOUT", "1 of 3 tests failed");
        assert_eq!(
            cat(&slow, Some((TestStatus::Failed, Some(junit)))),
            Some("timeout")
        );
        // A passing case has none, whatever its tests.
        let ok = case("PASSED", "COMPLETED", "");
        assert_eq!(cat(&ok, Some((TestStatus::Failed, Some(junit)))), None);
    }
}
