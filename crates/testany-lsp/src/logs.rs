//! Case logs: the cache layout, background fetching of the latest failed cases' logs
//! (bounded concurrency, once per execution and case) and reading locations from them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use testany_core::failure_line::is_failure_line;
use testany_core::lines::LineSplitter;
use testany_core::locations::{Extractor, FailureLocation};

use crate::data::{LogEntry, failure_targets};
use crate::poller;
use crate::state::{State, redact};

/// `<cache>/testany/logs/<execution>/<caseIndex>.log`; the key is made path-safe.
pub fn cache_path(cache_dir: &Path, execution: &str, case_index: usize) -> PathBuf {
    cache_dir
        .join("testany")
        .join("logs")
        .join(testany_client::cache_relative_path(execution, case_index))
}

/// Locations in the error text and the log file (streamed line by line).
pub fn extract_file(error: Option<&str>, path: &Path) -> std::io::Result<Vec<FailureLocation>> {
    let mut ex = Extractor::new();
    if let Some(e) = error {
        ex.error_text(e);
    }
    for_each_line(path, |_, line| {
        ex.log_line(line);
        true
    })?;
    Ok(ex.finish())
}

/// The 0-based line of a log file to show first: the first failure location that
/// `in_workspace` accepts (a library frame earlier in a stack trace is not what the
/// user wants to see), else the first location, else the first line that reads like an
/// error, else 0; with that line's text (for the selection's end). Streamed twice: logs
/// may be 64 MiB.
pub fn first_failure_line_in_file(
    path: &Path,
    in_workspace: impl Fn(&str) -> bool,
) -> std::io::Result<(usize, String)> {
    let mut finder = FailureLine::default();
    for_each_line(path, |_, line| {
        finder.push(line);
        true
    })?;
    let want = finder.finish(in_workspace);
    let mut text = String::new();
    for_each_line(path, |i, line| {
        if i == want {
            text = line.to_owned();
            return false;
        }
        true
    })?;
    Ok((want, text))
}

/// Calls `f(index, line)` for each line (core's `lines` rule: lossy UTF-8, without the
/// break, cut at `lines::MAX_LINE` bytes) until it returns false.
fn for_each_line(path: &Path, mut f: impl FnMut(usize, &str) -> bool) -> std::io::Result<()> {
    let mut file = std::fs::File::open(path)?;
    let mut splitter = LineSplitter::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut i = 0;
    let mut each = |line: &str, _: &[u8]| -> std::io::Result<bool> {
        let go_on = f(i, line);
        i += 1;
        Ok(go_on)
    };
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => return splitter.finish(&mut each).map(drop),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if !splitter.push(buf.get(..n).unwrap_or_default(), &mut each)? {
            return Ok(());
        }
    }
}

/// Streaming state of [`first_failure_line_in_file`].
#[derive(Default)]
struct FailureLine {
    extractor: Extractor,
    index: usize,
    errorish: Option<usize>,
}

impl FailureLine {
    fn push(&mut self, line: &str) {
        self.extractor.log_line(line);
        if self.errorish.is_none() && is_failure_line(line) {
            self.errorish = Some(self.index);
        }
        self.index += 1;
    }

    fn finish(self, in_workspace: impl Fn(&str) -> bool) -> usize {
        let found = self.extractor.finish();
        let first = |workspace_only: bool| {
            found
                .iter()
                .filter(|l| !workspace_only || in_workspace(&l.path))
                .filter_map(|l| l.log_line)
                .min()
        };
        first(true)
            .or_else(|| first(false))
            .or(self.errorish)
            .unwrap_or(0)
    }
}

/// Starts fetching logs of failed cases not fetched yet (at most
/// `Options::log_concurrency` at a time).
pub fn schedule_background(state: &Arc<State>) {
    let jobs: Vec<(String, String, usize, Option<String>)> = {
        let mut inner = state.lock();
        // Forget locations of executions no longer shown (bounded memory over days).
        let live: std::collections::HashSet<String> = inner
            .pipelines
            .values()
            .flat_map(|d| d.executions.iter().map(|e| e.key.clone()))
            .collect();
        inner.logs.retain(|(exec, _), _| live.contains(exec));
        let mut jobs = Vec::new();
        let keys: Vec<_> = inner.pipelines.keys().cloned().collect();
        for key in keys {
            let Some(data) = inner.pipelines.get(&key) else {
                continue;
            };
            let targets = failure_targets(&data.executions);
            for t in targets {
                let id = (t.execution.clone(), t.case_index);
                if inner.logs.contains_key(&id) {
                    continue;
                }
                inner.logs.insert(id, LogEntry::Pending);
                jobs.push((key.url.clone(), t.execution, t.case_index, t.error));
            }
        }
        jobs
    };
    for (url, execution, case_index, error) in jobs {
        let state = state.clone();
        tokio::spawn(async move {
            let Ok(_slot) = state.log_slots.clone().acquire_owned().await else {
                return;
            };
            let entry = fetch_one(&state, &url, &execution, case_index, error).await;
            {
                let mut inner = state.lock();
                inner.logs.insert((execution, case_index), entry);
                State::touch(&mut inner);
            }
            crate::publish::schedule_all(&state);
        });
    }
}

async fn fetch_one(
    state: &Arc<State>,
    url: &str,
    execution: &str,
    case_index: usize,
    error: Option<String>,
) -> LogEntry {
    let Some(client) = poller::client_for(state, url) else {
        return LogEntry::Failed;
    };
    let path = cache_path(&state.options.cache_dir, execution, case_index);
    let _file = state.lock_log_file(&path).await;
    let cached = tokio::fs::metadata(&path).await.is_ok_and(|m| m.len() > 0);
    if !cached && let Err(e) = client.fetch_log_to_file(execution, case_index, &path).await {
        let message = redact(&e.to_string(), &state.lock());
        tracing::debug!(execution, case_index, error = %message, "background log fetch failed");
        return LogEntry::Failed;
    }
    let found = tokio::task::spawn_blocking(move || extract_file(error.as_deref(), &path)).await;
    match found {
        Ok(Ok(locations)) => LogEntry::Done(Arc::new(locations)),
        _ => LogEntry::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_paths_are_safe() {
        let base = Path::new("/c");
        let cases: &[(&str, usize, &str)] = &[
            ("SHP-0601-0000C", 1, "/c/testany/logs/SHP-0601-0000C/1.log"),
            ("../../etc", 0, "/c/testany/logs/.._.._etc/0.log"),
            ("..", 2, "/c/testany/logs/_/2.log"),
            ("", 3, "/c/testany/logs/_/3.log"),
            ("a/b", 4, "/c/testany/logs/a_b/4.log"),
        ];
        for (exec, idx, want) in cases {
            assert_eq!(cache_path(base, exec, *idx), PathBuf::from(want), "{exec}");
        }
    }

    /// Regression (issue 16): logs are read by core's bounded splitter; a line of 200 KiB
    /// is cut at `lines::MAX_LINE` bytes instead of held whole.
    #[test]
    fn long_lines_are_cut() {
        let path =
            std::env::temp_dir().join(format!("testany-lsp-long-{}.log", std::process::id()));
        let log = format!("{}\r\nERROR: Job failed\r\n", "x".repeat(200 * 1024));
        std::fs::write(&path, log).unwrap();
        let mut lens = Vec::new();
        for_each_line(&path, |_, l| {
            lens.push(l.len());
            true
        })
        .unwrap();
        assert_eq!(lens, [testany_core::lines::MAX_LINE, 17]);
        let got = first_failure_line_in_file(&path, |_| true).unwrap();
        assert_eq!(got, (1, "ERROR: Job failed".to_owned()));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn first_failure_line_prefers_locations() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "setup\nok\ntests/test_cart.py:20: AssertionError\n",
                2,
                "tests/test_cart.py:20: AssertionError",
            ),
            (
                "a\r\n\x1b[31mFAILED\x1b[0m x\r\nb\n",
                1,
                "\x1b[31mFAILED\x1b[0m x",
            ),
            // A library frame first: the workspace frame below it wins.
            (
                "java.net.ConnectException: refused\n\tat org.pg.PGStream.<init>(PGStream.java:98)\n\tat acme.CartTest.t(test_cart.py:21)\n",
                2,
                "\tat acme.CartTest.t(test_cart.py:21)",
            ),
            // No location in the workspace: the first location anywhere.
            (
                "boom\n\tat org.pg.PGStream.<init>(PGStream.java:98)\n",
                1,
                "\tat org.pg.PGStream.<init>(PGStream.java:98)",
            ),
            ("nothing here\n", 0, "nothing here"),
            ("", 0, ""),
            // Regression (issue 16): core's failure-line rule; `fail` inside a flag or a
            // zero count is no failure (the old any-case substring rule picked line 0).
            (
                "$ cargo test --no-fail-fast\nRan 3 tests, 0 errors\nERROR: Job failed: exit code 1\n",
                2,
                "ERROR: Job failed: exit code 1",
            ),
        ];
        let path = std::env::temp_dir().join(format!("testany-lsp-log-{}.log", std::process::id()));
        for (log, line, text) in cases {
            std::fs::write(&path, log).unwrap();
            let got = first_failure_line_in_file(&path, |p| p.ends_with("test_cart.py")).unwrap();
            assert_eq!((got.0, got.1.as_str()), (*line, *text), "{log:?}");
        }
        std::fs::remove_file(&path).unwrap();
    }
}
