//! `testany logs KEY [CASE]`: one case's log from the log cache the language server
//! shares (fetched through the guarded fetch when missing), streamed to stdout line by
//! line (never whole in memory). On a terminal, lines with failure locations or
//! failure words are marked.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use testany_client::{Client, log_cache};
use testany_core::locations::Extractor;

use crate::common::{self, Failure, OK};
use crate::lines;
use crate::out::{self, RED_BOLD, paint};

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// Execution key.
    pub key: String,
    /// Case index (0-based) or case key; default: the first failing case, else case 0.
    pub case: Option<String>,
}

pub fn run(args: LogsArgs) -> anyhow::Result<ExitCode> {
    let loaded = common::load_config(None)?;
    let client = common::client(&loaded.config, &common::env)?;
    let rt = common::runtime()?;
    let cache_dir = common::cache_dir();
    let log = rt.block_on(fetch(&client, &cache_dir, &args.key, args.case.as_deref()))?;
    let file = std::fs::File::open(&log.path)
        .map_err(|e| Failure::service(format!("cannot read the fetched log ({e})")));
    // A running case's partial log is not kept: the next call fetches it again.
    let remove_partial = || {
        if log.partial {
            log_cache::remove(&log_cache::logs_root(&cache_dir), &log.path);
        }
    };
    let file = match file {
        Ok(f) => f,
        Err(e) => {
            remove_partial();
            return Err(e.into());
        }
    };
    let result = if out::colors_on() {
        stream_marked(file, &mut out::stdout())
    } else {
        // The log's own colours go too when stdout is no terminal or NO_COLOR is set.
        let mut stdout = out::stdout();
        io::copy(&mut io::BufReader::new(file), &mut stdout).and_then(|_| stdout.flush())
    };
    remove_partial();
    match result {
        // `testany logs K | head` closes the pipe early: that is fine.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(common::exit(OK))
}

/// A log to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedLog {
    pub path: PathBuf,
    /// The case is still running: the log is partial, in the cache's directory for
    /// partial logs (`log_cache::partial_path`), and the caller removes it after use.
    pub partial: bool,
}

/// Finds the case index, then the log: a finished case's from the log cache shared with
/// the language server (fetched into it when missing: a finished log never changes),
/// a running case's fetched afresh beside it (`log_cache::partial_path`).
pub async fn fetch(
    client: &Client,
    cache_dir: &Path,
    key: &str,
    case: Option<&str>,
) -> anyhow::Result<FetchedLog> {
    let execution = client.get_execution(key).await?;
    let index = match case.map(str::trim) {
        Some(c) if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) => c
            .parse::<usize>()
            .map_err(|_| Failure::usage(format!("case index {c} is too large")))?,
        Some(c) => execution
            .case_by_key(c)
            .map(|case| case.index)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "execution {key} has no case {c}; `testany executions show {key}` lists its cases"
                ))
            })?,
        None => execution
            .cases
            .iter()
            .find(|c| c.is_failure())
            .map_or(0, |c| c.index),
    };
    // An index the execution does not list is asked for anyway: the service's answer
    // says what is wrong.
    let finished = execution
        .cases
        .iter()
        .find(|c| c.index == index)
        .is_some_and(super::run::case_done);
    let url = &client.config().url;
    let path = if finished {
        log_cache::cache_path(cache_dir, url, key, index)
    } else {
        log_cache::partial_path(cache_dir, url, key, index)
    };
    let bar = download_bar(&path);
    let got = if finished {
        common::cached_log(client, cache_dir, key, index)
            .await
            .map(|path| FetchedLog {
                path,
                partial: false,
            })
    } else {
        client
            .fetch_log_to_file(key, index, &path)
            .await
            .map(|saved| FetchedLog {
                path: saved.path,
                partial: true,
            })
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(got?)
}

/// A byte counter for the download, drawn on a terminal only; it watches the growing
/// `.part` file, so the client needs no progress hook.
fn download_bar(path: &Path) -> Option<ProgressBar> {
    if !out::progress_on() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} fetching log {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let watcher = bar.clone();
    std::thread::spawn(move || {
        while !watcher.is_finished() {
            if let Ok(m) = std::fs::metadata(&part) {
                watcher.set_message(human_bytes(m.len()));
            }
            watcher.tick();
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    Some(bar)
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS.get(unit).copied().unwrap_or("B"))
    }
}

/// Copies `file` line by line, prefixing failure lines with a red `▶`.
fn stream_marked(file: impl io::Read, out: &mut impl Write) -> io::Result<()> {
    let mut reader = io::BufReader::with_capacity(64 * 1024, file);
    let mut extractor = Extractor::new();
    let mut seen = 0;
    lines::for_each_line(&mut reader, |line, _| {
        extractor.log_line(line);
        let found = extractor.locations().len() > seen;
        seen = extractor.locations().len();
        if found || testany_core::failure_line::is_failure_line(line) {
            writeln!(out, "{} {line}", paint(RED_BOLD, "▶"))?;
        } else {
            writeln!(out, "  {line}")?;
        }
        Ok(true)
    })?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_failure_lines_only() {
        let log = "collected 1 item\n\x1b[31mE   AssertionError: assert 1 == 2\x1b[0m\n/builds/x/tests/a.py:3: AssertionError\nok\n";
        let mut out = Vec::new();
        stream_marked(log.as_bytes(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let plain = anstream::adapter::strip_str(&text).to_string();
        assert_eq!(
            plain,
            "  collected 1 item\n▶ E   AssertionError: assert 1 == 2\n▶ /builds/x/tests/a.py:3: AssertionError\n  ok\n"
        );
    }

    /// Regression (issue 16): the CLI marks what core's failure-line rule marks; its own
    /// word list missed CI job failures, Go panics and rustc errors.
    #[test]
    fn marks_what_the_core_rule_marks() {
        let log = "$ cargo test --no-fail-fast\nerror[E0308]: mismatched types\npanic: runtime error\nERROR: Job failed: exit code 1\n";
        let mut out = Vec::new();
        stream_marked(log.as_bytes(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let plain = anstream::adapter::strip_str(&text).to_string();
        assert_eq!(
            plain,
            "  $ cargo test --no-fail-fast\n▶ error[E0308]: mismatched types\n▶ panic: runtime error\n▶ ERROR: Job failed: exit code 1\n"
        );
    }

    #[test]
    fn byte_sizes() {
        let cases = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1536, "1.5 KiB"),
            (64 * 1024 * 1024, "64.0 MiB"),
        ];
        for (n, expected) in cases {
            assert_eq!(human_bytes(n), expected);
        }
    }
}
