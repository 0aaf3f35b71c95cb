//! Issue 15, "with 200 open files and 2 pipelines the HTTP requests per minute equal one
//! open file's, plus exactly one log fetch per new (execution, case)", and "logs of
//! finished executions are immutable": one log cache for the CLI and the server.
//!
//! A real `testany lsp` against the emulator (in-process, for its request counters:
//! `tools/call` per tool, MCP POSTs, log proxy GETs) with a scenario made here: two
//! pipelines of two cases each, three past runs; the project polls both every second
//! with `history = 2`. Counts are taken per poll cycle (a cycle is one
//! `testany_list_executions` per pipeline), never per unit of time, so nothing here is
//! timed: waits only have deadlines.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use testany_e2e::lsp::editor_capabilities;
use testany_e2e::{Lsp, Workspace, testany_bin};

/// Deadline of every wait.
const WAIT: Duration = Duration::from_secs(120);
/// Workspace files (all open in the second phase).
const FILES: usize = 200;
/// Poll cycles counted per phase.
const CYCLES: u64 = 3;
const PIPELINES: [&str; 2] = ["RPC-0001", "RPC-0002"];
const LIST: &str = "testany_list_executions";

/// Two pipelines, two pytest cases each (one always failing, one always passing),
/// three past runs each (`RPC-000N-00001` .. `-00003`, the newest last).
const SCENARIO: &str = r#"
workspace = "RPC"
operator = "dev@acme.test"

[history]
count = 3
interval_minutes = 60
newest_minutes_ago = 30

[[pipelines]]
key = "RPC-0001"
name = "Requests one"
environment = "staging"
pending_secs = 1

[[pipelines.cases]]
key = "AA000001"
name = "test_f000"
file = "tests/test_000.py"
line = 2
source = "assert f(0) == 1"
duration_secs = 1
outcomes = "F"
error = "tests/test_000.py:2: AssertionError"
log = "pytest"

[[pipelines.cases]]
key = "AA000002"
name = "test_f001"
file = "tests/test_001.py"
line = 2
duration_secs = 1
outcomes = "P"
log = "pytest"

[[pipelines]]
key = "RPC-0002"
name = "Requests two"
environment = "staging"
pending_secs = 1

[[pipelines.cases]]
key = "BB000001"
name = "test_f002"
file = "tests/test_002.py"
line = 2
source = "assert f(2) == 3"
duration_secs = 1
outcomes = "F"
error = "tests/test_002.py:2: AssertionError"
log = "pytest"

[[pipelines.cases]]
key = "BB000002"
name = "test_f003"
file = "tests/test_003.py"
line = 2
duration_secs = 1
outcomes = "P"
log = "pytest"
"#;

/// What the emulator has been asked so far.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Snapshot {
    tools: BTreeMap<String, u64>,
    /// Log proxy GETs.
    log_fetches: u64,
    /// POSTs to the MCP endpoint (tool calls, initialize, notifications).
    mcp_posts: u64,
}

impl Snapshot {
    fn of(mock: &testany_mock::MockHandle) -> Snapshot {
        let c = mock.counts();
        Snapshot {
            tools: mock.tool_counts(),
            log_fetches: c.log_fetches,
            mcp_posts: c.mcp_requests,
        }
    }

    fn tool(&self, name: &str) -> u64 {
        self.tools.get(name).copied().unwrap_or(0)
    }

    /// What was asked between `before` and `self`: tools with a non-zero count, then
    /// `log GET` and `MCP POST`.
    fn since(&self, before: &Snapshot) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = self
            .tools
            .iter()
            .map(|(k, v)| (k.clone(), v - before.tool(k)))
            .filter(|(_, v)| *v > 0)
            .collect();
        out.insert("log GET".into(), self.log_fetches - before.log_fetches);
        out.insert("MCP POST".into(), self.mcp_posts - before.mcp_posts);
        out
    }
}

/// Expected counts in the shape of [`Snapshot::since`] (tools counted 0 left out).
fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs
        .iter()
        .filter(|(k, v)| *v > 0 || !k.starts_with("testany_"))
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect()
}

/// Waits until `ready` accepts the emulator's counts; returns them.
fn wait_counts(
    mock: &testany_mock::MockHandle,
    what: &str,
    ready: impl Fn(&Snapshot) -> bool,
) -> Snapshot {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = Snapshot::of(mock);
        if ready(&now) {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {now:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The requests of the next `cycles` poll cycles (at least `cycles` list calls per
/// pipeline; the last cycle may be half counted, so the lists are `2 * cycles` or one
/// more).
fn next_cycles(mock: &testany_mock::MockHandle, cycles: u64) -> BTreeMap<String, u64> {
    let start = Snapshot::of(mock);
    let want = start.tool(LIST) + cycles * PIPELINES.len() as u64;
    let end = wait_counts(mock, "poll cycles", |s| s.tool(LIST) >= want);
    end.since(&start)
}

/// Waits for two poll cycles in a row with nothing but list calls (background reads
/// done); returns the counts then.
fn settle(mock: &testany_mock::MockHandle) -> Snapshot {
    let mut quiet = 0;
    for _ in 0..60 {
        let d = next_cycles(mock, 1);
        let lists = d.get(LIST).copied().unwrap_or(0);
        quiet = if d == counts(&[(LIST, lists), ("log GET", 0), ("MCP POST", lists)]) {
            quiet + 1
        } else {
            0
        };
        if quiet == 2 {
            return Snapshot::of(mock);
        }
    }
    panic!("the server never settled: {:?}", Snapshot::of(mock));
}

/// Asserts that the next `CYCLES` poll cycles asked for one list per pipeline per
/// cycle and nothing else; returns the list calls counted.
fn assert_quiet_cycles(mock: &testany_mock::MockHandle, phase: &str) -> u64 {
    let d = next_cycles(mock, CYCLES);
    let lists = d.get(LIST).copied().unwrap_or(0);
    assert_eq!(
        d,
        counts(&[(LIST, lists), ("log GET", 0), ("MCP POST", lists)]),
        "{phase}: only one list call per pipeline and cycle"
    );
    let n = PIPELINES.len() as u64;
    assert!(
        lists == CYCLES * n || lists == CYCLES * n + 1,
        "{phase}: {lists} list calls in {CYCLES} cycles"
    );
    lists
}

/// `testany logs KEY INDEX` in `ws` with the shared cache; returns its stdout.
fn cli_logs(ws: &Workspace, cache: &Path, key: &str, index: &str) -> String {
    let mut cmd = Command::new(testany_bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("TESTANY_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .args(["logs", key, index])
        .current_dir(&ws.root)
        .env("XDG_CACHE_HOME", cache)
        .env("NO_COLOR", "1")
        .output()
        .expect("run testany logs");
    assert!(out.status.success(), "testany logs {key} {index}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The cached log files under `<cache>/testany/logs`, relative, sorted.
fn cached_logs(cache: &Path) -> Vec<String> {
    let root = cache.join("testany/logs");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(&root) {
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn requests_per_poll_cycle_do_not_grow_with_open_files_and_logs_are_fetched_once() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let scenario = testany_mock::Scenario::from_toml(SCENARIO).expect("scenario");
    let config = testany_mock::MockConfig::new(scenario)
        .expect("mock config")
        .speed(10.0);
    let mock = rt
        .block_on(testany_mock::start(config))
        .expect("start the emulator");
    let ws = Workspace::empty("rpc");
    for i in 0..FILES {
        ws.write(
            &format!("tests/test_{i:03}.py"),
            &format!("def test_f{i:03}():\n    assert f({i}) == {}\n", i + 1),
        );
    }
    ws.write_config(&format!(
        "url = \"{}\"\nworkspace = \"RPC\"\npipelines = [\"RPC-0001\", \"RPC-0002\"]\nenvironment = \"staging\"\nlog_domain = \"testany.localhost\"\nhistory = 2\n\n[poll]\nrunning_secs = 1\nidle_secs = 1\n",
        mock.mcp_url_localhost()
    ));
    let cache = Workspace::empty("rpc-cache");

    // 1. The CLI first: `testany logs` of the newest run's failing case fetches it into
    // the cache the server uses (its layout: a directory per service).
    let cli = cli_logs(&ws, &cache.root, "RPC-0001-00003", "0");
    assert!(cli.contains("test session starts"), "{cli}");
    let after_cli = Snapshot::of(&mock);
    assert_eq!(
        after_cli.since(&Snapshot::default()),
        counts(&[
            ("testany_get_execution", 1),
            ("testany_log_sign", 1),
            ("log GET", 1),
            ("MCP POST", 5),
        ]),
        "the CLI: initialize, initialized, tools/list, get_execution, log_sign; one log GET"
    );
    let cached = cached_logs(&cache.root);
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert!(cached[0].ends_with("/RPC-0001-00003/0.log"), "{cached:?}");
    let service = cached[0].split('/').next().unwrap_or("").to_owned();
    assert_eq!(service.len(), 12, "{cached:?}");

    // 2. The server with one open file: the first polls and the background reads of the
    // newest two runs of each of the four cases (8 logs; the one the CLI fetched is
    // read from the cache: 7 log GETs), each case's metadata once.
    let log = cache.root.join("lsp.log");
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(
        &[("XDG_CACHE_HOME", &cache_dir), ("TESTANY_LOG", "debug")],
        Some(&log),
    );
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    let first = ws.uri("tests/test_000.py");
    lsp.open(&first, "python", &ws.read("tests/test_000.py"));
    let _ = lsp.code_lens(&first);
    wait_counts(&mock, "the 7 background log reads", |s| {
        s.log_fetches - after_cli.log_fetches >= 7
    });
    let loaded = settle(&mock);
    let load = loaded.since(&after_cli);
    let lists = load.get(LIST).copied().unwrap_or(0);
    let posts = load.get("MCP POST").copied().unwrap_or(0);
    assert_eq!(
        load,
        counts(&[
            (LIST, lists),
            ("testany_get_execution", 4),
            ("testany_get_case", 4),
            ("testany_log_sign", 7),
            ("log GET", 7),
            ("MCP POST", posts),
        ]),
        "first load: a get_execution per listed run (2 per pipeline), a get_case per case, a log per (run, case) not cached"
    );
    // The tool calls plus the session's initialize, initialized and tools/list.
    assert_eq!(posts, lists + 4 + 4 + 7 + 3);
    assert_eq!(cached_logs(&cache.root).len(), 8);

    // 3. One open file: one list call per pipeline and cycle, nothing else.
    assert_quiet_cycles(&mock, "1 open file");

    // 4. 200 open files (each with its lenses asked for): no request for opening them,
    // and the same requests per cycle.
    let before_open = Snapshot::of(&mock);
    for i in 1..FILES {
        let rel = format!("tests/test_{i:03}.py");
        let uri = ws.uri(&rel);
        lsp.open(&uri, "python", &ws.read(&rel));
        let _ = lsp.code_lens(&uri);
    }
    let opened = Snapshot::of(&mock).since(&before_open);
    let lists = opened.get(LIST).copied().unwrap_or(0);
    assert_eq!(
        opened,
        counts(&[(LIST, lists), ("log GET", 0), ("MCP POST", lists)]),
        "opening 199 more files asks the service for nothing"
    );
    assert_quiet_cycles(&mock, "200 open files");

    // 5. A new execution of RPC-0001: its two cases' logs are fetched exactly once each
    // (the failing one's failure locations read the same cached copy), no case
    // metadata again; the polls while it runs add list and get_execution calls only.
    let before_run = Snapshot::of(&mock);
    let run = lsp
        .execute("testany.runPipeline", json!({"pipeline": "RPC-0001"}))
        .expect("runPipeline");
    let key = run["execution"].as_str().expect("execution key").to_owned();
    assert_eq!(key, "RPC-0001-00004");
    wait_counts(&mock, "the new run's 2 logs", |s| {
        s.log_fetches - before_run.log_fetches >= 2
    });
    let ran = settle(&mock).since(&before_run);
    let lists = ran.get(LIST).copied().unwrap_or(0);
    let gets = ran.get("testany_get_execution").copied().unwrap_or(0);
    let posts = ran.get("MCP POST").copied().unwrap_or(0);
    assert!(gets >= 1, "{ran:?}");
    assert_eq!(
        ran,
        counts(&[
            ("testany_execute_pipeline", 1),
            (LIST, lists),
            ("testany_get_execution", gets),
            ("testany_log_sign", 2),
            ("log GET", 2),
            ("MCP POST", posts),
        ]),
        "a new run: one log per (execution, case)"
    );
    assert_eq!(posts, 1 + lists + gets + 2);
    assert_quiet_cycles(&mock, "200 open files after a run");

    // 6. The CLI after the server: the new run's logs are in the shared cache, so
    // `testany logs` fetches none (its own session and a get_execution only).
    let before_cli = Snapshot::of(&mock);
    let cli = cli_logs(&ws, &cache.root, &key, "1");
    assert!(cli.contains("test session starts"), "{cli}");
    let d = Snapshot::of(&mock).since(&before_cli);
    let lists = d.get(LIST).copied().unwrap_or(0);
    assert_eq!(
        d,
        counts(&[
            (LIST, lists),
            ("testany_get_execution", 1),
            ("log GET", 0),
            ("MCP POST", lists + 1 + 3),
        ]),
        "the CLI reads the server's cached log"
    );
    let logs = cached_logs(&cache.root);
    assert_eq!(logs.len(), 10, "{logs:?}");
    assert!(
        logs.iter().all(|l| l.starts_with(&format!("{service}/"))),
        "one directory for the service: {logs:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let root = cache.root.join("testany/logs");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for rel in &logs {
            let file = root.join(rel);
            assert_eq!(mode(&file), 0o600, "{rel}");
            assert_eq!(mode(file.parent().unwrap()), 0o700, "{rel}");
        }
        assert_eq!(mode(&root.join(&service)), 0o700);
    }
    lsp.shutdown();
    rt.block_on(mock.shutdown());
}
