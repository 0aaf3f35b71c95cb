//! The fetch transport in headless Chromium against a running emulator.
//!
//! Run by `cargo xtask test`: it starts `cargo run -p testany-client --example serve_mock`
//! and passes its URLs at build time in `TESTANY_MOCK_URL` (JSON mode),
//! `TESTANY_MOCK_SSE_URL` (SSE mode) and `TESTANY_MOCK_BIG_LOG_URL` (200 MiB logs), then runs
//! `cargo test -p testany-client --target wasm32-unknown-unknown --test browser` with
//! `wasm-bindgen-test-runner` and chromedriver.

#![cfg(target_arch = "wasm32")]

use testany_client::{Client, ClientConfig, Error, ListFilter};
use testany_core::model::{ExecutionResult, ExecutionStatus};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn client(url: &str) -> Client {
    let mut config = ClientConfig::new(url);
    config.log_domain = Some("testany.localhost".to_owned());
    Client::new(config).expect("client")
}

#[wasm_bindgen_test]
async fn every_read_operation_over_fetch_json() {
    // Not `env!`: the file must still build (and lint) without a running emulator.
    let Some(url) = option_env!("TESTANY_MOCK_URL") else {
        panic!(
            "build with TESTANY_MOCK_URL=http://127.0.0.1:PORT/api/v2/mcp/ of a running emulator"
        );
    };
    every_read_operation(url).await;
}

#[wasm_bindgen_test]
async fn every_read_operation_over_fetch_sse() {
    let Some(url) = option_env!("TESTANY_MOCK_SSE_URL") else {
        panic!(
            "build with TESTANY_MOCK_SSE_URL=http://127.0.0.1:PORT/api/v2/mcp/ of a running SSE-mode emulator"
        );
    };
    every_read_operation(url).await;
}

async fn every_read_operation(url: &str) {
    let client = client(url);
    let pipelines = client.list_pipelines(Some("SHP")).await.unwrap();
    let keys: Vec<&str> = pipelines.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["SHP-0601", "SHP-0602", "SHP-0603"]);

    let pipeline = client.get_pipeline("SHP-0601").await.unwrap();
    assert_eq!(pipeline.cases.len(), 11);

    let filter = ListFilter {
        pipeline_key: Some("SHP-0601".into()),
        status: Some("COMPLETED".into()),
        ..Default::default()
    };
    let list = client.list_executions(&filter).await.unwrap();
    let done = list
        .executions
        .first()
        .expect("a completed execution")
        .clone();
    let execution = client.get_execution(&done.key).await.unwrap();
    assert_eq!(execution.status, ExecutionStatus::Completed);
    assert_eq!(execution.cases.len(), 11);
    assert_eq!(execution.cases[4].result, Some(ExecutionResult::Failed));

    let case = client.get_execution_case(&done.key, 4).await.unwrap();
    assert_eq!(case.case_key, "E5B1C7D3");

    // The log host is `{uuid}.tr.testany.localhost`: Chromium resolves it to loopback.
    let log = client.fetch_log_text(&done.key, 4).await.unwrap();
    assert!(!log.truncated);
    assert!(
        log.text
            .contains("account should be locked after 3 failures")
    );

    let err = client.get_execution("SHP-0601-FFFFF").await.unwrap_err();
    assert!(matches!(err, Error::Tool { .. }), "{err}");
}

#[wasm_bindgen_test]
async fn a_capped_log_download_stops_at_the_cap() {
    let Some(url) = option_env!("TESTANY_MOCK_BIG_LOG_URL") else {
        panic!(
            "build with TESTANY_MOCK_BIG_LOG_URL=http://127.0.0.1:PORT/api/v2/mcp/ of an emulator with oversized_log"
        );
    };
    let mut config = ClientConfig::new(url);
    config.log_domain = Some("testany.localhost".to_owned());
    config.log_cap_bytes = 1_000_000;
    let client = Client::new(config).expect("client");
    let filter = ListFilter {
        pipeline_key: Some("SHP-0601".into()),
        status: Some("COMPLETED".into()),
        ..Default::default()
    };
    let list = client.list_executions(&filter).await.unwrap();
    let done = list.executions.first().expect("a completed execution");

    // The proxy streams 200 MiB; the client keeps the first 1,000,000 bytes.
    let log = client.fetch_log_text(&done.key, 4).await.unwrap();
    assert_eq!((log.bytes, log.truncated), (1_000_000, true));
    assert!(
        log.text
            .ends_with("\n[testany: log truncated at 1000000 bytes]\n")
    );
    // Read chunk by chunk and cancelled at the cap: the module's memory never held the
    // body (reading it whole first grows the memory past 200 MiB).
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let held = memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    assert!(held < 64 << 20, "the wasm memory grew to {held} bytes");
}

/// `Retry-After` as an HTTP-date, read by the browser's `Date.parse`, against the
/// browser's clock.
#[wasm_bindgen_test]
fn retry_after_dates_in_the_browser() {
    use std::time::{Duration, UNIX_EPOCH};
    use testany_client::protocol::parse_retry_after;
    use testany_client::transport::now;

    // 2015-10-21T07:28:00Z, RFC 9110's example.
    let at = UNIX_EPOCH + Duration::from_secs(1_445_412_480);
    let before = at - Duration::from_secs(90);
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    assert_eq!(
        parse_retry_after(date, before),
        Some(Duration::from_secs(90))
    );
    // The obsolete forms; asctime has no zone and is read as GMT, not local time.
    for obsolete in [
        "Wednesday, 21-Oct-15 07:28:00 GMT",
        "Wed Oct 21 07:28:00 2015",
    ] {
        assert_eq!(
            parse_retry_after(obsolete, before),
            Some(Duration::from_secs(90)),
            "{obsolete}"
        );
    }
    // Past: the caller's backoff applies.
    assert_eq!(parse_retry_after(date, now()), None);
    assert_eq!(parse_retry_after("7", now()), Some(Duration::from_secs(7)));
    for junk in ["soon", "-3", "1.5", ""] {
        assert_eq!(parse_retry_after(junk, before), None, "{junk:?}");
    }
    // The browser's clock, not the epoch: later than this test was written.
    assert!(now() > UNIX_EPOCH + Duration::from_secs(1_790_000_000));
}
