//! The `testany` command.

mod cmd;
mod common;
mod lines;
mod out;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc rather than the system allocator: the language server's answers are built as
/// `serde_json::Value` trees (tower-lsp-server's router), tens of thousands of small
/// allocations for a large file's lenses; with mimalloc a 1,000-marker codeLens answer
/// takes about a third of the time (docs/benchmarks.md, issue 16). The code_lens bench
/// sets the same allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Testany in the terminal and the editor.
#[derive(Debug, Parser)]
#[command(name = "testany", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One variant per subcommand; each lives in its own module under `cmd/`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Run the Testany emulator (MCP Streamable HTTP + log proxy) on loopback.
    Mock(cmd::mock::MockArgs),
    /// Run the language server over stdio (for VS Code, Neovim and other LSP clients).
    Lsp,
    /// Failing cases of the latest executions, mapped to files (compiler-style report).
    Status(cmd::status::StatusArgs),
    /// Every test of an execution's cases, linked to its definition (compiler-style).
    Tests(cmd::tests::TestsArgs),
    /// List, show or refresh executions.
    #[command(subcommand)]
    Executions(cmd::executions::ExecutionsCommand),
    /// Print one case's log (fetched through the guarded log fetch).
    Logs(cmd::logs::LogsArgs),
    /// Start a pipeline, optionally waiting for it to finish.
    Run(cmd::run::RunArgs),
    /// Show a pipeline.
    #[command(subcommand)]
    Pipeline(cmd::pipeline::PipelineCommand),
    /// Pass rate, runs, flaky and slowest cases of a pipeline.
    Health(cmd::health::HealthArgs),
    /// Per-test results, failures and project locations in a local log file.
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Try everything in seconds: emulator, example project, a run and its report.
    Demo(cmd::demo::DemoArgs),
    /// Check this installation: version, configuration, token, and the service (--service).
    Doctor(cmd::doctor::DoctorArgs),
    /// Print the completion script for a shell (the release archives ship them).
    #[command(hide = true)]
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page (roff; the release archives ship it).
    #[command(hide = true)]
    Man,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let result = match cli.command {
        Command::Completions(args) => cmd::completions::completions(&args),
        Command::Man => cmd::completions::man(),
        Command::Mock(args) => cmd::mock::run(args),
        Command::Lsp => cmd::lsp::run(),
        Command::Status(args) => cmd::status::run(args),
        Command::Tests(args) => cmd::tests::run(args),
        Command::Executions(command) => cmd::executions::run(command),
        Command::Logs(args) => cmd::logs::run(args),
        Command::Run(args) => cmd::run::run(args),
        Command::Pipeline(command) => cmd::pipeline::run(command),
        Command::Health(args) => cmd::health::run(args),
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Doctor(args) => cmd::doctor::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // One sentence, never a chain or a backtrace (design.md section 7).
            let (code, message) = common::classify(&e);
            if !message.is_empty() {
                out::print_error(&message);
            }
            ExitCode::from(code)
        }
    }
}

/// Tracing goes to stderr, and only when `TESTANY_LOG` is set (e.g. `debug`,
/// `testany_client=trace`): stdout belongs to the command's output.
fn init_tracing() {
    let Some(filter) = std::env::var("TESTANY_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return;
    };
    use std::io::IsTerminal;
    // Escapes only for a person reading a terminal (the editors read stderr as text).
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        // Trace lines quote the service (errors, keys): sanitised as all CLI output.
        // Secrets the process has seen (token, signs, operator ids) are redacted from
        // every line first, whichever crate logged it (issue 17).
        .with_writer(move || {
            testany_client::secret::RedactingWriter::new(out::Safe::new(std::io::stderr(), ansi))
        })
        .with_ansi(ansi)
        .with_env_filter(
            // Libraries that dump whole messages at trace (LSP initializationOptions carry
            // the token) are held at debug whatever the user asks for.
            tracing_subscriber::EnvFilter::try_new(format!("{},{HELD}", without_held(&filter)))
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
}

/// Crates that log whole protocol messages or headers at trace, held at debug.
const HELD: &str = "tower_lsp_server=debug,hyper=debug,hyper_util=debug,reqwest=debug,h2=debug";

/// The user's directives minus any that name a held crate (or one of its modules), so
/// `tower_lsp_server::service=trace` cannot outrank the hold by being more specific.
fn without_held(filter: &str) -> String {
    const CRATES: [&str; 5] = ["tower_lsp_server", "hyper", "hyper_util", "reqwest", "h2"];
    filter
        .split(',')
        .filter(|directive| {
            let target = directive.split(['=', '[']).next().unwrap_or("").trim();
            !CRATES
                .iter()
                .any(|c| target == *c || target.starts_with(&format!("{c}::")))
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};
    use crate::cmd::mock::MockArgs;

    fn mock(args: &[&str]) -> MockArgs {
        match Cli::try_parse_from(args).unwrap().command {
            Command::Mock(m) => m,
            #[allow(unreachable_patterns)]
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn mock_arguments() {
        let m = mock(&[
            "testany",
            "mock",
            "--port",
            "0",
            "--speed",
            "20",
            "--faults",
            "latency=5ms",
            "--sse",
        ]);
        assert_eq!(
            (m.port, m.speed, m.faults.as_deref(), m.sse, m.scenario),
            (0, 20.0, Some("latency=5ms"), true, None)
        );
        let m = mock(&["testany", "mock"]);
        assert_eq!((m.port, m.speed, m.sse), (7357, 1.0, false));
        for bad in [
            ["testany", "mock", "--speed", "0"],
            ["testany", "mock", "--speed", "fast"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err());
        }
    }

    #[test]
    fn held_crates_cannot_be_raised_by_the_user() {
        assert_eq!(
            super::without_held(
                "trace,tower_lsp_server::service=trace,hyper=trace,testany_lsp=debug,h2[x]=trace"
            ),
            "trace,testany_lsp=debug"
        );
        assert_eq!(super::without_held("debug"), "debug");
    }
}
