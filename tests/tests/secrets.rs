//! Issue 17: secrets the process holds never echo. `testany mock --faults echo_secrets`
//! quotes the request's X-Sign and X-Operator-Id back from the log proxy, and from then
//! on every `tools/call` error quotes the Authorization header and those too. Neither
//! the CLI (`status`, `status --json`, `logs`) nor the language server (stale message,
//! openLog error) may print the token, a sign or the operator id, and neither may
//! their DEBUG trace lines on stderr.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use testany_e2e::lsp::editor_capabilities;
use testany_e2e::{Lsp, Mock, Workspace, testany_bin};

const TOKEN: &str = "tok-E2E-SECRET-4f1c9a2b7e";
/// The shop scenario's operator: every sign reply carries it.
const OPERATOR: &str = "dev@acme.test";
const LATEST: &str = "SHP-0601-0000C";
const WAIT: Duration = Duration::from_secs(60);

/// The log proxy's echo, redacted.
const PROXY_ECHO: &str = "the Testany service answered HTTP 500 (from the log proxy: log store failed for X-Sign: [redacted], X-Operator-Id: [redacted]); try again later";
/// The MCP service's echo after that, redacted.
const MCP_ECHO: &str = "the Testany service answered HTTP 500 (internal error serving Authorization: Bearer [redacted] after X-Sign: [redacted], X-Operator-Id: [redacted]); try again later";

fn assert_no_secrets(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what}: the token leaked:\n{text}");
    assert!(
        !text.contains(OPERATOR),
        "{what}: the operator id leaked:\n{text}"
    );
    // Every sign the emulator issues is a JWT.
    assert!(!text.contains("eyJ"), "{what}: a sign leaked:\n{text}");
}

/// Runs `testany ARGS` in `ws` with the token, a private cache and DEBUG tracing.
fn testany(ws: &Workspace, cache: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(testany_bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("TESTANY_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .args(args)
        .current_dir(&ws.root)
        .env("TESTANY_TOKEN", TOKEN)
        .env("TESTANY_LOG", "debug")
        .env("XDG_CACHE_HOME", cache)
        .env("NO_COLOR", "1")
        .output()
        .expect("run testany");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn status_never_prints_a_quoted_sign_operator_or_token() {
    let mock = Mock::start(&["--faults", "echo_secrets"]);
    let ws = Workspace::shop("secrets-status", &mock.url);
    let cache = Workspace::empty("secrets-status-cache");
    let (code, stdout, stderr) = testany(&ws, &cache.root, &["status"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let notes: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("note: log not read: "))
        .collect();
    assert_eq!(notes, [PROXY_ECHO, MCP_ECHO, MCP_ECHO, MCP_ECHO, MCP_ECHO]);
    // The DEBUG retry lines quote the same errors.
    assert!(
        stderr.contains("retrying the log fetch retry=0 "),
        "{stderr}"
    );
    assert!(
        stderr.contains(PROXY_ECHO) && stderr.contains(MCP_ECHO),
        "{stderr}"
    );
    assert_no_secrets("stdout", &stdout);
    assert_no_secrets("stderr", &stderr);
}

#[test]
fn status_json_log_errors_hold_no_secret() {
    let mock = Mock::start(&["--faults", "echo_secrets"]);
    let ws = Workspace::shop("secrets-json", &mock.url);
    let cache = Workspace::empty("secrets-json-cache");
    let (code, stdout, stderr) = testany(&ws, &cache.root, &["status", "--json"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("status --json prints JSON");
    let mut errors = Vec::new();
    collect_log_errors(&report, &mut errors);
    assert_eq!(
        errors,
        [PROXY_ECHO, MCP_ECHO, MCP_ECHO, MCP_ECHO, MCP_ECHO],
        "{stdout}"
    );
    assert_no_secrets("stdout", &stdout);
    assert_no_secrets("stderr", &stderr);
}

/// Every `log_error` string in the report, in document order.
fn collect_log_errors(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("log_error", Value::String(s)) => out.push(s.clone()),
                    _ => collect_log_errors(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_log_errors(v, out)),
        _ => {}
    }
}

#[test]
fn logs_never_prints_a_quoted_sign_operator_or_token() {
    let mock = Mock::start(&["--faults", "echo_secrets"]);
    let ws = Workspace::shop("secrets-logs", &mock.url);
    let cache = Workspace::empty("secrets-logs-cache");
    let (code, stdout, stderr) = testany(&ws, &cache.root, &["logs", LATEST, "1"]);
    assert_eq!(code, Some(3), "{stdout}\n{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr.lines().last(),
        Some(format!("error: {PROXY_ECHO}").as_str())
    );
    assert!(
        stderr.contains("retrying the log fetch retry=2 "),
        "{stderr}"
    );
    assert_no_secrets("stderr", &stderr);
    // A new process never saw the sign and operator id the service now quotes: a JWT
    // is redacted by its shape, any quoted credential header by its name.
    let (code, _, stderr) = testany(&ws, &cache.root, &["logs", LATEST, "1"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(
        stderr.lines().last(),
        Some(format!("error: {MCP_ECHO}").as_str())
    );
    assert_no_secrets("second stderr", &stderr);
    assert!(
        !stderr.contains(TOKEN) && !stderr.contains("eyJ"),
        "{stderr}"
    );
}

#[test]
fn the_language_server_never_shows_a_quoted_sign_operator_or_token() {
    let mock = Mock::start(&["--faults", "echo_secrets"]);
    let ws = Workspace::shop("secrets-lsp", &mock.url);
    let cache = Workspace::empty("secrets-lsp-cache");
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let log = cache.root.join("lsp.log");
    let lsp = Lsp::spawn(
        &[
            ("XDG_CACHE_HOME", &cache_dir),
            ("TESTANY_LOG", "debug"),
            ("TESTANY_TOKEN", TOKEN),
        ],
        Some(&log),
    );
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    // The background log fetches make the proxy echo; the next poll fails with the
    // service's echo and the results go stale.
    let stale = lsp.wait_for(WAIT, "the stale warning", |msgs| {
        msgs.iter()
            .filter(|m| m["method"] == "window/showMessage")
            .filter_map(|m| m["params"]["message"].as_str())
            .find(|t| t.contains("stale"))
            .map(str::to_owned)
    });
    assert_eq!(
        stale,
        format!("Testany: showing the last known results (stale): {MCP_ECHO}")
    );
    let error = lsp
        .execute(
            "testany.openLog",
            json!({"execution": LATEST, "caseIndex": 1}),
        )
        .expect_err("the log cannot be fetched");
    assert_eq!(error["message"], MCP_ECHO);
    let messages = serde_json::to_string(&lsp.messages()).unwrap();
    lsp.shutdown();
    assert_no_secrets("messages to the editor", &messages);
    let stderr = std::fs::read_to_string(&log).expect("the server's stderr");
    assert!(stderr.contains("DEBUG"), "{stderr}");
    assert!(stderr.contains(MCP_ECHO), "{stderr}");
    assert_no_secrets("stderr", &stderr);
}

/// Issue 17: `$XDG_CACHE_HOME/testany` and below were created 0755.
#[cfg(unix)]
#[test]
fn log_cache_directories_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let mock = Mock::start(&[]);
    let ws = Workspace::shop("cache-modes", &mock.url);
    let cache = Workspace::empty("cache-modes-cache");
    let (code, stdout, stderr) = testany(&ws, &cache.root, &["logs", LATEST, "1"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.is_empty());
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .expect("cache path exists")
            .permissions()
            .mode()
            & 0o777
    };
    // The CLI keeps logs in the server's layout (a directory per service, issue 15).
    let dir = cache.root.join("testany");
    let services: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("logs"))
        .expect("the CLI's log cache")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(services.len(), 1, "one service directory: {services:?}");
    let service = &services[0];
    let modes: Vec<u32> = [
        dir.clone(),
        dir.join("logs"),
        service.clone(),
        service.join(LATEST),
    ]
    .iter()
    .map(|d| mode(d))
    .collect();
    assert_eq!(modes, [0o700; 4]);
    assert_eq!(mode(&service.join(LATEST).join("1.log")), 0o600);

    // The language server's openLog creates the same directories the same way.
    let lsp_cache = Workspace::empty("cache-modes-lsp");
    let cache_dir = lsp_cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(&[("XDG_CACHE_HOME", &cache_dir)], None);
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    lsp.execute(
        "testany.openLog",
        json!({"execution": LATEST, "caseIndex": 1}),
    )
    .expect("openLog");
    lsp.shutdown();
    let dir = lsp_cache.root.join("testany");
    // The server keeps each service's logs in a directory of their own (a hash of its URL).
    let services: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("logs"))
        .expect("the server's log cache")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(services.len(), 1, "one service directory: {services:?}");
    let service = &services[0];
    let modes: Vec<u32> = [
        dir.clone(),
        dir.join("logs"),
        service.clone(),
        service.join(LATEST),
    ]
    .iter()
    .map(|d| mode(d))
    .collect();
    assert_eq!(modes, [0o700; 4]);
    assert_eq!(mode(&service.join(LATEST).join("1.log")), 0o600);
}

/// Review of issue 17: after one `testany logs` made the proxy remember the request's
/// credentials, a second process (`status --json`, then the language server) printed
/// the quoted `X-Operator-Id: dev@acme.test` in its notes, stderr, stale message and
/// command errors.
#[test]
fn a_later_process_never_prints_the_operator_quoted_from_an_earlier_one() {
    let mock = Mock::start(&["--faults", "echo_secrets"]);
    let ws = Workspace::shop("secrets-second", &mock.url);
    let cache = Workspace::empty("secrets-second-cache");
    let (code, _, stderr) = testany(&ws, &cache.root, &["logs", LATEST, "1"]);
    assert_eq!(code, Some(3), "{stderr}");

    let (code, stdout, stderr) = testany(&ws, &cache.root, &["status", "--json"]);
    assert_eq!(code, Some(3), "{stdout}\n{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr.lines().last(),
        Some(format!("error: {MCP_ECHO}").as_str())
    );
    assert_no_secrets("status --json stderr", &stderr);

    let cache_dir = cache.root.to_string_lossy().into_owned();
    let log = cache.root.join("lsp-second.log");
    let lsp = Lsp::spawn(
        &[
            ("XDG_CACHE_HOME", &cache_dir),
            ("TESTANY_LOG", "debug"),
            ("TESTANY_TOKEN", TOKEN),
        ],
        Some(&log),
    );
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    let error = lsp
        .execute(
            "testany.openLog",
            json!({"execution": LATEST, "caseIndex": 1}),
        )
        .expect_err("the log cannot be fetched");
    assert_eq!(error["message"], MCP_ECHO);
    let messages = serde_json::to_string(&lsp.messages()).unwrap();
    lsp.shutdown();
    assert_no_secrets("messages to the editor", &messages);
    let stderr = std::fs::read_to_string(&log).expect("the server's stderr");
    assert!(stderr.contains(MCP_ECHO), "{stderr}");
    assert_no_secrets("stderr", &stderr);
}
