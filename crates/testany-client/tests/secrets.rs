//! No token, sign or operator id in any trace line or error message of a failing run.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::completed_execution;
use testany_client::{Client, ClientConfig, ListFilter, RetryPolicy, Secret};
use testany_mock::{MockConfig, ResponseMode};

const TOKEN: &str = "tok-SECRET-4f1c9a2b7e";
const OPERATOR: &str = "dev@acme.test";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Every trace line of this thread, at TRACE, into a buffer (until the guard drops).
fn capture_traces() -> (Buffer, tracing::subscriber::DefaultGuard) {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buffer.clone())
        .with_ansi(false)
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

fn config(url: String, token: &str) -> ClientConfig {
    let mut config = ClientConfig::new(url);
    config.token = Some(Secret::new(token));
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
        max_retry_after: Duration::from_millis(10),
    };
    config
}

#[tokio::test(flavor = "current_thread")]
async fn a_failing_run_never_shows_token_sign_or_operator() {
    let (buffer, _guard) = capture_traces();

    let mut mock_config = MockConfig::shop()
        .unwrap()
        .faults("expired_sign,http500=every:4,http429=every:7,retry_after=0")
        .unwrap()
        .response_mode(ResponseMode::Sse);
    mock_config.scenario.token = Some(TOKEN.to_owned());
    let mock = testany_mock::start(mock_config).await.unwrap();

    let mut messages: Vec<String> = Vec::new();
    let mut signs: Vec<String> = Vec::new();
    let mut record = |r: Result<String, testany_client::Error>| match r {
        Ok(text) => messages.push(text),
        Err(e) => {
            messages.push(e.to_string());
            messages.push(format!("{e:?}"));
        }
    };

    // A wrong token: the service refuses it.
    let wrong = Client::new(config(mock.mcp_url_localhost(), "tok-WRONG-99999999")).unwrap();
    record(wrong.get_execution("X").await.map(|e| format!("{e:?}")));

    let client = Client::new(config(mock.mcp_url_localhost(), TOKEN)).unwrap();
    record(Ok(format!("{client:?}")));
    let list = client
        .list_executions(&ListFilter {
            status: Some("COMPLETED".into()),
            ..Default::default()
        })
        .await;
    let key = match &list {
        Ok(l) => l
            .executions
            .first()
            .map(|e| e.key.clone())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    record(list.map(|l| format!("{} rows", l.executions.len())));
    for _ in 0..3 {
        match client.log_sign(&key, 4).await {
            Ok(sign) => {
                signs.push(sign.sign.clone());
                record(Ok(format!("{sign:?}")));
            }
            Err(e) => record(Err(e)),
        }
        // The sign is expired: the proxy refuses it (after one renewal).
        record(client.fetch_log_text(&key, 4).await.map(|l| l.text));
        let path = std::env::temp_dir().join(format!("testany-secrets-{}.log", std::process::id()));
        record(
            client
                .fetch_log_to_file(&key, 4, &path)
                .await
                .map(|s| format!("{s:?}")),
        );
        record(
            client
                .get_execution("SHP-0601-FFFFF")
                .await
                .map(|e| format!("{e:?}")),
        );
        record(
            client
                .execute_pipeline("NOPE-1")
                .await
                .map(|e| format!("{e:?}")),
        );
    }
    mock.shutdown().await;

    let traces = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        traces.contains("retrying"),
        "the run produced traces:\n{traces}"
    );
    assert!(!signs.is_empty(), "signs were issued");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("HTTP 401; the sign has expired")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("refused the credentials")),
        "{messages:#?}"
    );
    for text in messages.iter().chain(std::iter::once(&traces)) {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains(OPERATOR), "operator leaked: {text}");
        assert!(!text.contains("eyJ"), "a JWT leaked: {text}");
        for sign in &signs {
            assert!(!text.contains(sign.as_str()), "sign leaked: {text}");
        }
    }
}

/// Issue 17: a sign and operator id received from `testany_log_sign` came back in a
/// later service error (and in the DEBUG retry lines) unredacted.
#[tokio::test(flavor = "current_thread")]
async fn signs_and_operators_quoted_back_by_the_service_are_redacted() {
    let (buffer, _guard) = capture_traces();

    let mut mock_config = MockConfig::shop().unwrap().faults("echo_secrets").unwrap();
    mock_config.scenario.token = Some(TOKEN.to_owned());
    let mock = testany_mock::start(mock_config).await.unwrap();
    let client = Client::new(config(mock.mcp_url_localhost(), TOKEN)).unwrap();
    let key = completed_execution(&client).await;
    let sign = client.log_sign(&key, 0).await.unwrap();
    assert_eq!(sign.operator_id.as_deref(), Some(OPERATOR));

    // The log proxy quotes X-Sign and X-Operator-Id; every retry is traced.
    let fetch = client.fetch_log_text(&key, 0).await.unwrap_err();
    assert_eq!(
        fetch.to_string(),
        "the Testany service answered HTTP 500 (from the log proxy: log store failed for X-Sign: [redacted], X-Operator-Id: [redacted]); try again later"
    );
    // From then on the MCP service quotes them and the token in every error.
    let call = client.get_execution(&key).await.unwrap_err();
    assert_eq!(
        call.to_string(),
        "the Testany service answered HTTP 500 (internal error serving Authorization: Bearer [redacted] after X-Sign: [redacted], X-Operator-Id: [redacted]); try again later"
    );
    mock.shutdown().await;

    let traces = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        traces.contains("retrying the log fetch"),
        "the run produced traces:\n{traces}"
    );
    let texts = [
        fetch.to_string(),
        format!("{fetch:?}"),
        call.to_string(),
        format!("{call:?}"),
        traces,
    ];
    for text in &texts {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains(OPERATOR), "operator leaked: {text}");
        assert!(!text.contains(&sign.sign), "sign leaked: {text}");
        assert!(!text.contains("eyJ"), "a JWT leaked: {text}");
    }
}

/// Issue 17: `$XDG_CACHE_HOME/testany` and below were created 0755.
#[cfg(unix)]
#[tokio::test]
async fn log_cache_directories_are_created_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let mock = testany_mock::start(MockConfig::shop().unwrap())
        .await
        .unwrap();
    let client = Client::new(config(mock.mcp_url_localhost(), TOKEN)).unwrap();
    let key = completed_execution(&client).await;
    let root = std::env::temp_dir().join(format!("testany-cache-modes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dirs = [
        root.clone(),
        root.join("testany"),
        root.join("testany/logs"),
        root.join("testany/logs").join(&key),
    ];
    let path = dirs[3].join("0.log");
    client.fetch_log_to_file(&key, 0, &path).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let modes: Vec<u32> = dirs.iter().map(|d| mode(d)).collect();
    assert_eq!(modes, [0o700; 4]);
    assert_eq!(mode(&path), 0o600);
    std::fs::remove_dir_all(&root).unwrap();
    mock.shutdown().await;
}
