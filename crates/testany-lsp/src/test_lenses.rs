//! Lenses and diagnostics of per-test results (issue 15), added to a document's plan:
//! a lens on every linked test definition (`✓ passed 1s · KEY · 5m ago`, `✗ FAILED:
//! message · KEY · 5m ago`, `⊘ skipped · KEY · 5m ago`) with `Open log at this test`
//! and `Run locally`, one case lens on the case's trigger file's first line when no
//! marker there names the case (a case with no trigger file, marker or `[cases]` entry:
//! on the first line of each file holding one of its linked tests), and an Error at
//! each failing test's failing line (its definition as related information). Tests
//! without a site get nothing here: never a guessed line. In an open document, lines
//! follow the edits made since they were first planned (`document::Drift`, as case
//! failure locations do).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use jiff::Timestamp;
use serde_json::{Value, json};
use testany_core::frameworks::{Framework, TestResult, TestStatus};
use testany_core::markers::{Anchor, AnchorSource, Encoding, Position, Range, Span, len_in};
use testany_core::model::{CaseResult, Execution};
use testany_core::plan::{
    CodeLens, Diagnostic, Plan, PlanInput, RelatedInformation, Severity, newest_first,
    write_duration,
};
use testany_core::test_history::{Run, TestHistory, histories};

use crate::document::{Drift, LocationKey};
use crate::env::Env;
use crate::ext::{CaseState, TestDetail, TestState};
use crate::state::Inner;
use crate::tests_model::{CaseEntry, CaseTests, ProjectLinks};

/// Drift keys of this module start with this character (case keys never do).
const KEY_MARK: char = '\u{1}';
/// Longest failure message in a lens title (the diagnostic has it whole).
const TITLE_MESSAGE: usize = 80;

/// Whether a drift key is one of this module's (kept by the case locations' pruning).
pub fn is_test_key(key: &LocationKey) -> bool {
    key.1.starts_with(KEY_MARK)
}

fn key(exec: &str, what: &str, case: &str, id: &str, line0: u32) -> LocationKey {
    (
        exec.to_owned(),
        format!("{KEY_MARK}{what}{KEY_MARK}{case}{KEY_MARK}{id}"),
        line0,
    )
}

/// The newest finished run of each case among `executions` with its tests read.
pub fn latest_cases<'a>(
    inner: &'a Inner,
    executions: &'a [Execution],
) -> Vec<(&'a Execution, &'a CaseResult, &'a CaseTests)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for exec in newest_first(executions) {
        for case in &exec.cases {
            let finished = !case.is_active() && case.result.is_some();
            if !finished || !seen.insert(case.case_key.as_str()) {
                continue;
            }
            if let Some(CaseEntry::Done(tests)) =
                inner.tests.cases.get(&(exec.key.clone(), case.index))
            {
                out.push((exec, case, tests.as_ref()));
            }
        }
    }
    out
}

/// Each test's history in its case's newest `depth` finished runs whose tests were read
/// (newest first), keyed by (framework, id) of the newest run's tests.
pub fn case_histories(
    inner: &Inner,
    executions: &[Execution],
    case_key: &str,
    depth: usize,
) -> HashMap<(Framework, String), TestHistory> {
    let mut runs: Vec<Run<'_>> = Vec::new();
    for exec in newest_first(executions) {
        if runs.len() >= depth {
            break;
        }
        let ran = exec
            .cases
            .iter()
            .find(|c| c.case_key == case_key && !c.is_active() && c.result.is_some());
        if let Some(case) = ran
            && let Some(CaseEntry::Done(t)) = inner.tests.cases.get(&(exec.key.clone(), case.index))
        {
            runs.push(Run {
                execution: &exec.key,
                tests: &t.tests,
            });
        }
    }
    histories(&runs)
}

/// `testany/caseStates`' test entries: each linked test of each case's newest finished
/// run, at its definition, in every project (or only in document `only`). Unlinked tests
/// have no place to put them: they are left out (never a guessed line).
pub fn test_states(
    env: &dyn Env,
    inner: &mut Inner,
    only: Option<&tower_lsp_server::ls_types::Uri>,
) -> Vec<CaseState> {
    let keys: Vec<std::path::PathBuf> = inner.projects.keys().cloned().collect();
    let mut out = Vec::new();
    for key in keys {
        // Entries in open documents, with their definition's drift key: moved below,
        // once the run data is no longer borrowed.
        let mut open = Vec::new();
        let derived = inner.derived(&key);
        let Some(root) = inner.projects.get(&key).map(|p| p.root.clone()) else {
            continue;
        };
        for (exec, case, tests) in latest_cases(inner, &derived.executions) {
            let Some(links) = tests.projects.get(&key) else {
                continue;
            };
            // As for lenses: a one-test case with a marker is the marker's entry already.
            if links.anchored && tests.tests.len() <= 1 {
                continue;
            }
            for (k, (t, link)) in tests.tests.iter().zip(&links.links.links).enumerate() {
                let Some((file, line)) = link.site() else {
                    continue;
                };
                let Some(uri) = env.to_uri(&root.join(file)) else {
                    continue;
                };
                if only.is_some_and(|o| *o != uri) {
                    continue;
                }
                let failure = failing_line(links, k, t).and_then(|(file, line1, col)| {
                    let at = env.to_uri(&root.join(file))?;
                    let def = (uri.as_str(), line);
                    let k = self::key(
                        &exec.key,
                        "fail",
                        &case.case_key,
                        &t.id,
                        line1.saturating_sub(1),
                    );
                    failure_at(inner, at, &k, col, def)
                });
                let entry = crate::convert::case_state(CaseState {
                    uri: uri.as_str().to_owned(),
                    line,
                    key: case.case_key.clone(),
                    name: Some(t.name.clone()),
                    state: match t.status {
                        TestStatus::Passed | TestStatus::Flaky => TestState::Passed,
                        TestStatus::Failed => TestState::Failed,
                        TestStatus::Error => TestState::Error,
                        TestStatus::Skipped => TestState::Skipped,
                    },
                    execution: Some(exec.key.clone()),
                    // Set from the polled data by the caseStates handler, for every entry.
                    pipeline: None,
                    stale: derived.stale,
                    test: Some(TestDetail {
                        test_id: t.id.clone(),
                        case_index: case.index,
                        case_name: case.name.clone(),
                        message: t.message.clone(),
                        expected: t.expected.clone(),
                        actual: t.actual.clone(),
                        log_line: t.log_line,
                        failure,
                    }),
                });
                if inner.documents.contains_key(&uri) {
                    let k = self::key(&exec.key, "def", &case.case_key, &t.id, line);
                    open.push((uri, k, entry));
                } else {
                    out.push(entry);
                }
            }
        }
        // Where the test's lens is (as `extend` plans it): its line as the document's
        // edits moved it; none when that line was deleted.
        for (uri, k, mut entry) in open {
            let Some(doc) = inner.documents.get_mut(&uri) else {
                continue;
            };
            if let Some(line) = doc.drift.line(&k, k.2) {
                entry.line = line;
                out.push(entry);
            }
        }
    }
    out
}

/// Where a failed test's diagnostic is (planned under drift key `k`; `def` its
/// definition's URI and line): in an open document, the failing line as its edits moved
/// it and the range the plan gives it (as [`extend`]'s `Lines::failure`); in a closed one,
/// the diagnostic published there (the plan of the file as read). `None` when the line
/// was deleted or nothing shows the failure yet.
fn failure_at(
    inner: &Inner,
    uri: tower_lsp_server::ls_types::Uri,
    k: &LocationKey,
    col: Option<u32>,
    def: (&str, u32),
) -> Option<crate::ext::TestFailure> {
    use tower_lsp_server::ls_types as lsp;
    let range = if let Some(doc) = inner.documents.get(&uri) {
        let line0 = doc.drift.current(k)?;
        // `Lines::failure` of that one line.
        let text = doc.text.split('\n').nth(line0 as usize)?;
        crate::convert::range(testany_core::plan::statement(
            text,
            line0,
            col,
            inner.encoding,
        ))
    } else {
        inner
            .published
            .get(&uri)?
            .iter()
            .find(|d| {
                d.source.as_deref() == Some("testany")
                    && d.severity == Some(lsp::DiagnosticSeverity::ERROR)
                    && d.range.start.line == k.2
                    && d.related_information.iter().flatten().any(|r| {
                        r.location.uri.as_str() == def.0 && r.location.range.start.line == def.1
                    })
            })?
            .range
    };
    Some(crate::ext::TestFailure {
        uri: uri.as_str().to_owned(),
        range,
    })
}

/// The hover of a test definition at `position` of document `uri`: the test's last
/// results in its case's newest runs (newest first) and its history's note.
pub fn hover(
    inner: &mut Inner,
    uri: &tower_lsp_server::ls_types::Uri,
    project: &Path,
    rel: &str,
    text: &str,
    position: Position,
) -> Option<testany_core::plan::Hover> {
    let derived = inner.derived(project);
    let depth = inner
        .projects
        .get(project)
        .and_then(|p| p.config.as_ref())
        .map_or(1, |c| c.history as usize);
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    let drift = inner.documents.get(uri).map(|d| &d.drift);
    let lines = Lines {
        lines: text.split('\n').collect(),
        encoding: inner.encoding,
    };
    for (exec, case, tests) in latest_cases(inner, &derived.executions) {
        let Some(links) = tests.projects.get(project) else {
            continue;
        };
        if links.anchored && tests.tests.len() <= 1 {
            continue;
        }
        for (t, link) in tests.tests.iter().zip(&links.links.links) {
            let Some((_, line0)) = link.site().filter(|s| s.0 == rel) else {
                continue;
            };
            // Where the lens is now, when the document was edited since.
            let k = key(&exec.key, "def", &case.case_key, &t.id, line0);
            let now = Some(drift.and_then(|d| d.current(&k)).unwrap_or(line0));
            if now != Some(position.line) {
                continue;
            }
            let range = lines.range(position.line)?;
            let history = case_histories(inner, &derived.executions, &case.case_key, depth);
            let h = history.get(&(t.framework, t.id.clone()));
            return Some(testany_core::plan::Hover {
                range,
                markdown: hover_markdown(t, &case.case_key, h),
            });
        }
    }
    None
}

/// `**name** · case KEY`, the history's note, then a table of the last results.
fn hover_markdown(t: &TestResult, case_key: &str, history: Option<&TestHistory>) -> String {
    let mut md = format!(
        "**{}** · case {}\n\n`{}`\n\n",
        // Display text before the markdown escapes: an escape sequence split by a
        // backslash would otherwise leave its payload visible.
        md_escape(&crate::convert::test_name(t)),
        md_escape(case_key),
        crate::convert::display(&t.id).replace('`', "'")
    );
    let Some(h) = history else {
        return md;
    };
    if let Some(note) = h.trend.as_ref().map(|tr| tr.note()) {
        md.push_str(&md_escape(&note));
        md.push_str("\n\n");
    }
    md.push_str("| | Result | Duration | Execution |\n|---|---|---|---|\n");
    for e in h.results.iter().flatten() {
        let (icon, word) = match e.status {
            TestStatus::Passed => ("✓", "passed"),
            TestStatus::Flaky => ("✓", "passed on retry"),
            TestStatus::Failed => ("✗", "failed"),
            TestStatus::Error => ("✗", "error"),
            TestStatus::Skipped => ("⊘", "skipped"),
        };
        let mut duration = String::new();
        if let Some(ms) = e.duration_ms {
            write_duration(&mut duration, ms);
        }
        md.push_str(&format!(
            "| {icon} | {word} | {duration} | {} |\n",
            md_escape(&e.execution)
        ));
    }
    md
}

/// Markdown's special characters escaped (service and log text in a hover).
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '('
                | ')'
                | '#'
                | '+'
                | '-'
                | '!'
                | '|'
                | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The workspace files of project `key` where a test of a case's newest run failed
/// (their diagnostics are sent even when the file is not open).
pub fn failure_files(inner: &Inner, key: &Path, derived: &crate::data::Derived) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, _, tests) in latest_cases(inner, &derived.executions) {
        let Some(links) = tests.projects.get(key) else {
            continue;
        };
        if links.anchored && tests.tests.len() <= 1 {
            continue;
        }
        for k in 0..tests.tests.len() {
            if let Some((file, _, _)) = failing_line(links, k, &tests.tests[k])
                && !out.iter().any(|f| f == file)
            {
                out.push(file.to_owned());
            }
        }
    }
    out
}

/// One document's lines, for ranges inside its text.
struct Lines<'a> {
    lines: Vec<&'a str>,
    encoding: Encoding,
}

impl Lines<'_> {
    /// The line from its first non-blank character to its end (`None` past the text).
    fn range(&self, line0: u32) -> Option<Range> {
        let text = *self.lines.get(line0 as usize)?;
        let text = text.strip_suffix('\r').unwrap_or(text);
        let lead = text.len() - text.trim_start().len();
        let start = len_in(&text[..lead], self.encoding);
        Some(Range {
            start: Position::new(line0, start),
            end: Position::new(line0, len_in(text, self.encoding)),
        })
    }

    /// A failure on `line0`: from the log's 1-based column `col` when it printed one,
    /// else the first non-blank character (core's rule, as for a case's failure).
    fn failure(&self, line0: u32, col: Option<u32>) -> Option<Range> {
        let text = *self.lines.get(line0 as usize)?;
        Some(testany_core::plan::statement(
            text,
            line0,
            col,
            self.encoding,
        ))
    }

    fn start(&self, line0: u32) -> Option<Range> {
        self.lines.get(line0 as usize)?;
        let p = Position::new(line0, 0);
        Some(Range { start: p, end: p })
    }
}

/// The document's per-test lenses and diagnostics, appended to `plan`.
#[allow(clippy::too_many_arguments)]
pub fn extend(
    env: &dyn Env,
    inner: &mut Inner,
    project: &Path,
    rel: &str,
    text: &str,
    marker_cases: &HashSet<&str>,
    mut drift: Option<&mut Drift>,
    plan: &mut Plan,
) {
    let derived = inner.derived(project);
    let Some(root) = inner.projects.get(project).map(|p| p.root.clone()) else {
        return;
    };
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    let lines = Lines {
        lines: text.split('\n').collect(),
        encoding: inner.encoding,
    };
    let now = env.now();
    let depth = inner
        .projects
        .get(project)
        .and_then(|p| p.config.as_ref())
        .map_or(1, |c| c.history as usize);
    // Cases a `[cases]` entry puts on this file have their lens from it already.
    let mapped: HashSet<String> = inner
        .projects
        .get(project)
        .and_then(|p| p.config.as_ref())
        .map(|c| {
            c.cases
                .iter()
                .filter(|(_, f)| f.trim_start_matches("./") == rel)
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut live: HashSet<LocationKey> = HashSet::new();
    let mut lenses = Vec::new();
    let mut diagnostics = Vec::new();
    for (exec, case, tests) in latest_cases(inner, &derived.executions) {
        let Some(links) = tests.projects.get(project) else {
            continue;
        };
        // A case of one test with a marker: the marker's lens and the case's failure
        // locations already say everything (and marker lenses stay exactly as they were).
        if links.anchored && tests.tests.len() <= 1 {
            continue;
        }
        let suffix = lens_suffix(exec, now, derived.stale);
        let here = links
            .links
            .links
            .iter()
            .any(|l| l.site().is_some_and(|s| s.0 == rel))
            || links.failures.iter().flatten().any(|f| f.file == rel);
        let history = if here {
            case_histories(inner, &derived.executions, &case.case_key, depth)
        } else {
            HashMap::new()
        };
        let own = case_lens_files(links);
        if own.contains(&rel)
            && !marker_cases.contains(case.case_key.as_str())
            && !mapped.contains(case.case_key.as_str())
            && let Some(range) = lines.start(0)
        {
            lenses.extend(case_lenses(
                &lines,
                rel,
                &case.case_key,
                &derived.executions,
                depth,
                derived.stale,
                now,
            ));
            // Once per case: on its first lens file (its trigger file when it has one).
            if own.first() == Some(&rel)
                && let Some(d) = unlinked_diagnostic(range, exec, case, tests, links, &lines)
            {
                diagnostics.push(d);
            }
        }
        for (k, t) in tests.tests.iter().enumerate() {
            let Some(link) = links.links.links.get(k) else {
                continue;
            };
            let note = history
                .get(&(t.framework, t.id.clone()))
                .and_then(|h| h.trend.as_ref())
                .map(|tr| tr.note());
            if let Some((file, line0)) = link.site()
                && file == rel
            {
                let mut at = Some(line0);
                if let Some(d) = drift.as_deref_mut() {
                    let k = key(&exec.key, "def", &case.case_key, &t.id, line0);
                    at = d.line(&k, line0);
                    live.insert(k);
                }
                if let Some(range) = at.and_then(|l| lines.start(l)) {
                    lenses.extend(test_lenses(range, exec, case, t, note.as_deref(), &suffix));
                }
            }
            if let Some((file, line1, col)) = failing_line(links, k, t)
                && file == rel
            {
                let line0 = line1.saturating_sub(1);
                let mut at = Some(line0);
                if let Some(d) = drift.as_deref_mut() {
                    let k = key(&exec.key, "fail", &case.case_key, &t.id, line0);
                    at = d.line(&k, line0);
                    live.insert(k);
                }
                let Some(range) = at.and_then(|l| lines.failure(l, col)) else {
                    continue;
                };
                let related = link.site().and_then(|(def_file, def_line)| {
                    let uri = env.to_uri(&root.join(def_file))?;
                    let p = Position::new(def_line, 0);
                    Some(RelatedInformation {
                        uri: uri.as_str().to_owned(),
                        range: Range { start: p, end: p },
                        message: format!("{} is defined here", crate::convert::test_label(t)),
                    })
                });
                diagnostics.push(test_diagnostic(range, exec, t, note.as_deref(), related));
            }
        }
    }
    if let Some(d) = drift {
        d.retain(|k| !is_test_key(k) || live.contains(k));
    }
    plan.lenses.extend(lenses);
    plan.lenses.sort_by_key(|l| l.range.start.line);
    // A case failure location on a failing test's line says less than the test's own
    // diagnostic: one diagnostic per failure, so the Problems list does not double.
    let lines: HashSet<u32> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.range.start.line)
        .collect();
    plan.diagnostics
        .retain(|d| d.code.as_deref() == Some("flaky") || !lines.contains(&d.range.start.line));
    plan.diagnostics.extend(diagnostics);
}

/// A failed test's failing line (1-based) and column (1-based, when the log printed
/// one): its resolved failure frame, else its definition (a Postman assertion's line, a
/// test whose frames are all in libraries).
fn failing_line<'a>(
    links: &'a ProjectLinks,
    k: usize,
    t: &TestResult,
) -> Option<(&'a str, u32, Option<u32>)> {
    if !t.status.is_failure() {
        return None;
    }
    if let Some(Some(site)) = links.failures.get(k) {
        return Some((&site.file, site.line, site.column));
    }
    let (file, line0) = links.links.links.get(k)?.site()?;
    Some((file, line0 + 1, None))
}

/// Tests of the case that have no definition site (ambiguous, stale, unlinked), reported
/// once on the case's lens line: never at a guessed line.
fn unlinked_diagnostic(
    at: Range,
    exec: &Execution,
    case: &CaseResult,
    tests: &CaseTests,
    links: &ProjectLinks,
    lines: &Lines<'_>,
) -> Option<Diagnostic> {
    let unlinked: Vec<(&TestResult, &testany_core::linking::Link)> = tests
        .tests
        .iter()
        .zip(&links.links.links)
        .filter(|(_, l)| l.site().is_none())
        .collect();
    let (first, link) = unlinked.first()?;
    let why = match link {
        testany_core::linking::Link::Ambiguous { candidates } => format!(
            "several definitions fit equally ({}): add a [cases] entry to choose",
            candidates
                .iter()
                .map(|c| c.file.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        testany_core::linking::Link::Stale { file } => {
            format!("{file} no longer defines it (renamed or removed since the run?)")
        }
        testany_core::linking::Link::Unlinked(why) => why.to_string(),
        testany_core::linking::Link::Linked { .. } => String::new(),
    };
    let n = unlinked.len();
    let message = format!(
        "{} of case {} in {} not linked to a definition; {}: {why}",
        testany_core::text::count(n, "test", "tests"),
        case.case_key,
        exec.key,
        crate::convert::test_label(first),
    );
    Some(Diagnostic {
        range: lines.range(at.start.line).unwrap_or(at),
        severity: Severity::Information,
        code: Some(Cow::Borrowed("unlinked")),
        source: Cow::Borrowed("testany"),
        message,
        related_information: Vec::new(),
    })
}

/// ` · KEY · 5m ago` (and ` (stale)`).
fn lens_suffix(exec: &Execution, now: Timestamp, stale: bool) -> String {
    let mut s = format!(" · {}", exec.key);
    if let Some(at) = exec.completed_at.or(exec.started_at)
        && let Ok(ms) = u64::try_from(now.as_millisecond().saturating_sub(at.as_millisecond()))
    {
        s.push_str(" · ");
        write_duration(&mut s, ms);
        s.push_str(" ago");
    }
    if stale {
        s.push_str(" (stale)");
    }
    s
}

fn open_log(exec: &Execution, case: &CaseResult, line: Option<usize>) -> Value {
    let (execution, index) = (exec.key.as_str(), case.index);
    match line {
        Some(l) => json!({"execution": execution, "caseIndex": index, "line": l}),
        None => json!({"execution": execution, "caseIndex": index}),
    }
}

/// The case's own lenses on its trigger file's first line: core's plan of an anchor
/// there, so they read exactly as a marker's or a `[cases]` entry's (status with
/// duration, execution and environment, then `↻ Re-run`) wherever the case's lens sits.
fn case_lenses(
    lines: &Lines<'_>,
    rel: &str,
    case_key: &str,
    executions: &[Execution],
    history: usize,
    stale: bool,
    now: Timestamp,
) -> Vec<CodeLens> {
    let first = lines.lines.first().copied().unwrap_or("");
    let first = first.strip_suffix('\r').unwrap_or(first);
    let anchors = [Anchor {
        case_key: case_key.to_owned(),
        line: 0,
        span: Span::of_bytes(first, 0, first.len()),
        source: AnchorSource::Mapping,
    }];
    // Its diagnostics are left out: the trigger file keeps the unlinked tests' note.
    testany_core::plan::plan(&PlanInput {
        uri: "",
        path: rel,
        text: first,
        anchors: &anchors,
        executions,
        locations: &[],
        related: &[],
        encoding: lines.encoding,
        history,
        stale,
        now,
        drift: None,
    })
    .lenses
}

/// The files whose first line holds a case's own lens in one project: its trigger file;
/// else, when no marker or `[cases]` entry anchors it and its trigger names no file (a
/// folder, e.g. pytest's `tests/api/`), each file holding one of its linked tests, in
/// path order (such a case had no lens anywhere: no status, no Re-run). Empty when the
/// case has an anchor and no trigger file (the anchor is its lens).
fn case_lens_files(links: &ProjectLinks) -> Vec<&str> {
    if let Some(file) = links.links.trigger_file.as_deref() {
        return vec![file];
    }
    if links.anchored {
        return Vec::new();
    }
    let mut files: Vec<&str> = links
        .links
        .links
        .iter()
        .filter_map(|l| l.site().map(|s| s.0))
        .collect();
    files.sort_unstable();
    files.dedup();
    files
}

/// Where each case's own lens sits in `project`: (workspace-relative file, case key) of
/// each lens [`extend`] gives a case on a file's first line (its trigger file, else the
/// files of its linked tests), before the file's markers and `[cases]` entries are
/// checked (an anchor there is the case's lens instead), for `testany/caseStates`.
pub fn case_lens_sites(inner: &mut Inner, project: &Path) -> Vec<(String, String)> {
    let derived = inner.derived(project);
    let mut out = Vec::new();
    for (_, case, tests) in latest_cases(inner, &derived.executions) {
        let Some(links) = tests.projects.get(project) else {
            continue;
        };
        if links.anchored && tests.tests.len() <= 1 {
            continue;
        }
        for file in case_lens_files(links) {
            out.push((file.to_owned(), case.case_key.clone()));
        }
    }
    out
}

/// A test's status lens and its `Run locally` lens.
fn test_lenses(
    range: Range,
    exec: &Execution,
    case: &CaseResult,
    t: &TestResult,
    note: Option<&str>,
    suffix: &str,
) -> [CodeLens; 2] {
    let mut title = match t.status {
        TestStatus::Passed => "✓ passed".to_owned(),
        TestStatus::Flaky => "✓ flaky (passed on retry)".to_owned(),
        TestStatus::Skipped => "⊘ skipped".to_owned(),
        TestStatus::Failed | TestStatus::Error => {
            let word = if t.status == TestStatus::Error {
                "ERROR"
            } else {
                "FAILED"
            };
            match t
                .message
                .as_deref()
                .map(first_line)
                .filter(|m| !m.is_empty())
            {
                Some(m) => format!("✗ {word}: {m}"),
                None => format!("✗ {word}"),
            }
        }
    };
    if !t.status.is_failure()
        && let Some(ms) = t.duration_ms
    {
        title.push(' ');
        write_duration(&mut title, ms);
    }
    if let Some(n) = note {
        title.push_str(" · ");
        title.push_str(n);
    }
    title.push_str(suffix);
    let status = CodeLens {
        range,
        title: Cow::Owned(title),
        command: Some(Cow::Borrowed("testany.openLog")),
        arguments: open_log(exec, case, Some(t.log_line)),
    };
    let local = CodeLens {
        range,
        title: Cow::Borrowed("Run locally"),
        command: Some(Cow::Borrowed("testany.runLocally")),
        arguments: json!({
            "execution": exec.key.as_str(),
            "caseIndex": case.index,
            "testId": t.id.as_str(),
        }),
    };
    [status, local]
}

/// `FAILED in KEY: name: message` (the test's history after the key, as the case
/// diagnostic has it: `FAILED in KEY · new failure: name: message`) with `expected:` and
/// `actual:` lines.
fn test_diagnostic(
    range: Range,
    exec: &Execution,
    t: &TestResult,
    note: Option<&str>,
    related: Option<RelatedInformation>,
) -> Diagnostic {
    let word = if t.status == TestStatus::Error {
        "ERROR"
    } else {
        "FAILED"
    };
    let mut message = format!("{word} in {}", exec.key);
    if let Some(n) = note {
        message.push_str(" · ");
        message.push_str(n);
    }
    message.push_str(": ");
    message.push_str(crate::convert::test_label(t));
    if let Some(m) = t
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        message.push_str(": ");
        message.push_str(m);
    }
    if let Some(e) = &t.expected {
        message.push_str("\nexpected: ");
        message.push_str(e);
    }
    if let Some(a) = &t.actual {
        message.push_str("\nactual: ");
        message.push_str(a);
    }
    Diagnostic {
        range,
        severity: Severity::Error,
        // Core's rule on the test's message, else its status: the same category the
        // CLI's `status` and recentFailures give its case (plan::case_category).
        code: Some(Cow::Borrowed(testany_core::category::code(
            testany_core::plan::test_category(t.status, t.message.as_deref()),
        ))),
        source: Cow::Borrowed("testany"),
        message,
        related_information: related.into_iter().collect(),
    }
}

/// The first line of a message, cut for a lens title.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() <= TITLE_MESSAGE {
        return line.to_owned();
    }
    let mut t: String = line.chars().take(TITLE_MESSAGE).collect();
    t.push('…');
    t
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::Arc;

    use serde_json::json;
    use testany_core::config::Config;
    use testany_core::frameworks::Framework;
    use testany_core::linking::{CaseLinks, Link, Unlinked};

    use super::*;
    use crate::data::{PipelineData, PollKey};
    use crate::env::NativeEnv;
    use crate::project::Project;
    use crate::tests_model::{FailureSite, ProjectLinks};

    const ORDERS: &str = "import pytest\n\n\ndef test_ok(api):\n    assert api.ok\n\n\ndef test_tax(api):\n    total = api.total()\n    assert total == 3\n";

    fn env() -> NativeEnv {
        NativeEnv::new(Default::default(), std::env::temp_dir())
    }

    fn test(id: &str, status: TestStatus, log_line: usize) -> TestResult {
        let mut t = TestResult::new(Framework::Pytest, id, status, log_line);
        t.name = id.rsplit("::").next().unwrap_or(id).to_owned();
        t
    }

    /// Runs `results` (newest first: (execution, tax status)) of case K1 in project
    /// /ws, the newest one's three tests linked: test_ok and test_tax in
    /// tests/test_orders.py, test_gone unlinked.
    fn fixture(results: &[(&str, TestStatus)]) -> Inner {
        let mut inner = Inner::default();
        let config = Config {
            url: Some("http://t.localhost/api/v2/mcp/".into()),
            pipelines: vec!["P-1".into()],
            history: 10,
            ..Config::default()
        };
        inner.projects.insert(
            "/ws/testany.toml".into(),
            Project {
                root: "/ws".into(),
                config_path: Some("/ws/testany.toml".into()),
                config: Some(config),
                error: None,
                files: Arc::new(vec!["tests/test_orders.py".into()]),
                markers: Arc::new(Default::default()),
            },
        );
        let mut executions = Vec::new();
        for (k, (exec, tax)) in results.iter().enumerate() {
            let result = if tax.is_failure() { "FAILED" } else { "PASSED" };
            executions.push(
                Execution::from_json(&json!({
                    "execution_id": exec, "status": "COMPLETED", "result": result,
                    "pipeline_key": "P-1",
                    "started_at": format!("2026-11-26T0{}:00:00Z", 9 - k),
                    "cases": [{"case_key": "K1", "index": 0, "status": "COMPLETED",
                               "result": result, "duration_ms": 4000}]
                }))
                .unwrap(),
            );
            let mut tax_test = test("tests/test_orders.py::test_tax", *tax, 7);
            if tax.is_failure() {
                tax_test.message = Some("AssertionError: assert 2 == 3".into());
                tax_test.expected = Some("3".into());
                tax_test.actual = Some("2".into());
            }
            let mut ok = test("tests/test_orders.py::test_ok", TestStatus::Passed, 5);
            ok.duration_ms = Some(1200);
            let tests = vec![
                ok,
                tax_test,
                test("tests/test_gone.py::test_gone", TestStatus::Failed, 9),
            ];
            let mut projects = HashMap::new();
            if k == 0 {
                let links = CaseLinks {
                    links: vec![
                        Link::Linked {
                            file: "tests/test_orders.py".into(),
                            line: 3,
                            via: testany_core::linking::Via::Definition,
                        },
                        Link::Linked {
                            file: "tests/test_orders.py".into(),
                            line: 7,
                            via: testany_core::linking::Via::Definition,
                        },
                        Link::Unlinked(Unlinked::FileNotInWorkspace {
                            path: "tests/test_gone.py".into(),
                        }),
                    ],
                    ..CaseLinks::default()
                };
                projects.insert(
                    PathBuf::from("/ws/testany.toml"),
                    ProjectLinks {
                        links,
                        failures: vec![
                            None,
                            Some(FailureSite {
                                file: "tests/test_orders.py".into(),
                                line: 10,
                                column: None,
                            }),
                            None,
                        ],
                        anchored: false,
                        basis: None,
                    },
                );
            }
            inner.tests.cases.insert(
                ((*exec).to_owned(), 0),
                CaseEntry::Done(Arc::new(CaseTests {
                    meta: None,
                    tests,
                    projects,
                })),
            );
        }
        inner.pipelines.insert(
            PollKey {
                url: "http://t.localhost/api/v2/mcp/".into(),
                pipeline: "P-1".into(),
            },
            PipelineData {
                executions,
                stale: false,
                loaded: true,
            },
        );
        inner
    }

    fn plan_of(inner: &mut Inner, text: &str, drift: Option<&mut Drift>) -> Plan {
        plan_at(inner, "tests/test_orders.py", text, drift)
    }

    fn plan_at(inner: &mut Inner, rel: &str, text: &str, drift: Option<&mut Drift>) -> Plan {
        let mut plan = Plan::default();
        extend(
            &env(),
            inner,
            Path::new("/ws/testany.toml"),
            rel,
            text,
            &HashSet::new(),
            drift,
            &mut plan,
        );
        plan
    }

    /// The links of the fixture's case K1 in its newest run `exec`.
    fn links_mut<'a>(inner: &'a mut Inner, exec: &str) -> &'a mut ProjectLinks {
        let Some(CaseEntry::Done(case)) = inner.tests.cases.get_mut(&(exec.to_owned(), 0)) else {
            panic!("the fixture has the case");
        };
        Arc::make_mut(case)
            .projects
            .get_mut(Path::new("/ws/testany.toml"))
            .expect("linked in the project")
    }

    /// The Error diagnostics (the failing tests'), without the unlinked tests' note.
    fn errors(plan: &Plan) -> Vec<&Diagnostic> {
        plan.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// The unlinked tests' note of the fixture's case in run `exec`, on line 0.
    fn unlinked_note(exec: &str) -> (u32, String) {
        (
            0,
            format!(
                "1 test of case K1 in {exec} not linked to a definition; test_gone: tests/test_gone.py is not in the workspace (renamed or deleted since the run?)"
            ),
        )
    }

    /// (line, message) of each Information diagnostic.
    fn notes(plan: &Plan) -> Vec<(u32, &str)> {
        plan.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Information)
            .map(|d| (d.range.start.line, d.message.as_str()))
            .collect()
    }

    /// (line, title without its age, command, arguments) of each lens.
    fn lens_rows(plan: &Plan) -> Vec<(u32, String, String, Value)> {
        plan.lenses
            .iter()
            .map(|l| {
                let title = l.title.to_string();
                let title = match title.rsplit_once(" · ") {
                    Some((head, age)) if age.ends_with(" ago") => head.to_owned(),
                    _ => title,
                };
                (
                    l.range.start.line,
                    title,
                    l.command.as_deref().unwrap_or("").to_owned(),
                    l.arguments.clone(),
                )
            })
            .collect()
    }

    /// Issue 15: a lens on each linked definition (status, then `Run locally`), an Error
    /// at the failing line with expected/actual and the definition as related
    /// information, the test's history after its status; the unlinked test gets no lens.
    /// The case (no marker, no `[cases]` entry, no trigger file) has its own lens and
    /// the unlinked test's note on the file's first line.
    #[test]
    fn lenses_at_definitions_and_a_diagnostic_at_the_failing_line() {
        let mut inner = fixture(&[
            ("P-1-00003", TestStatus::Failed),
            ("P-1-00002", TestStatus::Failed),
            ("P-1-00001", TestStatus::Passed),
        ]);
        let plan = plan_of(&mut inner, ORDERS, None);
        let open = |line: usize| json!({"execution": "P-1-00003", "caseIndex": 0, "line": line});
        let local = |id: &str| json!({"execution": "P-1-00003", "caseIndex": 0, "testId": id});
        assert_eq!(
            lens_rows(&plan),
            vec![
                (
                    0,
                    s("✗ FAILED 4s · P-1-00003"),
                    s("testany.openLog"),
                    json!({"execution": "P-1-00003", "caseIndex": 0})
                ),
                (
                    0,
                    s("↻ Re-run"),
                    s("testany.runPipeline"),
                    json!({"pipeline": "P-1"})
                ),
                (
                    3,
                    s("✓ passed 1s · P-1-00003"),
                    s("testany.openLog"),
                    open(5)
                ),
                (
                    3,
                    s("Run locally"),
                    s("testany.runLocally"),
                    local("tests/test_orders.py::test_ok")
                ),
                (
                    7,
                    s(
                        "✗ FAILED: AssertionError: assert 2 == 3 · failing since P-1-00002 (2 runs) · P-1-00003"
                    ),
                    s("testany.openLog"),
                    open(7)
                ),
                (
                    7,
                    s("Run locally"),
                    s("testany.runLocally"),
                    local("tests/test_orders.py::test_tax")
                ),
            ]
        );
        let notes: Vec<(u32, String)> = notes(&plan)
            .into_iter()
            .map(|(l, m)| (l, m.to_owned()))
            .collect();
        assert_eq!(notes, [unlinked_note("P-1-00003")]);
        let failed = errors(&plan);
        assert_eq!(failed.len(), 1);
        let d = failed[0];
        assert_eq!(
            d.message,
            "FAILED in P-1-00003 · failing since P-1-00002 (2 runs): test_tax: AssertionError: assert 2 == 3\nexpected: 3\nactual: 2"
        );
        assert_eq!(
            (d.range.start, d.range.end),
            (Position::new(9, 4), Position::new(9, 21))
        );
        assert_eq!(
            d.related_information[0].uri,
            "file:///ws/tests/test_orders.py"
        );
        assert_eq!(d.related_information[0].range.start, Position::new(7, 0));
        // A new failure: passed the run before.
        let mut inner = fixture(&[
            ("P-1-00002", TestStatus::Failed),
            ("P-1-00001", TestStatus::Passed),
        ]);
        let plan = plan_of(&mut inner, ORDERS, None);
        assert_eq!(
            errors(&plan)[0].message.lines().next(),
            Some("FAILED in P-1-00002 · new failure: test_tax: AssertionError: assert 2 == 3")
        );
    }

    /// `testany/caseStates` gains one entry per linked test of the newest run (the
    /// unlinked one has no place and is left out).
    #[test]
    fn case_states_list_each_linked_test() {
        let mut inner = fixture(&[
            ("P-1-00002", TestStatus::Failed),
            ("P-1-00001", TestStatus::Passed),
        ]);
        let got = test_states(&env(), &mut inner, None);
        let entry = |line, name: &str, state, id: &str, log_line, failure: bool| CaseState {
            uri: "file:///ws/tests/test_orders.py".into(),
            line,
            key: "K1".into(),
            name: Some(name.into()),
            state,
            execution: Some("P-1-00002".into()),
            pipeline: None,
            stale: false,
            test: Some(TestDetail {
                test_id: id.into(),
                case_index: 0,
                case_name: None,
                message: failure.then(|| "AssertionError: assert 2 == 3".into()),
                expected: failure.then(|| "3".into()),
                actual: failure.then(|| "2".into()),
                log_line,
                failure: None,
            }),
        };
        assert_eq!(
            got,
            vec![
                entry(
                    3,
                    "test_ok",
                    TestState::Passed,
                    "tests/test_orders.py::test_ok",
                    5,
                    false
                ),
                entry(
                    7,
                    "test_tax",
                    TestState::Failed,
                    "tests/test_orders.py::test_tax",
                    7,
                    true
                ),
            ]
        );
        let json = serde_json::to_value(&got[1]).unwrap();
        assert_eq!(
            json,
            json!({"uri": "file:///ws/tests/test_orders.py", "line": 7, "key": "K1",
                   "name": "test_tax", "state": "failed", "execution": "P-1-00002",
                   "stale": false, "testId": "tests/test_orders.py::test_tax", "caseIndex": 0,
                   "message": "AssertionError: assert 2 == 3", "expected": "3", "actual": "2",
                   "logLine": 7})
        );
    }

    /// Issue 16: a test's entry carries its names, message, expected and actual as
    /// display text (escape sequences removed, ESC and bidi overrides made visible).
    #[test]
    fn case_states_of_tests_are_display_text() {
        let mut inner = fixture(&[("P-1-00002", TestStatus::Failed)]);
        let Some(CaseEntry::Done(case)) = inner.tests.cases.get_mut(&("P-1-00002".into(), 0))
        else {
            panic!("fixture has the case");
        };
        let case = Arc::make_mut(case);
        case.tests[1].name = "test_\u{202e}xat".into();
        case.tests[1].message =
            Some("\u{1b}[31mAssertionError\u{1b}[0m: \u{1b}]8;;x\u{7}2\u{1b}".into());
        case.tests[1].expected = Some("3\u{202e}".into());
        case.tests[1].actual = Some("2\r\u{0}".into());
        inner
            .pipelines
            .values_mut()
            .for_each(|p| p.executions[0].cases[0].name = Some("\u{1b}[1mcheckout\u{202d}".into()));
        let got = test_states(&env(), &mut inner, None);
        let tax = got.iter().find(|s| s.line == 7).expect("test_tax's entry");
        assert_eq!(tax.name.as_deref(), Some("test_<U+202E>xat"));
        assert_eq!(
            tax.test,
            Some(TestDetail {
                test_id: "tests/test_orders.py::test_tax".into(),
                case_index: 0,
                case_name: Some("checkout<U+202D>".into()),
                message: Some("AssertionError: 2\u{241b}".into()),
                expected: Some("3<U+202E>".into()),
                actual: Some("2\u{240d}\u{2400}".into()),
                log_line: 7,
                failure: None,
            })
        );
    }

    /// The case's own lens goes on its trigger file's first line, with one Information
    /// diagnostic there naming the tests without a definition site (never a guessed line),
    /// and the file where a test failed is listed for publishing while closed.
    #[test]
    fn the_case_lens_and_its_unlinked_tests_on_the_trigger_file() {
        let mut inner = fixture(&[("P-1-00001", TestStatus::Failed)]);
        if let Some(CaseEntry::Done(case)) = inner.tests.cases.get_mut(&("P-1-00001".into(), 0))
            && let Some(links) = Arc::make_mut(case)
                .projects
                .get_mut(Path::new("/ws/testany.toml"))
        {
            links.links.trigger_file = Some("tests/test_orders.py".into());
        }
        let plan = plan_of(&mut inner, ORDERS, None);
        // The very lenses a marker or `[cases]` entry gets (no age: `· staging` where
        // the execution has an environment), `↻ Re-run` included.
        let titles: Vec<&str> = plan.lenses[..2].iter().map(|l| l.title.as_ref()).collect();
        assert_eq!(titles, ["✗ FAILED 4s · P-1-00001", "↻ Re-run"]);
        assert_eq!(
            lens_rows(&plan)[..2],
            [
                (
                    0,
                    s("✗ FAILED 4s · P-1-00001"),
                    s("testany.openLog"),
                    json!({"execution": "P-1-00001", "caseIndex": 0})
                ),
                (
                    0,
                    s("↻ Re-run"),
                    s("testany.runPipeline"),
                    json!({"pipeline": "P-1"})
                )
            ]
        );
        // A `[cases]` entry putting the case on this file gives it the lens: not twice.
        if let Some(c) = inner
            .projects
            .get_mut(Path::new("/ws/testany.toml"))
            .and_then(|p| p.config.as_mut())
        {
            c.cases.insert("K1".into(), "./tests/test_orders.py".into());
        }
        let mapped = plan_of(&mut inner, ORDERS, None);
        assert_eq!(lens_rows(&mapped).iter().filter(|l| l.0 == 0).count(), 0);
        let info: Vec<(u32, &str)> = plan
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Information)
            .map(|d| (d.range.start.line, d.message.as_str()))
            .collect();
        assert_eq!(
            info,
            [(
                0,
                "1 test of case K1 in P-1-00001 not linked to a definition; test_gone: tests/test_gone.py is not in the workspace (renamed or deleted since the run?)"
            )]
        );
        let derived = inner.derived(Path::new("/ws/testany.toml"));
        assert_eq!(
            failure_files(&inner, Path::new("/ws/testany.toml"), &derived),
            ["tests/test_orders.py"]
        );
    }

    /// A case whose trigger names no file (the shop's pytest case runs the folder
    /// `tests/api/`) and that no marker or `[cases]` entry anchors had no case lens
    /// anywhere: no status, no Re-run, no caseStates entry. Its lens (as a trigger
    /// file's) now sits on the first line of each file holding one of its linked tests,
    /// the unlinked tests' note once, on the first of those files; an anchor in the
    /// project or a trigger file puts the case's lens there instead.
    #[test]
    fn a_case_triggered_by_a_folder_has_its_lens_on_each_file_of_its_tests() {
        const REFUNDS: &str = "import pytest\ndef test_refund(api):\n    assert api.refund()\n";
        let project = Path::new("/ws/testany.toml");
        let mut inner = fixture(&[("P-1-00001", TestStatus::Failed)]);
        if let Some(CaseEntry::Done(case)) = inner.tests.cases.get_mut(&("P-1-00001".into(), 0)) {
            Arc::make_mut(case).tests.push(test(
                "tests/test_refunds.py::test_refund",
                TestStatus::Passed,
                11,
            ));
        }
        let links = links_mut(&mut inner, "P-1-00001");
        links.links.links.push(Link::Linked {
            file: "tests/test_refunds.py".into(),
            line: 1,
            via: testany_core::linking::Via::Definition,
        });
        links.failures.push(None);
        let case_lens = [
            (
                0,
                s("✗ FAILED 4s · P-1-00001"),
                s("testany.openLog"),
                json!({"execution": "P-1-00001", "caseIndex": 0}),
            ),
            (
                0,
                s("↻ Re-run"),
                s("testany.runPipeline"),
                json!({"pipeline": "P-1"}),
            ),
        ];
        let orders = plan_of(&mut inner, ORDERS, None);
        let refunds = plan_at(&mut inner, "tests/test_refunds.py", REFUNDS, None);
        assert_eq!(lens_rows(&orders)[..2], case_lens);
        let lines = |p: &Plan| {
            p.lenses
                .iter()
                .map(|l| l.range.start.line)
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&orders), [0, 0, 3, 3, 7, 7]);
        assert_eq!(lens_rows(&refunds)[..2], case_lens);
        assert_eq!(lines(&refunds), [0, 0, 1, 1]);
        assert_eq!(
            notes(&orders),
            [(
                0,
                "1 test of case K1 in P-1-00001 not linked to a definition; test_gone: tests/test_gone.py is not in the workspace (renamed or deleted since the run?)"
            )]
        );
        assert_eq!(notes(&refunds), []);
        let k1 = |f: &str| (s(f), s("K1"));
        assert_eq!(
            case_lens_sites(&mut inner, project),
            [k1("tests/test_orders.py"), k1("tests/test_refunds.py")]
        );
        // A marker or `[cases]` entry anywhere in the project anchors the case: its
        // lens is there, not on the test files.
        links_mut(&mut inner, "P-1-00001").anchored = true;
        assert_eq!(lines(&plan_of(&mut inner, ORDERS, None)), [3, 3, 7, 7]);
        let refunds = plan_at(&mut inner, "tests/test_refunds.py", REFUNDS, None);
        assert_eq!(lines(&refunds), [1, 1]);
        assert_eq!(case_lens_sites(&mut inner, project), []);
        // A trigger file: the lens is on it alone.
        let links = links_mut(&mut inner, "P-1-00001");
        links.anchored = false;
        links.links.trigger_file = Some("tests/test_refunds.py".into());
        assert_eq!(lines(&plan_of(&mut inner, ORDERS, None)), [3, 3, 7, 7]);
        let refunds = plan_at(&mut inner, "tests/test_refunds.py", REFUNDS, None);
        assert_eq!(lines(&refunds), [0, 0, 1, 1]);
        assert_eq!(
            case_lens_sites(&mut inner, project),
            [k1("tests/test_refunds.py")]
        );
    }

    /// Hover on a test definition lists its last results, newest first, with its note.
    #[test]
    fn hover_lists_a_tests_last_results() {
        let mut inner = fixture(&[
            ("P-1-00003", TestStatus::Failed),
            ("P-1-00002", TestStatus::Passed),
            ("P-1-00001", TestStatus::Failed),
        ]);
        let uri: tower_lsp_server::ls_types::Uri =
            "file:///ws/tests/test_orders.py".parse().unwrap();
        let h = hover(
            &mut inner,
            &uri,
            Path::new("/ws/testany.toml"),
            "tests/test_orders.py",
            ORDERS,
            Position::new(7, 2),
        )
        .expect("a hover on test_tax");
        assert_eq!(
            h.markdown,
            "**test\\_tax** · case K1\n\n`tests/test_orders.py::test_tax`\n\nflaky: flipped 2 times in the last 3 runs\n\n| | Result | Duration | Execution |\n|---|---|---|---|\n| ✗ | failed |  | P\\-1\\-00003 |\n| ✓ | passed |  | P\\-1\\-00002 |\n| ✗ | failed |  | P\\-1\\-00001 |\n"
        );
        assert_eq!(
            (h.range.start, h.range.end),
            (Position::new(7, 0), Position::new(7, 18))
        );
        // Not on a definition: no hover.
        let none = hover(
            &mut inner,
            &uri,
            Path::new("/ws/testany.toml"),
            "tests/test_orders.py",
            ORDERS,
            Position::new(8, 2),
        );
        assert!(none.is_none());
    }

    /// Lines inserted above move the failing line's diagnostic and the lenses; a deleted
    /// failing line loses its diagnostic rather than landing on a neighbour.
    #[test]
    fn test_lines_follow_edits() {
        let mut inner = fixture(&[("P-1-00001", TestStatus::Failed)]);
        let mut drift = Drift::default();
        let first = plan_of(&mut inner, ORDERS, Some(&mut drift));
        assert_eq!(errors(&first)[0].range.start.line, 9);
        let at0 = Range {
            start: Position::new(0, 0),
            end: Position::new(0, 0),
        };
        drift.record(at0, "# a\n# b\n");
        let text = format!("# a\n# b\n{ORDERS}");
        let moved = plan_of(&mut inner, &text, Some(&mut drift));
        assert_eq!(errors(&moved)[0].range.start.line, 11);
        let lines: Vec<u32> = moved.lenses.iter().map(|l| l.range.start.line).collect();
        // The case's own lens stays on the first line.
        assert_eq!(lines, [0, 0, 5, 5, 9, 9]);
        // Delete the failing line (now line 11).
        drift.record(
            Range {
                start: Position::new(11, 0),
                end: Position::new(12, 0),
            },
            "",
        );
        let text: String = text
            .split_inclusive('\n')
            .enumerate()
            .filter(|(i, _)| *i != 11)
            .map(|(_, l)| l)
            .collect();
        let gone = plan_of(&mut inner, &text, Some(&mut drift));
        assert!(errors(&gone).is_empty(), "{:?}", gone.diagnostics);
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    /// A failure whose log printed a column (`test_orders.py:10:16`) starts there, in
    /// UTF-16 units (the emoji counts 2), clamped to the line's trimmed end; without a
    /// column, at the first non-blank character (the case-level rule, core's
    /// `plan::statement`). It used to start at the first non-blank always.
    #[test]
    fn test_failure_starts_at_the_logs_column() {
        let text = ORDERS.replace(
            "    assert total == 3\n",
            "    assert \"\u{1f600}\" == total  \n",
        );
        let at = |column: Option<u32>| {
            let mut inner = fixture(&[("P-1-00003", TestStatus::Failed)]);
            if let Some(CaseEntry::Done(case)) =
                inner.tests.cases.get_mut(&("P-1-00003".to_owned(), 0))
            {
                let links = Arc::make_mut(case)
                    .projects
                    .get_mut(Path::new("/ws/testany.toml"))
                    .expect("linked");
                links.failures[1].as_mut().expect("failure site").column = column;
            }
            let plan = plan_of(&mut inner, &text, None);
            let d = errors(&plan)[0];
            (d.range.start, d.range.end)
        };
        // 1-based column 16 is `=`: 15 characters in, 16 UTF-16 units.
        assert_eq!(at(Some(16)), (Position::new(9, 16), Position::new(9, 24)));
        assert_eq!(at(None), (Position::new(9, 4), Position::new(9, 24)));
        assert_eq!(at(Some(99)), (Position::new(9, 24), Position::new(9, 24)));
    }

    /// Issue 17: a test's id, name and message come from a log. Where editors show them
    /// (caseStates names, lens titles, hover, diagnostics) they are display text; where
    /// they are data (`testId`, the `Run locally` argument) they stay exact. A test the
    /// log gave no name is named by its id, as display text (editors fell back to the
    /// raw `testId`).
    #[test]
    fn hostile_test_ids_reach_editors_as_display_text() {
        let id = "tests/test_orders.py::test_tax[\u{1b}]0;pwn\u{7}x\u{202e}]";
        let mut inner = fixture(&[("P-1-00003", TestStatus::Failed)]);
        if let Some(CaseEntry::Done(case)) = inner.tests.cases.get_mut(&("P-1-00003".to_owned(), 0))
        {
            let t = &mut Arc::make_mut(case).tests[1];
            t.id = id.into();
            t.name = String::new();
            t.message = Some("boom\u{1b}[2J\u{202e}".into());
        }
        let states = test_states(&env(), &mut inner, None);
        let tax = states.iter().find(|s| s.line == 7).expect("test_tax entry");
        assert_eq!(
            (
                tax.name.as_deref(),
                tax.test.as_ref().map(|t| t.test_id.as_str()),
                tax.test.as_ref().and_then(|t| t.message.as_deref()),
            ),
            (
                Some("tests/test_orders.py::test_tax[x<U+202E>]"),
                Some(id),
                Some("boom<U+202E>"),
            )
        );
        let plan = plan_of(&mut inner, ORDERS, None);
        let lenses: Vec<(String, Value)> = plan
            .lenses
            .iter()
            .filter(|l| l.range.start.line == 7)
            .map(crate::convert::lens)
            .map(|l| {
                let c = l.command.expect("a command");
                let title = c.title.split(" · ").next().unwrap_or("").to_owned();
                (title, c.arguments.map_or(Value::Null, |a| a[0].clone()))
            })
            .collect();
        assert_eq!(
            lenses,
            vec![
                (
                    s("✗ FAILED: boom<U+202E>"),
                    json!({"execution": "P-1-00003", "caseIndex": 0, "line": 7})
                ),
                (
                    s("Run locally"),
                    json!({"execution": "P-1-00003", "caseIndex": 0, "testId": id})
                ),
            ]
        );
        let diags: Vec<String> = plan
            .diagnostics
            .iter()
            .map(|d| crate::convert::diagnostic(d).message)
            .collect();
        assert_eq!(
            diags,
            vec![
                unlinked_note("P-1-00003").1,
                s(
                    "FAILED in P-1-00003: tests/test_orders.py::test_tax[x<U+202E>]: boom<U+202E>\nexpected: 3\nactual: 2"
                )
            ]
        );
        let uri = "file:///ws/tests/test_orders.py".parse().unwrap();
        let h = hover(
            &mut inner,
            &uri,
            Path::new("/ws/testany.toml"),
            "tests/test_orders.py",
            ORDERS,
            Position::new(7, 0),
        )
        .expect("a hover");
        let shown = match crate::convert::hover(h).contents {
            tower_lsp_server::ls_types::HoverContents::Markup(m) => m.value,
            other => panic!("{other:?}"),
        };
        assert!(
            shown.starts_with(
                "**tests/test\\_orders.py::test\\_tax\\[x\\<U\\+202E\\>\\]** · case K1\n\n`tests/test_orders.py::test_tax[x<U+202E>]`"
            ),
            "{shown}"
        );
    }
}
