//! The log proxy through real HTTP: Host routing, sign and operator checks, log content.

mod common;

use common::{log_client, session, start};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testany_mock::{MockHandle, ResponseMode};

async fn sign(h: &MockHandle, exe: &str, case: u64) -> Value {
    let mut mcp = session(h).await;
    mcp.ok(
        "testany_log_sign",
        json!({"executionKey": exe, "caseIndex": case}),
    )
    .await
}

async fn fetch(
    h: &MockHandle,
    s: &Value,
    sign: Option<&str>,
    operator: Option<&str>,
) -> (StatusCode, String) {
    let url = s["logUrl"].as_str().unwrap();
    let mut req = log_client(h, url).get(url);
    if let Some(v) = sign {
        req = req.header("x-sign", v);
    }
    if let Some(v) = operator {
        req = req.header("x-operator-id", v);
    }
    let resp = req.send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

#[tokio::test]
async fn signed_fetch_returns_a_realistic_log() {
    let h = start("", ResponseMode::Json, 1.0).await;
    for (case, needles) in [
        (
            1u64,
            vec![
                "\x1b[",
                "/builds/acme/shop/tests/test_cart.py\x1b[0m:20: AssertionError",
                "FAILED\x1b[0m tests/test_cart.py::test_discount_applies_once",
            ],
        ),
        (
            4,
            vec!["/builds/acme/shop/tests/test_login.py\x1b[0m:21: AssertionError"],
        ),
        (
            6,
            vec![
                "at /builds/acme/shop/web/tests/checkout.spec.ts:15:52",
                "Error: TimeoutError: locator.toBeVisible",
            ],
        ),
        (
            8,
            vec![
                "ERROR: Job failed (system failure): Infrastructure error",
                "(OrderTest.java:21)",
            ],
        ),
        (
            10,
            vec![
                "    stock_test.go:23: released twice: got 12, want 10",
                "/builds/acme/shop/inventory/stock_test.go:23",
            ],
        ),
        (0, vec!["1 passed", "Job succeeded"]),
    ] {
        let s = sign(&h, "SHP-0601-0000C", case).await;
        let (status, body) = fetch(&h, &s, s["sign"].as_str(), Some(h.operator())).await;
        assert_eq!(status, StatusCode::OK, "case {case}: {body}");
        for n in needles {
            assert!(body.contains(n), "case {case}: missing {n:?} in\n{body}");
        }
    }
    assert_eq!(h.counts().log_fetches, 6);
    h.shutdown().await;
}

#[tokio::test]
async fn the_proxy_refuses_what_was_not_signed() {
    let h = start("", ResponseMode::Json, 1.0).await;
    let s = sign(&h, "SHP-0601-0000C", 1).await;
    let other = sign(&h, "SHP-0601-0000C", 2).await;
    let good = s["sign"].as_str().unwrap();
    let op = h.operator().to_string();
    // Flip the first character of the signature part.
    let dot = good.rfind('.').unwrap();
    let first = good[dot + 1..].chars().next().unwrap();
    let tampered = format!(
        "{}{}{}",
        &good[..=dot],
        if first == 'A' { 'B' } else { 'A' },
        &good[dot + 2..]
    );
    for (what, sign, operator, want) in [
        ("no sign", None, Some(op.as_str()), StatusCode::UNAUTHORIZED),
        ("no operator", Some(good), None, StatusCode::UNAUTHORIZED),
        (
            "wrong operator",
            Some(good),
            Some("eve@acme.test"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "tampered sign",
            Some(tampered.as_str()),
            Some(op.as_str()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "garbage sign",
            Some("abc"),
            Some(op.as_str()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "sign of another case",
            other["sign"].as_str(),
            Some(op.as_str()),
            StatusCode::UNAUTHORIZED,
        ),
        ("valid", Some(good), Some(op.as_str()), StatusCode::OK),
    ] {
        let (status, body) = fetch(&h, &s, sign, operator).await;
        assert_eq!(status, want, "{what}: {body}");
        assert!(
            !body.contains(good) || want == StatusCode::OK,
            "{what} echoes the sign"
        );
    }
    // CORS for web clients (VS Code web, the wasm engine).
    let url = s["logUrl"].as_str().unwrap();
    let pre = log_client(&h, url)
        .request(reqwest::Method::OPTIONS, url)
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-sign, x-operator-id")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), StatusCode::NO_CONTENT);
    let allowed = pre.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(
        allowed.contains("x-sign") && allowed.contains("x-operator-id"),
        "{allowed}"
    );
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    // Wrong path and method on the log host.
    let url = s["logUrl"].as_str().unwrap();
    let client = log_client(&h, url);
    let wrong = client
        .get(url.replace("/view", "/other"))
        .header("x-sign", good)
        .header("x-operator-id", &op)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let post = client
        .post(url)
        .header("x-sign", good)
        .header("x-operator-id", &op)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    h.shutdown().await;
}

#[tokio::test]
async fn pending_cases_have_no_log_and_running_ones_a_partial_log() {
    let h = start_with_a_long_first_case().await;
    let mut mcp = session(&h).await;
    let run = mcp
        .ok(
            "testany_execute_pipeline",
            json!({"pipeline_key": "SHP-0601"}),
        )
        .await;
    let key = run["execution_id"].as_str().unwrap();
    let r = mcp
        .call(
            "testany_log_sign",
            json!({"executionKey": key, "caseIndex": 3}),
        )
        .await;
    assert_eq!(r["result"]["isError"], json!(true));
    assert_eq!(
        r["result"]["content"][0]["text"],
        json!(format!(
            "case 3 of execution {key} has not started; it has no log yet"
        ))
    );
    h.shutdown().await;

    // The first case runs from 1.5 s to 301.5 s: wait until it runs. (The shipped
    // 1.25 s window was missed when a loaded machine stalled the polling loop.)
    let h = start_with_a_long_first_case().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut mcp = session(&h).await;
    mcp.ok(
        "testany_execute_pipeline",
        json!({"pipeline_key": "SHP-0601"}),
    )
    .await;
    loop {
        let c = mcp
            .ok(
                "testany_get_execution_case",
                json!({"execution_key": "SHP-0601-0000D", "case_index": 0}),
            )
            .await;
        if c["status"] == json!("RUNNING") {
            break;
        }
        assert_eq!(c["status"], json!("PENDING"));
        assert!(std::time::Instant::now() < deadline, "case 0 never ran");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let s = sign(&h, "SHP-0601-0000D", 0).await;
    let (status, body) = fetch(&h, &s, s["sign"].as_str(), Some(h.operator())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("... running test_add_item_updates_total ..."),
        "{body}"
    );
    h.shutdown().await;
}

/// The shop scenario at speed 2 with case 0 running for 300 s, so "running" and
/// "not started yet" last long enough to observe on a loaded machine.
async fn start_with_a_long_first_case() -> MockHandle {
    let mut scenario = testany_mock::Scenario::shop().unwrap();
    if let Some(case) = scenario.pipelines[0].cases.first_mut() {
        case.duration_secs = 600.0;
    }
    let config = testany_mock::MockConfig::new(scenario)
        .unwrap()
        .response_mode(ResponseMode::Json)
        .speed(2.0);
    testany_mock::start(config).await.unwrap()
}
