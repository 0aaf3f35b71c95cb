//! tools/call throughput on loopback: N concurrent sessions, each calling
//! testany_get_execution in a loop. Run: `cargo bench -p testany-mock --bench throughput`.
//! `BENCH_SECS` sets the seconds per measurement (default 3).

#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testany_mock::{MockConfig, ResponseMode};

async fn session(http: &reqwest::Client, url: &str) -> String {
    let init = http
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(
            json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "bench", "version": "1"}}})
            .to_string(),
        )
        .send()
        .await
        .expect("initialize");
    let id = init.headers()["mcp-session-id"]
        .to_str()
        .expect("session id")
        .to_string();
    let _ = init.bytes().await;
    id
}

async fn measure(mode: ResponseMode, sessions: usize, secs: u64) -> f64 {
    let config = MockConfig::shop().expect("scenario").response_mode(mode);
    let handle = testany_mock::start(config).await.expect("start");
    let url = handle.mcp_url();
    let calls = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..sessions {
        let (url, calls, stop) = (url.clone(), calls.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let sid = session(&http, &url).await;
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
                "name": "testany_get_execution", "arguments": {"execution_key": "SHP-0601-0000C"}}})
            .to_string();
            while !stop.load(Ordering::Relaxed) {
                let resp = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("accept", "application/json, text/event-stream")
                    .header("mcp-session-id", &sid)
                    .header("mcp-protocol-version", "2025-06-18")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("call");
                assert!(resp.status().is_success());
                let bytes = resp.bytes().await.expect("body");
                if mode == ResponseMode::Json {
                    let v: Value = serde_json::from_slice(&bytes).expect("json");
                    assert_eq!(v["result"]["isError"], json!(false));
                }
                calls.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Warm up, then count over the window.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start_calls = calls.load(Ordering::Relaxed);
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let done = calls.load(Ordering::Relaxed) - start_calls;
    let rate = done as f64 / t0.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    handle.shutdown().await;
    rate
}

fn main() {
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("testany-mock throughput: tools/call testany_get_execution on loopback");
    println!(
        "({threads} hardware threads; server and clients share one runtime; {secs} s per row)"
    );
    println!("{:<6} {:>9} {:>12}", "mode", "sessions", "calls/s");
    for (mode, sessions) in [
        (ResponseMode::Json, 1),
        (ResponseMode::Json, 4),
        (ResponseMode::Json, 16),
        (ResponseMode::Json, 64),
        (ResponseMode::Sse, 16),
    ] {
        let rate = rt.block_on(measure(mode, sessions, secs));
        let name = match mode {
            ResponseMode::Json => "json",
            ResponseMode::Sse => "sse",
        };
        println!("{name:<6} {sessions:>9} {rate:>12.0}");
    }
}
