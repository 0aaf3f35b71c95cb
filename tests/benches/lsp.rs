//! Language-server benchmark (not a timed test): `cargo bench -p testany-e2e --bench lsp`.
//! Real `testany lsp` process over stdio; the emulator runs in this process so its
//! request counters can be read. Prints a markdown table for docs/benchmarks.md.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testany_e2e::lsp::editor_capabilities;
use testany_e2e::workspace::shop_config;
use testany_e2e::{Lsp, Workspace};

const KEYS: [&str; 11] = [
    "A1B2C3D4", "B7E4C2A9", "C3D9E5F1", "D4A8B6C2", "E5B1C7D3", "F6C2D8E4", "0A7D3E9B", "1B8E4FAC",
    "2C9F5A0D", "3DA06B1E", "4EB17C2F",
];

fn marker_file(markers: usize) -> String {
    let mut s = String::new();
    for i in 0..markers {
        s.push_str(&format!(
            "# testany: {}\ndef test_{i}():\n    assert True\n\n",
            KEYS[i % KEYS.len()]
        ));
    }
    s
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn spawn(cache: &Workspace) -> Lsp {
    let dir = cache.root.to_string_lossy().into_owned();
    Lsp::spawn(&[("XDG_CACHE_HOME", &dir)], None)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// MCP requests per minute with `files` open documents, polling every `idle` second.
fn requests_per_minute(rt: &tokio::runtime::Runtime, files: usize, window: Duration) -> (f64, u64) {
    let mock = rt
        .block_on(testany_mock::start(
            testany_mock::MockConfig::shop().expect("scenario"),
        ))
        .expect("mock");
    let url = mock.mcp_url_localhost();
    let ws = Workspace::shop("bench-rpm", &url);
    ws.write_config(
        &shop_config(&url, "SHP-0601")
            .replace(
                "pipelines = [\"SHP-0601\"]",
                "pipelines = [\"SHP-0601\", \"SHP-0602\"]",
            )
            .replace("environment = \"staging\"\n", ""),
    );
    let cache = Workspace::empty("bench-rpm-cache");
    let lsp = spawn(&cache);
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    let text = ws.read("tests/test_cart.py");
    for i in 0..files {
        let uri = ws.uri(&format!("tests/bench_{i}.py"));
        lsp.open(&uri, "python", &text);
    }
    // Warm up: first fetch, logs, stuck run refreshed by nobody.
    std::thread::sleep(Duration::from_secs(5));
    let before = mock.counts();
    std::thread::sleep(window);
    let after = mock.counts();
    lsp.shutdown();
    let calls = after.mcp_requests - before.mcp_requests;
    (calls as f64 * 60.0 / window.as_secs_f64(), after.initialize)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let mock = rt
        .block_on(testany_mock::start(
            testany_mock::MockConfig::shop().expect("scenario"),
        ))
        .expect("mock");
    let url = mock.mcp_url_localhost();
    let ws = Workspace::shop("bench", &url);
    let big = marker_file(1000);
    ws.write("tests/test_big.py", &big);
    let big_uri = ws.uri("tests/test_big.py");

    // 1. initialize -> first publishDiagnostics for a file with 1,000 markers.
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let cache = Workspace::empty("bench-cache");
        let lsp = spawn(&cache);
        let t0 = Instant::now();
        lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
        lsp.open(&big_uri, "python", &big);
        lsp.wait_diagnostics(&big_uri, Duration::from_secs(60), |d| !d.is_empty());
        firsts.push(t0.elapsed());
        lsp.shutdown();
    }
    firsts.sort();

    // 2. codeLens latency over 1,000 requests on that file.
    let cache = Workspace::empty("bench-cache");
    let lsp = spawn(&cache);
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    lsp.open(&big_uri, "python", &big);
    lsp.wait_diagnostics(&big_uri, Duration::from_secs(60), |d| !d.is_empty());
    let mut lat = Vec::with_capacity(1000);
    let mut lenses = 0;
    for _ in 0..1000 {
        let t = Instant::now();
        let r = lsp
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": big_uri}}),
            )
            .expect("codeLens");
        lat.push(t.elapsed());
        lenses = r.as_array().map(Vec::len).unwrap_or(0);
    }
    lat.sort();

    // 3. RSS with 1,000 open documents (each the shop's test_cart.py, 3 markers).
    let rss_before = rss_kib(lsp.pid());
    let text = ws.read("tests/test_cart.py");
    for i in 0..1000 {
        lsp.open(&ws.uri(&format!("tests/doc_{i}.py")), "python", &text);
    }
    let last = ws.uri("tests/doc_999.py");
    lsp.wait_diagnostics(&last, Duration::from_secs(120), |d| !d.is_empty());
    std::thread::sleep(Duration::from_secs(1));
    let rss_after = rss_kib(lsp.pid());
    lsp.shutdown();

    // 4. MCP requests per minute: 1 vs 200 open files, 2 pipelines, idle_secs = 1.
    let window = Duration::from_secs(
        std::env::var("BENCH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20),
    );
    let (one, init1) = requests_per_minute(&rt, 1, window);
    let (many, init200) = requests_per_minute(&rt, 200, window);

    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!("| measure | value |");
    println!("|---|---:|");
    println!(
        "| initialize -> first publishDiagnostics, 1,000 markers (median of 5; min {}, max {}) | {} |",
        ms(firsts[0]),
        ms(firsts[4]),
        ms(firsts[2])
    );
    println!(
        "| codeLens, 1,000 markers ({lenses} lenses): p50 | {} |",
        ms(percentile(&lat, 0.5))
    );
    println!(
        "| codeLens, 1,000 markers: p99 | {} |",
        ms(percentile(&lat, 0.99))
    );
    println!(
        "| RSS after initialize + the 1,000-marker file | {} MiB |",
        rss_before / 1024
    );
    println!(
        "| RSS with 1,000 more open documents | {} MiB |",
        rss_after / 1024
    );
    println!(
        "| MCP requests/min, 2 pipelines, idle_secs = 1, 1 open file | {one:.1} (initialize: {init1}) |"
    );
    println!(
        "| MCP requests/min, 2 pipelines, idle_secs = 1, 200 open files | {many:.1} (initialize: {init200}) |"
    );
    let _: Value = Value::Null;
}
