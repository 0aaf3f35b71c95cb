//! Case logs: background fetching of the latest failed cases' logs into the cache
//! (bounded concurrency, once per execution and case: `runtime`), and reading
//! locations and the first failure line from them, streamed through the [`Env`].

use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;
use testany_core::failure_line::is_failure_line;
use testany_core::lines::LineSplitter;
use testany_core::locations::{Extractor, FailureLocation};

use crate::data::{LogEntry, Retry};
use crate::env::Env;
use crate::session::LogJob;
use crate::state::{State, redact};

/// Locations in the error text and the cached log (streamed line by line).
pub async fn extract(
    env: &dyn Env,
    error: Option<&str>,
    path: &Path,
) -> std::io::Result<Vec<FailureLocation>> {
    let mut ex = Extractor::new();
    if let Some(e) = error {
        ex.error_text(e);
    }
    for_each_line(env, path, |_, line| {
        ex.log_line(line);
        true
    })
    .await?;
    Ok(ex.finish())
}

/// The 0-based line of a log file to show first: the first failure location that
/// `in_workspace` accepts (a library frame earlier in a stack trace is not what the
/// user wants to see), else the first location, else the first line that reads like an
/// error, else 0; with that line's text (for the selection's end). Streamed twice: logs
/// may be 64 MiB.
pub async fn first_failure_line(
    env: &dyn Env,
    path: &Path,
    in_workspace: impl Fn(&str) -> bool,
) -> std::io::Result<(usize, String)> {
    let mut finder = FailureLine::default();
    for_each_line(env, path, |_, line| {
        finder.push(line);
        true
    })
    .await?;
    let want = finder.finish(in_workspace);
    let mut text = String::new();
    for_each_line(env, path, |i, line| {
        if i == want {
            text = line.to_owned();
            return false;
        }
        true
    })
    .await?;
    Ok((want, text))
}

/// Calls `f(index, line)` for each line (core's `lines` rule: lossy UTF-8, without the
/// break, cut at `lines::MAX_LINE` bytes) until it returns false.
async fn for_each_line(
    env: &dyn Env,
    path: &Path,
    mut f: impl FnMut(usize, &str) -> bool,
) -> std::io::Result<()> {
    let mut chunks = env.read_log(path).await?;
    let mut splitter = LineSplitter::new();
    let mut i = 0;
    let mut each = |line: &str, _: &[u8]| -> std::io::Result<bool> {
        let go_on = f(i, line);
        i += 1;
        Ok(go_on)
    };
    while let Some(chunk) = chunks.next().await {
        if !splitter.push(&chunk?, &mut each)? {
            return Ok(());
        }
    }
    splitter.finish(&mut each).map(drop)
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

/// Fetches one failed case's log into the cache (unless a copy is there) and reads its
/// locations.
pub async fn fetch_one(state: &Arc<State>, job: &LogJob) -> LogEntry {
    let Some(client) = state.client_for(&job.url) else {
        return LogEntry::Failed(Retry::first(false));
    };
    let env = state.env.as_ref();
    let path = env.log_path(&job.url, &job.execution, job.case_index);
    let file = state.lock_log_file(&path).await;
    let cached = env.log_cached(&path).await;
    if !cached
        && let Err(e) = env
            .fetch_log(&client, &job.execution, job.case_index, &path)
            .await
    {
        let message = redact(&e.to_string(), &state.lock());
        tracing::debug!(execution = %job.execution, case_index = job.case_index, error = %message, "background log fetch failed");
        return LogEntry::Failed(Retry::first(permanent(&e)));
    }
    let entry = match extract(env, job.error.as_deref(), &path).await {
        Ok(locations) => LogEntry::Done(Arc::new(locations)),
        Err(_) => LogEntry::Failed(Retry::first(false)),
    };
    drop(file);
    if !cached {
        evict(state, &path).await;
    }
    entry
}

/// Keeps the log cache under `Env::log_cache_cap`: removes the least recently read
/// logs by the rule the CLI follows too (`testany_client::log_cache::victims`: never
/// `keep`, the log just fetched, nor one used in the last minute), each under its file
/// lock so that no reader here loses a log it is reading (issue 15: "a size cap and LRU
/// eviction").
pub async fn evict(state: &State, keep: &Path) {
    let env = state.env.as_ref();
    let cap = env.log_cache_cap();
    if cap == u64::MAX {
        return;
    }
    // The environment's clock (`SystemTime::now` is not there on wasm32).
    let now = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(u64::try_from(env.now().as_millisecond()).unwrap_or(0));
    let victims = testany_client::log_cache::victims(env.cached_logs().await, cap, keep, now);
    for path in victims {
        let _file = state.lock_log_file(&path).await;
        env.remove_log(&path).await;
        tracing::debug!(path = %path.display(), "cached log evicted (cache over its cap)");
    }
}

/// Whether another try cannot change a failed log fetch: the log proxy says the log is
/// gone (410) or its URL was refused by the log-domain guard. A 404 is not final: the
/// client's own advice is that the log may not exist *yet*.
pub fn permanent(e: &testany_client::Error) -> bool {
    use testany_client::Error as E;
    matches!(
        e,
        E::LogHttp { status: 410 } | E::LogUrl(_) | E::InvalidArgument { .. }
    )
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use super::*;
    use crate::env::NativeEnv;

    fn env() -> NativeEnv {
        NativeEnv::new(Default::default(), std::env::temp_dir())
    }

    /// A state over `env` (as `state::test_state`, which takes a cache directory).
    fn state_with(env: Arc<dyn Env>) -> Arc<State> {
        let mut out = None;
        let (_service, _socket) = tower_lsp_server::LspService::new(|client| {
            let state = Arc::new(State::new(client, env, crate::Options::default()));
            out = Some(state.clone());
            crate::Backend::from_state(state)
        });
        out.expect("LspService::new calls its init")
    }

    /// Review round 2, finding 5: past its cap the disk cache loses the least recently
    /// read log (a read counts as a use), keeps the one just fetched, and what stays is
    /// still 0600 in 0700 directories; empty directories go.
    #[cfg(unix)]
    #[tokio::test]
    async fn the_disk_cache_evicts_the_least_recently_read_log_past_its_cap() {
        use std::os::unix::fs::PermissionsExt;

        let dir = std::env::temp_dir().join(format!("testany-lsp-evict-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let env = NativeEnv::new(Default::default(), dir.clone()).with_log_cache_cap(250);
        let t0 = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let mut paths = Vec::new();
        for (n, exec) in ["E-1", "E-2", "E-3"].iter().enumerate() {
            let path = env.log_path("http://t.localhost/api/v2/mcp/", exec, 0);
            testany_client::create_private_dir_all(path.parent().unwrap()).unwrap();
            let mut options = std::fs::OpenOptions::new();
            std::os::unix::fs::OpenOptionsExt::mode(options.write(true).create_new(true), 0o600);
            let file = options.open(&path).unwrap();
            std::io::Write::write_all(&mut &file, &[b'x'; 100]).unwrap();
            file.set_modified(t0 + std::time::Duration::from_secs(n as u64))
                .unwrap();
            paths.push(path);
        }
        // E-1 is the oldest but was read last: E-2 is the least recently used.
        drop(env.read_log(&paths[0]).await.unwrap());
        let state = state_with(Arc::new(env));
        evict(&state, &paths[2]).await;
        let exists: Vec<bool> = paths.iter().map(|p| p.exists()).collect();
        assert_eq!(exists, [true, false, true]);
        assert!(!paths[1].parent().unwrap().exists());
        for p in [&paths[0], &paths[2]] {
            let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            let dir_mode = std::fs::metadata(p.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!((mode, dir_mode), (0o600, 0o700), "{}", p.display());
        }
        // Under the cap nothing goes.
        evict(&state, &paths[2]).await;
        assert_eq!(
            paths.iter().map(|p| p.exists()).collect::<Vec<_>>(),
            [true, false, true]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Review round 2, finding 4: only refusals another try cannot change are final.
    #[test]
    fn only_a_gone_log_or_a_refused_url_is_final() {
        use testany_client::Error as E;
        let cases = [
            (E::LogHttp { status: 410 }, true),
            (E::LogHttp { status: 404 }, false),
            (E::LogHttp { status: 503 }, false),
            (E::LogHttp { status: 403 }, false),
            (E::Truncated, false),
            (E::SessionExpired, false),
            (
                E::InvalidArgument {
                    what: "execution",
                    detail: String::new(),
                },
                true,
            ),
        ];
        for (e, want) in cases {
            assert_eq!(permanent(&e), want, "{e}");
        }
    }

    /// Regression (issue 16): logs are read by core's bounded splitter; a line of 200 KiB
    /// is cut at `lines::MAX_LINE` bytes instead of held whole.
    #[tokio::test]
    async fn long_lines_are_cut() {
        let path =
            std::env::temp_dir().join(format!("testany-lsp-long-{}.log", std::process::id()));
        let log = format!("{}\r\nERROR: Job failed\r\n", "x".repeat(200 * 1024));
        std::fs::write(&path, log).unwrap();
        let mut lens = Vec::new();
        for_each_line(&env(), &path, |_, l| {
            lens.push(l.len());
            true
        })
        .await
        .unwrap();
        assert_eq!(lens, [testany_core::lines::MAX_LINE, 17]);
        let got = first_failure_line(&env(), &path, |_| true).await.unwrap();
        assert_eq!(got, (1, "ERROR: Job failed".to_owned()));
        std::fs::remove_file(&path).unwrap();
    }

    #[tokio::test]
    async fn first_failure_line_prefers_locations() {
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
            let got = first_failure_line(&env(), &path, |p| p.ends_with("test_cart.py"))
                .await
                .unwrap();
            assert_eq!((got.0, got.1.as_str()), (*line, *text), "{log:?}");
        }
        std::fs::remove_file(&path).unwrap();
    }
}
