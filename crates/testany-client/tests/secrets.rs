//! No token, sign or operator id in any trace line or error message of a failing run.

#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buffer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
