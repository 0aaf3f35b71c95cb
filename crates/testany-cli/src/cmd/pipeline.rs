//! `testany pipeline show KEY [--json]`.

use std::io::Write;
use std::process::ExitCode;

use crate::common::{self, OK};
use crate::out::{self, BOLD, Cell, DIM, paint};

#[derive(Debug, clap::Subcommand)]
pub enum PipelineCommand {
    /// Show a pipeline and its cases in run order.
    Show(PipelineShowArgs),
}

#[derive(Debug, clap::Args)]
pub struct PipelineShowArgs {
    /// Pipeline key, e.g. Y2K-0601.
    pub key: String,
    /// Print the pipeline as JSON (the canonical model shape).
    #[arg(long)]
    pub json: bool,
}

pub fn run(command: PipelineCommand) -> anyhow::Result<ExitCode> {
    let PipelineCommand::Show(args) = command;
    let loaded = common::load_config(None)?;
    let client = common::client(&loaded.config, &common::env)?;
    let rt = common::runtime()?;
    let p = rt.block_on(client.get_pipeline(&args.key))?;
    if args.json {
        out::json(&p)?;
        return Ok(common::exit(OK));
    }
    let mut out = out::stdout();
    let name = p
        .name
        .as_deref()
        .map(|n| format!(" {n}"))
        .unwrap_or_default();
    writeln!(out, "{}{name}", paint(BOLD, &p.key))?;
    if let Some(w) = &p.workspace {
        writeln!(out, "  {} {w}", paint(DIM, "workspace"))?;
    }
    if let Some(env) = &p.environment {
        writeln!(out, "  {} {env}", paint(DIM, "env      "))?;
    }
    writeln!(out)?;
    let rows: Vec<Vec<Cell>> = p
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                Cell::new(i.to_string()),
                Cell::new(&c.case_key),
                Cell::new(c.name.clone().unwrap_or_default()),
            ]
        })
        .collect();
    out::table(&mut out, &["#", "CASE", "NAME"], &rows)?;
    Ok(common::exit(OK))
}
