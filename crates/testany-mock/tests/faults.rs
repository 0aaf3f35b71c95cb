//! Every fault, through real HTTP.

mod common;

use std::time::{Duration, Instant};

use common::{Mcp, log_client, session, sse_data, start};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testany_mock::{MockHandle, ResponseMode};

fn get_exe() -> Value {
    json!({"name": "testany_get_execution", "arguments": {"execution_key": "SHP-0601-00001"}})
}

async fn statuses(mcp: &mut Mcp, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(mcp.request("tools/call", get_exe()).await.status.as_u16());
    }
    out
}

#[tokio::test]
async fn http_errors_fire_deterministically_on_tool_calls() {
    for (spec, want) in [
        ("http500=every:2", vec![200, 500, 200, 500, 200]),
        ("http503=first:2", vec![503, 503, 200, 200, 200]),
        ("http429=first:1", vec![429, 200, 200, 200, 200]),
        (
            "http500=every:3,http503=first:1",
            vec![503, 200, 500, 200, 200],
        ),
    ] {
        let h = start(spec, ResponseMode::Json, 1.0).await;
        // The handshake and other methods are never faulted.
        let mut mcp = session(&h).await;
        assert_eq!(
            mcp.request("tools/list", json!({})).await.status,
            StatusCode::OK
        );
        assert_eq!(statuses(&mut mcp, 5).await, want, "{spec}");
        h.shutdown().await;
    }
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let h = start("http429=first:1,retry_after=7", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await;
    let a = mcp.request("tools/call", get_exe()).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.header("retry-after"), Some("7"));
    h.shutdown().await;
}

#[tokio::test]
async fn latency_is_added_to_every_request() {
    let h = start("latency=150ms", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await;
    let t = Instant::now();
    mcp.request("ping", json!({})).await;
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    h.shutdown().await;
}

#[tokio::test]
async fn malformed_json_in_both_modes() {
    for mode in [ResponseMode::Json, ResponseMode::Sse] {
        let h = start("malformed_json=every:2", mode, 1.0).await;
        let mut mcp = session(&h).await;
        let ok = mcp.request("tools/call", get_exe()).await;
        assert_eq!(ok.response()["result"]["isError"], json!(false));
        let bad = mcp.request("tools/call", get_exe()).await;
        assert_eq!(bad.status, StatusCode::OK);
        let payload = if mode == ResponseMode::Sse {
            let data = sse_data(&bad.body);
            assert_eq!(data.len(), 1);
            data[0].clone()
        } else {
            bad.body.clone()
        };
        assert!(
            serde_json::from_str::<Value>(&payload).is_err(),
            "{payload}"
        );
        assert!(payload.starts_with("{\""));
        h.shutdown().await;
    }
}

#[tokio::test]
async fn truncated_sse_stream_ends_inside_the_response() {
    let h = start("truncate_sse=first:1", ResponseMode::Sse, 1.0).await;
    let mut mcp = session(&h).await;
    let a = mcp.request("tools/call", get_exe()).await;
    assert_eq!(a.content_type(), "text/event-stream");
    let msgs = a.messages();
    assert_eq!(msgs.len(), 1, "only the notification is complete");
    assert_eq!(msgs[0]["method"], json!("notifications/message"));
    assert!(!a.body.ends_with("\n\n"));
    assert!(a.body.contains("\nevent: message\ndata: {"));
    let next = mcp.request("tools/call", get_exe()).await;
    assert_eq!(next.messages().len(), 2);
    h.shutdown().await;
}

#[tokio::test]
async fn sessions_expire_after_n_requests() {
    let h = start("session_expiry=3", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await; // notifications/initialized is request 1
    assert_eq!(statuses(&mut mcp, 3).await, vec![200, 200, 404]);
    assert_eq!(
        statuses(&mut mcp, 1).await,
        vec![404],
        "the session is gone"
    );
    mcp.initialize().await;
    assert_eq!(statuses(&mut mcp, 2).await, vec![200, 200]);
    assert_eq!(h.counts().initialize, 2);
    h.shutdown().await;
}

async fn signed_get(h: &MockHandle) -> reqwest::Response {
    let mut mcp = session(h).await;
    let s = mcp
        .ok(
            "testany_log_sign",
            json!({"executionKey": "SHP-0601-0000C", "caseIndex": 1}),
        )
        .await;
    let url = s["logUrl"].as_str().unwrap();
    log_client(h, url)
        .get(url)
        .header("x-sign", s["sign"].as_str().unwrap())
        .header("x-operator-id", s["operatorId"].as_str().unwrap())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn expired_sign_is_refused() {
    let h = start("expired_sign", ResponseMode::Json, 1.0).await;
    let resp = signed_get(&h).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.text().await.unwrap(), "X-Sign is invalid or expired\n");
    h.shutdown().await;
}

#[tokio::test]
async fn log_url_redirects_to_another_host() {
    let h = start("redirect_log", ResponseMode::Json, 1.0).await;
    let resp = signed_get(&h).await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!(
            "http://logs.elsewhere.localhost:{}/api/v2/logproxy/internal/view",
            h.port()
        )
    );
    h.shutdown().await;
}

#[tokio::test]
async fn oversized_log_streams_exactly_the_configured_size() {
    let h = start("oversized_log=20MiB", ResponseMode::Json, 1.0).await;
    let resp = signed_get(&h).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.content_length(), None, "streamed, not buffered");
    let mut stream = resp.bytes_stream();
    let mut total = 0usize;
    let mut chunks = 0usize;
    let mut first = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        if first.is_empty() {
            first = chunk.to_vec();
        }
        total += chunk.len();
        chunks += 1;
    }
    assert_eq!(total, 20 << 20);
    assert!(chunks > 10, "{chunks} chunks");
    let head = String::from_utf8_lossy(&first);
    assert!(
        head.contains("/builds/acme/shop/tests/test_cart.py"),
        "the real log comes first"
    );
    assert!(head.contains("DEBUG shop.cache: refreshed key=sku-00000000"));
    h.shutdown().await;
}

#[tokio::test]
async fn scenario_faults_apply_and_flags_add_to_them() {
    let mut scenario = testany_mock::Scenario::shop().unwrap();
    scenario.faults = "http503=first:1".into();
    let config = testany_mock::MockConfig::new(scenario)
        .unwrap()
        .faults("http500=every:2")
        .unwrap();
    let h = testany_mock::start(config).await.unwrap();
    let mut mcp = session(&h).await;
    assert_eq!(statuses(&mut mcp, 4).await, vec![503, 500, 200, 500]);
    h.shutdown().await;
}

#[tokio::test]
async fn echo_secrets_quotes_the_credentials_back() {
    let h = start("echo_secrets", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await;
    // Before any log request the service answers as usual.
    assert_eq!(statuses(&mut mcp, 1).await, vec![200]);
    let s = mcp
        .ok(
            "testany_log_sign",
            json!({"executionKey": "SHP-0601-0000C", "caseIndex": 1}),
        )
        .await;
    let (sign, operator) = (
        s["sign"].as_str().unwrap(),
        s["operatorId"].as_str().unwrap(),
    );
    let url = s["logUrl"].as_str().unwrap();
    let resp = log_client(&h, url)
        .get(url)
        .header("x-sign", sign)
        .header("x-operator-id", operator)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let quoted = format!("X-Sign: {sign}, X-Operator-Id: {operator}");
    assert_eq!(
        resp.text().await.unwrap(),
        format!("log store failed for {quoted}\n")
    );
    // From then on every tools/call quotes them with the Authorization header.
    let a = mcp.request("tools/call", get_exe()).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        a.body,
        format!("internal error serving Authorization: none after {quoted}\n")
    );
    h.shutdown().await;
}

#[tokio::test]
async fn expiring_sessions_limits_expiry_to_the_first_sessions() {
    let h = start(
        "session_expiry=3,expiring_sessions=1",
        ResponseMode::Json,
        1.0,
    )
    .await;
    let mut mcp = session(&h).await; // notifications/initialized is request 1
    assert_eq!(statuses(&mut mcp, 3).await, vec![200, 200, 404]);
    mcp.initialize().await;
    assert_eq!(
        statuses(&mut mcp, 5).await,
        vec![200; 5],
        "the second session lives"
    );
    assert_eq!(h.counts().initialize, 2);
    h.shutdown().await;
}
