//! The client against the real emulator over real HTTP, in JSON and SSE modes, with
//! every fault the emulator offers.

#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use testany_client::{Client, ClientConfig, Error, ListFilter, RetryPolicy, Secret};
use testany_core::model::{ExecutionResult, ExecutionStatus};
use testany_mock::{MockConfig, MockHandle, ResponseMode};

const PIPELINE: &str = "SHP-0601";
const CASE_KEYS: [&str; 11] = [
    "A1B2C3D4", "B7E4C2A9", "C3D9E5F1", "D4A8B6C2", "E5B1C7D3", "F6C2D8E4", "0A7D3E9B", "1B8E4FAC",
    "2C9F5A0D", "3DA06B1E", "4EB17C2F",
];

async fn start_mock(mode: ResponseMode, faults: &str) -> MockHandle {
    let config = MockConfig::shop()
        .unwrap()
        .faults(faults)
        .unwrap()
        .response_mode(mode)
        // Speed 1: a new run stays cancellable for about 40 s. At speed 50 it lasted
        // under a second, which a loaded machine can spend between execute and cancel.
        .speed(1.0);
    testany_mock::start(config).await.unwrap()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
    }
}

/// A client for `mock` through `testany.localhost` (exercises the loopback resolver).
fn client_for(mock: &MockHandle) -> Client {
    let mut config = ClientConfig::new(mock.mcp_url_localhost());
    config.token = Some(Secret::new("test-token-0123456789"));
    config.retry = fast_retry();
    Client::new(config).unwrap()
}

/// The newest completed execution of SHP-0601 from the scripted history.
async fn latest_completed(client: &Client) -> testany_core::model::Execution {
    let filter = ListFilter {
        pipeline_key: Some(PIPELINE.into()),
        status: Some("COMPLETED".into()),
        ..Default::default()
    };
    let list = client.list_executions(&filter).await.unwrap();
    list.executions
        .into_iter()
        .next()
        .expect("a completed execution in the history")
}

async fn every_operation(mode: ResponseMode) {
    let mock = start_mock(mode, "").await;
    let client = client_for(&mock);

    let pipelines = client.list_pipelines(Some("SHP")).await.unwrap();
    let keys: Vec<&str> = pipelines.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["SHP-0601", "SHP-0602", "SHP-0603"]);
    assert!(
        client
            .list_pipelines(Some("NOPE"))
            .await
            .unwrap()
            .is_empty()
    );

    let pipeline = client.get_pipeline(PIPELINE).await.unwrap();
    assert_eq!(pipeline.name.as_deref(), Some("Shop regression"));
    assert_eq!(pipeline.workspace.as_deref(), Some("SHP"));
    let case_keys: Vec<&str> = pipeline.cases.iter().map(|c| c.case_key.as_str()).collect();
    assert_eq!(case_keys, CASE_KEYS);

    // Every filter is declared by the emulator's schema and passed through.
    let all = client
        .list_executions(&ListFilter {
            workspace: Some("SHP".into()),
            pipeline_key: Some(PIPELINE.into()),
            page: Some(1),
            page_size: Some(5),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.executions.len(), 5);
    assert!(
        all.executions
            .iter()
            .all(|e| e.pipeline_key.as_deref() == Some(PIPELINE))
    );
    let staging = client
        .list_executions(&ListFilter {
            // SHP-0603 runs on staging only; this counts SHP-0601's.
            pipeline_key: Some("SHP-0601".into()),
            env: Some("staging".into()),
            status: Some("COMPLETED".into()),
            date_from: Some("2000-01-01".into()),
            date_to: Some("2999-12-31".into()),
            exe_start_time_from: Some("2000-01-01T00:00:00Z".into()),
            exe_start_time_to: Some("2999-01-01T00:00:00Z".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    // SHP-0601 runs on staging but for every 4th run (production): 9 of its 12.
    assert_eq!(staging.executions.len(), 9);
    assert!(
        staging
            .executions
            .iter()
            .all(|e| e.environment.as_deref() == Some("staging")
                && e.status == ExecutionStatus::Completed)
    );
    let none = client
        .list_executions(&ListFilter {
            triggered_by: Some("nobody@nowhere".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.executions.is_empty());

    let done = latest_completed(&client).await;
    let execution = client.get_execution(&done.key).await.unwrap();
    assert_eq!(execution.key, done.key);
    assert_eq!(execution.status, ExecutionStatus::Completed);
    assert_eq!(execution.cases.len(), 11);
    // E5B1C7D3 always fails ("F").
    assert_eq!(execution.cases[4].result, Some(ExecutionResult::Failed));

    let case = client.get_execution_case(&done.key, 4).await.unwrap();
    assert_eq!(case.case_key, "E5B1C7D3");
    assert_eq!(case.index, 4);
    assert_eq!(
        case.error.as_deref(),
        Some("tests/test_login.py:21: AssertionError: account should be locked after 3 failures")
    );
    assert!(case.runtime_uuid.is_some());

    let refreshed = client.refresh_execution(&done.key).await.unwrap();
    assert_eq!(refreshed.key, done.key);

    let sign = client.log_sign(&done.key, 4).await.unwrap();
    assert_eq!(sign.operator_id.as_deref(), Some("dev@acme.test"));
    let url = sign.log_url.clone().unwrap();
    assert!(
        url.starts_with(&format!(
            "http://{}.tr.testany.localhost:",
            case.runtime_uuid.clone().unwrap()
        )),
        "{url}"
    );

    let log = client.fetch_log_text(&done.key, 4).await.unwrap();
    assert!(!log.truncated);
    assert_eq!(log.bytes, log.text.len() as u64);
    assert!(
        log.text
            .contains("account should be locked after 3 failures"),
        "{}",
        log.text
    );

    let dir =
        std::env::temp_dir().join(format!("testany-client-{}-{:?}", std::process::id(), mode));
    let path = dir.join(&done.key).join("4.log");
    let saved = client.fetch_log_to_file(&done.key, 4, &path).await.unwrap();
    assert_eq!(saved.path, path);
    assert_eq!(saved.bytes, log.bytes);
    assert!(!saved.truncated);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), log.text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let _ = std::fs::remove_dir_all(&dir);

    let started = client.execute_pipeline(PIPELINE).await.unwrap();
    assert!(started.key.starts_with("SHP-0601-"), "{}", started.key);
    assert_eq!(started.status, ExecutionStatus::Pending);
    let cancelled = client
        .cancel_execution(&started.key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cancelled.status, ExecutionStatus::Cancelled);

    let missing = client.get_execution("SHP-0601-FFFFF").await.unwrap_err();
    assert_eq!(
        missing.to_string(),
        "the Testany tool testany_get_execution failed: execution SHP-0601-FFFFF was not found"
    );

    let counts = mock.counts();
    assert_eq!(counts.initialize, 1);
    mock.shutdown().await;
}

#[tokio::test]
async fn every_operation_json() {
    every_operation(ResponseMode::Json).await;
}

#[tokio::test]
async fn every_operation_sse() {
    every_operation(ResponseMode::Sse).await;
}

#[tokio::test]
async fn negotiates_keeps_and_closes_one_session() {
    let mock = start_mock(ResponseMode::Json, "").await;
    let client = client_for(&mock);
    let _ = client.list_pipelines(None).await.unwrap();
    let (version, session) = client.session_info().await.unwrap();
    assert_eq!(version.as_deref(), Some("2025-06-18"));
    assert_eq!(session.map(|s| s.len()), Some(32));
    client.close().await;
    assert_eq!(client.session_info().await, None);
    // A call after close starts a new session.
    assert_eq!(client.list_pipelines(None).await.unwrap().len(), 3);
    assert_eq!(mock.counts().initialize, 2);
}

async fn transient_faults_are_retried(mode: ResponseMode) {
    for fault in ["http500=first:2", "http503=first:2", "truncate_sse=first:2"] {
        let mock = start_mock(mode, fault).await;
        let client = client_for(&mock);
        let list = client.list_pipelines(None).await.unwrap();
        assert_eq!(list.len(), 3, "{fault}");
        assert_eq!(mock.counts().tool_calls, 3, "{fault}");
        mock.shutdown().await;
    }
}

#[tokio::test]
async fn transient_faults_are_retried_json() {
    transient_faults_are_retried(ResponseMode::Json).await;
}

#[tokio::test]
async fn transient_faults_are_retried_sse() {
    transient_faults_are_retried(ResponseMode::Sse).await;
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let mock = start_mock(ResponseMode::Json, "http429=first:1,retry_after=1").await;
    let client = client_for(&mock);
    let start = Instant::now();
    client.list_pipelines(None).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(mock.counts().tool_calls, 2);
}

#[tokio::test]
async fn retry_after_is_exposed_when_the_retries_give_up() {
    let mock = start_mock(ResponseMode::Json, "http429=first:4,retry_after=1").await;
    let client = client_for(&mock);
    assert_eq!(client.retry_after(), None);
    let err = client.list_pipelines(None).await.unwrap_err();
    assert!(err.to_string().contains("HTTP 429"), "{err}");
    assert_eq!(client.retry_after(), Some(Duration::from_secs(1)));
    client.list_pipelines(None).await.unwrap();
    assert_eq!(client.retry_after(), None);
    assert_eq!(mock.counts().tool_calls, 5);
}

#[tokio::test]
async fn persistent_faults_give_up_with_a_clear_error() {
    let table = [
        (
            "http500=always",
            "the Testany service answered HTTP 500 (internal server error); try again later",
        ),
        (
            "http503=always",
            "the Testany service answered HTTP 503 (service unavailable); try again later",
        ),
        (
            "truncate_sse=always",
            "the Testany response stream ended before the answer arrived; try again (the service or a proxy cut the connection)",
        ),
    ];
    for (fault, message) in table {
        let mock = start_mock(ResponseMode::Json, fault).await;
        let client = client_for(&mock);
        let err = client.list_pipelines(None).await.unwrap_err();
        assert_eq!(err.to_string(), message, "{fault}");
        assert_eq!(mock.counts().tool_calls, 4, "{fault}: 4 attempts");
        mock.shutdown().await;
    }
}

#[tokio::test]
async fn malformed_json_is_not_retried() {
    for mode in [ResponseMode::Json, ResponseMode::Sse] {
        let mock = start_mock(mode, "malformed_json=first:1").await;
        let client = client_for(&mock);
        let err = client.list_pipelines(None).await.unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{mode:?}: {err}");
        assert_eq!(mock.counts().tool_calls, 1);
        // The next call works.
        assert_eq!(client.list_pipelines(None).await.unwrap().len(), 3);
        mock.shutdown().await;
    }
}

#[tokio::test]
async fn execute_and_cancel_are_never_retried() {
    let mock = start_mock(ResponseMode::Json, "http503=first:1").await;
    let client = client_for(&mock);
    let err = client.execute_pipeline(PIPELINE).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err}");
    assert_eq!(mock.counts().tool_calls, 1);
    mock.shutdown().await;

    let mock = start_mock(ResponseMode::Json, "http500=every:2").await;
    let client = client_for(&mock);
    let started = client.execute_pipeline(PIPELINE).await.unwrap();
    let err = client.cancel_execution(&started.key).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err}");
    assert_eq!(mock.counts().tool_calls, 2);
}

#[tokio::test]
async fn an_expired_session_is_initialized_again() {
    for mode in [ResponseMode::Json, ResponseMode::Sse] {
        let mock = start_mock(mode, "session_expiry=3").await;
        let client = client_for(&mock);
        for _ in 0..6 {
            assert_eq!(client.list_pipelines(None).await.unwrap().len(), 3);
        }
        // Each session serves 3 requests: the first one initialized, tools/list and
        // one call; each later one initialized and two calls (the tool list is kept
        // while the same server answers), so 6 calls need 4 sessions.
        let c = mock.counts();
        assert_eq!(
            (c.initialize, c.tool_calls, c.mcp_requests),
            (4, 6, 18),
            "{mode:?}: {c:?}"
        );
        mock.shutdown().await;
    }
}

#[tokio::test]
async fn latency_past_the_timeout_is_a_timeout() {
    let mock = start_mock(ResponseMode::Json, "latency=400ms").await;
    let mut config = ClientConfig::new(mock.mcp_url());
    config.request_timeout = Duration::from_millis(100);
    config.retry = RetryPolicy {
        max_attempts: 2,
        ..fast_retry()
    };
    let client = Client::new(config).unwrap();
    let err = client.list_pipelines(None).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "the Testany service at {} did not answer within 100 ms on each of 2 attempts; try again, or raise the timeout if the service is slow",
            mock.mcp_url()
        )
    );
}

#[tokio::test]
async fn an_unreachable_service_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut config = ClientConfig::new(format!("http://127.0.0.1:{port}/api/v2/mcp/"));
    config.retry = fast_retry();
    let client = Client::new(config).unwrap();
    let err = client.get_execution("X").await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "could not connect to the Testany service at http://127.0.0.1:{port}/api/v2/mcp/ ("
        )),
        "{message}"
    );
    assert!(
        message.ends_with(
            "); check the address in the `url` setting and that the service is reachable"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn an_expired_sign_is_renewed_once_then_reported() {
    let mock = start_mock(ResponseMode::Json, "expired_sign").await;
    let client = client_for(&mock);
    let done = latest_completed(&client).await;
    let err = client.fetch_log_text(&done.key, 4).await.unwrap_err();
    assert!(matches!(err, Error::LogHttp { status: 401 }), "{err}");
    assert_eq!(
        err.to_string(),
        "the log proxy answered HTTP 401; the sign has expired or was rejected: open the log again to get a fresh one"
    );
    assert_eq!(mock.counts().log_fetches, 2);
}

#[tokio::test]
async fn a_redirecting_log_proxy_is_not_followed() {
    let mock = start_mock(ResponseMode::Json, "redirect_log").await;
    let client = client_for(&mock);
    let done = latest_completed(&client).await;
    let err = client.fetch_log_text(&done.key, 4).await.unwrap_err();
    assert!(matches!(err, Error::LogHttp { status: 302 }), "{err}");
    assert_eq!(mock.counts().log_fetches, 1);
}

#[tokio::test]
async fn an_oversized_log_is_capped() {
    let mock = start_mock(ResponseMode::Json, "oversized_log=3000000").await;
    let mut config = ClientConfig::new(mock.mcp_url_localhost());
    config.log_cap_bytes = 1_000_000;
    config.retry = fast_retry();
    let client = Client::new(config).unwrap();
    let done = latest_completed(&client).await;
    let log = client.fetch_log_text(&done.key, 4).await.unwrap();
    assert!(log.truncated);
    assert_eq!(log.bytes, 1_000_000);
    assert!(
        log.text
            .ends_with("\n[testany: log truncated at 1000000 bytes]\n")
    );

    let path = std::env::temp_dir().join(format!(
        "testany-client-oversized-{}.log",
        std::process::id()
    ));
    let saved = client.fetch_log_to_file(&done.key, 4, &path).await.unwrap();
    assert_eq!((saved.bytes, saved.truncated), (1_000_000, true));
    let on_disk = std::fs::read(&path).unwrap();
    assert_eq!(
        on_disk.len(),
        1_000_000 + "\n[testany: log truncated at 1000000 bytes]\n".len()
    );
    let _ = std::fs::remove_file(&path);
}

async fn thousand_calls(mode: ResponseMode) {
    let mock = start_mock(mode, "").await;
    let client = client_for(&mock);
    let done = latest_completed(&client).await;
    for _ in 0..1000 {
        let e = client.get_execution(&done.key).await.unwrap();
        assert_eq!(e.key, done.key);
    }
    let counts = mock.counts();
    assert_eq!(counts.initialize, 1, "{mode:?}: {counts:?}");
    assert_eq!(counts.connections, 1, "{mode:?}: {counts:?}");
    assert_eq!(counts.tool_calls, 1001, "{mode:?}: {counts:?}");
}

#[tokio::test]
async fn thousand_calls_reuse_one_connection_and_one_session_json() {
    thousand_calls(ResponseMode::Json).await;
}

#[tokio::test]
async fn thousand_calls_reuse_one_connection_and_one_session_sse() {
    thousand_calls(ResponseMode::Sse).await;
}

/// The SSE mode really answers with an event stream (notification first), which the
/// sans-IO decoder reads over the real transport.
#[tokio::test]
async fn sse_mode_answers_with_an_event_stream() {
    use testany_client::protocol;
    use testany_client::transport::{HttpRequest, Method, ReqwestTransport, Transport};

    let mock = start_mock(ResponseMode::Sse, "").await;
    let transport = ReqwestTransport::new().unwrap();
    let post = |body: Vec<u8>, session: Option<&str>| HttpRequest {
        method: Method::Post,
        url: mock.mcp_url_localhost(),
        headers: protocol::request_headers(None, session, Some("2025-06-18")),
        body,
        timeout: Some(Duration::from_secs(5)),
    };
    let init = transport
        .send(post(
            protocol::encode_request(1, "initialize", protocol::initialize_params()),
            None,
        ))
        .await
        .unwrap();
    assert_eq!(init.status, 200);
    assert_eq!(init.header("content-type"), Some("text/event-stream"));
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let result = protocol::decode_event_stream(init.body, 1, 1 << 20, |_| Error::Truncated)
        .await
        .unwrap();
    assert_eq!(protocol::negotiated_version(&result), "2025-06-18");

    let params = protocol::tool_call_params("testany_list_pipelines", serde_json::Map::new());
    let call = transport
        .send(post(
            protocol::encode_request(2, "tools/call", params),
            Some(&session),
        ))
        .await
        .unwrap();
    assert_eq!(call.header("content-type"), Some("text/event-stream"));
    let result = protocol::decode_event_stream(call.body, 2, 1 << 20, |_| Error::Truncated)
        .await
        .unwrap();
    let payload = protocol::tool_payload("testany_list_pipelines", &result).unwrap();
    assert_eq!(payload["total"], 3);
}

/// `get_case` reads each scenario case's trigger method, once per case per client:
/// eight concurrent and repeated calls for two cases make two `tools/call` requests.
#[tokio::test]
async fn get_case_is_fetched_once_per_case() {
    use std::sync::Arc;
    use testany_client::{CaseMeta, Executor};
    for mode in [ResponseMode::Json, ResponseMode::Sse] {
        let mock = start_mock(mode, "").await;
        let client = Arc::new(client_for(&mock));
        let pytest = client.get_case("5A1C9E07").await.unwrap();
        assert_eq!(
            *pytest,
            CaseMeta {
                case_key: "5A1C9E07".into(),
                name: Some("API tests (pytest)".into()),
                executor: Some(Executor::Pyres),
                trigger_path: None,
                trigger_command: ["python", "-m", "pytest", "tests/api/", "-v", "--tb=short"]
                    .map(String::from)
                    .to_vec(),
            }
        );
        let before = mock.counts().tool_calls;
        let mut calls = Vec::new();
        for key in ["5A1C9E07", "8D4FC13A", "5A1C9E07", "8D4FC13A"]
            .iter()
            .cycle()
            .take(8)
        {
            let client = client.clone();
            calls.push(tokio::spawn(async move { client.get_case(key).await }));
        }
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(
            mock.counts().tool_calls - before,
            1,
            "{mode:?}: only 8D4FC13A was new"
        );
        let maven = client.cached_case("8D4FC13A").await.unwrap();
        assert_eq!(
            (maven.executor.clone(), maven.trigger_path.as_deref()),
            (Some(Executor::Maven), Some("./"))
        );
        // An unknown executor is kept as text; a single-test case is covered too.
        let go = client.get_case("4EB17C2F").await.unwrap();
        assert_eq!(go.executor, Some(Executor::Other("go".into())));
        // An unknown case is the service's sentence, and is not cached.
        let err = client.get_case("FFFFFFFF").await.unwrap_err().to_string();
        assert_eq!(
            err,
            "the Testany tool testany_get_case failed: case FFFFFFFF was not found"
        );
        assert!(client.cached_case("FFFFFFFF").await.is_none());
        mock.shutdown().await;
    }
}
