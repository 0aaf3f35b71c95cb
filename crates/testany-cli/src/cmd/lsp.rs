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
        // Trace lines quote the service (errors, keys): sanitised as all CLI output,
        // secrets redacted first, as `main`'s writer does with TESTANY_LOG.
        .with_writer(|| trace_writer(std::io::stderr()))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(testany_lsp::serve_stdio(
        testany_lsp::env::NativeEnv::from_process(),
        testany_lsp::Options::default(),
    ));
    // Pollers and background fetches may still be sleeping: do not wait for them.
    runtime.shutdown_background();
    Ok(ExitCode::SUCCESS)
}

/// The server's trace writer over `inner`: whole lines are redacted
/// ([`testany_client::secret::RedactingWriter`] holds a line however long) before
/// [`crate::out::Safe`] sanitises them, which on its own hands a line longer than 64 KiB
/// on in pieces and so could redact neither half of a secret cut there.
fn trace_writer<W: std::io::Write>(
    inner: W,
) -> testany_client::secret::RedactingWriter<crate::out::Safe<W>> {
    testany_client::secret::RedactingWriter::new(crate::out::Safe::new(inner, false))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::trace_writer;

    /// Review of issue 17: without TESTANY_LOG the server's trace writer only sanitised.
    #[test]
    fn a_secret_across_a_long_lines_cut_is_redacted() {
        let _secret = testany_client::Secret::new("tok-CLI-LSP-trace-8d2e");
        let mut out = Vec::new();
        {
            let mut w = trace_writer(&mut out);
            let pad = "x".repeat(64 * 1024 - 4);
            w.write_all(format!("{pad}tok-CLI-").as_bytes()).unwrap();
            w.write_all(b"LSP-trace-8d2e end\n").unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.len(), 64 * 1024 - 4 + "[redacted] end\n".len());
        assert!(
            text.ends_with("x[redacted] end\n"),
            "{}",
            &text[text.len() - 40..]
        );
    }
}
