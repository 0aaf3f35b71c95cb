//! Issue 17: concurrent callers across a session expiry share one re-initialisation,
//! and a stalled log host's timeout says which limit fired and how often.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::completed_execution;
use testany_client::transport::ReqwestTransport;
use testany_client::{Client, ClientConfig, RetryPolicy, Secret};
use testany_mock::{MockConfig, MockHandle, ResponseMode};

async fn start_mock(mode: ResponseMode, faults: &str) -> MockHandle {
    let config = MockConfig::shop()
        .unwrap()
        .faults(faults)
        .unwrap()
        .response_mode(mode);
    testany_mock::start(config).await.unwrap()
}

fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
    }
}

fn config(mock: &MockHandle) -> ClientConfig {
    let mut config = ClientConfig::new(mock.mcp_url_localhost());
    config.token = Some(Secret::new("session-token-0123456789"));
    config.retry = fast_retry(4);
    config
}

/// The first session expires after 3 requests (initialized, tools/list, one call); the
/// 8 calls made at once then all find it gone. One of them initialises again, the
/// others wait for that session and retry once on it: all succeed, 2 initializes.
async fn concurrent_calls_share_one_reinitialisation(mode: ResponseMode) {
    let mock = start_mock(mode, "session_expiry=3,expiring_sessions=1").await;
    let client = Arc::new(Client::new(config(&mock)).unwrap());
    assert_eq!(client.list_pipelines(None).await.unwrap().len(), 3);
    assert_eq!(mock.counts().initialize, 1);
    let calls: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    client.list_pipelines(None).await.map(|p| p.len())
                } else {
                    client.get_pipeline("SHP-0601").await.map(|_| 1)
                }
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap().map_err(|e| e.to_string()));
    }
    assert_eq!(
        outcomes,
        [Ok(3), Ok(1), Ok(3), Ok(1), Ok(3), Ok(1), Ok(3), Ok(1)],
        "{mode:?}"
    );
    assert_eq!(mock.counts().initialize, 2, "{mode:?}: {:?}", mock.counts());
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_share_one_reinitialisation_json() {
    concurrent_calls_share_one_reinitialisation(ResponseMode::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_share_one_reinitialisation_sse() {
    concurrent_calls_share_one_reinitialisation(ResponseMode::Sse).await;
}

/// Issue 17's case: every session lives 3 requests and three callers start at once.
/// The first session serves its handshake and one call; the other two callers find it
/// expired. One re-initialisation must leave room for both retries: it used to list
/// the tools again, spending the new session's requests, and one caller failed with
/// HTTP 404.
async fn three_callers_across_a_short_session_lifetime(mode: ResponseMode) {
    let mock = start_mock(mode, "session_expiry=3").await;
    let client = Arc::new(Client::new(config(&mock)).unwrap());
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_pipelines(None).await.map(|p| p.len()) })
        })
        .collect();
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap().map_err(|e| e.to_string()));
    }
    assert_eq!(outcomes, [Ok(3), Ok(3), Ok(3)], "{mode:?}");
    // initialize, initialized, tools/list, 3 calls; initialize, initialized, 2 retries.
    let counts = mock.counts();
    assert_eq!(
        (counts.initialize, counts.tool_calls, counts.mcp_requests),
        (2, 3, 10),
        "{mode:?}: {counts:?}"
    );
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_callers_across_a_short_session_lifetime_json() {
    three_callers_across_a_short_session_lifetime(ResponseMode::Json).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_callers_across_a_short_session_lifetime_sse() {
    three_callers_across_a_short_session_lifetime(ResponseMode::Sse).await;
}

/// A session that expires before it can serve one call: the error says so instead of
/// "HTTP 404 (Session expired); check that the `url` setting points at the MCP endpoint".
#[tokio::test]
async fn sessions_that_expire_at_once_are_named_in_the_error() {
    let mock = start_mock(ResponseMode::Json, "session_expiry=1").await;
    let client = Client::new(config(&mock)).unwrap();
    let err = client.list_pipelines(None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Testany service ended each new MCP session before it could serve a call; try again, and ask its administrator about the session lifetime if this persists"
    );
    mock.shutdown().await;
}

/// Sessions of two requests: the handshake of a renewed session is one request
/// (initialized), so each renewal serves a call. Listing the tools again made every
/// call fail with HTTP 404.
#[tokio::test]
async fn sessions_of_two_requests_serve_every_call() {
    let mock = start_mock(ResponseMode::Json, "session_expiry=2").await;
    let client = Client::new(config(&mock)).unwrap();
    for _ in 0..3 {
        assert_eq!(client.list_pipelines(None).await.unwrap().len(), 3);
    }
    assert_eq!(mock.counts().initialize, 4);
    mock.shutdown().await;
}

/// A client whose transport gives up after `read` without a byte.
fn stalling_client(mock: &MockHandle, read: Duration, log_timeout: Duration) -> Client {
    let mut config = config(mock);
    config.retry = fast_retry(2);
    config.log_timeout = log_timeout;
    let transport = ReqwestTransport::with_timeouts(Duration::from_secs(5), read).unwrap();
    Client::with_transport(config, Arc::new(transport))
}

/// Issue 17: four 30 s stalls were reported as "did not answer within 300 s".
#[tokio::test]
async fn a_stalled_log_host_reports_the_read_timeout_and_the_attempts() {
    let mock = start_mock(ResponseMode::Json, "log_latency=3s").await;
    let client = stalling_client(&mock, Duration::from_millis(200), Duration::from_secs(300));
    let key = completed_execution(&client).await;
    let err = client.fetch_log_text(&key, 0).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the log proxy sent nothing for 200 ms on each of 2 attempts; try again, or raise the timeout if the service is slow"
    );
}

#[tokio::test]
async fn a_slow_log_host_reports_the_request_limit_and_the_attempts() {
    let mock = start_mock(ResponseMode::Json, "log_latency=3s").await;
    let client = stalling_client(&mock, Duration::from_secs(10), Duration::from_millis(300));
    let key = completed_execution(&client).await;
    let err = client.fetch_log_text(&key, 0).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the log proxy did not answer within 300 ms on each of 2 attempts; try again, or raise the timeout if the service is slow"
    );
}
