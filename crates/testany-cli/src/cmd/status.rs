//! `testany status [PATH] [--json]`: the latest execution of each configured pipeline,
//! its failing cases linked to files (markers and `[cases]`) and the failure locations
//! found in their error texts and logs, as a compiler-style report.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;
use testany_client::{Client, ListFilter};
use testany_core::category;
use testany_core::config::Config;
use testany_core::locations::{Extractor, WorkspaceIndex};
use testany_core::markers::AnchorSource;
use testany_core::model::{CaseResult, Execution};

use super::tests::{self as per_test, LinkedTest, Project};
use crate::common::{self, FAILURES, Failure, OK};
use crate::lines;
use crate::out::{self, BOLD, DIM, GREEN, RED_BOLD, paint};

/// Arguments of `testany status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// A file or directory of the project (default: the current directory); the
    /// configuration is the nearest testany.toml at or above it.
    pub path: Option<PathBuf>,
    /// Print the report as JSON (shape: crates/testany-cli/README.md).
    #[arg(long)]
    pub json: bool,
    /// Exit 0 even when a failing test or case could not be linked to a file (the
    /// default is 1: a failure nobody can jump to is a failure of the setup too).
    #[arg(long)]
    pub allow_unlinked: bool,
}

/// The whole report; also the `--json` shape.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    /// The testany.toml used (`null`: configured by the environment).
    pub config: Option<String>,
    /// The project directory cases and locations are resolved in.
    pub root: String,
    pub pipelines: Vec<PipelineStatus>,
    /// Failing cases of the latest executions.
    pub failed: usize,
    /// Of those, the ones linked to a file (marker, `[cases]`, trigger file, or a
    /// failing test linked to its definition): they decide exit 1.
    pub linked_failed: usize,
    /// Failing cases and failing tests that could not be linked to a file: exit 1
    /// unless `--allow-unlinked`.
    pub unlinked: usize,
}

#[derive(Debug, Serialize)]
pub struct PipelineStatus {
    pub pipeline: String,
    /// The latest execution with its cases (`null`: the pipeline has none yet).
    pub execution: Option<Execution>,
    pub failures: Vec<CaseFailure>,
}

#[derive(Debug, Serialize)]
pub struct CaseFailure {
    pub execution: String,
    pub index: usize,
    pub case_key: String,
    pub name: Option<String>,
    pub result: String,
    pub category: Option<&'static str>,
    pub error: Option<String>,
    /// Where the case is linked in the project (1-based lines).
    pub sites: Vec<Site>,
    /// Failure locations found in the error text and the log.
    pub locations: Vec<Location>,
    /// The cached log the locations were read from.
    pub log: Option<String>,
    /// Why the log could not be fetched, when it could not.
    pub log_error: Option<String>,
    /// The case's trigger file in the project (`testany_get_case`), when it is one.
    pub trigger_file: Option<String>,
    /// The failing tests its log reports, each linked to its definition (issue 15).
    pub tests: Vec<LinkedTest>,
    /// Linked to a file: a site, a trigger file, or a linked failing test.
    pub linked: bool,
    /// The file of the case's `[cases]` entry when it is not in the project: the entry
    /// links nothing and counts as not linked.
    pub missing_cases_file: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Site {
    pub path: String,
    pub line: u32,
    pub source: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Location {
    /// The project file it resolved to (`null`: not in this project).
    pub file: Option<String>,
    /// The path as written in the log.
    pub path: String,
    pub line: u32,
    pub column: Option<u32>,
    pub message: Option<String>,
}

/// Locations shown per case in the human report (all are in the JSON).
const SHOWN_LOCATIONS: usize = 5;

pub fn run(args: StatusArgs) -> anyhow::Result<ExitCode> {
    let loaded = common::load_config(args.path.as_deref())?;
    let client = common::client(&loaded.config, &common::env)?;
    let rt = common::runtime()?;
    let report = rt.block_on(build(
        &client,
        &loaded.config,
        &loaded.root,
        loaded.file.as_deref(),
    ))?;
    if args.json {
        out::json(&report)?;
    } else {
        render(&mut out::stdout(), &report, &loaded.root)?;
    }
    Ok(common::exit(exit_code(&report, args.allow_unlinked)))
}

pub fn exit_code(report: &StatusReport, allow_unlinked: bool) -> u8 {
    if report.linked_failed > 0 || (!allow_unlinked && report.unlinked > 0) {
        FAILURES
    } else {
        OK
    }
}

/// The latest execution of `pipeline` (in `environment` when given), with its cases.
pub async fn latest(
    client: &Client,
    pipeline: &str,
    environment: Option<&str>,
) -> anyhow::Result<Option<Execution>> {
    let filter = ListFilter {
        pipeline_key: Some(pipeline.to_owned()),
        env: environment.map(str::to_owned),
        page_size: Some(20),
        ..ListFilter::default()
    };
    let list = client.list_executions(&filter).await?;
    let newest = testany_core::plan::newest_first(&list.executions);
    let Some(first) = newest.first() else {
        return Ok(None);
    };
    Ok(Some(client.get_execution(&first.key).await?))
}

/// Builds the report: service calls, log fetches into the cache, workspace scan.
pub async fn build(
    client: &Client,
    config: &Config,
    root: &Path,
    file: Option<&Path>,
) -> anyhow::Result<StatusReport> {
    build_in(client, config, root, file, &common::cache_dir()).await
}

/// [`build`] with logs cached under the cache base `cache` (`<cache>/testany/logs`).
pub async fn build_in(
    client: &Client,
    config: &Config,
    root: &Path,
    file: Option<&Path>,
    cache: &Path,
) -> anyhow::Result<StatusReport> {
    if config.pipelines.is_empty() {
        return Err(Failure::usage(
            "no pipelines are configured; list them in testany.toml (`pipelines = [\"KEY\"]`) or TESTANY_PIPELINES",
        )
        .into());
    }
    let project = Project::load(root, config);
    let file_refs: Vec<&str> = project.files.iter().map(String::as_str).collect();
    let resolver = WorkspaceIndex::new(&file_refs);
    let ws = testany_core::linking::Workspace::new(&file_refs);
    let linker = (&project, &ws, &resolver);
    let mut report = StatusReport {
        config: file.map(|f| f.display().to_string()),
        root: root.display().to_string(),
        pipelines: Vec::new(),
        failed: 0,
        linked_failed: 0,
        unlinked: 0,
    };
    for pipeline in &config.pipelines {
        let execution = latest(client, pipeline, config.environment.as_deref()).await?;
        let mut failures = Vec::new();
        if let Some(e) = &execution {
            for case in e.cases.iter().filter(|c| c.is_failure()) {
                failures.push(case_failure(client, e, case, linker, cache).await);
            }
        }
        report.failed += failures.len();
        report.linked_failed += failures.iter().filter(|f| f.linked).count();
        report.unlinked += failures
            .iter()
            .map(|f| {
                usize::from(!f.linked)
                    + usize::from(f.missing_cases_file.is_some())
                    + f.tests.iter().filter(|t| !t.is_linked()).count()
            })
            .sum::<usize>();
        report.pipelines.push(PipelineStatus {
            pipeline: pipeline.clone(),
            execution,
            failures,
        });
    }
    Ok(report)
}

async fn case_failure(
    client: &Client,
    execution: &Execution,
    case: &CaseResult,
    (project, ws, resolver): (
        &Project,
        &testany_core::linking::Workspace<'_>,
        &WorkspaceIndex<'_>,
    ),
    cache: &Path,
) -> CaseFailure {
    let sites: Vec<Site> = project
        .index
        .sites(&case.case_key)
        .iter()
        .map(|s| Site {
            path: s.path.clone(),
            line: s.line + 1,
            source: match s.source {
                AnchorSource::Marker => "marker",
                AnchorSource::Mapping => "mapping",
            },
        })
        .collect();
    let mut extractor = Extractor::new();
    if let Some(error) = &case.error {
        extractor.error_text(error);
    }
    let mut saved_path = None;
    let (log, log_error) = match common::cached_log(client, cache, &execution.key, case.index).await
    {
        Ok(path) => {
            saved_path = Some(path.clone());
            match std::fs::File::open(&path) {
                Ok(f) => {
                    let mut reader = io::BufReader::with_capacity(64 * 1024, f);
                    let _ = lines::for_each_line(&mut reader, |line, _| {
                        extractor.log_line(line);
                        Ok(true)
                    });
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the cached log"),
            }
            (Some(path.display().to_string()), None)
        }
        Err(e) => (None, Some(e.to_string())),
    };
    let mut locations: Vec<Location> = Vec::new();
    for l in extractor.finish() {
        let file = resolver.resolve(&l.path).map(str::to_owned);
        if let Some(f) = &file
            && let Some(existing) = locations
                .iter_mut()
                .find(|x| x.file.as_deref() == Some(f) && x.line == l.line)
        {
            if existing.message.is_none() {
                existing.message = l.message;
            }
            continue;
        }
        locations.push(Location {
            file,
            path: l.path,
            line: l.line,
            column: l.column,
            message: l.message,
        });
    }
    let linked = per_test::case_tests(
        client,
        project,
        ws,
        resolver,
        case,
        saved_path.as_deref(),
        None,
    )
    .await;
    let tests: Vec<LinkedTest> = linked
        .tests
        .into_iter()
        .filter(|t| t.status.is_failure())
        .collect();
    let is_linked = !sites.is_empty()
        || linked.trigger_file.is_some()
        || tests.iter().any(LinkedTest::is_linked);
    CaseFailure {
        execution: execution.key.clone(),
        index: case.index,
        case_key: case.case_key.clone(),
        name: case.name.clone(),
        result: out::outcome_word(case.status.as_ref(), case.result.as_ref()),
        // A test project's error text is a summary ("2 of 5 tests failed: ..."): its
        // first failing test says what kind of failure it is (core's rule, as the
        // language server's).
        category: testany_core::plan::case_category(
            case,
            tests.first().map(|t| (t.status, t.message.as_deref())),
        )
        .map(category::code),
        error: case.error.clone(),
        sites,
        locations,
        log,
        log_error,
        trigger_file: linked.trigger_file,
        tests,
        linked: is_linked,
        missing_cases_file: project.missing.get(&case.case_key).cloned(),
    }
}

/// Writes the human report.
pub fn render(out: &mut impl Write, report: &StatusReport, root: &Path) -> io::Result<()> {
    let renderer = Renderer::styled();
    for p in &report.pipelines {
        let Some(e) = &p.execution else {
            writeln!(
                out,
                "{} {}",
                paint(BOLD, &p.pipeline),
                paint(DIM, "has no executions yet")
            )?;
            continue;
        };
        let outcome = out::execution_outcome(e);
        let mut head = format!(
            "{} {} {}",
            paint(BOLD, &p.pipeline),
            e.key,
            paint(outcome.style, &outcome.text)
        );
        if let Some(env) = &e.environment {
            head.push_str(&format!(" · {env}"));
        }
        if e.started_at.is_some() {
            head.push_str(&format!(" · {}", out::timestamp(e.started_at)));
        }
        writeln!(out, "{head}")?;
        let passed = e.cases.iter().filter(|c| c.is_passed()).count();
        let done = e.cases.iter().filter(|c| super::run::case_done(c)).count();
        writeln!(
            out,
            "  {}: {} passed, {} failed{}",
            out::plural(e.cases.len(), "case", "cases"),
            passed,
            p.failures.len(),
            if done < e.cases.len() {
                format!(", {} not finished", e.cases.len() - done)
            } else {
                String::new()
            }
        )?;
        writeln!(out)?;
        for f in &p.failures {
            let groups = failure_groups(f, root);
            writeln!(out, "{}", renderer.render(&groups))?;
            // A marked case whose log is its one failing test is shown above already.
            let one_marked = !f.sites.is_empty() && f.tests.len() <= 1;
            if !one_marked {
                for t in &f.tests {
                    writeln!(out, "{}", per_test::test_line(&f.case_key, t))?;
                    if let Some(note) = per_test::unlinked_note(t) {
                        writeln!(out, "{note}")?;
                    }
                }
            }
            writeln!(
                out,
                "  {} testany logs {} {}",
                paint(DIM, "log:"),
                f.execution,
                f.index
            )?;
            writeln!(out)?;
        }
    }
    let summary = if report.failed == 0 {
        paint(GREEN, "no failing cases in the latest executions")
    } else {
        paint(
            RED_BOLD,
            &format!(
                "{}, {} linked to {}",
                out::plural(report.failed, "failing case", "failing cases"),
                report.linked_failed,
                if report.linked_failed == 1 {
                    "a file"
                } else {
                    "files"
                }
            ),
        )
    };
    let summary = if report.unlinked > 0 {
        format!(
            "{summary}{}",
            paint(
                RED_BOLD,
                &format!(
                    "; {} not linked (--allow-unlinked accepts that)",
                    out::plural(
                        report.unlinked,
                        "failing test or case",
                        "failing tests or cases"
                    )
                )
            )
        )
    } else {
        summary
    };
    writeln!(out, "{summary}")?;
    Ok(())
}

/// One compiler-style message per failing case: the failure locations with source
/// snippets, then where the case is marked.
fn failure_groups<'a>(f: &'a CaseFailure, root: &Path) -> Vec<Group<'a>> {
    let title = match &f.name {
        Some(name) => format!("{} {} {}", f.result, f.case_key, name),
        None => format!("{} {}", f.result, f.case_key),
    };
    let first_error = f.error.as_deref().and_then(|e| e.lines().next()).map(clip);
    // Service text is cleaned before annotate-snippets sees it: it would turn ESC
    // into a visible `␛` and leave the sequence's payload as text.
    let mut title = Level::ERROR.primary_title(out::clean(&title).into_owned());
    if let Some(cat) = f.category {
        title = title.id(cat);
    }
    let mut group = Group::with_title(title);
    let mut notes: Vec<String> = Vec::new();
    let mut shown = 0;
    for l in &f.locations {
        let Some(file) = &l.file else { continue };
        if shown == SHOWN_LOCATIONS {
            let more = f.locations.iter().filter(|l| l.file.is_some()).count() - shown;
            notes.push(format!(
                "{} more: see `--json`",
                out::plural(more, "location", "locations")
            ));
            break;
        }
        shown += 1;
        let label = l
            .message
            .as_deref()
            .map(clip)
            .or_else(|| first_error.clone())
            .unwrap_or_default();
        match snippet(root, file, l.line, label, AnnotationKind::Primary) {
            Some(s) => group = group.element(s),
            None => notes.push(format!("at {file}:{}", l.line)),
        }
    }
    for s in &f.sites {
        if s.source == "mapping" {
            notes.push(format!("linked to {} by [cases] in testany.toml", s.path));
            continue;
        }
        let (kind, label) = if shown == 0 {
            (
                AnnotationKind::Primary,
                first_error.clone().unwrap_or_default(),
            )
        } else {
            (
                AnnotationKind::Context,
                format!("case {} is marked here", f.case_key),
            )
        };
        match snippet(root, &s.path, s.line, label, kind) {
            Some(sn) => group = group.element(sn),
            None => notes.push(format!("marked at {}:{}", s.path, s.line)),
        }
        shown += 1;
    }
    if let Some(file) = f.trigger_file.as_ref().filter(|_| f.sites.is_empty()) {
        notes.push(format!("the case runs {file}"));
    }
    notes.extend(missing_entry_note(f));
    if !f.linked {
        notes.push(format!(
            "not linked to a file: add `testany: {}` in a comment by the test, or map it under [cases] in testany.toml",
            f.case_key
        ));
    }
    if shown == 0
        && let Some(e) = &first_error
    {
        notes.insert(0, e.clone());
    }
    notes.push(format!("in execution {} (case {})", f.execution, f.index));
    if let Some(err) = &f.log_error {
        notes.push(format!("log not read: {err}"));
    }
    let mut groups = vec![group];
    for n in notes {
        groups.push(Group::with_title(
            Level::NOTE.secondary_title(out::clean(&n).into_owned()),
        ));
    }
    groups
}

/// The sentence for a `[cases]` entry whose file is not in the project.
fn missing_entry_note(f: &CaseFailure) -> Option<String> {
    let file = f.missing_cases_file.as_deref()?;
    Some(testany_core::config::missing_case_file(&f.case_key, file))
}

/// A snippet of `path` (project-relative) around 1-based `line`, the line annotated.
pub(crate) fn snippet(
    root: &Path,
    path: &str,
    line: u32,
    label: String,
    kind: AnnotationKind,
) -> Option<Snippet<'static, annotate_snippets::Annotation<'static>>> {
    let text = std::fs::read_to_string(root.join(path)).ok()?;
    let target = usize::try_from(line).ok()?.checked_sub(1)?;
    let first = target.saturating_sub(2);
    let window: Vec<&str> = text.lines().skip(first).take(target - first + 1).collect();
    if window.len() != target - first + 1 {
        return None;
    }
    let source = window.join("\n");
    let last = window.last()?;
    let start = source.len() - last.len() + (last.len() - last.trim_start().len());
    let end = source.len() - (last.len() - last.trim_end().len());
    let end = end.max(start);
    Some(
        Snippet::source(source)
            .line_start(first + 1)
            .path(path.to_owned())
            .annotation(kind.span(start..end).label(out::clean(&label).into_owned())),
    )
}

/// One line of a message, cut to a terminal-friendly length.
fn clip(s: &str) -> String {
    const MAX: usize = 160;
    let s = s.trim();
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}
