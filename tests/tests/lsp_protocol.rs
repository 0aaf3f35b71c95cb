//! The typed requests of docs/protocol.md (`testany/caseStates`, `testany/logView`)
//! over stdio against `testany mock`, on a temporary copy of examples/shop.

use std::time::Duration;

use serde_json::{Value, json};
use testany_e2e::lsp::editor_capabilities;
use testany_e2e::{Lsp, Mock, Workspace};

/// The cached log `rel` (`<execution>/<n>.log`) in the log cache's one service
/// directory (named by a hash of the service URL: testany_lsp::env::service_dir).
fn cached_log(root: &std::path::Path, rel: &str) -> std::path::PathBuf {
    let logs = root.join("testany/logs");
    let dirs: Vec<std::path::PathBuf> = std::fs::read_dir(&logs)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(
        dirs.len(),
        1,
        "one service directory in {}: {dirs:?}",
        logs.display()
    );
    dirs[0].join(rel)
}

/// Deadline of every wait for the server (waits poll: passing runs never pay it).
const WAIT: Duration = Duration::from_secs(60);
/// The newest execution of SHP-0601 in the shop scenario.
const LATEST: &str = "SHP-0601-0000C";

/// A `CaseState` of the newest execution, as sent.
fn state(uri: &str, line: u64, key: &str, name: &str, state: &str) -> Value {
    json!({"uri": uri, "line": line, "key": key, "name": name, "state": state,
           "execution": LATEST, "pipeline": "SHP-0601", "stale": false})
}

#[test]
fn case_states_and_log_view_on_the_shop() {
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("protocol", &mock.url);
    let cache = Workspace::empty("protocol-cache");
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(&[("XDG_CACHE_HOME", &cache_dir)], None);
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);

    // One document: the states its lenses show (✓ 5, ✗ 13, ✓ 22).
    let cart_states = vec![
        state(
            &cart,
            5,
            "A1B2C3D4",
            "test_add_item_updates_total",
            "passed",
        ),
        state(
            &cart,
            13,
            "B7E4C2A9",
            "test_discount_applies_once",
            "failed",
        ),
        state(
            &cart,
            22,
            "C3D9E5F1",
            "test_cart_rejects_negative_quantity",
            "passed",
        ),
    ];
    let got = lsp
        .request("testany/caseStates", json!({"uri": cart}))
        .expect("caseStates");
    assert_eq!(got, Value::Array(cart_states.clone()));

    // The whole workspace: closed files from the marker index, sorted by URI and line.
    let go = ws.uri("inventory/stock_test.go");
    let java = ws.uri("src/test/java/com/acme/shop/OrderTest.java");
    let login = ws.uri("tests/test_login.py");
    let web = ws.uri("web/tests/checkout.spec.ts");
    let mut all = vec![
        state(&go, 4, "3DA06B1E", "TestReserveStock", "passed"),
        state(&go, 15, "4EB17C2F", "TestReleaseStockTwice", "failed"),
        state(&java, 10, "1B8E4FAC", "orderTotalIncludesTax", "passed"),
        state(&java, 17, "2C9F5A0D", "orderIsPersisted", "error"),
    ];
    all.extend(cart_states);
    all.extend([
        state(
            &login,
            9,
            "D4A8B6C2",
            "test_login_with_valid_password",
            "passed",
        ),
        state(
            &login,
            15,
            "E5B1C7D3",
            "test_login_lockout_after_three_attempts",
            "failed",
        ),
        state(
            &web,
            2,
            "F6C2D8E4",
            "checkout shows the order summary",
            "passed",
        ),
        state(
            &web,
            9,
            "0A7D3E9B",
            "checkout completes the payment",
            "timeout",
        ),
    ]);
    let got = lsp
        .request("testany/caseStates", json!({}))
        .expect("caseStates");
    assert_eq!(got, Value::Array(all));
    let err = lsp
        .request("testany/caseStates", json!({"uri": "no uri"}))
        .expect_err("bad uri");
    assert_eq!(
        err,
        json!({"code": -32602, "message": "bad params: testany/caseStates needs `uri` to be a URI, not \"no uri\""})
    );

    // The failed case's log: fetched, cached, rendered by the server.
    let view = lsp
        .request(
            "testany/logView",
            json!({"execution": LATEST, "caseIndex": 1}),
        )
        .expect("logView");
    let path = cached_log(&cache.root, "SHP-0601-0000C/1.log");
    assert_eq!(view["uri"], format!("file://{}", path.display()).as_str());
    let text = view["text"].as_str().expect("text");
    assert!(!text.contains('\u{1b}'), "{text}");
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), 29, "{text}");
    assert_eq!(
        lines[24],
        "/builds/acme/shop/tests/test_cart.py:20: AssertionError"
    );
    assert_eq!(lines[28], "ERROR: Job failed: exit code 1");
    assert_eq!(view["firstFailure"], 24);
    // Core's failure-line rule (issue 16): `E`, AssertionError, FAILED and the job's
    // ERROR; not the `=== FAILURES ===` heading or the `1 failed in` summary.
    assert_eq!(view["failureLines"], json!([22, 24, 26, 28]));
    assert_eq!(
        view["frames"],
        json!([{"logLine": 24, "uri": cart, "line": 19, "column": null}])
    );
    let styled: Vec<u64> = view["styles"]
        .as_array()
        .expect("styles")
        .iter()
        .filter_map(|s| s["line"].as_u64())
        .collect();
    assert_eq!(
        styled,
        vec![0, 1, 2, 4, 5, 6, 7, 12, 14, 17, 22, 24, 25, 26, 27, 28]
    );
    let plain = json!({"fg": null, "bg": null, "bold": false, "dim": false, "italic": false,
                       "underline": false, "inverse": false});
    let bold_red = json!({"fg": {"kind": "basic", "index": 1}, "bg": null, "bold": true,
                          "dim": false, "italic": false, "underline": false, "inverse": false});
    let line24 = view["styles"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["line"] == 24))
        .expect("line 24 styled");
    assert_eq!(
        line24["spans"],
        json!([
            {"text": "/builds/acme/shop/tests/test_cart.py", "style": bold_red},
            {"text": ":20: AssertionError", "style": plain},
        ])
    );
    // The cached copy is the raw log, escapes kept.
    let raw = std::fs::read_to_string(&path).expect("cached log");
    assert!(
        raw.contains("/builds/acme/shop/tests/test_cart.py\u{1b}[0m:20: AssertionError"),
        "{raw}"
    );

    let err = lsp
        .request("testany/logView", json!({"execution": LATEST}))
        .expect_err("missing caseIndex");
    assert_eq!(
        err,
        json!({"code": -32602, "message": "bad arguments: testany/logView needs `caseIndex` (arguments: {execution, caseIndex})"})
    );
    lsp.shutdown();
    mock.stop();
}
