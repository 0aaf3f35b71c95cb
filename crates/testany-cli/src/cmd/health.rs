//! `testany health PIPELINE [--days N] [--json]`: pass rate, runs, flaky and slowest
//! cases, and a per-day bar chart drawn with block characters.

use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;
use testany_client::{Client, ListFilter};
use testany_core::health::{PipelineHealth, health};
use testany_core::model::Execution;

use crate::common::{self, OK};
use crate::out::{self, BOLD, Cell, DIM, GREEN, RED, YELLOW, paint};

#[derive(Debug, clap::Args)]
pub struct HealthArgs {
    /// Pipeline key.
    pub pipeline: String,
    /// Days to look back (UTC days, today included).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    pub days: u32,
    /// Print JSON (shape: crates/testany-cli/README.md).
    #[arg(long)]
    pub json: bool,
}

/// `--json` of `health`: the pipeline key, the environment counted and the core's
/// health fields.
#[derive(Debug, Serialize)]
pub struct HealthJson {
    pub pipeline: String,
    /// The configured `environment` (`null`: runs of every environment count).
    pub environment: Option<String>,
    #[serde(flatten)]
    pub health: PipelineHealth,
}

/// Executions fetched with their cases at most (older ones count by result only).
const DETAILED: usize = 60;
/// Pages of 100 rows read at most.
const MAX_PAGES: u64 = 10;
/// Width of the longest bar.
const BAR: usize = 30;

pub fn run(args: HealthArgs) -> anyhow::Result<ExitCode> {
    let loaded = common::load_config(None)?;
    let client = common::client(&loaded.config, &common::env)?;
    let rt = common::runtime()?;
    let now = jiff::Timestamp::now();
    let environment = loaded.config.environment.clone();
    let executions = rt.block_on(async {
        let rows = collect(
            &client,
            &args.pipeline,
            environment.as_deref(),
            now,
            args.days,
        )
        .await?;
        if rows.is_empty() {
            known_pipeline(&client, &args.pipeline).await?;
        }
        anyhow::Ok(rows)
    })?;
    let h = health(&executions, now, args.days);
    if args.json {
        out::json(&HealthJson {
            pipeline: args.pipeline,
            environment,
            health: h,
        })?;
    } else {
        render(
            &mut out::stdout(),
            &args.pipeline,
            environment.as_deref(),
            &h,
        )?;
    }
    Ok(common::exit(OK))
}

/// No runs at all: an unknown pipeline is a usage error (exit 2, the sentence of
/// `pipeline show`), not an empty report. Other failures of the look-up (a service
/// without `testany_get_pipeline`) leave the empty report standing.
async fn known_pipeline(client: &Client, pipeline: &str) -> anyhow::Result<()> {
    match client.get_pipeline(pipeline).await {
        Ok(_) => Ok(()),
        Err(e @ testany_client::Error::Tool { .. }) => Err(e.into()),
        Err(e) => {
            tracing::debug!(error = %e, "cannot check that the pipeline exists");
            Ok(())
        }
    }
}

/// The pipeline's executions of the last `days` in `environment` (all when `None`),
/// the newest [`DETAILED`] with cases. The environment goes to the service as a filter
/// (the client filters the rows itself when the tool does not declare one).
async fn collect(
    client: &Client,
    pipeline: &str,
    environment: Option<&str>,
    now: jiff::Timestamp,
    days: u32,
) -> anyhow::Result<Vec<Execution>> {
    let back = jiff::SignedDuration::from_secs(i64::from(days) * 86_400);
    let from = now
        .checked_sub(back)
        .ok()
        .map(testany_core::plan::format_timestamp)
        .and_then(|s| s.get(..10).map(str::to_owned));
    let mut rows: Vec<Execution> = Vec::new();
    for page in 1..=MAX_PAGES {
        let filter = ListFilter {
            pipeline_key: Some(pipeline.to_owned()),
            env: environment.map(str::to_owned),
            date_from: from.clone(),
            page: Some(page),
            page_size: Some(100),
            ..ListFilter::default()
        };
        let list = client.list_executions(&filter).await?;
        rows.extend(list.executions.iter().cloned());
        // Not "this page came back empty": rows the client dropped for another
        // environment are still a full page (the list keeps the server's paging signal).
        if !list.more_after(rows.len() as u64) {
            break;
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in testany_core::plan::newest_first(&rows)
        .into_iter()
        .enumerate()
    {
        if i < DETAILED && row.cases.is_empty() {
            out.push(client.get_execution(&row.key).await?);
        } else {
            out.push(row.clone());
        }
    }
    Ok(out)
}

pub fn render(
    out: &mut impl Write,
    pipeline: &str,
    environment: Option<&str>,
    h: &PipelineHealth,
) -> io::Result<()> {
    writeln!(
        out,
        "{} health over {}{} ({} to {})",
        paint(BOLD, pipeline),
        out::plural(h.days, "day", "days"),
        environment.map(|e| format!(" in {e}")).unwrap_or_default(),
        h.from,
        h.to
    )?;
    let rate = h
        .pass_rate
        .map_or_else(|| "-".to_owned(), |r| format!("{:.0}%", r * 100.0));
    writeln!(
        out,
        "  pass rate {}  runs {}  passed {}  failed {}  other {}",
        paint(BOLD, &rate),
        h.runs,
        h.passed,
        h.failed,
        h.other
    )?;
    writeln!(out)?;
    let max = h.series.iter().map(|d| d.runs).max().unwrap_or(0).max(1) as usize;
    for d in &h.series {
        let scale = |n: u32| (n as usize * BAR).div_ceil(max);
        let passed = scale(d.passed);
        let failed = scale(d.failed).min(BAR - passed.min(BAR));
        let other = scale(d.runs)
            .saturating_sub(passed + failed)
            .min(BAR - (passed + failed).min(BAR));
        let bar = format!(
            "{}{}{}",
            paint(GREEN, &"█".repeat(passed)),
            paint(RED, &"█".repeat(failed)),
            paint(YELLOW, &"█".repeat(other))
        );
        let pad = " ".repeat(BAR - (passed + failed + other).min(BAR));
        let label = if d.runs == 0 {
            paint(DIM, "no runs")
        } else {
            format!(
                "{}, {} failed",
                out::plural(d.runs, "run", "runs"),
                d.failed
            )
        };
        writeln!(out, "  {}  {bar}{pad}  {label}", d.date)?;
    }
    writeln!(out)?;
    if h.flaky.is_empty() {
        writeln!(out, "{}", paint(DIM, "no flaky cases"))?;
    } else {
        writeln!(out, "{}", paint(BOLD, "Flaky cases"))?;
        let rows: Vec<Vec<Cell>> = h
            .flaky
            .iter()
            .map(|f| {
                vec![
                    Cell::new(&f.case_key),
                    Cell::new(format!("{} of {} failed", f.failed, f.runs)),
                    Cell::new(f.name.clone().unwrap_or_default()),
                ]
            })
            .collect();
        out::table(out, &["CASE", "FAILED", "NAME"], &rows)?;
    }
    writeln!(out)?;
    if !h.slowest.is_empty() {
        writeln!(out, "{}", paint(BOLD, "Slowest cases"))?;
        let rows: Vec<Vec<Cell>> = h
            .slowest
            .iter()
            .map(|s| {
                vec![
                    Cell::new(&s.case_key),
                    Cell::new(out::duration(Some(s.mean_ms))),
                    Cell::new(out::duration(Some(s.max_ms))),
                    Cell::new(s.name.clone().unwrap_or_default()),
                ]
            })
            .collect();
        out::table(out, &["CASE", "MEAN", "MAX", "NAME"], &rows)?;
    }
    Ok(())
}
