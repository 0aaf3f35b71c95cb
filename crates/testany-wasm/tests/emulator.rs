//! The JS-facing `TestanyClient` in headless Chromium against a running emulator: the
//! same round trip as testany-client's `tests/browser.rs`, through the facade's JSON
//! conversions (options in, canonical snake_case objects out, `Error` rejections).
//!
//! `cargo xtask wasm-test` starts testany-client's `serve_mock` example and passes its
//! URLs at build time in `TESTANY_MOCK_URL` (JSON mode) and `TESTANY_MOCK_SSE_URL` (SSE
//! mode). Without them this file's tests fail with a message saying so; run only
//! `--test web` then.

#![cfg(all(target_arch = "wasm32", feature = "client"))]

use serde_json::{Value, json};
use testany_wasm::TestanyClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn js_parse(text: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify)]
    fn js_stringify(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = Error)]
    type JsErr;
    #[wasm_bindgen(method, getter)]
    fn message(this: &JsErr) -> String;
}

/// A resolved promise's value as JSON (what a page would see).
async fn resolve(promise: js_sys::Promise) -> Value {
    let value = match JsFuture::from(promise).await {
        Ok(value) => value,
        Err(e) => panic!("rejected: {}", e.unchecked_into::<JsErr>().message()),
    };
    let text = js_stringify(&value).as_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap()
}

fn client(url: &str) -> TestanyClient {
    let options =
        json!({ "url": url, "logDomain": "testany.localhost", "token": "sekrit-token-123" });
    TestanyClient::new(js_parse(&options.to_string())).unwrap()
}

#[wasm_bindgen_test]
async fn round_trip_over_fetch_json() {
    // Not `env!`: the file must still build (and lint) without a running emulator.
    let Some(url) = option_env!("TESTANY_MOCK_URL") else {
        panic!(
            "build with TESTANY_MOCK_URL=http://127.0.0.1:PORT/api/v2/mcp/ of a running emulator"
        );
    };
    round_trip(url).await;
}

#[wasm_bindgen_test]
async fn round_trip_over_fetch_sse() {
    let Some(url) = option_env!("TESTANY_MOCK_SSE_URL") else {
        panic!(
            "build with TESTANY_MOCK_SSE_URL=http://127.0.0.1:PORT/api/v2/mcp/ of a running SSE-mode emulator"
        );
    };
    round_trip(url).await;
}

async fn round_trip(url: &str) {
    let client = client(url);

    let pipelines = resolve(client.list_pipelines(Some("SHP".into()))).await;
    let keys: Vec<&str> = pipelines
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["key"].as_str())
        .collect();
    assert_eq!(keys, ["SHP-0601", "SHP-0602"]);

    let pipeline = resolve(client.get_pipeline("SHP-0601".into())).await;
    assert_eq!(pipeline["cases"].as_array().map(Vec::len), Some(11));

    let filter = js_parse(r#"{"pipelineKey": "SHP-0601", "status": "COMPLETED"}"#);
    let list = resolve(client.list_executions(filter)).await;
    let done = list["executions"][0]["key"].as_str().unwrap().to_owned();
    assert!(done.starts_with("SHP-0601-"), "{done}");
    assert_eq!(list["executions"][0]["status"], "COMPLETED");

    let execution = resolve(client.get_execution(done.clone())).await;
    assert_eq!(execution["key"], done.as_str());
    assert_eq!(execution["status"], "COMPLETED");
    assert_eq!(execution["cases"].as_array().map(Vec::len), Some(11));
    assert_eq!(execution["cases"][4]["result"], "FAILED");
    // Canonical timestamps survive the facade as RFC 3339 text.
    let started = execution["started_at"].as_str().unwrap_or_default();
    assert!(started.ends_with('Z') && started.len() >= 20, "{started}");

    let case = resolve(client.get_execution_case(done.clone(), 4)).await;
    assert_eq!(case["case_key"], "E5B1C7D3");

    // The log host is `{uuid}.tr.testany.localhost`: Chromium resolves it to loopback.
    let log = resolve(client.fetch_log_text(done.clone(), 4)).await;
    assert_eq!(log["truncated"], false);
    let text = log["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("account should be locked after 3 failures"),
        "{text}"
    );
    assert_eq!(log["bytes"].as_u64(), Some(text.len() as u64));

    let err = JsFuture::from(client.get_execution("SHP-0601-FFFFF".into()))
        .await
        .unwrap_err();
    let message = err.unchecked_into::<JsErr>().message();
    assert!(!message.is_empty());
    assert!(!message.contains("sekrit-token-123"), "{message}");

    assert!(JsFuture::from(client.close()).await.is_ok());
}
