//! Configuration sources: no testany.toml means nothing polls; the environment alone
//! is a complete configuration. The emulator runs in-process to read its counters.

use std::time::Duration;

use serde_json::{Value, json};
use testany_e2e::lsp::editor_capabilities;
use testany_e2e::{Lsp, Workspace};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn without_configuration_nothing_polls_and_the_environment_alone_works() {
    let rt = runtime();
    let mock = rt
        .block_on(testany_mock::start(
            testany_mock::MockConfig::shop().expect("scenario"),
        ))
        .expect("mock");
    let ws = Workspace::shop("noconf", &mock.mcp_url_localhost());
    std::fs::remove_file(ws.path("testany.toml")).expect("remove testany.toml");
    let cart = ws.uri("tests/test_cart.py");
    let text = ws.read("tests/test_cart.py");

    let cache = Workspace::empty("noconf-cache");
    let dir = cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(&[("XDG_CACHE_HOME", &dir)], None);
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    lsp.open(&cart, "python", &text);
    std::thread::sleep(Duration::from_secs(2));
    let lenses = lsp
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": cart}}),
        )
        .expect("codeLens");
    assert_eq!(lenses, Value::Null);
    assert_eq!(
        mock.counts().mcp_requests,
        0,
        "something polled without a configuration"
    );
    assert!(lsp.received("textDocument/publishDiagnostics").is_empty());
    lsp.shutdown();

    // TESTANY_URL (+ pipelines) alone configures the folder; the token comes from
    // initializationOptions and never shows up in the server's log.
    let log = cache.root.join("env.log");
    let url = mock.mcp_url_localhost();
    let lsp = Lsp::spawn(
        &[
            ("XDG_CACHE_HOME", &dir),
            ("TESTANY_URL", &url),
            ("TESTANY_PIPELINES", "SHP-0601"),
            ("TESTANY_ENVIRONMENT", "staging"),
            // The most verbose level: protocol dumps must still not carry the token.
            ("TESTANY_LOG", "trace"),
        ],
        Some(&log),
    );
    lsp.initialize(
        &[&ws.root],
        editor_capabilities(false),
        json!({"token": "tok-SECRET-123", "poll": {"idleSecs": 1}}),
    );
    lsp.open(&cart, "python", &text);
    let diags = lsp.wait_diagnostics(&cart, Duration::from_secs(60), |d| d.len() == 3);
    assert_eq!(diags[0]["code"], "assertion");
    assert!(mock.counts().mcp_requests > 0);
    lsp.shutdown();
    let written = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!written.is_empty());
    let leaks: Vec<&str> = written
        .lines()
        // `eyJ` starts every JWT, the shape of the emulator's log signs.
        .filter(|l| {
            l.contains("tok-SECRET-123") || l.contains("dev@acme.test") || l.contains("eyJ")
        })
        .collect();
    assert_eq!(leaks, Vec::<&str>::new(), "secrets leaked into the log");
    assert!(
        !written.contains("dev@acme.test"),
        "operator leaked into the log"
    );
    rt.block_on(mock.shutdown());
}
