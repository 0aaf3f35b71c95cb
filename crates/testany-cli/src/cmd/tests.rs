//! `testany tests [EXECUTION] [--json]`: every test of every case of an execution (by
//! default the latest of each configured pipeline), read from each case's log with the
//! core's framework modules and linked to its definition in the project with the core's
//! `linking` (issue 15): the case's `testany_get_case` trigger, the log's ids and paths,
//! a scan of the file. Printed compiler-style, `file:line: FAILED name: message`.
//!
//! The pieces (`Project`, [`case_tests`], [`link_log`]) are shared with `status`, which
//! reports the failing tests of its failing cases the same way.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use testany_client::{CaseMeta, Client, Executor};
use testany_core::frameworks::{Analyzer, Framework, TestResult, TestStatus};
use testany_core::linking::{self, CaseSource, Link, Override, Unlinked, Via, Workspace};
use testany_core::locations::WorkspaceIndex;
use testany_core::markers::CaseIndex;
use testany_core::model::{CaseResult, Execution};

use crate::common::{self, FAILURES, Failure, OK};
use crate::out::{self, BOLD, DIM, GREEN, RED_BOLD, YELLOW, paint};
use crate::{lines, workspace};

/// Arguments of `testany tests`.
#[derive(Debug, clap::Args)]
pub struct TestsArgs {
    /// An execution key (default: the latest execution of each configured pipeline).
    pub execution: Option<String>,
    /// A file or directory of the project (default: the current directory); the
    /// configuration is the nearest testany.toml at or above it.
    #[arg(long)]
    pub path: Option<PathBuf>,
    /// Print JSON (shape: crates/testany-cli/README.md).
    #[arg(long)]
    pub json: bool,
}

/// The `--json` shape.
#[derive(Debug, Serialize)]
pub struct TestsReport {
    pub config: Option<String>,
    pub root: String,
    pub executions: Vec<ExecutionTests>,
    pub summary: Summary,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub tests: usize,
    /// Tests per status (`passed`, `failed`, `error`, `skipped`, `flaky`).
    pub statuses: BTreeMap<&'static str, usize>,
    /// Tests without a definition site (ambiguous, stale or unlinked).
    pub unlinked: usize,
    /// Failing cases (a case can fail with no test in its log: a crash, a timeout).
    pub failed_cases: usize,
}

#[derive(Debug, Serialize)]
pub struct ExecutionTests {
    /// The configured pipeline it is the latest of (`null`: asked for by key).
    pub pipeline: Option<String>,
    pub execution: String,
    pub result: String,
    pub environment: Option<String>,
    pub cases: Vec<CaseTests>,
}

/// One case's tests.
#[derive(Debug, Serialize)]
pub struct CaseTests {
    pub index: usize,
    pub case_key: String,
    pub name: Option<String>,
    pub result: String,
    /// From `testany_get_case` (`null` when it could not be read: see `case_error`).
    pub executor: Option<String>,
    pub trigger_path: Option<String>,
    pub trigger_command: Vec<String>,
    pub case_error: Option<String>,
    /// The cached log the tests were read from, or why it could not be fetched.
    pub log: Option<String>,
    pub log_error: Option<String>,
    /// The case's trigger file in the project (where its own lens goes).
    pub trigger_file: Option<String>,
    /// Problems with the case as a whole (a trigger path not in the project...).
    pub problems: Vec<String>,
    pub tests: Vec<LinkedTest>,
}

/// One test with where it is defined and where it failed (lines 1-based).
#[derive(Debug, Clone, Serialize)]
pub struct LinkedTest {
    pub id: String,
    pub name: String,
    pub framework: Framework,
    pub status: TestStatus,
    pub duration_ms: Option<u64>,
    pub message: Option<String>,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// `linked`, `ambiguous`, `stale` or `unlinked`.
    pub link: &'static str,
    /// The definition site when linked.
    pub file: Option<String>,
    pub line: Option<u32>,
    /// Which evidence gave the site (`definition`, `override`, `printed_line`...).
    pub via: Option<Via>,
    /// Why there is no site, one sentence.
    pub reason: Option<String>,
    /// Ambiguous: the sites that fit equally (`file:line` or `file`).
    pub candidates: Vec<String>,
    /// Where it failed, when a frame of its failure lands in the project.
    pub failure: Option<FailureSite>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailureSite {
    pub file: String,
    pub line: u32,
    pub column: Option<u32>,
}

impl LinkedTest {
    pub fn is_linked(&self) -> bool {
        self.link == "linked"
    }

    /// The place a person should jump to: where it failed, else its definition.
    pub fn site(&self) -> Option<(&str, u32)> {
        if self.status.is_failure()
            && let Some(f) = &self.failure
        {
            return Some((&f.file, f.line));
        }
        Some((self.file.as_deref()?, self.line?))
    }
}

/// The project the tests are linked in: its files, read once, and its markers.
pub struct Project {
    pub root: PathBuf,
    pub files: Vec<String>,
    /// Markers and the `[cases]` entries whose file is in the project.
    pub index: CaseIndex,
    /// `[cases]` entries whose file is not in the project (case key -> the file as
    /// written): they link nothing, and a failing case's entry counts as not linked.
    pub missing: BTreeMap<String, String>,
}

impl Project {
    pub fn load(root: &Path, config: &testany_core::config::Config) -> Self {
        let files = workspace::files(root);
        let (present, missing): (BTreeMap<_, _>, BTreeMap<_, _>) = config
            .cases
            .clone()
            .into_iter()
            .partition(|(_, file)| testany_core::config::case_file_listed(&files, file));
        let index = workspace::case_index(root, &files, &present);
        Project {
            root: root.to_path_buf(),
            files,
            index,
            missing,
        }
    }

    /// The one-sentence problem of `case_key`'s `[cases]` entry when its file is not
    /// in the project.
    pub fn missing_entry(&self, case_key: &str) -> Option<String> {
        let file = self.missing.get(case_key)?;
        Some(testany_core::config::missing_case_file(case_key, file))
    }
}

/// Files larger than this are not scanned for definitions (a minified bundle, a dump).
const MAX_SCAN_BYTES: u64 = 8 * 1024 * 1024;

pub fn run(args: TestsArgs) -> anyhow::Result<ExitCode> {
    let loaded = common::load_config(args.path.as_deref())?;
    let client = common::client(&loaded.config, &common::env)?;
    let rt = common::runtime()?;
    let report = rt.block_on(build(
        &client,
        &loaded.config,
        &loaded.root,
        loaded.file.as_deref(),
        args.execution.as_deref(),
        &common::cache_dir(),
    ))?;
    if args.json {
        out::json(&report)?;
    } else {
        let mut stdout = out::stdout();
        render(&mut stdout, &report)?;
        stdout.flush()?;
    }
    let failed = report.summary.failed_cases > 0
        || report
            .executions
            .iter()
            .flat_map(|e| &e.cases)
            .flat_map(|c| &c.tests)
            .any(|t| t.status.is_failure());
    Ok(common::exit(if failed { FAILURES } else { OK }))
}

/// Builds the report: the executions, each case's metadata and log, the links.
pub async fn build(
    client: &Client,
    config: &testany_core::config::Config,
    root: &Path,
    file: Option<&Path>,
    execution: Option<&str>,
    cache: &Path,
) -> anyhow::Result<TestsReport> {
    let mut targets: Vec<(Option<String>, Execution)> = Vec::new();
    match execution {
        Some(key) => targets.push((None, client.get_execution(key).await?)),
        None => {
            if config.pipelines.is_empty() {
                return Err(Failure::usage(
                    "no pipelines are configured; name an execution (`testany tests KEY`) or list pipelines in testany.toml (`pipelines = [\"KEY\"]`)",
                )
                .into());
            }
            for p in &config.pipelines {
                if let Some(e) =
                    super::status::latest(client, p, config.environment.as_deref()).await?
                {
                    targets.push((Some(p.clone()), e));
                }
            }
        }
    }
    let project = Project::load(root, config);
    let refs: Vec<&str> = project.files.iter().map(String::as_str).collect();
    let ws = Workspace::new(&refs);
    let resolver = WorkspaceIndex::new(&refs);
    let mut report = TestsReport {
        config: file.map(|f| f.display().to_string()),
        root: root.display().to_string(),
        executions: Vec::new(),
        summary: Summary::default(),
    };
    for (pipeline, e) in targets {
        let mut cases = Vec::new();
        report.summary.failed_cases += e.cases.iter().filter(|c| c.is_failure()).count();
        for case in e.cases.iter().filter(|c| super::run::case_done(c)) {
            let (log, log_error) = match common::cached_log(client, cache, &e.key, case.index).await
            {
                Ok(path) => (Some(path), None),
                Err(err) => (None, Some(err.to_string())),
            };
            cases.push(
                case_tests(
                    client,
                    &project,
                    &ws,
                    &resolver,
                    case,
                    log.as_deref(),
                    log_error,
                )
                .await,
            );
        }
        for t in cases.iter().flat_map(|c| &c.tests) {
            report.summary.tests += 1;
            *report
                .summary
                .statuses
                .entry(status_word(t.status))
                .or_insert(0) += 1;
            report.summary.unlinked += usize::from(!t.is_linked());
        }
        report.executions.push(ExecutionTests {
            pipeline,
            execution: e.key.clone(),
            result: out::outcome_word(Some(&e.status), e.result.as_ref()),
            environment: e.environment.clone(),
            cases,
        });
    }
    Ok(report)
}

/// One case: its metadata (cached per client), the tests of its log at `log`, linked.
pub async fn case_tests(
    client: &Client,
    project: &Project,
    ws: &Workspace<'_>,
    resolver: &WorkspaceIndex<'_>,
    case: &CaseResult,
    log: Option<&Path>,
    log_error: Option<String>,
) -> CaseTests {
    let (meta, case_error) = match client.get_case(&case.case_key).await {
        Ok(m) => (Some(m), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let mut tests = log.map(analyze_file).unwrap_or_default();
    if let Some(frameworks) = meta
        .as_ref()
        .and_then(|m| m.executor.as_ref())
        .and_then(executor_frameworks)
    {
        tests.retain(|t| frameworks.contains(&t.framework));
    }
    let linked = link_log(
        project,
        ws,
        resolver,
        &case.case_key,
        meta.as_deref(),
        &tests,
    );
    CaseTests {
        index: case.index,
        case_key: case.case_key.clone(),
        name: case
            .name
            .clone()
            .or_else(|| meta.as_ref().and_then(|m| m.name.clone())),
        result: out::outcome_word(case.status.as_ref(), case.result.as_ref()),
        executor: meta
            .as_ref()
            .and_then(|m| m.executor.as_ref())
            .map(|e| e.as_str().to_owned()),
        trigger_path: meta.as_ref().and_then(|m| m.trigger_path.clone()),
        trigger_command: meta
            .as_ref()
            .map(|m| m.trigger_command.clone())
            .unwrap_or_default(),
        case_error,
        log: log.map(|p| p.display().to_string()),
        log_error,
        trigger_file: linked.trigger_file,
        problems: linked.problems,
        tests: linked.tests,
    }
}

/// The frameworks a known executor runs. Results other framework modules read from its
/// log (a runner's preamble, a build step's output) are not the case's tests.
pub fn executor_frameworks(executor: &Executor) -> Option<&'static [Framework]> {
    match executor {
        Executor::Pyres | Executor::Python => Some(&[Framework::Pytest, Framework::Unittest]),
        Executor::Maven | Executor::Gradle => Some(&[Framework::Junit]),
        Executor::Playwright => Some(&[Framework::Playwright]),
        Executor::Postman => Some(&[Framework::Newman]),
        Executor::Other(_) => None,
    }
}

/// The tests a cached log reports (streamed line by line).
pub fn analyze_file(path: &Path) -> Vec<TestResult> {
    let mut analyzer = Analyzer::new();
    match std::fs::File::open(path) {
        Ok(f) => {
            let mut reader = io::BufReader::with_capacity(64 * 1024, f);
            let _ = lines::for_each_line(&mut reader, |line, _| {
                analyzer.line(line);
                Ok(true)
            });
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the cached log"),
    }
    analyzer.finish().tests
}

/// What linking one case gave.
pub struct CaseLinked {
    pub tests: Vec<LinkedTest>,
    pub trigger_file: Option<String>,
    pub problems: Vec<String>,
}

/// Links `tests` of case `case_key`: markers and `[cases]` first (overrides), then the
/// case's trigger, the log's ids, the definition scan (`testany_core::linking`).
pub fn link_log(
    project: &Project,
    ws: &Workspace<'_>,
    resolver: &WorkspaceIndex<'_>,
    case_key: &str,
    meta: Option<&CaseMeta>,
    tests: &[TestResult],
) -> CaseLinked {
    let overrides: Vec<Override<'_>> = project
        .index
        .sites(case_key)
        .iter()
        .map(|s| Override {
            test: None,
            file: &s.path,
            line: None,
        })
        .collect();
    let no_command: &[String] = &[];
    let source = CaseSource {
        executor: meta.and_then(|m| m.executor.as_ref()).map(|e| e.as_str()),
        trigger_path: meta.and_then(|m| m.trigger_path.as_deref()),
        trigger_command: meta.map_or(no_command, |m| m.trigger_command.as_slice()),
        overrides: &overrides,
    };
    let root = &project.root;
    let mut read = |rel: &str| -> Option<String> {
        let path = root.join(rel);
        let size = std::fs::metadata(&path).ok()?.len();
        if size > MAX_SCAN_BYTES {
            return None;
        }
        std::fs::read_to_string(path).ok()
    };
    let links = linking::link_case(&source, tests, ws, &mut read);
    let tests = tests
        .iter()
        .zip(links.links)
        .map(|(t, link)| linked_test(t, link, resolver))
        .collect();
    let mut problems: Vec<String> = project.missing_entry(case_key).into_iter().collect();
    problems.extend(links.problems.iter().map(ToString::to_string));
    CaseLinked {
        tests,
        trigger_file: links.trigger_file,
        problems,
    }
}

fn linked_test(t: &TestResult, link: Link, resolver: &WorkspaceIndex<'_>) -> LinkedTest {
    let mut out = LinkedTest {
        id: t.id.clone(),
        name: t.name.clone(),
        framework: t.framework,
        status: t.status,
        duration_ms: t.duration_ms,
        message: t.message.clone(),
        expected: t.expected.clone(),
        actual: t.actual.clone(),
        link: "linked",
        file: None,
        line: None,
        via: None,
        reason: None,
        candidates: Vec::new(),
        failure: None,
    };
    match link {
        Link::Linked { file, line, via } => {
            out.file = Some(file);
            out.line = Some(line + 1);
            out.via = Some(via);
        }
        Link::Ambiguous { candidates } => {
            out.link = "ambiguous";
            out.candidates = candidates
                .iter()
                .map(|s| match s.line {
                    Some(l) => format!("{}:{}", s.file, l + 1),
                    None => s.file.clone(),
                })
                .collect();
            out.reason = Some(format!(
                "several definitions fit equally ({}): add a [cases] entry to choose",
                out.candidates.join(", ")
            ));
        }
        Link::Stale { file } => {
            out.link = "stale";
            out.reason = Some(format!(
                "{file} no longer defines this test (renamed or removed since the run?)"
            ));
        }
        Link::Unlinked(why) => {
            out.link = "unlinked";
            out.reason = Some(unlinked_reason(&why));
        }
    }
    // An ambiguous test's frames tie the same way its definitions do, and a stale
    // one's line is of an older file: no failing line is shown for either.
    if t.status.is_failure() && matches!(out.link, "linked" | "unlinked") {
        out.failure = failure_site(t, out.file.as_deref(), resolver);
    }
    out
}

fn unlinked_reason(why: &Unlinked) -> String {
    why.to_string()
}

/// The frame of the test's failure to show: one in its own file first, else the first
/// that lands in the project. Newman's locations are script ordinals, not file lines.
fn failure_site(
    t: &TestResult,
    own: Option<&str>,
    resolver: &WorkspaceIndex<'_>,
) -> Option<FailureSite> {
    let resolved: Vec<FailureSite> = t
        .locations
        .iter()
        .filter(|_| t.framework != Framework::Newman)
        .filter_map(|l| {
            Some(FailureSite {
                file: resolver.resolve(&l.path)?.to_owned(),
                line: l.line,
                column: l.column,
            })
        })
        .collect();
    let in_own = own.and_then(|f| resolved.iter().position(|s| s.file == f));
    let pick = in_own.unwrap_or(0);
    resolved.into_iter().nth(pick)
}

pub fn status_word(s: TestStatus) -> &'static str {
    match s {
        TestStatus::Passed => "passed",
        TestStatus::Failed => "failed",
        TestStatus::Skipped => "skipped",
        TestStatus::Error => "error",
        TestStatus::Flaky => "flaky",
    }
}

/// The first line of a message, cut for a terminal.
fn first_line(s: &str) -> String {
    const MAX: usize = 160;
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() <= MAX {
        line.to_owned()
    } else {
        let mut t: String = line.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

/// One compiler-style line for a test: `file:line: FAILED name: message`; a test
/// without a site starts with its case key.
pub fn test_line(case_key: &str, t: &LinkedTest) -> String {
    let at = match t.site() {
        Some((file, line)) => format!("{file}:{line}"),
        None => case_key.to_owned(),
    };
    let duration = t
        .duration_ms
        .map(|ms| format!(" ({})", out::duration(Some(ms))))
        .unwrap_or_default();
    let word = match t.status {
        TestStatus::Failed => paint(RED_BOLD, "FAILED"),
        TestStatus::Error => paint(RED_BOLD, "ERROR"),
        TestStatus::Passed => paint(GREEN, "passed"),
        TestStatus::Flaky => paint(YELLOW, "flaky"),
        TestStatus::Skipped => paint(DIM, "skipped"),
    };
    let mut line = format!("{at}: {word} {}", t.name);
    if t.status.is_failure() {
        if let Some(m) = t
            .message
            .as_deref()
            .map(first_line)
            .filter(|m| !m.is_empty())
        {
            line.push_str(&format!(": {m}"));
        }
    } else {
        line.push_str(&duration);
    }
    line
}

/// The note under a test without a site.
pub fn unlinked_note(t: &LinkedTest) -> Option<String> {
    if t.is_linked() {
        return None;
    }
    Some(format!(
        "  {} {}",
        paint(DIM, &format!("{}:", t.link)),
        t.reason.as_deref().unwrap_or("no definition found")
    ))
}

pub fn render(out: &mut impl Write, report: &TestsReport) -> io::Result<()> {
    for e in &report.executions {
        let mut head = format!("{} {}", paint(BOLD, &e.execution), e.result);
        if let Some(env) = &e.environment {
            head.push_str(&format!(" · {env}"));
        }
        if let Some(p) = &e.pipeline {
            head.push_str(&format!(" · latest of {p}"));
        }
        writeln!(out, "{head}")?;
        for c in &e.cases {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for t in &c.tests {
                *counts.entry(status_word(t.status)).or_insert(0) += 1;
            }
            let counted = if c.tests.is_empty() {
                "no tests in its log".to_owned()
            } else {
                counts
                    .iter()
                    .map(|(w, n)| format!("{n} {w}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let name = c.name.as_deref().unwrap_or("");
            writeln!(
                out,
                "\n{} {} {name} {}: {counted}",
                paint(BOLD, "case"),
                c.case_key,
                c.result
            )?;
            for p in &c.problems {
                writeln!(out, "  {} {p}", paint(YELLOW, "warning:"))?;
            }
            if let Some(err) = &c.log_error {
                writeln!(out, "  {} log not read: {err}", paint(YELLOW, "warning:"))?;
            }
            if let Some(err) = &c.case_error {
                writeln!(
                    out,
                    "  {} case metadata not read: {err}",
                    paint(YELLOW, "warning:")
                )?;
            }
            for t in &c.tests {
                writeln!(out, "{}", test_line(&c.case_key, t))?;
                if let Some(note) = unlinked_note(t) {
                    writeln!(out, "{note}")?;
                }
            }
        }
        writeln!(out)?;
    }
    let s = &report.summary;
    let mut parts: Vec<String> = s.statuses.iter().map(|(w, n)| format!("{n} {w}")).collect();
    if s.unlinked > 0 {
        parts.push(format!("{} not linked to a definition", s.unlinked));
    }
    let text = format!(
        "{}{}{}",
        out::plural(s.tests, "test", "tests"),
        if parts.is_empty() { "" } else { ": " },
        parts.join(", ")
    );
    let style = if s.statuses.contains_key("failed") || s.statuses.contains_key("error") {
        RED_BOLD
    } else {
        GREEN
    };
    writeln!(out, "{}", paint(style, &text))
}
