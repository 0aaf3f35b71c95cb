//! Shapes the emulator does not produce: other argument names, undeclared filters,
//! servers without initialize, SSE with notifications, and hostile log URLs.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::{FakeMcp, Script, camel_tools, counting_listener};
use serde_json::{Value, json};
use testany_client::{Client, ClientConfig, Error, ListFilter, Secret};

const LOG_PATH: &str = "/api/v2/logproxy/internal/view";

fn exec(key: &str, env: &str, result: &str) -> Value {
    json!({"execution_key": key, "status": "COMPLETED", "result": result, "environment": env,
           "pipeline_key": "SHP-0601", "started_at": "2026-11-20T10:00:00Z"})
}

fn client(fake: Arc<FakeMcp>, log_domain: &str) -> Client {
    let mut config = ClientConfig::new("http://fake.test/api/v2/mcp/");
    config.token = Some(Secret::new("scripted-token-abcdef"));
    config.log_domain = Some(log_domain.to_owned());
    Client::with_transport(config, fake)
}

fn script(payloads: Vec<(&str, Value)>) -> Script {
    Script {
        tools: camel_tools(),
        payloads: payloads
            .into_iter()
            .map(|(t, v)| (t.to_owned(), v))
            .collect(),
        no_initialize: false,
        sse: false,
        expire_first_call: false,
        new_server_each_session: false,
    }
}

#[tokio::test]
async fn arguments_follow_the_declared_schema_and_undeclared_filters_apply_locally() {
    for sse in [false, true] {
        let rows = json!({"items": [exec("E-1", "staging", "FAILED"), exec("E-2", "prod", "PASSED"),
                                    exec("E-3", "staging", "PASSED")], "total": 3});
        let mut s = script(vec![
            ("testany_list_executions", rows),
            (
                "testany_get_execution",
                json!({"result": exec("E-1", "staging", "FAILED").to_string()}),
            ),
            (
                "testany_get_execution_case",
                json!({"case_key": "A1B2C3D4", "index": 2, "status": "FAILED"}),
            ),
            (
                "testany_execute_pipeline",
                json!({"executionKey": "E-9", "status": "PENDING"}),
            ),
            (
                "testany_list_pipelines",
                json!([{"pipeline_key": "P-1", "workspace": "SHP"}, {"pipeline_key": "P-2", "workspace": "OTH"}]),
            ),
        ]);
        s.sse = sse;
        let (fake, seen) = FakeMcp::new(s);
        let client = client(fake, "testany.localhost");

        let filter = ListFilter {
            pipeline_key: Some("SHP-0601".into()),
            env: Some("staging".into()),
            status: Some("passed".into()),
            page_size: Some(50),
            ..Default::default()
        };
        let list = client.list_executions(&filter).await.unwrap();
        let keys: Vec<&str> = list.executions.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["E-3"], "sse={sse}");

        assert_eq!(client.get_execution("E-1").await.unwrap().key, "E-1");
        let case = client.get_execution_case("E-1", 2).await.unwrap();
        assert_eq!((case.case_key.as_str(), case.index), ("A1B2C3D4", 2));
        assert_eq!(
            client.execute_pipeline("SHP-0601").await.unwrap().key,
            "E-9"
        );
        let pipelines = client.list_pipelines(Some("SHP")).await.unwrap();
        assert_eq!(
            pipelines.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(),
            ["P-1"]
        );

        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.calls,
            vec![
                (
                    "testany_list_executions".to_owned(),
                    json!({"pipelineKey": "SHP-0601", "pageSize": 50})
                ),
                (
                    "testany_get_execution".to_owned(),
                    json!({"executionId": "E-1"})
                ),
                (
                    "testany_get_execution_case".to_owned(),
                    json!({"executionKey": "E-1", "index": 2})
                ),
                (
                    "testany_execute_pipeline".to_owned(),
                    json!({"pipeline": "SHP-0601"})
                ),
                ("testany_list_pipelines".to_owned(), json!({})),
            ]
        );
        assert_eq!(
            seen.methods[..3],
            ["initialize", "notifications/initialized", "tools/list"]
        );
        // Later requests carry the session and the negotiated version.
        let last = seen.headers.last().unwrap();
        assert!(last.contains(&("mcp-session-id".into(), "fake-session".into())));
        assert!(last.contains(&("mcp-protocol-version".into(), "2025-03-26".into())));
        assert!(last.contains(&(
            "authorization".into(),
            "Bearer scripted-token-abcdef".into()
        )));
    }
}

#[tokio::test]
async fn a_server_without_initialize_is_used_sessionless() {
    let mut s = script(vec![(
        "testany_get_execution",
        exec("E-1", "staging", "PASSED"),
    )]);
    s.no_initialize = true;
    let (fake, seen) = FakeMcp::new(s);
    let client = client(fake, "testany.localhost");
    assert_eq!(client.get_execution("E-1").await.unwrap().key, "E-1");
    assert_eq!(client.get_execution("E-1").await.unwrap().key, "E-1");
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.methods,
        ["initialize", "tools/list", "tools/call", "tools/call"]
    );
    let last = seen.headers.last().unwrap();
    assert!(!last.iter().any(|(n, _)| n == "mcp-session-id"));
    assert!(last.contains(&("mcp-protocol-version".into(), "2025-06-18".into())));
}

/// Hostile sign replies: each URL points at a live loopback listener, and none of them
/// may receive a single connection.
#[tokio::test]
async fn hostile_log_urls_are_refused_before_any_request() {
    let (port, connections) =
        counting_listener("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi".into()).await;
    let hostile = [
        // another host (resolves to loopback, so a request would reach the listener)
        format!("http://evil.localhost:{port}{LOG_PATH}"),
        format!("http://abc.tr.other.localhost:{port}{LOG_PATH}"),
        format!("http://a.b.tr.testany.localhost:{port}{LOG_PATH}"),
        format!("http://127.0.0.1:{port}{LOG_PATH}"),
        // another path
        format!("http://abc.tr.testany.localhost:{port}/api/v2/other"),
        format!("http://abc.tr.testany.localhost:{port}{LOG_PATH}?next=http://evil"),
        // user info and escapes
        format!("http://abc.tr.testany.localhost@127.0.0.1:{port}{LOG_PATH}"),
        format!("http://127.0.0.1:{port}%2f.tr.testany.localhost{LOG_PATH}"),
        // plain http to a non-loopback host
        format!("http://abc.tr.testany.com.cn:{port}{LOG_PATH}"),
    ];
    for url in hostile {
        let domain = if url.contains("testany.com.cn") {
            "testany.com.cn"
        } else {
            "testany.localhost"
        };
        let sign =
            json!({"sign": "eyJhostile.sign.value", "logUrl": url, "operatorId": "dev@acme.test"});
        let (fake, seen) = FakeMcp::new(script(vec![("testany_log_sign", sign)]));
        let client = client(fake, domain);
        let err = client.fetch_log_text("E-1", 0).await.unwrap_err();
        assert!(matches!(err, Error::LogUrl(_)), "{url}: {err}");
        assert!(seen.lock().unwrap().gets.is_empty(), "{url}");
        let message = err.to_string();
        assert!(
            !message.contains("eyJ") && !message.contains("dev@acme.test"),
            "{message}"
        );
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0);
}

/// A valid log host that redirects elsewhere: the redirect target never sees a connection.
#[tokio::test]
async fn a_redirect_is_never_followed() {
    let (target_port, target_hits) =
        counting_listener("HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nstolen".into()).await;
    let (proxy_port, proxy_hits) = counting_listener(format!(
        "HTTP/1.1 302 Found\r\nlocation: http://evil.localhost:{target_port}{LOG_PATH}\r\ncontent-length: 0\r\n\r\n"
    ))
    .await;
    let sign = json!({"sign": "eyJsign", "logUrl": format!("http://abc.tr.testany.localhost:{proxy_port}{LOG_PATH}"),
                      "operatorId": "dev@acme.test"});
    let (fake, seen) = FakeMcp::new(script(vec![("testany_log_sign", sign)]));
    let client = client(fake, "testany.localhost");
    let err = client.fetch_log_text("E-1", 0).await.unwrap_err();
    assert!(matches!(err, Error::LogHttp { status: 302 }), "{err}");
    assert_eq!(seen.lock().unwrap().gets.len(), 1);
    assert_eq!(proxy_hits.load(Ordering::SeqCst), 1);
    assert_eq!(target_hits.load(Ordering::SeqCst), 0);
}

/// Headers from the sign reply's `headers` object are sent when safe, dropped otherwise.
#[tokio::test]
async fn sign_reply_headers_are_filtered() {
    let (port, hits) =
        counting_listener("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nlog".into()).await;
    let sign = json!({"logUrl": format!("http://abc.tr.testany.localhost:{port}{LOG_PATH}"),
                      "headers": {"X-Sign": "eyJfromheaders", "X-Operator-Id": "dev@acme.test",
                                  "X-Trace": "t1", "Host": "evil.com", "Cookie": "c=1"}});
    let (fake, _seen) = FakeMcp::new(script(vec![("testany_log_sign", sign)]));
    let client = client(fake, "testany.localhost");
    let log = client.fetch_log_text("E-1", 0).await.unwrap();
    assert_eq!(
        (log.text.as_str(), log.bytes, log.truncated),
        ("log", 3, false)
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_sign_reply_without_operator_uses_the_configured_one_or_says_so() {
    let (port, _) =
        counting_listener("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".into()).await;
    let sign = json!({"sign": "eyJs", "logUrl": format!("http://abc.tr.testany.localhost:{port}{LOG_PATH}")});
    let (fake, _) = FakeMcp::new(script(vec![("testany_log_sign", sign.clone())]));
    let err = client(fake, "testany.localhost")
        .fetch_log_text("E-1", 0)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the log sign reply has no operatorId (set TESTANY_OPERATOR); the service's log_sign answer is not understood"
    );
    let (fake, _) = FakeMcp::new(script(vec![("testany_log_sign", sign)]));
    let mut config = ClientConfig::new("http://fake.test/api/v2/mcp/");
    config.operator_id = Some(Secret::new("me@acme.test"));
    config.log_domain = Some("testany.localhost".into());
    let log = Client::with_transport(config, fake)
        .fetch_log_text("E-1", 0)
        .await
        .unwrap();
    assert_eq!(log.text, "ok");
}

/// A session that replaces an expired one keeps the tool list only while the same
/// server (name and version) answers: a redeployed service may have new schemas.
#[tokio::test]
async fn tools_are_listed_again_only_when_another_server_answers() {
    let handshake = [
        "initialize",
        "notifications/initialized",
        "tools/list",
        "tools/call",
    ];
    let same: Vec<&str> = [
        &handshake[..],
        &["initialize", "notifications/initialized", "tools/call"],
    ]
    .concat();
    let other: Vec<&str> = [&handshake[..], &handshake[..]].concat();
    for (new_server, expected) in [(false, same), (true, other)] {
        let mut s = script(vec![(
            "testany_get_pipeline",
            json!({"pipeline_key": "SHP-0601", "name": "Shop"}),
        )]);
        s.expire_first_call = true;
        s.new_server_each_session = new_server;
        let (fake, seen) = FakeMcp::new(s);
        let client = client(fake, "testany.localhost");
        client.get_pipeline("SHP-0601").await.unwrap();
        let methods = seen.lock().unwrap().methods.clone();
        assert_eq!(methods, expected, "new server: {new_server}");
    }
}
