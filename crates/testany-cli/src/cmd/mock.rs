//! `testany mock`: the emulator in the foreground until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use testany_mock::{MockConfig, ResponseMode, Scenario};

/// Arguments of `testany mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 7357)]
    pub port: u16,
    /// Scenario TOML file (default: the built-in examples/shop scenario).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Speed factor: scripted durations of new runs are divided by it.
    #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// Faults, e.g. `latency=200ms,http500=every:3,expired_sign` (see the testany-mock README).
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Answer MCP requests as SSE streams instead of JSON.
    #[arg(long)]
    pub sse: bool,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a positive number")),
    }
}

/// Starts the emulator and serves until interrupted.
pub fn run(args: MockArgs) -> Result<ExitCode> {
    let scenario = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::shop()?,
    };
    let mut config = MockConfig::new(scenario)?.speed(args.speed).port(args.port);
    if let Some(spec) = &args.faults {
        config = config.faults(spec)?;
    }
    if args.sse {
        config = config.response_mode(ResponseMode::Sse);
    }
    // Tracing (TESTANY_LOG) is set up once in main, like every other subcommand.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let handle = testany_mock::start(config).await?;
        // The first line is stable: end-to-end tests read the port from it.
        println!("testany mock listening on {}", handle.mcp_url_localhost());
        println!("  also reachable at {}", handle.mcp_url());
        println!(
            "  log domain {} (logs at {{runtime_uuid}}.tr.{}:{})",
            handle.log_domain(),
            handle.log_domain(),
            handle.port()
        );
        println!("Press Ctrl-C to stop.");
        tokio::signal::ctrl_c()
            .await
            .context("cannot wait for Ctrl-C")?;
        handle.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
}
