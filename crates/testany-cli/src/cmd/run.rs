//! `testany run PIPELINE [--wait]`: start an execution; with `--wait`, poll it with a
//! progress bar (cases done/total, elapsed) until it finishes.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use testany_client::Client;
use testany_core::model::Execution;

use crate::common::{self, FAILURES, OK};
use crate::out::{self, BOLD, paint};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Pipeline key, e.g. Y2K-0601.
    pub pipeline: String,
    /// Wait for the execution to finish (progress bar on a terminal); exit 1 if it failed.
    #[arg(long)]
    pub wait: bool,
    /// Seconds between two polls while waiting.
    #[arg(long, default_value_t = 2.0, value_name = "SECS", value_parser = parse_interval)]
    pub interval: f64,
    /// Print the final execution as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_interval(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.05..=3600.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "`{s}` is not a number of seconds between 0.05 and 3600"
        )),
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let loaded = common::load_config(None)?;
    let client = common::client(&loaded.config, &common::env)?;
    let rt = common::runtime()?;
    let started = rt.block_on(client.execute_pipeline(&args.pipeline))?;
    if !args.wait {
        if args.json {
            out::json(&started)?;
        } else {
            writeln!(
                out::stdout(),
                "started {} ({})",
                paint(BOLD, &started.key),
                started.status.as_str()
            )?;
        }
        return Ok(common::exit(OK));
    }
    if !args.json {
        writeln!(out::stdout(), "started {}", paint(BOLD, &started.key))?;
    }
    let done = rt.block_on(wait(
        &client,
        &started.key,
        Duration::from_secs_f64(args.interval),
    ))?;
    if args.json {
        out::json(&done)?;
    } else {
        super::executions::show(&mut out::stdout(), &done)?;
    }
    Ok(common::exit(if failed(&done) { FAILURES } else { OK }))
}

/// A case that has ended (a result, or a final status such as TIMEOUT).
pub fn case_done(c: &testany_core::model::CaseResult) -> bool {
    c.result.is_some() || c.status.as_ref().is_some_and(|s| s.is_finished())
}

/// The execution failed, or has failing cases.
pub fn failed(e: &Execution) -> bool {
    e.result
        .as_ref()
        .is_some_and(testany_core::model::ExecutionResult::is_failure)
        || e.failed_cases().next().is_some()
}

/// Polls `key` until it leaves PENDING/RUNNING; a progress bar on a terminal.
pub async fn wait(client: &Client, key: &str, interval: Duration) -> anyhow::Result<Execution> {
    let bar = out::progress_on().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {pos}/{len} cases · {msg} · {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(out::clean(key).into_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let start = Instant::now();
    loop {
        let e = client.get_execution(key).await?;
        if let Some(bar) = &bar {
            let total = e.cases.len() as u64;
            let finished = e.cases.iter().filter(|c| case_done(c)).count() as u64;
            bar.set_length(total);
            bar.set_position(finished);
            bar.set_message(out::clean(e.status.as_str()).into_owned());
        }
        if !e.status.is_active() {
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            tracing::debug!(
                elapsed_ms = start.elapsed().as_millis() as u64,
                "run finished"
            );
            return Ok(e);
        }
        tokio::time::sleep(interval).await;
    }
}
