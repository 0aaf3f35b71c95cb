//! `testany executions list|show|refresh`.

use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;
use testany_client::ListFilter;
use testany_core::model::Execution;

use crate::common::{self, OK};
use crate::out::{self, BOLD, Cell, DIM, paint};

#[derive(Debug, clap::Subcommand)]
pub enum ExecutionsCommand {
    /// List recent executions, newest first.
    List(ListArgs),
    /// Show one execution and its cases.
    Show(ShowArgs),
    /// Ask the service to refresh an execution's state, then show it.
    Refresh(RefreshArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Workspace key (default: `workspace` of the configuration).
    #[arg(long)]
    pub workspace: Option<String>,
    /// Pipeline key.
    #[arg(long)]
    pub pipeline: Option<String>,
    /// Status or result, e.g. RUNNING or FAILED.
    #[arg(long)]
    pub status: Option<String>,
    /// Earliest date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<String>,
    /// Latest date (YYYY-MM-DD, inclusive, or RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<String>,
    /// Print JSON (shape: crates/testany-cli/README.md).
    #[arg(long)]
    pub json: bool,
}

/// A `--from`/`--to` bound, checked before any request (a bad one is a usage error,
/// exit 2) and passed on as written: the service reads the same forms.
fn parse_date(s: &str) -> Result<String, String> {
    let s = s.trim();
    match testany_core::model::parse_rfc3339(s) {
        Some(_) => Ok(s.to_owned()),
        None => Err(format!(
            "`{}` is not a date (YYYY-MM-DD) or an RFC 3339 time (2026-11-20T10:00:00Z)",
            crate::out::clean(s)
        )),
    }
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Execution key, e.g. Y2K-0601-0000A.
    pub key: String,
    /// Print the execution as JSON (the canonical model shape).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RefreshArgs {
    /// Execution key.
    pub key: String,
    /// Print the refreshed execution as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--json` of `executions list`.
#[derive(Debug, Serialize)]
struct ListJson<'a> {
    executions: &'a [Execution],
    total: Option<u64>,
}

pub fn run(command: ExecutionsCommand) -> anyhow::Result<ExitCode> {
    let loaded = common::load_config(None)?;
    let client = common::client(&loaded.config, &common::env)?;
    let rt = common::runtime()?;
    match command {
        ExecutionsCommand::List(args) => {
            let filter = ListFilter {
                workspace: args.workspace.or(loaded.config.workspace.clone()),
                pipeline_key: args.pipeline,
                status: args.status,
                date_from: args.from,
                date_to: args.to,
                ..ListFilter::default()
            };
            let list = rt.block_on(client.list_executions(&filter))?;
            let rows: Vec<Execution> = testany_core::plan::newest_first(&list.executions)
                .into_iter()
                .cloned()
                .collect();
            if args.json {
                out::json(&ListJson {
                    executions: &rows,
                    total: list.total,
                })?;
            } else {
                list_table(&mut out::stdout(), &rows)?;
            }
        }
        ExecutionsCommand::Show(args) => {
            let e = rt.block_on(client.get_execution(&args.key))?;
            print_execution(&e, args.json)?;
        }
        ExecutionsCommand::Refresh(args) => {
            let e = rt.block_on(client.refresh_execution(&args.key))?;
            print_execution(&e, args.json)?;
        }
    }
    Ok(common::exit(OK))
}

fn print_execution(e: &Execution, json: bool) -> anyhow::Result<()> {
    if json {
        out::json(e)?;
    } else {
        show(&mut out::stdout(), e)?;
    }
    Ok(())
}

pub fn list_table(out: &mut impl Write, rows: &[Execution]) -> io::Result<()> {
    if rows.is_empty() {
        writeln!(out, "{}", paint(DIM, "no executions match"))?;
        return Ok(());
    }
    let table: Vec<Vec<Cell>> = rows
        .iter()
        .map(|e| {
            vec![
                Cell::new(&e.key),
                out::execution_outcome(e),
                Cell::new(e.pipeline_key.clone().unwrap_or_default()),
                Cell::new(e.environment.clone().unwrap_or_default()),
                Cell::new(
                    e.trigger
                        .as_ref()
                        .map(|t| t.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                Cell::new(out::timestamp(e.started_at)),
                Cell::new(out::duration(e.duration_ms)),
            ]
        })
        .collect();
    out::table(
        out,
        &[
            "EXECUTION",
            "RESULT",
            "PIPELINE",
            "ENV",
            "TRIGGER",
            "STARTED",
            "DURATION",
        ],
        &table,
    )
}

/// An execution's header and case table.
pub fn show(out: &mut impl Write, e: &Execution) -> io::Result<()> {
    let outcome = out::execution_outcome(e);
    writeln!(
        out,
        "{} {}",
        paint(BOLD, &e.key),
        paint(outcome.style, &outcome.text)
    )?;
    let field =
        |name: &str, value: String| format!("  {} {value}", paint(DIM, &format!("{name:<9}")));
    if let Some(p) = &e.pipeline_key {
        let name = e
            .pipeline_name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        writeln!(out, "{}", field("pipeline", format!("{p}{name}")))?;
    }
    writeln!(out, "{}", field("status", e.status.as_str().to_owned()))?;
    if let Some(env) = &e.environment {
        writeln!(out, "{}", field("env", env.clone()))?;
    }
    if let Some(t) = &e.trigger {
        writeln!(out, "{}", field("trigger", t.as_str().to_owned()))?;
    }
    writeln!(out, "{}", field("started", out::timestamp(e.started_at)))?;
    writeln!(out, "{}", field("duration", out::duration(e.duration_ms)))?;
    writeln!(out)?;
    if e.cases.is_empty() {
        writeln!(out, "{}", paint(DIM, "no cases"))?;
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = e
        .cases
        .iter()
        .map(|c| {
            vec![
                Cell::new(c.index.to_string()),
                Cell::new(&c.case_key),
                out::case_outcome(c),
                Cell::new(out::duration(c.duration_ms)),
                Cell::new(c.name.clone().unwrap_or_default()),
                Cell::new(
                    c.error
                        .as_deref()
                        .and_then(|e| e.lines().next())
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect();
    out::table(
        out,
        &["#", "CASE", "RESULT", "DURATION", "NAME", "ERROR"],
        &rows,
    )
}
