//! `testany lsp`: the language server over stdio. stdout carries the protocol, so logs
//! go to stderr (level from `TESTANY_LOG`, default `warn`). tower-lsp-server traces
//! whole JSON-RPC frames, which can carry the token (initializationOptions): its
//! logging is capped at `debug` whatever `TESTANY_LOG` says (editors have their own
//! protocol trace).

use std::process::ExitCode;

use anyhow::{Context, Result};

/// Serves LSP on stdin/stdout until the client exits.
pub fn run() -> Result<ExitCode> {
    let wanted = std::env::var("TESTANY_LOG").unwrap_or_default();
    let wanted = if wanted.trim().is_empty() {
        "warn"
    } else {
        wanted.trim()
    };
    let filter = tracing_subscriber::EnvFilter::try_new(format!("{wanted},tower_lsp_server=debug"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,tower_lsp_server=debug"));
    let _ = tracing_subscriber::fmt()
        // Trace lines quote the service (errors, keys): sanitised as all CLI output.
        .with_writer(|| crate::out::Safe::new(std::io::stderr(), false))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(testany_lsp::serve_stdio(testany_lsp::Options::from_env()));
    // Pollers and background fetches may still be sleeping: do not wait for them.
    runtime.shutdown_background();
    Ok(ExitCode::SUCCESS)
}
