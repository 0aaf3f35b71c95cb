//! `testany analyze [LOGFILE|-] [--root DIR] [--json]`: failures, categories and
//! workspace locations in any local log. The log is read line by line, so a log of any
//! size is analysed in bounded memory.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer};
use serde::Serialize;
use testany_core::category;
use testany_core::locations::{Extractor, FailureLocation, WorkspaceIndex};

use crate::common::{self, FAILURES, Failure, OK};
use crate::out::{self, BOLD, GREEN, RED_BOLD, paint};
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
    /// Failures grouped by message, in order of first appearance.
    pub failures: Vec<AnalyzedFailure>,
    /// Number of failures per category (`assertion`, `timeout`, `error`, `infrastructure`).
    pub categories: BTreeMap<&'static str, usize>,
    /// Locations found, and how many resolved to files under `root`.
    pub locations: usize,
    pub resolved: usize,
}

#[derive(Debug, Serialize)]
pub struct AnalyzedFailure {
    pub message: Option<String>,
    pub category: Option<&'static str>,
    pub locations: Vec<AnalyzedLocation>,
}

#[derive(Debug, Serialize)]
pub struct AnalyzedLocation {
    /// The workspace file it resolved to (`null`: none under `root`).
    pub file: Option<String>,
    pub path: String,
    pub line: u32,
    pub column: Option<u32>,
    /// 1-based line of the log it was found on.
    pub log_line: Option<usize>,
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
        render(&mut out::stdout(), &analysis, &root)?;
    }
    Ok(common::exit(if analysis.failures.is_empty() {
        OK
    } else {
        FAILURES
    }))
}

/// Streams `reader` through the location extractor and groups what it found.
pub fn analyze(reader: impl Read, source: &str, root: &Path) -> io::Result<Analysis> {
    let mut reader = io::BufReader::with_capacity(256 * 1024, reader);
    let mut extractor = Extractor::new();
    let (mut count, mut bytes) = (0u64, 0u64);
    lines::for_each_line(&mut reader, |line, raw| {
        count += 1;
        bytes += raw.len() as u64;
        extractor.log_line(line);
        Ok(true)
    })?;
    let found = extractor.finish();
    let files = workspace::files(root);
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let index = WorkspaceIndex::new(&refs);
    Ok(group(source, root, count, bytes, &found, &index))
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
    let mut resolved = 0;
    for l in found {
        let file = index.resolve(&l.path).map(str::to_owned);
        resolved += usize::from(file.is_some());
        let loc = AnalyzedLocation {
            file,
            path: l.path.clone(),
            line: l.line,
            column: l.column,
            log_line: l.log_line.map(|n| n + 1),
        };
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
        failures,
        categories,
        locations: found.len(),
        resolved,
    }
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
        writeln!(out, "{}", paint(GREEN, "no failure locations found"))?;
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
                    out::plural(a.locations, "location", "locations"),
                    a.resolved,
                )
            )
        )?;
    }
    Ok(())
}
